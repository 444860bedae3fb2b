"""Image bytes -> checked, decoded, network-ready array.

Checks run before decoding so that a bad or hostile image costs no memory:
size in bytes, format (JPEG or PNG, as the ML connectors accept), pixel count
from the header, and truncation (a JPEG must end with its EOI marker, a PNG with
IEND; OpenCV would otherwise decode a cut-off JPEG into a half-grey picture).
"""
import struct

import cv2
import numpy as np

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_SOF_MARKERS = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class ImageError(ValueError):
    """The bytes are not an image this Lambda accepts; the message says why."""


def sniff(data):
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(PNG_MAGIC):
        return "png"
    return None


def jpeg_size(data):
    """(width, height) from the first SOF segment, or None if there is none."""
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:          # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if marker in _SOF_MARKERS:
            if i + 9 > n:
                return None
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def png_size(data):
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def jpeg_complete(data):
    return data.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")


def png_complete(data):
    # IEND chunk: length 0, type IEND, CRC 0xAE426082
    return data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82")


def check(data, max_bytes, max_pixels):
    """Return (format, (width, height)) or raise ImageError."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ImageError("expected image bytes, got {}".format(type(data).__name__))
    if len(data) == 0:
        raise ImageError("empty image")
    if len(data) > max_bytes:
        raise ImageError("image is {} bytes, over the limit of {} (MAX_IMAGE_BYTES)".format(len(data), max_bytes))
    if not isinstance(data, bytes):
        data = bytes(data)
    kind = sniff(bytes(data[:8]))
    if kind is None:
        raise ImageError("not a JPEG or PNG image (starts with {!r})".format(bytes(data[:8])))
    size = jpeg_size(data) if kind == "jpeg" else png_size(data)
    if size is None or size[0] == 0 or size[1] == 0:
        raise ImageError("{} header is damaged: no image size found".format(kind.upper()))
    if size[0] * size[1] > max_pixels:
        raise ImageError("image is {}x{} = {} pixels, over the limit of {} (MAX_IMAGE_PIXELS)".format(
            size[0], size[1], size[0] * size[1], max_pixels))
    complete = jpeg_complete(data) if kind == "jpeg" else png_complete(data)
    if not complete:
        raise ImageError("truncated {}: the file ends before its {} marker".format(
            kind.upper(), "EOI" if kind == "jpeg" else "IEND"))
    return kind, size


def reduction_flag(kind, size, target_hw, allowed=True):
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the network input is that much smaller.

    Scaled DCT decoding skips most of the work for frames far larger than the
    network input (a 640x480 frame for a 224x224 classifier decodes at 320x240).
    """
    if not allowed or kind != "jpeg" or target_hw is None:
        return cv2.IMREAD_COLOR
    width, height = size
    th, tw = target_hw
    for factor, flag in ((8, cv2.IMREAD_REDUCED_COLOR_8), (4, cv2.IMREAD_REDUCED_COLOR_4),
                         (2, cv2.IMREAD_REDUCED_COLOR_2)):
        if width >= tw * factor and height >= th * factor:
            return flag
    return cv2.IMREAD_COLOR


def decode(data, max_bytes, max_pixels, target_hw=None, reduce=False):
    """BGR uint8 image (H, W, 3) from JPEG/PNG bytes, or ImageError."""
    if not isinstance(data, bytes) and isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    kind, size = check(data, max_bytes, max_pixels)
    flag = reduction_flag(kind, size, target_hw, reduce)
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flag)
    if image is None:
        raise ImageError("{} could not be decoded (corrupt data)".format(kind.upper()))
    return image


class Preprocessor(object):
    """BGR uint8 image -> float32 batch (1, C, H, W), reusing one output buffer.

    Resizing happens first, on uint8 BGR (the cheapest place), then channel
    order, mean and std are applied while converting into the float buffer.
    The returned array is overwritten by the next call, unless `out` (an array
    shaped like `buffer`, e.g. from new_buffer()) is given: then that is filled.
    """

    def __init__(self, input_shape, color_order="rgb", mean=None, std=None):
        channels, height, width = input_shape
        self.channels, self.height, self.width = channels, height, width
        self.rgb = color_order == "rgb"
        self.buffer = np.empty((1, channels, height, width), dtype=np.float32)
        self.mean = None if mean is None else np.asarray(mean, np.float32).reshape(-1, 1, 1)
        self.inv_std = None if std is None else (1.0 / np.asarray(std, np.float32)).reshape(-1, 1, 1)

    def new_buffer(self):
        return np.empty(self.buffer.shape, dtype=np.float32)

    def __call__(self, image, out=None):
        batch = self.buffer if out is None else out
        if image.shape[0] != self.height or image.shape[1] != self.width:
            image = cv2.resize(image, (self.width, self.height), interpolation=cv2.INTER_LINEAR)
        if self.channels == 1:
            chw = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)[None]
        else:
            chw = (image[:, :, ::-1] if self.rgb else image).transpose(2, 0, 1)
        target = batch[0]
        np.copyto(target, chw, casting="unsafe")
        if self.mean is not None:
            target -= self.mean
        if self.inv_std is not None:
            target *= self.inv_std
        return batch
