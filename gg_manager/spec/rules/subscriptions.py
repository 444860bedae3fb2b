"""Subscription rules: endpoints name something in the group; subjects are valid MQTT topics."""
from gg_manager.spec.schema import did_you_mean

MAX_TOPIC_BYTES = 65535
PREFIXES = {"Lambda": "Lambdas", "Connector": "Connectors", "Device": "Devices"}
ENDPOINT_HELP = "cloud, GGShadowService, Lambda::NAME, Connector::ID, Device::NAME or an ARN"


def topic_problem(subject):
    """Why `subject` is not a valid MQTT topic filter, or None."""
    if subject == "":
        return "a subject must not be empty"
    if "\x00" in subject:
        return "a subject must not contain a NUL character"
    if len(subject.encode("utf-8")) > MAX_TOPIC_BYTES:
        return "a subject is at most 65535 bytes"
    levels = subject.split("/")
    for i, level in enumerate(levels):
        if "#" in level and (level != "#" or i != len(levels) - 1):
            return "'#' must be a whole level and the last one (e.g. sensors/#)"
        if "+" in level and level != "+":
            return "'+' must be a whole level (e.g. sensors/+/temperature)"
    return None


def _names(view, section):
    key = "Id" if section == "Connectors" else "name"
    return [i.data.get(key) for i in view.items(section) if isinstance(i.data.get(key), str)]


def endpoint_problem(view, value):
    if value in ("cloud", "GGShadowService") or value.startswith("arn:"):
        return None
    prefix, sep, name = value.partition("::")
    if not sep or prefix not in PREFIXES:
        return "unknown endpoint %r: use %s%s" % (value, ENDPOINT_HELP,
                                                  did_you_mean(value, ["cloud", "GGShadowService"]))
    names = _names(view, PREFIXES[prefix])
    if name not in names:
        return "%s %r is not in group %r%s" % (prefix, name, view.name, did_you_mean(name, names))
    return None


def check_subscriptions(view, reporter, spec_dir):
    for item in view.items("Subscriptions"):
        data = item.data
        for key in ("Source", "Target"):
            value = data.get(key)
            if isinstance(value, str):
                problem = endpoint_problem(view, value)
                if problem:
                    reporter.error(item.path + (key,), problem)
        if data.get("Source") == "cloud" and data.get("Target") == "cloud":
            reporter.error(item.path, "a subscription from cloud to cloud routes nothing")
        subject = data.get("Subject")
        if isinstance(subject, str):
            problem = topic_problem(subject)
            if problem:
                reporter.error(item.path + ("Subject",), "%s, got %r" % (problem, subject))
