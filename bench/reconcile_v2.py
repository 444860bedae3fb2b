"""Fleet reconcile benchmark on Greengrass V2: AWS calls per group and time, for N groups sharing one Lambda.

A sandbox with added latency per call (default 50 ms, like a real AWS region from a laptop) and a
fleet of N groups (Defaults: one Lambda, two subscriptions, a logger), each group a thing group
with its core, its token exchange role and alias, and one deployment. Measured in one run,
through gg_manager.workflow (what `gg apply` and `gg plan` run):

  create      the first apply of the whole fleet, all groups at once
  no-op plan  `gg plan` with nothing to do: reads per group (goal <= 3) beside the list pages
  change      one Lambda's MemorySize in Defaults: writes against the minimum the change needs,
              one component version and one deployment revision per group (no re-tagging)
  sequential  the same change back, group after group (one `gg apply --group G` each), in the
              same run, for the speed-up of the fleet apply (goal >= 8x)

Peak memory (ru_maxrss of this process: gg's, not the sandbox's) is printed after each phase;
run 100 and 1000 groups to compare.

    .venv/bin/python bench/reconcile_v2.py --groups 100 --latency-ms 50
    .venv/bin/python bench/reconcile_v2.py --groups 1000 --latency-ms 50 --sequential-groups 100
"""
import argparse
import os
import resource
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from gg_manager import workflow  # noqa: E402
from gg_manager.aws.session import MAX_WORKERS, connect  # noqa: E402
from gg_manager.plan.operations import is_read  # noqa: E402
from gg_manager.sandbox import process  # noqa: E402
from gg_manager.spec import load_spec  # noqa: E402

MEMORY = "MemorySize: 131072"


def write_fleet(root, prefix, n, memory=MEMORY):
    os.makedirs(os.path.join(root, "src"), exist_ok=True)
    with open(os.path.join(root, "src", "main.py"), "w") as f:
        f.write("def handler(event, context):\n    return event\n")
    groups = "".join("  - Group: {name: %s-g%04d}\n    Cores: [{name: %s-core%04d}]\n" % (prefix, i, prefix, i)
                     for i in range(n))
    text = """\
Target: v2
Defaults:
  Lambdas:
    - name: %(p)s-fn
      handler: main.handler
      package: src
      alias: live
      greengrassConfig: {%(memory)s, Timeout: 10, Pinned: true}
  Subscriptions:
    - {Id: out, Source: Lambda::%(p)s-fn, Subject: %(p)s/out, Target: cloud}
    - {Id: in, Source: cloud, Subject: %(p)s/in, Target: Lambda::%(p)s-fn}
  Loggers:
    - {Component: GreengrassSystem, Id: sys, Level: INFO, Space: 1024, Type: FileSystem}
Groups:
%(groups)s""" % {"p": prefix, "groups": groups, "memory": memory}
    path = os.path.join(root, "greengrass.yaml")
    with open(path, "w") as f:
        f.write(text)
    result = load_spec(path)
    assert result.ok, [d.format() for d in result.diagnostics]
    return result.spec


def take(sb):
    return sb.api("/_sandbox/calls?reset=true")["calls"]


def split(calls):
    reads = sum(v for k, v in calls.items() if is_read(k))
    return reads, sum(calls.values()) - reads


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(fn):
    t0 = time.monotonic()
    value = fn()
    return time.monotonic() - t0, value


