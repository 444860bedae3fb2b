"""Low-confidence frames kept for retraining, bounded in file count and bytes.

Each kept frame is two files in FEEDBACK_DIR: <stamp>-<n>.<jpg|png> and the same
name with .json holding the prediction. When either bound would be exceeded the
oldest pairs are deleted first, so the folder never grows past its limits.
"""
import json
import os
import time

IMAGE_EXT = {"jpeg": ".jpg", "png": ".png"}


class FeedbackStore(object):
    def __init__(self, folder, max_files=1000, max_bytes=100 * 1024 * 1024):
        self.folder = folder
        self.max_files = max_files          # image+json pairs
        self.max_bytes = max_bytes
        self.counter = 0
        os.makedirs(folder, exist_ok=True)
        self.entries = self._scan()         # oldest first: [stem, bytes]
        self.total = sum(size for _, size in self.entries)

    def _scan(self):
        sizes = {}
        for name in os.listdir(self.folder):
            stem, ext = os.path.splitext(name)
            if ext in (".jpg", ".png", ".json") and not name.startswith("."):
                try:
                    sizes[stem] = sizes.get(stem, 0) + os.path.getsize(os.path.join(self.folder, name))
                except OSError:
                    pass
        return [[stem, sizes[stem]] for stem in sorted(sizes)]

    def _remove(self, stem):
        for ext in (".jpg", ".png", ".json"):
            try:
                os.remove(os.path.join(self.folder, stem + ext))
            except OSError:
                pass

    def add(self, data, kind, record):
        """Store the image bytes and its record; return the image path, or None if too big to keep."""
        meta = json.dumps(record, sort_keys=True).encode("utf-8")
        size = len(data) + len(meta)
        if size > self.max_bytes:
            return None
        while self.entries and (len(self.entries) + 1 > self.max_files or self.total + size > self.max_bytes):
            stem, old = self.entries.pop(0)
            self._remove(stem)
            self.total -= old
        self.counter += 1
        stem = "{}-{:06d}".format(time.strftime("%Y%m%dT%H%M%S", time.gmtime()), self.counter % 1000000)
        image_path = os.path.join(self.folder, stem + IMAGE_EXT.get(kind, ".jpg"))
        for path, payload in ((image_path, data), (os.path.join(self.folder, stem + ".json"), meta)):
            tmp = os.path.join(self.folder, "." + os.path.basename(path) + ".tmp")
            with open(tmp, "wb") as f:
                f.write(payload)
            os.replace(tmp, path)
        self.entries.append([stem, size])
        self.total += size
        return image_path
