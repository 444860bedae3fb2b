"""Deployments: CreateDeployment, GetDeployment, ListDeployments, CancelDeployment, DeleteDeployment.

Each deployment is an IoT job (job id = deployment id) on its target: a thing
group target makes a CONTINUOUS job (its members now and later), a thing target
a SNAPSHOT job. One revision per target is current: a new deployment to the same
target makes the previous one INACTIVE (`isLatestForTarget` false) and cancels
its job. Status: ACTIVE while current; CANCELED after CancelDeployment or an
abort criterion; for a thing target, COMPLETED or FAILED once its one execution
has finished. A subdeployment (`parentTargetArn`) targets a thing group whose
things all belong to the parent group, which must have a current deployment.
"""
import json
import uuid

from ..iot import jobs
from ..iot.job_targets import members
from . import arns, deployment_document, deployment_input, state, tagging
from .common import now, page
from .errors import conflict, not_found, validation
from .state import Deployment


def job_of(iot, deployment):
    job = iot.jobs.get(deployment.job_id) if deployment.job_id else None
    return job if isinstance(job, jobs.Job) else None


def status_of(iot, deployment):
    """The deployment's status now (its job decides once the service has not set a final one)."""
    if deployment.status != "ACTIVE":
        return deployment.status
    job = job_of(iot, deployment)
    if job is None:
        return "ACTIVE"
    if job.status == "CANCELED":
        return "CANCELED"
    if job.status == "COMPLETED":
        return "COMPLETED" if all(e.status == "SUCCEEDED" for e in job.executions.values()) else "FAILED"
    return "ACTIVE"


def find(ctx, deployment_id):
    found = state.of_ctx(ctx).deployments.get(deployment_id)
    if found is None:
        raise not_found("Deployment %s does not exist." % deployment_id, deployment_id, "DEPLOYMENT")
    return found


def _latest_for(st, target_arn):
    for deployment in reversed(list(st.deployments.values())):
        if deployment.target_arn == target_arn and deployment.latest:
            return deployment
    return None


def _check_parent(ctx, st, iot, target_arn, parent_arn):
    deployment_input.target(ctx, parent_arn, "parentTargetArn", iot, groups_only=True)
    deployment_input.target(ctx, target_arn, "targetArn", iot, groups_only=True)
    if _latest_for(st, parent_arn) is None:
        raise not_found("The parent target %s has no deployment." % parent_arn, parent_arn, "DEPLOYMENT")
    parent_things = {name for _, name in members(iot, parent_arn)}
    outside = sorted(name for _, name in members(iot, target_arn) if name not in parent_things)
    if outside:
        raise validation("A subdeployment targets things of its parent's thing group only; not in %s: %s"
                         % (parent_arn, ", ".join(outside)), fields=[{"name": "targetArn", "message": "not a subset"}])


def create_deployment(ctx, params):
    st, iot = state.of_ctx(ctx), state.iot_backend(ctx.account, ctx.region)
    token = params.get("clientToken")
    if token and ("CreateDeployment", token) in st.client_tokens:
        return st.client_tokens[("CreateDeployment", token)]
    target_arn, parent_arn = params["targetArn"], params.get("parentTargetArn")
    kind, target_name = deployment_input.target(ctx, target_arn, "targetArn", iot)
    if parent_arn:
        _check_parent(ctx, st, iot, target_arn, parent_arn)
    specs = params.get("components") or {}
    deployment_input.component_specs(ctx, specs)
    policies = deployment_input.policies(params.get("deploymentPolicies"))
    job_config = deployment_input.job_configuration(params.get("iotJobConfiguration"))
    tags = tagging.validate(params.get("tags"))
    revision = st.revisions.get(target_arn, 0) + 1
    deployment_id = str(uuid.uuid4())
    deployment = Deployment(
        deployment_id, arns.deployment(ctx.region, ctx.account, deployment_id),
        params.get("deploymentName") or "Deployment for %s" % target_name, target_arn, str(revision), now(),
        json.loads(json.dumps(specs)), policies, job_config, parent_target_arn=parent_arn,
        configuration_arn=arns.configuration(ctx.region, ctx.account, target_arn, revision))
    _replace_previous(st, iot, target_arn, deployment_id)
    st.revisions[target_arn] = revision
    job = jobs.create(iot, deployment_id, [target_arn], json.dumps(deployment_document.build(deployment)),
                      description="Greengrass deployment %s (%s revision %s)" % (deployment_id, target_arn, revision),
                      target_selection="CONTINUOUS" if kind == "thinggroup" else "SNAPSHOT",
                      rollout=job_config.get("jobExecutionsRolloutConfig"), abort=job_config.get("abortConfig"),
                      timeout=job_config.get("timeoutConfig"))
    job.auto_complete, job.owner = True, deployment_id
    deployment.job_id, deployment.job_arn = job.job_id, job.job_arn
    st.deployments[deployment_id] = deployment
    if tags:
        st.tags[deployment.arn] = dict(tags)
    answer = {"deploymentId": deployment_id, "iotJobId": job.job_id, "iotJobArn": job.job_arn}
    if token:
        st.client_tokens[("CreateDeployment", token)] = answer
    jobs.tick_job(iot, job)
    return answer


