"""The local core runtime: stands in for the Greengrass core software of a device and runs a
deployed group's Lambdas on this machine (`gg core run`). ("Core device" elsewhere in gg means the
device itself: its IoT thing, certificate and policy, and its config.json.)

Shared by every target: launcher (a core as a child process), artifacts (Lambda code, ML models),
ipc_server (the HTTP IPC greengrasssdk speaks), lambdas (processes), router (subscriptions),
shadow (local shadow store), cloud (MQTT bridge), paths (resource folders, env rewriting),
endpoint (is the endpoint a gg sandbox?), logs, cli; runtime_shims/ is put on each Lambda's sys.path (the core-provided modules greengrasssdk
needs, plus the loop that calls the handler).

v1/: Greengrass V1 groups: config (config.json), locate (the core's group and its newest
deployment), group (a group version with its definitions), report (deployment status), runtime.
"""
