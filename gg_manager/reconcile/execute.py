"""Run a plan's steps against AWS: shared steps, then each group (in parallel), then deletions.

A step failing stops its group (other groups go on) and the run exits non-zero;
re-running plans again from what AWS now holds, so it converges.
"""
import hashlib
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from gg_manager.aws.buckets import create_managed_bucket
from gg_manager.aws.session import MAX_WORKERS, describe_error, error_code
from gg_manager.errors import GGError
from gg_manager.package.lambda_zip import build_lambda_zip, lambda_code_sha256
from gg_manager.package.model_tarball import model_digest, model_source_bytes
from gg_manager.provision import certs
from gg_manager.reconcile import names
from gg_manager.reconcile.compare import content_hash, substitute
from gg_manager.reconcile.desired import CORE_CERT, GROUP_ID
from gg_manager.reconcile.diff import POST_OPS

ALREADY = {"ResourceAlreadyExistsException", "EntityAlreadyExists", "BucketAlreadyOwnedByYou",
           "ResourceConflictException"}
GONE = {"ResourceNotFoundException", "NoSuchEntity", "NotFoundException", "IdNotFoundException",
        "NoSuchBucket"}


@dataclass
class Runtime:
    """Ids of one group, known from discovery or learnt from the calls that create them."""
    group: str
    group_id: str = None
    cert_arn: str = None
    definitions: dict = field(default_factory=dict)

    def mapping(self):
        return {GROUP_ID: self.group_id, CORE_CERT: self.cert_arn}


class StepFailed(Exception):
    pass


def execute(ctx, plan, out=None, pool_size=MAX_WORKERS):
    ops = Ops(ctx, out or sys.stdout)
    pre = [s for s in plan.shared_steps() if s.op not in POST_OPS]
    post = [s for s in plan.shared_steps() if s.op in POST_OPS]
    for step in pre:
        ops.run(step, None)
    failures = {}
    groups = [g for g in plan.groups if plan.group_steps(g)]

    def run_group(name):
        known = plan.known.get(name, {})
        rt = Runtime(name, known.get("group_id"), known.get("cert_arn"),
                     {k: dict(v) for k, v in known.get("definitions", {}).items()})
        try:
            for step in plan.group_steps(name):
                ops.run(step, rt)
        except StepFailed as exc:
            failures[name] = str(exc)

    with ThreadPoolExecutor(max_workers=pool_size) as pool:
        list(pool.map(run_group, groups))
    if failures:
        lines = ["group %s: %s" % (g, msg) for g, msg in sorted(failures.items())]
        raise GGError("apply failed; re-run `gg apply` to finish:\n  " + "\n  ".join(lines))
    for step in post:
        ops.run(step, None)


