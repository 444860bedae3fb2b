"""The pieces of the V1 local core that the V2 core device shares, imported in this one place.

The V1-specific modules of gg_manager/core live in gg_manager/core/v1; the shared ones
(Lambda processes, the HTTP IPC, the router, the MQTT bridge, the shadow store, the launcher)
stay (sandbox_health is in core/endpoint.py). Every V2 module imports them from here.
"""
from gg_manager.core.cloud import CloudBridge, broker_address  # noqa: F401
from gg_manager.core.endpoint import sandbox_health  # noqa: F401
from gg_manager.core.ipc_server import IPCServer, encode_client_context  # noqa: F401
from gg_manager.core.lambdas import (  # noqa: F401
    ON_DEMAND_IDLE_S, PASS_ENV, ROUTER_ARN, SECRETS_ARN, SHADOW_ARN, LambdaProcess, function_name)
from gg_manager.core.launcher import lambda_pids  # noqa: F401
from gg_manager.core.paths import rewrite_value  # noqa: F401
from gg_manager.core.router import CLOUD, SHADOW, Router, topic_matches  # noqa: F401
from gg_manager.core.services import ShadowAndCloud  # noqa: F401
from gg_manager.core.shadow import ShadowStore  # noqa: F401
