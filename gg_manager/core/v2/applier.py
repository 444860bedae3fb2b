"""Applying one deployment to the device, and rolling back when it fails, as the nucleus does.

1. Prepare (nothing on the device changes yet; a failure is FAILED_NO_STATE_CHANGE): read
   the document, resolve every group's root components and their dependencies, download and
   unpack artifacts, build each component's configuration (running -> reset -> defaults ->
   merge) and interpolated lifecycle.
2. Apply: restart updated components, start new ones (each waits for its dependencies),
   route messages for the new set of Lambdas, and wait until every changed component is
   RUNNING or FINISHED; one that becomes BROKEN (or does not settle in time) fails it.
3. Success: remove the components the revision dropped, remember the new revision.
   Failure with ROLLBACK: stop what changed, start the previous revision's components again
   (FAILED_ROLLBACK_COMPLETE, or FAILED_UNABLE_TO_ROLLBACK when they don't come back);
   with DO_NOTHING: leave the device as it is (FAILED_ROLLBACK_NOT_REQUESTED).
"""
import logging
import time

from . import emulated
from . import states as st
from . import status as rs
from .configuration import next_configuration
from .errors import DeploymentError
from .job_document import parse_deployment
from .lambda_launch import LaunchError, lambda_launch
from .plan import install_unchanged, make_plan
from .recipe import LAMBDA
from .resolve import resolve_components
from .routing import build_routes
from .specs import build_specs

log = logging.getLogger("gg.core.v2.deployments")
DEFAULT_SETTLE_S = 600.0


class Prepared:
    """A revision ready to apply: its deployment, resolved recipes, start order, trees and specs."""

    def __init__(self, deployment, resolved, order, trees, specs):
        self.deployment, self.resolved, self.order, self.trees, self.specs = deployment, resolved, order, trees, specs