class Ops:
    def __init__(self, ctx, out):
        self.ctx, self.out = ctx, out

    def say(self, text):
        self.out.write(text + "\n")
        self.out.flush()

    def run(self, step, rt):
        where = "group %s" % step.group if step.group else "shared"
        args = substitute(step.args, rt.mapping()) if rt else step.args
        try:
            getattr(self, "op_" + step.op)(rt, **args)
        except GGError as exc:
            self.say("%s: %s failed: %s" % (where, step.op, exc))
            raise StepFailed("%s: %s" % (step.op, exc)) if rt else exc
        except Exception as exc:  # an AWS error: reported, never a traceback
            msg = describe_error(exc)
            self.say("%s: %s failed: %s" % (where, step.op, msg))
            if rt:
                raise StepFailed(msg)
            raise GGError("apply failed at a shared step (%s); re-run `gg apply` to finish" % msg)
        self.say("%s: %s %s" % (where, step.op, _label(step.args)))

    def _client(self, name):
        return self.ctx.client(name)

    # --- shared: S3, IAM, Lambda ------------------------------------------------------
    def op_create_bucket(self, rt, bucket):
        create_managed_bucket(self.ctx, bucket)

    def op_upload_model(self, rt, bucket, key, path, digest):
        data = model_source_bytes(path)
        if model_digest(data) != digest:
            raise GGError("model %s changed since the plan was made; plan again" % path)
        self._client("s3").put_object(Bucket=bucket, Key=key, Body=data,
                                      Metadata={"sha256": digest},
                                      Tagging="%s=%s" % (names.MANAGED_BY, names.MANAGED_VALUE))

    def op_create_role(self, rt, name, trust, policy, policy_name, group=""):
        iam = self._client("iam")
        tags = [{"Key": k, "Value": v} for k, v in names.tags(group).items()]
        _tolerate(ALREADY, iam.create_role, RoleName=name, AssumeRolePolicyDocument=json.dumps(trust),
                  Tags=tags, Description="managed by gg")
        if policy:
            iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(policy))

    def op_update_role(self, rt, name, trust, policy, policy_name):
        iam = self._client("iam")
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
        if policy:
            iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(policy))
        else:
            _tolerate(GONE, iam.delete_role_policy, RoleName=name, PolicyName=policy_name)

    def op_delete_role(self, rt, name, policy_name):
        iam = self._client("iam")
        _tolerate(GONE, iam.delete_role_policy, RoleName=name, PolicyName=policy_name)
        _tolerate(GONE, iam.delete_role, RoleName=name)

    def _zip(self, package, requirements, runtime, code_sha256, name):
        data = build_lambda_zip(package, requirements, python_version=runtime.replace("python", ""))
        if lambda_code_sha256(data) != code_sha256:
            raise GGError("Lambda %s: code in %s changed since the plan was made; plan again"
                          % (name, package))
        return data

    def op_create_function(self, rt, name, alias, runtime, handler, role, environment, code_sha256,
                           package, requirements, groups):
        data = self._zip(package, requirements, runtime, code_sha256, name)
        lam = self._client("lambda")
        args = dict(FunctionName=name, Runtime=runtime, Role=role, Handler=handler,
                    Code={"ZipFile": data}, Environment={"Variables": environment},
                    Tags=names.tags(""), Description="managed by gg", Publish=False)
        for attempt in range(8):   # a new IAM role takes a few seconds to be assumable
            try:
                lam.create_function(**args)
                return
            except Exception as exc:
                if error_code(exc) in ALREADY:
                    return self.op_update_function_code(rt, name, alias, runtime, handler, role,
                                                        environment, code_sha256, package,
                                                        requirements, groups)
                if error_code(exc) != "InvalidParameterValueException" or attempt == 7:
                    raise
                time.sleep(2 + attempt)

    def op_update_function_code(self, rt, name, alias, runtime, handler, role, environment,
                                code_sha256, package, requirements, groups):
        data = self._zip(package, requirements, runtime, code_sha256, name)
        self._client("lambda").update_function_code(FunctionName=name, ZipFile=data)

    def op_update_function_configuration(self, rt, name, alias, runtime, handler, role, environment,
                                         code_sha256, package, requirements, groups):
        self._client("lambda").update_function_configuration(
            FunctionName=name, Runtime=runtime, Role=role, Handler=handler,
            Environment={"Variables": environment})

    def op_publish_alias(self, rt, name, alias, applied):
        lam = self._client("lambda")
        version = lam.publish_version(FunctionName=name)["Version"]
        try:
            lam.update_alias(FunctionName=name, Name=alias, FunctionVersion=version)
        except Exception as exc:
            if error_code(exc) not in GONE:
                raise
            lam.create_alias(FunctionName=name, Name=alias, FunctionVersion=version)
        lam.tag_resource(Resource=self.ctx.arn("lambda", "function:" + name),
                         Tags={names.APPLIED_TAG: applied})

    def op_delete_function(self, rt, name):
        _tolerate(GONE, self._client("lambda").delete_function, FunctionName=name)

    # --- group: Greengrass and IoT ----------------------------------------------------
    def op_create_group(self, rt, name, tags):
        rt.group_id = self._client("greengrass").create_group(Name=name, tags=tags)["Id"]

    def op_tag_group(self, rt, add, remove):
        gg = self._client("greengrass")
        arn = gg.get_group(GroupId=rt.group_id)["Arn"]
        if remove:
            gg.untag_resource(ResourceArn=arn, TagKeys=remove)
        gg.tag_resource(ResourceArn=arn, tags=add)

    def op_create_thing(self, rt, name, group):
        _tolerate(ALREADY, self._client("iot").create_thing, thingName=name, attributePayload={
            "attributes": {"gg_managed_by": names.MANAGED_VALUE, "gg_group": group}})

    def op_create_core_certificate(self, rt, core, certs_dir):
        iot = self._client("iot")
        key = certs.load_or_create_key(certs_dir, core)
        existing = self._existing_certificate(certs_dir, core, key)
        if existing:
            rt.cert_arn = existing
            return
        resp = iot.create_certificate_from_csr(certificateSigningRequest=certs.csr_for_key(key, core)
                                               .decode(), setAsActive=True)
        certs.write_core_certs(certs_dir, core, resp["certificatePem"].encode(), certs.root_ca_pem())
        rt.cert_arn = resp["certificateArn"]

    def _existing_certificate(self, certs_dir, core, key):
        """A certificate this machine got for its key in an interrupted run: reuse, never duplicate."""
        paths = certs.core_cert_paths(certs_dir, core)
        try:
            with open(paths.cert, "rb") as f:
                pem = f.read()
        except OSError:
            return None
        if not certs.cert_matches_key(pem, key):
            return None
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import Encoding
        der = x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)
        iot = self._client("iot")
        for cert_id in (hashlib.sha256(der).hexdigest(), hashlib.sha256(pem).hexdigest()):
            try:
                desc = iot.describe_certificate(certificateId=cert_id)["certificateDescription"]
            except Exception as exc:
                if error_code(exc) in GONE:
                    continue
                raise
            if desc.get("status") == "ACTIVE":
                return desc["certificateArn"]
        return None

    def op_create_policy(self, rt, name, document):
        _tolerate(ALREADY, self._client("iot").create_policy, policyName=name,
                  policyDocument=json.dumps(document))

    def op_update_policy(self, rt, name, document, versions):
        iot = self._client("iot")
        listed = iot.list_policy_versions(policyName=name).get("policyVersions", [])
        old = sorted((v for v in listed if not v.get("isDefaultVersion")),
                     key=lambda v: int(v["versionId"]))
        if len(listed) >= 5 and old:
            iot.delete_policy_version(policyName=name, policyVersionId=old[0]["versionId"])
        iot.create_policy_version(policyName=name, policyDocument=json.dumps(document), setAsDefault=True)

    def op_attach_policy(self, rt, policy, target):
        self._client("iot").attach_policy(policyName=policy, target=target)

    def op_attach_thing_principal(self, rt, thing, principal):
        self._client("iot").attach_thing_principal(thingName=thing, principal=principal)

    def op_create_definition(self, rt, kind, name, content, tags):
        noun = names.API_NOUN[kind]
        resp = getattr(self._client("greengrass"), "create_%s" % names.snake(noun))(
            Name=name, InitialVersion=content, tags=dict(tags, **{names.APPLIED_TAG: content_hash(content)}))
        rt.definitions[kind] = {"id": resp["Id"], "version_arn": resp["LatestVersionArn"]}

    def op_create_definition_version(self, rt, kind, content):
        noun = names.API_NOUN[kind]
        gg = self._client("greengrass")
        resp = getattr(gg, "create_%s_version" % names.snake(noun))(
            **dict(content, **{noun + "Id": rt.definitions[kind]["id"]}))
        rt.definitions[kind]["version_arn"] = resp["Arn"]
        gg.tag_resource(ResourceArn=resp["Arn"].split("/versions/")[0],
                        tags={names.APPLIED_TAG: content_hash(content)})

    def op_delete_definition(self, rt, kind, id):
        noun = names.API_NOUN[kind]
        _tolerate(GONE, getattr(self._client("greengrass"), "delete_%s" % names.snake(noun)),
                  **{noun + "Id": id})

    def op_associate_role(self, rt, role_arn):
        self._client("greengrass").associate_role_to_group(GroupId=rt.group_id, RoleArn=role_arn)

    def op_disassociate_role(self, rt):
        self._client("greengrass").disassociate_role_from_group(GroupId=rt.group_id)

    def op_create_group_version(self, rt, kinds):
        arns = {names.version_key(k): rt.definitions[k]["version_arn"] for k in kinds}
        gg = self._client("greengrass")
        resp = gg.create_group_version(GroupId=rt.group_id, **arns)
        gg.tag_resource(ResourceArn=resp["Arn"].split("/versions/")[0],
                        tags={names.APPLIED_VERSION_TAG: resp["Version"]})

    def op_delete_core(self, rt, thing, policy):
        delete_core_thing(self._client("iot"), thing, policy)


