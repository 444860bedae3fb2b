"""`gg sandbox start|stop|status|env|reset`: a local AWS endpoint (Greengrass V1 and V2, IoT, Lambda, IAM, S3, ...)
plus an MQTT broker."""
import importlib.util
import shlex

import click

from gg_manager.commands import output
from gg_manager.commands.base import command, format_option, subgroup
from gg_manager.errors import GGError

from . import process
from .knobs import KNOB_FLAGS, KnobError, parse_fail_operation

EXAMPLES = """
    gg sandbox start --auto-complete-after 2
    eval "$(gg sandbox env)"
    python -c "import boto3; print(boto3.client('greengrass').list_groups())"
    gg sandbox stop
"""
STATE_DIR_HELP = "where pid, state and log files live (default $GG_SANDBOX_DIR or .gg/sandbox)"


def register(cli):
    @subgroup(cli, "sandbox",
              "run a local AWS endpoint (Greengrass V1 and V2, IoT, Lambda, IAM, S3, ...) and MQTT broker",
              __doc__.replace("\n", " "), examples=EXAMPLES)
    @click.option("--state-dir", default=None, help=STATE_DIR_HELP)
    def sandbox(state_dir):
        pass

    @command(sandbox, "start", "start the sandbox in the background; returns once it answers",
             "Start the sandbox server (moto plus gg's additions) and its MQTT broker, on 127.0.0.1 unless "
             "--host says otherwise, and return once it answers. Knobs add latency, throttling and failures.",
             examples="""
                 gg sandbox start
                 gg sandbox start --port 4566 --latency-ms 20 --fail-operation CreateDeployment:once
                 gg sandbox start --port 0 --mqtt-port 0 --format json    # any free ports; where they are
             """)
    @click.option("--host", default="127.0.0.1", show_default=True, help="address to bind")
    @click.option("--port", type=int, default=4566, show_default=True, help="AWS endpoint port (0 = any free)")
    @click.option("--mqtt-port", type=int, default=1883, show_default=True, help="MQTT broker port (0 = any free)")
    @click.option("--no-mqtt", is_flag=True, help="do not start the MQTT broker")
    @click.option("--region", default=process.DEFAULT_REGION, show_default=True, help="region `env` exports")
    @format_option("text", "json")
    @_knob_options
    @_state_dir_option
    def start(args):
        return cmd_start(_with_state_dir(args))

    @command(sandbox, "stop", "stop the sandbox started from this state dir",
             examples="gg sandbox stop\ngg sandbox stop --state-dir .gg/demo/sandbox")
    @_state_dir_option
    @format_option("text", "json")
    def stop(args):
        return cmd_stop(_with_state_dir(args))

    @command(sandbox, "status", "say whether the sandbox runs, and where (exit 3 when it does not)",
             examples="gg sandbox status\ngg sandbox status --format json")
    @format_option("text", "json")
    @_state_dir_option
    def status(args):
        return cmd_status(_with_state_dir(args))

    @command(sandbox, "reset", "forget every AWS resource, knob and call count (the server keeps running)",
             examples="gg sandbox reset")
    @_state_dir_option
    @format_option("text", "json")
    def reset(args):
        return cmd_reset(_with_state_dir(args))

    @command(sandbox, "env", "print export lines for the running sandbox: eval \"$(gg sandbox env)\"",
             examples='eval "$(gg sandbox env)"\ngg sandbox env --format json')
    @format_option("sh", "json", default="sh")
    @_state_dir_option
    def env(args):
        return cmd_env(_with_state_dir(args))


def _knob_options(fn):
    for flag, kind, default, metavar, text, repeatable in reversed(KNOB_FLAGS):
        fn = click.option(flag, type=kind, default=() if repeatable else default, multiple=repeatable,
                          metavar=metavar, help=text)(fn)
    return fn


def _state_dir_option(fn):
    """--state-dir also after the action (`gg sandbox start --state-dir D`)."""
    return click.option("--state-dir", default=None, help=STATE_DIR_HELP)(fn)


def _with_state_dir(args):
    """The action's --state-dir, else the one given before the action."""
    if not args.state_dir:
        args.state_dir = click.get_current_context().parent.params.get("state_dir")
    return args


def missing_extra(mqtt=True):
    """The first module of the sandbox extra that cannot be imported, or None."""
    for name in ("moto", "werkzeug") + (("amqtt", "paho.mqtt") if mqtt else ()):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):  # a parent package missing, or a module blocked in sys.modules
            spec = None
        if spec is None:
            return name
    return None


def cmd_start(args):
    missing = missing_extra(mqtt=not args.no_mqtt)
    if missing:
        raise GGError("the sandbox needs the 'sandbox' extra (%s is not installed): %s" % (missing, process.INSTALL_HINT))
    try:
        fail_ops = [":".join(parse_fail_operation(s)) for s in args.fail_operation]
    except KnobError as exc:
        raise GGError(str(exc)) from None
    if not 0 <= args.throttle_rate <= 1:
        raise GGError("--throttle-rate must be between 0 and 1")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        output.warn("binding %s exposes an unauthenticated AWS endpoint beyond this machine" % args.host)
    sandbox = process.start_sandbox(
        port=args.port, host=args.host, mqtt_port=args.mqtt_port, mqtt=not args.no_mqtt,
        state_dir=args.state_dir, region=args.region, latency_ms=args.latency_ms,
        throttle_rate=args.throttle_rate, throttle_every=args.throttle_every, fail_operations=fail_ops,
        auto_complete_after=args.auto_complete_after, seed=args.seed)
    if args.format == "json":
        output.emit_json(sandbox.to_dict())
    else:
        mqtt = "%s:%s" % (sandbox.mqtt_host, sandbox.mqtt_port) if sandbox.mqtt_port else "off"
        output.echo("sandbox running (pid %d): AWS endpoint %s, MQTT %s" % (sandbox.pid, sandbox.endpoint_url, mqtt))
        output.echo('use it with: eval "$(gg sandbox env)"')
    return 0


def cmd_stop(args):
    stopped = process.stop_sandbox(args.state_dir)
    state_dir = args.state_dir or process.default_state_dir()
    if args.format == "json":
        output.emit_json({"stopped": bool(stopped), "state_dir": state_dir})
    elif stopped:
        output.echo("sandbox stopped")
    else:
        output.echo("no sandbox was running from %s" % state_dir)
    return 0


def cmd_status(args):
    status = process.sandbox_status(args.state_dir)
    if args.format == "json":
        output.emit_json(status)
    elif status["running"]:
        output.echo("running (pid %d): AWS endpoint %s, MQTT %s:%s%s" % (
            status["pid"], status["endpoint_url"], status["mqtt_host"], status["mqtt_port"],
            "" if status["answers"] else " -- but not answering"))
    else:
        output.echo("not running (state dir %s)" % status["state_dir"])
    return 0 if status["running"] else 3


def cmd_reset(args):
    sandbox = _running(args)
    sandbox.api("/_sandbox/reset", {})
    if args.format == "json":
        output.emit_json({"reset": True, "endpoint_url": sandbox.endpoint_url})
    else:
        output.echo("sandbox reset: no AWS resources, knobs cleared")
    return 0


def _running(args):
    sandbox = process.read_sandbox(args.state_dir)
    if not sandbox:
        raise GGError("no sandbox is running from %s; start one with `gg sandbox start`"
                      % (args.state_dir or process.default_state_dir()))
    return sandbox


def cmd_env(args):
    env = _running(args).env()
    if args.format == "json":
        output.emit_json(env)
    else:
        for key, value in env.items():
            output.echo("export %s=%s" % (key, shlex.quote(value)))
    return 0
