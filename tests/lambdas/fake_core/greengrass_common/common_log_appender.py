import logging

local_cloudwatch_handler = logging.NullHandler()
