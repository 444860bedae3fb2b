"""AWS's own limits are validate errors, located, before anything is applied."""
import pytest

# (case id, old text, new text, anchor to point at, path, message fragment)
TAGS = "  name: g1\n  tags:\n%s"


def tags(lines):
    return TAGS % "".join("    %s\n" % line for line in lines)


CASES = [
    ("tag-key-129", "  name: g1\n", tags(["%s: v" % ("k" * 129)]), "k" * 129, "Group.tags.%s" % ("k" * 129),
     "key '%s... is longer than 128 characters" % ("k" * 56)),
    ("tag-value-257", "  name: g1\n", tags(["k: %s" % ("v" * 257)]), "v" * 257, "Group.tags.k",
     "is 257 characters long; at most 256 are allowed"),
    ("tag-count-47", "  name: g1\n", tags(["k%d: v" % i for i in range(47)]), "k0: v", "Group.tags",
     "has 47 entries; at most 46 are allowed"),
    ("tag-aws-prefix", "  name: g1\n", tags(["aws:owner: me"]), "aws:owner", "Group.tags.aws:owner",
     "tag key 'aws:owner': the prefixes aws: and gg: are reserved"),
    ("tag-gg-prefix", "  name: g1\n", tags(["gg:managed-by: me"]), "gg:managed-by", "Group.tags.gg:managed-by",
     "tag key 'gg:managed-by': the prefixes aws: and gg: are reserved"),
    ("lambda-name-65", "  - name: fn\n", "  - name: %s\n" % ("f" * 65), "f" * 65, "Lambdas[0].name",
     "is 65 characters long; at most 64 are allowed"),
    ("lambda-name-chars", "  - name: fn\n", "  - name: fn.v2\n", "fn.v2", "Lambdas[0].name",
     "'fn.v2' does not match"),
    ("handler-129", "handler: main.handler", "handler: main.%s" % ("h" * 124), "main.hhh",
     "Lambdas[0].handler", "is 129 characters long; at most 128 are allowed"),
    ("core-name-colon", "  - name: g1_core\n", "  - name: g1:core\n", "g1:core", "Cores[0].name",
     "'g1:core' does not match"),
    ("core-name-119", "  - name: g1_core\n", "  - name: %s\n" % ("c" * 119), "c" * 119, "Cores[0].name",
     "is 119 characters long; at most 118 are allowed"),
    # a device's policy is named after it, as a core's is
    ("device-name-colon", "Subscriptions:", "Devices:\n  - name: cam:1\nSubscriptions:", "cam:1", "Devices[0].name",
     "'cam:1' does not match"),
    ("device-name-119", "Subscriptions:", "Devices:\n  - name: %s\nSubscriptions:" % ("d" * 119), "d" * 119,
     "Devices[0].name", "is 119 characters long; at most 118 are allowed"),
    ("env-key-pattern", "      Environment:\n", "      Environment:\n        Variables: {1BAD: x}\n",
     "1BAD", "Lambdas[0].greengrassConfig.Environment.Variables.1BAD",
     "environment variable name '1BAD' must start with a letter"),
    ("env-total-4kb", "      Environment:\n",
     "      Environment:\n        Variables: {A1: '%s', A2: '%s'}\n" % ("x" * 2048, "y" * 2048),
     "{A1", "Lambdas[0].greengrassConfig.Environment.Variables",
     "environment variables take 4100 bytes; AWS Lambda allows 4 KB (4096)"),
    ("lambda-env-reserved", "    package: src\n", "    package: src\n    environment: {AWS_REGION: x}\n",
     "AWS_REGION", "Lambdas[0].environment.AWS_REGION", "AWS_REGION is set by the Lambda runtime"),
    ("memory-int32", "MemorySize: 131072", "MemorySize: 2147483648", "2147483648",
     "Lambdas[0].greengrassConfig.MemorySize", "must be at most 2147483647, got 2147483648"),
    ("timeout-zero", "Timeout: 10", "Timeout: 0", "0\n", "Lambdas[0].greengrassConfig.Timeout",
     "must be at least 1, got 0"),
    ("cloud-subject-257", "Subject: out/topic", "Subject: %s" % ("t" * 257), "t" * 257,
     "Subscriptions[0].Subject", "a topic to or from the cloud is at most 256 bytes in AWS IoT Core"),
    ("cloud-subject-slashes", "Subject: out/topic", "Subject: a/b/c/d/e/f/g/h/i", "a/b/c",
     "Subscriptions[0].Subject", "a topic to or from the cloud has at most 7 '/' in AWS IoT Core; this one has 8"),
    ("resource-id-129", "    Id: vol\n", "    Id: %s\n" % ("i" * 129), "i" * 129, "Resources[0].Id",
     "is 129 characters long; at most 128 are allowed"),
    ("subscription-id-pattern", "  - Source: Lambda::fn\n", "  - Id: a/b\n    Source: Lambda::fn\n",
     "a/b", "Subscriptions[0].Id", "Id 'a/b' may only hold letters, digits"),
    ("resource-name-pattern", "  - Name: vol\n", "  - Name: my volume\n", "my volume", "Resources[0].Name",
     "resource Name 'my volume' may only hold letters, digits"),
    ("access-policies-11", "    handler: main.handler\n", "    handler: main.handler\n    gpu: true\n"
     + "", "- ResourceId", "Lambdas[0].greengrassConfig.Environment.ResourceAccessPolicies",
     "Lambda 'fn' may access at most 10 resources; it has 11 (gpu: true adds 4)"),
    ("run-as-negative", "      Environment:\n",
     "      Environment:\n        Execution: {RunAs: {Uid: -1}}\n", "-1",
     "Lambdas[0].greengrassConfig.Environment.Execution.RunAs.Uid", "must be at least 0, got -1"),
]

