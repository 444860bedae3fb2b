"""What the core runs for one component version, and the shape every kind of component shares.

ComponentSpec is built by the deployment (recipe for this platform, configuration, the
interpolated lifecycle); two specs with the same fingerprint run the same way, so a new
revision leaves that component alone. A Component runs a spec on a daemon thread:
start() returns at once, stop() returns when it has stopped.
"""
import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field
from typing import Dict

from .states import StateMachine

log = logging.getLogger("gg.core.v2.component")


@dataclass
class ComponentSpec:
    name: str
    version: str
    type: str
    lifecycle: dict                      # interpolated, platform-selected
    configuration: dict                  # plain, after reset/defaults/merge
    dependencies: Dict[str, str]         # name -> HARD | SOFT
    work_dir: str
    log_path: str
    root: bool = False
    arn: str = ""
    extra: dict = field(default_factory=dict)   # kind-specific (the Lambda's code folder...)

    def fingerprint(self):
        body = json.dumps([self.version, self.type, self.lifecycle, self.dependencies, self.extra],
                          sort_keys=True, default=str)
        return hashlib.sha256(body.encode()).hexdigest()


class Component:
    """Base: a state machine, a stop event, a thread running `_main`."""

    def __init__(self, spec, host):
        self.spec = spec
        self.host = host
        self.machine = StateMachine(spec.name, host.state_changed if host else None)
        self._stop = threading.Event()
        self._thread = None

    @property
    def name(self):
        return self.spec.name

    @property
    def state(self):
        return self.machine.state

    def start(self):
        self._thread = threading.Thread(target=self._guarded_main, name="component-" + self.name, daemon=True)
        self._thread.start()
        return self

    def _guarded_main(self):
        try:
            self._main()
        except Exception as exc:  # noqa: BLE001 - a bug here must mark the component, not vanish
            log.exception("%s: lifecycle thread failed", self.name)
            self.machine.set("BROKEN", "the core's lifecycle thread failed: %s" % exc)

    def stop(self, timeout=30.0):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("%s did not stop within %ss", self.name, timeout)

    def _main(self):
        raise NotImplementedError
