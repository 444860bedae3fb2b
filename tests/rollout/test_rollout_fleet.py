"""`gg rollout` on a fleet of 20 groups with 20 real local cores: waves, a halt, a rollback.

Every outcome is read back through the Greengrass API (list_deployments,
get_deployment_status, the bulk deployments' detailed reports) and gg's exit codes.
"""
from gg_manager.aws.session import connect
from gg_manager.locking import held_locks

WAVES = ("--waves", "1,50%")          # canary g00, then g01-g09, then (implicit 100%) g10-g19


def newest(fleet, group_id):
    return fleet.deployments(group_id)[-1]


def test_canary_then_rest_halt_on_a_core_failure_then_rollback(fleet):
    fleet.write(release="1")
    fleet.apply()
    fleet.start_cores()
    v1 = {n: g["LatestVersion"] for n, g in fleet.groups().items()}
    ids = {n: g["Id"] for n, g in fleet.groups().items()}

    # 0. another run holds one group's lock in AWS: the rollout fails clearly and deploys nothing
    ctx = connect(region=fleet.sb.region, endpoint_url=fleet.sb.endpoint_url)
    with held_locks(ctx, [fleet.names[3]], "someone else's gg apply"):
        code, out, err = fleet.cli("rollout", "--lock-timeout", "0", *WAVES)
    assert code == 1 and "group %s is locked by" % fleet.names[3] in err, out + err
    assert all(fleet.deployments(ids[n]) == [] for n in fleet.names)

    # 1. the first rollout: a canary wave, then the rest, every core reports Success
    code, report, progress = fleet.rollout(*WAVES)
    assert code == 0, progress
    assert [w["groups"] for w in report["waves"]] == [fleet.names[:1], fleet.names[1:10], fleet.names[10:]]
    assert not report["halted"] and report["failed_count"] == 0
    assert "wave 1/3: 1 succeeded, 0 failed, 0 in progress" in progress
    for wave in report["waves"]:   # each wave is one bulk deployment of exactly its groups, done in order
        reports = fleet.gg.list_bulk_deployment_detailed_reports(
            BulkDeploymentId=wave["bulk_deployment_id"])["Deployments"]
        assert sorted(r["GroupArn"].split("/groups/")[1].split("/")[0] for r in reports) == \
            sorted(ids[n] for n in wave["groups"])
        assert {r["DeploymentStatus"] for r in reports} == {"Success"}
    for name in fleet.names:
        dep = newest(fleet, ids[name])
        assert (dep["Version"], dep["Status"]["DeploymentStatus"]) == (v1[name], "Success"), name
    canary = newest(fleet, ids[fleet.names[0]])["CreatedAt"]
    assert all(newest(fleet, ids[n])["CreatedAt"] >= canary for n in fleet.names[1:])

    # 2. a new release; g05 (second wave) also gets a Lambda whose handler cannot be imported
    bad = fleet.names[5]
    fleet.write(release="2", broken=(bad,))
    fleet.apply()
    v2 = {n: g["LatestVersion"] for n, g in fleet.groups().items()}
    assert all(v2[n] != v1[n] for n in fleet.names)
    before = {n: len(fleet.deployments(ids[n])) for n in fleet.names}
    code, report, progress = fleet.rollout(*WAVES)
    assert code == 1, progress
    assert report["halted"] and len(report["waves"]) == 2
    assert report["not_started"] == fleet.names[10:]
    assert [f["group"] for f in report["waves"][1]["failed"]] == [bad]
    assert "no_such_module_for_gg_rollout" in report["waves"][1]["failed"][0]["error"]
    assert "group %s failed:" % bad in progress
    fleet.check_cores_alive()
    # the core's own Failure, as AWS reports it
    failed = newest(fleet, ids[bad])
    assert failed["Version"] == v2[bad] and failed["Status"]["DeploymentStatus"] == "Failure"
    assert "no_such_module_for_gg_rollout" in failed["Status"]["ErrorMessage"]
    for name in fleet.names[:10]:
        if name != bad:
            dep = newest(fleet, ids[name])
            assert (dep["Version"], dep["Status"]["DeploymentStatus"]) == (v2[name], "Success"), name
    # later waves never started: no deployment of theirs, in no bulk deployment
    for name in fleet.names[10:]:
        assert len(fleet.deployments(ids[name])) == before[name], name
        assert newest(fleet, ids[name])["Version"] == v1[name]
    later = {ids[n] for n in fleet.names[10:]}
    for bulk in fleet.gg.list_bulk_deployments()["BulkDeployments"]:
        if bulk["BulkDeploymentId"] in [w["bulk_deployment_id"] for w in report["waves"]]:
            reports = fleet.gg.list_bulk_deployment_detailed_reports(
                BulkDeploymentId=bulk["BulkDeploymentId"])["Deployments"]
            assert not later & {r["GroupArn"].split("/groups/")[1].split("/")[0] for r in reports}

    # 3. rollback: the groups the rollout reached go back to v1, in the same waves
    code, report, progress = fleet.rollout("--rollback", *WAVES)
    assert code == 0, progress
    assert [w["groups"] for w in report["waves"]] == [fleet.names[:1], fleet.names[1:10]]
    assert sorted(s["group"] for s in report["skipped"]) == fleet.names[10:]
    for name in fleet.names:
        dep = newest(fleet, ids[name])
        assert (dep["Version"], dep["Status"]["DeploymentStatus"]) == (v1[name], "Success"), name
    # a second rollback has nothing left to do and deploys nothing
    counts = {n: len(fleet.deployments(ids[n])) for n in fleet.names}
    code, report, progress = fleet.rollout("--rollback", *WAVES)
    assert code == 0 and report["waves"] == [] and len(report["skipped"]) == len(fleet.names)
    assert counts == {n: len(fleet.deployments(ids[n])) for n in fleet.names}
    fleet.check_cores_alive()
