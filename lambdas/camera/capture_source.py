"""Where frames come from: a camera device, a stream URL, a video file or an image folder.

CAMERA_SOURCE forms:
  0, 1, /dev/video0          a V4L2 device (index or path)
  rtsp://..., http(s)://...  a network stream (RTSP, MJPEG over HTTP, HLS...)
  /data/clip.mp4             a video file (played at CAPTURE_FPS, restarted at its end)
  /data/images/              a folder of .jpg/.png files (sorted, restarted at the end)

Live sources (devices, streams) are read continuously by a reader thread that
keeps only the newest frame, so the socket or driver buffer never backs up and
a captured frame is never older than one source frame. Files and folders are
read one frame per capture tick, and `position` is the 0-based index in the file
or folder of the frame read last (None for live sources): it ties a frame to its
place in a recording.
"""
import os
import re
import threading
import time

import cv2

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


class SourceError(Exception):
    """The source cannot be opened or has stopped giving frames."""


def kind_of(source):
    if re.match(r"^\d+$", source):
        return "device"
    if source.startswith("/dev/"):
        return "device"
    if _URL.match(source):
        return "stream"
    if os.path.isdir(source):
        return "folder"
    return "file"


def _resize(frame, width, height):
    if not width and not height:
        return frame
    h, w = frame.shape[:2]
    width = width or int(round(w * height / float(h)))
    height = height or int(round(h * width / float(w)))
    if (w, h) == (width, height):
        return frame
    return cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)


class FolderSource(object):
    live = False
    position = None

    def __init__(self, folder, width=0, height=0):
        self.folder = folder
        self.width, self.height = width, height
        self.files = sorted(os.path.join(folder, n) for n in os.listdir(folder)
                            if n.lower().endswith(IMAGE_EXTENSIONS))
        if not self.files:
            raise SourceError("image folder {} holds no {} files".format(folder, "/".join(IMAGE_EXTENSIONS)))
        self.index = 0

    def read(self):
        """Next frame, or None at the end of the folder."""
        while self.index < len(self.files):
            path = self.files[self.index]
            self.index += 1
            frame = cv2.imread(path, cv2.IMREAD_COLOR)
            if frame is not None:
                self.position = self.index - 1
                return _resize(frame, self.width, self.height)
        return None

    def close(self):
        pass


class VideoSource(object):
    """cv2.VideoCapture over a device, file or URL. Live sources get a newest-frame reader."""

    position = None

    def __init__(self, source, kind, width=0, height=0, fps=0.0):
        self.kind = kind
        self.live = kind in ("device", "stream")
        self.width, self.height = width, height
        target = int(source) if re.match(r"^\d+$", source) else source
        self.capture = cv2.VideoCapture(target)
        if not self.capture.isOpened():
            self.capture.release()
            raise SourceError("cannot open {} {}".format(kind, source))
        if kind == "device":
            if width:
                self.capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            if height:
                self.capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
            if fps:
                self.capture.set(cv2.CAP_PROP_FPS, fps)
        self.lock = threading.Lock()
        self.latest = None
        self.latest_seq = 0
        self.taken_seq = 0
        self.source_frames = 0
        self.failed = False
        self.closed = False
        self.reader = None
        if self.live:
            self.reader = threading.Thread(target=self._read_forever, name="camera-reader", daemon=True)
            self.reader.start()

    def _read_forever(self):
        while not self.closed:
            ok, frame = self.capture.read()
            if not ok or frame is None:
                self.failed = True
                return
            with self.lock:
                self.latest = frame
                self.latest_seq += 1
                self.source_frames += 1

    def read(self, wait_s=2.0):
        """Next frame; None when a file ends. Raises SourceError when a live source fails."""
        if not self.live:
            ok, frame = self.capture.read()
            if not ok or frame is None:
                return None
            self.position = 0 if self.position is None else self.position + 1
            return _resize(frame, self.width, self.height)
        deadline = time.time() + wait_s
        while True:
            with self.lock:
                if self.latest_seq != self.taken_seq:
                    self.taken_seq = self.latest_seq
                    return _resize(self.latest, self.width, self.height)
            if self.failed:
                raise SourceError("{} stopped giving frames".format(self.kind))
            if time.time() > deadline:
                raise SourceError("{} gave no frame for {:.1f}s".format(self.kind, wait_s))
            time.sleep(0.002)

    def close(self):
        self.closed = True
        if self.reader is not None:
            self.reader.join(timeout=5.0)
        self.capture.release()


def open_source(settings):
    kind = kind_of(settings.source)
    if kind == "folder":
        return FolderSource(settings.source, settings.width, settings.height)
    if kind == "file" and not os.path.isfile(settings.source):
        raise SourceError("video file {} does not exist".format(settings.source))
    return VideoSource(settings.source, kind, settings.width, settings.height, settings.fps)
