"""Malformed events and images, sent as an attacker would: each is bad_event or bad_image with a reason.

Through the handler as the core calls it (direct invoke and subscription-routed,
pipelined), real greengrasssdk over the fake core. After each one a good frame
must be served; nothing is ever reported as `internal`.
"""
import base64
import json
import struct
import zlib
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

import lambda_models

OUT, ERR = "test/bad/out", "test/bad/err"
GOOD = lambda_models.jpeg(64, 48, seed=2)
GOOD_B64 = base64.b64encode(GOOD).decode()


def routed():
    return SimpleNamespace(client_context=SimpleNamespace(custom={"source": "arn:cloud", "subject": "infer"}))


def nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def deep_json(depth):
    return b'{"filepath": ' + b"[" * depth + b"]" * depth + b"}"


MALFORMED = [
    ({"filepath": "/frames/a\x00b.jpg", "frame_id": 1}, "bad_event", "bad_path"),
    ({"filepath": "\ud800.jpg"}, "bad_event", "bad_path"),
    ({"filepath": 12}, "bad_event", "bad_path"),
    ({"filepath": {"a": nested(5000)}}, "bad_event", "bad_path"),
    (deep_json(100000), "bad_event", "bad_json"),
    (deep_json(100000).decode(), "bad_event", "bad_json"),
    (b'{"image": "abc', "bad_event", "bad_json"),
    ({"image": GOOD_B64, "id": nested(5000)}, "bad_event", "bad_field"),
    ({"image": GOOD_B64, "id": "x" * 100000}, "bad_event", "bad_field"),
    ({"image": GOOD_B64, "frame_id": float("nan")}, "bad_event", "bad_field"),
    ({"image": GOOD_B64, "frame_id": 10 ** 30}, "bad_event", "bad_field"),
    ({"image": GOOD_B64, "filepath": "/frames/x.jpg"}, "bad_event", "bad_field"),
    ({"image": 5}, "bad_event", "bad_field"),
    ({"image": None}, "bad_event", "bad_field"),
    ({"camera": 1}, "bad_event", "no_image"),
    ([1, 2], "bad_event", "bad_type"),
    (None, "bad_event", "bad_type"),
    (True, "bad_event", "bad_type"),
    ("hello", "bad_event", "bad_json"),
    ({"image": "@@@@"}, "bad_image", "bad_base64"),
    ({"image": "ab\u00e9c"}, "bad_image", "bad_base64"),
    ({"image": "===="}, "bad_image", "bad_base64"),
    ({"image": ""}, "bad_image", "empty"),
    ({"image": base64.b64encode(b"plain text, not a picture").decode()}, "bad_image", "not_an_image"),
    (b"#!/bin/sh\nrm -rf /\n", "bad_image", "not_an_image"),
]


@pytest.mark.parametrize("mode", ["direct", "routed"])
def test_every_malformed_event_is_refused_with_a_reason_and_the_next_is_served(load_lambda, classifier_dir,
                                                                               tmp_path, mode):
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR,
                               FRAME_DIR=str(tmp_path), MAX_FRAME_AGE_S="60")
    context = routed() if mode == "routed" else None
    events = MALFORMED + [({"image": GOOD_B64, "captured_at": "yesterday"}, "bad_event", "bad_field")]
    for event, _, _ in events:
        handler.function_handler(event, context)
        handler.function_handler(GOOD, context)
    handler.service.flush()
    errors = [json.loads(m["payload"].decode()) for m in ipc.messages(ERR)]
    assert [(e["kind"], e["reason"]) for e in errors] == [(kind, reason) for _, kind, reason in events]
    assert all(e["error"].startswith(e["reason"] + ": ") for e in errors)
    assert errors[0]["frame_id"] == 1 and errors[0]["filepath"] == "/frames/a\x00b.jpg"
    assert len(ipc.messages(OUT)) == len(events)
    assert b"rm -rf" not in b"".join(m["payload"] for m in ipc.messages())


def mime_lines(data, sep):
    text = base64.b64encode(data).decode()
    return sep.join(text[i:i + 76] for i in range(0, len(text), 76)) + sep


