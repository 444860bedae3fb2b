"""The spec as a typed, immutable value, shaped like the Greengrass API's definition versions.

Names that only AWS can turn into ARNs (Lambda aliases, things, connectors) stay
symbolic here; each `*_definition_version` takes a resolver for them, so the
reconciler only compares and sends. This module imports nothing from AWS.
"""
import hashlib
from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Tuple

from gg_manager.spec.frozen import FrozenDict, thaw

DEFAULT_RUNTIME = "python3.7"
DEFAULT_ALIAS = "default"


@dataclass(frozen=True)
class Core:
    name: str
    key_path: str
    config_path: str
    sync_shadow: bool


@dataclass(frozen=True)
class Device:
    name: str
    key_path: str
    sync_shadow: bool


@dataclass(frozen=True)
class Function:
    """A Lambda: packaged by gg (`package` set) or an existing one referenced by name."""
    name: str
    alias: str
    handler: Optional[str]
    package: Optional[str]           # absolute folder path
    runtime: str
    requirements: Tuple[str, ...]
    role_arn: Optional[str]          # None: gg's generated execution role
    environment: FrozenDict          # the Lambda's own (cloud) environment variables
    configuration: FrozenDict        # FunctionConfiguration, exactly as the API takes it

    @property
    def managed(self) -> bool:
        return self.package is not None

    def definition_entry(self, alias_arn: str) -> dict:
        return {"Id": self.name, "FunctionArn": alias_arn,
                "FunctionConfiguration": thaw(self.configuration)}


@dataclass(frozen=True)
class Resource:
    id: str
    name: str
    kind: str                        # the ResourceDataContainer key
    data: FrozenDict                 # that container's body
    local_model: Optional[str] = None  # a folder gg packs and uploads; S3Uri known at apply

    def definition_entry(self, local_model_uri: Optional[str] = None) -> dict:
        body = thaw(self.data)
        if self.local_model is not None:
            body["S3Uri"] = local_model_uri
        return {"Id": self.id, "Name": self.name, "ResourceDataContainer": {self.kind: body}}


@dataclass(frozen=True)
class Endpoint:
    kind: str      # cloud | GGShadowService | Lambda | Connector | Device | arn
    name: str = ""

    @classmethod
    def parse(cls, text: str) -> "Endpoint":
        if text in ("cloud", "GGShadowService"):
            return cls(text)
        if text.startswith("arn:"):
            return cls("arn", text)
        kind, _, name = text.partition("::")
        return cls(kind, name)

    def __str__(self):
        if self.kind in ("cloud", "GGShadowService"):
            return self.kind
        return self.name if self.kind == "arn" else "%s::%s" % (self.kind, self.name)


Resolver = Callable[[Endpoint], str]


@dataclass(frozen=True)
class Subscription:
    id: str
    source: Endpoint
    subject: str
    target: Endpoint

    @staticmethod
    def default_id(source: str, subject: str, target: str) -> str:
        """Stable Id for an entry without one, so plans do not churn."""
        digest = hashlib.sha256(("%s|%s|%s" % (source, subject, target)).encode()).hexdigest()
        return "sub-" + digest[:16]

    def definition_entry(self, resolve: Resolver) -> dict:
        return {"Id": self.id, "Source": resolve(self.source), "Subject": self.subject,
                "Target": resolve(self.target)}


@dataclass(frozen=True)
class Logger:
    id: str
    component: str
    level: str
    type: str
    space: Optional[int]

    def definition_entry(self) -> dict:
        entry = {"Id": self.id, "Component": self.component, "Level": self.level, "Type": self.type}
        if self.space is not None:
            entry["Space"] = self.space
        return entry


@dataclass(frozen=True)
class Connector:
    id: str
    arn: str
    parameters: FrozenDict

    def definition_entry(self) -> dict:
        return {"Id": self.id, "ConnectorArn": self.arn, "Parameters": thaw(self.parameters)}


@dataclass(frozen=True)
class Group:
    name: str
    core: Core
    devices: Tuple[Device, ...]
    functions: Tuple[Function, ...]
    resources: Tuple[Resource, ...]
    subscriptions: Tuple[Subscription, ...]
    loggers: Tuple[Logger, ...]
    connectors: Tuple[Connector, ...]
    role_arn: Optional[str]          # None: gg generates a least-privilege group role
    tags: FrozenDict
    artifact_bucket: Optional[str]

    def function(self, name: str) -> Function:
        return next(f for f in self.functions if f.name == name)

    def core_definition_version(self, thing_arn: str, certificate_arn: str) -> dict:
        return {"Cores": [{"Id": self.core.name, "ThingArn": thing_arn,
                           "CertificateArn": certificate_arn, "SyncShadow": self.core.sync_shadow}]}

    def device_definition_version(self, things: Mapping[str, Tuple[str, str]]) -> dict:
        """`things`: device name -> (thing ARN, certificate ARN)."""
        return {"Devices": [{"Id": d.name, "ThingArn": things[d.name][0],
                             "CertificateArn": things[d.name][1], "SyncShadow": d.sync_shadow}
                            for d in self.devices]}

    def function_definition_version(self, alias_arns: Mapping[str, str]) -> dict:
        return {"Functions": [f.definition_entry(alias_arns[f.name]) for f in self.functions]}

    def resource_definition_version(self, local_model_uris: Mapping[str, str] = None) -> dict:
        uris = local_model_uris or {}
        return {"Resources": [r.definition_entry(uris.get(r.id)) for r in self.resources]}

    def subscription_definition_version(self, resolve: Resolver) -> dict:
        return {"Subscriptions": [s.definition_entry(resolve) for s in self.subscriptions]}

    def logger_definition_version(self) -> dict:
        return {"Loggers": [lg.definition_entry() for lg in self.loggers]}

    def connector_definition_version(self) -> dict:
        return {"Connectors": [c.definition_entry() for c in self.connectors]}


@dataclass(frozen=True)
class Spec:
    file: str
    groups: Tuple[Group, ...]

    def group(self, name: str) -> Group:
        return next(g for g in self.groups if g.name == name)
