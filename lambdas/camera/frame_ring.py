"""A bounded ring of JPEG frame files in FRAME_DIR.

Each frame gets its own name (frame-<id>.jpg) so a reference never silently
points at a newer picture; once RING_SIZE frames exist the oldest file is
deleted, except the files inference may still read: the oldest of the others
goes instead, and when every file is still awaited (`busy`) the camera drops
the new frame rather than delete one. Files are written to a hidden temporary name and renamed, so a reader
on the shared volume sees a whole JPEG or nothing.
"""
import collections
import os

import cv2


class FrameRing(object):
    def __init__(self, folder, size, jpeg_quality=90):
        self.folder = folder
        self.size = size
        self.params = [cv2.IMWRITE_JPEG_QUALITY, int(jpeg_quality)]
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):          # frames of a previous run are stale
            if name.startswith(("frame-", ".frame-")) and name.endswith((".jpg", ".tmp")):
                try:
                    os.remove(os.path.join(folder, name))
                except OSError:
                    pass
        self.frames = collections.deque()       # (frame_id, path), oldest first

    @property
    def paths(self):
        return [path for _, path in self.frames]

    def busy(self, outstanding):
        """True when the ring is full of frames that `outstanding(frame_id)` still protects."""
        return len(self.frames) >= self.size and all(outstanding(frame_id) for frame_id, _ in self.frames)

    def _evict(self, outstanding):
        """Delete the oldest frame not protected by `outstanding` (the oldest of all without it)."""
        for index, (frame_id, path) in enumerate(self.frames):
            if outstanding is None or not outstanding(frame_id):
                del self.frames[index]
                break
        else:
            raise RuntimeError("every frame file is still awaited: check busy() first")
        try:
            os.remove(path)
        except OSError:
            pass

    def path_for(self, frame_id):
        return os.path.join(self.folder, "frame-{:09d}.jpg".format(frame_id))

    def write(self, frame, frame_id, outstanding=None):
        ok, data = cv2.imencode(".jpg", frame, self.params)
        if not ok:
            raise ValueError("JPEG encoding failed for frame {}".format(frame_id))
        while len(self.frames) >= self.size:     # make room first: never more than `size` files
            self._evict(outstanding)
        path = self.path_for(frame_id)
        tmp = os.path.join(self.folder, ".frame-{:09d}.tmp".format(frame_id))
        with open(tmp, "wb") as f:
            f.write(data.tobytes())
        os.replace(tmp, path)
        self.frames.append((frame_id, path))
        return path
