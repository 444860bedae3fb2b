"""Test Lambda whose module cannot be imported: the deployment must fail with this reason."""
import json  # noqa: F401

import no_such_module_for_gg_core_tests  # noqa: F401


def function_handler(event, context):
    return event
