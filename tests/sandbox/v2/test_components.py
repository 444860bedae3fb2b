"""Components through plain boto3: create from JSON/YAML recipes, describe, get, list, versions, delete, errors."""
import base64
import hashlib
import json

import pytest
import yaml
from botocore.exceptions import ClientError

from v2_helpers import ACCOUNT, component, error_of, name, recipe

PUBLIC = ("aws.greengrass.Nucleus", "aws.greengrass.LambdaLauncher", "aws.greengrass.LambdaManager",
          "aws.greengrass.LambdaRuntimes", "aws.greengrass.TokenExchangeService",
          "aws.greengrass.LegacySubscriptionRouter", "aws.greengrass.LogManager", "aws.greengrass.ShadowManager",
          "aws.greengrass.clientdevices.Auth", "aws.greengrass.clientdevices.mqtt.Moquette",
          "aws.greengrass.clientdevices.mqtt.EMQX", "aws.greengrass.clientdevices.mqtt.Bridge")


def test_create_from_json_then_describe_and_get(gg2):
    component_name = name("com.example.Json")
    made = gg2.create_component_version(inlineRecipe=json.dumps(recipe(component_name)).encode())
    arn = "arn:aws:greengrass:us-east-1:%s:components:%s:versions:1.0.0" % (ACCOUNT, component_name)
    assert made["arn"] == arn and made["componentName"] == component_name and made["componentVersion"] == "1.0.0"
    assert made["status"]["componentState"] == "REQUESTED"  # as AWS answers; it becomes DEPLOYABLE
    described = gg2.describe_component(arn=arn)
    assert described["status"]["componentState"] == "DEPLOYABLE"
    assert described["publisher"] == "gg tests" and described["description"] == "test component"
    assert described["platforms"] == [{"attributes": {"os": "linux"}}]
    got = gg2.get_component(arn=arn)
    assert got["recipeOutputFormat"] == "JSON" and json.loads(got["recipe"]) == recipe(component_name)
    as_yaml = gg2.get_component(arn=arn, recipeOutputFormat="YAML")
    assert as_yaml["recipeOutputFormat"] == "YAML" and yaml.safe_load(as_yaml["recipe"]) == recipe(component_name)


def test_create_from_yaml(gg2):
    component_name = name("com.example.Yaml")
    text = yaml.safe_dump(recipe(component_name, "2.1.0")).encode()
    made = gg2.create_component_version(inlineRecipe=text)
    assert json.loads(gg2.get_component(arn=made["arn"])["recipe"])["ComponentVersion"] == "2.1.0"


def test_s3_artifact_must_exist_and_gets_a_digest(gg2, s3):
    bucket = name("artifacts")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="app/run.py", Body=b"print('hi')\n")
    component_name = name("com.example.Art")
    made = gg2.create_component_version(inlineRecipe=json.dumps(recipe(
        component_name, artifacts=["s3://%s/app/run.py" % bucket])).encode())
    stored = json.loads(gg2.get_component(arn=made["arn"])["recipe"])
    artifact = stored["Manifests"][0]["Artifacts"][0]
    assert artifact["Algorithm"] == "SHA-256"
    assert artifact["Digest"] == base64.b64encode(hashlib.sha256(b"print('hi')\n").digest()).decode()
    missing = "s3://%s/app/missing.py" % bucket
    with pytest.raises(ClientError) as exc:
        gg2.create_component_version(inlineRecipe=json.dumps(recipe(name("com.example.Art"),
                                                                    artifacts=[missing])).encode())
    code, status, message = error_of(exc)
    assert (code, status) == ("ValidationException", 400)
    assert message == ("Invalid Input: Encountered following errors in Artifacts: "
                       "{%s = Specified artifact resource cannot be accessed}" % missing)


@pytest.mark.parametrize("blob,needle", [
    (b"{not json: [", "neither valid JSON nor valid YAML"),
    (b"- just\n- a list\n", "must be a JSON or YAML object"),
    (json.dumps({"RecipeFormatVersion": "2020-01-25", "ComponentVersion": "1.0.0"}).encode(), "ComponentName"),
    (json.dumps(recipe("com.example.BadVersion", "1.0")).encode(), "semantic version"),
    (json.dumps(recipe("aws.greengrass.Mine")).encode(), "reserved prefix"),
    (json.dumps(recipe("com.example.BadDep", ComponentDependencies={
        "aws.greengrass.Nucleus": {"VersionRequirement": ">=two"}})).encode(), "VersionRequirement"),
    (b"a: &x [1]\nb: *x\n", "aliases"),
])
def test_bad_recipes_are_validation_errors(gg2, blob, needle):
    with pytest.raises(ClientError) as exc:
        gg2.create_component_version(inlineRecipe=blob)
    code, status, message = error_of(exc)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("Invalid Input:") and needle in message


def test_same_version_twice_is_a_conflict(gg2):
    component_name, _, arn = component(gg2)
    with pytest.raises(ClientError) as exc:
        component(gg2, component_name)
    code, status, message = error_of(exc)
    assert (code, status) == ("ConflictException", 409)
    assert message == ("Component [%s : 1.0.0] for account [%s] already exists and can't be created again."
                       % (component_name, ACCOUNT))
    assert exc.value.response["resourceId"] == arn


