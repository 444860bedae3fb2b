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


def reachable(endpoint_url, timeout=3.0):
    """None when something accepts connections at the URL's host and port, else the reason (one line)."""
    import socket
    from urllib.parse import urlparse

    url = urlparse(endpoint_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname, port), timeout=timeout):
            return None
    except OSError as exc:
        return exc.strerror or str(exc) or type(exc).__name__
