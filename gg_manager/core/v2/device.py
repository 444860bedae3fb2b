"""The V2 core device: follows this thing's deployments and keeps its components running.

Each poll asks the device client for the next deployment job execution; a new one is marked
IN_PROGRESS, applied (applier.py), and marked SUCCEEDED / FAILED / REJECTED with the
nucleus's statusDetails; then the device status (every installed component with its
lifecycle state) is reported, and again whenever a component's state changes. A status the
cloud did not take is sent again on the next poll. On start the core resumes the revision it
ran before (config/state.json).
"""
import logging
import threading

from . import states as st
from .applier import DEFAULT_SETTLE_S, Applier
from .artifacts import MAX_ARTIFACT_BYTES, ArtifactStore
from .candidates import Candidates, RecipeStore
from .device_client import CloudError, DeviceStatus, InstalledComponent
from .errors import DeploymentError
from .lambda_host import LambdaHost
from .layout import Layout
from .platform import detect
from .state_store import StateStore
from .status import FAILED_UNABLE_TO_ROLLBACK, DeploymentResult
from .supervisor import Supervisor

log = logging.getLogger("gg.core.v2")
UNHEALTHY = (st.BROKEN, st.ERRORED)


class CoreDevice:
    def __init__(self, client, root, thing_name, region, cloud_factory=None, python=None, ready_timeout=120.0,
                 settle_timeout=DEFAULT_SETTLE_S, device_platform=None, max_artifact_bytes=MAX_ARTIFACT_BYTES,
                 root_ca_path=None):
        self.client = client
        self.thing_name = thing_name
        self.layout = Layout(root)
        self.stop_event = threading.Event()
        self.lambdas = LambdaHost(self.layout.runtime("shadow", "shadows.json"), cloud_factory)
        self.supervisor = Supervisor(self.layout, self.lambdas, region, thing_name, python, ready_timeout, root_ca_path)
        self.store = StateStore(self.layout.state)
        self.candidates = Candidates(client, RecipeStore(self.layout), device_platform or detect())
        self.applier = Applier(self.layout, self.supervisor, self.candidates,
                               ArtifactStore(self.layout, client, max_artifact_bytes), self.store, self.lambdas,
                               thing_name, settle_timeout, self.stop_event)
        self.supervisor.listeners.append(self._state_changed)
        self._dirty = threading.Event()
        self._unsent = None        # (job, status, details) the cloud has not taken yet
        self.last_job = None
        self.last_result = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, resume=True):
        self.lambdas.start()
        if resume:
            try:
                started = self.applier.resume()
                if started:
                    log.info("resumed the last revision: %s", ", ".join(started))
            except DeploymentError as exc:
                log.error("could not resume the last revision: %s", exc)
        return self

    def stop(self):
        self.stop_event.set()
        self.supervisor.stop_all(self.applier.order)
        self.lambdas.stop()

    def run(self, stop_event, poll_interval=1.0, once=False):
        """Poll until stop_event is set; with once, return after the first deployment (True = SUCCEEDED)."""
        while not stop_event.is_set():
            handled = self.poll()
            if once and handled:
                return self.last_result.ok
            stop_event.wait(poll_interval)
        return self.last_result.ok if self.last_result else None

    # -- one poll ----------------------------------------------------------------------------
    def poll(self):
        """Send what is unsent, take the next deployment if there is one. True when one was applied."""
        if self._unsent and not self._send(*self._unsent):
            return False
        try:
            job = self.client.next_job()
        except CloudError as exc:
            log.warning("cannot read this device's deployments: %s", exc)
            return False
        if job is None or (self.last_job is not None and job.job_id == self.last_job):
            if self._dirty.is_set():
                self.report()
            return False
        self.handle(job)
        return True

    def handle(self, job):
        log.info("deployment job %s", job.job_id)
        if job.status != "IN_PROGRESS":
            self._try(self.client.update_job, job, "IN_PROGRESS", {})
        try:
            result = self.applier.apply(job.document)
        except Exception as exc:  # noqa: BLE001 - a bug of the core is still this deployment's outcome
            log.exception("applying job %s failed", job.job_id)
            result = DeploymentResult(FAILED_UNABLE_TO_ROLLBACK, DeploymentError(
                "the local core failed while applying it: %s: %s" % (type(exc).__name__, exc)))
        self.last_job, self.last_result = job.job_id, result
        details = result.details()
        deployment_id = (job.document or {}).get("deploymentId", job.job_id)
        self.store.record_last(deployment_id, job.job_id, result.job_status, details)
        (log.info if result.ok else log.error)("deployment %s: %s %s", deployment_id, result.job_status, details)
        self._send(job, result.job_status, details)
        return result

    def _send(self, job, status, details):
        if self._try(self.client.update_job, job, status, details):
            self._unsent = None
            self.report(job, status, details)
            return True
        self._unsent = (job, status, details)
        return False

    @staticmethod
    def _try(call, *args):
        try:
            call(*args)
            return True
        except CloudError as exc:
            log.warning("the cloud did not take %s: %s (will retry)", getattr(call, "__name__", "the update"), exc)
            return False

    # -- status ------------------------------------------------------------------------------
    def _state_changed(self, name, old, new, reason):
        self._dirty.set()

    def status(self, job=None, job_status=None, details=None):
        arns = {}
        for body in self.store.data["groups"].values():
            for name in body.get("components") or {}:
                arns.setdefault(name, []).append(body.get("configuration_arn", ""))
        components = [InstalledComponent(name, spec.version, state, spec.root, reason, arns.get(name, []))
                      for name, (state, reason, spec) in sorted(self.supervisor.states().items())]
        overall = "UNHEALTHY" if any(c.state in UNHEALTHY for c in components) else "HEALTHY"
        document = (job.document or {}) if job else {}
        return DeviceStatus(self.thing_name, overall, components, deployment_id=document.get("deploymentId"),
                            job_id=job.job_id if job else None, deployment_status=job_status,
                            status_details=dict(details or {}), groups=sorted(self.store.roots()),
                            configuration_arn=document.get("configurationArn"))

    def report(self, job=None, job_status=None, details=None):
        self._dirty.clear()
        status = self.status(job, job_status, details)
        if not self._try(self.client.report, status):
            self._dirty.set()
        return status
