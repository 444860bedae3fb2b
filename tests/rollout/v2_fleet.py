"""A Greengrass V2 fleet of 20 groups (one core each) made by `gg apply --no-deploy`, and devices played
through the sandbox's jobs data plane.

    fleet = V2Fleet(tmp_path, prefix, sandbox, capsys)
    fleet.write("INFO"); fleet.cli("apply", "--yes")     # a first revision per group
    with fleet.devices(fail={"...-core03": "exit code 1"}):
        code, report, err = fleet.rollout("--waves", "1,50%")
    fleet.current(name)                                  # the group's current deployment (plain boto3)

The devices are the sandbox's own device side (what a core does, without a core): a thread that
takes each thing's pending job executions and reports them SUCCEEDED, or FAILED with the reason
and status details a nucleus sends, then posts the device's status report.
"""
import contextlib
import json
import threading

from gg_manager.aws.session import paginate
from tests.rollout.conftest import Fleet

FLEET_SIZE = 20

SPEC = """\
Target: v2
Defaults:
  Loggers:
    - {{Component: GreengrassSystem, Id: sys, Level: {level}, Space: 1024, Type: FileSystem}}
Groups:
{groups}
"""
GROUP = "  - Group: {{name: {name}}}\n    Cores: [{{name: {name}-core, key_path: ./certs, config_path: ./config/{i:02d}}}]\n"


class V2Fleet:
    def __init__(self, root, prefix, sandbox, capsys, size=FLEET_SIZE):
        self.root, self.prefix, self.sb, self.capsys = root, prefix, sandbox, capsys
        self.names = ["%s-g%02d" % (prefix, i) for i in range(size)]
        self.v2, self.iot = sandbox.boto3_client("greengrassv2"), sandbox.boto3_client("iot")
        self.jobs = sandbox.boto3_client("iot-jobs-data")

    def core(self, name):
        return name + "-core"

    def write(self, level):
        groups = "".join(GROUP.format(name=n, i=i) for i, n in enumerate(self.names))
        (self.root / "greengrass.yaml").write_text(SPEC.format(level=level, groups=groups))

    cli = Fleet.cli     # (exit code, stdout, stderr) of `gg ARGS -f greengrass.yaml`, in the fleet's folder

    def rollout(self, *args):
        """(exit code, JSON report, progress text) of `gg rollout --format json ARGS`."""
        code, out, err = self.cli("rollout", "--format", "json", "--poll-interval", "0.2", "--timeout", "60", *args)
        assert out.strip(), err
        return code, json.loads(out), err

    @contextlib.contextmanager
    def devices(self, fail=None):
        """Every core of the fleet takes its pending deployments while the block runs: SUCCEEDED, or for
        the things in `fail` ({thing: cause}) FAILED with a nucleus's status details."""
        stop = threading.Event()
        thread = threading.Thread(target=self._serve, args=(dict(fail or {}), stop), daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(10)

    def _serve(self, fail, stop):
        things = [self.core(n) for n in self.names]
        while not stop.is_set():
            for thing in things:
                pending = self.jobs.get_pending_job_executions(thingName=thing)
                for job in pending.get("queuedJobs", []) + pending.get("inProgressJobs", []):
                    answer = outcome(fail.get(thing))
                    self.jobs.update_job_execution(jobId=job["jobId"], thingName=thing, **answer)
                    self.sb.report_core_status(thing, {   # the nucleus's fleet status, as after a deployment
                        "thing": thing, "overallDeviceStatus": "HEALTHY" if thing not in fail else "UNHEALTHY",
                        "deploymentInformation": {"deploymentId": job["jobId"], "status": answer["status"]}})
            stop.wait(0.1)

    # -- what AWS says -------------------------------------------------------------
    def thing_group_arn(self, name):
        return self.iot.describe_thing_group(thingGroupName=name)["thingGroupArn"]

    def history(self, name):
        """The group's deployments, newest revision first."""
        found = paginate(self.v2, "list_deployments", "deployments", targetArn=self.thing_group_arn(name),
                         historyFilter="ALL")
        return sorted(found, key=lambda d: int(d["revisionId"]), reverse=True)

    def current(self, name):
        deployment = self.history(name)[0]
        return self.v2.get_deployment(deploymentId=deployment["deploymentId"])

    def logging_level(self, deployment):
        nucleus = deployment["components"]["aws.greengrass.Nucleus"]
        return json.loads(nucleus["configurationUpdate"]["merge"])["logging"]["level"]


def outcome(cause):
    if cause is None:
        return {"status": "SUCCEEDED", "statusDetails": {"detailed-deployment-status": "SUCCESSFUL"}}
    return {"status": "FAILED", "statusDetails": {
        "detailed-deployment-status": "FAILED_ROLLBACK_COMPLETE", "deployment-failure-cause": cause,
        "deployment-error-stack": json.dumps(["DEPLOYMENT_FAILURE", "COMPONENT_BROKEN"]),
        "deployment-error-types": json.dumps(["COMPONENT_ERROR"])}}
