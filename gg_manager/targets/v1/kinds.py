"""The seven Greengrass V1 definition kinds, in one table: API names spelled out, greppable."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str                 # "function"
    entries: str             # the list a version holds: "Functions"
    id_param: str            # "FunctionDefinitionId"
    version_id_param: str    # "FunctionDefinitionVersionId"
    version_arn_key: str     # the group version's field: "FunctionDefinitionVersionArn"
    list_op: str
    create_op: str
    create_version_op: str
    get_version_op: str
    delete_op: str

    def definition_name(self, group):
        return "%s-%ss" % (group, self.key)

    @property
    def label(self):
        return "%s definition" % self.key


KINDS = (
    Kind("core", "Cores", "CoreDefinitionId", "CoreDefinitionVersionId", "CoreDefinitionVersionArn",
         "greengrass:ListCoreDefinitions", "greengrass:CreateCoreDefinition",
         "greengrass:CreateCoreDefinitionVersion", "greengrass:GetCoreDefinitionVersion",
         "greengrass:DeleteCoreDefinition"),
    Kind("device", "Devices", "DeviceDefinitionId", "DeviceDefinitionVersionId", "DeviceDefinitionVersionArn",
         "greengrass:ListDeviceDefinitions", "greengrass:CreateDeviceDefinition",
         "greengrass:CreateDeviceDefinitionVersion", "greengrass:GetDeviceDefinitionVersion",
         "greengrass:DeleteDeviceDefinition"),
    Kind("function", "Functions", "FunctionDefinitionId", "FunctionDefinitionVersionId",
         "FunctionDefinitionVersionArn", "greengrass:ListFunctionDefinitions",
         "greengrass:CreateFunctionDefinition", "greengrass:CreateFunctionDefinitionVersion",
         "greengrass:GetFunctionDefinitionVersion", "greengrass:DeleteFunctionDefinition"),
    Kind("resource", "Resources", "ResourceDefinitionId", "ResourceDefinitionVersionId",
         "ResourceDefinitionVersionArn", "greengrass:ListResourceDefinitions",
         "greengrass:CreateResourceDefinition", "greengrass:CreateResourceDefinitionVersion",
         "greengrass:GetResourceDefinitionVersion", "greengrass:DeleteResourceDefinition"),
    Kind("subscription", "Subscriptions", "SubscriptionDefinitionId", "SubscriptionDefinitionVersionId",
         "SubscriptionDefinitionVersionArn", "greengrass:ListSubscriptionDefinitions",
         "greengrass:CreateSubscriptionDefinition", "greengrass:CreateSubscriptionDefinitionVersion",
         "greengrass:GetSubscriptionDefinitionVersion", "greengrass:DeleteSubscriptionDefinition"),
    Kind("logger", "Loggers", "LoggerDefinitionId", "LoggerDefinitionVersionId", "LoggerDefinitionVersionArn",
         "greengrass:ListLoggerDefinitions", "greengrass:CreateLoggerDefinition",
         "greengrass:CreateLoggerDefinitionVersion", "greengrass:GetLoggerDefinitionVersion",
         "greengrass:DeleteLoggerDefinition"),
    Kind("connector", "Connectors", "ConnectorDefinitionId", "ConnectorDefinitionVersionId",
         "ConnectorDefinitionVersionArn", "greengrass:ListConnectorDefinitions",
         "greengrass:CreateConnectorDefinition", "greengrass:CreateConnectorDefinitionVersion",
         "greengrass:GetConnectorDefinitionVersion", "greengrass:DeleteConnectorDefinition"),
)
BY_KEY = {k.key: k for k in KINDS}
BY_VERSION_ARN_KEY = {k.version_arn_key: k for k in KINDS}


def version_ids(version_arn):
    """(definition id, version id) from a definition version ARN .../<kind>/<id>/versions/<vid>."""
    parts = (version_arn or "").split("/")
    if len(parts) < 4 or parts[-2] != "versions":
        raise ValueError("not a definition version ARN: %r" % version_arn)
    return parts[-3], parts[-1]