class Applier:
    def __init__(self, layout, supervisor, candidates, artifacts, store, lambdas, thing_name,
                 settle_timeout=DEFAULT_SETTLE_S, stop_event=None):
        self.layout = layout
        self.supervisor = supervisor
        self.candidates = candidates
        self.artifacts = artifacts
        self.store = store
        self.lambdas = lambdas
        self.thing_name = thing_name
        self.settle_timeout = settle_timeout
        self.stop_event = stop_event
        self.order = []            # start order of what runs now
        self.specs = {}            # ComponentSpecs of what runs now

    # -- 1. prepare ------------------------------------------------------------------------
    def prepare(self, document):
        deployment = parse_deployment(document)
        groups = self.store.roots()
        groups[deployment.group] = {name: root.version for name, root in deployment.components.items()}
        groups = {g: roots for g, roots in groups.items() if roots}
        resolved, order = resolve_components(groups, self.candidates)
        for name in order:
            self.artifacts.prepare(resolved[name], self.candidates.candidate(resolved[name]))
        timestamp = deployment.timestamp_ms or int(time.time() * 1000)
        trees = {}
        for name, recipe in resolved.items():
            root = deployment.components.get(name)
            trees[name] = next_configuration(self.store.config_tree(name), recipe.default_configuration,
                                             root.update if root else None, timestamp)
        roots = {n for g in groups.values() for n in g}
        arns = {name: getattr(self.candidates.candidate(r), "arn", "") for name, r in resolved.items()}
        specs = build_specs(resolved, trees, roots, self.layout, self.thing_name, arns)
        return Prepared(deployment, resolved, order, trees, specs)

    def resume(self):
        """Start again what ran before the core stopped (state.json), from what is on disk: no cloud calls,
        no configuration update. Returns the names started; DeploymentError when it cannot."""
        groups = self.store.roots()
        if not groups:
            return []
        resolved, order = resolve_components(groups, self.candidates.local)
        trees = {name: next_configuration(self.store.config_tree(name), r.default_configuration, None, 0)
                 for name, r in resolved.items()}
        roots = {n for g in groups.values() for n in g}
        arns = {name: getattr(self.candidates.candidate(r), "arn", "") for name, r in resolved.items()}
        specs = build_specs(resolved, trees, roots, self.layout, self.thing_name, arns)
        self._set_routes(specs)
        for name in order:
            self.supervisor.run(specs[name])
        self.specs, self.order = specs, order
        return order

    # -- 2. apply ----------------------------------------------------------------------------
    def apply(self, document):
        """Apply a job document; returns a DeploymentResult (never raises for the deployment's own faults)."""
        try:
            prepared = self.prepare(document)
        except DeploymentError as exc:
            log.error("deployment not applied: %s", exc)
            return rs.DeploymentResult(rs.FAILED_NO_STATE_CHANGE, exc)
        except OSError as exc:
            log.error("deployment not applied: %s", exc)
            return rs.DeploymentResult(rs.FAILED_NO_STATE_CHANGE, DeploymentError(
                "cannot prepare the deployment on this device: %s" % exc, "IO_ERROR"))
        deployment = prepared.deployment
        running = self.supervisor.states()
        plan = make_plan(running, prepared.specs, prepared.order)
        log.info("deployment %s (%s): %s", deployment.deployment_id, deployment.group, plan.describe())
        broken_before = {n for n, (state, _, _) in running.items() if state == st.BROKEN}
        previous = (self.store.snapshot(), dict(self.specs), list(self.order), broken_before)
        self._switch(plan.update, prepared.specs, prepared.order, self.order, running)
        self.specs, self.order = dict(prepared.specs), list(prepared.order)
        failure = self._settle(plan.changed, deployment.update_timeout_s)
        if failure is None:
            for name in reversed(self.order_of(plan.remove, previous[2])):
                self.supervisor.stop(name)
            self.store.commit(deployment, {n: (prepared.specs[n].version, prepared.trees[n]) for n in prepared.specs})
            log.info("deployment %s succeeded", deployment.deployment_id)
            return rs.DeploymentResult(rs.SUCCESSFUL)
        log.error("deployment %s failed: %s", deployment.deployment_id, failure)
        if not deployment.rollback:
            for name in plan.remove:      # as the nucleus: the obsolete ones stay, the new ones too
                self.specs.setdefault(name, previous[1][name])
            self.store.commit(deployment, {n: (s.version, prepared.trees.get(n) or self.store.config_tree(n))
                                           for n, s in self.specs.items()})
            return rs.DeploymentResult(rs.FAILED_ROLLBACK_NOT_REQUESTED, failure)
        return self._rollback(plan, previous, failure)

    @staticmethod
    def order_of(names, order):
        return [n for n in order if n in names] + sorted(n for n in names if n not in order)

    def _switch(self, update, specs, new_order, old_order, running):
        """Stop the updated components (dependents first), then start every new and updated one
        (an update that changed neither version nor Install starts at INSTALLED, as the nucleus restarts)."""
        for name in reversed(self.order_of(update, old_order)):
            self.supervisor.stop(name)
        self._set_routes(specs)
        for name in new_order:
            if self.supervisor.get(name) is None:
                old = running.get(name)
                installed = old is not None and old[0] != st.BROKEN and install_unchanged(old[2], specs[name])
                self.supervisor.run(specs[name], installed=installed)

    def _set_routes(self, specs):
        launches = {}
        for name, spec in specs.items():
            if spec.type == LAMBDA:
                try:
                    launches[name] = lambda_launch(spec)
                except LaunchError:
                    continue      # the component itself reports why it cannot run
        router = specs.get(emulated.ROUTER)
        subs, _ = build_routes(router.configuration if router else None, launches)
        self.lambdas.set_routes(subs, {launch.arn: launch.timeout_s for launch in launches.values()})

    def _settle(self, names, update_timeout):
        timeout = max(self.settle_timeout, update_timeout)
        broken, pending = self.supervisor.wait_settled(names, timeout, self.stop_event)
        if broken:
            name, reason = sorted(broken.items())[0]
            return DeploymentError("Service %s in broken state after deployment%s" % (
                name, ": " + reason if reason else ""), "COMPONENT_UPDATE_ERROR", "COMPONENT_BROKEN",
                types=["USER_COMPONENT_ERROR"] if not name.startswith("aws.greengrass.") else ["AWS_COMPONENT_ERROR"])
        if pending:
            return DeploymentError("%s did not reach RUNNING or FINISHED within %ss" % (", ".join(pending), timeout),
                                   "COMPONENT_UPDATE_ERROR")
        return None

    # -- 3. rollback -------------------------------------------------------------------------
    def _rollback(self, plan, previous, failure):
        snapshot, old_specs, old_order, broken_before = previous
        log.info("rolling back to the previous revision")
        for name in reversed(self.order_of(plan.changed, self.order)):
            self.supervisor.stop(name)
        restart = [n for n in old_order if n in plan.update]
        self._set_routes(old_specs)
        for name in old_order:
            if name in restart:
                self.supervisor.run(old_specs[name])
        self.specs, self.order = dict(old_specs), list(old_order)
        self.store.restore(snapshot)
        track = [n for n in restart if n not in broken_before]
        if self._settle(track, 0) is not None:
            return rs.DeploymentResult(rs.FAILED_UNABLE_TO_ROLLBACK, failure)
        return rs.DeploymentResult(rs.FAILED_ROLLBACK_COMPLETE, failure)
