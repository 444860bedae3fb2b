"""The local core as a Greengrass V2 core device: components from recipes, deployments from jobs.

Recipes and versions: semver (NPM ranges), recipe (parse, validate), platform (manifest and
lifecycle selection). A deployment: job_document (the job's document), resolve + graph
(versions and dependency order), candidates (the cloud, else recipes on disk), artifacts +
unzip (download, digest, safe unpack), configuration (reset/defaults/merge across revisions),
interpolate ({artifacts:path}...), specs (what runs), plan (add/update/keep/remove), applier
(apply, settle, rollback), status (detailed-deployment-status), state_store (state.json).
Running: supervisor (components and what they see), generic (recipe lifecycles: lifecycle,
script, states, component_log), lambda_component + lambda_launch + lambda_host + routing
(Lambda components on the shared Lambda runtime and IPC), emulated (AWS components the core
stands in for). device (the loop) talks to the cloud only through device_client's interface;
aws_client implements it with botocore (health: the fleet-status message); connection,
device_config (the nucleus's config.yaml) and run (run_device, for `gg core run`) wire it up.
layout: the folders, as /greengrass/v2 has them. shared: the V1 core's shared pieces, imported
in one place. README.md: what is emulated and what is not.
"""
