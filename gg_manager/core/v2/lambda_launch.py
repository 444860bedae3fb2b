"""What a Lambda component's recipe tells the core about running its function.

A Lambda component (ComponentType aws.greengrass.lambda, made by CreateComponentVersion from
a Lambda version) carries its function in Lifecycle.setenv (AWS_GREENGRASS_LAMBDA_ARN,
_FUNCTION_HANDLER, _ARTIFACT_PATH = the unpacked lambda-artifact.zip, _RUNTIME, _PARAMS =
{configuration:/lambdaExecutionParameters}) and its behaviour in its configuration (pinned,
timeoutInSeconds, maxIdleTimeInSeconds, inputPayloadEncodingType, containerMode,
containerParams, pubsubTopics). LambdaLaunch is all of that, checked, in the terms the
shared Lambda process machinery takes.
"""
import json
from dataclasses import dataclass, field
from typing import Dict, List

from .shared import function_name, rewrite_value

PREFIX = "AWS_GREENGRASS_LAMBDA_"


class LaunchError(ValueError):
    pass


@dataclass
class EventSource:
    topic: str
    type: str  # IOT_CORE | PUB_SUB


@dataclass
class LambdaLaunch:
    arn: str
    handler: str
    code_dir: str
    runtime: str
    pinned: bool
    timeout_s: float
    idle_s: float
    memory_kb: int
    encoding: str                        # json | binary
    environment: Dict[str, str]          # the function's EnvironmentVariables (paths made local)
    setenv: Dict[str, str]               # the recipe's AWS_GREENGRASS_LAMBDA_* values
    event_sources: List[EventSource] = field(default_factory=list)

    @property
    def function_name(self):
        return function_name(self.arn)

    @property
    def function_version(self):
        parts = self.arn.split(":")
        return parts[7] if len(parts) > 7 else "$LATEST"


def _setenv(lifecycle):
    for key, value in (lifecycle or {}).items():
        if str(key).lower() == "setenv" and isinstance(value, dict):
            return {str(k): "" if v is None else str(v) for k, v in value.items()}
    return {}


def _bool(value, default):
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


def _number(config, key, default, name):
    value = config.get(key)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise LaunchError("%s: %s %r is not a number" % (name, key, value)) from None
    if number < 0:
        raise LaunchError("%s: %s must not be negative" % (name, key))
    return number


def _json_object(text, what, name):
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise LaunchError("%s: %s is not JSON: %.200s" % (name, what, text)) from None
    return value if isinstance(value, dict) else {}


def _event_sources(config):
    out = []
    for item in _items(config.get("pubsubTopics")):
        if isinstance(item, dict) and item.get("topic"):
            out.append(EventSource(str(item["topic"]), str(item.get("type") or "PUB_SUB").upper()))
    return out


def _items(value):
    """The entries of a recipe "list", which AWS writes as {"0": ..., "1": ...} or as a list."""
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, list) else []


def _volume_map(config):
    """{destination: source} of the container's volumes (only GreengrassContainer mode mounts them)."""
    if str(config.get("containerMode") or "").lower() != "greengrasscontainer":
        return {}
    out = {}
    for vol in _items((config.get("containerParams") or {}).get("volumes")):
        if isinstance(vol, dict):
            source = vol.get("sourcePath") or vol.get("source")
            dest = vol.get("destinationPath") or vol.get("destination")
            if source and dest:
                out[str(dest).rstrip("/") or "/"] = str(source)
    return out


def _environment(config, setenv, name):
    """The function's EnvironmentVariables: from the interpolated _PARAMS setenv, else the configuration;
    in GreengrassContainer mode a value under a volume's destination is mapped to its source."""
    params = _json_object(setenv.get(PREFIX + "PARAMS"), PREFIX + "PARAMS", name) or \
        (config.get("lambdaExecutionParameters") or {})
    variables = params.get("EnvironmentVariables") or {}
    volumes = _volume_map(config)
    environment = {str(k): rewrite_value("" if v is None else str(v), volumes) for k, v in variables.items()}
    if volumes:
        environment["GG_PATH_MAP"] = json.dumps(volumes, sort_keys=True)
    return environment


def lambda_launch(spec):
    """The LambdaLaunch of a Lambda component's ComponentSpec; LaunchError with the reason if it has none."""
    name, config, setenv = spec.name, spec.configuration or {}, _setenv(spec.lifecycle)
    missing = [k for k in ("ARN", "FUNCTION_HANDLER", "ARTIFACT_PATH") if not setenv.get(PREFIX + k)]
    if missing:
        raise LaunchError("%s: its recipe's Lifecycle.setenv lacks %s" % (name, ", ".join(PREFIX + k for k in missing)))
    runtime = setenv.get(PREFIX + "RUNTIME", "python3")
    if not runtime.startswith("python"):
        raise LaunchError("%s: runtime %s is not supported by the local core (Python only)" % (name, runtime))
    container = config.get("containerParams") or {}
    encoding = str(setenv.get(PREFIX + "ENCODING_TYPE") or config.get("inputPayloadEncodingType") or "json").lower()
    return LambdaLaunch(
        arn=setenv[PREFIX + "ARN"], handler=setenv[PREFIX + "FUNCTION_HANDLER"],
        code_dir=setenv[PREFIX + "ARTIFACT_PATH"], runtime=runtime,
        pinned=_bool(config.get("pinned"), True),
        timeout_s=_number(config, "timeoutInSeconds", 3, name) or 3,
        idle_s=_number(config, "maxIdleTimeInSeconds", 60, name),
        memory_kb=int(_number(container, "memorySize", 16384, name)),
        encoding=encoding, environment=_environment(config, setenv, name),
        setenv={k: v for k, v in setenv.items() if k.startswith(PREFIX)},
        event_sources=_event_sources(config))