def delete_core_thing(iot, thing, policy):
    """Detach and delete a core's certificates, its thing and its policy, in the order IoT requires."""
    principals = _tolerate(GONE, iot.list_thing_principals, thingName=thing) or {}
    for principal in principals.get("principals", []):
        iot.detach_thing_principal(thingName=thing, principal=principal)
        for attached in iot.list_attached_policies(target=principal).get("policies", []):
            iot.detach_policy(policyName=attached["policyName"], target=principal)
        cert_id = principal.rsplit("/", 1)[-1]
        _tolerate(GONE, iot.update_certificate, certificateId=cert_id, newStatus="INACTIVE")
        _tolerate(GONE, iot.delete_certificate, certificateId=cert_id, forceDelete=True)
    _tolerate(GONE, iot.delete_thing, thingName=thing)
    versions = _tolerate(GONE, iot.list_policy_versions, policyName=policy) or {}
    for version in versions.get("policyVersions", []):
        if not version.get("isDefaultVersion"):
            iot.delete_policy_version(policyName=policy, policyVersionId=version["versionId"])
    if versions:
        for target in iot.list_targets_for_policy(policyName=policy).get("targets", []):
            iot.detach_policy(policyName=policy, target=target)
        _tolerate(GONE, iot.delete_policy, policyName=policy)


def _tolerate(codes, call, **kwargs):
    try:
        return call(**kwargs)
    except Exception as exc:
        if error_code(exc) in codes:
            return None
        raise



def _label(args):
    for key in ("name", "key", "bucket", "kind", "thing", "core", "policy", "role_arn"):
        if key in args:
            return str(args[key])
    return ""
