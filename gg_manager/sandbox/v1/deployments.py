"""Deployments whose status progresses, and reset_deployments as AWS has it.

A deployment stays `InProgress` until a core reports `Success` or `Failure`
(with ErrorMessage/ErrorDetails) through the sandbox-only endpoint
`POST /_sandbox/greengrass/groups/{GroupId}/deployments/{DeploymentId}/status`,
or, when `auto_complete_after` is set, until that many seconds have passed
(then `Success`). A `ForceResetDeployment` succeeds at once, since Force means
the cloud does not wait for the core.
"""
import json
import threading

from moto.core.utils import utcnow
from moto.greengrass.exceptions import InvalidInputException, ResourceNotFoundException
from moto.greengrass.models import FakeDeployment, GreengrassBackend
from moto.greengrass.responses import GreengrassResponse

from .. import clock
from ..settings import SETTINGS
from .common import iso, json_body, uri_param
from .errors import BadRequestException

STATUSES = ("Building", "InProgress", "Success", "Failure")
_INDEX = {}  # DeploymentId -> (backend, deployment), across accounts and regions
_LOCK = threading.Lock()


def _track(backend, deployment, group_version_id=None):
    deployment.group_version_id = group_version_id
    deployment.error_message = None
    deployment.error_details = None
    deployment.started = clock.monotonic()
    with _LOCK:
        _INDEX[deployment.id] = (backend, deployment)
    return deployment


def _set_status(deployment, status, message=None, details=None):
    deployment.deployment_status = status
    deployment.error_message = message
    deployment.error_details = details
    deployment.update_at_datetime = utcnow()


def current_status(deployment):
    """The status now, completing it first when auto-complete is on and its time has come."""
    delay = SETTINGS["auto_complete_after"]
    if (delay is not None and deployment.deployment_status in ("Building", "InProgress")
            and clock.monotonic() - getattr(deployment, "started", 0) >= delay):
        _set_status(deployment, "Success")
    return deployment.deployment_status


def status_dict(deployment):
    res = {
        "DeploymentStatus": current_status(deployment),
        "DeploymentType": deployment.deployment_type,
        "UpdatedAt": iso(deployment.update_at_datetime),
    }
    if getattr(deployment, "error_message", None):
        res["ErrorMessage"] = deployment.error_message
    if getattr(deployment, "error_details", None):
        res["ErrorDetails"] = deployment.error_details
    return res


# -- backend ------------------------------------------------------------------------
def _wrap_create_deployment(original):
    def create_deployment(self, group_id, group_version_id, deployment_type, deployment_id=None):
        if deployment_type == "Redeployment" and deployment_id in self.deployments:
            group_version_id = group_version_id or self.deployments[deployment_id].group_version_id
        deployment = original(self, group_id, group_version_id, deployment_type, deployment_id)
        return _track(self, deployment, group_version_id)
    return create_deployment


def reset_deployments(self, group_id, force=False):
    if group_id not in self.groups:
        raise ResourceNotFoundException("That Group Definition does not exist.")
    own = [d for d in self.deployments.values() if d.group_id == group_id]
    if not force and (not own or own[-1].deployment_type not in ("NewDeployment", "Redeployment")):
        raise BadRequestException("Group id: %s has not been deployed or has already been reset." % group_id)
    deployment = FakeDeployment(self.account_id, self.region_name, group_id, self.groups[group_id].arn,
                                "ForceResetDeployment" if force else "ResetDeployment")
    self.deployments[deployment.id] = deployment
    _track(self, deployment)
    if force:
        _set_status(deployment, "Success")
    return deployment


def get_deployment(self, group_id, deployment_id):
    deployment = self.deployments.get(deployment_id)
    if deployment is None or deployment.group_id != group_id:
        raise InvalidInputException("Deployment '%s' does not exist." % deployment_id)
    return deployment


# -- responses ----------------------------------------------------------------------
def get_deployment_status_response(self):
    deployment = get_deployment(self.greengrass_backend, uri_param(self, "GroupId", -4),
                                uri_param(self, "DeploymentId", -2))
    return json.dumps(status_dict(deployment))


def reset_deployments_response(self):
    force = bool(json_body(self).get("Force", False))
    deployment = self.greengrass_backend.reset_deployments(uri_param(self, "GroupId", -3), force=force)
    return json.dumps(deployment.to_dict())


# -- the sandbox-only side, for a core (or a test) ----------------------------------
class ReportError(ValueError):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def report(group_id, deployment_id, payload):
    """Apply a core's report {"status", "errorMessage", "errorDetails"}; returns the new status."""
    if not isinstance(payload, dict):
        raise ReportError(400, "body must be a JSON object")
    status = payload.get("status", payload.get("Status"))
    message = payload.get("errorMessage", payload.get("ErrorMessage"))
    details = payload.get("errorDetails", payload.get("ErrorDetails"))
    if status not in STATUSES:
        raise ReportError(400, "status must be one of %s" % ", ".join(STATUSES))
    if details is not None and not (isinstance(details, list) and all(isinstance(d, dict) for d in details)):
        raise ReportError(400, "errorDetails must be a list of {DetailedErrorCode, DetailedErrorMessage}")
    with _LOCK:
        found = _INDEX.get(deployment_id)
    if found is None or found[1].group_id != group_id:
        raise ReportError(404, "deployment %s of group %s does not exist" % (deployment_id, group_id))
    deployment = found[1]
    if status == "Failure" and not message:
        message = "Deployment failed"
    _set_status(deployment, status, message if status == "Failure" else None,
                details if status == "Failure" else None)
    return describe(found[0], deployment)


def describe(backend, deployment):
    res = dict(status_dict(deployment), DeploymentId=deployment.id, DeploymentArn=deployment.arn,
               GroupId=deployment.group_id, GroupVersionId=getattr(deployment, "group_version_id", None),
               CreatedAt=iso(deployment.created_at_datetime), Region=backend.region_name,
               AccountId=backend.account_id)
    return res


def all_deployments(group_id=None, status=None):
    with _LOCK:
        found = list(_INDEX.values())
    items = [describe(b, d) for b, d in found if group_id in (None, d.group_id)]
    return [i for i in items if status in (None, i["DeploymentStatus"])]


def forget_all():
    """Drop the deployment index (after moto's state was reset)."""
    with _LOCK:
        _INDEX.clear()


def install():
    if getattr(GreengrassBackend.reset_deployments, "_gg_sandbox", False):
        return
    reset_deployments._gg_sandbox = True
    GreengrassBackend.reset_deployments = reset_deployments
    GreengrassBackend.create_deployment = _wrap_create_deployment(GreengrassBackend.create_deployment)
    GreengrassResponse.get_deployment_status = get_deployment_status_response
    GreengrassResponse.reset_deployments = reset_deployments_response
