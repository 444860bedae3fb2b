"""Greengrass V2 sandbox tests: plain boto3 clients (retries off) and v2_helpers importable by name."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


def _client_fixture(service):
    """A fixture giving a plain boto3 client of `service` on the sandbox, botocore retries off."""
    @pytest.fixture
    def client(sandbox):
        return sandbox.boto3_client(service, retries=0)
    return client


gg2 = _client_fixture("greengrassv2")
iot = _client_fixture("iot")
jobs_data = _client_fixture("iot-jobs-data")
s3 = _client_fixture("s3")


@pytest.fixture
def auto_complete(sandbox):
    """Set auto_complete_after for one test: auto_complete(seconds)."""
    def set_it(seconds):
        sandbox.set_auto_complete(seconds)
    yield set_it
    sandbox.set_auto_complete(None)
