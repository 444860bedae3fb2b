"""Sandbox tests: a plain boto3 greengrass client per test; sandbox_helpers importable by name."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture
def gg(sandbox):
    """Greengrass client with botocore retries off, so every answer is seen as the server gave it."""
    return sandbox.boto3_client("greengrass", retries=0)
