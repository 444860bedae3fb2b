"""Checks on image bytes before they are decoded: size, format, structure, completeness.

A bad or hostile image costs no memory here: the byte count, the format (JPEG or
PNG, as the ML connectors accept), the pixel count from the header and the file's
structure are checked before any pixel is decoded.

JPEG: the header segments up to the first scan must be whole and in order (a
frame header before the scan), and the file must end with its EOI marker. Whether
the scan data itself is complete is only known by decoding it (imaging.py).
PNG: every chunk must be whole with a matching CRC, IHDR first, IEND last, and the
zlib stream of the IDAT chunks must end where the header says the image ends
(inflated in bounded pieces and thrown away), so a PNG cut at a chunk boundary and
given a new IEND is caught too.

Messages say what is wrong and where (a byte offset, a chunk number); they never
quote the image's bytes.
"""
import struct
import zlib

from refusals import ImageError

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_PROGRESSIVE = frozenset((0xC2, 0xC6, 0xCA, 0xCE))
_STANDALONE = frozenset([0x01] + list(range(0xD0, 0xD8)))
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
_INFLATE_PIECE = 1 << 20


class JpegLayout(object):
    """What the headers of a JPEG say: size, coding, and whether its first scan is its only one."""

    def __init__(self, marker, width, height, components, scan_components):
        self.width, self.height, self.components = width, height, components
        self.progressive = marker in _PROGRESSIVE
        # sequential Huffman coding with every component in the first scan: the only scan
        self.single_scan = marker in (0xC0, 0xC1) and scan_components == components


def sniff(data):
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(PNG_MAGIC):
        return "png"
    return None


def _damaged(kind, detail):
    return ImageError("damaged", "{} {}".format(kind, detail))


def _frame_header(data, i, length):
    """(marker, width, height, components) from the SOF segment at byte i."""
    if length < 8 or length < 8 + 3 * data[i + 9]:
        raise _damaged("JPEG", "has a short frame header (byte {})".format(i))
    height, width = struct.unpack(">HH", data[i + 5:i + 9])
    return data[i + 1], width, height, data[i + 9]


def _scan_layout(data, i, length, sof):
    if sof is None:
        raise _damaged("JPEG", "has a scan before its frame header")
    if length < 6 + 2 * data[i + 4]:
        raise _damaged("JPEG", "has a short scan header (byte {})".format(i))
    return JpegLayout(sof[0], sof[1], sof[2], sof[3], data[i + 4])


def jpeg_layout(data):
    """JpegLayout from the segments before the first scan, or ImageError('damaged' / 'truncated')."""
    i, n, sof = 2, len(data), None
    while True:
        if i + 4 > n:
            raise ImageError("truncated", "JPEG ends inside its headers (byte {})".format(i))
        if data[i] != 0xFF:
            raise _damaged("JPEG", "has no marker where one must be (byte {})".format(i))
        marker = data[i + 1]
        if marker == 0xFF or marker in _STANDALONE:         # a fill byte, or a marker without a length
            i += 1 if marker == 0xFF else 2
            continue
        if marker in (0xD8, 0xD9):
            raise _damaged("JPEG", "has a start or end marker before any image data (byte {})".format(i))
        length = (data[i + 2] << 8) | data[i + 3]
        if length < 2:
            raise _damaged("JPEG", "has a header segment with an invalid length (byte {})".format(i))
        if i + 2 + length > n:
            raise ImageError("truncated", "JPEG ends inside a header segment (byte {})".format(i))
        if marker in _SOF_MARKERS:
            sof = _frame_header(data, i, length)
        elif marker == 0xDA:
            return _scan_layout(data, i, length, sof)
        i += 2 + length


def jpeg_size(data):
    """(width, height) from the frame header, or None when the headers are damaged."""
    try:
        layout = jpeg_layout(data)
    except ImageError:
        return None
    return layout.width, layout.height


def jpeg_complete(data):
    return data.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")


