"""The core's log handler for runtime messages: here, the Lambda's stderr (its log file)."""
import logging
import sys

local_cloudwatch_handler = logging.StreamHandler(sys.stderr)
local_cloudwatch_handler.setFormatter(logging.Formatter("[%(levelname)s] %(name)s: %(message)s"))
local_cloudwatch_handler.setLevel(logging.WARNING)
