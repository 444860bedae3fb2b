"""The core's IPC: the HTTP API greengrasssdk and the Lambda runtime loop speak, on 127.0.0.1.

Routes (as on a Greengrass V1 core, plus one local extension):
  POST /2016-11-01/functions/<arn>        post work (body = payload; X-Amz-Client-Context,
                                          X-Amz-Invocation-Type) -> X-Amz-InvocationId
  GET  /2016-11-01/functions/<arn>        the result of an invocation (X-Amz-InvocationId)
  GET  /2016-11-01/functions/<arn>/work   the next work item (long poll; 204 when none came)
  POST /2016-11-01/functions/<arn>/work   a result (or X-Amz-Function-Error: Handled)
  POST /2016-11-01/runtime/<arn>          {"state": "ready"|"failed", "error"}: local extension
Work for a *service* ARN (router, shadow) is answered by a Python callable instead
of a Lambda process. Every request must carry one of the tokens the core issued.
"""
import base64
import collections
import json
import logging
import select
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

log = logging.getLogger("gg.core.ipc")

PREFIX = "/2016-11-01/"
MAX_WORK_ITEMS = 1024  # config.json runtime.maxWorkItemCount default
LONG_POLL_S = 10.0

Work = collections.namedtuple("Work", "invocation_id payload client_context invocation_type")


def decode_client_context(raw):
    """The client context header (base64 JSON) as a dict; {} when absent or unreadable."""
    if not raw:
        return {}
    try:
        return json.loads(base64.b64decode(raw).decode("utf-8")) or {}
    except (ValueError, TypeError):
        return {}


def encode_client_context(custom):
    return base64.b64encode(json.dumps({"custom": custom}).encode("utf-8")).decode("ascii")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a Lambda that went away mid-request
        log.debug("IPC request from %s ended early", client_address, exc_info=True)


class FunctionQueue:
    def __init__(self):
        self.items = collections.deque()
        self.cond = threading.Condition()


class IPCServer:
    """Work queues per Lambda ARN, pending results, and service callbacks, behind one HTTP server.

    services: {arn: callable(payload: bytes, context: dict, invocation_type) -> bytes | None}
    on_work: callable(arn) run after work is queued for a Lambda (starts on-demand ones)
    on_runtime: callable(arn, state, error)
    """

    def __init__(self, services=None, on_work=None, on_runtime=None, host="127.0.0.1", port=0):
        self.services = dict(services or {})
        self.on_work = on_work
        self.on_runtime = on_runtime
        self.tokens = set()
        self._queues = {}
        self._results = {}
        self._waiting = set()
        self._running = {}  # arn -> (invocation id, monotonic start) of the item a Lambda is handling
        self._results_cond = threading.Condition()
        self._lock = threading.Lock()
        self._functions = set()
        self.timeouts = {}
        self.httpd = _Server((host, port), _handler_class(self))
        self.host, self.port = self.httpd.server_address[:2]
        self._thread = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self):
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="gg-ipc", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        with self._lock:
            queues = list(self._queues.values())
        for queue in queues:  # wake long polls so their threads end
            with queue.cond:
                queue.cond.notify_all()

    def new_token(self):
        token = uuid.uuid4().hex
        self.tokens.add(token)
        return token

    # -- functions -------------------------------------------------------------------
    def set_functions(self, arns, timeouts=None):
        """The Lambda ARNs of a new deployment: every queue starts empty (a Lambda of the last
        deployment with the same ARN may still be polling the old one)."""
        with self._lock:
            self._functions = set(arns)
            self.timeouts = dict(timeouts or {})
            old, self._queues = list(self._queues.values()), {}
            self._running = {}
        for queue in old:
            with queue.cond:
                queue.cond.notify_all()

    def resolve(self, arn):
        """The known ARN `arn` names: itself, or the one qualified ARN whose unqualified form it is."""
        if arn in self.services or arn in self._functions:
            return arn
        matches = [f for f in self._functions if f.rsplit(":", 1)[0] == arn]
        return matches[0] if len(matches) == 1 else None

    def _queue(self, arn):
        with self._lock:
            queue = self._queues.get(arn)
            if queue is None:
                queue = self._queues[arn] = FunctionQueue()
            return queue

    def pending(self, arn):
        with self._lock:
            queue = self._queues.get(arn)
        return len(queue.items) if queue else 0

    def enqueue(self, arn, payload, client_context, invocation_type="Event"):
        """Queue work for a Lambda; returns the invocation id, or None when its queue is full."""
        invocation_id = str(uuid.uuid4())
        queue = self._queue(arn)
        with queue.cond:
            if len(queue.items) >= MAX_WORK_ITEMS:
                log.warning("work queue of %s is full (%d items): message dropped", arn, MAX_WORK_ITEMS)
                return None
            if invocation_type == "RequestResponse":
                with self._results_cond:
                    self._waiting.add(invocation_id)
            queue.items.append(Work(invocation_id, payload or b"", client_context or "", invocation_type))
            queue.cond.notify()
        if self.on_work:
            self.on_work(arn)
        return invocation_id

    def next_work(self, arn, timeout=LONG_POLL_S, gone=None):
        """The next item, or None after `timeout`; returns None at once when gone() says the
        polling process went away (so a dead Lambda's poll never takes a message)."""
        queue = self._queue(arn)
        deadline = time.monotonic() + timeout
        with queue.cond:
            while not queue.items:
                left = deadline - time.monotonic()
                if left <= 0 or (gone and gone()):
                    return None
                queue.cond.wait(min(left, 0.25))
                with self._lock:
                    if self._queues.get(arn) is not queue:
                        return None  # a new deployment replaced this queue
            item = queue.items.popleft()
        with self._lock:
            self._running[arn] = (item.invocation_id, time.monotonic())
        return item

    def running(self):
        """{arn: (invocation id, seconds since the Lambda took it)} for work not yet answered."""
        now = time.monotonic()
        with self._lock:
            return {arn: (inv, now - t) for arn, (inv, t) in self._running.items()}

    def finished(self, arn, invocation_id=None):
        """Forget arn's running item (that one only, when invocation_id is given); returns its id."""
        with self._lock:
            current = self._running.get(arn, (None,))[0]
            if current is not None and invocation_id in (None, current):
                del self._running[arn]
                return current
        return None

    def requeue(self, arn, item):
        """Put an item back at the front (its poller vanished before it got it)."""
        with self._lock:
            queue = self._queues.get(arn)
        if queue is None:
            return
        with queue.cond:
            queue.items.appendleft(item)
            queue.cond.notify()

    def post_result(self, invocation_id, payload, func_err=""):
        with self._results_cond:
            if invocation_id in self._waiting:
                self._waiting.discard(invocation_id)
                self._results[invocation_id] = (payload, func_err)
                self._results_cond.notify_all()

    def wait_result(self, invocation_id, timeout):
        with self._results_cond:
            self._results_cond.wait_for(lambda: invocation_id in self._results, timeout)
            if invocation_id in self._results:
                return self._results.pop(invocation_id)
            self._waiting.discard(invocation_id)
        message = json.dumps({"errorMessage": "Task timed out after %.2f seconds" % timeout}).encode()
        return message, "Unhandled"

    def call_service(self, arn, payload, client_context, invocation_type):
        result = self.services[arn](payload, decode_client_context(client_context), invocation_type)
        invocation_id = str(uuid.uuid4())
        if invocation_type == "RequestResponse":
            with self._results_cond:
                self._results[invocation_id] = (result or b"", "")
        return invocation_id


