"""AWS limits the schema alone cannot check: totals, merged values, bytes rather than characters.

Sources:
- Lambda environment: keys [a-zA-Z]([a-zA-Z0-9_])+, "the total size of all environment
  variables doesn't exceed 4 KB", reserved keys set by the runtime
  (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
  Greengrass local variables "work the same way" (V1 developer guide, lambda-group-config).
- Tags: at most 50 per resource (gg adds 4 of its own), keys 1-128 and values 0-256
  characters, "generally allowed characters are letters, numbers, spaces ... and + - = . _ :
  / @" (https://docs.aws.amazon.com/general/latest/gr/aws_tagging.html; IAM and IoT enforce
  that set, so others are a warning).
- A Lambda's resource access policies: at most 10 (lambda-group-config), counted after
  `gpu: true` added its four.
- AWS IoT Core message broker: a topic is at most 256 bytes of UTF-8 with at most 7 slashes
  (https://docs.aws.amazon.com/general/latest/gr/iot-core.html); applied to subscriptions
  from or to the cloud.
"""
import json

ENV_TOTAL_BYTES = 4 * 1024
RESERVED_LAMBDA_ENV = frozenset((
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"))
MAX_SPEC_TAGS = 46           # 50 per resource, less gg's own four
TAG_PUNCTUATION = frozenset(" +-=._:/@")
MAX_ACCESS_POLICIES = 10
CLOUD_TOPIC_BYTES = 256
CLOUD_TOPIC_SLASHES = 7


def check_limits(view, reporter, spec_dir):
    for item in view.items("Lambdas"):
        _check_environment(item.data.get("environment"), item.path + ("environment",), reporter,
                           cloud=True)
        config = item.data.get("greengrassConfig") or {}
        env = config.get("Environment") or {}
        base = item.path + ("greengrassConfig", "Environment")
        _check_environment(env.get("Variables"), base + ("Variables",), reporter, cloud=False)
        policies = env.get("ResourceAccessPolicies") or []
        if isinstance(policies, list) and len(policies) > MAX_ACCESS_POLICIES:
            reporter.error(base + ("ResourceAccessPolicies",), "Lambda %r may access at most %d "
                           "resources; it has %d (gpu: true adds 4)"
                           % (item.data.get("name"), MAX_ACCESS_POLICIES, len(policies)))
    _check_tags(view, reporter)
    for item in view.items("Subscriptions"):
        _check_cloud_topic(item, reporter)


def _as_text(value):
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _check_environment(variables, path, reporter, cloud):
    if not isinstance(variables, dict):
        return
    total = sum(len(str(k).encode("utf-8")) + len(_as_text(v).encode("utf-8"))
                for k, v in variables.items())
    if total > ENV_TOTAL_BYTES:
        reporter.error(path, "environment variables take %d bytes; AWS Lambda allows 4 KB (%d) "
                       "for all of them together" % (total, ENV_TOTAL_BYTES))
    if cloud:
        for key in variables:
            if key in RESERVED_LAMBDA_ENV:
                reporter.error(path + (key,), "%s is set by the Lambda runtime and reserved; "
                               "choose another name" % key, key=True)


def _check_tags(view, reporter):
    tags = view.settings.get("tags")
    if not isinstance(tags, dict):
        return
    path = view.path + ("tags",)
    if len(tags) > MAX_SPEC_TAGS:
        reporter.error(path, "group %r has %d tags (Defaults included); AWS allows 50 per "
                       "resource and gg uses 4, so at most %d" % (view.name, len(tags), MAX_SPEC_TAGS))
    for key, value in tags.items():
        for text, what in ((key, "key"), (value, "value")):
            if isinstance(text, str) and not all(c.isalnum() or c in TAG_PUNCTUATION for c in text):
                reporter.warning(path + (key,), "tag %s %r: AWS recommends only letters, digits, "
                                 "spaces and + - = . _ : / @ in tags (IAM and IoT refuse others)"
                                 % (what, text[:60]), key=(what == "key"))


def _check_cloud_topic(item, reporter):
    data = item.data
    subject = data.get("Subject")
    if not isinstance(subject, str) or "cloud" not in (data.get("Source"), data.get("Target")):
        return
    path = item.path + ("Subject",)
    size = len(subject.encode("utf-8"))
    if size > CLOUD_TOPIC_BYTES:
        reporter.error(path, "a topic to or from the cloud is at most %d bytes in AWS IoT Core; "
                       "this one is %d" % (CLOUD_TOPIC_BYTES, size))
    slashes = subject.count("/") - (3 if subject.lower().startswith("$aws/rules/") else 0)
    if slashes > CLOUD_TOPIC_SLASHES:
        reporter.error(path, "a topic to or from the cloud has at most %d '/' in AWS IoT Core; "
                       "this one has %d" % (CLOUD_TOPIC_SLASHES, slashes))
