"""Every validation rule, broken once: exit code, location and message, as `gg validate` prints."""
import pytest


# (case id, old text, new text, anchor to point at, path, message fragment)
CASES = [
    ("misspelt-top-key", "Lambdas:", "Lamdbas:", "Lamdbas", "Lamdbas",
     "unknown key 'Lamdbas' (did you mean 'Lambdas'?)"),
    ("misspelt-nested-key", "      Timeout: 10", "      Timeuot: 10", "Timeuot",
     "Lambdas[0].greengrassConfig.Timeuot", "unknown key 'Timeuot' (did you mean 'Timeout'?)"),
    ("wrong-type", "      Timeout: 10", "      Timeout: ten", "ten",
     "Lambdas[0].greengrassConfig.Timeout", "expected an integer, got a string 'ten'"),
    ("missing-required", "  - name: g1_core\n", "  - key_path: ./x\n", "key_path",
     "Cores[0]", "missing required key 'name'"),
    ("access-policy-unknown-resource", "ResourceId: vol", "ResourceId: voll", "voll",
     "Lambdas[0].greengrassConfig.Environment.ResourceAccessPolicies[0].ResourceId",
     "no resource with Id 'voll' in group 'g1' (did you mean 'vol'?)"),
    ("subscription-unknown-lambda", "Source: Lambda::fn", "Source: Lambda::fm", "Lambda::fm",
     "Subscriptions[0].Source", "Lambda 'fm' is not in group 'g1' (did you mean 'fn'?)"),
    ("subscription-unknown-endpoint", "Target: cloud", "Target: clod", "clod",
     "Subscriptions[0].Target", "unknown endpoint 'clod'"),
    ("subscription-unknown-connector", "Target: cloud", "Target: Connector::cw", "Connector::cw",
     "Subscriptions[0].Target", "Connector 'cw' is not in group 'g1'"),
    ("subscription-unknown-device", "Target: cloud", "Target: Device::cam", "Device::cam",
     "Subscriptions[0].Target", "Device 'cam' is not in group 'g1'"),
    ("subject-hash-not-last", "Subject: out/topic", "Subject: out/#/x", "out/#/x",
     "Subscriptions[0].Subject", "'#' must be a whole level and the last one"),
    ("subject-plus-in-level", "Subject: out/topic", "Subject: out/a+b", "out/a+b",
     "Subscriptions[0].Subject", "'+' must be a whole level"),
    ("subject-empty", "Subject: out/topic", "Subject: ''", "''",
     "Subscriptions[0].Subject", "a subject must not be empty"),
    ("id-pattern", "    Id: vol\n", "    Id: vol 1\n", "vol 1", "Resources[0].Id",
     "Id 'vol 1' may only hold letters, digits"),
    ("device-not-dev", "    LocalVolumeResourceData:\n      SourcePath: /tmp/data\n      DestinationPath: /data",
     "    LocalDeviceResourceData:\n      SourcePath: /tmp/cam", "/tmp/cam",
     "Resources[0].LocalDeviceResourceData.SourcePath", "a device resource's SourcePath must be under /dev, got '/tmp/cam'"),
    ("volume-sys", "SourcePath: /tmp/data", "SourcePath: /sys/class/gpio", "/sys/class/gpio",
     "Resources[0].LocalVolumeResourceData.SourcePath", "a volume must not expose /sys"),
    ("volume-proc", "DestinationPath: /data", "DestinationPath: /proc", "/proc",
     "Resources[0].LocalVolumeResourceData.DestinationPath", "a volume must not expose /proc"),
    ("volume-root", "SourcePath: /tmp/data", "SourcePath: /", "/\n",
     "Resources[0].LocalVolumeResourceData.SourcePath", "a volume must not expose /"),
    ("destination-relative", "DestinationPath: /data", "DestinationPath: rel/data", "rel/data",
     "Resources[0].LocalVolumeResourceData.DestinationPath", "DestinationPath must be an absolute path, got 'rel/data'"),
    ("two-data-containers", "      DestinationPath: /data\n",
     "      DestinationPath: /data\n    LocalDeviceResourceData:\n      SourcePath: /dev/video0\n",
     "Name: vol", "Resources[0]", "a resource needs exactly one of"),
    ("two-cores", "Lambdas:\n", "  - name: g1_core2\nLambdas:\n", "name: g1_core2",
     "Cores[1]", "group 'g1' has 2 cores; a Greengrass group has exactly one"),
    ("package-missing", "package: src", "package: srcx", "srcx", "Lambdas[0].package",
     "package folder 'srcx' does not exist"),
    ("handler-module-missing", "handler: main.handler", "handler: app.handler", "app.handler",
     "Lambdas[0].handler", "handler module 'app' not found in src"),
    ("handler-function-missing", "handler: main.handler", "handler: main.lambda_handler",
     "main.lambda_handler", "Lambdas[0].handler",
     "function 'lambda_handler' is not defined at the top level of src/main.py"),
    ("handler-without-package", "    package: src\n", "", "name: fn", "Lambdas[0]",
     "Lambda 'fn' needs both 'handler' and 'package' (or neither, to use an existing Lambda); 'package' is missing"),
    ("runtime-python27", "    package: src\n", "    package: src\n    runtime: python2.7\n",
     "python2.7", "Lambdas[0].runtime", "must be one of: python3.7, python3.8, python3.9, python3.10, python3.11, python3.12, "
     "python3.13; got 'python2.7'"),
    ("bad-requirement", "    package: src\n", "    package: src\n    requirements: ['requests=>2']\n",
     "'requests=>2'", "Lambdas[0].requirements[0]", "not a requirement specifier: 'requests=>2'"),
    ("permission-enum", "Permission: rw", "Permission: rwx", "rwx",
     "Lambdas[0].greengrassConfig.Environment.ResourceAccessPolicies[0].Permission",
     "must be one of: ro, rw; got 'rwx'"),
    ("nocontainer-with-resources", "      Environment:\n",
     "      Environment:\n        Execution:\n          IsolationMode: NoContainer\n",
     "- ResourceId", "Lambdas[0].greengrassConfig.Environment.ResourceAccessPolicies",
     "ResourceAccessPolicies need IsolationMode GreengrassContainer"),
    ("duplicate-yaml-key", "      Timeout: 10\n", "      Timeout: 10\n      Timeout: 20\n",
     "Timeout: 20", "Lambdas[0].greengrassConfig.Timeout", "duplicate key 'Timeout'"),
    ("logger-cloudwatch-space", "Subscriptions:", "Loggers:\n  - {Component: Lambda, Id: lg, Level: INFO, "
     "Type: AWSCloudWatch, Space: 10}\nSubscriptions:", "Space: 10", "Loggers[0].Space",
     "Space applies only to FileSystem loggers"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rule_reports_location_and_message(validate, base, assert_located, case):
    _, old, new, anchor, path, message = case
    assert old in base, "test case does not apply to the base spec"
    text = base.replace(old, new, 1)
    assert_located(validate(text), text, anchor, path, message)


def test_base_spec_is_valid(validate, base, location):
    run = validate(base)
    assert run.code == 0, run.text
    assert "valid (1 group: g1)" in run.out


def test_every_problem_is_reported_at_once(validate, base, location):
    text = (base.replace("Timeout: 10", "Timeuot: 10").replace("ResourceId: vol", "ResourceId: nope")
            .replace("Subject: out/topic", "Subject: a/#/b"))
    run = validate(text)
    assert run.code == 1
    assert "unknown key 'Timeuot'" in run.err
    assert "no resource with Id 'nope'" in run.err
    assert "'#' must be a whole level" in run.err
    assert "3 errors" in run.err


def test_no_cores_is_an_error(validate, base, location):
    text = base.replace("Cores:\n  - name: g1_core\n    key_path: ./certs\n    config_path: ./config\n", "")
    run = validate(text)
    assert run.code == 1
    assert "group 'g1' has no core" in run.err


def test_duplicate_ids(validate, base, location):
    text = base.replace("Subscriptions:", "  - Name: vol2\n    Id: vol\n    LocalVolumeResourceData:\n"
                        "      SourcePath: /tmp/b\n      DestinationPath: /b\nSubscriptions:")
    run = validate(text)
    line, col = location(text, "vol\n    LocalVolumeResourceData:\n      SourcePath: /tmp/b")
    assert run.code == 1
    assert "%s:%d:%d Resources[1].Id: duplicate Id 'vol' in group 'g1' (first at line 21)" % (
        run.path, line, col) in run.err


def test_handler_with_syntax_error(validate, workdir, base, location):
    (workdir / "src" / "main.py").write_text("def handler(event, context)\n    return 1\n")
    run = validate(base)
    assert run.code == 1
    assert "Lambdas[0].handler: src/main.py has a syntax error at line 1" in run.err


def test_memory_size_in_mb_is_a_warning(validate, base, location):
    run = validate(base.replace("MemorySize: 131072", "MemorySize: 128"))
    line, col = location(base.replace("MemorySize: 131072", "MemorySize: 128"), "128\n")
    assert run.code == 0
    assert ("%s:%d:%d Lambdas[0].greengrassConfig.MemorySize: warning: MemorySize is in KB: 128 KB "
            "looks like a value in MB; did you mean 131072 (128 MB)?" % (run.path, line, col)) in run.out
