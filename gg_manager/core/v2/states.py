"""Lifecycle states of a V2 component and the nucleus's rule for giving up on one.

NEW -> INSTALLED -> STARTING -> RUNNING -> (STOPPING ->) FINISHED; a failed step makes it
ERRORED and the core retries; the third error from the same state (NEW, STARTING or RUNNING)
within an hour makes it BROKEN, and only a new deployment brings a BROKEN component back.
"""
import threading
import time

NEW, INSTALLED, STARTING, RUNNING = "NEW", "INSTALLED", "STARTING", "RUNNING"
STOPPING, FINISHED, ERRORED, BROKEN = "STOPPING", "FINISHED", "ERRORED", "BROKEN"
SETTLED = (RUNNING, FINISHED)          # what a deployment waits for
MAX_ERRORS = 3
ERROR_RESET_S = 3600.0
_COUNTED = (NEW, STARTING, RUNNING)


class StateMachine:
    """The state of one component, its error counts, and a condition to wait on."""

    def __init__(self, name, on_change=None, clock=time.monotonic):
        self.name = name
        self.state = NEW
        self.reason = ""
        self.errored_from = None
        self.on_change = on_change
        self.clock = clock
        self.cond = threading.Condition()
        self._errors = {}

    def set(self, new, reason=""):
        """Move to `new`; an ERRORED that is the third from one state within the hour becomes BROKEN.
        Returns the state actually entered."""
        with self.cond:
            old = self.state
            if new == ERRORED and old in _COUNTED:
                now = self.clock()
                times = [t for t in self._errors.get(old, []) if now - t < ERROR_RESET_S] + [now]
                self._errors[old] = times
                self.errored_from = old
                if len(times) >= MAX_ERRORS:
                    new = BROKEN
            elif new != ERRORED:
                self._errors.pop(old, None)
            self.state, self.reason = new, reason or ""
            self.cond.notify_all()
        if self.on_change and new != old:
            self.on_change(self.name, old, new, self.reason)
        return new

    def wait_for(self, predicate, timeout):
        with self.cond:
            return self.cond.wait_for(lambda: predicate(self.state), timeout)