def run_sequential(ctx, spec, names, quiet):
    seconds = 0.0
    for name in names:
        seconds += timed(lambda: workflow.apply(ctx, spec, only=[name], out=quiet))[0]
    return seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=100)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--sequential-groups", type=int, default=0, metavar="K",
                    help="apply the change back group after group for K groups (default: all) and compare "
                         "per group; 0 skips nothing")
    args = ap.parse_args()
    state = tempfile.mkdtemp(prefix="gg-bench-v2-")
    sb = process.start_sandbox(port=0, mqtt=False, state_dir=os.path.join(state, "sandbox"), exit_with_parent=True)
    try:
        for key, value in sb.env().items():
            os.environ[key] = value
        ctx = connect()
        quiet = open(os.devnull, "w")     # gg's progress lines, not kept: a buffer of every plan's text
                                          # would grow the peak memory this measures
        warm = write_fleet(os.path.join(state, "warm"), "bw" + uuid.uuid4().hex[:6], 2)
        workflow.apply(ctx, warm, out=quiet)       # first-use costs (imports, the bucket, the lock table) out of the way
        sb.api("/_sandbox/faults", {"reset": True, "latency_ms": args.latency_ms})
        n, prefix = args.groups, "bf" + uuid.uuid4().hex[:6]
        root = os.path.join(state, "fleet")
        fleet = write_fleet(root, prefix, n)
        take(sb)
        rows, memory = [], []

        t_create, _ = timed(lambda: workflow.apply(ctx, fleet, out=quiet))
        rows.append(("create the fleet (apply)", t_create, take(sb), n))
        memory.append(("after create", peak_mb()))
        t_noop, planned = timed(lambda: workflow.plan(ctx, fleet))
        noop = take(sb)
        assert planned.plan.empty, "the no-op plan is not empty: %s" % planned.plan.changes[:3]
        rows.append(("no-op plan", t_noop, noop, n))
        memory.append(("after the no-op plan", peak_mb()))
        changed = write_fleet(root, prefix, n, memory="MemorySize: 262144")
        t_change, _ = timed(lambda: workflow.apply(ctx, changed, out=quiet))
        change = take(sb)
        rows.append(("one-Lambda change (apply, all groups)", t_change, change, n))
        back = write_fleet(root, prefix, n)
        k = args.sequential_groups or n
        names = [g.name for g in back.groups][:k]
        t_seq = run_sequential(ctx, back, names, quiet)
        rows.append(("the change back, %d groups one by one" % k, t_seq, take(sb), k))
        memory.append(("at the end", peak_mb()))

        print("fleet of %d groups, %g ms added per call, %d workers\n" % (n, args.latency_ms, MAX_WORKERS))
        print("%-44s %9s %8s %8s %8s %12s" % ("", "seconds", "calls", "reads", "writes", "calls/group"))
        for label, seconds, counted, groups in rows:
            reads, writes = split(counted)
            print("%-44s %9.1f %8d %8d %8d %12.2f" % (label, seconds, sum(counted.values()), reads, writes,
                                                      sum(counted.values()) / groups))
        noop_reads, noop_writes = split(noop)
        per_group_reads = sum(v for k_, v in noop.items() if is_read(k_) and v >= n)
        lists = noop_reads - per_group_reads
        print("")
        print("no-op plan: %.2f reads per group (goal <= 3) and %d other reads (list pages, shared); %d writes "
              "(goal 0)" % (per_group_reads / n, lists, noop_writes))
        writes = {k_: v for k_, v in change.items() if not is_read(k_) and not k_.startswith("dynamodb:")}
        minimum = 1 + n                  # one component version, one deployment revision per group
        print("one-Lambda change: %d writes (locks left out), the minimum is %d (1 component version + %d "
              "deployments); %s" % (sum(writes.values()), minimum, n, ", ".join(
                  "%s %d" % kv for kv in sorted(writes.items()))))
        per_group_seq, per_group_fleet = t_seq / k, t_change / n
        print("fleet apply vs group after group: %.3f s vs %.3f s per group: %.1fx (goal >= 8x)%s" % (
            per_group_fleet, per_group_seq, per_group_seq / per_group_fleet,
            "" if k == n else " (the sequential run did %d of the %d groups)" % (k, n)))
        for label, mb in memory:
            print("peak RSS %s: %.0f MB" % (label, mb))
        print("")
        print("calls by operation (create | no-op plan | change):")
        for op in sorted(set(rows[0][2]) | set(noop) | set(change)):
            print("  %-52s %7d %7d %7d" % (op, rows[0][2].get(op, 0), noop.get(op, 0), change.get(op, 0)))
    finally:
        sb.stop()


if __name__ == "__main__":
    main()
