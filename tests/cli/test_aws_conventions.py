"""AWS's conventions (AWS_REGION, profiles, AWS_ENDPOINT_URL), failing fast when the endpoint is not
there or keeps answering 500, patient with throttling, and `--debug` showing each call, never a secret."""
import json
import re
import socket
import time

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def test_aws_region_alone_is_enough_and_wins_over_aws_default_region(folder):
    code, out, err = folder.gg("plan", "--format", "json", env={"AWS_REGION": "us-east-1"},
                               drop=("AWS_DEFAULT_REGION",))
    assert code == 0, err
    assert json.loads(out)["region"] == "us-east-1"
    code, out, err = folder.gg("plan", "--format", "json", env={"AWS_REGION": "us-east-1",
                                                                "AWS_DEFAULT_REGION": "eu-west-1"})
    assert code == 0, err
    assert json.loads(out)["region"] == "us-east-1"
    code, out, err = folder.gg("plan", drop=("AWS_DEFAULT_REGION", "AWS_REGION"))
    assert code == 1 and err.strip().splitlines() == [
        "error: no AWS region: pass --region, set AWS_REGION, or configure your profile"]


def test_profiles_from_the_flag_and_from_aws_profile(folder, tmp_path_factory):
    aws = tmp_path_factory.mktemp("aws")
    (aws / "config").write_text("[profile sandbox]\nregion = us-east-1\n")
    (aws / "credentials").write_text("[sandbox]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n")
    files = {"AWS_CONFIG_FILE": str(aws / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(aws / "credentials")}
    without_keys = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION")
    code, out, err = folder.gg("plan", "--profile", "sandbox", env=files, drop=without_keys)
    assert code == 0, err
    code, out, err = folder.gg("plan", env=dict(files, AWS_PROFILE="sandbox"), drop=without_keys)
    assert code == 0, err
    code, out, err = folder.gg("plan", "--profile", "nope", env=files, drop=without_keys)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "(nope) could not be found" in err, err


def test_endpoint_from_the_environment_or_the_flag(folder):
    code, _, err = folder.gg("plan")                     # AWS_ENDPOINT_URL, as `gg sandbox env` sets it
    assert code == 0, err
    url = folder.env["AWS_ENDPOINT_URL"]
    code, _, err = folder.gg("plan", "--endpoint-url", url, env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert code == 0, err                                # the flag wins


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]                        # closed again: nothing listens there


def test_an_unreachable_endpoint_fails_in_seconds_with_one_line(folder):
    url = "http://127.0.0.1:%d" % free_port()
    began = time.monotonic()
    code, out, err = folder.gg("plan", "--endpoint-url", url)
    took = time.monotonic() - began
    assert code == 1 and out == ""
    assert err.strip().splitlines() == ["error: cannot reach %s (tried 3 times)" % url]
    assert took < 15, took


def test_a_persistent_500_surfaces_after_three_attempts_in_seconds(folder):
    sb = folder.sandbox
    code, _, err = folder.gg("apply", "--yes")
    assert code == 0, err
    with sb.faults(fail_operations=["greengrassv2:GetDeployment"]):       # gg deploy reads the revision
        sb.reset_calls()
        began = time.monotonic()
        code, out, err = folder.gg("deploy", "--timeout", "30")
        took = time.monotonic() - began
        calls = sb.calls()
    assert code == 1
    assert calls.get("greengrassv2:GetDeployment") == 3, calls
    assert took < 20, took
    assert "Traceback" not in err and err.count("error:") == 1, err
    assert "GetDeployment" in err


def test_throttling_is_still_retried_patiently(folder):
    sb = folder.sandbox
    with sb.faults(throttle_every=2):                    # every second call: ThrottlingException
        sb.reset_calls()
        code, out, err = folder.gg("plan", "--debug", "--format", "json")
        calls = sb.calls()
    assert code == 0, err
    assert json.loads(out)["groups"] == [folder.group]
    retried = re.findall(r"retr(?:y|ies) \(ThrottlingException x\d+\)", err)
    assert retried, err
    assert sum(calls.values()) >= 2 * len(re.findall(r" aws ", err)) - 2    # the throttled attempts reached AWS


def test_debug_logs_each_call_and_never_a_secret(folder):
    secret_key = folder.env["AWS_SECRET_ACCESS_KEY"]
    owner = "owner-value-that-is-sensitive"
    env = {"AWS_SESSION_TOKEN": "token-that-must-not-show-0123456789", "GG_TEST_OWNER": owner}
    code, out, err = folder.gg("apply", "--yes", "--debug", "--env", "GG_TEST_OWNER", env=env)
    assert code == 0, err
    lines = err.strip().splitlines()
    calls = [line for line in lines if re.match(STAMP + r" aws \S+:\S+ ", line)]
    assert any(re.match(STAMP + r" aws sts:GetCallerIdentity 200 \d+\.\d{3}s$", line) for line in calls), err
    assert any(re.match(STAMP + r" aws iot:CreateThingGroup 20\d \d+\.\d{3}s", line) for line in calls), err
    everything = out + err
    # the Authorization header in any form (a call may be named so: iam:GetAccountAuthorizationDetails)
    for secret in (secret_key, env["AWS_SESSION_TOKEN"], owner, "Authorization:", "'Authorization'",
                   "AWS4-HMAC-SHA256", "Signature=", "X-Amz-Security-Token"):
        assert secret not in everything, secret
    assert "botocore" not in err
    # AWS received the real value
    assert folder.tags()["owner"] == owner
