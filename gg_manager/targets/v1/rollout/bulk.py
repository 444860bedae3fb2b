"""One bulk deployment: its input file in S3, start, status + detailed reports, stop, clean up.

The input file lives in gg's artifact bucket (gg-artifacts-ACCOUNT-REGION, created and
tagged gg:managed-by=gg when missing) under gg-rollout/, one JSON line per group:
{"GroupId", "GroupVersionId", "DeploymentType": "NewDeployment"} (the only type AWS
takes in a bulk deployment). It is deleted once its wave is over.
"""
import json
import re
import time
import uuid
from dataclasses import dataclass, field

from gg_manager.aws.buckets import ensure_managed_bucket
from gg_manager.aws.session import error_code, paginate
from gg_manager.resources import names
from gg_manager.targets.v1.rollout.role import INPUT_PREFIX

FINISHED = ("Completed", "Stopped", "Failed")
IN_FLIGHT = ("Building", "InProgress")
_GROUP_ID = re.compile(r"/groups/([^/]+)")


def ensure_bucket(ctx):
    bucket = names.default_artifact_bucket(ctx.account, ctx.region)
    ensure_managed_bucket(ctx, bucket)
    return bucket


def input_lines(targets):
    return "".join(json.dumps({"GroupId": t.group_id, "GroupVersionId": t.version,
                               "DeploymentType": "NewDeployment"}, sort_keys=True) + "\n" for t in targets)


@dataclass
class GroupOutcome:
    status: str = "Pending"   # Pending (no report yet), Building, InProgress, Success, Failure
    error: str = ""
    deployment_id: str = ""
    created: str = ""


@dataclass
class Bulk:
    ctx: object
    bucket: str
    role_arn: str
    targets: list
    label: str
    bulk_id: str = ""
    key: str = ""
    status: str = ""
    error: str = ""
    outcomes: dict = field(default_factory=dict)   # group name -> GroupOutcome

    def start(self):
        self.key = "%s%s/%s.jsonl" % (INPUT_PREFIX, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()), self.label)
        s3 = self.ctx.client("s3")
        s3.put_object(Bucket=self.bucket, Key=self.key, Body=input_lines(self.targets).encode("utf-8"),
                      Tagging="%s=%s" % (names.MANAGED_BY, names.MANAGED_VALUE))
        answer = self.ctx.client("greengrass").start_bulk_deployment(
            AmznClientToken=uuid.uuid4().hex, ExecutionRoleArn=self.role_arn,
            InputFileUri="s3://%s/%s" % (self.bucket, self.key),
            tags={names.MANAGED_BY: names.MANAGED_VALUE, "gg:rollout": self.label})
        self.bulk_id = answer["BulkDeploymentId"]
        self.outcomes = {t.group: GroupOutcome() for t in self.targets}
        return self.bulk_id

    def poll(self):
        """Read the bulk status and every detailed report into self.outcomes."""
        gg = self.ctx.client("greengrass")
        status = gg.get_bulk_deployment_status(BulkDeploymentId=self.bulk_id)
        self.status = status.get("BulkDeploymentStatus", "")
        if status.get("ErrorMessage") or status.get("ErrorDetails"):
            self.error = _error_text(status)
        by_id = {t.group_id: t.group for t in self.targets}
        unplaced = []
        for report in paginate(gg, "list_bulk_deployment_detailed_reports", "Deployments",
                               BulkDeploymentId=self.bulk_id):
            match = _GROUP_ID.search(report.get("GroupArn") or "")
            group = by_id.get(match.group(1)) if match else None
            if group is None:
                unplaced.append(report)
                continue
            self._record(group, report)
        # a report that names no group (an invalid input record) goes to a group without one
        for report in unplaced:
            waiting = [g for g, o in self.outcomes.items() if o.status == "Pending"]
            if waiting:
                self._record(waiting[0], report)
        return self.status

    def _record(self, group, report):
        old = self.outcomes[group]
        created = report.get("CreatedAt", "")
        if old.status != "Pending" and created < old.created:
            return
        self.outcomes[group] = GroupOutcome(report.get("DeploymentStatus", "Pending"), _error_text(report),
                                            report.get("DeploymentId", ""), created)

    @property
    def finished(self):
        return self.status in FINISHED

    def counts(self):
        out = {"Success": 0, "Failure": 0, "running": 0}
        for o in self.outcomes.values():
            key = o.status if o.status in ("Success", "Failure") else "running"
            out[key] += 1
        return out

    def settled(self):
        """Finished, with no deployment still on its way."""
        return self.finished and not any(o.status in IN_FLIGHT for o in self.outcomes.values())

    def stop(self):
        try:
            self.ctx.client("greengrass").stop_bulk_deployment(BulkDeploymentId=self.bulk_id)
        except Exception as exc:   # already over: nothing to stop
            if error_code(exc) not in ("BadRequestException", "400"):
                raise

    def clean_up(self):
        if self.key:
            try:
                self.ctx.client("s3").delete_object(Bucket=self.bucket, Key=self.key)
            except Exception:   # a leftover input file is harmless; never hide the rollout's outcome
                pass


def _error_text(item):
    details = "; ".join("%s: %s" % (d.get("DetailedErrorCode", ""), d.get("DetailedErrorMessage", ""))
                        for d in item.get("ErrorDetails") or [])
    return " ".join(x for x in (item.get("ErrorMessage"), details) if x)
