"""Image bytes -> checked, decoded, network-ready array.

image_checks.py checks the bytes before decoding (size, format, pixel count,
structure, truncation). After decoding, a JPEG's scan is checked to be complete:
libjpeg fills the blocks of a scan whose data stops early (a file cut short and
given a new EOI marker) with zeros and says so only on stderr, and OpenCV returns
the picture with a grey tail. A complete scan ignores extra bytes before its EOI
marker, an incomplete one decodes them into its missing blocks, so the frame is
decoded a second time with filler bytes inserted before EOI and compared: any
difference means the scan was incomplete. The second decode runs only when the
first one hints at damage (the last block decoded to the exact mid-grey of
zero-filled blocks) or when that hint is not enough (progressive, multi-scan,
arithmetic-coded or CMYK files), so a normal camera frame pays one pixel
comparison. A cut inside the very last block (16x16 pixels at most, at the
bottom-right corner) is not told apart.
"""
import cv2
import numpy as np

from image_checks import check, sniff  # noqa: F401  (sniff: re-exported for the service)
from refusals import ImageError

# Never 0xFF (a marker); starts with 0x00 so a scan cut right after an 0xFF byte reads "FF 00" (stuffed data).
FILLER = b"\x00" + bytes((i * 167 + 13) % 251 + 1 for i in range(511))
_ZERO_FILLED = (128, 128, 128)


def jpeg_scan_complete(data, layout, image, flag):
    """False when the JPEG's scan data stops before its last block (see the module docstring)."""
    if layout.single_scan and layout.components in (1, 3) and tuple(image[-1, -1]) != _ZERO_FILLED:
        return True
    end = data.rfind(b"\xff\xd9")
    padded = cv2.imdecode(np.frombuffer(data[:end] + FILLER + data[end:], dtype=np.uint8), flag)
    return padded is not None and padded.shape == image.shape and np.array_equal(padded, image)


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
    kind, size, layout = check(data, max_bytes, max_pixels)
    flag = reduction_flag(kind, size, target_hw, reduce)
    try:
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flag)
        complete = image is None or kind != "jpeg" or jpeg_scan_complete(data, layout, image, flag)
    except cv2.error:
        image = None
    if image is None or image.size == 0:
        raise ImageError("undecodable", "{} could not be decoded (corrupt data)".format(kind.upper()))
    if not complete:
        raise ImageError("damaged", "JPEG image data stops before its last block (cut short and re-terminated)")
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
