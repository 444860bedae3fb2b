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
    sb.api("/_sandbox/greengrass/settings", {"auto_complete_after": args.auto_complete})
    header = ("V2: 2 fleets of %d thing groups (one core each) made in %%.1fs (not measured); %g ms added per call, "
              "executions succeed after %gs, polls every %gs" % (args.groups, args.latency_ms, args.auto_complete,
                                                                 args.poll))
    gg, script = measure_pair(sb, args.latency_ms, lambda prefix: make_fleet(sb, prefix, args.groups), ("vr" + tag, "vs" + tag),
                              header, calls_since_reset, lambda fleet: gg_rollout(ctx, fleet, args.waves, args.poll),
                              lambda fleet: concurrent_script(sb, fleet, args.poll))
    print_table(("gg rollout (V2): %d waves (%s), a deployment per group" % (gg[2], args.waves),) + gg[:2],
                ("script: CreateDeployment x%d concurrently, then poll" % args.groups,) + script[:2],
                "gg rollout / script")


def measure_pair(sb, latency_ms, make, prefixes, header, calls_since_reset, first, second):
    """Two fleets made (not measured), then `latency_ms` added to every call and each side run on its own fleet:
    [(seconds, Counter of calls, what the side returned besides its seconds), ...] for `first`, `second`."""
    t0 = time.monotonic()
    fleets = [make(prefix) for prefix in prefixes]
    made = time.monotonic() - t0
    sb.api("/_sandbox/faults", {"reset": True, "latency_ms": latency_ms})
    calls_since_reset(sb)
    print(header % made)
    out = []
    for side, fleet in zip((first, second), fleets):
        answer = side(fleet)
        seconds, extra = (answer[0], answer[1]) if isinstance(answer, tuple) else (answer, None)
        out.append((seconds, calls_since_reset(sb), extra))
    return out


def polls(calls):
    return sum(n for op, n in calls.items() if op.split(":", 1)[1].startswith(("List", "Describe", "Get")))


def print_table(first, second, ratio, invert=False):
    """Two measured sides, each (label, seconds, Counter of calls): totals, reads, the ratio, calls by operation.
    The ratio is first / second, or second / first with `invert`."""
    (label_a, t_a, calls_a), (label_b, t_b, calls_b) = first, second
    n_a, n_b = sum(calls_a.values()), sum(calls_b.values())
    print("")
    print("%-58s %9s %7s %7s" % ("", "seconds", "calls", "reads"))
    print("%-58s %9.1f %7d %7d" % (label_a, t_a, n_a, polls(calls_a)))
    print("%-58s %9.1f %7d %7d" % (label_b, t_b, n_b, polls(calls_b)))
    print("")
    times, calls = (t_b / t_a, n_b / float(n_a)) if invert else (t_a / t_b, n_a / float(n_b))
    print("%s: %.2fx the time, %.2fx the calls" % (ratio, times, calls))
    print("")
    print("calls by operation (first | second):")
    for op in sorted(Counter(calls_a) + Counter(calls_b)):
        print("  %-52s %6d %6d" % (op, calls_a.get(op, 0), calls_b.get(op, 0)))
