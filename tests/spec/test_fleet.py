"""Many groups in one spec: `Groups:` entries plus shared `Defaults`."""
from gg_manager.spec import load_spec

FLEET = """\
Defaults:
  Group:
    tags: {app: shop}
  Lambdas:
    - name: fn
      handler: main.handler
      package: src
      greengrassConfig: {MemorySize: 131072, Timeout: 10, Pinned: true}
  Subscriptions:
    - Source: Lambda::fn
      Subject: out/topic
      Target: cloud
Groups:
  - Group: {name: store-1}
    Cores: [{name: store-1-core}]
  - Group: {name: store-2, tags: {tier: gold}}
    Cores: [{name: store-2-core}]
    Lambdas:
      - name: fn
        handler: main.handler
        package: src
        greengrassConfig: {MemorySize: 262144, Timeout: 10, Pinned: true}
"""


def test_fleet_with_defaults(validate, workdir):
    run = validate(FLEET)
    assert run.code == 0, run.text
    assert "valid (2 groups: store-1, store-2)" in run.out
    spec = load_spec(run.path).spec
    one, two = spec.groups
    assert one.function("fn").memory_kb == 131072
    assert two.function("fn").memory_kb == 262144  # the entry's item wins
    assert len(two.functions) == 1
    assert dict(two.tags) == {"app": "shop", "tier": "gold"}
    assert [s.subject for s in one.subscriptions] == ["out/topic"]


def test_group_and_groups_together(validate, base):
    run = validate(base + "Groups:\n  - Group: {name: x}\n    Cores: [{name: x-core}]\n")
    assert run.code == 1
    assert "use either 'Group' (one group) or 'Groups' (a fleet), not both" in run.err


def test_duplicate_group_and_core_names(validate):
    run = validate(FLEET.replace("store-2, tags", "store-1, tags").replace("store-2-core", "store-1-core"))
    assert run.code == 1
    assert "Groups[1].Group.name: group name 'store-1' is used twice" in run.err
    assert "Groups[1].Cores[0].name: thing name 'store-1-core' is used by another core" in run.err


def test_same_lambda_defined_differently(validate):
    run = validate(FLEET.replace("        handler: main.handler\n        package: src\n        greengrassConfig: {MemorySize: 262144",
                                 "        handler: main.handler\n        package: src\n        runtime: python3.8\n        greengrassConfig: {MemorySize: 262144"))
    assert run.code == 1
    assert "Lambda 'fn' is defined differently in another group" in run.err


def test_defaults_errors_point_into_defaults(validate, location):
    text = FLEET.replace("Subject: out/topic", "Subject: out/#/x")
    run = validate(text)
    line, col = location(text, "out/#/x")
    assert run.code == 1
    assert "%s:%d:%d Defaults.Subscriptions[0].Subject:" % (run.path, line, col) in run.err
