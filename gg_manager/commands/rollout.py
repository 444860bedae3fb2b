"""`gg rollout`: deploy the fleet's new revisions in waves (V2: a deployment per group; V1: bulk deployments),
or roll back."""
import click

from gg_manager.commands import output
from gg_manager.commands.base import command, format_option
from gg_manager.commands.common import LOCK_OPTION, common_options, context, load_valid_spec
from gg_manager.errors import GGError

EXAMPLES = """
    gg apply --no-deploy --yes && gg rollout     # V2: make the revisions, then deploy them in waves
    gg rollout                                   # waves 1,10%,50%,100%; any failure halts
    gg rollout --waves 1,25%,100% --max-failures 5% --timeout 900
    gg rollout --rollback                        # each group back to the version it ran before
    gg rollout --format json > rollout.json      # machine report; exit 1 when halted
"""


def register(cli):
    from gg_manager.targets.v1.rollout.waves import DEFAULT_WAVES

    @command(cli, "rollout", "deploy the fleet in waves, canary first; halt on failures",
             "Deploy each group's new revision in waves and wait for each wave, halting when failures exceed "
             "--max-failures: later waves never start. Greengrass V2: what `gg apply --no-deploy` left to deploy, "
             "one deployment per group carrying AWS's rollout rate, abort criteria and ROLLBACK; V1: each "
             "group's latest group version (what `gg apply` made), one bulk deployment per wave. --rollback "
             "redeploys each group's previous revision (V1: group version) in the same waves.",
             examples=EXAMPLES)
    @common_options()
    @LOCK_OPTION
    @click.option("--waves", default=DEFAULT_WAVES, show_default=True, metavar="LIST",
                  help="cumulative wave sizes, counts or % of the fleet")
    @click.option("--max-failures", default="0", show_default=True, metavar="N|P%",
                  help="halt once more than N groups (or P% of the groups of the waves started) failed, counted "
                       "over all waves so far (0: any failure halts)")
    @click.option("--timeout", type=float, default=600, show_default=True, metavar="S",
                  help="seconds a wave may take; groups not finished by then count as failed")
    @click.option("--rollback", is_flag=True, help="redeploy each group's previous group version instead of its latest")
    @click.option("--rate", type=click.IntRange(1, 1000), default=50, show_default=True, metavar="N",
                  help="V2: devices a minute each group's deployment notifies at first, doubled after each N "
                       "succeeded (the IoT job's exponential rollout)")
    @click.option("--poll-interval", type=float, default=5.0, show_default=True, metavar="S",
                  help="seconds between polls")
    @format_option("text", "json", help_text="json: progress on stderr, the report on stdout")
    def rollout(args):
        return run_rollout(args)


def run_rollout(args):
    from gg_manager.targets.v1.rollout.waves import parse_limit, parse_waves
    sizes, limit = parse_waves(args.waves), parse_limit(args.max_failures)
    if args.timeout <= 0 or args.poll_interval <= 0:
        raise GGError("--timeout and --poll-interval must be > 0")
    spec = load_valid_spec(args)
    targets = sorted({g.target for g in spec.groups})
    if len(targets) > 1:
        raise GGError("gg rollout rolls out one target at a time: the spec's groups target %s; pass --target or "
                      "--group" % " and ".join(targets))
    ctx = context(args)
    names = sorted(g.name for g in spec.groups)
    progress = output.stream(args.format)
    action = "rollback" if args.rollback else "rollout"
    with _locks(ctx, names, "gg " + action, args.lock_timeout, progress):
        if targets == ["v1"]:
            report = _v1_rollout(ctx, names, sizes, limit, args, progress, action)
        else:
            report = _v2_rollout(ctx, spec, names, sizes, limit, args, progress, action)
    if args.format == "json":
        output.emit_json(report.to_dict())
    else:
        output.say(render_text(report))
    return 1 if report.halted else 0


def _v1_rollout(ctx, names, sizes, limit, args, progress, action):
    from gg_manager.targets.v1.rollout.run import Rollout
    from gg_manager.targets.v1.rollout.targets import rollback_targets, rollout_targets
    targets = (rollback_targets if args.rollback else rollout_targets)(ctx, names)
    return Rollout(ctx, targets, sizes, limit, args.timeout, args.poll_interval, progress, action).run()


def _v2_rollout(ctx, spec, names, sizes, limit, args, progress, action):
    from gg_manager.targets.v2.rollout.run import V2Rollout
    from gg_manager.targets.v2.rollout.targets import rollback_targets, rollout_targets
    targets = (rollback_targets if args.rollback else rollout_targets)(ctx, spec, names)
    return V2Rollout(ctx, targets, sizes, limit, args.timeout, args.poll_interval, progress, action,
                     rate=args.rate).run()


def _locks(ctx, names, purpose, wait_s, out):
    """The one place the rollout takes the fleet's per-group locks in AWS (gg_manager.locking),
    held from reading the versions to the last wave's end."""
    from gg_manager.locking import held_locks
    return held_locks(ctx, names, purpose, wait_s, out=out)


def render_text(report):
    lines = []
    for wave in report.waves:
        lines.append("wave %d: %d succeeded, %d failed of %d (%s, %.0fs)%s" % (
            wave.wave, len(wave.succeeded), len(wave.failed), len(wave.groups), wave.describe(),
            wave.seconds, ", stopped: " + wave.stopped if wave.stopped else ""))
        for item in wave.failed:
            lines.append("  FAILED %s: %s" % (item["group"], item["error"]))
    if report.halted:
        lines.append("HALTED: %s." % report.halt_reason)
        if report.not_started:
            lines.append("Not started (%d): %s" % (len(report.not_started), ", ".join(report.not_started)))
        lines.append("Fix the cause and run `gg apply` and `gg rollout` again, or `gg rollout --rollback`.")
    elif report.waves:
        lines.append("%s complete: %d group%s succeeded, %d failed (max failures %s), %.0fs." % (
            report.action.capitalize(), len(report.succeeded), "" if len(report.succeeded) == 1 else "s",
            len(report.failed), report.max_failures, report.seconds))
    if report.skipped:
        lines.append("Skipped (%d): %s" % (len(report.skipped), ", ".join(s["group"] for s in report.skipped)))
    return "\n".join(lines)
