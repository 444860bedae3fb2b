"""How gg names and tags what it makes, so discovery finds it again without local state."""

MANAGED_BY = "gg:managed-by"
MANAGED_VALUE = "gg"
GROUP_TAG = "gg:group"
THING_MANAGED_ATTRIBUTE = "gg_managed_by"   # IoT thing attributes allow no ':'
THING_GROUP_ATTRIBUTE = "gg_group"
APPLIED_PREFIX = "gg:applied "              # a published Lambda version's Description


def tags(group_name="", extra=None):
    out = dict(extra or {})
    out[MANAGED_BY] = MANAGED_VALUE
    if group_name:
        out[GROUP_TAG] = group_name
    return out


def tag_list(tag_map):
    """IAM and S3 want [{"Key", "Value"}]."""
    return [{"Key": k, "Value": v} for k, v in sorted(tag_map.items())]


def tag_map(tag_list_):
    return {t["Key"]: t["Value"] for t in tag_list_ or []}


def s3_tagging(tag_map_):
    """PutObject's Tagging is URL-query text."""
    from urllib.parse import urlencode
    return urlencode(sorted(tag_map_.items()))


def is_managed(tag_map_):
    return (tag_map_ or {}).get(MANAGED_BY) == MANAGED_VALUE


def group_role_name(group):
    return ("gg-%s-group-role" % group)[:64]


def function_role_name(function):
    return ("gg-fn-%s" % function)[:64]


def core_policy_name(core):
    return "%s-gg-policy" % core


def device_policy_name(device):
    """A group device's own IoT policy: named after its thing, as a core's is (thing names are unique
    in an account, so the two never meet)."""
    return core_policy_name(device)


def default_artifact_bucket(account, region):
    return "gg-artifacts-%s-%s" % (account, region)
