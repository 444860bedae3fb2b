"""An attacker names files in events: the inference Lambda reads only regular files in its read folders.

Driven through the handler as the core calls it (a direct invoke, and a message
routed by a subscription, which is pipelined), with the real greengrasssdk over
the fake core. Every refusal is one bad_event message with a reason on
ERROR_TOPIC, no message anywhere quotes a byte of the file, and the next frame
is served.
"""
import json
import os
import threading
from types import SimpleNamespace

import pytest

import lambda_models

OUT, ERR = "test/paths/out", "test/paths/err"
SECRET = "gg-test-secret-9f3c"          # written into every file the Lambda must not read


def routed():
    return SimpleNamespace(client_context=SimpleNamespace(custom={"source": "arn:camera", "subject": "frames"}))


def send(handler, event, mode):
    """The handler's answer as the core would see it, within 10 s (a FIFO must not block it)."""
    answer = []
    thread = threading.Thread(target=lambda: answer.append(
        handler.function_handler(event, routed() if mode == "routed" else None)), daemon=True)
    thread.start()
    thread.join(10)
    return thread.is_alive(), answer


@pytest.fixture
def project(tmp_path):
    """A project folder as gg lays it out: frames, the core's key next to them, an image elsewhere."""
    root = tmp_path / "project"
    frames, certs, elsewhere = root / "frames", root / "certs", root / "elsewhere"
    for folder in (frames, certs, elsewhere):
        folder.mkdir(parents=True)
    key = certs / "core.key"
    key.write_text("-----BEGIN " + "PRIVATE " "KEY-----\n" + SECRET + "\n")
    outside_image = elsewhere / "cat.jpg"
    outside_image.write_bytes(lambda_models.jpeg(40, 40, seed=9))
    (frames / "good.jpg").write_bytes(lambda_models.jpeg(40, 40, seed=1))
    os.symlink(str(key), str(frames / "key-link.jpg"))
    os.symlink(str(outside_image), str(frames / "cat-link.jpg"))
    os.symlink(str(certs), str(frames / "certs-link"))
    os.symlink("/etc/passwd", str(frames / "passwd.jpg"))
    (frames / "folder.jpg").mkdir()
    os.mkfifo(str(frames / "pipe.jpg"))
    (frames / "huge.jpg").write_bytes(b"\xff\xd8\xff" + SECRET.encode() * 20000)
    return SimpleNamespace(root=root, frames=frames, key=key, outside_image=outside_image)


def attacks(p):
    """(filepath, reason) pairs; every one must be refused."""
    cases = [
        ("/etc/passwd", "not_allowed"),
        (str(p.key), "not_allowed"),
        (str(p.frames / ".." / "certs" / "core.key"), "not_allowed"),
        (str(p.outside_image), "not_allowed"),
        (str(p.frames / "key-link.jpg"), "not_allowed"),
        (str(p.frames / "cat-link.jpg"), "not_allowed"),
        (str(p.frames / "passwd.jpg"), "not_allowed"),
        (str(p.frames / "certs-link" / "core.key"), "not_allowed"),
        (str(p.frames / "pipe.jpg"), "not_a_file"),
        (str(p.frames / "folder.jpg"), "not_a_file"),
        (str(p.frames), "not_a_file"),
        ("/dev/zero", "not_a_file"),
        (str(p.frames / "huge.jpg"), "too_large"),
        (str(p.frames / "missing.jpg"), "not_found"),
        ("frames/good.jpg", "bad_path"),
        (str(p.frames / "good\x00.jpg"), "bad_path"),
        ("/" + "a" * 5000, "bad_path"),
    ]
    if os.path.exists("/etc/shadow"):
        cases.append(("/etc/shadow", "not_allowed"))
    return cases


def unblock(fifo):
    try:                                   # a reader stuck in open() gets its writer and returns
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


