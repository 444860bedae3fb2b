"""The sandbox: a local AWS endpoint for Greengrass V1 and V2 (moto, completed) plus an MQTT broker.

Layout: shared modules here (process, cli, knobs, endpoints, restjson, server, mqtt, ...), the
Greengrass V1 additions in `v1/`, the Greengrass V2 service in `v2/`, IoT additions in `iot/`.
Only `server.py` and the modules it loads import moto; `process.py`, `cli.py` and
`knobs.py` do not, so the rest of gg_manager can start and stop a sandbox
without depending on moto.
"""
