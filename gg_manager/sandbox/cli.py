"""`gg sandbox start|stop|status|env|reset`: a local AWS endpoint (Greengrass V1 and V2, IoT, Lambda, IAM, S3, ...)
plus an MQTT broker."""
import argparse
import importlib.util
import json
import shlex

from gg_manager.errors import GGError

from . import process
from .knobs import add_knob_arguments, parse_fail_operation, KnobError

EXAMPLE = """examples:
  gg sandbox start --auto-complete-after 2
  eval "$(gg sandbox env)"
  python -c "import boto3; print(boto3.client('greengrass').list_groups())"
  gg sandbox stop
"""


def register(subparsers):
    parser = subparsers.add_parser(
        "sandbox", help="run a local AWS endpoint (Greengrass V1 and V2, IoT, Lambda, IAM, S3, ...) and MQTT broker",
        description=__doc__, epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", default=None,
                        help="where pid, state and log files live (default $GG_SANDBOX_DIR or .gg/sandbox)")
    sub = parser.add_subparsers(dest="sandbox_command", metavar="ACTION")

    start = sub.add_parser("start", help="start the sandbox in the background; returns once it answers",
                           epilog="example: gg sandbox start --port 4566 --latency-ms 20 "
                                  "--fail-operation CreateDeployment:once",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    start.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    start.add_argument("--port", type=int, default=4566, help="AWS endpoint port (default 4566; 0 = any free)")
    start.add_argument("--mqtt-port", type=int, default=1883, help="MQTT broker port (default 1883; 0 = any free)")
    start.add_argument("--no-mqtt", action="store_true", help="do not start the MQTT broker")
    start.add_argument("--region", default=process.DEFAULT_REGION, help="region `env` exports (default us-east-1)")
    start.add_argument("--format", choices=("text", "json"), default="text")
    add_knob_arguments(start)
    _state_dir_option(start)
    start.set_defaults(func=cmd_start)

    stop = sub.add_parser("stop", help="stop the sandbox started from this state dir")
    _state_dir_option(stop)
    stop.set_defaults(func=cmd_stop)

    status = sub.add_parser("status", help="say whether the sandbox runs, and where")
    status.add_argument("--format", choices=("text", "json"), default="text")
    _state_dir_option(status)
    status.set_defaults(func=cmd_status)

    reset = sub.add_parser("reset", help="forget every AWS resource, knob and call count (the server keeps running)")
    _state_dir_option(reset)
    reset.set_defaults(func=cmd_reset)

    env = sub.add_parser("env", help="print export lines for the running sandbox: eval \"$(gg sandbox env)\"")
    env.add_argument("--format", choices=("sh", "json"), default="sh")
    _state_dir_option(env)
    env.set_defaults(func=cmd_env)

    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def _state_dir_option(parser):
    """--state-dir also after the action (`gg sandbox start --state-dir D`)."""
    parser.add_argument("--state-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


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
        print("warning: binding %s exposes an unauthenticated AWS endpoint beyond this machine" % args.host)
    sandbox = process.start_sandbox(
        port=args.port, host=args.host, mqtt_port=args.mqtt_port, mqtt=not args.no_mqtt,
        state_dir=args.state_dir, region=args.region, latency_ms=args.latency_ms,
        throttle_rate=args.throttle_rate, throttle_every=args.throttle_every, fail_operations=fail_ops,
        auto_complete_after=args.auto_complete_after, seed=args.seed)
    if args.format == "json":
        print(json.dumps(sandbox.to_dict(), indent=1, sort_keys=True))
    else:
        mqtt = "%s:%s" % (sandbox.mqtt_host, sandbox.mqtt_port) if sandbox.mqtt_port else "off"
        print("sandbox running (pid %d): AWS endpoint %s, MQTT %s" % (sandbox.pid, sandbox.endpoint_url, mqtt))
        print('use it with: eval "$(gg sandbox env)"')
    return 0


def cmd_stop(args):
    if process.stop_sandbox(args.state_dir):
        print("sandbox stopped")
    else:
        print("no sandbox was running from %s" % (args.state_dir or process.default_state_dir()))
    return 0


def cmd_status(args):
    status = process.sandbox_status(args.state_dir)
    if args.format == "json":
        print(json.dumps(status, indent=1, sort_keys=True))
    elif status["running"]:
        print("running (pid %d): AWS endpoint %s, MQTT %s:%s%s" % (
            status["pid"], status["endpoint_url"], status["mqtt_host"], status["mqtt_port"],
            "" if status["answers"] else " -- but not answering"))
    else:
        print("not running (state dir %s)" % status["state_dir"])
    return 0 if status["running"] else 3


def cmd_reset(args):
    sandbox = _running(args)
    sandbox.api("/_sandbox/reset", {})
    print("sandbox reset: no AWS resources, knobs cleared")
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
        print(json.dumps(env, indent=1, sort_keys=True))
    else:
        for key, value in env.items():
            print("export %s=%s" % (key, shlex.quote(value)))
    return 0
