"""A deployment's outcome as the device reports it on the job execution.

detailed-deployment-status: SUCCESSFUL, FAILED_NO_STATE_CHANGE (nothing changed on the
device), FAILED_ROLLBACK_NOT_REQUESTED (DO_NOTHING: the device stays as the failed revision
left it), FAILED_ROLLBACK_COMPLETE (back on the previous revision), FAILED_UNABLE_TO_ROLLBACK,
REJECTED. The job execution's status is SUCCEEDED, FAILED or REJECTED; its statusDetails carry
the detailed status, deployment-failure-cause, deployment-error-stack and
deployment-error-types (lists as JSON), each at most 1024 characters as on IoT jobs.
"""
import json
from dataclasses import dataclass
from typing import Optional

from .errors import DeploymentError

SUCCESSFUL = "SUCCESSFUL"
FAILED_NO_STATE_CHANGE = "FAILED_NO_STATE_CHANGE"
FAILED_ROLLBACK_NOT_REQUESTED = "FAILED_ROLLBACK_NOT_REQUESTED"
FAILED_ROLLBACK_COMPLETE = "FAILED_ROLLBACK_COMPLETE"
FAILED_UNABLE_TO_ROLLBACK = "FAILED_UNABLE_TO_ROLLBACK"
REJECTED = "REJECTED"
MAX_DETAIL = 1024


def _truncate(text):
    return text if len(text) <= MAX_DETAIL else text[:MAX_DETAIL - 3] + "..."


@dataclass
class DeploymentResult:
    status: str
    error: Optional[DeploymentError] = None

    @property
    def job_status(self):
        if self.status == SUCCESSFUL:
            return "SUCCEEDED"
        return "REJECTED" if self.status == REJECTED else "FAILED"

    @property
    def ok(self):
        return self.status == SUCCESSFUL

    def details(self):
        out = {"detailed-deployment-status": self.status}
        if self.error is not None:
            out["deployment-failure-cause"] = _truncate(str(self.error))
            out["deployment-error-stack"] = _truncate(json.dumps(self.error.error_stack))
            out["deployment-error-types"] = _truncate(json.dumps(self.error.error_types))
        return out
