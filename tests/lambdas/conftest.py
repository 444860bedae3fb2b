"""Fixtures for the bundled Lambdas: real small models, the fake core IPC, handler loading."""
import importlib
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
# The Lambdas import their modules flat (the zip root is on their path), so do the tests.
for path in (HERE, os.path.join(os.path.dirname(os.path.dirname(HERE)), "lambdas", "inference"),
             os.path.join(os.path.dirname(os.path.dirname(HERE)), "lambdas", "camera")):
    if path not in sys.path:
        sys.path.insert(0, path)

import lambda_models  # noqa: E402
from lambda_paths import FAKE_CORE_DIR, MY_ARN, ROUTER_ARN  # noqa: E402


@pytest.fixture(scope="session")
def classifier_dir(tmp_path_factory):
    return lambda_models.write_classifier(str(tmp_path_factory.mktemp("ic")))


@pytest.fixture(scope="session")
def detector_dir(tmp_path_factory):
    return lambda_models.write_detector(str(tmp_path_factory.mktemp("od")))


@pytest.fixture(scope="session")
def dlr_dir(tmp_path_factory):
    return lambda_models.write_dlr_colour_model(str(tmp_path_factory.mktemp("dlr")))


@pytest.fixture
def core_env(monkeypatch):
    """Environment a Greengrass core gives a Lambda, plus the fake IPC modules on sys.path."""
    monkeypatch.setenv("MY_FUNCTION_ARN", MY_ARN)
    monkeypatch.setenv("ROUTER_FUNCTION_ARN", ROUTER_ARN)
    monkeypatch.setenv("SHADOW_FUNCTION_ARN", "arn:aws:lambda:::function:GGShadowService")
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "test-token")
    monkeypatch.syspath_prepend(FAKE_CORE_DIR)
    return monkeypatch


def _forget(prefixes):
    for name in list(sys.modules):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            del sys.modules[name]


@pytest.fixture
def load_lambda(core_env):
    """load_lambda('inference', MODEL_PATH=...) imports the handler module afresh with that env.

    Returns (module, ipc) where ipc.messages(topic) lists what the real
    greengrasssdk published through the fake core.
    """
    loaded = []

    def load(name, **env):
        for key, value in env.items():
            core_env.setenv(key, str(value))
        _forget(["greengrasssdk", "greengrass_common", "greengrass_ipc_python_sdk", name])
        ipc = importlib.import_module("greengrass_ipc_python_sdk.ipc_client")
        ipc.clear()
        module = importlib.import_module(name)
        loaded.append(module)
        return module, ipc

    yield load
    for module in loaded:
        stop = getattr(module, "stop", None)
        if stop:
            stop()
    _forget(["greengrasssdk", "greengrass_common", "greengrass_ipc_python_sdk", "inference", "camera"])
