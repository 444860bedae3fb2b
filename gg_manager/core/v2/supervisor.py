"""The components running on this device: starting, stopping, their states, what they may see.

A component sees only the environment built here: a few harmless variables of the core
(PATH, HOME, LANG...), the device's region and thing name, and its recipe's Setenv; never the
core's own credentials. Lambda components also get what the Greengrass SDK needs to reach
the core's IPC. Emulated AWS components (emulated.py) are RUNNING as soon as they start.
"""
import logging
import os
import threading
import time

from . import emulated
from . import states as st
from .component import Component
from .generic import GenericComponent
from .lambda_component import LambdaComponent
from .recipe import LAMBDA
from .shared import PASS_ENV, ROUTER_ARN, SECRETS_ARN, SHADOW_ARN

log = logging.getLogger("gg.core.v2.supervisor")


class EmulatedComponent(Component):
    def _main(self):
        for state in (st.INSTALLED, st.STARTING, st.RUNNING):
            self.machine.set(state)
        self._stop.wait()
        self.machine.set(st.FINISHED, "stopped")


class Supervisor:
    def __init__(self, layout, lambdas, region, thing_name, python=None, ready_timeout=120.0, root_ca_path=None):
        self.layout = layout
        self.lambdas = lambdas
        self.region = region
        self.thing_name = thing_name
        self.python = python
        self.ready_timeout = ready_timeout
        self.root_ca_path = root_ca_path
        self.components = {}
        self.listeners = []
        self._lock = threading.RLock()

    # -- what components see -------------------------------------------------------------
    def _core_env(self):
        env = {k: os.environ[k] for k in PASS_ENV if k in os.environ}
        env.update(AWS_REGION=self.region, AWS_DEFAULT_REGION=self.region, AWS_IOT_THING_NAME=self.thing_name)
        if self.root_ca_path:
            env["GG_ROOT_CA_PATH"] = self.root_ca_path
        return env

    def script_env(self, spec, setenv):
        env = self._core_env()
        env.update(setenv)
        return env

    def lambda_env(self, spec, launch):
        env = dict(launch.environment)
        env.update(launch.setenv)
        env.update(self._core_env())
        env.update(MY_FUNCTION_ARN=launch.arn, ROUTER_FUNCTION_ARN=ROUTER_ARN, SHADOW_FUNCTION_ARN=SHADOW_ARN,
                   SECRETS_MANAGER_FUNCTION_ARN=SECRETS_ARN,
                   AWS_CONTAINER_AUTHORIZATION_TOKEN=self.lambdas.ipc.new_token(),
                   GG_IPC_HOST=self.lambdas.ipc.host, GG_IPC_PORT=str(self.lambdas.ipc.port),
                   AWS_LAMBDA_FUNCTION_NAME=launch.function_name, AWS_LAMBDA_FUNCTION_VERSION=launch.function_version,
                   AWS_LAMBDA_FUNCTION_MEMORY_SIZE=str(max(1, launch.memory_kb // 1024)),
                   AWS_LAMBDA_FUNCTION_TIMEOUT=str(launch.timeout_s), GG_ENCODING_TYPE=launch.encoding)
        if not launch.pinned:
            env["GG_IDLE_EXIT_S"] = str(launch.idle_s)
        return env

    def dependencies_ready(self, spec):
        with self._lock:
            deps = [self.components.get(name) for name in spec.dependencies]
        return all(dep is not None and dep.state in st.SETTLED for dep in deps)

    # -- running ---------------------------------------------------------------------------
    def state_changed(self, name, old, new, reason):
        log.info("%s: %s -> %s%s", name, old, new, (" (%s)" % reason) if reason else "")
        for listener in list(self.listeners):
            try:
                listener(name, old, new, reason)
            except Exception:  # noqa: BLE001 - a listener must not break a lifecycle
                log.exception("state listener failed")

    def run(self, spec, installed=False):
        """Start running a spec (at INSTALLED when its Install need not run again)."""
        os.makedirs(spec.work_dir, exist_ok=True)
        if emulated.is_emulated(spec.name):
            kind = EmulatedComponent
        elif spec.type == LAMBDA:
            kind = LambdaComponent
        else:
            kind = GenericComponent
        component = kind(spec, self)
        if installed and kind is GenericComponent:
            component.machine.state = st.INSTALLED
        with self._lock:
            self.components[spec.name] = component
        return component.start()

    def stop(self, name, timeout=30.0):
        with self._lock:
            component = self.components.pop(name, None)
        if component is not None:
            component.stop(timeout)
        return component

    def stop_all(self, order):
        """Stop every component, dependents first (order: a start order)."""
        names = [n for n in reversed(order) if n in self.components]
        names += [n for n in list(self.components) if n not in names]
        for name in names:
            self.stop(name)

    def get(self, name):
        with self._lock:
            return self.components.get(name)

    def states(self):
        with self._lock:
            return {name: (c.state, c.machine.reason, c.spec) for name, c in self.components.items()}

    def wait_settled(self, names, timeout, stop_event=None):
        """Wait until each named component is RUNNING/FINISHED or BROKEN.
        Returns (broken {name: reason}, unsettled [names]) - both empty on success."""
        deadline = time.monotonic() + timeout
        while True:
            broken, pending = {}, []
            for name in names:
                component = self.get(name)
                if component is None:
                    broken[name] = "not running"
                elif component.state == st.BROKEN:
                    broken[name] = component.machine.reason
                elif component.state not in st.SETTLED:
                    pending.append(name)
            if broken or not pending or time.monotonic() >= deadline or (stop_event and stop_event.is_set()):
                return broken, pending
            time.sleep(0.05)
