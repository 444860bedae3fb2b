"""Greengrass V2 sandbox tests: plain boto3 clients (retries off) and v2_helpers importable by name."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture
def gg2(sandbox):
    return sandbox.boto3_client("greengrassv2", retries=0)


@pytest.fixture
def iot(sandbox):
    return sandbox.boto3_client("iot", retries=0)


@pytest.fixture
def jobs_data(sandbox):
    return sandbox.boto3_client("iot-jobs-data", retries=0)


@pytest.fixture
def s3(sandbox):
    return sandbox.boto3_client("s3", retries=0)


@pytest.fixture
def auto_complete(sandbox):
    """Set auto_complete_after for one test: auto_complete(seconds)."""
    def set_it(seconds):
        sandbox.set_auto_complete(seconds)
    yield set_it
    sandbox.set_auto_complete(None)
