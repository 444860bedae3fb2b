"""plan/review.py on its own: what a reviewer reads of a change, from its before/after values only."""
import base64
import hashlib

from gg_manager.plan.model import Change, Plan, Ref, Step
from gg_manager.plan.render import render_markdown, render_text
from gg_manager.plan.review import change_lines, canonical_lines, short_hash

TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]}


def texts(change):
    return [(line.mark, line.depth, line.text) for line in change_lines(change)]


def test_hashes_are_twelve_hex_digits():
    digest = hashlib.sha256(b"zip").digest()
    assert short_hash(base64.b64encode(digest).decode()) == digest.hex()[:12] + "…"
    assert short_hash("gg-models/m/%s.tar.gz" % digest.hex()) == "gg-models/m/%s….tar.gz" % digest.hex()[:12]
    assert short_hash("not-a-hash=") == "not-a-hash="
    assert short_hash("A" * 43 + "=") == "000000000000…"          # 32 zero bytes is still a digest


def test_a_policy_in_full_on_create_one_statement_key_a_line():
    change = Change("create", "iam role", "r", after={"trust_policy": TRUST})
    lines = texts(change)
    assert lines[0] == ("+", 0, "trust policy:")
    assert [t for _, depth, t in lines[1:]] == canonical_lines(TRUST)
    assert '      "Action": ["sts:AssumeRole"],' in canonical_lines(TRUST)     # single values as lists


def test_policy_documents_compare_canonically_so_order_alone_is_no_diff():
    reordered = {"Statement": [{"Action": ["sts:AssumeRole"], "Principal": {"Service": "lambda.amazonaws.com"},
                                "Effect": "Allow"}], "Version": "2012-10-17"}
    change = Change("update", "iam role", "r", before={"trust_policy": TRUST}, after={"trust_policy": reordered})
    assert texts(change) == []


def test_a_policy_change_is_a_line_diff_with_context():
    new = {"Version": "2012-10-17", "Statement": [dict(TRUST["Statement"][0], Condition={
        "StringEquals": {"aws:SourceAccount": "123456789012"}})]}
    lines = texts(Change("update", "iam role", "r", before={"trust_policy": TRUST}, after={"trust_policy": new}))
    assert lines[0] == ("~", 0, "trust policy:")
    assert [t for mark, _, t in lines if mark == "+"] == [
        '      "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},']
    assert not [t for mark, _, t in lines if mark == "-"]
    assert ("~", 0, "trust policy:") in lines and any(mark == " " for mark, _, _ in lines)


def test_a_policy_that_appears_or_goes_says_so():
    lines = texts(Change("update", "iam role", "r", before={"inline_policy": None}, after={"inline_policy": TRUST}))
    assert lines[0] == ("~", 0, "inline policy: added") and all(m == "+" for m, _, _ in lines[1:])
    lines = texts(Change("update", "iam role", "r", before={"inline_policy": TRUST}, after={"inline_policy": None}))
    assert lines[0] == ("~", 0, "inline policy: removed") and all(m == "-" for m, _, _ in lines[1:])


def test_entries_are_compared_by_id_and_drift_says_expected_and_found():
    before = {"Loggers": [{"Id": "a", "Level": "DEBUG"}, {"Id": "old", "Level": "INFO"}]}
    after = {"Loggers": [{"Id": "new", "Level": "WARN"}, {"Id": "a", "Level": "INFO"}]}
    assert texts(Change("update", "logger definition", "l", before=before, after=after)) == [
        ("+", 0, "Loggers[new]: {Level: WARN}"), ("~", 0, "Loggers[a].Level: DEBUG -> INFO"),
        ("-", 0, "Loggers[old]: {Level: INFO}")]
    assert texts(Change("update", "logger definition", "l", cause="drift", before=before, after=after)) == [
        ("~", 0, "Loggers[new]: expected {Level: WARN}, found (none)"),
        ("~", 0, "Loggers[a].Level: expected INFO, found DEBUG"),
        ("~", 0, "Loggers[old]: expected (none), found {Level: INFO}")]


def test_refs_read_as_the_step_that_produces_them():
    step = Step("greengrass:CreateGroup", {}, outputs={"id": "Id"})
    step.id = "3.1"
    change = Change("create", "group version", "g", after={"GroupId": Ref(step, "id")})
    assert texts(change) == [("+", 0, "GroupId: <3.1 id>")]


def test_text_and_markdown_carry_the_marks():
    plan = Plan("s.yaml", "1", "r", groups=["g"])
    change = Change("update", "iam role", "r", group="g", before={"trust_policy": TRUST, "permissions_boundary": None},
                    after={"trust_policy": TRUST, "permissions_boundary": "arn:aws:iam::1:policy/b"})
    change.add("iam:PutRolePermissionsBoundary", {"RoleName": "r", "PermissionsBoundary": "arn:aws:iam::1:policy/b"})
    plan.add(change)
    plan.number()
    text, markdown = render_text(plan), render_markdown(plan)
    assert "  ~ iam role               r\n      + permissions boundary: arn:aws:iam::1:policy/b\n" \
           "        1.1 iam:PutRolePermissionsBoundary" in text
    assert "```diff\n~ iam role               r\n+     permissions boundary: arn:aws:iam::1:policy/b\n" \
           "      1.1 iam:PutRolePermissionsBoundary" in markdown


def test_digests_that_differ_only_after_twelve_digits_are_shown_whole():
    """Shortening never hides a change: two digests with the same first 12 hex digits show in full."""
    old, new = "ab" * 6 + "0" * 52, "ab" * 6 + "1" * 52
    lines = texts(Change("update", "lambda", "f", before={"code_sha256": old}, after={"code_sha256": new}))
    assert lines == [("~", 0, "code sha256: %s -> %s" % (old, new))]
    policy = lambda digest: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                                     "Resource": "arn:aws:s3:::b/%s.tar.gz" % digest}]}
    lines = texts(Change("update", "iam role", "r", before={"inline_policy": policy(old)},
                         after={"inline_policy": policy(new)}))
    assert [t.strip() for m, _, t in lines if m == "-"] == ['"arn:aws:s3:::b/%s.tar.gz"' % old]
    assert [t.strip() for m, _, t in lines if m == "+"] == ['"arn:aws:s3:::b/%s.tar.gz"' % new]
    other = "cd" * 32
    lines = texts(Change("update", "lambda", "f", before={"code_sha256": old}, after={"code_sha256": other}))
    assert lines == [("~", 0, "code sha256: %s… -> %s…" % (old[:12], other[:12]))]
