"""The deployment document: pinned components, reset-then-merge configuration, ROLLBACK by default."""
import json

import pytest
from v2_shapes import validate

from gg_manager.errors import GGError
from gg_manager.targets.v2 import deployment as d
from gg_manager.targets.v2 import public_components as pc
from gg_manager.targets.v2.connectors import translate
from gg_manager.targets.v2.logs import nucleus_logging
from gg_manager.targets.v2.subscriptions import route
from gg_manager.targets.v2.versioning import DIGEST_TAG

ARN = d.thing_group_arn("eu-west-1", "123456789012", "gg-edge-ml")
ROUTER = route([{"Id": "pred", "Source": "Lambda::inf", "Subject": "p", "Target": "cloud"}],
               ["inf"]).router_configuration()
LOGGING = nucleus_logging([{"Component": "GreengrassSystem", "Level": "INFO", "Space": 5120,
                            "Type": "FileSystem"}])


def example_components(memory_version="1.0.0"):
    components = d.public_entries("gg-gg-edge-ml-tes-alias", LOGGING, has_lambdas=True,
                                  router=ROUTER)
    components["inf"] = d.component_entry(memory_version, run_with={"posixUser": "1001:1002"})
    components["gg.model.classifier"] = d.component_entry("1.0.0")
    return components


def test_the_example_deployment_fits_botocore_with_every_public_component_pinned():
    request = d.create_deployment_request(ARN, "gg-edge-ml", example_components(),
                                          tags={"gg:managed-by": "gg"})
    validate("greengrassv2", "CreateDeployment", request)
    digest = request["tags"]["gg:content-sha256"]
    assert request["deploymentName"] == "gg-gg-edge-ml (gg, sha256:%s)" % digest      # the list shows it
    assert d.deployment_digest(request) == digest
    assert request["targetArn"] == "arn:aws:iot:eu-west-1:123456789012:thinggroup/gg-edge-ml"
    comps = request["components"]
    for name in (pc.NUCLEUS, pc.LAMBDA_LAUNCHER, pc.LAMBDA_MANAGER, pc.LAMBDA_RUNTIMES,
                 pc.TOKEN_EXCHANGE, pc.SUBSCRIPTION_ROUTER):
        assert comps[name]["componentVersion"] == pc.pinned_version(name)
    for absent in (pc.LOG_MANAGER, pc.SHADOW_MANAGER, pc.CLIENT_DEVICE_AUTH, pc.MQTT_BRIDGE):
        assert absent not in comps
    assert comps["inf"] == {"componentVersion": "1.0.0", "runWith": {"posixUser": "1001:1002"}}
    assert request["deploymentPolicies"] == {
        "failureHandlingPolicy": "ROLLBACK",
        "componentUpdatePolicy": {"timeoutInSeconds": 60, "action": "NOTIFY_COMPONENTS"},
        "configurationValidationPolicy": {"timeoutInSeconds": 30}}


def test_every_owned_key_is_reset_before_it_is_merged():
    comps = example_components()
    router = comps[pc.SUBSCRIPTION_ROUTER]["configurationUpdate"]
    assert router["reset"] == ["/subscriptions"]
    assert json.loads(router["merge"]) == ROUTER
    nucleus = comps[pc.NUCLEUS]["configurationUpdate"]
    assert nucleus["reset"] == ["/interpolateComponentConfiguration", "/iotRoleAlias", "/logging"]
    assert json.loads(nucleus["merge"]) == {"iotRoleAlias": "gg-gg-edge-ml-tes-alias",
                                            "logging": {"level": "INFO", "totalLogsSizeKB": 5120},
                                            # a Lambda's volume names its model component's folder
                                            "interpolateComponentConfiguration": True}
    assert "configurationUpdate" not in comps[pc.LAMBDA_MANAGER]


def test_a_removed_subscription_does_not_linger_on_the_device():
    empty = d.public_entries("a", {}, has_lambdas=True, router={"subscriptions": {}})
    update = empty[pc.SUBSCRIPTION_ROUTER]["configurationUpdate"]
    assert update == {"reset": ["/subscriptions"], "merge": '{"subscriptions":{}}'}


def test_json_pointers_escape_slash_and_tilde():
    assert d.json_pointer("a/b~c") == "/a~1b~0c"


def test_failure_handling_is_settable_and_checked():
    request = d.create_deployment_request(ARN, "g", example_components(), "DO_NOTHING")
    assert request["deploymentPolicies"]["failureHandlingPolicy"] == "DO_NOTHING"
    with pytest.raises(GGError, match="ROLLBACK, DO_NOTHING"):
        d.create_deployment_request(ARN, "g", example_components(), "IGNORE")


def test_digest_changes_with_one_component_version_and_only_then():
    first = d.create_deployment_request(ARN, "g", example_components())
    again = d.create_deployment_request(ARN, "g", example_components(), tags={"other": "tag"})
    changed = d.create_deployment_request(ARN, "g", example_components(memory_version="1.0.1"))
    assert first["tags"][DIGEST_TAG] == again["tags"][DIGEST_TAG]
    assert first["tags"][DIGEST_TAG] != changed["tags"][DIGEST_TAG]
    assert d.deployment_digest(first) == first["tags"][DIGEST_TAG]


def test_client_devices_log_manager_shadows_and_connectors():
    sns = translate("alerts", "arn:aws:greengrass:eu-west-1::/connectors/SNS/versions/4",
                    {"DefaultSNSArn": "arn:aws:sns:eu-west-1:123456789012:t"})
    comps = d.public_entries("alias", {}, has_lambdas=False, log_manager={"x": 1},
                             shadow_manager={"synchronize": {}},
                             client_device_auth={"deviceGroups": {}},
                             bridge={"mqttTopicMapping": {"m": {}}}, connectors=[sns])
    for name in (pc.LOG_MANAGER, pc.SHADOW_MANAGER, pc.CLIENT_DEVICE_AUTH, pc.MOQUETTE,
                 pc.MQTT_BRIDGE, pc.IP_DETECTOR, pc.SNS, pc.LAMBDA_MANAGER):
        assert comps[name]["componentVersion"] == pc.pinned_version(name)
    assert comps[pc.MQTT_BRIDGE]["configurationUpdate"]["reset"] == ["/mqttTopicMapping"]
    assert comps[pc.SNS]["configurationUpdate"]["reset"] == ["/lambdaExecutionParameters"]
    validate("greengrassv2", "CreateDeployment", d.create_deployment_request(ARN, "g", comps))


def test_two_connectors_of_one_kind_are_refused():
    arn = "arn:aws:greengrass:eu-west-1::/connectors/SNS/versions/4"
    with pytest.raises(GGError, match="may hold one"):
        d.public_entries("a", {}, False, connectors=[translate("a", arn, {}), translate("b", arn, {})])


def test_an_empty_revision_removes_every_component():
    request = d.create_deployment_request(ARN, "g", {})
    validate("greengrassv2", "CreateDeployment", request)
    assert request["components"] == {}
