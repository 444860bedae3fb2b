"""The `device` fixture: a started CoreDevice on an in-memory cloud, stopped after the test with nothing left."""
import pytest

from gg_manager.core.v2.shared import lambda_pids

from .harness import Device


@pytest.fixture
def device(tmp_path):
    dev = Device(tmp_path / "gg")
    dev.core.start()
    yield dev
    dev.core.stop()
    assert lambda_pids(str(tmp_path / "gg")) == [], "processes left behind"
