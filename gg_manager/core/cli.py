"""`gg core run`: act as the Greengrass core of one group on this machine (sandbox or AWS)."""
import argparse
import signal
import threading

from gg_manager.errors import GGError

EXAMPLE = """examples:
  gg sandbox start && eval "$(gg sandbox env)"
  gg core run --config config/config.json --work-dir .gg/core
  gg core run --once        # apply the newest deployment, report it, stop; exit 1 on Failure
"""


def register(subparsers):
    parser = subparsers.add_parser(
        "core", help="run a deployed group on this machine as its Greengrass core",
        description=__doc__, epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="core_command", metavar="ACTION")
    run = sub.add_parser(
        "run", help="find this core's group, run its newest deployment, follow new ones",
        description="Reads config.json (coreThing.thingArn), finds the group whose core is that thing, "
                    "downloads its Lambdas and ML models, starts the long-lived Lambdas over a local "
                    "Greengrass IPC, routes messages by the group's subscriptions (MQTT broker of the "
                    "sandbox or AWS IoT), reports the deployment status, and applies each new deployment.",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("--config", default="config/config.json", help="the core's config.json "
                     "(default config/config.json, as `gg create` writes it)")
    run.add_argument("--work-dir", default=".gg/core", help="downloads, volumes and var/log (default .gg/core)")
    run.add_argument("--endpoint-url", default=None, help="AWS endpoint (default $AWS_ENDPOINT_URL; "
                     "a gg sandbox is detected and its MQTT broker used)")
    run.add_argument("--once", action="store_true",
                     help="apply the newest deployment, report its status, stop the Lambdas and exit "
                          "(0 on Success, 1 on Failure)")
    run.add_argument("--poll-interval", type=float, default=1.0, metavar="SECONDS",
                     help="how often to look for a new deployment (default 1)")
    run.add_argument("--ready-timeout", type=float, default=120.0, metavar="SECONDS",
                     help="how long a long-lived Lambda may take to import its handler (default 120)")
    run.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    run.set_defaults(func=cmd_run)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def cmd_run(args):
    from .logs import setup_logging
    from .v1.config import load_config
    from .v1.runtime import Core

    if args.poll_interval <= 0 or args.ready_timeout <= 0:
        raise GGError("--poll-interval and --ready-timeout must be > 0")
    config = load_config(args.config, args.endpoint_url)
    setup_logging(args.work_dir, args.verbose)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        core = Core(config, args.work_dir, poll_interval=args.poll_interval, ready_timeout=args.ready_timeout)
    except OSError as exc:
        raise GGError("cannot start the local core: %s" % exc) from None
    core.start()
    try:
        result = core.run(stop, once=args.once)
    finally:
        core.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if args.once:
        return 0 if result else 1
    return 0