def _replace_previous(st, iot, target_arn, new_id):
    previous = _latest_for(st, target_arn)
    if previous is None:
        return
    previous.latest = False
    if status_of(iot, previous) == "ACTIVE":
        previous.status = "INACTIVE"
    job = job_of(iot, previous)
    if job is not None and job.status == "IN_PROGRESS":
        jobs.cancel(iot, job.job_id, "SUPERSEDED", "Replaced by deployment %s" % new_id)


def describe(ctx, iot, deployment, full=True):
    res = {"targetArn": deployment.target_arn, "revisionId": deployment.revision,
           "deploymentId": deployment.deployment_id, "deploymentName": deployment.name,
           "creationTimestamp": deployment.created, "deploymentStatus": status_of(iot, deployment),
           "isLatestForTarget": deployment.latest, "parentTargetArn": deployment.parent_target_arn}
    if full:
        res.update(iotJobId=deployment.job_id, iotJobArn=deployment.job_arn, components=deployment.components,
                   deploymentPolicies=deployment.policies, iotJobConfiguration=deployment.job_config,
                   tags=state.of_ctx(ctx).tags.get(deployment.arn) or None)
    return res


def _ticked(iot, deployment):
    """The deployment after a tick of its own job (the others are ticked by their own reads and the ticker)."""
    job = job_of(iot, deployment)
    if job is not None:
        jobs.tick_job(iot, job)
    return deployment


def get_deployment(ctx, params):
    iot = state.iot_backend(ctx.account, ctx.region)
    return describe(ctx, iot, _ticked(iot, find(ctx, params["deploymentId"])))


def list_deployments(ctx, params):
    st, iot = state.of_ctx(ctx), state.iot_backend(ctx.account, ctx.region)
    history = params.get("historyFilter") or "LATEST_ONLY"
    if history not in ("ALL", "LATEST_ONLY"):
        raise validation("historyFilter must be ALL or LATEST_ONLY.")
    items = [d for d in reversed(list(st.deployments.values()))
             if (history == "ALL" or d.latest)
             and params.get("targetArn") in (None, d.target_arn)
             and params.get("parentTargetArn") in (None, d.parent_target_arn)]
    found, token = page(items, params, render=lambda d: describe(ctx, iot, _ticked(iot, d), full=False))
    return {"deployments": found, "nextToken": token}


def cancel_deployment(ctx, params):
    iot = state.iot_backend(ctx.account, ctx.region)
    deployment = find(ctx, params["deploymentId"])
    current = status_of(iot, deployment)
    if current != "ACTIVE":
        raise conflict("Deployment %s is %s; only an ACTIVE deployment can be canceled."
                       % (deployment.deployment_id, current), deployment.deployment_id, "DEPLOYMENT")
    deployment.status = "CANCELED"
    job = job_of(iot, deployment)
    if job is not None and job.status == "IN_PROGRESS":
        jobs.cancel(iot, job.job_id, "CANCELED", "Deployment canceled")
    return {"message": "SUCCESS"}


def delete_deployment(ctx, params):
    st, iot = state.of_ctx(ctx), state.iot_backend(ctx.account, ctx.region)
    deployment = find(ctx, params["deploymentId"])
    if status_of(iot, deployment) == "ACTIVE":
        raise conflict("Deployment %s is ACTIVE; cancel it before deleting it." % deployment.deployment_id,
                       deployment.deployment_id, "DEPLOYMENT")
    if job_of(iot, deployment) is not None:
        jobs.delete(iot, deployment.job_id, force=True)
    del st.deployments[deployment.deployment_id]
    st.tags.pop(deployment.arn, None)
    return {}


HANDLERS = {
    "CreateDeployment": create_deployment,
    "GetDeployment": get_deployment,
    "ListDeployments": list_deployments,
    "CancelDeployment": cancel_deployment,
    "DeleteDeployment": delete_deployment,
}
