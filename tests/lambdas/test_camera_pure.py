"""Pure logic of the camera Lambda: pacing, in-flight window, backoff, ring, source kinds, loop policy."""
import os

import numpy as np
import pytest

import camera_config
import capture_loop
import capture_source
import frame_flow
import frame_ring


def settings(tmp_path, **env):
    env.setdefault("FRAME_DIR", str(tmp_path / "frames"))
    return camera_config.Settings.from_env(dict((k, str(v)) for k, v in env.items()))


def test_pacer_skips_missed_ticks_instead_of_bursting():
    pacer = frame_flow.Pacer(10.0, now=0.0)
    assert pacer.wait_time(0.0) == 0.0
    pacer.tick(0.0)
    assert pacer.wait_time(0.05) == pytest.approx(0.05)
    pacer.tick(1.0)                       # one second late: next tick is a period from now
    assert pacer.wait_time(1.0) == pytest.approx(0.1)


def test_in_flight_window_bounds_unanswered_frames():
    window = frame_flow.InFlightWindow(limit=2, timeout_s=5.0, max_timeout_s=5.0)
    assert window.has_room(0.0)
    window.sent(1, 0.0)
    window.sent(2, 0.1)
    assert not window.has_room(0.2)
    assert window.ack(1, 0.2) and not window.ack(1, 0.2)
    assert window.has_room(0.3)
    window.sent(3, 0.3)
    assert not window.has_room(5.05)       # frame 2 sent at 0.1 expires at 5.1
    assert window.has_room(5.2) and window.expired == 1
    window.sent(4, 6.0)
    window.sent(5, 6.0)
    window.sent(6, 6.0)                    # an on-demand frame beyond the limit evicts the oldest
    assert len(window.pending) == 2
    unbounded = frame_flow.InFlightWindow(limit=0, timeout_s=1.0)
    for i in range(100):
        unbounded.sent(i, 0.0)
    assert unbounded.has_room(0.0) and len(unbounded.pending) == 0


def test_backoff_doubles_to_a_cap_and_resets():
    backoff = frame_flow.Backoff(0.5, 3.0)
    assert [backoff.next_delay() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    backoff.reset()
    assert backoff.next_delay() == 0.5


def test_rate_meter():
    meter = frame_flow.RateMeter(window_s=5.0)
    for i in range(11):
        meter.add(i * 0.2)
    assert meter.rate(2.0) == pytest.approx(5.0)


def test_source_kinds(tmp_path):
    assert capture_source.kind_of("0") == "device"
    assert capture_source.kind_of("/dev/video0") == "device"
    assert capture_source.kind_of("rtsp://cam/live") == "stream"
    assert capture_source.kind_of("http://127.0.0.1:8080/video.mjpg") == "stream"
    assert capture_source.kind_of(str(tmp_path)) == "folder"
    assert capture_source.kind_of(str(tmp_path / "clip.avi")) == "file"
    with pytest.raises(capture_source.SourceError, match="does not exist"):
        capture_source.open_source(settings(tmp_path, CAMERA_SOURCE=str(tmp_path / "clip.avi")))
    with pytest.raises(capture_source.SourceError, match="holds no"):
        capture_source.open_source(settings(tmp_path, CAMERA_SOURCE=str(tmp_path)))


def test_config_refuses_a_window_larger_than_the_ring(tmp_path):
    with pytest.raises(camera_config.ConfigError, match="MAX_IN_FLIGHT"):
        settings(tmp_path, MAX_IN_FLIGHT=9, RING_SIZE=4)
    with pytest.raises(camera_config.ConfigError, match="CAPTURE_FPS"):
        settings(tmp_path, CAPTURE_FPS="fast")


def test_ring_keeps_only_the_newest_files_and_clears_stale_ones(tmp_path):
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "frame-000000001.jpg").write_bytes(b"old run")
    ring = frame_ring.FrameRing(str(folder), size=3, jpeg_quality=80)
    frame = np.zeros((24, 32, 3), np.uint8)
    paths = [ring.write(frame, i) for i in range(1, 8)]
    assert sorted(os.listdir(str(folder))) == [os.path.basename(p) for p in paths[-3:]]
    assert open(paths[-1], "rb").read(2) == b"\xff\xd8"


class FakeSource(object):
    live = True

    def __init__(self, frames):
        self.frames = list(frames)

    def read(self):
        if not self.frames:
            raise capture_source.SourceError("camera unplugged")
        return self.frames.pop(0)

    def close(self):
        pass


def test_loop_drops_frames_while_inference_is_behind(tmp_path):
    published = []
    frames = [np.full((8, 8, 3), i, np.uint8) for i in range(6)]
    loop = capture_loop.CameraLoop(settings(tmp_path, MAX_IN_FLIGHT=2, RING_SIZE=4),
                                   lambda topic, payload: published.append((topic, payload)),
                                   lambda s: FakeSource(frames), clock=lambda: 100.0)
    results = [loop.step() for _ in range(4)]
    assert [r if r == "dropped" else r["frame_id"] for r in results] == [1, 2, "dropped", "dropped"]
    assert loop.ack(1)
    assert loop.step()["frame_id"] == 3
    status = loop.status()
    assert (status["captured"], status["published"], status["dropped"], status["in_flight"]) == (5, 3, 2, 2)
    assert len(published) == 3 and all(topic == "gg/camera/frame" for topic, _ in published)
    assert loop.step() == "dropped"
    assert loop.step() is None and loop.status()["last_error"] == "camera unplugged"
