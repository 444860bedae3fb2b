"""An apply interrupted at any write, or throttled, re-runs to the same AWS state with nothing orphaned."""


def test_interrupted_at_every_write_then_rerun_converges(new_project, aws_env, writes, converged_state,
                                                          state_difference):
    assert new_project().gg("apply")[0] == 0     # the shared artifact bucket now exists
    reference = new_project()
    aws_env.reset_calls()
    code, out = reference.gg("apply")
    assert code == 0, out
    total_writes = sum(writes().values())
    expected = converged_state(reference)
    assert total_writes >= 15
    for k in range(1, total_writes + 1):
        project = new_project()
        aws_env.set_faults(fail_nth_write=k)
        code, out = project.gg("apply")
        aws_env.clear_faults()
        assert "Injected failure" in out and "Traceback" not in out, out
        if k == total_writes:
            # the last write releases the group lock: the work is done, the lock is left to expire
            assert code == 0 and "warning: could not release the lock of group" in out, out
            code, out = project.gg("unlock")
            assert code == 0 and "unlocked" in out, out
        else:
            assert code == 1, "write %d: the apply should have failed\n%s" % (k, out)
        code, out = project.gg("apply")
        assert code == 0, "write %d: the re-run failed\n%s" % (k, out)
        code, plan = project.plan_json()
        assert code == 0, "write %d: not converged: %s" % (k, plan["changes"])
        assert not state_difference(converged_state(project), expected), "write %d" % k
        assert len(list((project.root / "certs").glob("*.cert.pem"))) == 1


def test_apply_converges_with_a_fifth_of_calls_throttled(new_project, aws_env, converged_state,
                                                         state_difference):
    reference = new_project()
    aws_env.reset_calls()
    assert reference.gg("apply")[0] == 0
    plain_calls = sum(aws_env.calls().values())
    project = new_project()
    aws_env.set_faults(throttle_rate=0.2)
    aws_env.reset_calls()
    try:
        code, out = project.gg("apply")
        throttled_calls = sum(aws_env.calls().values())
    finally:
        aws_env.clear_faults()
    assert code == 0, out
    assert throttled_calls > plain_calls * 1.1   # the throttled calls were retried, and succeeded
    assert project.plan_json()[0] == 0
    assert not state_difference(converged_state(project), converged_state(reference))
