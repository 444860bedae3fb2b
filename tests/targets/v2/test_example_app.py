"""The building blocks compose: the example app, as parsed, translates into valid V2 requests."""
import json
import os

from v2_shapes import validate

from gg_manager.spec.diagnostics import Reporter
from gg_manager.spec.groups import expand_gpu, expand_models, group_views
from gg_manager.spec.render import render
from gg_manager.spec.yaml_marks import parse_yaml
from gg_manager.targets.v2 import deployment, device_role, lambda_component as lc, names
from gg_manager.targets.v2 import model_component as mc
from gg_manager.targets.v2.core_policy import core_iot_policies
from gg_manager.targets.v2.logs import log_manager_configuration, nucleus_logging
from gg_manager.targets.v2.shadows import shadow_manager_configuration
from gg_manager.targets.v2.subscriptions import route
from gg_manager.targets.v2.versioning import allocate_versions, content_digest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
REGION, ACCOUNT = "eu-west-1", "123456789012"
BUCKET = "gg-artifacts-%s-%s" % (ACCOUNT, REGION)


def example_view():
    path = os.path.join(ROOT, "greengrass.yaml")
    text = open(path, encoding="utf-8").read().replace("    runtime: python3.7\n", "")
    reporter = Reporter(path)
    (view,) = group_views(parse_yaml(render(text, path, {}, reporter).text, reporter), reporter)
    expand_gpu(view)
    expand_models(view)
    assert not reporter.errors
    return view


def translate(view, memory_kb=None, existing=None):
    """A minimal stand-in for phase 2's `lower`: every request the group needs.

    `existing`: component -> {version: digest}, as discovery would find them in AWS.
    """
    existing = existing or {}
    resources = {r.data["Id"]: r.data for r in view.items("Resources")}
    lambdas = [i.data for i in view.items("Lambdas")]
    routing = route([i.data for i in view.items("Subscriptions")], [f["name"] for f in lambdas])
    requests, components = {}, {}
    for fn in lambdas:
        config = dict(fn["greengrassConfig"])
        if memory_kb and "inference" in fn["name"]:
            config["MemorySize"] = memory_kb
        params = lc.lambda_parameters(config, resources, routing.event_sources.get(fn["name"], []))
        deps = lc.component_dependencies(lc.model_dependencies(config, resources),
                                         fn["name"] in routing.publishers)
        source = lc.lambda_source(fn["name"], "arn:aws:lambda:%s:%s:function:%s:1"
                                  % (REGION, ACCOUNT, fn["name"]), params, deps)
        digest = content_digest(source)
        version = allocate_versions(existing.get(fn["name"], {}), [digest])[digest]
        requests[fn["name"]] = lc.create_component_version_request(source, version)
        components[fn["name"]] = deployment.component_entry(version)
    zip_sha = "ab" * 32
    model = mc.with_version(mc.model_recipe(
        "classifier", resources["classifier"]["S3MachineLearningModelResourceData"]["DestinationPath"],
        "s3://%s/gg-models/classifier/%s.zip" % (BUCKET, zip_sha), zip_sha), "1.0.0")
    requests["gg.model.classifier"] = mc.create_component_version_request(model)
    components["gg.model.classifier"] = deployment.component_entry("1.0.0")
    group = view.name
    loggers = [i.data for i in view.items("Loggers")]
    components.update(deployment.public_entries(
        names.role_alias(group), nucleus_logging(loggers), has_lambdas=True,
        router=routing.router_configuration(),
        log_manager=log_manager_configuration(loggers, [f["name"] for f in lambdas]),
        shadow_manager=shadow_manager_configuration(view.items("Cores")[0].data["SyncShadow"])))
    requests["deployment"] = deployment.create_deployment_request(
        deployment.thing_group_arn(REGION, ACCOUNT, group), group, components)
    requests["policies"] = core_iot_policies(
        REGION, ACCOUNT, view.items("Cores")[0].data["name"], names.role_alias(group),
        routing.cloud_publish, routing.cloud_subscribe)
    requests["role"] = device_role.role_policy(REGION, ACCOUNT, [
        a["URI"] for a in model["Manifests"][0]["Artifacts"]])
    return requests


def test_every_request_of_the_example_app_is_valid():
    requests = translate(example_view())
    for name in ("gg-edge-ml-inference", "gg-edge-ml-camera", "gg.model.classifier"):
        validate("greengrassv2", "CreateComponentVersion", requests[name])
    validate("greengrassv2", "CreateDeployment", requests["deployment"])
    for doc in requests["policies"]:
        validate("iot", "CreatePolicy", {"policyName": "p", "policyDocument": json.dumps(doc)})
    comps = requests["deployment"]["components"]
    assert comps["aws.greengrass.ShadowManager"]                      # SyncShadow: true
    inference = requests["gg-edge-ml-inference"]["lambdaFunction"]
    assert inference["componentDependencies"]["gg.model.classifier"]["dependencyType"] == "HARD"
    assert inference["componentLambdaParameters"]["linuxProcessParams"]["containerParams"][
        "memorySizeInKB"] == 1048576
    camera = requests["gg-edge-ml-camera"]["lambdaFunction"]["componentLambdaParameters"]
    assert camera["eventSources"] == [{"topic": "/request/classify/+", "type": "IOT_CORE"}]


def _in_aws(requests):
    """What AWS would hold after these CreateComponentVersion calls: name -> {version: digest}."""
    out = {}
    for name, request in requests.items():
        if name.startswith("gg-edge-ml-"):
            fn = request["lambdaFunction"]
            out[name] = {fn["componentVersion"]: request["tags"]["gg:content-sha256"]}
    return out


def test_nothing_changed_means_the_same_versions_and_deployment():
    view = example_view()
    first = translate(view)
    assert translate(view, existing=_in_aws(first)) == first


def test_a_memory_change_touches_one_component_and_the_deployment_only():
    view = example_view()
    before = translate(view)
    after = translate(view, memory_kb=2097152, existing=_in_aws(before))
    changed = sorted(k for k in before if before[k] != after[k])
    assert changed == ["deployment", "gg-edge-ml-inference"]
    assert after["gg-edge-ml-inference"]["lambdaFunction"]["componentVersion"] == "1.0.1"
    comps = after["deployment"]["components"]
    assert comps["gg-edge-ml-inference"]["componentVersion"] == "1.0.1"
    assert comps["gg-edge-ml-camera"] == before["deployment"]["components"]["gg-edge-ml-camera"]
