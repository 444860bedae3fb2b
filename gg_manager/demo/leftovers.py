"""What a run could leave behind, looked up the way a user would: AWS listings and /proc."""
import boto3

from gg_manager.aws.session import paginate
from gg_manager.sandbox import process as sandbox_process


def aws_leftovers(sandbox, group):
    """{kind: [names]} of what the AWS APIs still list for `group` (empty when all is gone).

    Things, certificates and buckets are listed whole: the demo's sandbox holds nothing else.
    """
    def client(service):
        return boto3.client(service, endpoint_url=sandbox.endpoint_url, region_name=sandbox.region,
                            aws_access_key_id=sandbox_process.DUMMY_KEY,
                            aws_secret_access_key=sandbox_process.DUMMY_SECRET)

    found = {
        "groups": [g["Name"] for g in paginate(client("greengrass"), "list_groups", "Groups")],
        "functions": [f["FunctionName"] for f in paginate(client("lambda"), "list_functions", "Functions")],
        "things": [t["thingName"] for t in paginate(client("iot"), "list_things", "things")],
        "certificates": [c["certificateId"] for c in paginate(client("iot"), "list_certificates", "certificates")],
        "roles": [r["RoleName"] for r in paginate(client("iam"), "list_roles", "Roles") if group in r["RoleName"]],
        "buckets": [b["Name"] for b in client("s3").list_buckets()["Buckets"]],
    }
    return {kind: names for kind, names in found.items() if names}
