"""Shared fixtures. `sandbox`: one real sandbox server per test session (free ports, own state dir).

    def test_x(sandbox):
        gg = sandbox.boto3_client("greengrass")          # plain boto3 against the sandbox
        with sandbox.faults(fail_operations=["CreateGroup:once"]):
            ...
        assert sandbox.calls()["greengrass:CreateGroup"] == 1

    def test_y(sandbox_env):                             # AWS_* and GG_MQTT_* set for code under test
        ...

Resources live in moto's per-region backends; use `sandbox.unique_name()` (or a
region of your own via boto3_client(region=...)) so tests do not see each other.
"""
import contextlib
import uuid

import pytest

from gg_manager.sandbox import process


class SandboxHandle:
    def __init__(self, sb):
        self._sb = sb
        self.endpoint_url = sb.endpoint_url
        self.region = sb.region
        self.mqtt_host = sb.mqtt_host
        self.mqtt_port = sb.mqtt_port
        self.pid = sb.pid
        self.state_dir = sb.state_dir

    # -- clients ---------------------------------------------------------------
    def boto3_client(self, service, region=None, retries=None, **kwargs):
        """A boto3 client for the sandbox. retries=0 turns botocore retries off; an int sets standard mode."""
        import boto3
        from botocore.config import Config

        config = kwargs.pop("config", None)
        if config is None and retries is not None:
            config = Config(retries={"total_max_attempts": retries + 1, "mode": "standard"})
        kwargs.setdefault("aws_access_key_id", process.DUMMY_KEY)
        kwargs.setdefault("aws_secret_access_key", process.DUMMY_SECRET)
        return boto3.client(service, endpoint_url=self.endpoint_url, region_name=region or self.region,
                            config=config, **kwargs)

    def env(self):
        return self._sb.env()

    def api(self, path, body=None, method=None):
        return self._sb.api(path, body, method)

    @staticmethod
    def unique_name(prefix="t"):
        return "%s-%s" % (prefix, uuid.uuid4().hex[:10])

    # -- call counter ------------------------------------------------------------
    def calls(self):
        """{"service:Operation": count} since the last reset."""
        return self.api("/_sandbox/calls")["calls"]

    def reset_calls(self):
        return self.api("/_sandbox/calls", method="DELETE")["calls"]

    # -- knobs -------------------------------------------------------------------
    def set_faults(self, **knobs):
        """Replace all knobs: latency_ms, throttle_rate, throttle_every, fail_operations=[...]."""
        return self.api("/_sandbox/faults", dict(knobs, reset=True))

    def clear_faults(self):
        return self.api("/_sandbox/faults", {"reset": True})

    @contextlib.contextmanager
    def faults(self, **knobs):
        self.set_faults(**knobs)
        try:
            yield self
        finally:
            self.clear_faults()

    # -- deployments ---------------------------------------------------------------
    def set_auto_complete(self, seconds):
        return self.api("/_sandbox/greengrass/settings", {"auto_complete_after": seconds})

    def report_deployment(self, group_id, deployment_id, status, message=None, details=None):
        body = {"status": status}
        if message is not None:
            body["errorMessage"] = message
        if details is not None:
            body["errorDetails"] = details
        return self.api("/_sandbox/greengrass/groups/%s/deployments/%s/status" % (group_id, deployment_id), body)

    def deployments(self, group_id=None, status=None):
        query = "&".join("%s=%s" % kv for kv in (("groupId", group_id), ("status", status)) if kv[1])
        return self.api("/_sandbox/greengrass/deployments" + ("?" + query if query else ""))["Deployments"]

    # -- calls in order, the clock, V2 core devices ---------------------------------
    def call_log(self, reset=False):
        """["service:Operation", ...] in the order served since the last reset."""
        return self.api("/_sandbox/calls/log" + ("?reset=true" if reset else ""))["calls"]

    def advance_clock(self, seconds):
        """Move the sandbox's clock forward (rollout windows, job timeouts, auto-complete)."""
        return self.api("/_sandbox/clock", {"advance_seconds": seconds})

    def report_core_status(self, thing_name, report, region=None):
        """Post a V2 core's fleet-status message, as the nucleus publishes it on MQTT."""
        query = "?region=%s" % region if region else ""
        return self.api("/_sandbox/greengrassv2/coreDevices/%s/status%s" % (thing_name, query), report)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    sb = process.start_sandbox(port=0, mqtt_port=0, state_dir=str(tmp_path_factory.mktemp("sandbox")),
                               exit_with_parent=True)
    handle = SandboxHandle(sb)
    try:
        yield handle
    finally:
        sb.stop()


@pytest.fixture
def sandbox_env(sandbox, monkeypatch):
    """The sandbox's environment (as `gg sandbox env` prints it) set for one test."""
    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    yield sandbox

