"""One group version with every definition it points at, pulled through the Greengrass API."""
from dataclasses import dataclass, field
from typing import List

from .discover import version_ids

# group version key -> (get_*_definition_version, id parameter, version parameter, list key)
KINDS = {
    "CoreDefinitionVersionArn": ("get_core_definition_version", "CoreDefinitionId", "CoreDefinitionVersionId",
                                 "Cores"),
    "FunctionDefinitionVersionArn": ("get_function_definition_version", "FunctionDefinitionId",
                                     "FunctionDefinitionVersionId", "Functions"),
    "ResourceDefinitionVersionArn": ("get_resource_definition_version", "ResourceDefinitionId",
                                     "ResourceDefinitionVersionId", "Resources"),
    "SubscriptionDefinitionVersionArn": ("get_subscription_definition_version", "SubscriptionDefinitionId",
                                         "SubscriptionDefinitionVersionId", "Subscriptions"),
    "LoggerDefinitionVersionArn": ("get_logger_definition_version", "LoggerDefinitionId",
                                   "LoggerDefinitionVersionId", "Loggers"),
    "ConnectorDefinitionVersionArn": ("get_connector_definition_version", "ConnectorDefinitionId",
                                      "ConnectorDefinitionVersionId", "Connectors"),
}


@dataclass
class GroupVersion:
    group_id: str
    version_id: str
    cores: List[dict] = field(default_factory=list)
    functions: List[dict] = field(default_factory=list)
    resources: List[dict] = field(default_factory=list)
    subscriptions: List[dict] = field(default_factory=list)
    loggers: List[dict] = field(default_factory=list)
    connectors: List[dict] = field(default_factory=list)
    function_default: dict = field(default_factory=dict)

    @property
    def pinned(self):
        return [f for f in self.functions if f.get("FunctionConfiguration", {}).get("Pinned")]


def pull_group_version(greengrass, group_id, version_id):
    version = greengrass.get_group_version(GroupId=group_id, GroupVersionId=version_id)
    definition = version.get("Definition", {})
    out = GroupVersion(group_id=group_id, version_id=version_id)
    for key, (method, id_param, ver_param, list_key) in KINDS.items():
        arn = definition.get(key)
        if not arn:
            continue
        def_id, ver_id = version_ids(arn)
        body = getattr(greengrass, method)(**{id_param: def_id, ver_param: ver_id}).get("Definition", {})
        setattr(out, list_key.lower(), list(body.get(list_key, [])))
        if list_key == "Functions":
            out.function_default = body.get("DefaultConfig", {})
    return out