def _png_raw_size(width, height, depth, colour, interlace):
    """Bytes the IDAT stream inflates to: each row is a filter byte plus its packed pixels."""
    bits = _PNG_CHANNELS[colour] * depth
    if not interlace:
        return height * (1 + (width * bits + 7) // 8)
    total = 0
    for x0, y0, dx, dy in _ADAM7:
        cols, rows = (width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy
        if cols > 0 and rows > 0:
            total += rows * (1 + (cols * bits + 7) // 8)
    return total


def _png_header(view):
    if len(view) != 13:
        raise _damaged("PNG", "has an IHDR chunk of the wrong length")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", bytes(view))
    if colour not in _PNG_DEPTHS or depth not in _PNG_DEPTHS[colour] or compression or filtering \
            or interlace > 1:
        raise _damaged("PNG", "has an invalid IHDR (bit depth, colour type or method)")
    return width, height, _png_raw_size(width, height, depth, colour, interlace)


def png_chunks(data):
    """(width, height, raw bytes expected, IDAT views) after checking every chunk's length and CRC."""
    view, pos, n, index = memoryview(data), 8, len(data), 0
    header, idat = None, []
    while True:
        if pos + 12 > n:
            raise ImageError("truncated", "PNG ends before its IEND chunk")
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        end = pos + 12 + length
        if end > n:
            raise ImageError("truncated", "PNG chunk {} runs past the end of the file".format(index))
        (crc,) = struct.unpack(">I", data[end - 4:end])
        if zlib.crc32(view[pos + 4:end - 4]) & 0xFFFFFFFF != crc:
            raise _damaged("PNG", "chunk {} fails its CRC check".format(index))
        kind = data[pos + 4:pos + 8]
        if (kind == b"IHDR") != (index == 0):
            raise _damaged("PNG", "does not start with its IHDR chunk")
        if kind == b"IHDR":
            header = _png_header(view[pos + 8:end - 4])
        elif kind == b"IDAT":
            idat.append(view[pos + 8:end - 4])
        elif kind == b"IEND":
            break
        pos, index = end, index + 1
    if not idat:
        raise _damaged("PNG", "has no image data (IDAT)")
    return header[0], header[1], header[2], idat


def png_check_stream(expected, idat):
    """The IDAT zlib stream must end exactly after `expected` bytes of rows (inflated piecewise, discarded)."""
    inflater, total = zlib.decompressobj(), 0
    try:
        for piece in idat:
            while len(piece) and not inflater.eof:
                total += len(inflater.decompress(piece, _INFLATE_PIECE))
                piece = inflater.unconsumed_tail
                if total > expected:
                    raise _damaged("PNG", "holds more image data than its header describes")
        while not inflater.eof and total <= expected:
            out = inflater.decompress(b"", _INFLATE_PIECE)
            if not out:
                break
            total += len(out)
    except zlib.error:
        raise _damaged("PNG", "has corrupt compressed image data")
    if not inflater.eof or total != expected:
        raise _damaged("PNG", "image data ends early ({} of {} bytes of rows)".format(total, expected))


def check(data, max_bytes, max_pixels):
    """(format, (width, height), JpegLayout or None) for acceptable bytes, else ImageError."""
    if not isinstance(data, bytes):
        raise ImageError("not_an_image", "expected image bytes, got {}".format(type(data).__name__))
    if len(data) == 0:
        raise ImageError("empty", "the image has no bytes")
    if len(data) > max_bytes:
        raise ImageError("too_large", "image is {} bytes, over the limit of {} (MAX_IMAGE_BYTES)".format(
            len(data), max_bytes))
    kind = sniff(data)
    if kind is None:
        raise ImageError("not_an_image", "not a JPEG or PNG image")
    layout, idat = None, None
    if kind == "jpeg":
        layout = jpeg_layout(data)
        width, height = layout.width, layout.height
    else:
        width, height, expected, idat = png_chunks(data)
    if width == 0 or height == 0:
        raise _damaged(kind.upper(), "header gives an empty image size")
    if width * height > max_pixels:
        raise ImageError("too_many_pixels", "image is {}x{} = {} pixels, over the limit of {} "
                         "(MAX_IMAGE_PIXELS)".format(width, height, width * height, max_pixels))
    if kind == "jpeg" and not jpeg_complete(data):
        raise ImageError("truncated", "JPEG ends before its EOI marker")
    if kind == "png":
        png_check_stream(expected, idat)
    return kind, (width, height), layout
