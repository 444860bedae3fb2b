"""The sandbox log has one timestamp format and no terminal escapes; a missing sandbox extra is one clear line."""
import re
import subprocess
import sys

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from gg_manager.sandbox import process

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ")
BLOCK = "import sys; sys.modules.update(moto=None, amqtt=None); "


def test_every_log_line_is_stamped_and_plain(tmp_path):
    sb = process.start_sandbox(port=0, mqtt_port=0, state_dir=str(tmp_path), exit_with_parent=True)
    try:
        gg = boto3.client("greengrass", endpoint_url=sb.endpoint_url, region_name="us-east-1",
                          aws_access_key_id="k", aws_secret_access_key="s",
                          config=Config(retries={"total_max_attempts": 1}))
        gg.list_groups()
        with pytest.raises(ClientError):
            gg.get_group(GroupId="missing")  # a 404: werkzeug would colour it
        sb.api("/_sandbox/faults", {"fail_operations": ["ListGroups"]})
        with pytest.raises(ClientError):
            gg.list_groups()  # a 500
        with pytest.raises(process.SandboxError):
            sb.api("/_sandbox/nowhere")
    finally:
        sb.stop()
    text = (tmp_path / "sandbox.log").read_text()
    assert "\x1b" not in text
    lines = [line for line in text.splitlines() if line]
    assert len(lines) >= 6
    assert [line for line in lines if not STAMP.match(line)] == []
    assert any('"GET /greengrass/groups/missing HTTP/1.1" 404' in line for line in lines)


def test_start_without_the_sandbox_extra_is_one_line(tmp_path):
    code = BLOCK + ("from gg_manager.cli import main; "
                    "sys.exit(main(['sandbox', 'start', '--port', '0', '--state-dir', sys.argv[1]]))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "error: the sandbox needs the 'sandbox' extra (moto is not installed): pip install 'gg-manager[sandbox]'"]
    assert "Traceback" not in out.stdout + out.stderr
    assert process.read_sandbox(str(tmp_path)) is None


def test_server_without_the_sandbox_extra_is_one_line(tmp_path):
    code = BLOCK + "from gg_manager.sandbox import server; sys.exit(server.main(['--state-dir', sys.argv[1]]))"
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    lines = (out.stdout + out.stderr).strip().splitlines()
    assert len(lines) == 1 and STAMP.match(lines[0]) and "pip install 'gg-manager[sandbox]'" in lines[0]
    assert "Traceback" not in lines[0]
