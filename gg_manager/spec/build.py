"""Valid group views -> the typed Spec model (no checks here: they ran before)."""
import json
import os

from gg_manager.spec import model as m
from gg_manager.spec.frozen import freeze
from gg_manager.spec.groups import model_source_kind
from gg_manager.spec.rules.connectors import _params
from gg_manager.spec.rules.resources import container_of


def _strings(mapping):
    return {k: (json.dumps(v) if isinstance(v, bool) else str(v)) for k, v in (mapping or {}).items()}


def _core_settings(config):
    """greengrassConfig -> the Function fields saying how the core runs it."""
    env = config.get("Environment") or {}
    execution = env.get("Execution") or {}
    isolation = execution.get("IsolationMode")
    run_as = execution.get("RunAs")
    policies = env.get("ResourceAccessPolicies")
    memory = config.get("MemorySize")
    if memory is None and isolation != m.NO_CONTAINER:
        memory = m.DEFAULT_MEMORY_KB
    return dict(
        memory_kb=memory, timeout_s=config.get("Timeout", m.DEFAULT_TIMEOUT_S), pinned=config.get("Pinned"),
        isolation=isolation, access_sysfs=env.get("AccessSysfs"),
        run_as=m.RunAs(run_as.get("Uid"), run_as.get("Gid")) if run_as is not None else None,
        variables=freeze(_strings(env["Variables"])) if "Variables" in env else None,
        resource_access=tuple(m.ResourceAccess(p["ResourceId"], p.get("Permission")) for p in policies)
        if policies is not None else None,
        encoding=config.get("EncodingType"), executable=config.get("Executable"),
        exec_args=config.get("ExecArgs"), runtime_override=config.get("FunctionRuntimeOverride"))


def build_function(data, spec_dir, target=m.DEFAULT_TARGET):
    package = data.get("package")
    return m.Function(
        name=data["name"], alias=data.get("alias", m.DEFAULT_ALIAS), handler=data.get("handler"),
        package=os.path.normpath(os.path.join(spec_dir, package)) if package else None,
        runtime=data.get("runtime", m.DEFAULT_RUNTIMES[target]),
        requirements=tuple(r.strip() for r in data.get("requirements") or ()),
        role_arn=data.get("role"), environment=freeze(_strings(data.get("environment"))),
        **_core_settings(data.get("greengrassConfig") or {}))


def _group_owner(body):
    owner = body.get("GroupOwnerSetting")
    return m.GroupOwner(owner.get("AutoAddGroupOwner"), owner.get("GroupOwner")) if owner is not None else None


def _model_owner(body):
    owner = body.get("OwnerSetting")
    return m.ModelOwner(owner["GroupOwner"], owner["GroupPermission"]) if owner else None


def build_model(entry, spec_dir, location=""):
    """A `Models:` entry: its Source says where the model comes from (`location`: where it says so)."""
    source = entry["Source"]
    kind = model_source_kind(source)
    if kind == "sagemaker":
        origin = m.SageMakerModel(source)
    elif kind == "s3":
        origin = m.S3Model(source)
    else:
        origin = m.LocalModel(os.path.normpath(os.path.join(spec_dir, source)))
    return m.Model(entry["Id"], entry.get("Name") or entry["Id"], entry["DestinationPath"], origin,
                   _model_owner(entry), location)


def build_resource(item, spec_dir, locate=lambda path: ""):
    """`locate(path)`: "FILE:LINE:COL path" of a spec path (where a model's source is written)."""
    if item.model is not None:
        return build_model(item.model, spec_dir, locate(item.path + ("Source",)))
    data = item.data
    kind = container_of(data)
    body = data[kind]
    rid, name = data["Id"], data["Name"]
    if kind == "LocalVolumeResourceData":
        return m.Volume(rid, name, body["SourcePath"], body["DestinationPath"], _group_owner(body))
    if kind == "LocalDeviceResourceData":
        return m.DeviceFile(rid, name, body["SourcePath"], _group_owner(body))
    if kind == "S3MachineLearningModelResourceData":
        return m.Model(rid, name, body["DestinationPath"], m.S3Model(body["S3Uri"]), _model_owner(body),
                       locate(item.path + (kind, "S3Uri")))
    if kind == "SageMakerMachineLearningModelResourceData":
        return m.Model(rid, name, body["DestinationPath"], m.SageMakerModel(body["SageMakerJobArn"]),
                       _model_owner(body), locate(item.path + (kind, "SageMakerJobArn")))
    labels = body.get("AdditionalStagingLabelsToDownload")
    return m.Secret(rid, name, body["ARN"], tuple(labels) if labels is not None else None)


def build_subscription(data):
    sid = data.get("Id") or m.Subscription.default_id(data["Source"], data["Subject"], data["Target"])
    return m.Subscription(sid, m.Endpoint.parse(data["Source"]), data["Subject"],
                          m.Endpoint.parse(data["Target"]))


def build_group(view, spec_dir, locate=lambda path: ""):
    core = view.items("Cores")[0].data
    settings = view.settings
    role = settings.get("role")
    return m.Group(
        name=view.name,
        core=m.Core(core["name"], core.get("key_path", "./certs"), core.get("config_path", "./config"),
                    bool(core.get("SyncShadow", False))),
        devices=tuple(m.Device(d.data["name"], d.data.get("key_path", "./certs"),
                               bool(d.data.get("SyncShadow", False))) for d in view.items("Devices")),
        functions=tuple(build_function(i.data, spec_dir, view.target) for i in view.items("Lambdas")),
        resources=tuple(build_resource(i, spec_dir, locate) for i in view.items("Resources")),
        subscriptions=tuple(build_subscription(i.data) for i in view.items("Subscriptions")),
        loggers=tuple(m.Logger(i.data["Id"], i.data["Component"], i.data["Level"], i.data["Type"],
                               i.data.get("Space")) for i in view.items("Loggers")),
        connectors=tuple(m.Connector(i.data["Id"], i.data["ConnectorArn"], freeze(_params(i.data)))
                         for i in view.items("Connectors")),
        role_arn=None if role in (None, "generated") else role,
        tags=freeze({str(k): str(v) for k, v in (settings.get("tags") or {}).items()}),
        artifact_bucket=settings.get("artifactBucket"), target=view.target)
