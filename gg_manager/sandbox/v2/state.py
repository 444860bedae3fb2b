"""What the sandbox keeps for Greengrass V2, per account and region.

The state hangs on moto's IoT backend of the same account and region (IoT is in
every region Greengrass V2 is; moto's Greengrass V1 backend is not), so
`POST /_sandbox/reset`, which resets every moto backend, forgets it too.
"""
from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass
class ComponentVersion:
    name: str
    version: str
    arn: str
    recipe: dict
    created: float
    public: bool = False
    state: str = "DEPLOYABLE"     # DEPLOYABLE | FAILED
    message: str = "NONE"
    errors: dict = field(default_factory=dict)

    @property
    def component_arn(self):
        return self.arn.rsplit(":versions:", 1)[0]


@dataclass
class Deployment:
    deployment_id: str
    arn: str
    name: str
    target_arn: str
    revision: str
    created: float
    components: dict
    policies: dict
    job_config: dict
    parent_target_arn: str = None
    job_id: str = None
    job_arn: str = None
    configuration_arn: str = None
    status: str = "ACTIVE"        # a final status set by the service: INACTIVE | CANCELED
    latest: bool = True


@dataclass
class CoreDevice:
    thing_name: str
    arn: str
    core_version: str = None
    platform: str = None
    architecture: str = None
    runtime: str = "aws_nucleus_classic"
    status: str = "HEALTHY"
    last_update: float = 0.0
    sequence: int = None
    components: dict = field(default_factory=OrderedDict)   # name -> InstalledComponent dict
    deployment_info: dict = field(default_factory=dict)     # deploymentId -> deploymentInformation


@dataclass
class V2State:
    components: dict = field(default_factory=OrderedDict)   # name -> OrderedDict(version -> ComponentVersion)
    deployments: dict = field(default_factory=OrderedDict)  # deployment id -> Deployment
    revisions: dict = field(default_factory=dict)           # target ARN -> last revision number
    core_devices: dict = field(default_factory=OrderedDict)  # thing name -> CoreDevice
    client_devices: dict = field(default_factory=dict)      # core thing -> OrderedDict(client thing -> time)
    tags: dict = field(default_factory=dict)                # ARN -> {key: value}
    client_tokens: dict = field(default_factory=dict)       # (operation, token) -> answer


def of(account, region):
    return iot_backend(account, region).__dict__.setdefault("_gg_v2", V2State())


def of_ctx(ctx):
    return of(ctx.account, ctx.region)


def iot_backend(account, region):
    from moto.iot.models import iot_backends

    return iot_backends[account][region]


def loaded():
    """[(account, region, V2State)] for every backend that holds V2 state now."""
    from moto.iot.models import iot_backends

    found = []
    for account, regions in list(iot_backends.items()):
        for region, backend in list(regions.items()):
            if "_gg_v2" in backend.__dict__:
                found.append((account, region, backend.__dict__["_gg_v2"]))
    return found
