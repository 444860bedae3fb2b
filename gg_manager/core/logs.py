"""System logs of the local core under <work>/var/log/system/, as a real core lays them out; every
line stamped as every gg log is (gg_manager.logstamp)."""
import logging
import os
import sys

from gg_manager.logstamp import StampFormatter


def setup_logging(work_dir, verbose=False):
    path = os.path.join(work_dir, "var", "log", "system", "runtime.log")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    logger = logging.getLogger("gg")
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    to_file = logging.FileHandler(path)
    to_file.setFormatter(StampFormatter())
    to_err = logging.StreamHandler(sys.stderr)
    to_err.setFormatter(StampFormatter())
    logger.addHandler(to_file)
    logger.addHandler(to_err)
    return path
