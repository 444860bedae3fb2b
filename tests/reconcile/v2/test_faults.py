"""A V2 apply interrupted at any write re-runs to the same AWS state with nothing orphaned; so does a
removal interrupted at any write (it then finishes, leaving nothing)."""
import re

from gg_manager.aws.session import paginate
from gg_manager.plan.operations import is_read
from tests.reconcile.v2.conftest import v2_leftovers


def v2_state(sandbox, project):
    """What AWS holds of the project, prefix-normalized: names, the deployment document, the
    component versions, the core's policy and certificate count (ids and times left out)."""
    import json
    prefix = project.prefix
    v2, iot = sandbox.boto3_client("greengrassv2"), sandbox.boto3_client("iot")
    state = {"names": v2_leftovers(sandbox, prefix)}
    for dep in paginate(v2, "list_deployments", "deployments"):
        if dep["targetArn"].endswith("/%s-g" % prefix):
            found = v2.get_deployment(deploymentId=dep["deploymentId"])
            state["deployment"] = {k: found.get(k) for k in ("deploymentName", "components", "deploymentPolicies")}
            state["revision"] = dep["revisionId"]
    for component in paginate(v2, "list_components", "components"):
        if prefix in component["componentName"]:
            state[component["componentName"]] = sorted(
                v["componentVersion"] for v in paginate(v2, "list_component_versions", "componentVersions",
                                                         arn=component["arn"]))
    state["policy"] = json.loads(iot.get_policy(policyName="%s-core-ggv2-policy" % prefix)["policyDocument"])
    state["certificates"] = len(iot.list_thing_principals(thingName="%s-core" % prefix)["principals"])
    text = re.sub(r"sha256:[0-9a-f]{64}", "sha256:D", json.dumps(state, sort_keys=True).replace(prefix, "P").replace(prefix.replace("-", "_"), "P"))
    return json.loads(text)      # digests differ with the names in the content: the content is compared


def flat(value, path=""):
    if isinstance(value, dict):
        return {k2: v2 for k, v in value.items() for k2, v2 in flat(v, "%s/%s" % (path, k)).items()}
    return {path: value}


def differences(a, b):
    fa, fb = flat(a), flat(b)
    return ["%s: %r != %r" % (k, fa.get(k), fb.get(k)) for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k)]


def test_interrupted_at_every_write_then_rerun_converges(new_v2_project, aws_env):
    assert new_v2_project().gg("apply")[0] == 0          # the shared bucket and lock table exist
    reference = new_v2_project()
    aws_env.reset_calls()
    code, out = reference.gg("apply")
    assert code == 0, out
    total = sum(v for k, v in aws_env.calls().items() if not is_read(k))
    expected = v2_state(aws_env, reference)
    assert expected["revision"] == "1" and total >= 20
    for k in range(1, total + 1):
        project = new_v2_project()
        aws_env.set_faults(fail_nth_write=k)
        code, out = project.gg("apply")
        aws_env.clear_faults()
        assert "Injected failure" in out and "Traceback" not in out, out
        if k == total:        # the last write releases the group lock: done, the lock is left to expire
            assert code == 0 and "could not release the lock" in out, out
            assert project.gg("unlock")[0] == 0
        else:
            assert code == 1, "write %d: the apply should have failed\n%s" % (k, out)
        code, out = project.gg("apply")
        assert code == 0, "write %d: the re-run failed\n%s" % (k, out)
        code, plan = project.plan_json()
        assert code == 0, "write %d: not converged: %s" % (k, plan["changes"])
        state = v2_state(aws_env, project)
        assert state == expected, "write %d: %s" % (k, differences(state, expected))
        assert len(list((project.root / "certs").glob("*.cert.pem"))) == 1


def test_remove_interrupted_at_every_write_finishes_when_run_again(new_v2_project, aws_env, auto_complete):
    reference = new_v2_project()
    assert reference.gg("apply")[0] == 0
    aws_env.reset_calls()
    assert reference.gg("remove", "--yes")[0] == 0
    total = sum(v for k, v in aws_env.calls().items() if not is_read(k) and not k.startswith("dynamodb:"))
    for k in range(1, total + 1):
        project = new_v2_project()
        assert project.gg("apply")[0] == 0
        aws_env.set_faults(fail_nth_write=k)
        code, out = project.gg("remove", "--yes")
        aws_env.clear_faults()
        assert code == 1 and "Injected failure" in out and "Traceback" not in out, "write %d\n%s" % (k, out)
        code, out = project.gg("remove", "--yes")
        assert code == 0, "write %d: the re-run failed\n%s" % (k, out)
        assert v2_leftovers(aws_env, project.prefix) == [], "write %d" % k
