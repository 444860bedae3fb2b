"""Errors a user can cause: printed as one clear line, never a traceback."""


class GGError(Exception):
    """A failure to report to the user with a non-zero exit code."""

    exit_code = 1
