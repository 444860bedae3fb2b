"""A local device-shadow service: get/update/delete with accepted/rejected answers, version and delta.

Requests arrive on `$aws/things/<thing>/shadow/<op>` (from a Lambda through
greengrasssdk's iot-data client, or routed by a subscription whose Target is
GGShadowService). Answers go to `.../<op>/accepted|rejected`, updates also to
`.../update/documents` and `.../update/delta`, published with Source
GGShadowService. Shadows live in memory and in one JSON file; not synced to the cloud.
"""
import json
import os
import re
import threading
import time

_TOPIC = re.compile(r"^\$aws/things/([^/]+)/shadow/(get|update|delete)$")


def _merge(base, patch):
    """Shadow state merge: nested dicts merged, None deletes a key."""
    out = dict(base or {})
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _delta(desired, reported):
    delta = {}
    for key, value in (desired or {}).items():
        have = (reported or {}).get(key)
        if isinstance(value, dict) and isinstance(have, dict):
            sub = _delta(value, have)
            if sub:
                delta[key] = sub
        elif have != value:
            delta[key] = value
    return delta


class ShadowStore:
    def __init__(self, path=None):
        self.path = path
        self._lock = threading.Lock()
        self._shadows = {}
        if path and os.path.exists(path):
            try:
                with open(path) as fh:
                    self._shadows = json.load(fh)
            except (OSError, ValueError):
                self._shadows = {}

    def _save(self):
        if not self.path:
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(self._shadows, fh)
        os.replace(tmp, self.path)

    def handle(self, topic, payload):
        """Serve one request. Returns [(topic, payload_bytes), ...]; the first is accepted/rejected."""
        match = _TOPIC.match(topic)
        if not match:
            return []
        thing, op = match.groups()
        try:
            request = json.loads(payload.decode("utf-8")) if payload else {}
            if not isinstance(request, dict):
                raise ValueError("not a JSON object")
        except ValueError:
            return [self._rejected(topic, 400, "Payload contains invalid json")]
        with self._lock:
            return getattr(self, "_" + op)(topic, thing, request)

    def _rejected(self, topic, code, message, token=None):
        body = {"code": code, "message": message, "timestamp": int(time.time())}
        if token:
            body["clientToken"] = token
        return topic + "/rejected", json.dumps(body).encode("utf-8")

    def _document(self, shadow):
        doc = {"state": {}, "version": shadow["version"], "timestamp": int(time.time())}
        for part in ("desired", "reported"):
            if shadow["state"].get(part):
                doc["state"][part] = shadow["state"][part]
        delta = _delta(shadow["state"].get("desired"), shadow["state"].get("reported"))
        if delta:
            doc["state"]["delta"] = delta
        return doc

    def _get(self, topic, thing, request):
        shadow = self._shadows.get(thing)
        if shadow is None:
            return [self._rejected(topic, 404, "No shadow exists with name: '%s'" % thing,
                                   request.get("clientToken"))]
        doc = self._document(shadow)
        if request.get("clientToken"):
            doc["clientToken"] = request["clientToken"]
        return [(topic + "/accepted", json.dumps(doc).encode("utf-8"))]

    def _update(self, topic, thing, request):
        state = request.get("state")
        token = request.get("clientToken")
        if not isinstance(state, dict):
            return [self._rejected(topic, 400, "Missing required node: state", token)]
        shadow = self._shadows.get(thing) or {"state": {}, "version": 0}
        if "version" in request and request["version"] != shadow["version"]:
            return [self._rejected(topic, 409, "Version conflict", token)]
        previous = self._document(shadow) if shadow["version"] else None
        for part in ("desired", "reported"):
            if part in state:
                value = state[part]
                shadow["state"][part] = None if value is None else _merge(shadow["state"].get(part), value)
                if not shadow["state"][part]:
                    shadow["state"].pop(part, None)
        shadow["version"] += 1
        self._shadows[thing] = shadow
        self._save()
        accepted = {"state": state, "version": shadow["version"], "timestamp": int(time.time())}
        if token:
            accepted["clientToken"] = token
        current = self._document(shadow)
        out = [(topic + "/accepted", json.dumps(accepted).encode("utf-8")),
               (topic + "/documents", json.dumps({"previous": previous, "current": current,
                                                   "timestamp": int(time.time())}).encode("utf-8"))]
        delta = current["state"].get("delta")
        if delta:
            out.append((topic + "/delta", json.dumps({"state": delta, "version": shadow["version"],
                                                      "timestamp": int(time.time())}).encode("utf-8")))
        return out

    def _delete(self, topic, thing, request):
        shadow = self._shadows.pop(thing, None)
        if shadow is None:
            return [self._rejected(topic, 404, "No shadow exists with name: '%s'" % thing,
                                   request.get("clientToken"))]
        self._save()
        body = {"version": shadow["version"], "timestamp": int(time.time())}
        return [(topic + "/accepted", json.dumps(body).encode("utf-8"))]
