"""Latency, throttling and failing operations, set at run time; the per-operation call counter."""
import time

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from gg_manager.sandbox.knobs import KnobError, Knobs, parse_fail_operation
from gg_manager.sandbox.process import SandboxError
from sandbox_helpers import error_of


def _median_call(gg, n=5):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        gg.list_groups()
        times.append(time.perf_counter() - start)
    return sorted(times)[n // 2]


def test_latency_is_added_to_each_call(gg, sandbox):
    base = _median_call(gg)
    with sandbox.faults(latency_ms=150):
        slow = _median_call(gg)
    assert slow - base >= 0.13


@pytest.mark.parametrize("service,call", [
    ("greengrass", lambda c: c.list_groups()),
    ("iam", lambda c: c.list_roles()),
    ("lambda", lambda c: c.list_functions()),
    ("sagemaker", lambda c: c.list_training_jobs()),
])
def test_throttling_without_retries_raises(sandbox, service, call):
    client = sandbox.boto3_client(service, retries=0)
    with sandbox.faults(throttle_every=1):
        with pytest.raises(ClientError) as exc:
            call(client)
    assert error_of(exc)[:2] == ("ThrottlingException", 400)


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_throttling_with_retries_succeeds(sandbox, mode):
    client = sandbox.boto3_client("greengrass", config=Config(retries={"mode": mode, "total_max_attempts": 4}))
    with sandbox.faults(throttle_every=2):  # the 2nd, 4th, ... calls are throttled
        client.list_groups()
        answer = client.list_groups()
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1


def test_throttle_rate_share(sandbox):
    client = sandbox.boto3_client("greengrass", retries=0)
    throttled = 0
    with sandbox.faults(throttle_rate=0.5):
        for _ in range(40):
            try:
                client.list_groups()
            except ClientError:
                throttled += 1
    assert 5 <= throttled <= 35


def test_fail_operation_once(gg, sandbox):
    with sandbox.faults(fail_operations=["CreateFunctionDefinitionVersion:once"]):
        fd = gg.create_function_definition(Name="f")
        with pytest.raises(ClientError) as exc:
            gg.create_function_definition_version(FunctionDefinitionId=fd["Id"], Functions=[])
        assert error_of(exc)[:2] == ("InternalServerErrorException", 500)
        gg.create_function_definition_version(FunctionDefinitionId=fd["Id"], Functions=[])  # once only
        assert sandbox.api("/_sandbox/faults")["fail_operations"] == {}


def test_fail_operation_always_with_service_prefix(gg, sandbox):
    with sandbox.faults(fail_operations=["greengrass:CreateGroup"]):
        for _ in range(2):
            with pytest.raises(ClientError) as exc:
                gg.create_group(Name="never")
            assert error_of(exc)[0] == "InternalServerErrorException"
        sandbox.boto3_client("iot", retries=0).list_things()  # other operations unaffected
    gg.create_group(Name="now")


def test_call_counter(gg, sandbox):
    sandbox.reset_calls()
    gg.create_group(Name="counted")
    gg.list_groups()
    gg.list_groups()
    sandbox.boto3_client("iam", retries=0).list_roles()
    counts = sandbox.calls()
    assert counts == {"greengrass:CreateGroup": 1, "greengrass:ListGroups": 2, "iam:ListRoles": 1}
    assert sandbox.reset_calls() == counts
    assert sandbox.calls() == {}


def test_bad_knobs_are_refused(sandbox):
    with pytest.raises(SandboxError, match="throttle_rate"):
        sandbox.api("/_sandbox/faults", {"throttle_rate": 3})
    with pytest.raises(SandboxError, match="unknown knob"):
        sandbox.api("/_sandbox/faults", {"latency": 3})
    assert sandbox.api("/_sandbox/faults")["throttle_rate"] == 0


# -- pure unit tests of the knob logic ----------------------------------------------
def test_parse_fail_operation():
    assert parse_fail_operation("CreateGroup") == ("CreateGroup", "always")
    assert parse_fail_operation("CreateGroup:once") == ("CreateGroup", "once")
    assert parse_fail_operation("greengrass:CreateGroup:always") == ("greengrass:CreateGroup", "always")
    with pytest.raises(KnobError):
        parse_fail_operation(":once")


def test_throttle_every_counts_calls():
    knobs = Knobs(throttle_every=3)
    kinds = [knobs.on_call("s", "Op").kind for _ in range(6)]
    assert kinds == ["", "", "throttle", "", "", "throttle"]
    assert knobs.call_counts() == {"s:Op": 6}


def test_s3_calls_are_counted_and_faulted(sandbox):
    s3 = sandbox.boto3_client("s3", retries=0)
    bucket = sandbox.unique_name("count")
    sandbox.reset_calls()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="models/od.tar.gz", Body=b"x")
    assert sandbox.calls() == {"s3:CreateBucket": 1, "s3:PutObject": 1}
    with sandbox.faults(fail_operations=["PutObject:once"]):
        with pytest.raises(ClientError) as exc:
            s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        assert error_of(exc)[:2] == ("InternalError", 500)
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with sandbox.faults(throttle_every=1):
        with pytest.raises(ClientError) as exc:
            s3.get_object(Bucket=bucket, Key="k")
        assert error_of(exc)[:2] == ("SlowDown", 503)


def test_refused_update_changes_nothing():
    knobs = Knobs(latency_ms=5, fail_nth_write=2)
    with pytest.raises(KnobError):
        knobs.update({"reset": True, "throttle_rate": 7})
    assert knobs.snapshot()["latency_ms"] == 5 and knobs.snapshot()["fail_nth_write"] == 2


def test_concurrent_calls_all_succeed(sandbox):
    from concurrent.futures import ThreadPoolExecutor

    region = "ap-southeast-2"  # a region of its own: only this test's groups
    clients = [sandbox.boto3_client("greengrass", region=region, retries=0) for _ in range(8)]

    def work(client):
        for i in range(15):
            group = client.create_group(Name="conc-%d" % i)
            client.tag_resource(ResourceArn=group["Arn"], tags={"i": str(i)})
            client.list_groups()
        return True

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(work, clients))
    assert len(clients[0].list_groups()["Groups"]) == 8 * 15
