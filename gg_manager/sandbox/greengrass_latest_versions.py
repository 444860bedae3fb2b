"""moto records a new subscription definition version but never makes it the latest.

AWS moves a definition's LatestVersion/LatestVersionArn to every version created
(the other definition kinds already do this in moto).
"""
from moto.greengrass.models import GreengrassBackend


def install():
    original = GreengrassBackend.create_subscription_definition_version
    if getattr(original, "_gg_sandbox", False):
        return

    def create_version(self, subscription_definition_id, subscriptions):
        version = original(self, subscription_definition_id, subscriptions)
        definition = self.subscription_definitions[subscription_definition_id]
        definition.latest_version = version.version
        definition.latest_version_arn = version.arn
        return version

    create_version._gg_sandbox = True
    GreengrassBackend.create_subscription_definition_version = create_version
