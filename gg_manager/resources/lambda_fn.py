"""Lambda functions gg packages: a reproducible zip, create or update, publish a version, move the alias.

What gg applied is written where it costs no call: the Description of the version gg
publishes (`gg:applied <hash of code and configuration>`). A $LATEST that differs from
it was changed outside gg (drift).
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from gg_manager.aws.errors import exists, gone, missing
from gg_manager.package.lambda_zip import build_lambda_zip, lambda_code_sha256
from gg_manager.plan.model import Change
from gg_manager.plan.operations import read
from gg_manager.provision import policies
from gg_manager.resources import names
from gg_manager.resources.compare import content_hash
from gg_manager.resources.iam import DesiredRole

GONE = gone("lambda")
IN_PROGRESS = ("ResourceConflictException",)        # an earlier update of the function still running
ROLE_NOT_READY = ("InvalidParameterValueException",)  # a new IAM role takes seconds to be assumable
VIEW_KEYS = ("runtime", "handler", "role", "environment", "code_sha256")


@dataclass
class DesiredFunction:
    name: str
    alias: str
    runtime: str
    handler: str
    role_arn: str
    environment: Dict[str, str]
    code_sha256: str
    package: str
    requirements: List[str]
    groups: List[str] = field(default_factory=list)   # the spec's groups that use it
    role: Optional[DesiredRole] = None                 # gg's execution role, when the spec names none
    exclude_dirs: List[str] = field(default_factory=list)  # folders never packed (keys, device config)

    def view(self):
        return {"runtime": self.runtime, "handler": self.handler, "role": self.role_arn,
                "environment": dict(self.environment), "code_sha256": self.code_sha256}

    def alias_arn(self, ctx):
        return ctx.arn("lambda", "function:%s:%s" % (self.name, self.alias))


@dataclass
class ActualFunction:
    latest: dict                     # the view of $LATEST
    tags: dict
    alias_version: Optional[str]     # the version the alias points at (None: no alias)
    aliased: Optional[dict]          # the view of that version
    applied: Optional[str]           # the hash gg wrote on that version

    @property
    def managed(self):
        return names.is_managed(self.tags)


def desired_function(ctx, fn, zip_cache, exclude_dirs=()) -> DesiredFunction:
    """`fn`: a spec Function with a package. Builds the zip (cached) only to learn its hash.
    `exclude_dirs`: folders never packed (gg_manager.spec.packaging.never_packed(spec))."""
    key = (fn.package, tuple(fn.requirements), fn.runtime, tuple(exclude_dirs))
    if key not in zip_cache:
        zip_cache[key] = lambda_code_sha256(build_lambda_zip(fn.package, fn.requirements,
                                                             python_version=fn.runtime.replace("python", ""),
                                                             exclude_dirs=exclude_dirs))
    role, role_arn = None, fn.role_arn
    if not role_arn:
        role = DesiredRole(names.function_role_name(fn.name),
                           policies.lambda_trust_policy(ctx.account, partition=ctx.partition),
                           policies.lambda_execution_policy(ctx.region, ctx.account, [fn.name],
                                                            partition=ctx.partition),
                           boundary=ctx.permissions_boundary)
        role_arn = role.arn(ctx)
    return DesiredFunction(fn.name, fn.alias, fn.runtime, fn.handler, role_arn, dict(fn.environment),
                           zip_cache[key], fn.package, list(fn.requirements), role=role,
                           exclude_dirs=list(exclude_dirs))


def view_of(conf):
    return {"runtime": conf.get("Runtime"), "handler": conf.get("Handler"), "role": conf.get("Role"),
            "environment": (conf.get("Environment") or {}).get("Variables", {}) or {},
            "code_sha256": conf.get("CodeSha256")}


def discover_function(ctx, name, alias) -> Optional[ActualFunction]:
    fn = missing(read, ctx, "lambda:GetFunction", FunctionName=name)
    if not fn:
        return None
    found = missing(read, ctx, "lambda:GetAlias", FunctionName=name, Name=alias)
    aliased, applied = None, None
    if found:
        conf = read(ctx, "lambda:GetFunctionConfiguration", FunctionName=name, Qualifier=found["FunctionVersion"])
        aliased = view_of(conf)
        description = conf.get("Description") or ""
        applied = description[len(names.APPLIED_PREFIX):] if description.startswith(names.APPLIED_PREFIX) else None
    return ActualFunction(view_of(fn["Configuration"]), fn.get("Tags") or {},
                          found["FunctionVersion"] if found else None, aliased, applied)


def _zip_step(change, fn):
    return change.add("local:BuildLambdaZip", {"package": fn.package, "requirements": fn.requirements,
                                               "runtime": fn.runtime, "code_sha256": fn.code_sha256,
                                               "exclude_dirs": fn.exclude_dirs},
                      outputs={"zip": "zip"})


def _publish(change, fn, actual):
    publish = change.add("lambda:PublishVersion", {
        "FunctionName": fn.name, "Description": names.APPLIED_PREFIX + content_hash(fn.view())},
        outputs={"version": "Version"}, retry_if=IN_PROGRESS)
    operation = "lambda:UpdateAlias" if actual and actual.alias_version else "lambda:CreateAlias"
    change.add(operation, {"FunctionName": fn.name, "Name": fn.alias, "FunctionVersion": publish.ref("version")},
               retry_if=IN_PROGRESS)


def create_function_change(fn: DesiredFunction) -> Change:
    change = Change("create", "lambda", fn.name, after=fn.view())
    built = _zip_step(change, fn)
    change.add("lambda:CreateFunction", {
        "FunctionName": fn.name, "Runtime": fn.runtime, "Role": fn.role_arn, "Handler": fn.handler,
        "Code": {"ZipFile": built.ref("zip")}, "Environment": {"Variables": dict(fn.environment)},
        "Tags": names.tags(), "Description": "managed by gg", "Publish": False},
        done_if=exists("lambda"), retry_if=ROLE_NOT_READY)
    _publish(change, fn, None)
    return change


def update_function_change(fn: DesiredFunction, actual: ActualFunction) -> Optional[Change]:
    """None when the alias already points at exactly this code and configuration."""
    want = fn.view()
    latest = {k: actual.latest.get(k) for k in VIEW_KEYS}
    differs = any(latest[k] != want[k] for k in VIEW_KEYS)
    alias_current = actual.aliased is not None and all(actual.aliased.get(k) == want[k] for k in VIEW_KEYS)
    if not differs and alias_current:
        return None
    drifted = actual.applied is not None and actual.applied != content_hash(latest)
    change = Change("update", "lambda", fn.name, cause="drift" if drifted else "spec", before=latest, after=want,
                    fields=[] if differs else ["alias %s -> the current code and configuration" % fn.alias])
    if latest["code_sha256"] != want["code_sha256"]:
        built = _zip_step(change, fn)
        change.add("lambda:UpdateFunctionCode", {"FunctionName": fn.name, "ZipFile": built.ref("zip")},
                   retry_if=IN_PROGRESS)
    if any(latest[k] != want[k] for k in VIEW_KEYS if k != "code_sha256"):
        change.add("lambda:UpdateFunctionConfiguration", {
            "FunctionName": fn.name, "Runtime": fn.runtime, "Role": fn.role_arn, "Handler": fn.handler,
            "Environment": {"Variables": dict(fn.environment)}}, retry_if=IN_PROGRESS + ROLE_NOT_READY)
    _publish(change, fn, actual)
    return change


def delete_function_change(name, group="", reason="") -> Change:
    change = Change("delete", "lambda", name, group=group, fields=[reason] if reason else [])
    change.add("lambda:DeleteFunction", {"FunctionName": name}, done_if=GONE)
    return change


def build_zip(package, requirements, runtime, code_sha256, exclude_dirs=()):
    """local:BuildLambdaZip: the zip again, refused if the code changed since the plan was made."""
    from gg_manager.errors import GGError
    data = build_lambda_zip(package, requirements, python_version=runtime.replace("python", ""),
                            exclude_dirs=exclude_dirs)
    if lambda_code_sha256(data) != code_sha256:
        raise GGError("the code in %s changed since the plan was made; plan again" % package)
    return {"zip": data}


LOCAL_HANDLERS = {"local:BuildLambdaZip": build_zip}
