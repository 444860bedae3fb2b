"""Records what greengrasssdk posts to the core.

With FAKE_IPC_URL set (e.g. http://127.0.0.1:8000) each post_work is also sent
over HTTP the way the core's own client does (one POST per message to
/2016-11-01/functions/<arn>/work), so benchmarks pay a realistic publish cost.
"""
import base64
import collections
import json
import os
import threading
import uuid

try:
    from urllib.request import Request, urlopen
except ImportError:  # pragma: no cover
    from urllib2 import Request, urlopen

WorkItem = collections.namedtuple("WorkItem", ["invocation_id", "payload", "client_context"])
GetWorkResultOutput = collections.namedtuple("GetWorkResultOutput", ["payload", "func_err"])

PUBLISHED = []          # dicts: {"function_arn", "topic", "source", "payload", "invocation_type"}
MAX_KEPT = 10000        # keep memory bounded in long runs
_lock = threading.Lock()


class IPCException(Exception):
    pass


def clear():
    with _lock:
        del PUBLISHED[:]


def messages(topic=None):
    with _lock:
        return [m for m in PUBLISHED if topic is None or m["topic"] == topic]


class IPCClient(object):
    def __init__(self, endpoint="localhost", port=None):
        self.endpoint = endpoint

    def post_work(self, function_arn, payload, client_context, invocation_type="RequestResponse"):
        context = json.loads(base64.b64decode(client_context).decode("utf-8")) if client_context else {}
        custom = context.get("custom", {})
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        record = {"function_arn": function_arn, "topic": custom.get("subject"),
                  "source": custom.get("source"), "payload": bytes(payload or b""),
                  "invocation_type": invocation_type}
        with _lock:
            PUBLISHED.append(record)
            if len(PUBLISHED) > MAX_KEPT:
                del PUBLISHED[:len(PUBLISHED) - MAX_KEPT]
        url = os.environ.get("FAKE_IPC_URL")
        if url:
            request = Request("{}/2016-11-01/functions/{}/work".format(url.rstrip("/"), function_arn),
                              record["payload"])
            request.add_header("X-Amz-Client-Context", client_context)
            request.add_header("Authorization", os.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN", ""))
            request.add_header("X-Amz-Invocation-Type", invocation_type)
            response = urlopen(request)
            response.read()
        log_path = os.environ.get("FAKE_IPC_LOG")
        if log_path:
            line = dict(record, payload=record["payload"].decode("utf-8", "replace"))
            with open(log_path, "a") as f:
                f.write(json.dumps(line) + "\n")
        return str(uuid.uuid4())

    def get_work_result(self, function_arn, invocation_id):
        return GetWorkResultOutput(b"{}", "")
