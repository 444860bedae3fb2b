"""A component from a Lambda function (CreateComponentVersion `lambdaFunction`), as AWS generates it.

The function is read from the sandbox's Lambda by a *published version* ARN
(`...:function:NAME:3`); `$LATEST`, aliases and unqualified ARNs are refused,
as AWS documents. The generated recipe has `ComponentType:
aws.greengrass.lambda`, publisher "AWS Lambda", the function's code as the
artifact `greengrass:lambda-artifact.zip` (SHA-256 digest, unarchived as ZIP),
dependencies on LambdaLauncher (HARD), TokenExchangeService (HARD) and
LambdaRuntimes (SOFT) plus any requested, and the Lambda parameters (with AWS's
defaults) as the default configuration. A function the sandbox cannot turn into
a component (a container image, a runtime Greengrass does not run) still gets a
version, in state FAILED with the reason.
"""
import json
import re
from dataclasses import dataclass, field

from . import recipes, semver
from .artifacts import digest
from .errors import validation

VERSION_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]{1,64}):(\d+)$")
ANY_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]{1,64}(:[^:]+)?$")
RUNTIMES = re.compile(r"^(python3\.\d+|nodejs\d+\.x|java(8|8\.al2|11|17|21))$")
ARTIFACT = "lambda-artifact.zip"
DEPENDENCIES = {"aws.greengrass.LambdaLauncher": (">=2.0.0 <3.0.0", "HARD"),
                "aws.greengrass.TokenExchangeService": (">=2.0.0 <3.0.0", "HARD"),
                "aws.greengrass.LambdaRuntimes": (">=2.0.0 <3.0.0", "SOFT")}
DEFAULTS = {"timeoutInSeconds": 3, "maxInstancesCount": 100, "inputPayloadEncodingType": "json",
            "maxQueueSize": 1000, "pinned": True, "maxIdleTimeInSeconds": 60, "statusTimeoutInSeconds": 60}


@dataclass
class Made:
    """A recipe ready to store, the files of its `greengrass:` artifacts, and the resulting state."""

    recipe: dict
    files: dict = field(default_factory=dict)
    state: str = "DEPLOYABLE"
    message: str = "NONE"
    errors: dict = field(default_factory=dict)


def _function(ctx, arn):
    match = VERSION_ARN.match(arn or "")
    if not match:
        if ANY_ARN.match(arn or ""):
            raise validation("You must specify an ARN that includes the version of the function to import. "
                             "You can't use version aliases like $LATEST.",
                             fields=[{"name": "lambdaFunction.lambdaArn", "message": "not a published version"}])
        raise validation("%s is not a Lambda function version ARN." % arn,
                         fields=[{"name": "lambdaFunction.lambdaArn", "message": "invalid"}])
    region, account, name, version = match.groups()
    if (region, account) != (ctx.region, ctx.account):
        raise validation("The Lambda function %s must be in this account and region." % arn)
    from moto.awslambda.models import lambda_backends

    try:
        return lambda_backends[account][region].get_function(name, version), name, version
    except Exception:  # noqa: BLE001 - moto's UnknownFunctionException and friends
        raise validation("The Lambda function %s does not exist." % arn,
                         fields=[{"name": "lambdaFunction.lambdaArn", "message": "not found"}]) from None


def _configuration(fn, params):
    linux = params.get("linuxProcessParams") or {}
    container = linux.get("containerParams") or {}
    config = {"lambdaExecutionParameters": {"EnvironmentVariables": dict(
        params.get("environmentVariables") or getattr(fn, "environment_vars", {}) or {})},
        "containerParams": {"memorySize": container.get("memorySizeInKB", 16384),
                            "mountROSysfs": bool(container.get("mountROSysfs", False)),
                            "volumes": {str(i): v for i, v in enumerate(container.get("volumes") or [])},
                            "devices": {str(i): d for i, d in enumerate(container.get("devices") or [])}},
        "containerMode": linux.get("isolationMode", "GreengrassContainer")}
    for name, default in DEFAULTS.items():
        config[name] = params.get(name, default)
    config["pubsubTopics"] = {str(i): {"topic": s["topic"], "type": s["type"]}
                              for i, s in enumerate(params.get("eventSources") or [])}
    return config


