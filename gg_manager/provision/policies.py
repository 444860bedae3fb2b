"""Least-privilege IoT and IAM policy documents, as plain dicts.

The core's IoT policy follows the "minimal AWS IoT policy for the core
device" of the Greengrass V1 developer guide (gg-sec), narrowed further:
iot:Connect only as the core's own client ID (the thing name, exactly: a
prefix would let core store-1 connect as store-10), shadows only of the core, its
Greengrass-internal things (<core>-gda, -gci, -gcm...) and the group's
devices, and MQTT to the cloud only on the topics the group's subscriptions
use. A group device's policy is scoped the same way: its own client ID, the
topics of its own subscriptions, and greengrass:Discover on its own thing.
Resource lists are sorted and deduplicated, so the same spec always
gives the same document and the planner can compare documents as values.
"""
import json
import re
from urllib.parse import quote

from gg_manager.errors import GGError

VERSION = "2012-10-17"
_SAGEMAKER_JOB = re.compile(
    r"^arn:aws[a-z-]*:sagemaker:[a-zA-Z0-9-]+:[0-9]+:training-job/[a-zA-Z0-9][a-zA-Z0-9-]*$")


def _allow(actions, resources):
    return {"Effect": "Allow", "Action": sorted(set(actions)), "Resource": sorted(set(resources))}


def _doc(statements):
    return {"Version": VERSION, "Statement": list(statements)}


# --- the core's IoT policy -------------------------------------------------------

def mqtt_to_policy_topic(topic):
    """An MQTT subject as an IoT policy topic pattern: '+' and '#' become '*'."""
    return "/".join("*" if level in ("+", "#") else level for level in topic.split("/"))


def cloud_topics(subscriptions):
    """(topics the core publishes to the cloud, topic filters it subscribes to from it).

    `subscriptions` are API-shaped dicts {Source, Subject, Target}; a Target of
    'cloud' is a publish, a Source of 'cloud' a subscription.
    """
    return _subjects(subscriptions, "Target", "cloud"), _subjects(subscriptions, "Source", "cloud")


def device_topics(subscriptions, thing_arn):
    """(topics a device publishes on, topic filters it subscribes to): the subjects of the
    API-shaped subscriptions whose Source, and whose Target, is its thing ARN."""
    return _subjects(subscriptions, "Source", thing_arn), _subjects(subscriptions, "Target", thing_arn)


def _subjects(subscriptions, key, endpoint):
    return sorted({s["Subject"] for s in subscriptions if s.get(key) == endpoint})


def core_iot_policy(region, account, thing_name, group_id=None, cloud_publish_topics=(),
                    cloud_subscribe_topics=(), device_things=(), partition="aws"):
    """The IoT policy for a core's certificate, scoped to that core and its group.

    `group_id` scopes the deployment actions to the group's deployments (None:
    any group, for a policy made before the group exists). `cloud_publish_topics`
    and `cloud_subscribe_topics` are MQTT subjects of subscriptions to and from
    'cloud' (see cloud_topics); `device_things` are the group's device thing
    names whose shadows the core syncs.
    """
    if not thing_name or "*" in thing_name:
        raise GGError("core thing name %r cannot scope a policy" % (thing_name,))
    iot = "arn:%s:iot:%s:%s:" % (partition, region, account)
    thing_arn = iot + "thing/" + thing_name
    own = [thing_name, thing_name + "-*"]  # the core and its Greengrass-internal things
    shadow_things = own + list(device_things)

    topics = [iot + "topic/$aws/things/%s/shadow/*" % t for t in [thing_name] + list(device_things)]
    topics.append(iot + "topic/$aws/things/%s-*" % thing_name)
    filters = [iot + "topicfilter/$aws/things/%s/shadow/*" % t
               for t in [thing_name] + list(device_things)]
    filters.append(iot + "topicfilter/$aws/things/%s-*" % thing_name)

    statements = [
        _allow(["iot:Connect"], [iot + "client/" + thing_name]),   # exactly its own client id
        _allow(["iot:Publish", "iot:Receive"], topics),
        _allow(["iot:Subscribe"], filters),
        _allow(["iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DeleteThingShadow"],
               [iot + "thing/" + t for t in shadow_things]),
    ]
    if cloud_publish_topics:
        statements.append(_allow(["iot:Publish"], [iot + "topic/" + mqtt_to_policy_topic(t)
                                                   for t in cloud_publish_topics]))
    if cloud_subscribe_topics:
        statements.append(_allow(["iot:Subscribe"], [iot + "topicfilter/" + t
                                                     for t in cloud_subscribe_topics]))
        statements.append(_allow(["iot:Receive"], [iot + "topic/" + mqtt_to_policy_topic(t)
                                                   for t in cloud_subscribe_topics]))
    gg = "arn:%s:greengrass:%s:%s:/greengrass/groups/%s/deployments/*" % (
        partition, region, account, group_id or "*")
    statements += [
        _allow(["greengrass:AssumeRoleForGroup", "greengrass:CreateCertificate"], ["*"]),
        _allow(["greengrass:GetDeployment", "greengrass:GetDeploymentArtifacts"], [gg]),
        _allow(["greengrass:UpdateCoreDeploymentStatus"],
               [gg + "/cores/" + quote(thing_arn, safe="")]),
        _allow(["greengrass:GetConnectivityInfo", "greengrass:UpdateConnectivityInfo"],
               [thing_arn]),
    ]
    return _doc(statements)


