"""Greengrass V2, which moto lacks: components, deployments as IoT jobs, core devices, the device side."""


def install(knobs, lock, account_of, default_region):
    """Set up the V2 service; returns its plugin (the AWS service and the sandbox-API routes)."""
    from . import sandbox_api, service, virtual_core

    virtual_core.install()
    plugin = sandbox_api.plugin(lock, default_region)
    plugin.services.append((service.claims, service.service(knobs, lock, account_of, default_region)))
    return plugin