@pytest.mark.parametrize("mode", ["direct", "routed"])
def test_files_outside_the_read_folders_and_non_files_are_refused_without_their_bytes(load_lambda, classifier_dir,
                                                                                       project, tmp_path, mode):
    feedback = tmp_path / "feedback"
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               FRAME_DIR=str(project.frames), READ_DIRS="/dev", MAX_IMAGE_BYTES="100000",
                               FEEDBACK_DIR=str(feedback), FEEDBACK_THRESHOLD="1.01")
    cases = attacks(project)
    try:
        for i, (path, reason) in enumerate(cases):
            stuck, answer = send(handler, {"filepath": path, "frame_id": i}, mode)
            assert not stuck, "the handler blocked on %r" % path
            stuck, answer = send(handler, {"filepath": str(project.frames / "good.jpg"), "frame_id": 1000 + i}, mode)
            assert not stuck
        handler.service.flush()
    finally:
        unblock(str(project.frames / "pipe.jpg"))
    errors = [json.loads(m["payload"].decode()) for m in ipc.messages(ERR)]
    assert [(e["frame_id"], e["kind"], e["reason"]) for e in errors] == [
        (i, "bad_event", reason) for i, (_, reason) in enumerate(cases)]
    results = [json.loads(m["payload"].decode()) for m in ipc.messages(OUT)]
    assert [r["frame_id"] for r in results] == [1000 + i for i in range(len(cases))]   # the next frame is served
    everything = b"".join(m["payload"] for m in ipc.messages())
    assert SECRET.encode() not in everything and b"root:" not in everything and b"BEGIN" not in everything
    # the outside image was neither classified nor copied for retraining; only real frames were kept
    kept = [json.load(open(str(feedback / n))) for n in os.listdir(str(feedback)) if n.endswith(".json")]
    assert {k["filepath"] for k in kept} == {str(project.frames / "good.jpg")}


def test_read_dirs_lists_more_folders_and_a_link_to_a_read_folder_is_followed(load_lambda, classifier_dir,
                                                                              project, tmp_path):
    archive = tmp_path / "archive"
    (archive / "2024").mkdir(parents=True)
    (archive / "2024" / "a.jpg").write_bytes(lambda_models.jpeg(40, 40, seed=4))
    os.symlink(str(project.frames), str(tmp_path / "frames-link"))        # FRAME_DIR itself may be a link
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               FRAME_DIR=str(tmp_path / "frames-link"), READ_DIRS=" %s ,/nonexistent" % archive)
    assert "prediction" in handler.function_handler({"filepath": str(archive / "2024" / "a.jpg")}, None)
    assert "prediction" in handler.function_handler({"filepath": str(tmp_path / "frames-link" / "good.jpg")}, None)
    refused = handler.function_handler({"filepath": str(project.frames / "good.jpg")}, None)
    assert refused["reason"] == "not_allowed"              # the link's target is not itself a read folder
    assert handler.function_handler({"filepath": "/nonexistent/x.jpg"}, None)["reason"] == "not_found"


def test_read_dirs_follow_the_local_core_path_map(load_lambda, classifier_dir, project, tmp_path):
    """On `gg core run` GG_PATH_MAP maps DestinationPaths to local folders; READ_DIRS entries follow it."""
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               FRAME_DIR=str(tmp_path / "unused"), READ_DIRS="/data,/frames",
                               GG_PATH_MAP=json.dumps({"/frames": str(project.frames), "/data": str(tmp_path)}))
    assert handler.service.settings.read_dirs == (str(tmp_path / "unused"), str(tmp_path), str(project.frames))
    assert "prediction" in handler.function_handler({"filepath": str(project.frames / "good.jpg")}, None)


def test_a_relative_read_folder_is_a_setup_error(load_lambda, classifier_dir):
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, ERROR_TOPIC=ERR, READ_DIRS="frames")
    answer = handler.function_handler({"image": ""}, None)
    assert answer["kind"] == "model_load" and "READ_DIRS entry 'frames' must be an absolute folder" in answer["error"]
