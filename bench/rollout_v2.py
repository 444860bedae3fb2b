"""The V2 case of bench/rollout.py: gg's V2 rollout against the fastest script a user could write.

N thing groups with one core each (made with plain boto3 before anything is measured; two
fleets, so neither side sees the other's deployments); every deployment is the same one-component
revision (the pinned nucleus). The sandbox's stand-in core (`auto_complete_after`) makes each
device's job execution SUCCEEDED by itself, so the figures are the cost of driving the
deployments, not of the devices.
- rollout: `gg rollout`'s V2 wave loop (default waves 1,10%,50%,100%, limit 0): per group
  its members (one read), CreateDeployment with the job configuration, then one
  ListJobExecutionsForJob per unfinished group per poll; the plan that picks each group's
  revision (`gg plan`'s cost, bench/reconcile_v2.py) is not counted: the script is handed its
  requests too.
- concurrent: one CreateDeployment per group, all sent at once from a thread pool of the same
  size as gg's (16), then every device's job execution (iot:DescribeJobExecution) polled,
  concurrently, until all SUCCEEDED: no waves, no canary, no halting.
"""
import io
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from gg_manager.aws.session import MAX_WORKERS
from gg_manager.targets.v1.rollout.waves import parse_limit, parse_waves
from gg_manager.targets.v2.deployment import create_deployment_request
from gg_manager.targets.v2.public_components import NUCLEUS, pinned_version
from gg_manager.targets.v2.rollout.run import V2Rollout
from gg_manager.targets.v2.rollout.targets import Target


def make_fleet(sb, prefix, n):
    """n thing groups of one core each: [(group, thing group arn, core thing)], in name order."""
    import boto3
    iot = boto3.client("iot", endpoint_url=sb.endpoint_url, region_name=sb.region)
    fleet = ["%s-g%03d" % (prefix, i) for i in range(n)]

    def one(name):
        arn = iot.create_thing_group(thingGroupName=name)["thingGroupArn"]
        iot.create_thing(thingName=name + "-core")
        iot.add_thing_to_thing_group(thingGroupName=name, thingName=name + "-core")
        return name, arn, name + "-core"
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, fleet))


def request(name, arn):
    return create_deployment_request(arn, name, {NUCLEUS: {"componentVersion": pinned_version(NUCLEUS)}})


def gg_rollout(ctx, fleet, waves, poll):
    targets = [Target(name, arn, request(name, arn), revision="new") for name, arn, _ in fleet]
    t0 = time.monotonic()
    report = V2Rollout(ctx, targets, parse_waves(waves), parse_limit("0"), 600, poll=poll, out=io.StringIO()).run()
    assert not report.halted and len(report.succeeded) == len(fleet), report.to_dict()
    return time.monotonic() - t0, len(report.waves)


def concurrent_script(sb, fleet, poll, workers=MAX_WORKERS):
    import boto3
    from botocore.config import Config
    config = Config(max_pool_connections=workers * 2)
    v2 = boto3.client("greengrassv2", endpoint_url=sb.endpoint_url, region_name=sb.region, config=config)
    iot = boto3.client("iot", endpoint_url=sb.endpoint_url, region_name=sb.region, config=config)
    t0 = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        made = list(pool.map(lambda f: v2.create_deployment(**request(f[0], f[1]))["iotJobId"], fleet))
        pending = {thing: job for (_, _, thing), job in zip(fleet, made)}
        while pending:
            time.sleep(poll)
            states = pool.map(lambda item: (item[0], iot.describe_job_execution(
                jobId=item[1], thingName=item[0])["execution"]["status"]), list(pending.items()))
            for thing, status in states:
                assert status in ("QUEUED", "IN_PROGRESS", "SUCCEEDED"), (thing, status)
                if status == "SUCCEEDED":
                    del pending[thing]
    return time.monotonic() - t0


def run(sb, ctx, args, calls_since_reset, tag):
    for service in ("greengrassv2", "iot"):
        ctx.client(service)            # load botocore models before anything is timed
    sb.api("/_sandbox/faults", {"reset": True})
    t0 = time.monotonic()
    gg_fleet = make_fleet(sb, "vr" + tag, args.groups)
    script_fleet = make_fleet(sb, "vs" + tag, args.groups)
    made = time.monotonic() - t0
    sb.api("/_sandbox/faults", {"reset": True, "latency_ms": args.latency_ms})
    sb.api("/_sandbox/greengrass/settings", {"auto_complete_after": args.auto_complete})
    calls_since_reset(sb)
    print("V2: 2 fleets of %d thing groups (one core each) made in %.1fs (not measured); %g ms added per call, "
          "executions succeed after %gs, polls every %gs" % (args.groups, made, args.latency_ms, args.auto_complete,
                                                            args.poll))
    t_gg, waves = gg_rollout(ctx, gg_fleet, args.waves, args.poll)
    gg_calls = calls_since_reset(sb)
    t_script = concurrent_script(sb, script_fleet, args.poll)
    script_calls = calls_since_reset(sb)
    print_table(args, t_gg, waves, gg_calls, t_script, script_calls)


def polls(calls):
    return sum(n for op, n in calls.items() if op.split(":", 1)[1].startswith(("List", "Describe", "Get")))


def print_table(args, t_gg, waves, gg_calls, t_script, script_calls):
    n_gg, n_script = sum(gg_calls.values()), sum(script_calls.values())
    print("")
    print("%-58s %9s %7s %7s" % ("", "seconds", "calls", "reads"))
    print("%-58s %9.1f %7d %7d" % ("gg rollout (V2): %d waves (%s), a deployment per group" % (waves, args.waves),
                                   t_gg, n_gg, polls(gg_calls)))
    print("%-58s %9.1f %7d %7d" % ("script: CreateDeployment x%d concurrently, then poll" % args.groups,
                                   t_script, n_script, polls(script_calls)))
    print("")
    print("gg rollout / script: %.2fx the time, %.2fx the calls" % (t_gg / t_script, n_gg / float(n_script)))
    print("")
    print("calls by operation (gg rollout | script):")
    for op in sorted(Counter(gg_calls) + Counter(script_calls)):
        print("  %-52s %6d %6d" % (op, gg_calls.get(op, 0), script_calls.get(op, 0)))
