"""Valid group views -> the typed Spec model (no checks here: they ran before)."""
import copy
import json
import os

from gg_manager.spec import model as m
from gg_manager.spec.frozen import freeze
from gg_manager.spec.rules.connectors import _params
from gg_manager.spec.rules.resources import container_of

# What the Greengrass console fills in for a Lambda without settings.
DEFAULT_TIMEOUT_S = 3
DEFAULT_MEMORY_KB = 16384


def _strings(mapping):
    return {k: (json.dumps(v) if isinstance(v, bool) else str(v)) for k, v in (mapping or {}).items()}


def _configuration(data):
    config = copy.deepcopy(data.get("greengrassConfig") or {})
    env = config.get("Environment")
    if isinstance(env, dict) and "Variables" in env:
        env["Variables"] = _strings(env["Variables"])
    isolation = ((env or {}).get("Execution") or {}).get("IsolationMode")
    config.setdefault("Timeout", DEFAULT_TIMEOUT_S)
    if isolation != "NoContainer":
        config.setdefault("MemorySize", DEFAULT_MEMORY_KB)
    return config


def build_function(data, spec_dir):
    package = data.get("package")
    return m.Function(
        name=data["name"], alias=data.get("alias", m.DEFAULT_ALIAS), handler=data.get("handler"),
        package=os.path.normpath(os.path.join(spec_dir, package)) if package else None,
        runtime=data.get("runtime", m.DEFAULT_RUNTIME),
        requirements=tuple(r.strip() for r in data.get("requirements") or ()),
        role_arn=data.get("role"), environment=freeze(_strings(data.get("environment"))),
        configuration=freeze(_configuration(data)))


def build_resource(data, spec_dir):
    kind = container_of(data)
    local = data.get("x-local-model")
    return m.Resource(id=data["Id"], name=data["Name"], kind=kind, data=freeze(data[kind]),
                      local_model=os.path.normpath(os.path.join(spec_dir, local)) if local else None)


def build_subscription(data):
    sid = data.get("Id") or m.Subscription.default_id(data["Source"], data["Subject"], data["Target"])
    return m.Subscription(sid, m.Endpoint.parse(data["Source"]), data["Subject"],
                          m.Endpoint.parse(data["Target"]))


def build_group(view, spec_dir):
    core = view.items("Cores")[0].data
    settings = view.settings
    role = settings.get("role")
    return m.Group(
        name=view.name,
        core=m.Core(core["name"], core.get("key_path", "./certs"), core.get("config_path", "./config"),
                    bool(core.get("SyncShadow", False))),
        devices=tuple(m.Device(d.data["name"], d.data.get("key_path", "./certs"),
                               bool(d.data.get("SyncShadow", False))) for d in view.items("Devices")),
        functions=tuple(build_function(i.data, spec_dir) for i in view.items("Lambdas")),
        resources=tuple(build_resource(i.data, spec_dir) for i in view.items("Resources")),
        subscriptions=tuple(build_subscription(i.data) for i in view.items("Subscriptions")),
        loggers=tuple(m.Logger(i.data["Id"], i.data["Component"], i.data["Level"], i.data["Type"],
                               i.data.get("Space")) for i in view.items("Loggers")),
        connectors=tuple(m.Connector(i.data["Id"], i.data["ConnectorArn"], freeze(_params(i.data)))
                         for i in view.items("Connectors")),
        role_arn=None if role in (None, "generated") else role,
        tags=freeze({str(k): str(v) for k, v in (settings.get("tags") or {}).items()}),
        artifact_bucket=settings.get("artifactBucket"))
