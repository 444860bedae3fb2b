"""Fixes to moto's five definition kinds (core, device, function, resource, subscription).

- Created without InitialVersion, which AWS allows and moto crashed on (HTTP
  500): such a definition has no version yet (LatestVersion empty), like a
  group created without InitialVersion.
- create_*_definition_version makes the new version the definition's
  LatestVersion/LatestVersionArn (moto forgot it for subscriptions) and moves
  LastUpdatedTimestamp.
"""
from moto.core.utils import utcnow
from moto.greengrass import models

KINDS = {
    "core": models.FakeCoreDefinition,
    "device": models.FakeDeviceDefinition,
    "function": models.FakeFunctionDefinition,
    "resource": models.FakeResourceDefinition,
    "subscription": models.FakeSubscriptionDefinition,
}


def _wrap_create(kind, model, original):
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


def _wrap_create_version(kind, original):
    def create_version(self, *args, **kwargs):
        version = original(self, *args, **kwargs)
        definition = getattr(self, kind + "_definitions")[version.arn.split("/")[-3]]
        definition.latest_version, definition.latest_version_arn = version.version, version.arn
        definition.update_at_datetime = utcnow()
        return version
    create_version._gg_sandbox = True
    return create_version


def _last_updated(original):
    def to_dict(self):
        res = original(self)
        updated = getattr(self, "update_at_datetime", None)
        if updated is not None:
            res["LastUpdatedTimestamp"] = models.iso_8601_datetime_with_milliseconds(updated)
        return res
    return to_dict


def install():
    backend = models.GreengrassBackend
    for kind, model in KINDS.items():
        name = "create_%s_definition" % kind
        if getattr(getattr(backend, name), "_gg_sandbox", False):
            continue
        setattr(backend, name, _wrap_create(kind, model, getattr(backend, name)))
        name = "create_%s_definition_version" % kind
        setattr(backend, name, _wrap_create_version(kind, getattr(backend, name)))
        model.to_dict = _last_updated(model.to_dict)
