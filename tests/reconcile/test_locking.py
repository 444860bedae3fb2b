"""Two pipelines on the same groups never interleave: the lock lives in AWS, not on a runner's disk."""
import os
import socket
import subprocess
import sys
import time

from gg_manager.locking import TABLE

GG = os.path.join(os.path.dirname(sys.executable), "gg")


def _start_apply(project, env, *extra):
    return subprocess.Popen([GG, "apply", "--yes", "-f", project.spec_path, "--target", project.target] + list(extra),
                            cwd=str(project.root),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _run_pair(project, aws_env, *extra):
    env = dict(os.environ)
    aws_env.set_faults(latency_ms=120)       # applies long enough (~10 s) that the two overlap
    try:
        first = _start_apply(project, env, *extra)
        time.sleep(0.3)
        second = _start_apply(project, env, *extra)
        outs = [p.communicate(timeout=300)[0] for p in (first, second)]
    finally:
        aws_env.clear_faults()
    return [(p.returncode, out) for p, out in zip((first, second), outs)]


def test_second_apply_fails_clearly_without_waiting(project, aws_env, converged_state, new_project,
                                                    state_difference):
    results = _run_pair(project, aws_env, "--lock-timeout", "0")
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    loser = [out for code, out in results if code == 1][0]
    assert "error: group %s-g is locked by" % project.prefix in loser
    assert "gg apply" in loser and "Traceback" not in loser
    assert project.plan_json()[0] == 0          # AWS holds what the winner intended, whole
    other = new_project()
    assert other.gg("apply")[0] == 0
    assert not state_difference(converged_state(project), converged_state(other))


def test_second_apply_waits_then_finds_nothing_to_do(project, aws_env):
    results = _run_pair(project, aws_env, "--lock-timeout", "120")
    assert [code for code, _ in results] == [0, 0], results
    waited = [out for _, out in results if "waiting for the lock of group" in out]
    assert waited, results
    assert "planned again" in waited[0] and "No changes." in waited[0]
    gg = aws_env.boto3_client("greengrass")
    group = [g for g in gg.list_groups()["Groups"] if g["Name"] == project.prefix + "-g"][0]
    assert len(gg.list_group_versions(GroupId=group["Id"])["Versions"]) == 1   # nothing applied twice


def _hold_lock(aws_env, group, owner):
    now = int(time.time())
    aws_env.boto3_client("dynamodb").put_item(TableName=TABLE, Item={
        "lock": {"S": "group:" + group}, "owner": {"S": owner}, "purpose": {"S": "gg apply"},
        "since": {"N": str(now)}, "expires_at": {"N": str(now + 900)}})


def test_lock_of_a_live_run_elsewhere_blocks_and_unlock_clears_it(project, aws_env):
    assert project.gg("apply")[0] == 0                       # the lock table exists now
    group = project.prefix + "-g"
    _hold_lock(aws_env, group, "ci@runner-7 GITHUB_RUN_ID=42 pid 1 [abcd1234]")
    project.edit("Level: INFO", "Level: WARN")
    code, out = project.gg("apply", "--lock-timeout", "0")
    assert code == 1
    assert "group %s is locked by ci@runner-7 GITHUB_RUN_ID=42 pid 1 [abcd1234] (gg apply)" % group in out
    code, out = project.gg("unlock", "--list")
    assert "group:%s: ci@runner-7" % group in out
    code, out = project.gg("unlock")
    assert code == 0 and "group %s: unlocked" % group in out
    assert project.gg("apply", "--lock-timeout", "0")[0] == 0


def test_a_live_lock_of_another_container_with_this_host_name_is_never_taken_over(project, aws_env):
    """Two containers share host names and PIDs: a lock naming this host and a PID that does not run
    here belongs to another machine's live run until it expires."""
    assert project.gg("apply")[0] == 0
    group = project.prefix + "-g"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    owner = "me@%s pid %d [deadbeef]" % (socket.gethostname(), gone.pid)
    _hold_lock(aws_env, group, owner)
    project.edit("Level: INFO", "Level: WARN")
    code, out = project.gg("apply", "--lock-timeout", "0")
    assert code == 1 and "group %s is locked by %s" % (group, owner) in out, out
    item = aws_env.boto3_client("dynamodb").get_item(TableName=TABLE, Key={"lock": {"S": "group:" + group}})
    assert item["Item"]["owner"]["S"] == owner                        # still the other run's


def test_an_expired_lock_is_taken_over_and_owners_are_unique(project, aws_env):
    assert project.gg("apply")[0] == 0
    group = project.prefix + "-g"
    now = int(time.time())
    aws_env.boto3_client("dynamodb").put_item(TableName=TABLE, Item={
        "lock": {"S": "group:" + group}, "owner": {"S": "ci@gone [0123]"}, "purpose": {"S": "gg apply"},
        "since": {"N": str(now - 2000)}, "expires_at": {"N": str(now - 1)}})
    project.edit("Level: INFO", "Level: WARN")
    assert project.gg("apply", "--lock-timeout", "0")[0] == 0
    from gg_manager.locking import owner_id
    first, second = owner_id(), owner_id()
    assert first != second and first.split(" [")[0] == second.split(" [")[0]
    assert len(first.rsplit("[", 1)[1].rstrip("]")) == 32           # a random token, not a PID