def _handler_class(server):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # quiet: the core logs what matters
            log.debug("ipc %s", fmt % args)

        def _reply(self, status, body=b"", headers=None):
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def _client_gone(self):
            """True when the polling process closed its end (it exited or was stopped)."""
            try:
                readable, _, _ = select.select([self.connection], [], [], 0)
                return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
            except OSError:
                return True

        def _body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _route(self):
            if self.headers.get("Authorization") not in server.tokens:
                self._body()
                self._reply(401, b"bad or missing Authorization token")
                return None
            if not self.path.startswith(PREFIX):
                self._reply(404, b"unknown path")
                return None
            rest = unquote(self.path[len(PREFIX):])
            kind, _, rest = rest.partition("/")
            work = rest.endswith("/work")
            arn = rest[:-len("/work")] if work else rest
            return kind, arn, work

        def do_GET(self):
            route = self._route()
            if route is None:
                return
            kind, arn, work = route
            known = server.resolve(arn)
            if kind != "functions" or not known:
                self._reply(404, ("no function %s in this deployment" % arn).encode())
            elif work:
                item = server.next_work(known, gone=self._client_gone)
                if item is None:
                    self._reply(204)
                    return
                try:
                    self._reply(200, item.payload, {"X-Amz-InvocationId": item.invocation_id,
                                                    "X-Amz-Client-Context": item.client_context,
                                                    "X-Amz-Invocation-Type": item.invocation_type})
                except OSError:
                    server.requeue(known, item)
                    raise
            else:
                invocation_id = self.headers.get("X-Amz-InvocationId", "")
                payload, func_err = server.wait_result(invocation_id, server.timeouts.get(known, 30) + 2)
                headers = {"X-Amz-Function-Error": func_err} if func_err else {}
                self._reply(200, payload, headers)

        def do_POST(self):
            route = self._route()
            if route is None:
                return
            kind, arn, work = route
            body = self._body()
            if kind == "runtime":
                try:
                    data = json.loads(body.decode("utf-8") or "{}")
                except ValueError:
                    data = {}
                if server.on_runtime:
                    server.on_runtime(arn, data.get("state"), data.get("error"))
                self._reply(200)
                return
            known = server.resolve(arn)
            if kind != "functions" or not known:
                self._reply(404, ("no function %s in this deployment" % arn).encode())
                return
            if work:
                invocation_id = self.headers.get("X-Amz-InvocationId", "")
                server.finished(known, invocation_id)
                server.post_result(invocation_id, body, self.headers.get("X-Amz-Function-Error", ""))
                self._reply(200)
                return
            context = self.headers.get("X-Amz-Client-Context", "")
            invocation_type = self.headers.get("X-Amz-Invocation-Type") or "RequestResponse"
            if known in server.services:
                try:
                    invocation_id = server.call_service(known, body, context, invocation_type)
                except Exception as exc:  # noqa: BLE001 - a service bug must not kill the IPC
                    log.exception("service %s failed", known)
                    self._reply(500, str(exc).encode())
                    return
            else:
                invocation_id = server.enqueue(known, body, context, invocation_type)
                if invocation_id is None:
                    self._reply(429, b"work queue full")
                    return
            self._reply(202 if invocation_type == "Event" else 200, b"", {"X-Amz-InvocationId": invocation_id})

    return Handler
