"""The sandbox-only HTTP API under /_sandbox (never part of AWS; for cores, tests, benchmarks).

GET    /_sandbox/health                      -> {"ok", "pid", "endpoint_url", "mqtt_host", "mqtt_port", ...}
GET    /_sandbox/calls[?reset=true]          -> {"calls": {"service:Operation": n}, "total": n}
DELETE /_sandbox/calls                       -> same, then the counters are zeroed
GET    /_sandbox/faults                      -> the knobs now
POST   /_sandbox/faults  {"latency_ms", "throttle_rate", "throttle_every", "fail_nth_write",
                          "fail_operations": ["Op[:once|:always]"], "fail_nth_write": N,
                          "reset": true}  -> the knobs after
POST   /_sandbox/reset                       -> every AWS resource, knob and counter back to a fresh start
GET    /_sandbox/greengrass/settings         -> {"auto_complete_after": seconds | null}
POST   /_sandbox/greengrass/settings {"auto_complete_after": seconds | null}
GET    /_sandbox/greengrass/deployments[?groupId=&status=]   -> {"Deployments": [...]}
GET    /_sandbox/greengrass/groups/{GroupId}/deployments/{DeploymentId}/status
POST   /_sandbox/greengrass/groups/{GroupId}/deployments/{DeploymentId}/status
       {"status": "Success"|"Failure"|"InProgress"|"Building", "errorMessage": str,
        "errorDetails": [{"DetailedErrorCode", "DetailedErrorMessage"}]}
"""
import json
import re

from werkzeug.wrappers import Request, Response

from . import greengrass_deployments as deployments
from . import s3_faults
from .knobs import KnobError

_STATUS = re.compile(r"^/_sandbox/greengrass/groups/([^/]+)/deployments/([^/]+)/status/?$")


def _json(data, status=200):
    return Response(json.dumps(data, indent=1, sort_keys=True), status=status, mimetype="application/json")


def _error(status, message):
    return _json({"error": message}, status)


def _body(request):
    if not request.get_data():
        return {}
    try:
        return json.loads(request.get_data(as_text=True))
    except ValueError:
        raise KnobError("body is not valid JSON") from None


class SandboxApp:
    """WSGI app: /_sandbox/* answered here, everything else by moto."""

    def __init__(self, moto_app, knobs, info):
        self.moto_app = moto_app
        self.knobs = knobs
        self.info = info  # dict shown by /_sandbox/health

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/_sandbox"):
            if s3_faults.service_of(environ) == "s3":  # moto's S3 bypasses the call_action hook
                decision = self.knobs.on_call("s3", s3_faults.operation_of(environ))
                if decision.kind:
                    return s3_faults.error_response(decision.kind, decision.message)(environ, start_response)
            return self.moto_app(environ, start_response)
        request = Request(environ)
        try:
            response = self.route(request)
        except KnobError as exc:
            response = _error(400, str(exc))
        except deployments.ReportError as exc:
            response = _error(exc.status, str(exc))
        return response(environ, start_response)

    def route(self, request):
        path, method = request.path.rstrip("/"), request.method
        if path == "/_sandbox/health":
            return _json(dict(self.info, ok=True))
        if path == "/_sandbox/reset" and method == "POST":
            from moto.moto_api._internal.models import moto_api_backend

            moto_api_backend.reset()
            deployments.forget_all()
            self.knobs.update({"reset": True})
            self.knobs.call_counts(reset=True)
            return _json({"reset": True})
        if path == "/_sandbox/calls":
            reset = method == "DELETE" or request.args.get("reset") in ("1", "true")
            counts = self.knobs.call_counts(reset=reset)
            return _json({"calls": counts, "total": sum(counts.values())})
        if path == "/_sandbox/faults":
            if method == "POST":
                return _json(self.knobs.update(_body(request)))
            return _json(self.knobs.snapshot())
        if path == "/_sandbox/greengrass/settings":
            if method == "POST":
                value = _body(request).get("auto_complete_after")
                if value is not None and (not isinstance(value, (int, float)) or value < 0):
                    raise KnobError("auto_complete_after must be seconds >= 0 or null")
                deployments.SETTINGS["auto_complete_after"] = value
            return _json(dict(deployments.SETTINGS))
        if path == "/_sandbox/greengrass/deployments":
            items = deployments.all_deployments(request.args.get("groupId"), request.args.get("status"))
            return _json({"Deployments": items})
        match = _STATUS.match(path)
        if match:
            group_id, deployment_id = match.groups()
            if method == "POST":
                return _json(deployments.report(group_id, deployment_id, _body(request)))
            found = [d for d in deployments.all_deployments(group_id) if d["DeploymentId"] == deployment_id]
            return _json(found[0]) if found else _error(404, "no such deployment")
        return _error(404, "unknown sandbox endpoint %s %s" % (method, path))