def _lifecycle(fn, arn, params):
    launcher = "{aws.greengrass.LambdaLauncher:artifacts:path}/lambda-launcher"
    runtime = fn.run_time or ""
    exec_args = params.get("execArgs") or ([runtime, "-u", "/runtime/python/lambda_runtime.py",
                                            "--handler=%s" % fn.handler] if runtime.startswith("python") else [])
    return {
        "startup": {"requiresPrivilege": True, "script": launcher + " start"},
        "setenv": {"AWS_GREENGRASS_LAMBDA_CONTAINER_MODE": "{configuration:/containerMode}",
                   "AWS_GREENGRASS_LAMBDA_ARN": arn,
                   "AWS_GREENGRASS_LAMBDA_FUNCTION_HANDLER": fn.handler,
                   "AWS_GREENGRASS_LAMBDA_ARTIFACT_PATH": "{artifacts:decompressedPath}/lambda-artifact",
                   "AWS_GREENGRASS_LAMBDA_CONTAINER_PARAMS": "{configuration:/containerParams}",
                   "AWS_GREENGRASS_LAMBDA_STATUS_TIMEOUT_SECONDS": "{configuration:/statusTimeoutInSeconds}",
                   "AWS_GREENGRASS_LAMBDA_ENCODING_TYPE": "{configuration:/inputPayloadEncodingType}",
                   "AWS_GREENGRASS_LAMBDA_PARAMS": "{configuration:/lambdaExecutionParameters}",
                   "AWS_GREENGRASS_LAMBDA_RUNTIME_PATH":
                       "{aws.greengrass.LambdaRuntimes:artifacts:decompressedPath}/runtime/",
                   "AWS_GREENGRASS_LAMBDA_EXEC_ARGS": json.dumps(exec_args),
                   "AWS_GREENGRASS_LAMBDA_RUNTIME": runtime},
        "shutdown": {"requiresPrivilege": True, "script": "%s stop; %s clean" % (launcher, launcher)},
    }


def _manifests(platforms, code):
    artifact = {"Uri": "greengrass:" + ARTIFACT, "Digest": digest(code), "Algorithm": "SHA-256",
                "Unarchive": "ZIP", "Permission": {"Read": "OWNER", "Execute": "NONE"}}
    if not platforms:
        return [{"Platform": {}, "Lifecycle": {}, "Artifacts": [artifact]}]
    found = []
    for platform in platforms:
        attributes = dict(platform.get("attributes") or {})
        if platform.get("name"):
            attributes["name"] = platform["name"]
        found.append({"Platform": attributes, "Lifecycle": {}, "Artifacts": [dict(artifact)]})
    return found


def _dependencies(requested):
    deps = {n: {"VersionRequirement": r, "DependencyType": t} for n, (r, t) in DEPENDENCIES.items()}
    for name, spec in (requested or {}).items():
        requirement = spec.get("versionRequirement", "*")
        try:
            semver.requirement(requirement)
        except semver.VersionError as exc:
            raise validation("componentDependencies.%s.versionRequirement: %s" % (name, exc)) from None
        deps[name] = {"VersionRequirement": requirement, "DependencyType": spec.get("dependencyType", "HARD")}
    return deps


def _problem(fn, code):
    if getattr(fn, "package_type", "Zip") == "Image":
        return "Lambda functions packaged as container images can't run on AWS IoT Greengrass."
    if not RUNTIMES.match(fn.run_time or ""):
        return "The Lambda runtime %s is not supported by AWS IoT Greengrass." % fn.run_time
    if not code:
        return "The code of the Lambda function could not be read."
    return None


def build(ctx, source):
    arn = source.get("lambdaArn")
    fn, function_name, function_version = _function(ctx, arn)
    name = source.get("componentName") or function_name
    version = source.get("componentVersion") or "%s.0.0" % function_version
    if not recipes.NAME.match(name) or name.startswith(recipes.RESERVED_PREFIXES):
        raise validation("componentName %s is not a valid private component name." % name)
    if not semver.is_version(version):
        raise validation("componentVersion %s is not a semantic version." % version)
    params = source.get("componentLambdaParameters") or {}
    code = getattr(fn, "code_bytes", b"") or b""
    recipe = {"RecipeFormatVersion": recipes.RECIPE_FORMAT, "ComponentName": name, "ComponentVersion": version,
              "ComponentType": "aws.greengrass.lambda", "ComponentDescription": fn.description or "",
              "ComponentPublisher": "AWS Lambda", "ComponentSource": arn,
              "ComponentConfiguration": {"DefaultConfiguration": _configuration(fn, params)},
              "ComponentDependencies": _dependencies(source.get("componentDependencies")),
              "Manifests": _manifests(source.get("componentPlatforms"), code),
              "Lifecycle": _lifecycle(fn, arn, params)}
    problem = _problem(fn, code)
    if problem:
        return Made(recipe, state="FAILED", message=problem, errors={arn: problem})
    return Made(recipe, files={ARTIFACT: code})
