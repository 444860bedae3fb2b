"""Greengrass entry point of the inference Lambda (handler: inference.function_handler).

Long-lived (pinned): the model is loaded once when the core starts this module;
each event on the Lambda's subscription is then served by function_handler.
Results go to OUTPUT_TOPIC, problems to ERROR_TOPIC.

Two ways an event is served:
- delivered by a subscription (the context's client_context.custom carries the
  message's "subject"; the core invokes with InvocationType Event and discards
  the return value): pipelined (PIPELINE=on, the default). The handler decodes
  the frame, hands it to the model's worker thread and returns, so the next
  frame is decoded while this one runs through the network.
- anything else (a direct lambda invoke, a test calling the handler): served
  synchronously, and a RequestResponse caller gets the result (or the error
  message) as the return value, after every earlier pipelined event.
"""
import json
import logging
import os

import greengrasssdk

from inference_config import Settings
from inference_service import InferenceService

logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper())
log = logging.getLogger("inference")

client = greengrasssdk.client("iot-data")


def publish(topic, payload):
    client.publish(topic=topic, payload=payload)


def _load_error_message(reason):
    return json.dumps({"error": reason, "kind": "model_load"}).encode("utf-8")


def _start():
    settings = None
    try:
        settings = Settings.from_env()
        return InferenceService(settings, publish), None
    except Exception as err:  # keep the container alive and say why on every event
        log.exception("model load failed")
        reason = "model load failed: {}: {}".format(type(err).__name__, err)
        topic = settings.error_topic if settings else os.environ.get("ERROR_TOPIC") or "gg/inference/error"
        try:
            publish(topic, _load_error_message(reason))
        except Exception:
            log.exception("could not publish the load error")
        return None, (topic, reason)


service, load_error = _start()


def routed_subject(context):
    """The topic of a subscription-routed message, or None for a direct invocation."""
    custom = getattr(getattr(context, "client_context", None), "custom", None)
    if isinstance(custom, dict):
        subject = custom.get("subject")
        if isinstance(subject, str) and subject:
            return subject
    return None


def function_handler(event, context):
    if service is None:
        topic, reason = load_error
        publish(topic, _load_error_message(reason))
        return {"error": reason, "kind": "model_load"}
    if service.pipeline is not None and routed_subject(context) is not None:
        service.submit(event)           # answered on OUTPUT_TOPIC / ERROR_TOPIC by the worker
        return None
    return service.handle(event)
