"""Fleet reconcile benchmark: concurrent apply vs the same groups applied one after another.

A sandbox with added latency per call (default 50 ms, like a real AWS region from a
laptop) and a fleet of N groups sharing one Lambda. Prints, measured side by side in
one run: the fleet apply time, the no-op plan time and its mutating calls, the
sequential apply time, their ratio, and calls by operation.

    .venv/bin/python bench/reconcile.py --groups 100 --latency-ms 50
"""
import argparse
import io
import os
import sys
import tempfile
import time
import uuid
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from gg_manager.aws.session import MAX_WORKERS, connect  # noqa: E402
from gg_manager.commands.common import compute_plan  # noqa: E402
from gg_manager.reconcile.execute import execute  # noqa: E402
from gg_manager.sandbox import process  # noqa: E402
from gg_manager.spec import load_spec  # noqa: E402

READS = ("Get", "List", "Describe", "Head")


def write_fleet(root, prefix, n):
    os.makedirs(os.path.join(root, "src"), exist_ok=True)
    with open(os.path.join(root, "src", "main.py"), "w") as f:
        f.write("def handler(event, context):\n    return event\n")
    groups = "".join("  - Group: {name: %s-g%03d}\n    Cores: [{name: %s-core%03d}]\n" % (prefix, i, prefix, i)
                     for i in range(n))
    text = """\
Defaults:
  Lambdas:
    - name: %(p)s-fn
      handler: main.handler
      package: src
      alias: live
      greengrassConfig: {MemorySize: 131072, Timeout: 10, Pinned: true}
  Subscriptions:
    - {Id: out, Source: Lambda::%(p)s-fn, Subject: %(p)s/out, Target: cloud}
    - {Id: in, Source: cloud, Subject: %(p)s/in, Target: Lambda::%(p)s-fn}
  Loggers:
    - {Component: GreengrassSystem, Id: sys, Level: INFO, Space: 1024, Type: FileSystem}
Groups:
%(groups)s""" % {"p": prefix, "groups": groups}
    path = os.path.join(root, "greengrass.yaml")
    with open(path, "w") as f:
        f.write(text)
    result = load_spec(path)
    assert result.ok, [d.format() for d in result.diagnostics]
    return result.spec


def calls_since_reset(sb):
    return sb.api("/_sandbox/calls?reset=true")["calls"]


def apply(ctx, spec, workers):
    t0 = time.monotonic()
    _, _, plan = compute_plan(ctx, spec)
    execute(ctx, plan, out=io.StringIO(), pool_size=workers)
    return time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=100)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--workers", type=int, default=MAX_WORKERS)
    args = ap.parse_args()
    state = tempfile.mkdtemp(prefix="gg-bench-")
    sb = process.start_sandbox(port=0, mqtt=False, state_dir=os.path.join(state, "sandbox"),
                               exit_with_parent=True)
    try:
        for key, value in sb.env().items():
            os.environ[key] = value
        ctx = connect()
        for service in ("greengrass", "iot", "iam", "lambda", "s3", "sagemaker"):
            ctx.client(service)            # load botocore models before anything is timed
        warm = write_fleet(os.path.join(state, "warm"), "bw" + uuid.uuid4().hex[:6], 2)
        apply(ctx, warm, args.workers)     # first-use costs (root CA lookup, imports) out of the way
        sb.api("/_sandbox/faults", {"reset": True, "latency_ms": args.latency_ms})
        tag = uuid.uuid4().hex[:6]
        fleet = write_fleet(os.path.join(state, "fleet"), "bf" + tag, args.groups)
        seq = write_fleet(os.path.join(state, "seq"), "bs" + tag, args.groups)
        calls_since_reset(sb)

        print("fleet of %d groups, %g ms added per call, %d workers" % (args.groups, args.latency_ms, args.workers))
        t_fleet = apply(ctx, fleet, args.workers)
        fleet_calls = calls_since_reset(sb)

        t0 = time.monotonic()
        _, _, noop = compute_plan(ctx, fleet)
        t_noop = time.monotonic() - t0
        noop_calls = calls_since_reset(sb)
        noop_writes = sum(v for k, v in noop_calls.items() if not k.split(":", 1)[1].startswith(READS))

        t_seq = 0.0
        for group in seq.groups:        # one after another, as a loop over single-group runs
            t_seq += apply(ctx, type(seq)(seq.file, (group,)), 1)
        seq_calls = calls_since_reset(sb)

        print("")
        print("%-38s %10s %8s" % ("", "seconds", "calls"))
        print("%-38s %10.1f %8d" % ("apply, fleet (concurrent)", t_fleet, sum(fleet_calls.values())))
        print("%-38s %10.1f %8d" % ("apply, groups one after another", t_seq, sum(seq_calls.values())))
        print("%-38s %10.1f %8d" % ("plan with nothing to do", t_noop, sum(noop_calls.values())))
        print("")
        print("speed-up of the fleet apply over sequential: %.1fx (target >= 8x)" % (t_seq / t_fleet))
        print("no-op plan: %s, %d mutating calls (target 0)" % (
            "empty" if noop.empty else "NOT EMPTY", noop_writes))
        print("")
        print("calls by operation (fleet apply | no-op plan | sequential):")
        ops = Counter(fleet_calls) + Counter(noop_calls) + Counter(seq_calls)
        for op in sorted(ops):
            print("  %-48s %6d %6d %6d" % (op, fleet_calls.get(op, 0), noop_calls.get(op, 0),
                                           seq_calls.get(op, 0)))
    finally:
        sb.stop()


if __name__ == "__main__":
    main()
