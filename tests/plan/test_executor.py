"""The executor against a recording fake: exactly the plan's calls, in stage order, refs resolved."""
import io

import botocore.exceptions
import pytest

from gg_manager.plan.execute import Executor
from gg_manager.plan.model import Change, Plan, Text


def client_error(code, op="Op"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, op)


class Recorder:
    """Stands for botocore: records (operation, params) and answers from a script."""

    def __init__(self, answers=None, errors=None):
        self.calls, self.answers, self.errors = [], answers or {}, dict(errors or {})

    def __call__(self, ctx, operation, params):
        self.calls.append((operation, params))
        pending = self.errors.get(operation)
        if pending:
            raise pending.pop(0) if isinstance(pending, list) else pending
        return self.answers.get(operation, {})


def plan_with(*changes, groups=()):
    plan = Plan("s", "a", "r", groups=list(groups))
    for change in changes:
        plan.add(change)
    return plan.number()


def group_create(name):
    change = Change("create", "group", name, group=name)
    made = change.add("greengrass:CreateGroup", {"Name": name}, outputs={"id": "Id"})
    version = Change("create", "group version", name, group=name)
    version.add("greengrass:CreateGroupVersion", {"GroupId": made.ref("id"),
                                                  "Note": Text(("id=", made.ref("id")))})
    return change, version


def test_runs_exactly_the_steps_shared_first_then_groups_then_shared_deletes():
    bucket = Change("create", "s3 bucket", "b")
    bucket.add("s3:CreateBucket", {"Bucket": "b"})
    gone = Change("delete", "lambda", "old")
    gone.add("lambda:DeleteFunction", {"FunctionName": "old"}, done_if=("ResourceNotFoundException",))
    plan = plan_with(gone, *group_create("g"), bucket, groups=["g"])
    fake = Recorder({"greengrass:CreateGroup": {"Id": "gid-1"}})
    out = io.StringIO()
    outcome = Executor(None, {}, out, call=fake).run(plan)
    assert outcome.ok
    assert fake.calls == [
        ("s3:CreateBucket", {"Bucket": "b"}),
        ("greengrass:CreateGroup", {"Name": "g"}),
        ("greengrass:CreateGroupVersion", {"GroupId": "gid-1", "Note": "id=gid-1"}),
        ("lambda:DeleteFunction", {"FunctionName": "old"}),
    ]
    assert [op for op, _ in fake.calls] == [s.operation for c in plan.staged() for s in c.steps]
    assert "group g: created group g" in out.getvalue()


def test_done_if_codes_mean_already_done_and_are_said_so():
    gone = Change("delete", "iot thing", "t")
    gone.add("iot:DeleteThing", {"thingName": "t"}, done_if=("ResourceNotFoundException",))
    out = io.StringIO()
    outcome = Executor(None, {}, out, call=Recorder(errors={"iot:DeleteThing": client_error(
        "ResourceNotFoundException")})).run(plan_with(gone))
    assert outcome.ok and outcome.done == {"1.1": "ResourceNotFoundException"}
    assert "shared: iot thing t: already gone" in out.getvalue()


def test_retry_if_codes_are_retried_then_succeed():
    change = Change("create", "lambda", "fn")
    change.add("lambda:CreateFunction", {"FunctionName": "fn"}, retry_if=("InvalidParameterValueException",))
    fake = Recorder(errors={"lambda:CreateFunction": [client_error("InvalidParameterValueException")] * 2})
    slept = []
    outcome = Executor(None, {}, io.StringIO(), call=fake, sleep=slept.append).run(plan_with(change))
    assert outcome.ok and len(fake.calls) == 3 and slept == [2, 3]


def test_a_failed_group_stops_alone_and_shared_deletes_wait():
    a, b = group_create("a"), group_create("b")
    gone = Change("delete", "lambda", "old")
    gone.add("lambda:DeleteFunction", {"FunctionName": "old"})
    plan = plan_with(*a, *b, gone, groups=["a", "b"])

    class FailA(Recorder):
        def __call__(self, ctx, operation, params):
            if params.get("Name") == "a":
                self.calls.append((operation, params))
                raise client_error("InjectedFailure", "CreateGroup")
            return super().__call__(ctx, operation, {**params}) or {"Id": "id-" + params.get("Name", "")}

    fake = FailA(answers={"greengrass:CreateGroup": {"Id": "id-b"}})
    outcome = Executor(None, {}, io.StringIO(), call=fake).run(plan)
    assert set(outcome.failures) == {"a"} and outcome.failures["a"].transient
    ops = [op for op, _ in fake.calls]
    assert ops.count("greengrass:CreateGroupVersion") == 1          # b went on, a stopped
    assert "lambda:DeleteFunction" not in ops                       # shared deletes wait for every group


def test_local_steps_go_to_their_registered_handler_and_feed_later_steps():
    change = Change("create", "certificate", "core", group="g")
    key = change.add("local:GenerateKey", {"certs_dir": "/c", "core": "core"}, outputs={"csr": "csr"})
    change.add("iot:CreateCertificateFromCsr", {"certificateSigningRequest": key.ref("csr"), "setAsActive": True})
    seen = []
    handlers = {"local:GenerateKey": lambda certs_dir, core: seen.append((certs_dir, core)) or {"csr": "CSR"}}
    fake = Recorder()
    assert Executor(None, handlers, io.StringIO(), call=fake).run(plan_with(change, groups=["g"])).ok
    assert seen == [("/c", "core")]
    assert fake.calls == [("iot:CreateCertificateFromCsr", {"certificateSigningRequest": "CSR", "setAsActive": True})]


def test_a_local_operation_without_a_handler_is_refused_before_anything_runs():
    change = Change("create", "device config", "x", group="g")
    change.add("local:WriteDeviceConfig", {"path": "x", "config": {}})
    fake = Recorder()
    with pytest.raises(ValueError, match="no handler registered for local:WriteDeviceConfig"):
        Executor(None, {}, io.StringIO(), call=fake).run(plan_with(change, groups=["g"]))
    assert fake.calls == []
