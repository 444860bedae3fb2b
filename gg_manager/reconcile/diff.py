"""Desired vs actual -> Plan. Pure: reads two values, calls nothing."""
from gg_manager.reconcile import names
from gg_manager.reconcile.compare import content_hash, describe, same, same_policy, substitute
from gg_manager.reconcile.desired import CORE_CERT, GROUP_ID
from gg_manager.reconcile.plan import Change, Plan, Step, fingerprint

# Steps that must wait until every group stopped using what they delete.
POST_OPS = {"delete_function", "delete_role"}


def make_plan(spec_file, desired, actual) -> Plan:
    plan = Plan(spec_file, desired.account, desired.region, fingerprint(actual.fingerprint_data()),
                groups=[g.name for g in desired.groups])
    redeploy = set()
    for bucket in desired.buckets:
        if not actual.buckets.get(bucket):
            plan.changes.append(Change("create", "s3 bucket", bucket))
            plan.steps.append(Step("create_bucket", {"bucket": bucket}))
    for key, model in sorted(desired.models.items()):
        plan.digests["model:" + key] = model.digest
        if not actual.models.get(key):
            plan.changes.append(Change("create", "model object", model.uri,
                                       fields=["from %s (sha256 %s)" % (model.path, model.digest[:12])]))
            plan.steps.append(Step("upload_model", {"bucket": model.bucket, "key": key,
                                                    "path": model.path, "digest": model.digest}))
    for name, fn in sorted(desired.functions.items()):
        if fn.role:
            _diff_role(plan, fn.role, actual.roles.get(fn.role.name), "")
        if _diff_function(plan, fn, actual.functions.get(name)):
            redeploy.update(fn.groups)
    for group in desired.groups:
        _diff_group(plan, group, actual.groups[group.name], redeploy)
    for name, info in sorted(actual.removed_functions.items()):
        plan.changes.append(Change("delete", "lambda", name))
        plan.steps.append(Step("delete_function", {"name": name}))
        if info.get("role"):
            plan.changes.append(Change("delete", "iam role", info["role"]))
            plan.steps.append(Step("delete_role", {"name": info["role"],
                                                   "policy_name": info["role"] + "-policy"}))
    return plan


def _diff_role(plan, role, actual, group):
    if actual is None:
        plan.changes.append(Change("create", "iam role", role.name, group))
        plan.steps.append(Step("create_role", {"name": role.name, "trust": role.trust,
                                               "policy": role.policy, "policy_name": role.policy_name,
                                               "group": role.group}, group))
        return
    fields = []
    if not same_policy(actual.get("trust"), role.trust):
        fields.append("trust policy")
    if not same_policy(actual.get("policy"), role.policy):
        fields.append("policy %s" % role.policy_name)
    if fields:
        plan.changes.append(Change("update", "iam role", role.name, group, fields))
        plan.steps.append(Step("update_role", {"name": role.name, "trust": role.trust,
                                               "policy": role.policy, "policy_name": role.policy_name},
                               group))


def _function_view(fn):
    return {"runtime": fn.runtime, "handler": fn.handler, "role": fn.role_arn,
            "environment": fn.environment, "code_sha256": fn.code_sha256}


def _diff_function(plan, fn, actual):
    """Returns True when the Lambda's alias will point at new code or configuration."""
    plan.digests["lambda:" + fn.name] = fn.code_sha256
    want = _function_view(fn)
    args = dict(want, name=fn.name, alias=fn.alias, package=fn.package,
                requirements=fn.requirements, groups=fn.groups)
    if actual is None:
        plan.changes.append(Change("create", "lambda", fn.name,
                                   fields=["%s, %s, code sha256 %s" % (fn.runtime, fn.handler,
                                                                      fn.code_sha256[:12])]))
        plan.steps.append(Step("create_function", args))
        plan.steps.append(Step("publish_alias", {"name": fn.name, "alias": fn.alias,
                                                 "applied": content_hash(want)}))
        return False
    latest = {k: actual["latest"].get(k) for k in want}
    fields = describe(latest, want)
    if latest["code_sha256"] != want["code_sha256"]:
        plan.steps.append(Step("update_function_code", args))
    if any(latest[k] != want[k] for k in want if k != "code_sha256"):
        plan.steps.append(Step("update_function_configuration", args))
    aliased = actual.get("aliased")
    alias_current = aliased is not None and all(aliased.get(k) == want[k] for k in want)
    if fields or not alias_current:
        if not fields:
            fields = ["alias %s -> the current code and configuration" % fn.alias]
        applied = (actual.get("tags") or {}).get(names.APPLIED_TAG)
        drifted = applied is not None and applied != content_hash(latest)
        plan.changes.append(Change("update", "lambda", fn.name, fields=fields,
                                   cause="drift" if drifted else "spec"))
        plan.steps.append(Step("publish_alias", {"name": fn.name, "alias": fn.alias,
                                                 "applied": content_hash(want)}))
        return True
    return False


