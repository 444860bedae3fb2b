"""Test Lambda: writes its log in every way a Lambda does at import (print with a colour escape,
stderr, the logging module, greengrasssdk's own logger), then answers nothing."""
import logging
import sys

import greengrasssdk  # noqa: F401 (its logging handler is the core's)

logging.basicConfig(level=logging.INFO)         # what the bundled Lambdas do; the runtime's config wins
print("\x1b[31mprinted in red\x1b[0m")
sys.stderr.write("written to stderr\nover two lines\n")
logging.getLogger("chatty").warning("logged by the Lambda")
logging.getLogger("greengrasssdk.chatty").error("logged like the SDK")


def function_handler(event, context):
    return None
