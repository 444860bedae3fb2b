"""`gg rollout` on Greengrass V2: the fleet's new revisions deployed in waves, group by group.

targets.py (each group's revision: the plan's pending deployment, or for --rollback the
previous revision found in ListDeployments history) -> job_config.py (AWS's part: the IoT
job's rollout rate, abort criteria and timeout) -> watch.py (one group's deployment: create,
then its devices' job executions) -> run.py (gg's part: waves, canary first, halting across
groups; the report shape of the V1 rollout).
"""
