"""Tell the cloud how a deployment went: the sandbox's status endpoint, or only the log on AWS.

A real core reports over MQTT ($aws/things/<thing>/greengrass/deployments/...),
which no public API exposes; against AWS this core logs the outcome instead.
"""
import json
import logging
import urllib.error
import urllib.request

log = logging.getLogger("gg.core.report")


def report_status(config, group_id, deployment_id, status, message=None, details=None):
    text = "deployment %s of group %s: %s%s" % (deployment_id, group_id, status, (": " + message) if message else "")
    (log.error if status == "Failure" else log.info)(text)
    if not config.sandbox:
        return False
    body = {"status": status}
    if status == "Failure":
        body["errorMessage"] = message or "Deployment failed"
        body["errorDetails"] = details or []
    url = "%s/_sandbox/greengrass/groups/%s/deployments/%s/status" % (
        config.endpoint_url.rstrip("/"), group_id, deployment_id)
    request = urllib.request.Request(url, json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10):
            return True
    except (urllib.error.URLError, OSError) as exc:
        log.warning("could not report %s to %s: %s", status, url, exc)
        return False
