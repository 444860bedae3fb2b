"""Builders for V2 sandbox tests, all with plain boto3: things, groups, recipes, components, deployments."""
import json
import uuid

ACCOUNT = "123456789012"


def name(prefix="t"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def things(iot, count, prefix="core"):
    """`count` new IoT things; returns their names."""
    made = []
    for _ in range(count):
        thing = name(prefix)
        iot.create_thing(thingName=thing)
        made.append(thing)
    return made


def group(iot, members=(), prefix="group"):
    """A new thing group holding `members`; returns its ARN."""
    group_name = name(prefix)
    arn = iot.create_thing_group(thingGroupName=group_name)["thingGroupArn"]
    for thing in members:
        iot.add_thing_to_thing_group(thingGroupName=group_name, thingName=thing)
    return arn


def recipe(component, version="1.0.0", artifacts=(), **extra):
    body = {"RecipeFormatVersion": "2020-01-25", "ComponentName": component, "ComponentVersion": version,
            "ComponentDescription": "test component", "ComponentPublisher": "gg tests",
            "ComponentConfiguration": {"DefaultConfiguration": {"message": "hello"}},
            "Manifests": [{"Platform": {"os": "linux"}, "Lifecycle": {"Run": "echo {configuration:/message}"},
                           "Artifacts": [{"URI": uri} for uri in artifacts]}]}
    body.update(extra)
    return body


def component(gg2, component_name=None, version="1.0.0", **extra):
    """A new private component version from an inline JSON recipe; returns (name, version, arn)."""
    component_name = component_name or name("com.example.C")
    made = gg2.create_component_version(inlineRecipe=json.dumps(recipe(component_name, version, **extra)).encode())
    return component_name, version, made["arn"]


def deploy(gg2, target_arn, components, **extra):
    """CreateDeployment of {name: version}; returns its answer."""
    specs = {n: {"componentVersion": v} for n, v in components.items()}
    return gg2.create_deployment(targetArn=target_arn, components=specs, **extra)


def executions(iot, job_id):
    """{thing name: status} of a job's executions, through the IoT control plane."""
    found = {}
    for item in iot.list_job_executions_for_job(jobId=job_id)["executionSummaries"]:
        found[item["thingArn"].rsplit("/", 1)[-1]] = item["jobExecutionSummary"]["status"]
    return found


def error_of(excinfo):
    err = excinfo.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"].get("Message", "")
