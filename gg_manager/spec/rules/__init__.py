"""Semantic checks JSON Schema cannot express, all offline. Each takes a GroupView."""
from gg_manager.spec.rules import (connectors, ids, keys, lambdas, limits, loggers, packages,
                                   resources, subscriptions, targets, topology)

GROUP_RULES = (
    ids.check_ids,
    topology.check_core,
    resources.check_resources,
    lambdas.check_lambdas,
    resources.check_access_policies,
    subscriptions.check_subscriptions,
    connectors.check_connectors,
    loggers.check_loggers,
    limits.check_limits,
    keys.check_key_folders,
    targets.check_target,
)

FLEET_RULES = (topology.check_fleet, packages.check_packages)


def run_rules(views, reporter, spec_dir):
    """Run every rule. They also run on a spec with schema errors, to report everything at
    once; a rule tripped up by such malformed data is skipped, the schema error stands."""
    for view in views:
        for rule in GROUP_RULES:
            _guarded(rule, view, reporter, spec_dir)
    for rule in FLEET_RULES:
        _guarded(rule, views, reporter, spec_dir)


def _guarded(rule, subject, reporter, spec_dir):
    try:
        rule(subject, reporter, spec_dir)
    except (TypeError, AttributeError, KeyError, ValueError, IndexError):
        if not reporter.errors:
            raise
