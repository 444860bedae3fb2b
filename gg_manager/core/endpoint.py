"""The AWS endpoint a local core talks to: a gg sandbox answers /_sandbox/health (and then has its
own MQTT broker and deployment-status route), AWS does not. Shared by every target's core."""
import json
import urllib.error
import urllib.request


def sandbox_health(endpoint_url, timeout=3.0):
    """The sandbox's /_sandbox/health answer, or None when the endpoint is not a gg sandbox."""
    if not endpoint_url:
        return None
    try:
        with urllib.request.urlopen(endpoint_url.rstrip("/") + "/_sandbox/health", timeout=timeout) as resp:
            data = json.load(resp)
        return data if isinstance(data, dict) and data.get("ok") else None
    except (urllib.error.URLError, OSError, ValueError):
        return None
