"""Run-time settings shared by the V1 and V2 Greengrass additions (no moto).

auto_complete_after: seconds after which a deployment (V1) or a V2 deployment's
job execution succeeds by itself, for runs with no core; None waits for a core.
"""
SETTINGS = {"auto_complete_after": None}


def auto_complete_after():
    return SETTINGS["auto_complete_after"]
