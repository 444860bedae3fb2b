"""What a run could leave behind, looked up the way a user would: AWS listings and /proc."""
import boto3

from gg_manager.aws.session import paginate
from gg_manager.sandbox import process as sandbox_process

# (kind, service, list method, result key, the name in each item, extra arguments): what the demo's
# sandbox must not list after gg remove, V1's and V2's resources alike. Listed whole: it holds nothing else.
LISTINGS = (
    ("groups", "greengrass", "list_groups", "Groups", "Name", {}),
    ("components", "greengrassv2", "list_components", "components", "componentName", {"scope": "PRIVATE"}),
    ("deployments", "greengrassv2", "list_deployments", "deployments", "deploymentName", {"historyFilter": "ALL"}),
    ("core devices", "greengrassv2", "list_core_devices", "coreDevices", "coreDeviceThingName", {}),
    ("functions", "lambda", "list_functions", "Functions", "FunctionName", {}),
    ("things", "iot", "list_things", "things", "thingName", {}),
    ("thing groups", "iot", "list_thing_groups", "thingGroups", "groupName", {}),
    ("certificates", "iot", "list_certificates", "certificates", "certificateId", {}),
    ("iot policies", "iot", "list_policies", "policies", "policyName", {}),
    ("role aliases", "iot", "list_role_aliases", "roleAliases", None, {}),
    ("jobs", "iot", "list_jobs", "jobs", "jobId", {}),
)


def aws_leftovers(sandbox, group):
    """{kind: [names]} of what the AWS APIs still list (empty when all is gone): every V1 and V2
    resource kind gg makes; IAM roles only those named after `group` (the sandbox's own may exist)."""
    def client(service):
        return boto3.client(service, endpoint_url=sandbox.endpoint_url, region_name=sandbox.region,
                            aws_access_key_id=sandbox_process.DUMMY_KEY,
                            aws_secret_access_key=sandbox_process.DUMMY_SECRET)

    found = {}
    for kind, service, method, key, name, kwargs in LISTINGS:
        items = paginate(client(service), method, key, **kwargs)
        found[kind] = [item[name] if name else item for item in items]
    found["roles"] = [r["RoleName"] for r in paginate(client("iam"), "list_roles", "Roles") if group in r["RoleName"]]
    found["buckets"] = [b["Name"] for b in client("s3").list_buckets()["Buckets"]]
    found["tables"] = client("dynamodb").list_tables()["TableNames"]
    return {kind: names for kind, names in found.items() if names}
