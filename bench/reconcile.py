"""Fleet reconcile benchmark on Greengrass V1 (bench/reconcile_v2.py: V2): AWS calls against the minimum,
and time, for N groups sharing one Lambda.

A sandbox with added latency per call (default 50 ms, like a real AWS region from a
laptop) and a fleet of N groups (Defaults: one Lambda, two subscriptions, a logger).
Measured in one run, through gg_manager.workflow (what `gg apply` and `gg plan` run):

  create      the first apply of the whole fleet
  no-op plan  `gg plan` with nothing to do: reads per group (goal <= 5)
  change      a one-Lambda change (its MemorySize in Defaults) applied to every group: the
              calls made against the minimum, 2 Greengrass writes per group (a function
              definition version and a group version) plus the list pages (goal <= 3x)
  sequential  (--sequential) the same change applied group after group, for the speed-up

    .venv/bin/python bench/reconcile.py --groups 100 --latency-ms 50
    .venv/bin/python bench/reconcile.py --groups 1000 --latency-ms 50
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
Target: v1
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


class Counter:
    def __init__(self, sb):
        self.sb = sb

    def take(self):
        return self.sb.api("/_sandbox/calls?reset=true")["calls"]


def split(calls):
    reads = sum(v for k, v in calls.items() if is_read(k))
    return reads, sum(calls.values()) - reads


def timed(fn):
    t0 = time.monotonic()
    value = fn()
    return time.monotonic() - t0, value


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=100)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--sequential", action="store_true", help="also apply the change group after group")
    args = ap.parse_args()
    state = tempfile.mkdtemp(prefix="gg-bench-")
    sb = process.start_sandbox(port=0, mqtt=False, state_dir=os.path.join(state, "sandbox"), exit_with_parent=True)
    try:
        for key, value in sb.env().items():
            os.environ[key] = value
        ctx = connect()
        quiet = open(os.devnull, "w")     # gg's progress lines, not kept: a buffer of every plan's text
                                          # would grow the peak memory this measures
        warm = write_fleet(os.path.join(state, "warm"), "bw" + uuid.uuid4().hex[:6], 2)
        workflow.apply(ctx, warm, out=quiet)       # first-use costs (root CA lookup, imports, models) out of the way
        sb.api("/_sandbox/faults", {"reset": True, "latency_ms": args.latency_ms})
        n, prefix = args.groups, "bf" + uuid.uuid4().hex[:6]
        root = os.path.join(state, "fleet")
        fleet = write_fleet(root, prefix, n)
        calls = Counter(sb)
        calls.take()
        rows = []

        t_create, _ = timed(lambda: workflow.apply(ctx, fleet, out=quiet))
        rows.append(("create the fleet (apply)", t_create, calls.take()))
        t_noop, planned = timed(lambda: workflow.plan(ctx, fleet))
        noop = calls.take()
        assert planned.plan.empty, "the no-op plan is not empty"
        rows.append(("no-op plan", t_noop, noop))
        changed = write_fleet(root, prefix, n, memory="MemorySize: 262144")
        t_change, result = timed(lambda: workflow.apply(ctx, changed, out=quiet))
        change = calls.take()
        rows.append(("one-Lambda change (apply)", t_change, change))
        if args.sequential:
            back = write_fleet(root, prefix, n)
            t_seq = 0.0
            for group in back.groups:
                t_seq += timed(lambda: workflow.apply(ctx, back, only=[group.name], out=quiet))[0]
            rows.append(("the change back, group after group", t_seq, calls.take()))

        print("fleet of %d groups, %g ms added per call, %d workers\n" % (n, args.latency_ms, MAX_WORKERS))
        print("%-38s %9s %8s %8s %8s %11s" % ("", "seconds", "calls", "reads", "writes", "reads/group"))
        for label, seconds, counted in rows:
            reads, writes = split(counted)
            print("%-38s %9.1f %8d %8d %8d %11.2f" % (label, seconds, sum(counted.values()), reads, writes, reads / n))
        lists = sum(v for k, v in change.items() if k.startswith("greengrass:List") and k != "greengrass:ListTagsForResource")
        minimum = 2 * n + lists
        print("")
        print("no-op plan: %.2f reads per group (goal <= 5), %d writes (goal 0)" % (split(noop)[0] / n, split(noop)[1]))
        print("one-Lambda change: %d calls, minimum %d (2 Greengrass writes per group + %d list pages): %.2fx "
              "(goal <= 3x)" % (sum(change.values()), minimum, lists, sum(change.values()) / minimum))
        print("lock calls in the change: %d" % sum(v for k, v in change.items() if k.startswith("dynamodb:")))
        if args.sequential:
            print("speed-up of the fleet apply over group after group: %.1fx" % (rows[-1][1] / t_change))
        print("peak RSS of this process: %.0f MB" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0))
        print("")
        print("calls by operation (create | no-op plan | change):")
        for op in sorted(set(rows[0][2]) | set(noop) | set(change)):
            print("  %-52s %7d %7d %7d" % (op, rows[0][2].get(op, 0), noop.get(op, 0), change.get(op, 0)))
    finally:
        sb.stop()


if __name__ == "__main__":
    main()
