"""Message routes of a V2 deployment, in the form the shared Router takes.

Two sources of routes:
  - each Lambda component's event sources (configuration pubsubTopics): IOT_CORE topics
    (MQTT wildcards allowed) arrive from the cloud broker, PUB_SUB topics from the local
    publish/subscribe bus;
  - aws.greengrass.LegacySubscriptionRouter's configuration `subscriptions`
    ({ID: {id, source, subject, target}}): what a Lambda publishes with the Greengrass Core SDK
    goes only where a subscription sends it. source/target: `component:NAME`, a Lambda
    function ARN (versioned or not), `cloud`, or GGShadowService.
A route whose end is not a Lambda component of this deployment is reported and dropped.
"""
import logging

from .shared import CLOUD, SHADOW

log = logging.getLogger("gg.core.v2.routing")

LOCAL = "local-pubsub"   # the source key of messages on the local publish/subscribe bus


def _unqualified(arn):
    parts = arn.split(":")
    return ":".join(parts[:7]) if len(parts) > 7 else arn


def _endpoint(value, lambdas):
    """The Router's name for a source/target: a Lambda ARN, CLOUD, SHADOW; None when unknown."""
    value = str(value or "").strip()
    if value.lower() == "cloud":
        return CLOUD
    if value == SHADOW:
        return SHADOW
    if value.startswith("component:"):
        launch = lambdas.get(value[len("component:"):])
        return launch.arn if launch else None
    for launch in lambdas.values():
        if value == launch.arn or value == _unqualified(launch.arn):
            return launch.arn
    return None


def router_subscriptions(config, lambdas):
    """(subscriptions, problems) from the router's configuration; lambdas: {component name: LambdaLaunch}."""
    raw = (config or {}).get("subscriptions") or {}
    items = raw.items() if isinstance(raw, dict) else enumerate(raw) if isinstance(raw, list) else []
    subs, problems = [], []
    for key, sub in items:
        if not isinstance(sub, dict):
            problems.append("subscription %s is not an object" % key)
            continue
        source, target = _endpoint(sub.get("source"), lambdas), _endpoint(sub.get("target"), lambdas)
        subject = sub.get("subject")
        if source is None or target is None or not subject:
            problems.append("subscription %s (%s -> %s on %r) names no Lambda component of this deployment"
                            % (sub.get("id", key), sub.get("source"), sub.get("target"), subject))
            continue
        subs.append({"Id": str(sub.get("id", key)), "Source": source, "Subject": str(subject), "Target": target})
    return subs, problems


def event_source_subscriptions(lambdas):
    subs = []
    for name, launch in sorted(lambdas.items()):
        for i, source in enumerate(launch.event_sources):
            origin = CLOUD if source.type == "IOT_CORE" else LOCAL
            subs.append({"Id": "%s-event-%d" % (name, i), "Source": origin, "Subject": source.topic,
                         "Target": launch.arn})
    return subs


def build_routes(router_config, lambdas):
    """Every route of the deployment and the problems found; router_config None = no router deployed."""
    subs = event_source_subscriptions(lambdas)
    problems = []
    if router_config is not None:
        more, problems = router_subscriptions(router_config, lambdas)
        subs.extend(more)
    for problem in problems:
        log.warning("LegacySubscriptionRouter: %s", problem)
    return subs, problems
