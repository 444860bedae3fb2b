"""System logs of the local core under <work>/var/log/system/, as a real core lays them out."""
import logging
import os
import sys

FORMAT = "[%(asctime)s][%(levelname)s] %(name)s: %(message)s"


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
    to_file.setFormatter(logging.Formatter(FORMAT))
    to_err = logging.StreamHandler(sys.stderr)
    to_err.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(to_file)
    logger.addHandler(to_err)
    return path
