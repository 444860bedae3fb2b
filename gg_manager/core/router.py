"""Message routing by the group's subscriptions, with MQTT topic-filter rules."""
import logging

log = logging.getLogger("gg.core.router")

CLOUD = "cloud"
SHADOW = "GGShadowService"


def topic_matches(topic_filter, topic):
    """True when `topic` matches `topic_filter` ('+' one level, '#' the rest, as MQTT 3.1.1 says)."""
    if topic_filter == topic:
        return True
    fparts, tparts = topic_filter.split("/"), topic.split("/")
    if topic.startswith("$") and fparts[0] in ("+", "#"):
        return False  # wildcards at the first level never match $-topics
    for i, part in enumerate(fparts):
        if part == "#":
            return i == len(fparts) - 1
        if i >= len(tparts):
            return False
        if part != "+" and part != tparts[i]:
            return False
    return len(fparts) == len(tparts)


class Router:
    """Delivers (source, subject, payload) to every target whose subscription matches.

    deliver: {"lambda": f(arn, source, subject, payload), "cloud": f(subject, payload),
              "shadow": f(source, subject, payload)}; a target ARN that is not a Lambda of
    this deployment (a connector, a device) is logged and skipped.
    """

    def __init__(self, subscriptions, lambdas, deliver):
        self.subscriptions = list(subscriptions or ())
        self.lambdas = set(lambdas or ())
        self.deliver = deliver

    def cloud_subjects(self):
        """Topic filters the core must subscribe to on the broker (subscriptions whose Source is cloud)."""
        return sorted({s["Subject"] for s in self.subscriptions if s.get("Source") == CLOUD})

    def targets(self, source, subject):
        seen = []
        for sub in self.subscriptions:
            if sub.get("Source") == source and topic_matches(sub.get("Subject", ""), subject):
                if sub["Target"] not in seen:
                    seen.append(sub["Target"])
        return seen

    def route(self, source, subject, payload):
        targets = self.targets(source, subject)
        if not targets:
            log.debug("no subscription for %s from %s: dropped", subject, source)
        for target in targets:
            try:
                if target == CLOUD:
                    self.deliver["cloud"](subject, payload)
                elif target == SHADOW:
                    self.deliver["shadow"](source, subject, payload)
                elif target in self.lambdas:
                    self.deliver["lambda"](target, source, subject, payload)
                else:
                    log.warning("subscription target %s is not run by the local core: %s dropped",
                                target, subject)
            except Exception:  # noqa: BLE001 - one bad target must not stop the others
                log.exception("delivering %s from %s to %s failed", subject, source, target)
        return targets
