"""Group versions that keep all seven definition ARNs, logger and connector included.

moto's FakeGroupVersion knows five kinds; here create_group / create_group_version
accept LoggerDefinitionVersionArn and ConnectorDefinitionVersionArn too, check
every reference exists, and get_group_version returns them.
"""
from moto.greengrass.exceptions import IdNotFoundException
from moto.greengrass.models import FakeGroup, FakeGroupVersion, GreengrassBackend
from moto.greengrass.responses import GreengrassResponse

from .common import created, json_body, uri_param
from .errors import BadRequestException
from .loggers import version_arn_exists

# request key -> (moto store attribute or extra kind, message noun)
KINDS = {
    "CoreDefinitionVersionArn": ("core_definition_versions", "Cores"),
    "DeviceDefinitionVersionArn": ("device_definition_versions", "Devices"),
    "FunctionDefinitionVersionArn": ("function_definition_versions", "Lambda"),
    "ResourceDefinitionVersionArn": ("resource_definition_versions", "Resource"),
    "SubscriptionDefinitionVersionArn": ("subscription_definition_versions", "Subscription"),
    "LoggerDefinitionVersionArn": ("loggers", "Loggers"),
    "ConnectorDefinitionVersionArn": ("connectors", "Connectors"),
}
EXTRA = ("LoggerDefinitionVersionArn", "ConnectorDefinitionVersionArn")


def _exists(backend, store_name, arn):
    if store_name in ("loggers", "connectors"):
        return version_arn_exists(backend, store_name, arn)
    parts = arn.split("/")
    if len(parts) < 4 or parts[-2] != "versions":
        return False
    version = getattr(backend, store_name).get(parts[-3], {}).get(parts[-1])
    return version is not None and version.arn == arn


def validate_references(backend, arns):
    errors = ["%s definition reference does not exist" % noun
              for key, (store_name, noun) in KINDS.items()
              if arns.get(key) and not _exists(backend, store_name, arns[key])]
    if errors:
        raise BadRequestException("The group is invalid or corrupted. (ErrorDetails: [%s])" % ", ".join(errors))


def create_group_version(self, group_id, **arns):
    if group_id not in self.groups:
        raise IdNotFoundException("That group does not exist.")
    arns = {key: arns.get(key) for key in KINDS}
    validate_references(self, arns)
    version = FakeGroupVersion(
        self.account_id, self.region_name, group_id=group_id,
        core_definition_version_arn=arns["CoreDefinitionVersionArn"],
        device_definition_version_arn=arns["DeviceDefinitionVersionArn"],
        function_definition_version_arn=arns["FunctionDefinitionVersionArn"],
        resource_definition_version_arn=arns["ResourceDefinitionVersionArn"],
        subscription_definition_version_arn=arns["SubscriptionDefinitionVersionArn"],
    )
    version.extra_arns = {key: arns[key] for key in EXTRA if arns[key]}
    self.group_versions.setdefault(group_id, {})[version.version] = version
    group = self.groups[group_id]
    group.latest_version, group.latest_version_arn = version.version, version.arn
    return version


def create_group(self, name, initial_version):
    if not name:
        raise BadRequestException("Group name is required.")
    group = FakeGroup(self.account_id, self.region_name, name)
    self.groups[group.group_id] = group
    self.group_versions[group.group_id] = {}
    if initial_version is not None:  # as AWS: no InitialVersion, no version
        try:
            create_group_version(self, group.group_id, **initial_version)
        except Exception:
            del self.groups[group.group_id], self.group_versions[group.group_id]
            raise
    return group


def _version_to_dict(original):
    def to_dict(self, include_detail=False):
        res = original(self, include_detail)
        if include_detail:
            res["Definition"].update(getattr(self, "extra_arns", {}))
        return res
    return to_dict


def create_group_version_response(self):
    body = json_body(self)
    arns = {key: body.get(key) for key in KINDS}
    version = self.greengrass_backend.create_group_version(uri_param(self, "GroupId", -2), **arns)
    return created(version.to_dict())


def install():
    if getattr(GreengrassBackend.create_group, "_gg_sandbox", False):
        return
    create_group._gg_sandbox = True
    GreengrassBackend.create_group = create_group
    GreengrassBackend.create_group_version = create_group_version
    FakeGroupVersion.to_dict = _version_to_dict(FakeGroupVersion.to_dict)
    GreengrassResponse.create_group_version = create_group_version_response
