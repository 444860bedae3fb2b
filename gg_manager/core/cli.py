"""`gg core run`: act as the Greengrass core of one group on this machine (sandbox or AWS).

The group's target picks the core (core/pick.py): a V1 core (core/v1) from config.json, or a
Greengrass V2 core device (core/v2) from the nucleus config.yaml gg apply wrote.
"""
import signal
import threading
from contextlib import contextmanager

import click

from gg_manager.commands.base import command, subgroup
from gg_manager.commands.common import GROUP_OPTION, SPEC_OPTIONS
from gg_manager.errors import GGError

EXAMPLES = """
    gg sandbox start && eval "$(gg sandbox env)"
    gg core run                # the spec's core: its V2 config.yaml (or V1 config.json) as gg apply wrote it
    gg core run --config certs/store-1_Core.config.yaml --work-dir .gg/core      # a V2 core device
    gg core run --config config/config.json --target v1                         # a V1 core
    gg core run --once         # apply the newest deployment, report it, stop; exit 1 on failure
"""


def register(cli):
    @subgroup(cli, "core", "run a deployed group on this machine as its Greengrass core", __doc__,
              examples=EXAMPLES)
    def core():
        pass

    @command(core, "run", "find this core's deployments, run the newest, follow new ones",
             "On Greengrass V2 (the group's `Target: v2`, --target v2, or a --config ending in .yaml): reads the "
             "core's config.yaml, takes its thing's deployments (IoT jobs), resolves and downloads the components, "
             "runs Lambda components over a local Greengrass IPC and generic components from their recipes, "
             "routes messages (the sandbox's or AWS IoT's MQTT broker), reports the outcome and its installed "
             "components, and rolls back a failed revision. On V1: reads config.json (coreThing.thingArn), finds "
             "the group whose core is that thing, downloads its Lambdas and ML models, starts them, routes by "
             "the group's subscriptions and reports the deployment status. Without --config the spec (-f) says "
             "which core and file.", examples=EXAMPLES)
    @click.option("--config", default=None,
                  help="the core's config file: V2 config.yaml or V1 config.json (default: the one gg apply wrote "
                       "for the spec's core; without a spec, config/config.json)")
    @SPEC_OPTIONS
    @GROUP_OPTION
    @click.option("--work-dir", default=".gg/core", show_default=True,
                  help="the core's root: downloads, components, volumes and logs")
    @click.option("--endpoint-url", default=None,
                  help="AWS endpoint (default $AWS_ENDPOINT_URL, else V2's config.yaml's; a gg sandbox is detected "
                       "and its MQTT broker used)")
    @click.option("--once", is_flag=True, help="apply the newest deployment, report its status, stop what it "
                                               "started and exit (0 on success, 1 on failure)")
    @click.option("--poll-interval", type=float, default=1.0, show_default=True, metavar="SECONDS",
                  help="how often to look for a new deployment")
    @click.option("--ready-timeout", type=float, default=120.0, show_default=True, metavar="SECONDS",
                  help="how long a long-lived Lambda may take to import its handler")
    @click.option("-v", "--verbose", is_flag=True, help="debug logging")
    def run(args):
        return cmd_run(args)


@contextmanager
def stop_on_signals():
    """An Event set by SIGTERM or SIGINT while inside; the previous handlers come back after."""
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def cmd_run(args):
    from .logs import setup_logging
    from .pick import pick

    if args.poll_interval <= 0 or args.ready_timeout <= 0:
        raise GGError("--poll-interval and --ready-timeout must be > 0")
    choice = pick(args)
    check = _check_v2 if choice.target == "v2" else _check_v1
    prepared = check(choice.config, args.endpoint_url)
    setup_logging(args.work_dir, args.verbose)
    with stop_on_signals() as stop:
        if choice.target == "v2":
            return _run_v2(args, choice.config, stop)
        return _run_v1(args, prepared, stop)


def _check_v1(config_path, endpoint_url):
    from .v1.config import load_config
    return load_config(config_path, endpoint_url)


def _check_v2(config_path, endpoint_url):
    """The config.yaml reads and its endpoint answers: one line otherwise, before anything starts."""
    from .endpoint import reachable
    from .v2.device_config import load_device_config

    connection, _ = load_device_config(config_path, endpoint_url)
    if connection.endpoint_url and not connection.sandbox:
        problem = reachable(connection.endpoint_url)
        if problem:
            raise GGError("cannot reach %s (%s): is the sandbox running (`gg sandbox start`)?" % (
                connection.endpoint_url, problem))
    return connection


def _run_v1(args, config, stop):
    from .v1.runtime import Core

    try:
        core = Core(config, args.work_dir, poll_interval=args.poll_interval, ready_timeout=args.ready_timeout)
    except OSError as exc:
        raise GGError("cannot start the local core: %s" % exc) from None
    core.start()
    try:
        result = core.run(stop, once=args.once)
    finally:
        core.stop()
    if args.once:
        return 0 if result else 1
    return 0


def _run_v2(args, config_path, stop):
    from .v2.run import run_device

    return run_device(config_path, args.work_dir, args.endpoint_url, once=args.once,
                      poll_interval=args.poll_interval, ready_timeout=args.ready_timeout, stop_event=stop)
