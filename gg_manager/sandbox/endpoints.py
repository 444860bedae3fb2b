"""The sandbox's WSGI app: /_sandbox (never part of AWS), the added AWS services, then moto.

Shared routes (the V1 and V2 additions plug in their own through `Plugin`s):

GET    /_sandbox/health                      -> {"ok", "pid", "endpoint_url", "mqtt_host", "mqtt_port", ...}
GET    /_sandbox/calls[?reset=true]          -> {"calls": {"service:Operation": n}, "total": n}
DELETE /_sandbox/calls                       -> same, then the counters (and the log) are zeroed
GET    /_sandbox/calls/log[?reset=true]      -> {"calls": ["greengrass:CreateGroup", ...]} in the order served
DELETE /_sandbox/calls/log                   -> same, then the log (and the counters) are emptied
GET    /_sandbox/faults                      -> the knobs now
POST   /_sandbox/faults  {"latency_ms", "throttle_rate", "throttle_every", "fail_nth_write",
                          "fail_write_operation", "fail_operations": ["Op[:once|:always]"], "reset": true}
POST   /_sandbox/reset                       -> every AWS resource, knob, counter and the clock back to a fresh start
GET    /_sandbox/greengrass/settings         -> {"auto_complete_after": seconds | null}   (V1 and V2)
POST   /_sandbox/greengrass/settings {"auto_complete_after": seconds | null}
GET    /_sandbox/clock                       -> {"now": epoch seconds, "offset_seconds": s}
POST   /_sandbox/clock {"advance_seconds": s} -> the same, after moving the sandbox's clock forward
"""
import json
import re
from dataclasses import dataclass, field

from werkzeug.wrappers import Request, Response

from . import clock, s3_faults
from .knobs import KnobError
from .settings import SETTINGS


class ApiError(ValueError):
    """A /_sandbox request that cannot be served: HTTP status and message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


@dataclass
class Plugin:
    """What a part of the sandbox (V1, V2, IoT) adds to the app."""

    routes: list = field(default_factory=list)     # (method or None, compiled regex, f(request, match) -> dict)
    services: list = field(default_factory=list)   # (claims(environ) -> bool, wsgi app)
    on_reset: list = field(default_factory=list)   # callables run after moto's state was reset


def _json(data, status=200):
    return Response(json.dumps(data, indent=1, sort_keys=True), status=status, mimetype="application/json")


def _error(status, message):
    return _json({"error": message}, status)


def body_of(request):
    """The JSON body of a /_sandbox request ({} when empty)."""
    if not request.get_data():
        return {}
    try:
        data = json.loads(request.get_data(as_text=True))
    except ValueError:
        raise KnobError("body is not valid JSON") from None
    if not isinstance(data, dict):
        raise KnobError("body must be a JSON object")
    return data


class SandboxApp:
    """WSGI app: /_sandbox/* answered here, the plugins' AWS services next, everything else by moto."""

    def __init__(self, moto_app, knobs, info, plugins=(), reset_moto=None):
        self.moto_app = moto_app
        self.knobs = knobs
        self.info = info  # dict shown by /_sandbox/health
        self.plugins = list(plugins)
        self.reset_moto = reset_moto

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/_sandbox"):
            return self.aws(environ, start_response)
        request = Request(environ)
        try:
            response = self.route(request)
        except (KnobError, ValueError) as exc:
            response = _error(getattr(exc, "status", 400), str(exc))
        return response(environ, start_response)

    def aws(self, environ, start_response):
        for plugin in self.plugins:
            for claims, app in plugin.services:
                if claims(environ):
                    return app(environ, start_response)
        if s3_faults.service_of(environ) == "s3":  # moto's S3 bypasses the call_action hook
            decision = self.knobs.on_call("s3", s3_faults.operation_of(environ))
            if decision.kind:
                return s3_faults.error_response(decision.kind, decision.message)(environ, start_response)
        return self.moto_app(environ, start_response)

    def route(self, request):
        path, method = request.path.rstrip("/"), request.method
        shared = self._shared(path, method, request)
        if shared is not None:
            return shared
        for plugin in self.plugins:
            for verb, regex, handler in plugin.routes:
                match = regex.match(path)
                if match and verb in (None, method):
                    result = handler(request, match)
                    return result if isinstance(result, Response) else _json(result)
        return _error(404, "unknown sandbox endpoint %s %s" % (method, path))

    def _shared(self, path, method, request):
        handler = {"/_sandbox/health": self._health, "/_sandbox/reset": self._reset,
                   "/_sandbox/calls": self._calls, "/_sandbox/calls/log": self._calls,
                   "/_sandbox/faults": self._faults, "/_sandbox/greengrass/settings": self._settings,
                   "/_sandbox/clock": self._clock}.get(path)
        return None if handler is None else handler(request, path, method)

    def _health(self, request, path, method):
        return _json(dict(self.info, ok=True))

    def _reset(self, request, path, method):
        if method != "POST":
            raise ApiError(405, "POST /_sandbox/reset")
        return _json(self.reset())

    def _calls(self, request, path, method):
        reset = method == "DELETE" or request.args.get("reset") in ("1", "true")
        if path.endswith("/log"):
            return _json({"calls": self.knobs.call_log(reset=reset)})
        counts = self.knobs.call_counts(reset=reset)
        return _json({"calls": counts, "total": sum(counts.values())})

    def _faults(self, request, path, method):
        if method == "POST":
            return _json(self.knobs.update(body_of(request)))
        return _json(self.knobs.snapshot())

    def _settings(self, request, path, method):
        if method == "POST":
            value = body_of(request).get("auto_complete_after")
            if value is not None and (not isinstance(value, (int, float)) or value < 0):
                raise KnobError("auto_complete_after must be seconds >= 0 or null")
            SETTINGS["auto_complete_after"] = value
        return _json(dict(SETTINGS))

    def _clock(self, request, path, method):
        if method == "POST":
            clock.advance(body_of(request).get("advance_seconds", 0))
        return _json({"now": clock.now(), "offset_seconds": clock.offset()})

    def reset(self):
        if self.reset_moto:
            self.reset_moto()
        for plugin in self.plugins:
            for hook in plugin.on_reset:
                hook()
        clock.reset()
        self.knobs.update({"reset": True})
        self.knobs.call_counts(reset=True)
        return {"reset": True}


def route(method, pattern, handler):
    """A plugin route: `pattern` is a regex on the path (no trailing slash)."""
    return (method, re.compile("^" + pattern + "$"), handler)
