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


def test_ack_timeout_follows_inference_latency_and_late_frames_keep_counting():
    window = frame_flow.InFlightWindow(limit=2, timeout_s=0.15, max_timeout_s=10.0)
    window.sent(1, 0.0)
    window.sent(2, 0.0)
    assert window.has_room(0.2) and window.expired == 2          # timed out by the initial timeout
    window.sent(3, 0.2)
    window.sent(4, 0.2)
    assert window.ack(1, 0.5) and window.late == 1               # a late ack: inference takes 0.5 s
    assert window.current_timeout() == pytest.approx(1.0)
    assert window.in_flight(0.5) == 3                            # overdue 2 counts again, with pending 3 and 4
    assert not window.has_room(0.9)
    for frame_id, at in ((2, 1.0), (3, 1.4), (4, 1.8)):
        assert window.ack(frame_id, at)
    assert window.has_room(1.8) and window.current_timeout() == pytest.approx(3.2)
    window.sent(5, 2.0)
    assert window.outstanding(5) and window.has_room(2.0)
    assert window.has_room(5.3) and 5 in window.overdue          # expired after 3.2 s, its file still protected
    assert window.outstanding(5)
    window.expire(12.1)
    assert window.lost == 1 and not window.outstanding(5)       # ACK_TIMEOUT_MAX_S: given up, file released
    capped = frame_flow.InFlightWindow(limit=1, timeout_s=1.0, max_timeout_s=4.0)
    capped.sent(1, 0.0)
    capped.ack(1, 100.0)
    assert capped.current_timeout() == 4.0


def test_ring_keeps_files_inference_may_still_read(tmp_path):
    ring = frame_ring.FrameRing(str(tmp_path / "frames"), size=3, jpeg_quality=80)
    frame = np.zeros((8, 8, 3), np.uint8)
    awaited = {1, 3}
    for i in (1, 2, 3):
        ring.write(frame, i, awaited.__contains__)
    assert not ring.busy(awaited.__contains__)
    ring.write(frame, 4, awaited.__contains__)                 # 2 goes, not 1
    assert [os.path.basename(p) for p in ring.paths] == ["frame-000000001.jpg", "frame-000000003.jpg",
                                                          "frame-000000004.jpg"]
    awaited.add(4)
    assert ring.busy(awaited.__contains__)


def test_loop_drops_while_every_ring_file_is_awaited(tmp_path):
    frames = [np.full((8, 8, 3), i, np.uint8) for i in range(10)]
    now = [0.0]
    loop = capture_loop.CameraLoop(settings(tmp_path, MAX_IN_FLIGHT=2, RING_SIZE=2, ACK_TIMEOUT_S=0.1,
                                            ACK_TIMEOUT_MAX_S=5),
                                   lambda topic, payload: None, lambda s: FakeSource(frames), clock=lambda: now[0])
    assert [loop.step()["frame_id"] for _ in range(2)] == [1, 2]
    now[0] = 1.0                                               # both timed out: the window has room...
    assert loop.step() == "dropped"                            # ...but their files may still be read
    assert loop.capture_now({})["error"].startswith("busy")
    assert loop.ack(1)
    assert loop.step()["frame_id"] == 3
    status = loop.status()
    assert (status["ring_busy"], status["late_acks"], status["overdue"]) == (2, 1, 1)
