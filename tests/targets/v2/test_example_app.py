"""The example app through the real lower and resolve, without AWS: every request it makes fits
botocore, nothing changed means the same versions and deployment, one change touches only what it
must (a Lambda's memory: its component and the deployment; a model: its component, the deployment
and the role's read of the new object)."""
import json
import os
import shutil
from types import SimpleNamespace

import pytest
from v2_shapes import validate

from gg_manager.aws.session import AwsContext
from gg_manager.spec import load_spec
from gg_manager.targets.v2 import lambda_component as lc
from gg_manager.targets.v2 import model_component as mc
from gg_manager.targets.v2 import names
from gg_manager.targets.v2.discover import ActualComponent
from gg_manager.targets.v2.lower import lower
from gg_manager.targets.v2.resolve import resolve

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
REGION, ACCOUNT = "eu-west-1", "123456789012"
CTX = AwsContext(session=None, region=REGION, endpoint_url=None, account=ACCOUNT)


@pytest.fixture
def app(tmp_path):
    shutil.copy(os.path.join(ROOT, "greengrass.yaml"), tmp_path)
    shutil.copytree(os.path.join(ROOT, "lambdas"), tmp_path / "lambdas",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def desired_of(app, **variables):
    result = load_spec(str(app / "greengrass.yaml"), variables)
    assert result.ok, [d.format() for d in result.diagnostics]
    return lower(result.spec, CTX)


def actual_of(desired, held=None, model_digest="ab" * 32):
    """What discovery would read: the model's ZIP key, and the component versions AWS holds."""
    models = {k: {"key": names.model_zip_key(k, model_digest), "digest": model_digest, "exists": True}
              for k in desired.models}
    return SimpleNamespace(models=models, unmanaged={}, components={
        n: ActualComponent("arn:aws:greengrass:%s:%s:components:%s" % (REGION, ACCOUNT, n), dict(v))
        for n, v in (held or {}).items()})


def held_after(resolved):
    """AWS after the plan created every version: name -> {version: digest}."""
    return {n: {w.version: w.digest for w in c.values()} for n, c in resolved.contents.items()}


def test_every_request_of_the_example_app_is_valid(app):
    desired = desired_of(app)
    group, = desired.groups
    resolved = resolve(desired, actual_of(desired))
    for name, contents in resolved.contents.items():
        wanted, = contents.values()
        assert wanted.version == "1.0.0"
        if wanted.kind == "lambda":
            request = lc.create_component_version_request(
                wanted.content, "arn:aws:lambda:%s:%s:function:%s:1" % (REGION, ACCOUNT, name), wanted.version)
        else:
            request = mc.create_component_version_request(mc.with_version(wanted.content, wanted.version))
            request["inlineRecipe"] = mc.recipe_bytes(request["inlineRecipe"])
        validate("greengrassv2", "CreateComponentVersion", request)
    request = resolved.deployments[group.name]
    validate("greengrassv2", "CreateDeployment", request)
    for _, doc in group.policies:
        validate("iot", "CreatePolicy", {"policyName": "p", "policyDocument": json.dumps(doc)})
    comps = request["components"]
    assert comps["aws.greengrass.ShadowManager"]                      # SyncShadow: true
    assert json.loads(comps["aws.greengrass.Nucleus"]["configurationUpdate"]["merge"])[
        "interpolateComponentConfiguration"] is True
    inference = resolved.contents["gg-edge-ml-inference"]
    content, = [w.content for w in inference.values()]
    assert content["componentDependencies"]["gg.model.classifier"]["dependencyType"] == "HARD"
    container = content["componentLambdaParameters"]["linuxProcessParams"]["containerParams"]
    assert container["memorySizeInKB"] == 1048576
    assert {"sourcePath": "{gg.model.classifier:artifacts:decompressedPath}/classifier",
            "destinationPath": "/ml/classifier", "permission": "ro", "addGroupOwner": False} in container["volumes"]
    camera, = [w.content for w in resolved.contents["gg-edge-ml-camera"].values()]
    assert camera["componentLambdaParameters"]["eventSources"] == [
        {"topic": "/request/classify/+", "type": "IOT_CORE"}]
    role = resolved.roles[group.name].policy
    objects = [s["Resource"] for s in role["Statement"] if s["Action"] == ["s3:GetObject"]]
    assert objects == [["arn:aws:s3:::gg-artifacts-%s-%s/%s" % (ACCOUNT, REGION,
                                                                names.model_zip_key("classifier", "ab" * 32))]]


def test_nothing_changed_means_the_same_versions_and_deployment(app):
    desired = desired_of(app)
    first = resolve(desired, actual_of(desired))
    again = resolve(desired, actual_of(desired, held_after(first)))
    assert again.deployments == first.deployments
    assert again.new_versions(actual_of(desired, held_after(first))) == []


def test_a_memory_change_touches_one_component_and_the_deployment_only(app):
    desired = desired_of(app)
    before = resolve(desired, actual_of(desired))
    text = (app / "greengrass.yaml").read_text().replace("MemorySize: 1048576", "MemorySize: 2097152")
    (app / "greengrass.yaml").write_text(text)
    changed = desired_of(app)
    actual = actual_of(changed, held_after(before))
    after = resolve(changed, actual)
    new = [(w.name, w.version) for w in after.new_versions(actual)]
    assert new == [("gg-edge-ml-inference", "1.0.1")]
    group = desired.groups[0].name
    comps, old = after.deployments[group]["components"], before.deployments[group]["components"]
    assert sorted(k for k in comps if comps[k] != old[k]) == ["gg-edge-ml-inference"]
    assert after.deployments[group]["deploymentName"] != before.deployments[group]["deploymentName"]
    assert after.roles == before.roles


def test_a_model_change_is_a_new_model_version_only(app):
    desired = desired_of(app)
    before = resolve(desired, actual_of(desired))
    actual = actual_of(desired, held_after(before), model_digest="cd" * 32)
    after = resolve(desired, actual)
    assert [(w.name, w.version) for w in after.new_versions(actual)] == [("gg.model.classifier", "1.0.1")]
    group = desired.groups[0].name
    comps, old = after.deployments[group]["components"], before.deployments[group]["components"]
    assert sorted(k for k in comps if comps[k] != old[k]) == ["gg.model.classifier"]
    assert after.contents["gg-edge-ml-inference"] == before.contents["gg-edge-ml-inference"]
