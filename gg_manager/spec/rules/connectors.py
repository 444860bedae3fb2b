"""Connector rules: parameters per connector family (schemas/connectors/), and their links
to the group's ML resources and the ML Feedback connector."""
import json
import re
from functools import lru_cache

from gg_manager import bundled
from gg_manager.spec.rules.resources import ML_CONTAINERS, container_of
from gg_manager.spec.schema import did_you_mean, load_schema, report_schema_errors

ARN_RE = re.compile(r"::/connectors/([^/]+)/versions/([0-9]+)$")


@lru_cache(maxsize=None)
def connector_schemas():
    """Connector name -> (schema, that connector's facts) from schemas/connectors/*.json."""
    found = {}
    for path in bundled.connector_schema_names():
        schema = load_schema(path)
        for name, facts in schema.get("x-connectors", {}).items():
            found[name] = (schema, facts)
    return found


def parse_connector_arn(arn):
    m = ARN_RE.search(arn or "")
    return (m.group(1), int(m.group(2))) if m else (None, None)


def _params(data):
    """Parameters as the API holds them: strings."""
    params = data.get("Parameters") or {}
    return {k: (json.dumps(v) if isinstance(v, bool) else str(v)) for k, v in params.items()}


def check_connectors(view, reporter, spec_dir):
    schemas = connector_schemas()
    resources = {r.data.get("Id"): r for r in view.items("Resources")}
    seen_names = {}
    feedback_ids = None
    for item in view.items("Connectors"):
        if parse_connector_arn(item.data.get("ConnectorArn"))[0] == "MLFeedback":
            feedback_ids = _feedback_ids(item, reporter)
    for item in view.items("Connectors"):
        name, version = parse_connector_arn(item.data.get("ConnectorArn"))
        if name is None:
            continue
        arn_path = item.path + ("ConnectorArn",)
        if name in seen_names:
            reporter.error(arn_path, "connector %s is already in this group; a group may hold one "
                           "version of each connector" % name)
        seen_names[name] = item
        if name not in schemas:
            reporter.warning(arn_path, "unknown connector %r: its Parameters are not checked%s"
                             % (name, did_you_mean(name, schemas)))
            continue
        schema, facts = schemas[name]
        if version not in facts["versions"]:
            reporter.error(arn_path, "%s has no version %d (known: %s)"
                           % (name, version, ", ".join(map(str, facts["versions"]))))
        params = _params(item.data)
        ppath = item.path + ("Parameters",)
        report_schema_errors(params, schema, reporter, base=ppath)
        if "GPUAcceleration" in params and not facts["gpu"]:
            reporter.error(ppath + ("GPUAcceleration",), "GPUAcceleration applies only to the "
                           "Aarch64JTX2 connectors, not %s" % name)
        if schema.get("x-model-resource"):
            _check_model_link(item, params, schema["x-model-resource"], resources, reporter, view)
        config_id = params.get("MLFeedbackConnectorConfigId")
        if config_id:
            if feedback_ids is None:
                reporter.error(ppath + ("MLFeedbackConnectorConfigId",), "needs the ML Feedback "
                               "connector (MLFeedback) in the group")
            elif config_id not in feedback_ids:
                reporter.error(ppath + ("MLFeedbackConnectorConfigId",), "%r is not a key of the ML "
                               "Feedback connector's FeedbackConfigurationMap%s"
                               % (config_id, did_you_mean(config_id, feedback_ids)))


def _check_model_link(item, params, wanted, resources, reporter, view):
    ppath = item.path + ("Parameters",)
    rid = params.get("MLModelResourceId")
    if rid is None:
        return
    res = resources.get(rid)
    container = container_of(res.data) if res else None
    if container not in ML_CONTAINERS:
        ml_ids = [k for k, r in resources.items() if container_of(r.data) in ML_CONTAINERS]
        reporter.error(ppath + ("MLModelResourceId",), "%r is not an ML model resource of group %r%s"
                       % (rid, view.name, did_you_mean(rid, ml_ids)))
        return
    body = res.data[container]
    if container != wanted:
        reporter.error(ppath + ("MLModelResourceId",), "this connector needs a %s resource; %r is %s"
                       % (wanted, rid, container))
    dest, expected = params.get("MLModelDestinationPath"), body.get("DestinationPath")
    if dest is not None and isinstance(expected, str) and dest.rstrip("/") != expected.rstrip("/"):
        reporter.error(ppath + ("MLModelDestinationPath",), "%r must equal the DestinationPath of "
                       "resource %r, which is %r" % (dest, rid, expected))
    job = params.get("MLModelSageMakerJobArn")
    if job is not None and body.get("SageMakerJobArn") not in (None, job):
        reporter.error(ppath + ("MLModelSageMakerJobArn",), "must equal the SageMakerJobArn of "
                       "resource %r, which is %r" % (rid, body.get("SageMakerJobArn")))


def _feedback_ids(item, reporter):
    raw = _params(item.data).get("FeedbackConfigurationMap")
    if raw is None:
        return set()
    try:
        value = json.loads(raw)
    except ValueError as exc:
        reporter.error(item.path + ("Parameters", "FeedbackConfigurationMap"),
                       "not valid JSON: %s" % exc)
        return set()
    if not isinstance(value, dict):
        reporter.error(item.path + ("Parameters", "FeedbackConfigurationMap"),
                       "must be a JSON object of config id -> configuration")
        return set()
    return set(value)
