"""The sandbox server process: moto (completed for Greengrass V1, V2 and IoT) + knobs + /_sandbox API + MQTT broker.

Run by `gg sandbox start` (via process.py) as `python -m gg_manager.sandbox.server`.
It binds, then writes `state.json` into its state dir (pid, endpoint URL, MQTT
address) and serves until SIGTERM/SIGINT, when it stops the broker and removes
that file.
"""
import argparse
import json
import logging
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
LOG = logging.getLogger("gg sandbox")


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


def install_patches(knobs, region, publish=None):
    """Patch moto and set up the added services; returns the app's plugins (V1, IoT, V2)."""
    from moto.iam.models import get_account_id_from

    from . import faults, iot, lambda_code, s3_service_buckets, v1, v2

    _cache_module_list()
    faults.install(knobs)
    lambda_code.install()
    s3_service_buckets.install()
    lock = faults._MOTO_LOCK
    return [v1.install(),
            iot.install(knobs, lock, get_account_id_from, region, publish),
            v2.install(knobs, lock, get_account_id_from, region)]


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


def _reset_moto():
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()


def _start_device_side(broker, region):
    """The sandbox's MQTT client: job notifications out, core status reports in."""
    from . import faults
    from .mqtt_client import SandboxMqttClient
    from .v2 import health

    client = SandboxMqttClient(broker.host, broker.port)
    client.subscribe(health.TOPIC, health.subscriber(faults._MOTO_LOCK, region))
    return client.start()


def serve(args):
    from moto.iot.models import iot_backends
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from . import faults, logs
    from .endpoints import SandboxApp
    from .iot import jobs
    from .mqtt import MqttBroker
    from .settings import SETTINGS

    knobs = build_knobs(args)
    SETTINGS["auto_complete_after"] = args.auto_complete_after
    broker = None if args.no_mqtt else MqttBroker(args.host, args.mqtt_port).start()
    client = _start_device_side(broker, args.region) if broker else None
    plugins = install_patches(knobs, args.region, client.publish if client else None)
    info = {"pid": os.getpid(), "region": args.region, "state_dir": os.path.abspath(args.state_dir),
            "mqtt_host": broker.host if broker else None, "mqtt_port": broker.port if broker else None}
    app = SandboxApp(DomainDispatcherApplication(create_backend_app), knobs, info, plugins, _reset_moto)
    server = make_server(args.host, args.port, app, threaded=True,
                         request_handler=logs.quiet_request_handler(MotoRequestHandler))
    ticker = jobs.start_ticker(iot_backends, faults._MOTO_LOCK)
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
    LOG.info("AWS endpoint %s, MQTT %s:%s, pid %d", info["endpoint_url"], info["mqtt_host"], info["mqtt_port"],
             os.getpid())
    try:
        server.serve_forever()
    finally:
        ticker.set()
        if client:
            client.stop()
        if broker:
            broker.stop()
        path = os.path.join(args.state_dir, STATE_FILE)
        try:
            with open(path) as fh:
                if json.load(fh).get("pid") == os.getpid():
                    os.remove(path)
        except (OSError, ValueError):
            pass
        LOG.info("stopped")


def main(argv=None):
    from . import logs

    args = parse_args(sys.argv[1:] if argv is None else argv)
    logs.setup()
    try:
        serve(args)
    except ImportError as exc:  # the sandbox extra is not installed
        from .process import INSTALL_HINT

        LOG.error("cannot start: %s; install it with: %s", exc, INSTALL_HINT)
        return 2
    except OSError as exc:  # a port in use, most often: one clear line for the log
        LOG.error("cannot start: %s", exc)
        return 2
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
