"""Desired + what discovery read -> the exact contents gg compares and sends: each component version's
content and number, each group's deployment document and token exchange role policy. Pure.

Component versions are immutable and content-addressed (versioning.py): a content AWS already
holds keeps its version; a new one gets the next patch number. A Lambda component's content
names its function by the digest of the function's code and configuration (what gg stamps on
the version it publishes), so it is known before the version number is.
"""
from dataclasses import dataclass, field
from typing import Dict

from gg_manager.resources.compare import content_hash
from gg_manager.resources.iam import DesiredRole
from gg_manager.targets.v2 import deployment, device_role, names
from gg_manager.targets.v2 import lambda_component as lc
from gg_manager.targets.v2 import model_component as mc
from gg_manager.targets.v2.versioning import allocate_versions, content_digest


@dataclass
class Wanted:
    """One content of one component."""
    name: str
    kind: str                 # lambda | model
    content: dict             # lambda: lambda_component.lambda_content; model: the recipe (version 0.0.0)
    digest: str
    version: str = ""


@dataclass
class Resolved:
    contents: Dict[str, Dict[str, Wanted]] = field(default_factory=dict)    # component -> digest -> Wanted
    deployments: Dict[str, dict] = field(default_factory=dict)              # group -> CreateDeployment request
    group_components: Dict[str, Dict[str, str]] = field(default_factory=dict)   # group -> component -> version
    roles: Dict[str, DesiredRole] = field(default_factory=dict)             # group -> its token exchange role

    def new_versions(self, actual):
        """The Wanted contents AWS does not hold yet, by component and version."""
        out = []
        for name in sorted(self.contents):
            held = actual.components.get(name)
            for wanted in sorted(self.contents[name].values(), key=lambda w: w.version):
                if held is None or wanted.version not in held.versions:
                    out.append(wanted)
        return out


def function_digest(desired, actual, name):
    """What names one version of a Lambda: the digest of its code and configuration for a Lambda gg
    packages (the Description of the version gg publishes), the aliased version of another."""
    if name in desired.functions:
        return content_hash(desired.functions[name].view())
    return "version:%s" % actual.unmanaged[name]


def resolve(desired, actual) -> Resolved:
    out = Resolved()
    per_group = {}
    for group in desired.groups:
        used = per_group[group.name] = {}
        for use in group.lambdas:
            content = lc.lambda_content(use.function, function_digest(desired, actual, use.function),
                                        use.parameters, use.dependencies)
            used[names.lambda_component(use.function)] = _want(out, names.lambda_component(use.function),
                                                               "lambda", content, content_digest(content))
        for model_id in group.models:
            model = desired.models[model_id]
            recipe = mc.model_recipe(model_id, "s3://%s/%s" % (model.bucket, actual.models[model_id]["key"]))
            used[names.model_component(model_id)] = _want(out, names.model_component(model_id), "model", recipe,
                                                          mc.recipe_digest(recipe))
    for name, contents in out.contents.items():
        held = actual.components.get(name)
        versions = allocate_versions(held.versions if held else {}, contents)
        for digest, wanted in contents.items():
            wanted.version = versions[digest]
    for group in desired.groups:
        versions = {name: out.contents[name][digest].version for name, digest in per_group[group.name].items()}
        out.group_components[group.name] = versions
        out.deployments[group.name] = deployment_request(group, versions)
        if group.role:
            out.roles[group.name] = _role(desired, actual, group)
    return out


def _want(out, name, kind, content, digest):
    out.contents.setdefault(name, {}).setdefault(digest, Wanted(name, kind, content, digest))
    return digest


def deployment_request(group, versions) -> dict:
    runs = {names.lambda_component(u.function): u.run_with for u in group.lambdas if u.run_with}
    components = {name: deployment.component_entry(version, run_with=runs.get(name))
                  for name, version in versions.items()}
    components.update(group.public)
    return deployment.create_deployment_request(group.thing_group_arn, group.name, components,
                                                group.failure_handling, tags=group.tags)


def _role(desired, actual, group) -> DesiredRole:
    uris = ["s3://%s/%s" % (desired.models[m].bucket, actual.models[m]["key"]) for m in group.models]
    region, account = desired.region, desired.account
    partition = group.thing_group_arn.split(":")[1]
    policy = device_role.role_policy(region, account, uris, group.cloudwatch_logs, group.connector_statements,
                                     partition)
    return DesiredRole(group.role.name, group.role.trust, policy, group.name, group.role.boundary)
