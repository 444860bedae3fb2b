"""The environment a Greengrass core gives a Lambda process (read once at import, as on the core)."""
import os

AUTH_TOKEN = os.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
MY_FUNCTION_ARN = os.environ.get("MY_FUNCTION_ARN")
ROUTER_FUNCTION_ARN = os.environ.get("ROUTER_FUNCTION_ARN", "arn:aws:lambda:::function:GGRouter")
SHADOW_FUNCTION_ARN = os.environ.get("SHADOW_FUNCTION_ARN", "arn:aws:lambda:::function:GGShadowService")
SECRETS_MANAGER_FUNCTION_ARN = os.environ.get("SECRETS_MANAGER_FUNCTION_ARN",
                                              "arn:aws:lambda:::function:GGSecretManager")
GG_DAEMON_PORT = os.environ.get("GG_IPC_PORT", "8000")
