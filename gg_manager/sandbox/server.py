"""The sandbox server process: moto (patched for Greengrass V1) + knobs + /_sandbox API + MQTT broker.

Run by `gg sandbox start` (via process.py) as `python -m gg_manager.sandbox.server`.
It binds, then writes `state.json` into its state dir (pid, endpoint URL, MQTT
address) and serves until SIGTERM/SIGINT, when it stops the broker and removes
that file.
"""
import argparse
import json
import os
import signal
import sys
import threading
import time

# moto reads these when it loads; set before any moto import.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

STATE_FILE = "state.json"


def parse_args(argv):
    from .knobs import add_knob_arguments

    parser = argparse.ArgumentParser(prog="python -m gg_manager.sandbox.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mqtt-port", type=int, default=0)
    parser.add_argument("--no-mqtt", action="store_true")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--exit-with-pid", type=int, default=None,
                        help="stop when this process is gone (test fixtures pass their own pid)")
    add_knob_arguments(parser)
    return parser.parse_args(argv)


def build_knobs(args):
    from .knobs import Knobs, parse_fail_operation

    return Knobs(latency_ms=args.latency_ms, throttle_rate=args.throttle_rate,
                 throttle_every=args.throttle_every, seed=args.seed,
                 fail_operations=dict(parse_fail_operation(s) for s in args.fail_operation))


def _cache_module_list():
    """moto lists its package directory (~175 stat calls) on every request; the list never changes."""
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: iter(modules)


def install_patches(knobs):
    from . import faults, greengrass_deployments, greengrass_routes, lambda_code, s3_service_buckets

    _cache_module_list()
    faults.install(knobs)
    greengrass_routes.install()  # greengrass_kinds there makes every new version the latest
    lambda_code.install()
    s3_service_buckets.install()
    return greengrass_deployments


def _write_state(state_dir, state):
    os.makedirs(state_dir, exist_ok=True)
    tmp = os.path.join(state_dir, STATE_FILE + ".tmp")
    with open(tmp, "w") as fh:
        json.dump(state, fh, indent=1, sort_keys=True)
    os.replace(tmp, os.path.join(state_dir, STATE_FILE))


def _watch(pid, server, interval=1.0):
    """Shut the server down once `pid` has gone (a crashed or killed test run leaves nothing behind)."""
    while True:
        time.sleep(interval)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            server.shutdown()
            return
        except PermissionError:
            pass


def serve(args):
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from .endpoints import SandboxApp
    from .mqtt import MqttBroker

    knobs = build_knobs(args)
    deployments = install_patches(knobs)
    deployments.SETTINGS["auto_complete_after"] = args.auto_complete_after
    broker = None if args.no_mqtt else MqttBroker(args.host, args.mqtt_port).start()
    info = {"pid": os.getpid(), "region": args.region, "state_dir": os.path.abspath(args.state_dir),
            "mqtt_host": broker.host if broker else None, "mqtt_port": broker.port if broker else None}
    app = SandboxApp(DomainDispatcherApplication(create_backend_app), knobs, info)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    host = "[%s]" % args.host if ":" in args.host else args.host
    info["endpoint_url"] = "http://%s:%d" % (host, server.server_port)
    info["started_at"] = time.time()

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_with_pid:
        threading.Thread(target=_watch, args=(args.exit_with_pid, server), daemon=True).start()
    _write_state(args.state_dir, info)
    print("gg sandbox: AWS endpoint %s, MQTT %s:%s, pid %d" % (
        info["endpoint_url"], info["mqtt_host"], info["mqtt_port"], os.getpid()), flush=True)
    try:
        server.serve_forever()
    finally:
        if broker:
            broker.stop()
        path = os.path.join(args.state_dir, STATE_FILE)
        try:
            with open(path) as fh:
                if json.load(fh).get("pid") == os.getpid():
                    os.remove(path)
        except (OSError, ValueError):
            pass
        print("gg sandbox: stopped", flush=True)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        serve(args)
    except OSError as exc:  # a port in use, most often: one clear line for the log
        print("gg sandbox: cannot start: %s" % exc, file=sys.stderr, flush=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
