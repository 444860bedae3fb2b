"""Test Lambda: answers every event on OUT_TOPIC through the real greengrasssdk.

Event keys: "crash" -> the process dies; "sleep": S -> overruns a short Timeout; "forward_to": TOPIC -> publishes the event there
(Lambda -> Lambda); "shadow": STATE -> update then get this thing's shadow via the SDK;
"invoke": ARN -> a RequestResponse lambda invoke of that function.
"""
import json
import os
import time

import greengrasssdk

iot = greengrasssdk.client("iot-data")
OUT = os.environ.get("OUT_TOPIC", "core-test/out")
STARTED = os.environ.get("STARTED_FILE")
if STARTED:
    with open(STARTED, "a") as fh:
        fh.write("%d\n" % os.getpid())


def _listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as err:
        return "error: %s" % err


def function_handler(event, context):
    custom = context.client_context.custom or {}
    if isinstance(event, dict) and event.get("crash"):
        os._exit(7)
    if isinstance(event, dict) and event.get("sleep"):
        time.sleep(event["sleep"])
    reply = {
        "event": event if not isinstance(event, bytes) else event.decode("utf-8", "replace"),
        "subject": custom.get("subject"),
        "source": custom.get("source"),
        "pid": os.getpid(),
        "function": context.invoked_function_arn,
        "marker": os.environ.get("MARKER"),
        "model_dir": os.environ.get("MODEL_DIR"),
        "model_files": _listing(os.environ["MODEL_DIR"]) if os.environ.get("MODEL_DIR") else None,
        "volume_dir": os.environ.get("VOLUME_DIR"),
    }
    if isinstance(event, dict) and event.get("forward_to"):
        forwarded = dict(event)
        forwarded.pop("forward_to")
        iot.publish(topic=event["forward_to"], payload=json.dumps({"forwarded": forwarded}))
        return reply
    if isinstance(event, dict) and "shadow" in event:
        thing = event["thing"]
        iot.update_thing_shadow(thingName=thing, payload=json.dumps({"state": {"reported": event["shadow"]}}))
        got = iot.get_thing_shadow(thingName=thing)
        reply["shadow"] = json.loads(got["payload"].decode("utf-8"))
    if isinstance(event, dict) and event.get("invoke"):
        answer = greengrasssdk.client("lambda").invoke(FunctionName=event["invoke"],
                                                       Payload=json.dumps({"from": "invoke"}))
        reply["invoked"] = json.loads(answer["Payload"].read().decode("utf-8"))
    iot.publish(topic=OUT, payload=json.dumps(reply))
    return reply
