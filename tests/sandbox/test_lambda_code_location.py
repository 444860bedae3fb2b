"""GetFunction's Code.Location points at code the sandbox's S3 really holds (per version)."""
import io
import zipfile
from urllib.parse import urlparse


def _zip(text):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("main.py", text)
    return buf.getvalue()


def _download(sandbox, location):
    url = urlparse(location)
    bucket, key = url.hostname.split(".s3.")[0], url.path.lstrip("/")
    return sandbox.boto3_client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


def test_code_location_is_downloadable_for_each_version(sandbox):
    lam, iam = sandbox.boto3_client("lambda"), sandbox.boto3_client("iam")
    name = sandbox.unique_name("code")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    first, second = _zip("def handler(e, c):\n    return 1\n"), _zip("def handler(e, c):\n    return 2\n")
    lam.create_function(FunctionName=name, Runtime="python3.7", Role=role, Handler="main.handler",
                        Code={"ZipFile": first})
    v1 = lam.publish_version(FunctionName=name)["Version"]
    lam.update_function_code(FunctionName=name, ZipFile=second)
    v2 = lam.publish_version(FunctionName=name)["Version"]
    got1 = _download(sandbox, lam.get_function(FunctionName=name, Qualifier=v1)["Code"]["Location"])
    got2 = _download(sandbox, lam.get_function(FunctionName=name, Qualifier=v2)["Code"]["Location"])
    assert got1 == first and got2 == second
