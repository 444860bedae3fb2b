"""A bounded ring of JPEG frame files in FRAME_DIR.

Each frame gets its own name (frame-<id>.jpg) so a reference never silently
points at a newer picture; once RING_SIZE frames exist the oldest file is
deleted. Files are written to a hidden temporary name and renamed, so a reader
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
        self.paths = collections.deque()

    def path_for(self, frame_id):
        return os.path.join(self.folder, "frame-{:09d}.jpg".format(frame_id))

    def write(self, frame, frame_id):
        ok, data = cv2.imencode(".jpg", frame, self.params)
        if not ok:
            raise ValueError("JPEG encoding failed for frame {}".format(frame_id))
        while len(self.paths) >= self.size:     # make room first: never more than `size` files
            old = self.paths.popleft()
            try:
                os.remove(old)
            except OSError:
                pass
        path = self.path_for(frame_id)
        tmp = os.path.join(self.folder, ".frame-{:09d}.tmp".format(frame_id))
        with open(tmp, "wb") as f:
            f.write(data.tobytes())
        os.replace(tmp, path)
        self.paths.append(path)
        return path