SIX_MORE_VOLUMES = "".join(
    "  - {Name: v%d, Id: v%d, LocalVolumeResourceData: {SourcePath: /tmp/v%d, DestinationPath: /v%d}}\n"
    % (i, i, i, i) for i in range(6))
SIX_MORE_POLICIES = "".join("          - {ResourceId: v%d, Permission: ro}\n" % i for i in range(6))


def prepared(base, case):
    _, old, new, anchor, path, message = case
    text = base.replace(old, new, 1)
    if case[0] == "access-policies-11":   # 1 + 6 written + 4 from gpu: true
        text = text.replace("Subscriptions:", SIX_MORE_VOLUMES + "Subscriptions:")
        text = text.replace("            Permission: rw\n", "            Permission: rw\n" + SIX_MORE_POLICIES)
    return text


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_aws_limit_is_a_located_error(validate, base, assert_located, case):
    _, old, new, anchor, path, message = case
    assert old in base, "test case does not apply to the base spec"
    text = prepared(base, case)
    assert_located(validate(text), text, anchor, path, message)


def test_limits_just_inside_are_valid(validate, base):
    text = base.replace("  name: g1\n", tags(["k%d: %s" % (i, "v" * 256) for i in range(46)]), 1)
    text = text.replace("  - name: fn\n", "  - name: %s\n" % ("f" * 64))
    text = text.replace("Lambda::fn", "Lambda::" + "f" * 64)
    text = text.replace("      Environment:\n", "      Environment:\n        Variables: {A1: '%s'}\n"
                        % ("x" * 4092), 1)
    text = text.replace("Subject: out/topic", "Subject: %s" % ("a/" * 7 + "t" * 241))
    run = validate(text)
    assert run.code == 0, run.text


def test_merged_fleet_tags_are_counted(validate, workdir):
    (workdir / "src2").mkdir()
    spec = "Defaults:\n  Group:\n    tags:\n%sGroups:\n  - Group:\n      name: a\n      tags:\n%s" \
           "    Cores: [{name: a-core}]\n" % (
               "".join("      d%d: v\n" % i for i in range(30)),
               "".join("        e%d: v\n" % i for i in range(20)))
    run = validate(spec)
    assert run.code == 1
    assert "Groups[0].Group.tags: group 'a' has 50 tags (Defaults included)" in run.err
