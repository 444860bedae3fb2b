"""The local Greengrass core: runs a deployed group's Lambdas on this machine (`gg core run`).

Modules: config (config.json), discover (group + newest deployment), group
(definitions pulled into one value), artifacts (Lambda code, ML models), paths
(resource folders, env rewriting), ipc_server (the core's HTTP IPC), router
(subscriptions), shadow (local shadow store), cloud (MQTT bridge), lambdas
(processes), report (deployment status), runtime (the loop), cli.
runtime_shims/ is put on each Lambda's sys.path: the core-provided modules
greengrasssdk needs, plus the runtime loop that calls the handler.
"""
