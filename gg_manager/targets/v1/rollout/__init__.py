"""`gg rollout`: the fleet's groups deployed in waves through Greengrass bulk deployments.

waves.py (sizes, limits) -> targets.py (which version per group) -> role.py + bulk.py
(the execution role, the input file in S3, one bulk deployment per wave) -> run.py (the
wave loop, halting on failures) -> report.py (text and JSON).
"""
