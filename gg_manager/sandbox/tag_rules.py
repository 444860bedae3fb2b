"""AWS's rules for tags, shared by the V1, V2 and IoT tag additions (no moto)."""
import re

KEY = re.compile(r"^[\w.:/=+\-@ ]{1,128}$", re.UNICODE)
MAX_VALUE = 256


def problem(tags, limit):
    """Why a {key: value} map of tags is not acceptable, or None."""
    if not isinstance(tags, dict):
        return "tags must be a map of string to string."
    if len(tags) > limit:
        return "A resource can have at most %d tags." % limit
    for key, value in tags.items():
        if not isinstance(key, str) or not KEY.match(key) or key.lower().startswith("aws:"):
            return "Invalid tag key: %r" % (key,)
        if not isinstance(value, str) or len(value) > MAX_VALUE:
            return "Invalid value for tag %r" % (key,)
    return None
