"""Generated pictures of coloured boxes, with their ground truth.

One frame is a noisy grey background, sometimes with a dim grey distractor
rectangle, and (except for "empty") one box of the label's colour at a random
place and size. The same renderer makes the training images and the demo clip,
so the classifier sees on the device what it was trained on, through the same
JPEG round trip and resize the camera and inference Lambdas apply.
"""
import json
import os

import numpy as np

LABELS = ("empty", "red", "green", "blue", "yellow")
FRAME_SIZE = (160, 120)           # width, height of the clip the camera plays
INPUT_SHAPE = (3, 32, 32)         # C, H, W the classifier takes
# BGR (OpenCV order) centre colour of each box label
COLOURS = {"red": (40, 40, 220), "green": (50, 190, 50), "blue": (220, 70, 40), "yellow": (40, 210, 230)}


def render(label, rng, size=FRAME_SIZE):
    """One BGR uint8 frame (height, width, 3) showing `label`."""
    import cv2

    width, height = size
    base = rng.randint(60, 190)
    frame = np.clip(base + rng.normal(0, 12, (height, width, 1)), 0, 255).repeat(3, axis=2)
    if rng.rand() < 0.5:              # a grey distractor: boxes are told apart by colour, not shape
        _box(frame, rng, width, height, np.full(3, rng.randint(0, 255)))
    if label != "empty":
        colour = np.clip(np.array(COLOURS[label]) + rng.randint(-25, 26, 3), 0, 255)
        _box(frame, rng, width, height, colour)
    frame = frame.astype(np.uint8)
    return cv2.GaussianBlur(frame, (3, 3), 0)


def _box(frame, rng, width, height, colour):
    w = rng.randint(width // 5, width // 2)
    h = rng.randint(height // 5, height // 2)
    x = rng.randint(0, width - w)
    y = rng.randint(0, height - h)
    frame[y:y + h, x:x + w] = colour


def to_input(frame_bgr, quality=90):
    """What the Lambdas make of a frame: JPEG (the camera's ring), decoded at half scale (the
    inference Lambda's scaled decoding of a 160x120 frame for a 32x32 input), resized, RGB, CHW float32."""
    import cv2

    ok, data = cv2.imencode(".jpg", frame_bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    image = cv2.imdecode(data, cv2.IMREAD_REDUCED_COLOR_2)
    image = cv2.resize(image, (INPUT_SHAPE[2], INPUT_SHAPE[1]), interpolation=cv2.INTER_LINEAR)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB).transpose(2, 0, 1).astype(np.float32)


def training_set(count, seed=0):
    """(inputs N x C x H x W float32, label indices N float32), classes balanced."""
    rng = np.random.RandomState(seed)
    indices = np.arange(count) % len(LABELS)
    rng.shuffle(indices)
    inputs = np.stack([to_input(render(LABELS[i], rng), quality=rng.randint(60, 96)) for i in indices])
    return inputs, indices.astype(np.float32)


def clip_labels(frames_per_label=6, rounds=2, seed=1):
    """Ground truth of a clip: each label held for a few frames, labels in a shuffled order per round."""
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(rounds):
        for label in rng.permutation(LABELS):
            out.extend([str(label)] * frames_per_label)
    return out


def write_clip(folder, labels, seed=2, fps=10.0):
    """clip.avi (MJPG) with one frame per label, and truth.json {"labels": [...]} beside it.

    Returns the clip's path. Frame i of the clip shows labels[i].
    """
    import cv2

    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "clip.avi")
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), fps, FRAME_SIZE)
    if not writer.isOpened():
        raise RuntimeError("OpenCV cannot write %s" % path)
    rng = np.random.RandomState(seed)
    try:
        for label in labels:
            writer.write(render(label, rng))
    finally:
        writer.release()
    with open(os.path.join(folder, "truth.json"), "w") as fh:
        json.dump({"labels": list(labels), "frame_size": list(FRAME_SIZE)}, fh)
    return path
