"""`gg core run`: act as the Greengrass core of one group on this machine (sandbox or AWS)."""
import signal
import threading

import click

from gg_manager.commands.base import command, subgroup
from gg_manager.errors import GGError

EXAMPLES = """
    gg sandbox start && eval "$(gg sandbox env)"
    gg core run --config config/config.json --work-dir .gg/core
    gg core run --once        # apply the newest deployment, report it, stop; exit 1 on Failure
"""


def register(cli):
    @subgroup(cli, "core", "run a deployed group on this machine as its Greengrass core", __doc__,
              examples=EXAMPLES)
    def core():
        pass

    @command(core, "run", "find this core's group, run its newest deployment, follow new ones",
             "Reads config.json (coreThing.thingArn), finds the group whose core is that thing, downloads its "
             "Lambdas and ML models, starts the long-lived Lambdas over a local Greengrass IPC, routes messages "
             "by the group's subscriptions (MQTT broker of the sandbox or AWS IoT), reports the deployment "
             "status, and applies each new deployment.", examples=EXAMPLES)
    @click.option("--config", default="config/config.json", show_default=True,
                  help="the core's config.json (as `gg create` writes it)")
    @click.option("--work-dir", default=".gg/core", show_default=True, help="downloads, volumes and var/log")
    @click.option("--endpoint-url", default=None,
                  help="AWS endpoint (default $AWS_ENDPOINT_URL; a gg sandbox is detected and its MQTT broker used)")
    @click.option("--once", is_flag=True, help="apply the newest deployment, report its status, stop the Lambdas "
                                               "and exit (0 on Success, 1 on Failure)")
    @click.option("--poll-interval", type=float, default=1.0, show_default=True, metavar="SECONDS",
                  help="how often to look for a new deployment")
    @click.option("--ready-timeout", type=float, default=120.0, show_default=True, metavar="SECONDS",
                  help="how long a long-lived Lambda may take to import its handler")
    @click.option("-v", "--verbose", is_flag=True, help="debug logging")
    def run(args):
        return cmd_run(args)


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
