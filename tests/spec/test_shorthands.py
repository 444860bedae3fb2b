"""GPU and ML model shorthands expand to what the Greengrass API takes (through the V1 target's lowering)."""
from gg_manager.spec import load_spec
from gg_manager.spec.model import LocalModel
from gg_manager.targets.v1 import lower as v1

GPU_DEVICES = {"/dev/nvidia0", "/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools"}


def test_gpu_line_adds_devices_and_rw_access(validate, base):
    run = validate(base.replace("    package: src\n", "    package: src\n    gpu: true\n"))
    assert run.code == 0, run.text
    group = load_spec(run.path).spec.groups[0]
    resources = v1.resource_definition(group, {})["Resources"]
    devices = {r["Id"]: r["ResourceDataContainer"]["LocalDeviceResourceData"]["SourcePath"]
               for r in resources if "LocalDeviceResourceData" in r["ResourceDataContainer"]}
    assert set(devices.values()) == GPU_DEVICES
    config = v1.function_definition(group, {"fn": "arn:fn:live"})["Functions"][0]["FunctionConfiguration"]
    granted = {p["ResourceId"]: p["Permission"] for p in config["Environment"]["ResourceAccessPolicies"]}
    assert granted == dict({"vol": "rw"}, **{i: "rw" for i in devices})


def test_gpu_reuses_devices_already_declared(validate):
    import os
    here = os.path.dirname(__file__)
    path = os.path.join(here, "fixtures", "object_detection", "greengo.yaml")
    text = open(path).read().replace("    alias: dev\n", "    alias: dev\n    gpu: true\n")
    run = validate(text)
    # the fixture's package folder is relative to the fixture; only the GPU part matters here
    assert "duplicate" not in run.text


def test_model_sources(validate, base, workdir):
    (workdir / "model").mkdir()
    (workdir / "model" / "model-shapes.json").write_text("[]")
    text = base + """\
Models:
  - Id: trained
    DestinationPath: /ml/a
    Source: arn:aws:sagemaker:us-east-1:123456789012:training-job/boxes-7
  - Id: tarball
    DestinationPath: /ml/b
    Source: s3://models/b/model.tar.gz
  - Id: folder
    Name: LocalBoxes
    DestinationPath: /ml/c
    Source: ./model
"""
    run = validate(text)
    assert run.code == 0, run.text
    group = load_spec(run.path).spec.groups[0]
    local = [r for r in group.resources if r.id == "folder"][0]
    assert local.source == LocalModel(str(workdir / "model"))
    entries = {r["Id"]: r for r in v1.resource_definition(
        group, {"folder": "s3://bucket/gg-models/folder/abc.tar.gz"})["Resources"]}
    assert entries["trained"]["ResourceDataContainer"] == {"SageMakerMachineLearningModelResourceData": {
        "DestinationPath": "/ml/a",
        "SageMakerJobArn": "arn:aws:sagemaker:us-east-1:123456789012:training-job/boxes-7"}}
    assert entries["tarball"]["ResourceDataContainer"] == {"S3MachineLearningModelResourceData": {
        "DestinationPath": "/ml/b", "S3Uri": "s3://models/b/model.tar.gz"}}
    assert entries["folder"]["Name"] == "LocalBoxes"
    assert entries["folder"]["ResourceDataContainer"]["S3MachineLearningModelResourceData"]["S3Uri"] == \
        "s3://bucket/gg-models/folder/abc.tar.gz"


def test_model_source_problems(validate, base, location):
    text = base + """\
Models:
  - Id: gone
    DestinationPath: /ml/a
    Source: ./no-such-model
  - Id: notar
    DestinationPath: ml/b
    Source: s3://models/b/model.bin
"""
    run = validate(text)
    assert run.code == 1
    line, col = location(text, "./no-such-model")
    assert "%s:%d:%d Models[0].Source: model folder './no-such-model' does not exist" % (
        run.path, line, col) in run.err
    assert "Models[1].Source: an S3 model must be a .tar.gz or .zip archive" in run.err
    assert "Models[1].DestinationPath: DestinationPath must be an absolute path, got 'ml/b'" in run.err


def test_subscription_endpoints_resolve_by_name(validate, base):
    run = validate(base)
    group = load_spec(run.path).spec.groups[0]
    arns = {"Lambda::fn": "arn:aws:lambda:us-east-1:1:function:fn:live", "cloud": "cloud"}
    subs = v1.subscription_definition(group, lambda e: arns[str(e)])["Subscriptions"]
    assert subs[0]["Source"] == "arn:aws:lambda:us-east-1:1:function:fn:live"
    assert subs[0]["Target"] == "cloud"
    assert subs[0]["Id"].startswith("sub-")
    again = load_spec(run.path).spec.groups[0]
    assert again.subscriptions[0].id == group.subscriptions[0].id  # stable across runs
