"""Locate the core's group and its newest deployment, through the Greengrass API only.

A group is this core's when the core definition of its deployed (or else latest)
version lists this thing ARN. On a gg sandbox the deployed version of each
deployment is exact (/_sandbox/greengrass/deployments); on AWS, whose
ListDeployments does not say, the group's latest version stands for it.
"""
import json
import logging
import urllib.request
from dataclasses import dataclass
from typing import Optional

from gg_manager.targets.v1.kinds import version_ids

log = logging.getLogger("gg.core.locate")


@dataclass(frozen=True)
class Deployment:
    group_id: str
    group_name: str
    deployment_id: str
    deployment_type: str
    created_at: str
    group_version_id: Optional[str]


def _pages(call, key, **kwargs):
    token = None
    while True:
        page = call(**dict(kwargs, NextToken=token)) if token else call(**kwargs)
        yield from page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return


class Discovery:
    def __init__(self, greengrass, thing_arn, sandbox_url=None):
        self.gg = greengrass
        self.thing_arn = thing_arn
        self.sandbox_url = sandbox_url
        self._core_of_version = {}  # group version ARN or id -> bool (versions never change)
        self.group_id = None
        self.full_scan_every = 10   # polls; between them only the known group is read
        self._polls = 0

    def _sandbox_deployments(self, group_id):
        url = "%s/_sandbox/greengrass/deployments?groupId=%s" % (self.sandbox_url.rstrip("/"), group_id)
        with urllib.request.urlopen(url, timeout=10) as resp:
            return json.load(resp)["Deployments"]

    def deployments(self, group_id):
        """This group's deployments, oldest first, each with its group version when knowable."""
        items = list(_pages(self.gg.list_deployments, "Deployments", GroupId=group_id))
        versions = {}
        if self.sandbox_url:
            versions = {d["DeploymentId"]: d.get("GroupVersionId") for d in self._sandbox_deployments(group_id)}
        indexed = sorted(enumerate(items), key=lambda p: (p[1].get("CreatedAt", ""), p[0]))
        return [dict(d, GroupVersionId=versions.get(d["DeploymentId"])) for _, d in indexed]

    def _has_core(self, group_id, version_id):
        key = (group_id, version_id)
        if key not in self._core_of_version:
            version = self.gg.get_group_version(GroupId=group_id, GroupVersionId=version_id)
            arn = version.get("Definition", {}).get("CoreDefinitionVersionArn")
            found = False
            if arn:
                def_id, ver_id = version_ids(arn)
                core = self.gg.get_core_definition_version(CoreDefinitionId=def_id, CoreDefinitionVersionId=ver_id)
                found = any(c.get("ThingArn") == self.thing_arn for c in core["Definition"].get("Cores", []))
            self._core_of_version[key] = found
        return self._core_of_version[key]

    def _groups(self):
        self._polls += 1
        if self.group_id and self._polls % self.full_scan_every:
            try:
                group = self.gg.get_group(GroupId=self.group_id)
                return [{"Id": group["Id"], "Name": group.get("Name", ""),
                         "LatestVersion": group.get("LatestVersion")}]
            except Exception:  # noqa: BLE001 - gone or unreadable: look at every group
                self.group_id = None
        return list(_pages(self.gg.list_groups, "Groups"))

    def newest(self):
        """The newest deployment of this core's group, or None when it has none yet."""
        best = None
        for group in self._groups():
            deployments = self.deployments(group["Id"])
            if not deployments:
                continue
            newest = deployments[-1]
            version_id = newest.get("GroupVersionId") or group.get("LatestVersion")
            if newest["DeploymentType"] in ("ResetDeployment", "ForceResetDeployment"):
                # a reset says nothing about cores; the last real deployment does
                real = [d for d in deployments if d.get("GroupVersionId")]
                version_id = real[-1]["GroupVersionId"] if real else group.get("LatestVersion")
            if not version_id or not self._has_core(group["Id"], version_id):
                continue
            candidate = Deployment(group["Id"], group.get("Name", ""), newest["DeploymentId"],
                                   newest["DeploymentType"], newest.get("CreatedAt", ""),
                                   None if "Reset" in newest["DeploymentType"] else version_id)
            if best is None or candidate.created_at >= best.created_at:
                best = candidate
        self.group_id = best.group_id if best else None
        return best

    def status(self, deployment):
        return self.gg.get_deployment_status(GroupId=deployment.group_id,
                                             DeploymentId=deployment.deployment_id)["DeploymentStatus"]
