"""`gg core run` for a V2 core device: read config.yaml, start the device, follow deployments until stopped.

run_device() is what the CLI calls once it knows the target is V2 (signals and logging
setup stay with the CLI): with once, it returns after the first deployment, 0 when it
SUCCEEDED and 1 otherwise; without, 0 when stop_event is set.
"""
import logging
import threading

from gg_manager.errors import GGError

from .connection import make_core
from .device_config import load_device_config

log = logging.getLogger("gg.core.v2")


def run_device(config_path, work_dir, endpoint_url=None, once=False, poll_interval=1.0, ready_timeout=120.0,
               settle_timeout=600.0, stop_event=None, mqtt=True):
    connection, _ = load_device_config(config_path, endpoint_url)
    stop_event = stop_event or threading.Event()
    try:
        core = make_core(connection, work_dir, mqtt=mqtt, ready_timeout=ready_timeout, settle_timeout=settle_timeout)
    except OSError as exc:
        raise GGError("cannot start the local V2 core: %s" % exc) from None
    core.start()
    log.info("V2 core device %s: IPC on %s:%d, root %s", connection.thing_name, core.lambdas.ipc.host,
             core.lambdas.ipc.port, core.layout.root)
    try:
        result = core.run(stop_event, poll_interval, once=once)
    finally:
        core.stop()
    if once:
        return 0 if result else 1
    return 0
