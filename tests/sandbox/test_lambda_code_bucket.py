"""Lambda code is downloadable where GetFunction says, from a bucket that is not the account's."""
import io
import zipfile


def _zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("main.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def test_code_location_is_readable_but_bucket_not_listed(sandbox):
    lam, s3 = sandbox.boto3_client("lambda"), sandbox.boto3_client("s3")
    role = sandbox.boto3_client("iam").create_role(RoleName=sandbox.unique_name("r"),
                                                   AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    name = sandbox.unique_name("fn")
    lam.create_function(FunctionName=name, Runtime="python3.8", Role=role, Handler="main.handler",
                        Code={"ZipFile": _zip()})
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert not [b for b in buckets if b.startswith("awslambda-")]
    location = lam.get_function(FunctionName=name)["Code"]["Location"]
    assert location
