"""The V1 diff with no AWS at all: desired + actual in memory -> the changes and the steps."""
import pytest

from gg_manager.plan.model import Ref, Text
from gg_manager.plan.review import change_lines, difference_texts
from gg_manager.resources.iot import ActualPolicy
from gg_manager.targets.v1.diff import diff
from gg_manager.targets.v1.discover import ActualDefinition
from gg_manager.targets.v1.kinds import BY_KEY
from tests.targets.v1_world import CERT, desired_from, everything_as_desired, nothing_exists


def summary(plan):
    return sorted((c.action, c.kind) for c in plan.changes)


def ops(change):
    return [s.operation for s in change.steps]


def find(plan, kind, action=None):
    return next(c for c in plan.changes if c.kind == kind and (action is None or c.action == action))


def test_nothing_to_do_when_aws_holds_the_spec(tmp_path):
    desired = desired_from(tmp_path)
    plan = diff(desired, everything_as_desired(desired))
    assert plan.empty and plan.bookkeeping == [] and plan.deploy_needed == []


def test_create_everything_with_values_flowing_between_steps(tmp_path):
    desired = desired_from(tmp_path)
    plan = diff(desired, nothing_exists(desired))
    assert summary(plan) == sorted([
        ("create", "s3 bucket"), ("create", "iam role"), ("create", "lambda"), ("create", "group"),
        ("create", "iot thing"), ("create", "iot policy"), ("create", "certificate"), ("create", "device config"),
        ("create", "core definition"), ("create", "function definition"), ("create", "resource definition"),
        ("create", "subscription definition"), ("create", "logger definition"), ("create", "connector definition"),
        ("create", "group version")])
    group = find(plan, "group").steps[0]
    cert = find(plan, "certificate")
    assert ops(cert) == ["local:GenerateKey", "iot:CreateCertificateFromCsr", "local:WriteCertificate",
                         "iot:AttachThingPrincipal", "iot:AttachPolicy"]
    core = find(plan, "core definition").steps[0].params["InitialVersion"]["Cores"][0]
    assert core["CertificateArn"] == Ref(cert.steps[1], "arn")
    version = find(plan, "group version").steps[0].params
    assert version["GroupId"] == Ref(group, "id")
    assert version["CoreDefinitionVersionArn"] == Ref(find(plan, "core definition").steps[0], "version_arn")
    statements = find(plan, "iot policy").steps[0].params["policyDocument"]["Statement"]
    scoped = [r for s in statements for r in s["Resource"] if isinstance(r, Text)]
    assert scoped and all(Ref(group, "id") in r.parts for r in scoped)       # the new group's id, once known
    assert [c.stage for c in plan.staged()][:3] == ["first", "first", "first"]
    assert plan.bookkeeping and plan.deploy_needed == ["shop"]


EDITS = {
    "core": lambda c: c["Cores"][0].update(SyncShadow=True),
    "function": lambda c: c["Functions"][0]["FunctionConfiguration"].update(MemorySize=65536),
    "resource": lambda c: c["Resources"][0]["ResourceDataContainer"]["LocalVolumeResourceData"].update(
        DestinationPath="/elsewhere"),
    "subscription": lambda c: c["Subscriptions"][0].update(Subject="other/topic"),
    "logger": lambda c: c["Loggers"][0].update(Level="DEBUG"),
    "connector": lambda c: c["Connectors"][0]["Parameters"].update(FeedbackConfigurationMap="{}"),
}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_update_of_each_definition_kind(tmp_path, kind):
    desired = desired_from(tmp_path)
    actual = everything_as_desired(desired)
    EDITS[kind](actual.groups["shop"].definitions[kind].content)
    plan = diff(desired, actual)
    assert summary(plan) == sorted([("update", "%s definition" % kind), ("create", "group version")])
    update = find(plan, "%s definition" % kind)
    info = BY_KEY[kind]
    assert ops(update) == [info.create_version_op]
    assert update.steps[0].params[info.id_param] == "id-" + kind
    assert update.cause == "spec" and difference_texts(update.before, update.after)
    version = find(plan, "group version").steps[0].params
    assert version[info.version_arn_key] == Ref(update.steps[0], "version_arn")
    others = [k for k in EDITS if k != kind]
    assert all(version[BY_KEY[k].version_arn_key] == "arn:def/%s/versions/v1" % k for k in others)


