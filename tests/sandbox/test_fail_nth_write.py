"""fail_nth_write: the Nth mutating call after arming fails for good (no retry), reads don't count."""
import botocore.exceptions
import pytest


def test_second_write_fails_once_and_is_not_retried(sandbox):
    gg = sandbox.boto3_client("greengrass")          # default retries: a 500 would be retried away
    sandbox.set_faults(fail_nth_write=2)
    try:
        gg.list_groups()                              # a read: not counted
        gg.create_group(Name=sandbox.unique_name("w1"))
        sandbox.reset_calls()
        with pytest.raises(botocore.exceptions.ClientError) as err:
            gg.create_group(Name=sandbox.unique_name("w2"))
        assert err.value.response["Error"]["Code"] == "InjectedFailure"
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert sandbox.calls()["greengrass:CreateGroup"] == 1      # botocore did not retry it
        gg.create_group(Name=sandbox.unique_name("w3"))           # once only
    finally:
        sandbox.clear_faults()


def test_nth_write_of_one_operation(sandbox):
    gg = sandbox.boto3_client("greengrass")
    sandbox.set_faults(fail_nth_write=2, fail_write_operation="CreateGroup")
    try:
        gg.create_group(Name=sandbox.unique_name("a"))
        gg.create_logger_definition(Name=sandbox.unique_name("l"))     # another write: not counted
        with pytest.raises(botocore.exceptions.ClientError) as err:
            gg.create_group(Name=sandbox.unique_name("b"))
        assert err.value.response["Error"]["Code"] == "InjectedFailure"
    finally:
        sandbox.clear_faults()
