"""The stand-in core of `--auto-complete-after`: when a V2 deployment's execution succeeds by itself,
the thing reports as a healthy core device running that deployment's components.

The report is a COMPLETE fleet-status message listing the root components of
every current deployment that reaches the thing, RUNNING, with the nucleus
version the deployment names (else the newest public one).
"""
from ..iot import jobs as iot_jobs
from . import core_devices, public_components, semver, state


def _components(st, iot, thing_name):
    found = {}
    for deployment in st.deployments.values():
        job = iot.jobs.get(deployment.job_id)
        execution = getattr(job, "executions", {}).get(thing_name)
        if deployment.latest and execution is not None and execution.status == "SUCCEEDED":
            for name, spec in deployment.components.items():
                found[name] = {"componentName": name, "version": spec["componentVersion"], "isRoot": True,
                               "status": "RUNNING", "fleetConfigArns": [deployment.configuration_arn]}
    return found


def on_event(event, backend, job, execution):
    if event != "auto_succeeded" or not job.owner:
        return
    st = state.of(backend.account_id, backend.region_name)
    deployment = st.deployments.get(job.owner)
    if deployment is None:
        return
    roots = _components(st, backend, execution.thing_name)
    nucleus = roots.get("aws.greengrass.Nucleus", {}).get("version") or max(
        public_components.CATALOG["aws.greengrass.Nucleus"][0], key=semver.Version)
    core_devices.apply_report(st, backend.region_name, backend.account_id, execution.thing_name, {
        "thing": execution.thing_name, "ggcVersion": nucleus, "platform": "linux", "architecture": "amd64",
        "overallDeviceStatus": "HEALTHY", "messageType": "COMPLETE", "trigger": "THING_GROUP_DEPLOYMENT",
        "components": list(roots.values()),
        "deploymentInformation": {"status": "SUCCEEDED", "deploymentId": deployment.deployment_id,
                                  "fleetConfigurationArnForStatus": deployment.configuration_arn,
                                  "statusDetails": {"detailedStatus": "SUCCESSFUL"}}})


def install():
    iot_jobs.add_listener(on_event)
