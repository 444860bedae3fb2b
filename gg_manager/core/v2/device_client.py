"""What a V2 core device asks of the cloud: one small interface, so the runtime never knows which cloud.

A real implementation talks to AWS or the sandbox (IoT jobs for deployments, greengrassv2's
ResolveComponentCandidates and GetComponentVersionArtifact, S3, a status report); the unit
tests use an in-memory fake. Errors: raise CloudError (with an error code from errors.py,
e.g. RESOURCE_NOT_FOUND, ACCESS_DENIED, NETWORK_ERROR) so a deployment can say why it failed.
"""
import abc
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .errors import DeploymentError


class CloudError(DeploymentError):
    """A call to the cloud failed; codes say how (the first one names the kind of failure)."""


class NoCandidate(CloudError):
    """The cloud has no version of the component that satisfies the requirements."""


@dataclass
class JobExecution:
    """A deployment the cloud wants this device to apply: an IoT job execution and its document."""
    job_id: str
    document: dict
    status: str = "QUEUED"            # QUEUED | IN_PROGRESS
    version: int = 1                  # the execution's versionNumber
    queued_at: float = 0.0


@dataclass
class Candidate:
    """ResolveComponentCandidates' answer for one component."""
    name: str
    version: str
    arn: str
    recipe: bytes                     # the recipe text (JSON from the cloud)


@dataclass
class InstalledComponent:
    name: str
    version: str
    state: str                        # NEW INSTALLED STARTING RUNNING STOPPING FINISHED ERRORED BROKEN
    root: bool = False
    status_reason: str = ""
    fleet_config_arns: List[str] = field(default_factory=list)   # the deployments that made it a root


@dataclass
class DeviceStatus:
    """What the device reports after a deployment and when a component changes state."""
    thing_name: str
    overall: str                      # HEALTHY | UNHEALTHY
    components: List[InstalledComponent] = field(default_factory=list)
    deployment_id: Optional[str] = None
    job_id: Optional[str] = None
    deployment_status: Optional[str] = None      # SUCCEEDED | FAILED | ...
    configuration_arn: Optional[str] = None      # the deployment's revision
    status_details: Dict[str, str] = field(default_factory=dict)
    groups: List[str] = field(default_factory=list)


class DeviceClient(abc.ABC):
    @abc.abstractmethod
    def next_job(self) -> Optional[JobExecution]:
        """The oldest QUEUED or IN_PROGRESS deployment job execution of this thing, or None."""

    @abc.abstractmethod
    def update_job(self, job: JobExecution, status: str, details: Dict[str, str]) -> None:
        """Move the job execution to IN_PROGRESS, SUCCEEDED, FAILED or REJECTED with these statusDetails."""

    @abc.abstractmethod
    def resolve(self, name: str, requirements: Dict[str, str], platform: Dict[str, str]) -> Candidate:
        """The version of `name` the cloud picks for {dependent or group: requirement}; NoCandidate if none."""

    @abc.abstractmethod
    def download(self, candidate: Candidate, uri: str, dest: str, max_bytes: int) -> None:
        """Write the artifact at `uri` (greengrass:NAME or s3://bucket/key) of that component version to `dest`;
        CloudError when it cannot, or when it is larger than max_bytes."""

    @abc.abstractmethod
    def report(self, status: DeviceStatus) -> None:
        """Publish the device's status (installed components and their lifecycle states)."""