def test_drift_is_told_from_a_spec_change(tmp_path):
    desired = desired_from(tmp_path)
    actual = everything_as_desired(desired)
    group = actual.groups["shop"]
    logger = group.definitions["logger"]
    logger.content["Loggers"][0]["Level"] = "DEBUG"
    logger.drifted, logger.recorded_template = True, desired.groups[0].template_hash("logger")
    group.version_made_outside = True
    plan = diff(desired, actual)
    assert {(c.action, c.kind, c.cause) for c in plan.changes} == {
        ("update", "logger definition", "drift"), ("create", "group version", "drift")}
    logger_change = find(plan, "logger definition")
    assert [line.text for line in change_lines(logger_change)] == ["Loggers[sys].Level: expected INFO, found DEBUG"]


def test_deletes_what_the_spec_dropped_after_the_new_group_version(tmp_path):
    desired = desired_from(tmp_path)
    actual = everything_as_desired(desired)
    group = actual.groups["shop"]
    group.definitions["device"] = ActualDefinition("id-dev", "arn:dev", "shop-devices", "v1", "arn:dev/versions/v1",
                                                   content={"Devices": []})
    group.version_definitions["device"] = "arn:dev/versions/v1"
    plan = diff(desired, actual)
    assert summary(plan) == [("create", "group version"), ("delete", "device definition")]
    order = [c.kind for c in plan.changes]
    assert order.index("group version") < order.index("device definition")
    assert ops(find(plan, "device definition")) == ["greengrass:DeleteDeviceDefinition"]


def test_policy_detached_from_the_certificate_is_attached_again(tmp_path):
    desired = desired_from(tmp_path)
    actual = everything_as_desired(desired)
    core = actual.groups["shop"].core
    core.policy = ActualPolicy(core.policy.document, [])
    plan = diff(desired, actual)
    assert summary(plan) == [("update", "certificate")]
    assert [(s.operation, s.params) for s in plan.changes[0].steps] == [
        ("iot:AttachPolicy", {"policyName": "shop-core-gg-policy", "target": CERT})]


def test_lambda_code_change_moves_the_alias_and_asks_for_a_deployment(tmp_path):
    desired = desired_from(tmp_path)
    actual = everything_as_desired(desired)
    found = actual.functions["fn"]
    found.latest["code_sha256"] = found.aliased["code_sha256"] = "old"
    plan = diff(desired, actual)
    assert summary(plan) == [("update", "lambda")]
    assert ops(plan.changes[0]) == ["local:BuildLambdaZip", "lambda:UpdateFunctionCode", "lambda:PublishVersion",
                                    "lambda:UpdateAlias"]
    assert plan.deploy_needed == ["shop"]
    deploying = diff(desired, actual, deploy=True)
    deployment = find(deploying, "deployment")
    assert ops(deployment) == ["greengrass:CreateDeployment"]
    assert deployment.steps[0].params == {"GroupId": "gid-1", "GroupVersionId": "gv-1",
                                          "DeploymentType": "NewDeployment"}


def test_an_undeployed_or_failed_latest_version_is_deploy_work(tmp_path):
    desired = desired_from(tmp_path)
    actual = everything_as_desired(desired)
    group = actual.groups["shop"]
    assert summary(diff(desired, actual, deploy=True)) == [("deploy", "deployment")]      # never deployed
    group.deployment = {"id": "d1", "version": "gv-1", "status": "Failure", "error": "boom"}
    plan = diff(desired, actual, deploy=True)
    assert plan.changes[0].fields == ["the deployment of version gv-1 failed: boom"]
    group.deployment = {"id": "d2", "version": "gv-1", "status": "Success", "error": None}
    assert diff(desired, actual, deploy=True).empty
