"""The V1 part of the sandbox-only API, for a core (or a test) standing in for a V1 core.

GET    /_sandbox/greengrass/deployments[?groupId=&status=]   -> {"Deployments": [...]}
GET    /_sandbox/greengrass/groups/{GroupId}/deployments/{DeploymentId}/status
POST   /_sandbox/greengrass/groups/{GroupId}/deployments/{DeploymentId}/status
       {"status": "Success"|"Failure"|"InProgress"|"Building", "errorMessage": str,
        "errorDetails": [{"DetailedErrorCode", "DetailedErrorMessage"}]}
"""
from ..endpoints import ApiError, Plugin, body_of, route
from . import deployments


def _list(request, match):
    items = deployments.all_deployments(request.args.get("groupId"), request.args.get("status"))
    return {"Deployments": items}


def _status(request, match):
    group_id, deployment_id = match.groups()
    try:
        if request.method == "POST":
            return deployments.report(group_id, deployment_id, body_of(request))
    except deployments.ReportError as exc:
        raise ApiError(exc.status, str(exc)) from None
    found = [d for d in deployments.all_deployments(group_id) if d["DeploymentId"] == deployment_id]
    if not found:
        raise ApiError(404, "no such deployment")
    return found[0]


def plugin():
    return Plugin(
        routes=[
            route("GET", r"/_sandbox/greengrass/deployments", _list),
            route(None, r"/_sandbox/greengrass/groups/([^/]+)/deployments/([^/]+)/status", _status),
        ],
        on_reset=[deployments.forget_all],
    )
