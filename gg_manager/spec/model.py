"""The spec as a typed, immutable value: what the user declares, in no target's shape.

Greengrass V1 (definition versions) and Greengrass V2 (components, deployments) are
targets that lower this value into their own API shapes (gg_manager/targets/*). Names
that only AWS can turn into ARNs (Lambda aliases, things, connectors) stay symbolic.
This module imports nothing from AWS and knows no API.
"""
import hashlib
from dataclasses import dataclass, field
from typing import Optional, Tuple, Union

from gg_manager.spec.frozen import FrozenDict

TARGETS = ("v1", "v2")               # Greengrass V1 (groups, definitions) | Greengrass V2 (components)
DEFAULT_TARGET = "v2"                # the only Greengrass AWS still runs
# A Lambda without `runtime:` gets its target's default: the V1 core runs python3.7 and 3.8 only;
# AWS Lambda no longer creates python3.7/3.8 functions, which V2 imports.
DEFAULT_RUNTIMES = {"v1": "python3.7", "v2": "python3.11"}
DEFAULT_ALIAS = "default"
# What the Greengrass console fills in for a Lambda without settings.
DEFAULT_TIMEOUT_S = 3
DEFAULT_MEMORY_KB = 16384
CONTAINER, NO_CONTAINER = "GreengrassContainer", "NoContainer"


@dataclass(frozen=True)
class Core:
    name: str                        # the IoT thing of the core device
    key_path: str                    # where its key and certificate live on this machine
    config_path: str                 # where its device configuration is written
    sync_shadow: bool


@dataclass(frozen=True)
class Device:
    name: str
    key_path: str
    sync_shadow: bool


@dataclass(frozen=True)
class ResourceAccess:
    resource_id: str
    permission: Optional[str]        # "ro" | "rw" | None (the service's default)


@dataclass(frozen=True)
class RunAs:
    uid: Optional[int]
    gid: Optional[int]


@dataclass(frozen=True)
class Function:
    """A Lambda: packaged by gg (`package` set) or an existing one referenced by name.

    The first group of fields is the Lambda in the cloud; the second how the core runs
    it (greengo's greengrassConfig). None means "not declared" (the target's default).
    """
    name: str
    alias: str
    handler: Optional[str]
    package: Optional[str]           # absolute folder path
    runtime: str
    requirements: Tuple[str, ...]
    role_arn: Optional[str]          # None: gg's generated execution role
    environment: FrozenDict          # the Lambda's own (cloud) environment variables
    # -- on the core --
    memory_kb: Optional[int] = None  # None: no limit (NoContainer)
    timeout_s: int = DEFAULT_TIMEOUT_S
    pinned: Optional[bool] = None    # long-lived
    isolation: Optional[str] = None  # GreengrassContainer | NoContainer
    run_as: Optional[RunAs] = None
    access_sysfs: Optional[bool] = None
    variables: Optional[FrozenDict] = None              # the core-side environment variables
    resource_access: Optional[Tuple[ResourceAccess, ...]] = None
    encoding: Optional[str] = None   # json | binary
    executable: Optional[str] = None
    exec_args: Optional[str] = None
    runtime_override: Optional[str] = None

    @property
    def managed(self) -> bool:
        return self.package is not None


@dataclass(frozen=True)
class GroupOwner:
    auto_add: Optional[bool]
    group_owner: Optional[str]


@dataclass(frozen=True)
class LocalModel:
    path: str                        # a folder (or tar.gz) gg packs and uploads


@dataclass(frozen=True)
class S3Model:
    uri: str                         # s3://bucket/key of a tar.gz or zip


@dataclass(frozen=True)
class SageMakerModel:
    job_arn: str                     # a Completed training job


ModelSource = Union[LocalModel, S3Model, SageMakerModel]


@dataclass(frozen=True)
class ModelOwner:
    group_owner: str
    permission: str                  # ro | rw


@dataclass(frozen=True)
class Model:
    id: str
    name: str
    destination_path: str
    source: ModelSource
    owner: Optional[ModelOwner] = None
    # where the spec names the source: "greengrass.yaml:27:13 Models[0].Source" (for errors found
    # later, e.g. a source that does not exist in AWS); not part of the model's value
    location: str = field(default="", compare=False)


@dataclass(frozen=True)
class Volume:
    id: str
    name: str
    source_path: str
    destination_path: str
    group_owner: Optional[GroupOwner] = None


@dataclass(frozen=True)
class DeviceFile:
    """A device node (/dev/...) the Lambdas may open: a GPU, a camera."""
    id: str
    name: str
    source_path: str
    group_owner: Optional[GroupOwner] = None


@dataclass(frozen=True)
class Secret:
    id: str
    name: str
    arn: str
    staging_labels: Optional[Tuple[str, ...]] = None


Resource = Union[Model, Volume, DeviceFile, Secret]


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


@dataclass(frozen=True)
class Logger:
    id: str
    component: str
    level: str
    type: str
    space: Optional[int]


@dataclass(frozen=True)
class Connector:
    id: str
    arn: str
    parameters: FrozenDict


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
    target: str = DEFAULT_TARGET     # "v1" | "v2": where gg deploys the group

    def function(self, name: str) -> Function:
        return next(f for f in self.functions if f.name == name)

    @property
    def models(self) -> Tuple[Model, ...]:
        return tuple(r for r in self.resources if isinstance(r, Model))


@dataclass(frozen=True)
class Spec:
    file: str
    groups: Tuple[Group, ...]

    def group(self, name: str) -> Group:
        return next(g for g in self.groups if g.name == name)

    def only(self, names) -> "Spec":
        """The same spec narrowed to these groups."""
        return Spec(self.file, tuple(g for g in self.groups if g.name in set(names)))

    @property
    def targets(self) -> Tuple[str, ...]:
        """The targets its groups deploy to, sorted."""
        return tuple(sorted({g.target for g in self.groups}))
