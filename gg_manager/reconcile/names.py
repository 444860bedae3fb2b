"""How gg names and tags what it creates, so discovery can find it again without local state."""

MANAGED_BY = "gg:managed-by"
MANAGED_VALUE = "gg"
GROUP_TAG = "gg:group"
# What gg last applied, stamped on what it changed: a later difference is drift.
APPLIED_TAG = "gg:applied"
APPLIED_VERSION_TAG = "gg:applied-version"
BOOKKEEPING_TAGS = (APPLIED_TAG, APPLIED_VERSION_TAG)

DEFINITION_KINDS = ("core", "device", "function", "resource", "subscription", "logger", "connector")
# definition kind -> (API noun, group version key)
API_NOUN = {"core": "CoreDefinition", "device": "DeviceDefinition", "function": "FunctionDefinition",
            "resource": "ResourceDefinition", "subscription": "SubscriptionDefinition",
            "logger": "LoggerDefinition", "connector": "ConnectorDefinition"}


def tags(group_name, extra=None):
    out = dict(extra or {})
    out[MANAGED_BY] = MANAGED_VALUE
    if group_name:
        out[GROUP_TAG] = group_name
    return out


def is_managed(tag_map):
    return (tag_map or {}).get(MANAGED_BY) == MANAGED_VALUE


def definition_name(group, kind):
    return "%s-%ss" % (group, kind)


def group_role_name(group):
    return ("gg-%s-group-role" % group)[:64]


def function_role_name(function):
    return ("gg-fn-%s" % function)[:64]


def core_policy_name(core):
    return "%s-gg-policy" % core


def default_artifact_bucket(account, region):
    return "gg-artifacts-%s-%s" % (account, region)


def version_key(kind):
    return API_NOUN[kind] + "VersionArn"


def snake(noun):
    """CoreDefinition -> core_definition (boto3 method names)."""
    out = ""
    for ch in noun:
        out += ("_" + ch.lower()) if ch.isupper() and out else ch.lower()
    return out
