"""An MJPEG-over-HTTP camera (multipart/x-mixed-replace) on 127.0.0.1, for tests and benches."""
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import cv2
import numpy as np

BOUNDARY = "ggframe"


def numbered_frames(count, width=320, height=240):
    """JPEG frames showing their index, so a test can tell them apart."""
    frames = []
    for i in range(count):
        image = np.full((height, width, 3), (i * 37) % 255, np.uint8)
        cv2.putText(image, str(i), (10, height // 2), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 3)
        frames.append(cv2.imencode(".jpg", image)[1].tobytes())
    return frames


class _Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class MjpegServer(object):
    def __init__(self, fps=25.0, frames=None, port=0):
        self.fps = fps
        self.frames = frames or numbered_frames(10)
        self.sent = 0
        self.stopping = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=" + BOUNDARY)
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                i = 0
                try:
                    while not owner.stopping.is_set():
                        data = owner.frames[i % len(owner.frames)]
                        self.wfile.write(("--%s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n"
                                          % (BOUNDARY, len(data))).encode())
                        self.wfile.write(data)
                        self.wfile.write(b"\r\n")
                        self.wfile.flush()
                        owner.sent += 1
                        i += 1
                        time.sleep(1.0 / owner.fps)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = _Server(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d/stream.mjpg" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
