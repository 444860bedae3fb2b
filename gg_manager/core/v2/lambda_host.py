"""The services Lambda components use: the core's IPC, routing, the cloud broker, the local shadows.

One LambdaHost per core. Lambda components attach their processes to it; the deployment
sets the routes (routing.py) once it knows its Lambdas. Messages: from the cloud broker
(IOT_CORE event sources, `cloud` subscriptions), from a Lambda's SDK publish (the router
service on the IPC), from the local pub/sub bus (PUB_SUB event sources; publish_local()).
An invocation that overruns its function's timeout is answered with a timeout error and its
process is killed (and restarted by its component), as a Greengrass core does.
"""
import logging
import threading

from .routing import LOCAL
from .shared import (ROUTER_ARN, SHADOW_ARN, IPCServer, Router, ShadowAndCloud, ShadowStore,
                     encode_client_context)

log = logging.getLogger("gg.core.v2.lambdas")


class LambdaHost(ShadowAndCloud):
    def __init__(self, shadow_path, cloud_factory=None):
        """cloud_factory(on_message) -> a started-on-start() bridge with set_filters/publish/start/stop."""
        self.ipc = IPCServer(services={ROUTER_ARN: self._router_service, SHADOW_ARN: self._shadow_service},
                             on_work=self._on_work, on_runtime=self._on_runtime)
        self.shadows = ShadowStore(shadow_path)
        self.cloud = cloud_factory(self._from_cloud) if cloud_factory else None
        self.router = Router([], [], self._deliveries())
        self.functions = {}       # arn -> (LambdaProcess, timeout seconds) of the running processes
        self.arns = {}            # arn -> timeout seconds of every Lambda of the deployment
        self._lock = threading.RLock()
        self._stop = threading.Event()

    # -- lifecycle -------------------------------------------------------------------
    def start(self):
        self.ipc.start()
        if self.cloud:
            self.cloud.start()
        threading.Thread(target=self._watchdog, name="gg-v2-timeouts", daemon=True).start()
        return self

    def stop(self):
        self._stop.set()
        if self.cloud:
            self.cloud.stop()
        self.ipc.stop()

    # -- functions -------------------------------------------------------------------
    def attach(self, proc, timeout_s):
        """A Lambda process of the deployment; its work queue already exists (set_routes), so messages that
        arrived while it was starting are waiting for it."""
        with self._lock:
            self.functions[proc.arn] = (proc, timeout_s)
            if proc.arn not in self.arns:
                self.arns[proc.arn] = timeout_s
                self._publish_functions()
            else:
                self.ipc.timeouts[proc.arn] = timeout_s

    def detach(self, proc):
        with self._lock:
            if self.functions.get(proc.arn, (None,))[0] is proc:
                del self.functions[proc.arn]

    def _publish_functions(self):
        """The IPC's set of functions (this empties every work queue, so only when the set changes)."""
        self.ipc.set_functions(list(self.arns), dict(self.arns))

    def process_exited(self, proc):
        """A Lambda process ended: a RequestResponse caller waiting on it is answered now."""
        lost = self.ipc.finished(proc.arn)
        if lost:
            self.ipc.post_result(lost, b'{"errorMessage": "the Lambda process exited"}', "Unhandled")

    def set_routes(self, subscriptions, timeouts):
        """Route by these V1-shaped subscriptions; timeouts: {arn: seconds} of the deployment's Lambdas
        (set before they start, so nothing sent to them meanwhile is lost)."""
        with self._lock:
            self.router = Router(subscriptions, list(timeouts), self._deliveries())
            if set(timeouts) != set(self.arns):
                self.arns = dict(timeouts)
                self._publish_functions()
            else:
                self.arns.update(timeouts)
                self.ipc.timeouts.update(timeouts)
        if self.cloud:
            self.cloud.set_filters(self.router.cloud_subjects())

    def publish_local(self, topic, payload):
        """A message on the local publish/subscribe bus (what a PUB_SUB event source receives)."""
        return self.router.route(LOCAL, topic, payload)

    def _watchdog(self):
        while not self._stop.wait(0.25):
            for arn, (invocation_id, age) in self.ipc.running().items():
                proc, limit = self.functions.get(arn, (None, None))
                if proc is None or age <= limit:
                    continue
                log.error("%s: invocation %s timed out after %.0fs; killing the process", arn, invocation_id, limit)
                self.ipc.finished(arn, invocation_id)
                self.ipc.post_result(invocation_id, ('{"errorMessage": "Task timed out after %.2f seconds"}'
                                                     % limit).encode(), "Unhandled")
                proc.kill()

    # -- IPC callbacks -----------------------------------------------------------------
    def _on_runtime(self, arn, state, error):
        proc = self.functions.get(arn, (None,))[0]
        if proc:
            proc.mark(state, error)

    def _on_work(self, arn):
        proc = self.functions.get(arn, (None,))[0]
        if proc and not proc.pinned and not proc.alive() and proc.state != "failed":
            proc.start()

    # -- messages --------------------------------------------------------------------
    def _deliveries(self):
        return {"lambda": self._to_lambda, "cloud": self._to_cloud, "shadow": self._to_shadow}

    def _to_lambda(self, arn, source, subject, payload):
        self.ipc.enqueue(arn, payload, encode_client_context({"source": source, "subject": subject}), "Event")

    def _to_cloud(self, subject, payload):
        if self.cloud:
            self.cloud.publish(subject, payload)
        else:
            log.warning("no cloud connection: %s dropped", subject)

    def _router_service(self, payload, context, invocation_type):
        custom = context.get("custom") or {}
        targets = self.router.route(custom.get("source"), custom.get("subject", ""), payload)
        if not targets:
            log.warning("no subscription routes %s from %s (configure aws.greengrass.LegacySubscriptionRouter)",
                        custom.get("subject"), custom.get("source"))
        return b""
