"""Under V2 a Lambda needs a runtime AWS Lambda still creates functions on."""
import pytest

from gg_manager.targets.v2.runtimes import DEFAULT_RUNTIME, runtime_for_v2, runtime_problem


@pytest.mark.parametrize("runtime", ["python3.7", "python3.8", "python2.7"])
def test_refused_runtimes_say_why_and_what_to_write(runtime):
    severity, message = runtime_problem(runtime)
    assert severity == "error"
    assert "AWS Lambda stopped accepting" in message
    assert "runtime: python3.11" in message and "Target: v1" in message


def test_deprecated_runtime_is_a_warning():
    assert runtime_problem("python3.9")[0] == "warning"


@pytest.mark.parametrize("runtime", [None, "python3.10", "python3.11", "python3.12", "python3.13"])
def test_current_runtimes_pass(runtime):
    assert runtime_problem(runtime) is None


def test_other_languages_are_refused():
    assert runtime_problem("nodejs20.x")[0] == "error"


def test_default_is_python311():
    assert DEFAULT_RUNTIME == "python3.11"
    assert runtime_for_v2(None) == "python3.11"
    assert runtime_for_v2("python3.12") == "python3.12"