def _diff_group(plan, group, actual, redeploy):
    name = group.name
    known = {"group_id": actual.group["Id"] if actual.group else None,
             "cert_arn": actual.principals[0] if actual.principals else None,
             "definitions": {}}
    plan.known[name] = known
    mapping = {GROUP_ID: known["group_id"], CORE_CERT: known["cert_arn"]}

    def add(action, kind, label, fields=None, cause="spec"):
        plan.changes.append(Change(action, kind, label, name, fields or [], cause))

    def step(op, **args):
        plan.steps.append(Step(op, args, name))

    if not actual.group:
        add("create", "group", name)
        step("create_group", name=name, tags=group.tags)
    else:
        tags = {k: v for k, v in actual.tags.items() if k not in names.BOOKKEEPING_TAGS}
        if tags != group.tags:
            add("update", "group", name, describe({"tags": tags}, {"tags": group.tags}))
            step("tag_group", add=group.tags, remove=sorted(set(tags) - set(group.tags)))
    if not actual.thing:
        add("create", "iot thing", group.core_name)
        step("create_thing", name=group.core_name, group=name)
    if not actual.principals:
        add("create", "certificate", group.core_name,
            ["key generated locally in %s; only a CSR is sent" % group.certs_dir])
        step("create_core_certificate", core=group.core_name, certs_dir=group.certs_dir)
    policy = substitute(group.policy, mapping)
    if not actual.policy:
        add("create", "iot policy", group.policy_name)
        step("create_policy", name=group.policy_name, document=group.policy)
    elif not same_policy(actual.policy["document"], policy):
        add("update", "iot policy", group.policy_name, ["document"])
        step("update_policy", name=group.policy_name, document=group.policy,
             versions=actual.policy["versions"])
    cert = known["cert_arn"] or CORE_CERT
    if not actual.policy or cert not in actual.policy["targets"]:
        step("attach_policy", policy=group.policy_name, target=cert)
    if cert not in actual.principals:
        step("attach_thing_principal", thing=group.core_name, principal=cert)
    if group.role:
        _diff_role(plan, group.role, actual.role, name)
    needs_version = False
    for kind, content in sorted(group.definitions.items()):
        label = names.definition_name(name, kind)
        found = actual.definitions.get(kind)
        want = substitute(content, mapping)
        if found is None:
            add("create", "%s definition" % kind, label)
            step("create_definition", kind=kind, name=label, content=content, tags=group.tags)
            needs_version = True
            continue
        known["definitions"][kind] = {"id": found.id, "version_arn": found.latest_version_arn}
        if found.content is None or not same(found.content, want):
            applied = found.tags.get(names.APPLIED_TAG)
            drifted = found.content is not None and applied not in (None, content_hash(found.content))
            add("update", "%s definition" % kind, label, describe(found.content or {}, want),
                "drift" if drifted else "spec")
            step("create_definition_version", kind=kind, content=content)
            needs_version = True
        for extra in found.extra_ids:
            add("delete", "%s definition" % kind, "%s (duplicate %s)" % (label, extra))
            step("delete_definition", kind=kind, id=extra)
    in_use = {k: v.latest_version_arn for k, v in actual.definitions.items() if k in group.definitions}
    reasons, cause = [], "spec"
    applied_version = actual.tags.get(names.APPLIED_VERSION_TAG)
    if actual.group and applied_version and applied_version != actual.group.get("LatestVersion"):
        needs_version, cause = True, "drift"
        reasons = ["the latest group version %s was created outside gg" % actual.group.get("LatestVersion")]
    elif actual.group and not needs_version and in_use != actual.version_definition:
        needs_version = True
        dropped = sorted(set(actual.version_definition) - set(group.definitions))
        reasons = ["drops the %s definition" % k for k in dropped] or \
            ["the current one points at older definition versions"]
    if group.role_arn and actual.associated_role_arn != group.role_arn:
        add("update" if actual.associated_role_arn else "create", "group role association",
            group.role_arn)
        step("associate_role", role_arn=group.role_arn)
    if not group.role_arn and actual.associated_role_arn:
        add("delete", "group role association", actual.associated_role_arn)
        step("disassociate_role")
    if needs_version:
        add("create", "group version", name, reasons, cause)
        step("create_group_version", kinds=sorted(group.definitions))
        plan.deploy_needed.append(name)
    elif name in redeploy:
        add("redeploy", "deployment", name, ["Lambda code or configuration changed"])
        plan.deploy_needed.append(name)
    for kind, found in sorted(actual.definitions.items()):
        if kind not in group.definitions:
            add("delete", "%s definition" % kind, found.name)
            step("delete_definition", kind=kind, id=found.id)
    for old in actual.old_cores:
        add("delete", "iot thing", old, ["core no longer in the spec (certificate and policy too)"])
        step("delete_core", thing=old, policy=names.core_policy_name(old))
