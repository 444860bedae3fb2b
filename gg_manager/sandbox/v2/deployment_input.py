"""CreateDeployment's input checked as the service checks it, with its defaults filled in (no moto)."""
import json

from . import arns, components
from .errors import not_found, validation

POLICY_DEFAULTS = {"failureHandlingPolicy": "ROLLBACK",
                   "componentUpdatePolicy": {"timeoutInSeconds": 60, "action": "NOTIFY_COMPONENTS"},
                   "configurationValidationPolicy": {"timeoutInSeconds": 30}}
FAILURE_TYPES = ("FAILED", "REJECTED", "TIMED_OUT", "ALL")


def _field(name, message):
    return validation("%s: %s" % (name, message), fields=[{"name": name, "message": message}])


def target(ctx, arn, field, iot, groups_only=False):
    """Check a target ARN names a thing or thing group of this account and region that exists."""
    parsed = arns.parse_target(arn)
    if parsed is None or (groups_only and parsed[3] != "thinggroup"):
        kind = "a thing group ARN" if groups_only else "a thing or thing group ARN"
        raise _field(field, "%s is not %s" % (arn, kind))
    _, region, account, kind, name = parsed
    if (region, account) != (ctx.region, ctx.account):
        raise _field(field, "%s is not in this account and region" % arn)
    if kind == "thing":
        exists = any(t.thing_name == name for t in iot.things.values())
    else:
        exists = any(g.thing_group_name == name for g in iot.thing_groups.values())
    if not exists:
        raise not_found("The %s %s does not exist." % ("thing" if kind == "thing" else "thing group", name),
                        arn, "THING" if kind == "thing" else "THING_GROUP")
    return kind, name


def component_specs(ctx, specs):
    """Each component version must exist and be deployable; configuration updates and runWith well formed."""
    if not isinstance(specs, dict):
        raise _field("components", "must be a map of component name to specification")
    for name, spec in specs.items():
        where = "components.%s" % name
        version = (spec or {}).get("componentVersion")
        found = components.lookup(ctx, name, version) if version else None
        if found is None:
            arn = arns.component_version(ctx.region, ctx.account, name, version)
            raise not_found("Component %s version %s does not exist." % (name, version), arn, "COMPONENT_VERSION")
        if found.state != "DEPLOYABLE":
            raise _field(where, "component version %s is not deployable (%s): %s" % (version, found.state,
                                                                                     found.message))
        _configuration_update(where, spec.get("configurationUpdate"))
        _run_with(where, spec.get("runWith"))


def _configuration_update(where, update):
    if update is None:
        return
    merge, reset = update.get("merge"), update.get("reset")
    if merge is not None:
        try:
            parsed = json.loads(merge)
        except (TypeError, ValueError):
            raise _field(where + ".configurationUpdate.merge", "must be a JSON object in a string") from None
        if not isinstance(parsed, dict):
            raise _field(where + ".configurationUpdate.merge", "must be a JSON object")
    for pointer in reset or []:
        if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")):
            raise _field(where + ".configurationUpdate.reset", "%r is not a JSON pointer ('' or '/...')" % pointer)


def _run_with(where, run_with):
    if run_with is None:
        return
    for user in ("posixUser", "windowsUser"):
        if user in run_with and not (isinstance(run_with[user], str) and run_with[user].strip()):
            raise _field(where + ".runWith." + user, "must be a user name")
    limits = run_with.get("systemResourceLimits") or {}
    for key in ("memory", "cpus"):
        if key in limits and not (isinstance(limits[key], (int, float)) and limits[key] >= 0):
            raise _field(where + ".runWith.systemResourceLimits." + key, "must be a number >= 0")


def policies(given):
    """deploymentPolicies with AWS's defaults filled in."""
    given = given or {}
    result = {"failureHandlingPolicy": given.get("failureHandlingPolicy", POLICY_DEFAULTS["failureHandlingPolicy"])}
    if result["failureHandlingPolicy"] not in ("ROLLBACK", "DO_NOTHING"):
        raise _field("deploymentPolicies.failureHandlingPolicy", "must be ROLLBACK or DO_NOTHING")
    update = dict(POLICY_DEFAULTS["componentUpdatePolicy"], **(given.get("componentUpdatePolicy") or {}))
    if update["action"] not in ("NOTIFY_COMPONENTS", "SKIP_NOTIFY_COMPONENTS"):
        raise _field("deploymentPolicies.componentUpdatePolicy.action",
                     "must be NOTIFY_COMPONENTS or SKIP_NOTIFY_COMPONENTS")
    check = dict(POLICY_DEFAULTS["configurationValidationPolicy"], **(given.get("configurationValidationPolicy") or {}))
    for name, value in (("componentUpdatePolicy", update), ("configurationValidationPolicy", check)):
        if not isinstance(value["timeoutInSeconds"], int) or value["timeoutInSeconds"] < 1:
            raise _field("deploymentPolicies.%s.timeoutInSeconds" % name, "must be a positive integer")
    result["componentUpdatePolicy"], result["configurationValidationPolicy"] = update, check
    return result


def job_configuration(config):
    """iotJobConfiguration: the ranges botocore's model gives, checked."""
    config = config or {}
    rollout = config.get("jobExecutionsRolloutConfig") or {}
    rate = rollout.get("exponentialRate")
    if rate is not None:
        _range("exponentialRate.baseRatePerMinute", rate.get("baseRatePerMinute"), 1, 1000)
        _range("exponentialRate.incrementFactor", rate.get("incrementFactor"), 1, 5)
        criteria = rate.get("rateIncreaseCriteria") or {}
        if not (criteria.get("numberOfNotifiedThings") or criteria.get("numberOfSucceededThings")):
            raise _field("exponentialRate.rateIncreaseCriteria",
                         "needs numberOfNotifiedThings or numberOfSucceededThings")
    if rollout.get("maximumPerMinute") is not None:
        _range("jobExecutionsRolloutConfig.maximumPerMinute", rollout["maximumPerMinute"], 1, 1000)
    for i, criterion in enumerate((config.get("abortConfig") or {}).get("criteriaList") or []):
        _abort_criterion("abortConfig.criteriaList[%d]" % i, criterion)
    timeout = (config.get("timeoutConfig") or {}).get("inProgressTimeoutInMinutes")
    if timeout is not None:
        _range("timeoutConfig.inProgressTimeoutInMinutes", timeout, 1, 10080)
    return config


def _abort_criterion(where, criterion):
    if criterion.get("failureType") not in FAILURE_TYPES:
        raise _field(where + ".failureType", "must be one of %s" % "|".join(FAILURE_TYPES))
    if criterion.get("action") != "CANCEL":
        raise _field(where + ".action", "must be CANCEL")
    _range(where + ".thresholdPercentage", criterion.get("thresholdPercentage"), 0, 100)
    _range(where + ".minNumberOfExecutedThings", criterion.get("minNumberOfExecutedThings"), 1, None)


def _range(name, value, low, high):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < low or (high is not None
                                                                                         and value > high):
        raise _field(name, "must be a number from %s to %s" % (low, high if high is not None else "any"))