def test_standard_mime_and_urlsafe_base64_are_accepted(load_lambda, classifier_dir):
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR)
    expected = handler.function_handler(GOOD, None)["prediction"]
    forms = [GOOD_B64, base64.encodebytes(GOOD).decode(), mime_lines(GOOD, "\r\n"), "  " + GOOD_B64 + "\n",
             base64.urlsafe_b64encode(GOOD).decode().rstrip("="), "data:image/jpeg;base64," + GOOD_B64]
    assert any(c in forms[4] for c in "-_")             # the URL-safe form really differs
    for form in forms:
        answer = handler.function_handler({"image": form}, None)
        assert answer.get("prediction") == expected, answer.get("error")
    handler.service.flush()
    assert ipc.messages(ERR) == []


def cut_and_terminate(data, fraction):
    """A JPEG cut short and given a new end-of-image marker, as a broken upload or an attacker makes it."""
    return data[:int(len(data) * fraction)] + b"\xff\xd9"


def png_chunks(data):
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        chunks.append((data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]))
        pos += 12 + length
    return chunks


def png_from(chunks):
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return out


def camera_scene(width=320, height=240):
    y, x = np.mgrid[0:height, 0:width]
    image = np.dstack([x * 255.0 / width, y * 255.0 / height, (x + y) * 0.3 + 20]).astype(np.uint8)
    return cv2.GaussianBlur(image + np.random.RandomState(3).randint(0, 12, image.shape).astype(np.uint8), (0, 0), 1)


def test_damaged_images_are_refused_and_sound_ones_served(load_lambda, classifier_dir):
    handler, ipc = load_lambda("inference", MODEL_PATH=classifier_dir, OUTPUT_TOPIC=OUT, ERROR_TOPIC=ERR)
    scene = camera_scene()
    jpegs = {"baseline": cv2.imencode(".jpg", scene)[1].tobytes(),
             "progressive": cv2.imencode(".jpg", scene, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])[1].tobytes(),
             "restart markers": cv2.imencode(".jpg", scene, [cv2.IMWRITE_JPEG_RST_INTERVAL, 4])[1].tobytes(),
             "4:4:4": cv2.imencode(".jpg", scene, [cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
                                                   cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444])[1].tobytes(),
             "grey": cv2.imencode(".jpg", cv2.cvtColor(scene, cv2.COLOR_BGR2GRAY))[1].tobytes()}
    flat = np.full((240, 320, 3), 128, np.uint8)            # decodes to the exact grey of zero-filled blocks
    sound = list(jpegs.values()) + [cv2.imencode(".jpg", flat)[1].tobytes(), cv2.imencode(".png", scene)[1].tobytes()]
    damaged = [cut_and_terminate(data, fraction) for data in jpegs.values() for fraction in (0.3, 0.6, 0.9, 0.97)]
    chunks = png_chunks(cv2.imencode(".png", scene)[1].tobytes())
    idat = b"".join(body for kind, body in chunks if kind == b"IDAT")
    halves = [(b"IDAT", idat[:len(idat) // 2]), (b"IDAT", idat[len(idat) // 2:])]
    head, iend = [c for c in chunks if c[0] not in (b"IDAT", b"IEND")], [(b"IEND", b"")]
    assert cv2.imdecode(np.frombuffer(png_from(head + halves + iend), np.uint8), cv2.IMREAD_COLOR) is not None
    sound.append(png_from(head + halves + iend))                       # two IDAT chunks: fine
    damaged.append(png_from(head + halves[:1] + iend))                 # cut at a chunk boundary, new IEND
    flipped = bytearray(png_from(head + halves + iend))
    flipped[len(flipped) // 2] ^= 0x10
    damaged.append(bytes(flipped))                                     # a flipped bit: CRC mismatch
    for data in sound:
        assert "prediction" in handler.function_handler(data, None)
    for data in damaged:
        answer = handler.function_handler(data, routed())
        assert answer is None
    handler.service.flush()
    errors = [json.loads(m["payload"].decode()) for m in ipc.messages(ERR)]
    assert [(e["kind"], e["reason"]) for e in errors] == [("bad_image", "damaged")] * len(damaged)
    assert len(ipc.messages(OUT)) == len(sound)
