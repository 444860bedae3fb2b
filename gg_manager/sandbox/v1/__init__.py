"""Greengrass V1 as AWS has it, added to moto's Greengrass service (groups, definitions, deployments, bulk, tags)."""


def install():
    """Patch moto's Greengrass V1 service (idempotent); returns the sandbox-API plugin."""
    from . import routes, sandbox_api

    routes.install()
    return sandbox_api.plugin()
