"""A CoreDevice on an in-memory cloud (FakeCloud) and broker bridge (FakeBridge), and its fixture."""
import time

from gg_manager.core.v2.device import CoreDevice

from .fakes import FakeBridge, FakeCloud

LINUX = {"os": "linux", "architecture": "amd64"}
OUT = "core-test/out"


class Device:
    """A CoreDevice on a FakeCloud, with the broker bridge it created."""

    def __init__(self, root, cloud=None, **kwargs):
        self.cloud = cloud or FakeCloud()
        self.bridges = []
        kwargs.setdefault("settle_timeout", 60)
        kwargs.setdefault("ready_timeout", 30)
        self.core = CoreDevice(self.cloud, str(root), "core-1", "us-east-1", cloud_factory=self._bridge,
                               device_platform=LINUX, **kwargs)

    def _bridge(self, on_message):
        self.bridges.append(FakeBridge(on_message))
        return self.bridges[-1]

    @property
    def bridge(self):
        return self.bridges[-1]

    def deploy(self, components, policy="ROLLBACK", group="app"):
        job = self.cloud.deploy(group, components, policy)
        assert self.core.poll(), "the device took no deployment"
        return self.cloud.last_update(job)

    def states(self):
        return {n: (spec.version, state) for n, (state, _, spec) in self.core.supervisor.states().items()}

    def ask(self, topic, event, check=lambda body: True, timeout=30):
        marker = "%s-%f" % (topic, time.monotonic())
        assert self.bridge.deliver(topic, dict(event, id=marker)), "no subscription for %s" % topic
        return self.bridge.wait_for(OUT, timeout, lambda b: b["event"].get("id") == marker and check(b))
