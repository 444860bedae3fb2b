"""In-memory stand-ins for the cloud (DeviceClient) and the MQTT broker bridge, for unit tests.

FakeCloud keeps published component versions (recipe + artifacts by file name), IoT job
executions for one thing, and what the device reported. It resolves versions as
ResolveComponentCandidates does (newest that satisfies every requirement) and can be told to
fail an operation.
"""
import io
import json
import threading
import time
import zipfile

from gg_manager.core.v2.device_client import Candidate, CloudError, DeviceClient, JobExecution, NoCandidate
from gg_manager.core.v2.semver import Requirement, Version, best
from gg_manager.core.v2.shared import topic_matches

REGION, ACCOUNT = "us-east-1", "123456789012"


def zip_bytes(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buf.getvalue()


class FakeCloud(DeviceClient):
    def __init__(self, thing="core-1"):
        self.thing = thing
        self.components = {}       # name -> {version: (recipe text, {file: bytes}, arn)}
        self.jobs = []             # JobExecution, oldest first
        self.updates = []          # (job id, status, details)
        self.reports = []
        self.fail = set()          # operation names that raise CloudError
        self.resolve_calls = []
        self.downloads = []
        self._revision = {}
        self._lock = threading.Lock()

    # -- what a test publishes ------------------------------------------------------------
    def publish(self, recipe, artifacts=None):
        body = recipe if isinstance(recipe, dict) else json.loads(recipe)
        text = recipe if isinstance(recipe, str) else json.dumps(recipe)
        name, version = body["ComponentName"], body["ComponentVersion"]
        arn = "arn:aws:greengrass:%s:%s:components:%s:versions:%s" % (REGION, ACCOUNT, name, version)
        self.components.setdefault(name, {})[version] = (text, dict(artifacts or {}), arn)
        return arn

    def deploy(self, group, components, policy="ROLLBACK"):
        """A deployment to thinggroup/GROUP: a new revision; the previous job of that group is cancelled."""
        with self._lock:
            revision = self._revision[group] = self._revision.get(group, 0) + 1
            self.jobs = [j for j in self.jobs if j.document["configurationArn"].split(":")[6] != "thinggroup/" + group]
            deployment_id = "dep-%s-%d" % (group, revision)
            document = {"deploymentId": deployment_id, "creationTimestamp": int(time.time() * 1000) + revision,
                        "configurationArn": "arn:aws:greengrass:%s:%s:configuration:thinggroup/%s:%d"
                                            % (REGION, ACCOUNT, group, revision),
                        "components": components, "failureHandlingPolicy": policy,
                        "componentUpdatePolicy": {"timeout": 60, "action": "NOTIFY_COMPONENTS"}}
            job = JobExecution(deployment_id, document)
            self.jobs.append(job)
            return job

    def last_update(self, job):
        return [u for u in self.updates if u[0] == job.job_id][-1]

    def _check(self, operation):
        if operation in self.fail:
            raise CloudError("%s failed (injected)" % operation, "NETWORK_ERROR")

    # -- DeviceClient -----------------------------------------------------------------------
    def next_job(self):
        self._check("next_job")
        with self._lock:
            return next((j for j in self.jobs if j.status in ("QUEUED", "IN_PROGRESS")), None)

    def update_job(self, job, status, details):
        self._check("update_job")
        with self._lock:
            job.status = status
            self.updates.append((job.job_id, status, dict(details)))

    def resolve(self, name, requirements, platform):
        self._check("resolve")
        self.resolve_calls.append((name, dict(requirements)))
        known = self.components.get(name)
        if not known:
            raise NoCandidate("component %s not found" % name, "RESOURCE_NOT_FOUND")
        version = best([Version(v) for v in known], [Requirement(r) for r in requirements.values()])
        if version is None:
            raise NoCandidate("no version of %s satisfies %s" % (name, requirements), "RESOURCE_NOT_FOUND")
        text, _, arn = known[str(version)]
        return Candidate(name, str(version), arn, text.encode())

    def download(self, candidate, uri, dest, max_bytes):
        self._check("download")
        self.downloads.append((candidate.name, candidate.version, uri))
        files = self.components[candidate.name][candidate.version][1]
        body = files.get(uri.split(":", 1)[1].rsplit("/", 1)[-1])
        if body is None:
            raise CloudError("no artifact %s" % uri, "RESOURCE_NOT_FOUND")
        if len(body) > max_bytes:
            raise CloudError("artifact %s is larger than %d bytes" % (uri, max_bytes), "IO_ERROR")
        with open(dest, "wb") as fh:
            fh.write(body)

    def report(self, status):
        self._check("report")
        self.reports.append(status)


class FakeBridge:
    """The cloud broker as the LambdaHost sees it: filters it subscribed, what it published."""

    def __init__(self, on_message):
        self.on_message = on_message
        self.filters = []
        self.published = []
        self._cond = threading.Condition()

    def start(self):
        return self

    def stop(self):
        pass

    def set_filters(self, filters):
        self.filters = list(filters)

    def publish(self, topic, payload):
        with self._cond:
            self.published.append((topic, payload))
            self._cond.notify_all()

    def deliver(self, topic, payload):
        """A message from the cloud: handed in only when a subscribed filter matches, as a broker does."""
        if any(topic_matches(f, topic) for f in self.filters):
            self.on_message(topic, payload if isinstance(payload, bytes) else json.dumps(payload).encode())
            return True
        return False

    def wait_for(self, topic, timeout=20, predicate=lambda body: True):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for t, payload in self.published:
                    if t == topic:
                        body = json.loads(payload)
                        if predicate(body):
                            return body
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("nothing on %s within %ss; got %s" % (topic, timeout, self.published[-5:]))
                self._cond.wait(left)
