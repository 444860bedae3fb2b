"""The local core's loop: poll for the newest deployment, apply it, route messages, keep Lambdas up.

apply(): pull the group version and its definitions, fetch models and code
(a failure here keeps the running Lambdas and reports Failure), stop the old
Lambdas, start every long-lived one and wait until each imported its handler
(or failed to), then report Success or Failure with the reasons. On-demand
Lambdas start when work arrives and exit after ON_DEMAND_IDLE_S idle.
"""
import logging
import os
import threading
import time

import boto3

from gg_manager.core import lambdas as lp
from gg_manager.core.artifacts import ArtifactError, Artifacts
from gg_manager.core.cloud import CloudBridge
from gg_manager.core.ipc_server import IPCServer, encode_client_context
from gg_manager.core.paths import ML_KINDS, lambda_environment, map_resources, resource_kind
from gg_manager.core.router import Router
from gg_manager.core.services import ShadowAndCloud
from gg_manager.core.shadow import ShadowStore
from gg_manager.core.v1.locate import Discovery
from gg_manager.core.v1.group import pull_group_version
from gg_manager.core.v1.report import report_status

log = logging.getLogger("gg.core")
FINAL = ("Success", "Failure")


class Core(ShadowAndCloud):
    def __init__(self, config, work_dir, poll_interval=1.0, ready_timeout=120.0, mqtt=True, python=None):
        self.stop_event = threading.Event()
        self.config = config
        self.work_dir = os.path.abspath(work_dir)
        self.poll_interval = poll_interval
        self.ready_timeout = ready_timeout
        self.python = python
        self._clients = {}
        self._lock = threading.RLock()
        self.discovery = Discovery(self.client("greengrass"), config.thing_arn,
                                   config.endpoint_url if config.sandbox else None)
        self.artifacts = Artifacts(self.client, self.work_dir, custom_endpoint=bool(config.endpoint_url))
        self.shadows = ShadowStore(os.path.join(self.work_dir, "var", "shadow", "shadows.json"))
        self.ipc = IPCServer(services={lp.ROUTER_ARN: self._router_service, lp.SHADOW_ARN: self._shadow_service},
                             on_work=self._on_work, on_runtime=self._on_runtime)
        self.cloud = CloudBridge(config, self._from_cloud) if mqtt else None
        self.router = Router([], [], self._deliveries())
        self.processes = {}
        self.applied = None   # the Deployment now running (or last tried)
        self.last_result = None

    # -- AWS -------------------------------------------------------------------------
    def client(self, service):
        if service not in self._clients:
            kwargs = {"region_name": self.config.region}
            if self.config.endpoint_url:
                kwargs["endpoint_url"] = self.config.endpoint_url
            if self.config.sandbox and not os.environ.get("AWS_ACCESS_KEY_ID"):
                kwargs.update(aws_access_key_id="testing", aws_secret_access_key="testing")
            self._clients[service] = boto3.client(service, **kwargs)
        return self._clients[service]

    # -- lifecycle -------------------------------------------------------------------
    def start(self):
        threading.Thread(target=self._watchdog, name="gg-timeouts", daemon=True).start()
        self.ipc.start()
        log.info("IPC listening on %s:%d; work dir %s", self.ipc.host, self.ipc.port, self.work_dir)
        if self.cloud:
            self.cloud.start()
        return self

    def stop(self):
        self.stop_event.set()
        self.stop_lambdas()
        if self.cloud:
            self.cloud.stop()
        self.ipc.stop()

    def run(self, stop_event, once=False):
        """Poll and apply until stop_event is set; with once, return after the first apply (True = Success)."""
        self.stop_event = stop_event
        waiting_logged, last_error = False, None
        while not stop_event.is_set():
            try:
                deployment = self.discovery.newest()
                last_error = None
            except Exception as exc:  # noqa: BLE001 - the endpoint may be down for a while
                if str(exc) != last_error:  # once per distinct problem, not every poll
                    log.warning("cannot read deployments (retrying every %ss): %s", self.poll_interval, exc)
                last_error, deployment = str(exc), None
            if deployment is None and last_error is None and not waiting_logged:
                log.info("no deployment of a group with core %s yet; waiting", self.config.thing_arn)
                waiting_logged = True
            if deployment and (self.applied is None or deployment.deployment_id != self.applied.deployment_id):
                ok = self.apply(deployment)
                if once:
                    return ok
            stop_event.wait(self.poll_interval)
        return self.last_result

    # -- deployments -----------------------------------------------------------------
    def apply(self, deployment):
        self.applied = deployment
        log.info("applying deployment %s (%s) of group %s, version %s", deployment.deployment_id,
                 deployment.deployment_type, deployment.group_id, deployment.group_version_id)
        try:
            already = self.discovery.status(deployment)
        except Exception:  # noqa: BLE001
            already = None
        report = already not in FINAL  # a deployment that finished before this core started is rerun quietly

        def finish(status, message=None, details=None):
            self.last_result = status == "Success"
            if report:
                report_status(self.config, deployment.group_id, deployment.deployment_id, status, message, details)
            else:
                log.info("deployment %s already %s; now %s here", deployment.deployment_id, already, status)
            return self.last_result

        if deployment.group_version_id is None:  # a reset: the group no longer runs here
            self.stop_lambdas()
            self._install([], [], {})
            return finish("Success")
        prepared = self._prepare(deployment)
        if isinstance(prepared, tuple) and prepared[0] == "Failure":
            return finish(*prepared)
        group, mapped, code = prepared
        for connector in group.connectors:
            log.warning("connector %s (%s) is not run by the local core", connector.get("Id"),
                        connector.get("ConnectorArn"))
        self.stop_lambdas()
        processes = [self._process(f, code[f["FunctionArn"]], mapped) for f in group.functions]
        self._install(processes, group.subscriptions, {p.arn: p for p in processes})
        failures = self._start_pinned([p for p in processes if p.pinned])
        if failures is None:
            log.info("stopping before deployment %s finished starting", deployment.deployment_id)
            return None
        if failures:
            self.stop_lambdas()
            message = "; ".join(reason for _, reason in failures)
            details = [{"DetailedErrorCode": "LambdaStartFailure", "DetailedErrorMessage": "%s: %s" % (p.arn, r)}
                       for p, r in failures]
            return finish("Failure", message, details)
        return finish("Success")

    def _prepare(self, deployment):
        """(group version, mapped resources, Lambda code by ARN), or ("Failure", message, details)."""
        try:
            group = pull_group_version(self.client("greengrass"), deployment.group_id, deployment.group_version_id)
            mapped = map_resources(group.resources, self.work_dir)
            for res in group.resources:
                kind, data = resource_kind(res)
                if kind in ML_KINDS:
                    self.artifacts.model(res["Id"], kind, data, mapped[res["Id"]].local)
            code = {f["FunctionArn"]: self.artifacts.lambda_code(f["FunctionArn"]) for f in group.functions}
        except ArtifactError as exc:
            return "Failure", str(exc), [{"DetailedErrorCode": exc.code, "DetailedErrorMessage": str(exc)}]
        except Exception as exc:  # noqa: BLE001 - an API error is this deployment's failure too
            log.exception("deployment %s could not be prepared", deployment.deployment_id)
            message = "could not read the group version: %s" % exc
            return "Failure", message, [{"DetailedErrorCode": "GroupReadFailure", "DetailedErrorMessage": message}]
        return group, mapped, code

    def _start_pinned(self, pinned):
        """Start the long-lived Lambdas and wait for each to import its handler: [(process, why)] for
        those that did not, or None when the core is stopping meanwhile."""
        for proc in pinned:
            proc.start()
        deadline = time.monotonic() + self.ready_timeout
        failures = []
        for proc in pinned:
            state = proc.wait_started(0)
            while state == "starting" and time.monotonic() < deadline and not self.stop_event.is_set():
                state = proc.wait_started(min(0.5, max(0.0, deadline - time.monotonic())))
            if self.stop_event.is_set():
                return None
            if state == "failed":
                failures.append((proc, proc.error or "%s failed to start" % proc.name))
            elif state != "ready":
                failures.append((proc, "%s did not import its handler within %ss" % (proc.name, self.ready_timeout)))
        return failures

    def _process(self, function, code, mapped):
        code_dir, lambda_config = code
        fc = function.get("FunctionConfiguration", {})
        arn = function["FunctionArn"]
        parts = arn.split(":")
        region, account = (parts[3], parts[4]) if len(parts) > 4 else (self.config.region, self.config.account)
        env = lambda_environment(function, mapped)
        memory_kb = fc.get("MemorySize") or lambda_config.get("MemorySize", 128) * 1024
        env.update(MY_FUNCTION_ARN=arn, ROUTER_FUNCTION_ARN=lp.ROUTER_ARN, SHADOW_FUNCTION_ARN=lp.SHADOW_ARN,
                   SECRETS_MANAGER_FUNCTION_ARN=lp.SECRETS_ARN,
                   AWS_CONTAINER_AUTHORIZATION_TOKEN=self.ipc.new_token(),
                   GG_IPC_HOST=self.ipc.host, GG_IPC_PORT=str(self.ipc.port),
                   AWS_REGION=region, AWS_DEFAULT_REGION=region,
                   AWS_LAMBDA_FUNCTION_NAME=lp.function_name(arn),
                   AWS_LAMBDA_FUNCTION_VERSION=lambda_config.get("Version", "$LATEST"),
                   AWS_LAMBDA_FUNCTION_MEMORY_SIZE=str(max(1, int(memory_kb) // 1024)),
                   AWS_LAMBDA_FUNCTION_TIMEOUT=str(fc.get("Timeout") or lambda_config.get("Timeout", 3)))
        pinned = bool(fc.get("Pinned"))
        if not pinned:
            env["GG_IDLE_EXIT_S"] = str(lp.ON_DEMAND_IDLE_S)
        log_path = os.path.join(self.work_dir, "var", "log", "user", region, account, lp.function_name(arn) + ".log")
        handler = lambda_config.get("Handler") or "lambda_function.lambda_handler"
        return lp.LambdaProcess(arn, handler, code_dir, env, log_path, pinned, on_exit=self._on_exit,
                                python=self.python)

    def _install(self, processes, subscriptions, by_arn):
        with self._lock:
            self.processes = by_arn
            self.ipc.set_functions(by_arn, {p.arn: float(p.env["AWS_LAMBDA_FUNCTION_TIMEOUT"]) for p in processes})
            self.router = Router(subscriptions, by_arn, self._deliveries())
        if self.cloud:
            self.cloud.set_filters(self.router.cloud_subjects())

    def stop_lambdas(self):
        with self._lock:
            processes = list(self.processes.values())
        for proc in processes:
            proc.stop()

    def _watchdog(self):
        """An invocation past its function's Timeout fails (Unhandled) and its process is killed
        and started again, as a Greengrass core does with a worker that overruns."""
        while not self.stop_event.wait(0.25):
            for arn, (invocation_id, age) in self.ipc.running().items():
                proc = self.processes.get(arn)
                limit = float(proc.env["AWS_LAMBDA_FUNCTION_TIMEOUT"]) if proc else None
                if proc is None or age <= limit:
                    continue
                log.error("%s: invocation %s timed out after %.0fs; restarting the Lambda", arn, invocation_id, limit)
                self.ipc.finished(arn, invocation_id)
                self.ipc.post_result(invocation_id, ('{"errorMessage": "Task timed out after %.2f seconds"}'
                                                     % limit).encode(), "Unhandled")
                proc.kill()

    # -- callbacks -------------------------------------------------------------------
    def _on_runtime(self, arn, state, error):
        proc = self.processes.get(arn)
        if proc:
            proc.mark(state, error)
            log.info("%s: handler %s%s", arn, "imported" if state == "ready" else "failed",
                     (": " + error) if error else "")

    def _on_exit(self, proc, code):
        if self.processes.get(proc.arn) is not proc:
            return
        lost = self.ipc.finished(proc.arn)
        if lost:  # a RequestResponse caller gets an answer now rather than at its timeout
            self.ipc.post_result(lost, b'{"errorMessage": "the Lambda process exited"}', "Unhandled")
        if proc.pinned and proc.state == "crashed":
            proc.restart_later()
        elif not proc.pinned and self.ipc.pending(proc.arn):
            proc.start()

    def _on_work(self, arn):
        proc = self.processes.get(arn)
        if proc and not proc.pinned and not proc.alive():
            proc.start()

    # -- messages --------------------------------------------------------------------
    def _deliveries(self):
        return {"lambda": self._to_lambda, "cloud": self._to_cloud, "shadow": self._to_shadow}

    def _to_lambda(self, arn, source, subject, payload):
        self.ipc.enqueue(arn, payload, encode_client_context({"source": source, "subject": subject}), "Event")

    def _to_cloud(self, subject, payload):
        if self.cloud:
            self.cloud.publish(subject, payload)

    def _router_service(self, payload, context, invocation_type):
        custom = context.get("custom") or {}
        self.router.route(custom.get("source"), custom.get("subject", ""), payload)
        return b""
