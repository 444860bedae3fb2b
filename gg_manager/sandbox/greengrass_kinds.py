"""Definitions created without InitialVersion, which AWS allows and moto crashes on (HTTP 500).

Such a definition has no version yet (LatestVersion empty), like a group
created without InitialVersion.
"""
from moto.greengrass import models

KINDS = {
    "core": models.FakeCoreDefinition,
    "device": models.FakeDeviceDefinition,
    "function": models.FakeFunctionDefinition,
    "resource": models.FakeResourceDefinition,
    "subscription": models.FakeSubscriptionDefinition,
}


def _wrap(kind, model, original):
    def create(self, name, initial_version):
        if initial_version is not None:
            return original(self, name, initial_version)
        args = (self.account_id, self.region_name, name) + (() if kind == "core" else ({},))
        definition = model(*args)
        getattr(self, kind + "_definitions")[definition.id] = definition
        getattr(self, kind + "_definition_versions")[definition.id] = {}
        return definition
    create._gg_sandbox = True
    return create


def install():
    backend = models.GreengrassBackend
    for kind, model in KINDS.items():
        name = "create_%s_definition" % kind
        if not getattr(getattr(backend, name), "_gg_sandbox", False):
            setattr(backend, name, _wrap(kind, model, getattr(backend, name)))
