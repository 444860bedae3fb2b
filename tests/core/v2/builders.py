"""Component versions shaped as AWS makes them, published to a FakeCloud.

lambda_component() builds the recipe CreateComponentVersion(lambdaFunction=...) generates:
ComponentType aws.greengrass.lambda, DefaultConfiguration with lambdaExecutionParameters,
containerParams, pinned, timeoutInSeconds, pubsubTopics..., dependencies on LambdaLauncher,
TokenExchangeService (HARD) and LambdaRuntimes (SOFT), a global Lifecycle with the
AWS_GREENGRASS_LAMBDA_* setenv and the lambda-artifact.zip artifact.
"""
import base64
import hashlib
import io
import json
import os
import zipfile

from .fakes import ACCOUNT, REGION

FUNCTIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "functions")
LAMBDA_DEPS = {
    "aws.greengrass.LambdaLauncher": {"VersionRequirement": ">=2.0.0 <3.0.0", "DependencyType": "HARD"},
    "aws.greengrass.TokenExchangeService": {"VersionRequirement": ">=2.0.0 <3.0.0", "DependencyType": "HARD"},
    "aws.greengrass.LambdaRuntimes": {"VersionRequirement": ">=2.0.0 <3.0.0", "DependencyType": "SOFT"},
}


def zip_folder(path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for dirpath, _, files in os.walk(path):
            for name in sorted(files):
                if not name.endswith(".pyc"):
                    full = os.path.join(dirpath, name)
                    archive.write(full, os.path.relpath(full, path))
    return buf.getvalue()


def digest(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def lambda_arn(function, version):
    return "arn:aws:lambda:%s:%s:function:%s:%d" % (REGION, ACCOUNT, function, version)


def lambda_component(cloud, name, version, folder="echo", handler="echo.function_handler", env=None, pinned=True,
                     sources=(), deps=None, function="echo", function_version=1, timeout=3, idle=60):
    code = zip_folder(os.path.join(FUNCTIONS, folder))
    arn = lambda_arn(function, function_version)
    setenv = {
        "AWS_GREENGRASS_LAMBDA_CONTAINER_MODE": "{configuration:/containerMode}",
        "AWS_GREENGRASS_LAMBDA_ARN": arn,
        "AWS_GREENGRASS_LAMBDA_FUNCTION_HANDLER": handler,
        "AWS_GREENGRASS_LAMBDA_ARTIFACT_PATH": "{artifacts:decompressedPath}/lambda-artifact",
        "AWS_GREENGRASS_LAMBDA_CONTAINER_PARAMS": "{configuration:/containerParams}",
        "AWS_GREENGRASS_LAMBDA_STATUS_TIMEOUT_SECONDS": "{configuration:/statusTimeoutInSeconds}",
        "AWS_GREENGRASS_LAMBDA_ENCODING_TYPE": "{configuration:/inputPayloadEncodingType}",
        "AWS_GREENGRASS_LAMBDA_PARAMS": "{configuration:/lambdaExecutionParameters}",
        "AWS_GREENGRASS_LAMBDA_RUNTIME_PATH": "{aws.greengrass.LambdaRuntimes:artifacts:decompressedPath}/runtime/",
        "AWS_GREENGRASS_LAMBDA_EXEC_ARGS": '["python3.11","-u","/runtime/python/lambda_runtime.py","--handler=%s"]'
                                          % handler,
        "AWS_GREENGRASS_LAMBDA_RUNTIME": "python3.11",
    }
    recipe = {
        "RecipeFormatVersion": "2020-01-25", "ComponentName": name, "ComponentVersion": version,
        "ComponentType": "aws.greengrass.lambda", "ComponentPublisher": "AWS Lambda", "ComponentSource": arn,
        "ComponentConfiguration": {"DefaultConfiguration": {
            "lambdaExecutionParameters": {"EnvironmentVariables": dict(env or {})},
            "containerParams": {"memorySize": 16384, "mountROSysfs": False, "volumes": {}, "devices": {}},
            "containerMode": "NoContainer", "timeoutInSeconds": timeout, "maxInstancesCount": 100,
            "inputPayloadEncodingType": "json", "maxQueueSize": 1000, "pinned": pinned,
            "maxIdleTimeInSeconds": idle, "statusTimeoutInSeconds": 60,
            "pubsubTopics": {str(i): {"topic": t, "type": k} for i, (t, k) in enumerate(sources)}}},
        "ComponentDependencies": dict(LAMBDA_DEPS, **(deps or {})),
        "Manifests": [{"Platform": {"os": "linux"}, "Lifecycle": {}, "Selections": ["linux"],
                       "Artifacts": [{"Uri": "greengrass:lambda-artifact.zip", "Digest": digest(code),
                                      "Algorithm": "SHA-256", "Unarchive": "ZIP",
                                      "Permission": {"Read": "OWNER", "Execute": "NONE"}}]}],
        "Lifecycle": {
            "startup": {"requiresPrivilege": True,
                        "script": "{aws.greengrass.LambdaLauncher:artifacts:path}/lambda-launcher start"},
            "setenv": setenv,
            "shutdown": {"requiresPrivilege": True,
                         "script": "{aws.greengrass.LambdaLauncher:artifacts:path}/lambda-launcher stop"}},
    }
    cloud.publish(recipe, {"lambda-artifact.zip": code})
    return arn


def generic_component(cloud, name, version, lifecycle, defaults=None, deps=None, artifacts=None, files=None):
    cloud.publish({"RecipeFormatVersion": "2020-01-25", "ComponentName": name, "ComponentVersion": version,
                   "ComponentConfiguration": {"DefaultConfiguration": defaults or {}},
                   "ComponentDependencies": deps or {},
                   "Manifests": [{"Platform": {"os": "linux"}, "Lifecycle": lifecycle,
                                  "Artifacts": artifacts or []}]}, files or {})


def router(*subscriptions):
    """A LegacySubscriptionRouter deployment entry; subscriptions: (source, subject, target)."""
    subs = {"s%d" % i: {"id": "s%d" % i, "source": s, "subject": subject, "target": t}
            for i, (s, subject, t) in enumerate(subscriptions)}
    return {"version": "2.1.14", "configurationUpdate": {"merge": json.dumps({"subscriptions": subs})}}
