"""The sandbox: a local AWS endpoint for Greengrass V1 (moto, completed) plus an MQTT broker.

Only `server.py` and the modules it loads import moto; `process.py`, `cli.py` and
`knobs.py` do not, so the rest of gg_manager can start and stop a sandbox
without depending on moto.
"""
