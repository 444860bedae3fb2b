"""The runtime loop of one Lambda process, as a Greengrass core's Python runtime runs it.

Started by the local core as `python gg_lambda_runtime.py` with the Lambda's
code folder first on sys.path. Imports the handler module (a long-lived
Lambda's module-level code runs once, here), tells the core "ready" or
"failed" with the exception text, then loops: get work, call the handler with
(event, context), post the result or the handler's error. Environment:
MY_FUNCTION_ARN, GG_HANDLER (module.function), GG_CODE_DIR, GG_IPC_PORT,
GG_IDLE_EXIT_S (on-demand Lambdas: exit when idle that long; 0 = never).
"""
import base64
import json
import logging
import os
import sys
import time
import traceback
import uuid


class ClientContext(object):
    def __init__(self, custom=None, client=None, env=None):
        self.custom = custom
        self.client = client
        self.env = env


class LambdaContext(object):
    def __init__(self, function_arn, invocation_id, client_context, timeout_s):
        parts = function_arn.split(":")
        self.function_name = parts[6] if len(parts) > 6 else function_arn
        self.function_version = parts[7] if len(parts) > 7 else "$LATEST"
        self.invoked_function_arn = function_arn
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = invocation_id or str(uuid.uuid4())
        self.log_group_name = "/GreengrassSystem/" + self.function_name
        self.log_stream_name = "local-core"
        self.identity = None
        self.client_context = client_context
        self._deadline = time.time() + timeout_s

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.time()) * 1000))


def decode_client_context(raw):
    if not raw:
        return ClientContext()
    try:
        data = json.loads(base64.b64decode(raw).decode("utf-8"))
    except (ValueError, TypeError):
        return ClientContext()
    return ClientContext(custom=data.get("custom"), client=data.get("client"), env=data.get("env"))


def decode_event(payload):
    """JSON payloads arrive as the decoded value, anything else as bytes (as on the core)."""
    if not payload:
        return {}
    try:
        return json.loads(payload.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return payload


def encode_result(result):
    if result is None:
        return b""
    if isinstance(result, (bytes, bytearray)):
        return bytes(result)
    return json.dumps(result, default=str).encode("utf-8")


def load_handler(spec):
    import importlib

    module_name, _, function_name = spec.rpartition(".")
    if not module_name:
        raise ImportError("handler {!r} must be module.function".format(spec))
    module = importlib.import_module(module_name)
    handler = getattr(module, function_name, None)
    if not callable(handler):
        raise AttributeError("module {} has no function {}".format(module_name, function_name))
    return handler


def main():
    arn = os.environ["MY_FUNCTION_ARN"]
    code_dir = os.environ.get("GG_CODE_DIR") or os.getcwd()
    if code_dir not in sys.path:
        sys.path.insert(0, code_dir)
    from greengrass_ipc_python_sdk.ipc_client import IPCClient, IPCException, WorkItem

    ipc = IPCClient()
    log = logging.getLogger("gg_lambda_runtime")
    try:
        handler = load_handler(os.environ["GG_HANDLER"])
    except BaseException as err:  # noqa: B902 - any failure to import is the deployment's failure
        text = "".join(traceback.format_exception_only(type(err), err)).strip()
        traceback.print_exc()
        try:
            ipc.post_runtime_state(arn, "failed", "handler {} failed to import: {}".format(
                os.environ.get("GG_HANDLER"), text))
        except IPCException:
            pass
        sys.exit(3)
    ipc.post_runtime_state(arn, "ready")
    idle_exit = float(os.environ.get("GG_IDLE_EXIT_S") or 0)
    timeout_s = float(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT") or 3)
    last_work = time.time()
    while True:
        try:
            item = ipc.get_work(arn)
        except IPCException as err:
            sys.stderr.write("runtime: the core's IPC went away ({}); exiting\n".format(err))
            return 0
        if item is None:
            if idle_exit and time.time() - last_work >= idle_exit:
                return 0
            continue
        last_work = time.time()
        context = LambdaContext(arn, item.invocation_id, decode_client_context(item.client_context), timeout_s)
        try:
            result = handler(decode_event(item.payload), context)
            payload = encode_result(result)
        except Exception as err:
            log.exception("handler failed")
            traceback.print_exc()
            try:
                ipc.post_handler_err(arn, item.invocation_id, "{}: {}".format(type(err).__name__, err))
            except IPCException:
                return 0
            continue
        try:
            ipc.post_work_result(arn, WorkItem(item.invocation_id, payload, item.client_context))
        except IPCException:
            return 0


if __name__ == "__main__":
    # the shims' folder is sys.path[0] (this file's folder); the code folder goes before it in main()
    logging.basicConfig(level=os.environ.get("GG_LOG_LEVEL", "INFO").upper(), stream=sys.stderr,
                        format="[%(levelname)s] %(name)s: %(message)s")
    sys.exit(main())
