"""Validation rules that hold only when a group targets Greengrass V2.

Each rule has the signature of the spec's other rules, `(view, reporter,
spec_dir)`, over a group view (spec/groups.py: `name`, `settings`,
`items(section)` with `.data` and `.path`), so an error points at the line
that causes it. They reuse the translations themselves (a subscription is
refused here for exactly the reason the router translation refuses it), so
what validates is what deploys.
"""
from gg_manager.errors import GGError
from gg_manager.spec.schema import load_schema
from gg_manager.targets.v2 import connectors, names
from gg_manager.targets.v2.model_component import destination_problem
from gg_manager.targets.v2.runtimes import runtime_problem
from gg_manager.targets.v2.subscriptions import route

ML_CONTAINERS = ("S3MachineLearningModelResourceData", "SageMakerMachineLearningModelResourceData")
RUNTIMES = tuple(load_schema()["$defs"]["lambda"]["properties"]["runtime"]["enum"]) + (None,)


def _report(reporter, severity, path, message):
    (reporter.warning if severity == "warning" else reporter.error)(path, message)


def check_runtimes(view, reporter, spec_dir):
    for item in view.items("Lambdas"):
        if "package" not in item.data or item.data.get("runtime") not in RUNTIMES:
            continue  # an existing Lambda: its runtime is AWS's to report; an unknown one: the schema's
        problem = runtime_problem(item.data.get("runtime"))
        if problem:
            path = item.path + ("runtime",) if "runtime" in item.data else item.path
            _report(reporter, problem[0], path, problem[1])


def check_function_settings(view, reporter, spec_dir):
    for item in view.items("Lambdas"):
        config = item.data.get("greengrassConfig") or {}
        base = item.path + ("greengrassConfig",)
        if config.get("Executable"):
            reporter.error(base + ("Executable",), "Greengrass V2 runs Lambda components on the "
                           "function's runtime; an Executable (native) Lambda has no V2 equivalent")
        run_as = ((config.get("Environment") or {}).get("Execution") or {}).get("RunAs") or {}
        if run_as and run_as.get("Uid") is None:
            reporter.warning(base + ("Environment", "Execution", "RunAs"), "Greengrass V2 runs a "
                             "component as a user (runWith.posixUser); a Gid without a Uid is "
                             "dropped, the core's default user applies")


def check_resources(view, reporter, spec_dir):
    for item in view.items("Resources"):
        data = item.data
        if "SecretsManagerSecretResourceData" in data:
            reporter.error(item.path, "secret resources have no Greengrass V2 equivalent in a "
                           "Lambda's environment; deploy aws.greengrass.SecretManager and read the "
                           "secret over IPC")
        for kind, body in data.items():
            owner = isinstance(body, dict) and (body.get("GroupOwnerSetting") or {}).get("GroupOwner")
            if owner:
                reporter.warning(item.path + (kind, "GroupOwnerSetting", "GroupOwner"),
                                 "Greengrass V2 can add only the component's own group as owner "
                                 "(addGroupOwner); GroupOwner %r is dropped" % owner)


def check_model_destinations(view, reporter, spec_dir):
    for item in view.items("Resources"):
        for kind in ML_CONTAINERS:
            body = item.data.get(kind)
            if isinstance(body, dict) and "Models" not in item.path:  # Models: checked below
                _check_destination(reporter, item.path + (kind, "DestinationPath"),
                                   body.get("DestinationPath"))
    for item in view.items("Models"):
        _check_destination(reporter, item.path + ("DestinationPath",),
                           item.data.get("DestinationPath"))


def check_model_names(view, reporter, spec_dir):
    """Two model Ids one component name: the nucleus interpolates only [A-Za-z0-9_.] in component names,
    so '-' and ':' become '_' (names.model_component)."""
    seen = {}
    for item in view.items("Models") + [r for r in view.items("Resources") if "Models" not in r.path and
                                        any(k in r.data for k in ML_CONTAINERS)]:
        model_id = item.data.get("Id")
        if not isinstance(model_id, str):
            continue
        name = names.MODEL_PREFIX + names.model_stem(model_id)
        if name in seen and seen[name] != model_id:
            reporter.error(item.path + ("Id",), "models %r and %r would both be component %s on Greengrass V2 "
                           "('-' and ':' become '_'); rename one" % (seen[name], model_id, name))
        seen.setdefault(name, model_id)


def check_model_permissions(view, reporter, spec_dir):
    models = {r.data.get("Id") for r in view.items("Resources")
              if any(k in r.data for k in ML_CONTAINERS)}
    for item in view.items("Lambdas"):
        env = (item.data.get("greengrassConfig") or {}).get("Environment") or {}
        for i, policy in enumerate(env.get("ResourceAccessPolicies") or []):
            if policy.get("ResourceId") in models and policy.get("Permission") == "rw":
                reporter.warning(item.path + ("greengrassConfig", "Environment",
                                              "ResourceAccessPolicies", i, "Permission"),
                                 "a model is read-only on Greengrass V2 (component artifacts "
                                 "cannot be written); the Lambda gets it read-only")


def _check_destination(reporter, path, destination):
    if isinstance(destination, str):
        problem = destination_problem(destination)
        if problem:
            reporter.error(path, problem)


def _mapped_connectors(view):
    out = {}
    for item in view.items("Connectors"):
        result = connectors.translate(item.data.get("Id"), item.data.get("ConnectorArn", ""),
                                      item.data.get("Parameters") or {})
        out[item.data.get("Id")] = (item, result)
    return out


def check_connectors(view, reporter, spec_dir):
    for item, result in _mapped_connectors(view).values():
        if result.refusal:
            reporter.error(item.path + ("ConnectorArn",), result.refusal)


def check_subscriptions(view, reporter, spec_dir):
    items = view.items("Subscriptions")
    results = _mapped_connectors(view)
    mapped = {cid: r.component for cid, (_item, r) in results.items() if r.component}
    routing = route([i.data for i in items], _names(view, "Lambdas"), _names(view, "Devices"),
                    mapped, unmapped_connectors=[cid for cid in results if cid not in mapped])
    for problem in routing.problems:
        if problem.unknown_endpoint or problem.common:
            continue  # the common subscription rules report it (an unknown one with a "did you mean")
        item = items[problem.index]
        path = item.path + ((problem.field,) if problem.field else ())
        _report(reporter, problem.severity, path, problem.message)


def check_names(view, reporter, spec_dir):
    for make in (names.token_exchange_role, names.role_alias):
        try:
            make(view.name)
        except GGError as exc:
            reporter.error(view.path + ("name",), str(exc))
            return


def _names(view, section):
    return [i.data.get("name") for i in view.items(section) if isinstance(i.data.get("name"), str)]


V2_RULES = (check_runtimes, check_function_settings, check_resources, check_model_destinations,
            check_model_names, check_model_permissions, check_connectors, check_subscriptions, check_names)


def check_v2(view, reporter, spec_dir):
    """Every V2 rule on one group view."""
    for rule in V2_RULES:
        rule(view, reporter, spec_dir)
