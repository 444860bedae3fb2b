"""What Greengrass V2 should hold for a spec, as plain values (lower.py makes them; no AWS here).

A few values are known only once discovery has read AWS: the digest of a model whose
source is in S3 or a SageMaker job (its object's ETag), and the published version of a
Lambda gg does not package. resolve.py completes them into the contents gg compares
and sends (component contents, deployment documents, role policies).
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from gg_manager.resources.iam import DesiredRole
from gg_manager.resources.iot import DesiredCoreDevice


@dataclass
class DesiredModel:
    """A model as the ZIP gg puts in its artifact bucket."""
    id: str
    bucket: str
    local_path: Optional[str] = None     # a local folder or tarball (packed here)
    source_uri: Optional[str] = None     # s3://... of a tar.gz or zip (repacked at apply time)
    job_arn: Optional[str] = None        # a SageMaker training job (its model artifact, as above)
    local_digest: Optional[str] = None   # the ZIP's sha256, for a local source

    @property
    def remote(self):
        return self.local_path is None


@dataclass
class LambdaUse:
    """How one group runs one Lambda (becomes the content of a Lambda component version)."""
    function: str
    alias: str
    managed: bool
    parameters: dict
    dependencies: dict
    run_with: Optional[dict] = None


@dataclass
class DesiredGroup:
    name: str
    tags: Dict[str, str]
    thing_group_arn: str
    core: DesiredCoreDevice               # policy: the first of `policies`
    policies: List[tuple]                 # [(policy name, document)] for the core's certificate
    role: Optional[DesiredRole]           # the token exchange role gg makes (None: the spec names one)
    role_arn: str
    role_alias: str
    lambdas: List[LambdaUse]
    models: List[str]                     # model ids the group deploys
    public: Dict[str, dict]               # AWS components -> deployment entries (configured)
    failure_handling: str
    cloudwatch_logs: bool                 # the role may write /aws/greengrass/* logs
    connector_statements: List[dict]      # what mapped connectors need in the role
    devices: List[DesiredCoreDevice] = field(default_factory=list)   # client devices
    config_file: str = ""                 # the nucleus config.yaml, beside the core's key


@dataclass
class Desired:
    spec_file: str
    account: str
    region: str
    groups: List[DesiredGroup]
    functions: Dict[str, object]          # name -> resources.lambda_fn.DesiredFunction (gg packages it)
    unmanaged: Dict[str, str]             # name -> alias of Lambdas the spec references (not packaged)
    models: Dict[str, DesiredModel]       # model id -> ZIP
    buckets: List[str]
    record_bucket: str
    record_key: str
    endpoint_url: str = ""                # the sandbox's, when gg talks to one (config.yaml points there)
    other_spec_groups: List[str] = field(default_factory=list)
    model_sources: list = field(default_factory=list)   # resources.artifacts.ModelSource: checked before planning

    def group(self, name):
        return next(g for g in self.groups if g.name == name)
