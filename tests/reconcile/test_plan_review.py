"""What a reviewer reads in `gg plan` (text and markdown, the PR comment), through the CLI against the
sandbox: the attributes of what is created, IAM and IoT policy documents in full on create and as a
line diff on change, one short hash per code change, what drifted, and a mark at the start of every
line a terminal can colour. Before: a create showed no attributes, a code change printed two
44-character hashes, drift said only "changed outside gg"."""
import base64
import json
import re

import pytest

BASE64_SHA256 = re.compile(r"[A-Za-z0-9+/]{43}=")
CHANGE_LINE = re.compile(r"^  [+~!-] \S")                     # a change's title
DETAIL_LINE = re.compile(r"^ {6}( {2})*[+~!\- -] ")           # what a reviewer reads, marked
STEP_LINE = re.compile(r"^ {8}\d+\.\d+ [a-z0-9-]+:[A-Z]")     # one AWS (or local) call


def section(text, title):
    """The lines of one change of a text plan: its title line up to the next change or section."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if CHANGE_LINE.match(line) and title in line)
    end = next((i for i in range(start + 1, len(lines)) if CHANGE_LINE.match(lines[i]) or not lines[i].startswith(" ")),
               len(lines))
    return lines[start:end]


def test_a_create_shows_every_attribute_and_policy_a_reviewer_needs(project, aws_env):
    p = project.prefix
    code, text = project.gg("plan")
    assert code == 0, text
    role = "\n".join(section(text, "iam role               gg-fn-%s-fn" % p))
    assert "      + permissions boundary: (none)" in role          # no boundary given: the plan says so
    assert '      + trust policy:\n        + {\n        +   "Statement": [' in role
    assert '        +       "Principal": {"Service": "lambda.amazonaws.com"}' in role
    assert '        +       "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},' in role
    assert ('        +       "Resource": ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/%s-fn:*"]'
            % p) in role
    fn = section(text, "lambda                 %s-fn" % p)
    assert fn[1:6] == ["      + runtime: python3.7", "      + handler: main.handler",
                       "      + role: arn:aws:iam::123456789012:role/gg-fn-%s-fn" % p,
                       "      + environment: (none)", fn[5]]
    assert re.fullmatch(r"      \+ code sha256: [0-9a-f]{12}…", fn[5])
    group = section(text, "group                  %s-g" % p)
    assert group[1] == "      + tags: team=vision, gg:managed-by=gg, gg:group=%s-g" % p
    thing = section(text, "iot thing              %s-core" % p)
    assert thing[1] == "      + attributes: gg_managed_by=gg, gg_group=%s-g" % p
    policy = "\n".join(section(text, "iot policy             %s-core-gg-policy" % p))
    assert '        +       "Action": ["iot:Connect"],' in policy
    assert '        +       "Resource": ["arn:aws:iot:us-east-1:123456789012:client/%s-core"]' % p in policy
    assert '"Resource": ["arn:aws:iot:us-east-1:123456789012:topic/%s/out"]' % p in policy
    functions = "\n".join(section(text, "function definition    %s-g-functions" % p))
    assert "      + Functions[%s-fn]:" % p in functions
    assert "          + MemorySize: 131072" in functions and "          + Timeout: 10" in functions
    assert "            + Variables: OUTPUT_TOPIC=%s/out" % p in functions


def test_every_line_of_a_change_starts_with_a_mark_a_terminal_can_colour(project, aws_env):
    code, text = project.gg("plan")
    body = [line for line in text.splitlines() if line.startswith("  ")]
    assert body
    for line in body:
        assert CHANGE_LINE.match(line) or DETAIL_LINE.match(line) or STEP_LINE.match(line), line


def test_the_markdown_comment_shows_the_same_lines_in_diff_blocks(project, aws_env):
    p = project.prefix
    code, markdown = project.gg("plan", "--format", "markdown")
    assert re.search(r"```diff\n\+ (s3 bucket|model object|iam role) ", markdown)     # a change title first
    assert "\n+ iam role               gg-fn-%s-fn\n+     permissions boundary: (none)\n" % p in markdown
    assert "\n+ " + " " * 6 + '      "Principal": {"Service": "lambda.amazonaws.com"}\n' in markdown
    assert "+ iot policy             %s-core-gg-policy\n+     document:\n" % p in markdown
    assert markdown.count("```diff") == 2 and markdown.count("\n```\n") >= 2    # shared, group


def test_a_policy_change_is_a_line_diff_in_text_and_markdown(project, aws_env):
    p = project.prefix
    assert project.gg("apply")[0] == 0
    project.edit("Subject: %s/out" % p, "Subject: %s/results" % p)
    code, text = project.gg("plan")
    policy = section(text, "iot policy             %s-core-gg-policy" % p)
    assert policy[1] == "      ~ document:"
    removed = [l for l in policy if l.startswith("        - ")]
    added = [l for l in policy if l.startswith("        + ")]
    assert removed == ['        -       "Resource": ["arn:aws:iot:us-east-1:123456789012:topic/%s/out"]' % p]
    assert added == ['        +       "Resource": ["arn:aws:iot:us-east-1:123456789012:topic/%s/results"]' % p]
    assert '                "Action": ["iot:Publish"],' in policy            # context: which statement
    code, markdown = project.gg("plan", "--format", "markdown")
    json_line = '      "Resource": ["arn:aws:iot:us-east-1:123456789012:topic/%s/%s"]\n'
    assert "\n- " + " " * 6 + json_line % (p, "out") in markdown       # the mark in column 1: GitHub colours it
    assert "\n+ " + " " * 6 + json_line % (p, "results") in markdown


def test_an_iam_policy_change_is_a_line_diff(project, aws_env):
    """A CloudWatch logger gives the group role a logs statement: the diff shows exactly it."""
    p = project.prefix
    assert project.gg("apply")[0] == 0
    project.edit("  - {Component: GreengrassSystem, Id: sys, Level: INFO, Space: 1024, Type: FileSystem}",
                 "  - {Component: GreengrassSystem, Id: sys, Level: INFO, Space: 1024, Type: FileSystem}\n"
                 "  - {Component: Lambda, Id: cw, Level: WARN, Type: AWSCloudWatch}")
    code, text = project.gg("plan")
    role = section(text, "iam role               gg-%s-g-group-role" % p)
    assert role[1] == "      ~ inline policy:"
    added = [l[10:] for l in role if l.startswith("        + ")]
    assert added[0].strip() == "{"
    assert '"logs:PutLogEvents"' in "\n".join(added)
    assert '"Resource": ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/greengrass/*"]' in "\n".join(added)
    assert not [l for l in role if l.startswith("        - ")]              # nothing taken away
    loggers = section(text, "logger definition      %s-g-loggers" % p)
    assert loggers[1] == "      + Loggers[cw]: {Component: Lambda, Level: WARN, Type: AWSCloudWatch}"


def test_a_code_change_shows_one_short_hash_pair(project, aws_env):
    p = project.prefix
    assert project.gg("apply")[0] == 0
    lam = aws_env.boto3_client("lambda")
    old = lam.get_function_configuration(FunctionName=p + "-fn")["CodeSha256"]
    (project.root / "src" / "main.py").write_text("def handler(event, context):\n    return {'v': 2}\n")
    code, text = project.gg("plan")
    code, markdown = project.gg("plan", "--format", "markdown")
    fn = section(text, "lambda                 %s-fn" % p)
    new_line = [l for l in fn if "code sha256" in l]
    assert len(new_line) == 1
    old_hex = base64.b64decode(old).hex()[:12]
    assert re.fullmatch(r"      ~ code sha256: %s… -> [0-9a-f]{12}…" % old_hex, new_line[0])
    assert text.count("code sha256") == 1
    for rendered in (text, markdown):
        assert not BASE64_SHA256.search(rendered), BASE64_SHA256.search(rendered).group()
        assert not re.search(r"[0-9a-f]{64}", rendered)
    assert project.gg("apply")[0] == 0
    now = lam.get_function_configuration(FunctionName=p + "-fn")["CodeSha256"]
    assert new_line[0].endswith("-> %s…" % base64.b64decode(now).hex()[:12])


def test_json_keeps_the_structured_values(project, aws_env):
    p = project.prefix
    code, plan = project.plan_json()
    role = next(c for c in plan["changes"] if c["kind"] == "iam role" and c["name"] == "gg-fn-%s-fn" % p)
    assert role["after"]["trust_policy"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert role["after"]["permissions_boundary"] is None
    fn = next(c for c in plan["changes"] if c["kind"] == "lambda")
    assert len(fn["after"]["code_sha256"]) == 44                     # JSON keeps the full value


def test_sensitive_values_stay_redacted_in_the_attributes(project, aws_env, monkeypatch):
    monkeypatch.setenv("API_TOKEN", "tok-3f9a2c77e1")
    project.edit("        Variables: {{OUTPUT_TOPIC: {p}/out}}".format(p=project.prefix),
                 "        Variables: {{OUTPUT_TOPIC: {p}/out, TOKEN: '{{{{ env.API_TOKEN }}}}'}}".format(p=project.prefix))
    for fmt in ("text", "markdown", "json"):
        code, out = project.gg("plan", "--env", "API_TOKEN", "--format", fmt)
        assert code == 0, out
        assert "tok-3f9a2c77e1" not in out
        if fmt == "text":
            assert "            + Variables: OUTPUT_TOPIC=%s/out, TOKEN=(sensitive)" % project.prefix in out


@pytest.mark.parametrize("value", ["a```b", "````", "x` `y"])
def test_a_value_cannot_break_out_of_the_markdown_block(project, aws_env, value):
    """A tag value is spec data from a pull request: backticks in it must not close the code block
    (and turn the rest of the comment into markdown the PR author controls)."""
    project.edit("tags: {team: vision}", "tags: {team: %s}" % json.dumps(value))
    code, markdown, _ = project.run("plan", "--format", "markdown")
    assert code == 0, markdown
    lines = markdown.splitlines()
    opened = None
    for i, line in enumerate(lines):
        fence = re.match(r"^(`{3,})(\w*)$", line)
        if fence and opened is None:
            opened = fence.group(1)
        elif fence and opened and len(fence.group(1)) >= len(opened) and not fence.group(2):
            opened = None
        elif value in line:
            assert opened, "the value %r is outside a code block: %s" % (value, line)
    assert opened is None