def device_iot_policy(region, account, thing_name, publish_topics=(), subscribe_topics=(), partition="aws"):
    """The IoT policy for the certificate of a group's device (greengo's `Devices:` on V1).

    iot:Connect only as the device's own client id (its thing name, exactly); iot:Publish on
    the subjects of the subscriptions it is the Source of; iot:Subscribe to the filters of
    those it is the Target of, and iot:Receive on the topics they match; greengrass:Discover
    on its own thing, so it can find its group's core. Nothing else.
    """
    if not thing_name or "*" in thing_name:
        raise GGError("device thing name %r cannot scope a policy" % (thing_name,))
    iot = "arn:%s:iot:%s:%s:" % (partition, region, account)
    statements = [_allow(["iot:Connect"], [iot + "client/" + thing_name])]
    if publish_topics:
        statements.append(_allow(["iot:Publish"], [iot + "topic/" + mqtt_to_policy_topic(t)
                                                   for t in publish_topics]))
    if subscribe_topics:
        statements.append(_allow(["iot:Subscribe"], [iot + "topicfilter/" + t for t in subscribe_topics]))
        statements.append(_allow(["iot:Receive"], [iot + "topic/" + mqtt_to_policy_topic(t)
                                                   for t in subscribe_topics]))
    statements.append(_allow(["greengrass:Discover"], [iot + "thing/" + thing_name]))
    return _doc(statements)


# --- IAM: the group role ---------------------------------------------------------

def s3_object_arn(uri_or_arn, partition="aws"):
    """arn:aws:s3:::bucket/key for 's3://bucket/key' (or an object ARN, checked)."""
    prefix = "arn:%s:s3:::" % partition
    if uri_or_arn.startswith("s3://"):
        rest = uri_or_arn[len("s3://"):]
    elif uri_or_arn.startswith(prefix):
        rest = uri_or_arn[len(prefix):]
    else:
        raise GGError("not an S3 object URI or ARN: %s" % uri_or_arn)
    bucket, _, key = rest.partition("/")
    if not bucket or not key or key.endswith("/") or "*" in rest or "?" in rest:
        raise GGError("S3 model source must name one object, got %s" % uri_or_arn)
    return prefix + bucket + "/" + key


def group_role_policy(sagemaker_job_arns=(), s3_model_objects=(), extra_statements=(),
                      partition="aws"):
    """Inline policy of the group role, or None when the group needs no AWS access.

    sagemaker:DescribeTrainingJob on exactly the referenced training jobs and
    s3:GetObject on exactly the model objects (s3:// URIs or ARNs).
    """
    statements = []
    jobs = list(sagemaker_job_arns)
    for arn in jobs:
        if not _SAGEMAKER_JOB.match(arn):
            raise GGError("not a SageMaker training job ARN: %s" % arn)
    if jobs:
        statements.append(_allow(["sagemaker:DescribeTrainingJob"], jobs))
    objects = [s3_object_arn(o, partition) for o in s3_model_objects]
    if objects:
        statements.append(_allow(["s3:GetObject"], objects))
    statements += list(extra_statements)
    return _doc(statements) if statements else None


def greengrass_cloudwatch_logs_statement(region, account, partition="aws"):
    """For a group with an AWSCloudWatch logger: write to /aws/greengrass/* log groups only."""
    return _allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                   "logs:DescribeLogStreams"],
                  ["arn:%s:logs:%s:%s:log-group:/aws/greengrass/*" % (partition, region, account)])


# --- IAM: trust and Lambda execution -----------------------------------------------

def _trust(service, account, source_arn=None):
    """`service` may assume the role for this account's resources only (the confused-deputy guard
    AWS recommends: aws:SourceAccount, and aws:SourceArn where the service sets it)."""
    if not account:
        raise GGError("a trust policy needs the account it is scoped to")
    condition = {"StringEquals": {"aws:SourceAccount": account}}
    if source_arn:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    return _doc([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
                  "Condition": condition}])


def greengrass_trust_policy(account, region="*", partition="aws"):
    """Trust policy of the group role: assumed by Greengrass, for this account's groups only."""
    return _trust("greengrass.amazonaws.com", account,
                  "arn:%s:greengrass:%s:%s:*" % (partition, region, account))


def lambda_trust_policy(account, partition="aws"):
    """Trust policy of a Lambda execution role (Lambda sets aws:SourceAccount, not SourceArn)."""
    return _trust("lambda.amazonaws.com", account)


def lambda_execution_policy(region, account, function_names, partition="aws"):
    """Logs for exactly these functions' log groups, nothing else.

    On Greengrass the cloud execution role is never used to run the code, so
    it gets only what a cloud invocation would need to log.
    """
    names = sorted(set(function_names))
    if not names:
        raise GGError("lambda_execution_policy needs at least one function name")
    base = "arn:%s:logs:%s:%s:log-group:/aws/lambda/" % (partition, region, account)
    return _doc([
        _allow(["logs:CreateLogGroup"], [base + n + ":*" for n in names]),
        _allow(["logs:CreateLogStream", "logs:PutLogEvents"],
               [base + n + ":log-stream:*" for n in names]),
    ])


# --- comparing documents ------------------------------------------------------------

def canonical_policy(doc):
    """Order-insensitive text of a policy (dict or JSON string), for equality checks.

    AWS returns documents with single-item lists collapsed to strings and in
    any order; this normalises both so planned and actual documents compare.
    """
    if isinstance(doc, str):
        doc = json.loads(doc)

    def norm(value):
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return sorted((norm(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return value

    doc = dict(doc)
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    out = []
    for st in statements:
        st = dict(st)
        for key in ("Action", "NotAction", "Resource", "NotResource"):
            if isinstance(st.get(key), str):
                st[key] = [st[key]]
        out.append(norm(st))
    doc["Statement"] = out
    return json.dumps(norm(doc), sort_keys=True, separators=(",", ":"))
