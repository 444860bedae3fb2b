"""Fleet rollout benchmark: V1 bulk deployments in waves vs one create_deployment per group; V2 (rollout_v2.py).

A sandbox with added latency per call (default 50 ms) and N deployable groups (made
with plain boto3 before anything is measured). Deployments complete by themselves
(`auto_complete_after`, default 0 s: no cores), so the figures are the cost of
driving the deployments, not of the devices. Measured side by side in one run, on
two fleets of N groups each, so neither side sees the other's deployments:
- rollout: `gg rollout`'s wave loop (default waves 1,10%,50%,100%, one bulk deployment
  per wave, polled every --poll seconds), including finding the groups, the IAM role
  and the bucket;
- concurrent: the fastest thing a user could script instead, one create_deployment per
  group sent concurrently (gg's own worker count), each then polled with
  get_deployment_status every --poll seconds until Success or Failure.

    .venv/bin/python bench/rollout.py --groups 500 --latency-ms 50                # V1 then V2
    .venv/bin/python bench/rollout.py --groups 500 --latency-ms 50 --target v2    # V2 only

The V2 case (`--target v2`) is described in bench/rollout_v2.py.
"""
import argparse
import io
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from gg_manager.aws.session import MAX_WORKERS, connect  # noqa: E402
from gg_manager.targets.v1.deploy import find_groups  # noqa: E402
from gg_manager.targets.v1.rollout.run import Rollout  # noqa: E402
from gg_manager.targets.v1.rollout.targets import rollout_targets  # noqa: E402
from gg_manager.targets.v1.rollout.waves import DEFAULT_WAVES, parse_limit, parse_waves  # noqa: E402
from gg_manager.sandbox import process  # noqa: E402

import rollout_v2  # noqa: E402  (bench/, beside this file)


def make_fleet(sb, prefix, n):
    """n groups, each with a version holding one core; names sorted like the fleet's."""
    import boto3
    gg = boto3.client("greengrass", endpoint_url=sb.endpoint_url, region_name=sb.region)
    core = gg.create_core_definition(InitialVersion={"Cores": [{
        "Id": "core", "CertificateArn": "arn:aws:iot:%s:123456789012:cert/%s" % (sb.region, "a" * 64),
        "ThingArn": "arn:aws:iot:%s:123456789012:thing/%s-core" % (sb.region, prefix), "SyncShadow": False}]})
    names = ["%s-g%03d" % (prefix, i) for i in range(n)]

    def one(name):
        gg.create_group(Name=name, InitialVersion={"CoreDefinitionVersionArn": core["LatestVersionArn"]},
                        tags={"gg:managed-by": "gg", "gg:group": name})
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, names))
    return names


def calls_since_reset(sb):
    return Counter(sb.api("/_sandbox/calls?reset=true")["calls"])


def rollout(ctx, names, waves, poll):
    t0 = time.monotonic()
    report = Rollout(ctx, rollout_targets(ctx, names), parse_waves(waves), parse_limit("0"), 600,
                     poll=poll, out=io.StringIO()).run()
    assert not report.halted and len(report.succeeded) == len(names), report.to_dict()
    return time.monotonic() - t0, len(report.waves)


def concurrent(ctx, names, poll):
    t0 = time.monotonic()
    gg = ctx.client("greengrass")

    def one(group):
        dep = gg.create_deployment(GroupId=group["Id"], GroupVersionId=group["LatestVersion"],
                                   DeploymentType="NewDeployment")
        while True:
            status = gg.get_deployment_status(GroupId=group["Id"], DeploymentId=dep["DeploymentId"])
            if status["DeploymentStatus"] in ("Success", "Failure"):
                assert status["DeploymentStatus"] == "Success", status
                return
            time.sleep(poll)
    with ThreadPoolExecutor(MAX_WORKERS) as pool:
        list(pool.map(one, find_groups(ctx, names).values()))
    return time.monotonic() - t0


def v1_case(sb, ctx, args, tag):
    header = ("2 fleets of %d groups made in %%.1fs (not measured); %g ms added per call, deployments complete "
              "after %gs, polls every %gs" % (args.groups, args.latency_ms, args.auto_complete, args.poll))
    bulk, seq = rollout_v2.measure_pair(
        sb, args.latency_ms, lambda prefix: make_fleet(sb, prefix, args.groups), ("bb" + tag, "bs" + tag), header, calls_since_reset,
        lambda fleet: rollout(ctx, fleet, args.waves, args.poll), lambda fleet: concurrent(ctx, fleet, args.poll))
    rollout_v2.print_table(("rollout: %d waves (%s), one bulk deployment each" % (bulk[2], args.waves),) + bulk[:2],
                           ("concurrent: create_deployment + poll per group, %d at a time" % MAX_WORKERS,)
                           + seq[:2], "concurrent / rollout", invert=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=500)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--waves", default=DEFAULT_WAVES)
    ap.add_argument("--poll", type=float, default=1.0, help="seconds between status polls, both sides")
    ap.add_argument("--auto-complete", type=float, default=0.0, help="seconds a deployment takes")
    ap.add_argument("--target", choices=("v1", "v2", "both"), default="both")
    args = ap.parse_args()
    state = tempfile.mkdtemp(prefix="gg-bench-")
    sb = process.start_sandbox(port=0, mqtt=False, state_dir=os.path.join(state, "sandbox"),
                               exit_with_parent=True, auto_complete_after=args.auto_complete)
    try:
        for key, value in sb.env().items():
            os.environ[key] = value
        ctx = connect()
        for service in ("greengrass", "iam", "s3"):
            ctx.client(service)            # load botocore models before anything is timed
        tag = uuid.uuid4().hex[:6]
        if args.target in ("v1", "both"):
            v1_case(sb, ctx, args, tag)
        if args.target in ("v2", "both"):
            print("")
            rollout_v2.run(sb, ctx, args, calls_since_reset, tag)
    finally:
        sb.stop()


if __name__ == "__main__":
    main()
