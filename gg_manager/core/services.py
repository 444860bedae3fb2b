"""What both local cores answer the same way for their Lambdas: the shadow service (over the router
and the IPC) and messages from the cloud. A core mixes this in beside its `router` and `shadows`."""
from gg_manager.core.router import CLOUD, SHADOW

NOT_A_SHADOW_TOPIC = b'{"code": 400, "message": "not a shadow topic"}'


class ShadowAndCloud:
    router = None       # a core.router.Router
    shadows = None      # a core.shadow.ShadowStore

    def _to_shadow(self, source, subject, payload):
        return self._shadow(subject, payload)

    def _shadow(self, subject, payload):
        answers = self.shadows.handle(subject or "", payload)
        for topic, body in answers:
            self.router.route(SHADOW, topic, body)
        return answers[0][1] if answers else NOT_A_SHADOW_TOPIC

    def _from_cloud(self, topic, payload):
        self.router.route(CLOUD, topic, payload)

    def _shadow_service(self, payload, context, invocation_type):
        custom = context.get("custom") or {}
        return self._shadow(custom.get("subject", ""), payload)