def test_list_private_components_and_versions_with_pagination(sandbox):
    gg2 = sandbox.boto3_client("greengrassv2", region="eu-central-1", retries=0)
    names = sorted(name("com.example.Page%d" % i) for i in range(3))
    for component_name in names:
        for version in ("1.0.0", "1.10.0", "1.2.0"):
            component(gg2, component_name, version)
    listed = [c for p in gg2.get_paginator("list_components").paginate(PaginationConfig={"PageSize": 2})
              for c in p["components"]]
    mine = [c for c in listed if c["componentName"] in names]
    assert [c["componentName"] for c in mine] == names
    assert all(c["latestVersion"]["componentVersion"] == "1.10.0" for c in mine)  # semver order, not text
    first = gg2.list_components(maxResults=1)
    assert len(first["components"]) == 1 and first["nextToken"]
    component_arn = mine[0]["arn"]
    versions = [v["componentVersion"] for p in gg2.get_paginator("list_component_versions").paginate(
        arn=component_arn, PaginationConfig={"PageSize": 2}) for v in p["componentVersions"]]
    assert versions == ["1.10.0", "1.2.0", "1.0.0"]


def test_public_components_are_listed_and_described(gg2):
    public = {c["componentName"]: c for p in gg2.get_paginator("list_components").paginate(scope="PUBLIC")
              for c in p["components"]}
    assert set(PUBLIC) <= set(public)
    router = public["aws.greengrass.LegacySubscriptionRouter"]
    assert router["arn"] == "arn:aws:greengrass:us-east-1:aws:components:aws.greengrass.LegacySubscriptionRouter"
    versions = [v["componentVersion"] for v in gg2.list_component_versions(arn=router["arn"])["componentVersions"]]
    assert "2.1.13" in versions and versions == sorted(versions, key=lambda v: tuple(map(int, v.split("."))),
                                                       reverse=True)
    described = gg2.describe_component(arn=router["latestVersion"]["arn"])
    assert described["publisher"] == "AWS" and described["status"]["componentState"] == "DEPLOYABLE"
    config = json.loads(gg2.get_component(arn=router["latestVersion"]["arn"])["recipe"])
    assert config["ComponentConfiguration"]["DefaultConfiguration"] == {"subscriptions": {}}
    with pytest.raises(ClientError) as exc:
        gg2.delete_component(arn=router["latestVersion"]["arn"])
    assert error_of(exc)[0] == "ValidationException"


def test_delete_component_version(gg2):
    component_name, _, arn = component(gg2)
    component(gg2, component_name, "1.1.0")
    gg2.delete_component(arn=arn)
    with pytest.raises(ClientError) as exc:
        gg2.describe_component(arn=arn)
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404)
    assert exc.value.response["resourceId"] == arn
    remaining = gg2.list_component_versions(arn=arn.rsplit(":versions:", 1)[0])["componentVersions"]
    assert [v["componentVersion"] for v in remaining] == ["1.1.0"]
    with pytest.raises(ClientError) as exc:
        gg2.delete_component(arn=arn)
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_unknown_component_errors(gg2):
    arn = "arn:aws:greengrass:us-east-1:%s:components:com.example.Nope" % ACCOUNT
    with pytest.raises(ClientError) as exc:
        gg2.list_component_versions(arn=arn)
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as exc:
        gg2.get_component(arn=arn + ":versions:1.0.0")
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404)


def test_tags_on_component_versions(gg2):
    component_name = name("com.example.Tagged")
    made = gg2.create_component_version(inlineRecipe=json.dumps(recipe(component_name)).encode(),
                                        tags={"app": "edge-ml"})
    assert gg2.describe_component(arn=made["arn"])["tags"] == {"app": "edge-ml"}
    assert gg2.get_component(arn=made["arn"])["tags"] == {"app": "edge-ml"}
    gg2.tag_resource(resourceArn=made["arn"], tags={"team": "ml"})
    assert gg2.list_tags_for_resource(resourceArn=made["arn"])["tags"] == {"app": "edge-ml", "team": "ml"}
    gg2.untag_resource(resourceArn=made["arn"], tagKeys=["app"])
    assert gg2.list_tags_for_resource(resourceArn=made["arn"])["tags"] == {"team": "ml"}
    with pytest.raises(ClientError) as exc:
        gg2.tag_resource(resourceArn=made["arn"], tags={"aws:reserved": "x"})
    assert error_of(exc)[0] == "ValidationException"
    gone = made["arn"].replace(component_name, component_name + "x")
    with pytest.raises(ClientError) as exc:
        gg2.list_tags_for_resource(resourceArn=gone)
    assert error_of(exc)[:2] == ("ResourceNotFoundException", 404)


def test_client_token_makes_create_idempotent(gg2):
    component_name = name("com.example.Token")
    blob = json.dumps(recipe(component_name)).encode()
    first = gg2.create_component_version(inlineRecipe=blob, clientToken="tok-1")
    again = gg2.create_component_version(inlineRecipe=blob, clientToken="tok-1")
    assert first["arn"] == again["arn"] and first["creationTimestamp"] == again["creationTimestamp"]


def test_exactly_one_source_is_required(gg2):
    with pytest.raises(ClientError) as exc:
        gg2.create_component_version()
    assert error_of(exc)[0] == "ValidationException"
