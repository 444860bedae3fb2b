"""A deployment's job document (the nucleus's "fleet configuration"), parsed and checked.

    {"deploymentId", "configurationArn": "arn:...:configuration:thinggroup/NAME:REVISION",
     "components": {NAME: {"version", "configurationUpdate": {"reset": [...], "merge": {...} or "json"},
                           "runWith": {...}}},
     "failureHandlingPolicy": "ROLLBACK" | "DO_NOTHING", "componentUpdatePolicy": {"timeout", "action"},
     "creationTimestamp": MILLISECONDS, "deploymentName", "parentTargetArn"}

Keys are case-insensitive, as the nucleus reads them. The group ("thinggroup/NAME" or
"thing/NAME") comes from the configuration ARN: each group has its own root components.
"""
from dataclasses import dataclass, field
from typing import Dict, Optional

from .configuration import ConfigurationError, parse_merge
from .errors import DeploymentError
from .recipe import NAME
from .semver import SemverError, Version


class DocumentError(DeploymentError):
    def __init__(self, message):
        super().__init__("deployment document: %s" % message, "DEPLOYMENT_DOCUMENT_NOT_VALID")


@dataclass
class RootComponent:
    version: str
    update: Optional[dict] = None          # {"reset": [...], "merge": {...}}
    run_with: Optional[dict] = None


@dataclass
class Deployment:
    deployment_id: str
    configuration_arn: str
    group: str
    components: Dict[str, RootComponent] = field(default_factory=dict)
    failure_handling: str = "ROLLBACK"
    update_timeout_s: int = 60
    timestamp_ms: int = 0
    name: str = ""

    @property
    def rollback(self):
        return self.failure_handling == "ROLLBACK"


def group_of(configuration_arn):
    parts = (configuration_arn or "").split(":", 5)
    if len(parts) == 6 and parts[5].startswith("configuration:"):
        resource = parts[5][len("configuration:"):]
        return resource.rsplit(":", 1)[0] if resource.count(":") else resource
    return configuration_arn or "LOCAL_DEPLOYMENT"


def _fold(value, what):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DocumentError("%s must be an object" % what)
    return {str(k).lower(): v for k, v in value.items()}


def _component(name, body):
    if not NAME.match(str(name)) or name in (".", ".."):
        raise DocumentError("component name %r is not valid" % name)
    body = _fold(body, "components.%s" % name)
    try:
        version = str(Version(str(body.get("version"))))
    except SemverError as exc:
        raise DocumentError("components.%s.version: %s" % (name, exc)) from None
    update = _fold(body.get("configurationupdate"), "components.%s.configurationUpdate" % name)
    reset = update.get("reset")
    if reset is not None and not (isinstance(reset, list) and all(isinstance(p, str) for p in reset)):
        raise DocumentError("components.%s.configurationUpdate.reset must be a list of JSON pointers" % name)
    try:
        merge = parse_merge(update.get("merge"), name)
    except ConfigurationError as exc:
        raise DocumentError(str(exc)) from None
    run_with = body.get("runwith")
    return RootComponent(version, {"reset": reset, "merge": merge} if update else None,
                         run_with if isinstance(run_with, dict) else None)


def parse_deployment(document):
    doc = _fold(document, "the document")
    deployment_id = doc.get("deploymentid")
    arn = doc.get("configurationarn")
    if not deployment_id or not arn:
        raise DocumentError("deploymentId and configurationArn are required")
    policy = str(doc.get("failurehandlingpolicy") or "ROLLBACK").upper()
    if policy not in ("ROLLBACK", "DO_NOTHING"):
        raise DocumentError("failureHandlingPolicy %r is not ROLLBACK or DO_NOTHING" % policy)
    components = doc.get("components")
    components = {} if components is None else components
    if not isinstance(components, dict):
        raise DocumentError("components must be an object")
    update_policy = _fold(doc.get("componentupdatepolicy"), "componentUpdatePolicy")
    try:
        timestamp = int(doc.get("creationtimestamp") or 0)
        update_timeout = int(update_policy.get("timeout") or 60)
    except (TypeError, ValueError):
        raise DocumentError("creationTimestamp and componentUpdatePolicy.timeout must be numbers") from None
    return Deployment(
        deployment_id=str(deployment_id), configuration_arn=str(arn), group=group_of(str(arn)),
        components={str(k): _component(str(k), v) for k, v in components.items()},
        failure_handling=policy, update_timeout_s=update_timeout, timestamp_ms=timestamp,
        name=str(doc.get("deploymentname") or ""))
