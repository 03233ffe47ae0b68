"""``python -m localaws start|stop`` runs the server as a background process; fixtures give env vars."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import boto3

import localaws

PACKAGE_PARENT = str(Path(localaws.__file__).resolve().parent.parent)


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=PACKAGE_PARENT)
    return subprocess.run([sys.executable, "-m", "localaws", *args], capture_output=True, text=True, timeout=60, env=env, check=False)


def _running(pid):
    """True if the process exists and is not a zombie (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _port_free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_start_call_stop(tmp_path):
    started = _cli("start", "--state-dir", str(tmp_path))
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip()
    assert url.startswith("http://127.0.0.1:")
    assert (tmp_path / "url").read_text().strip() == url
    pid = int((tmp_path / "pid").read_text())
    port = int(url.rsplit(":", 1)[1])
    try:
        assert _cli("start", "--state-dir", str(tmp_path)).stdout.strip() == url  # already running: same URL
        sts = boto3.client("sts", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        assert sts.get_caller_identity()["Account"] == "123456789012"
        lines = (tmp_path / "requests.jsonl").read_text().splitlines()
        assert [json.loads(line)["action"] for line in lines] == ["GetCallerIdentity"]
    finally:
        stopped = _cli("stop", "--state-dir", str(tmp_path))
    assert stopped.returncode == 0, stopped.stderr
    assert not (tmp_path / "pid").exists() and not (tmp_path / "url").exists()
    assert not _running(pid)
    assert _port_free(port)
    assert "stopped" in (tmp_path / "server.log").read_text()


def test_stop_when_not_running(tmp_path):
    assert _cli("stop", "--state-dir", str(tmp_path)).returncode == 0


def test_start_failure_is_reported(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        failed = _cli("start", "--state-dir", str(tmp_path), "--port", str(busy.getsockname()[1]), "--timeout", "20")
    assert failed.returncode != 0
    assert "server exited" in failed.stderr
    assert not (tmp_path / "pid").exists()


def test_aws_env_fixture(aws, aws_env, monkeypatch):
    assert aws_env["AWS_ENDPOINT_URL"] == aws_env["AWS_URL"] == aws.url
    for name, value in aws_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    assert boto3.session.Session().client("sts").get_caller_identity()["Account"] == "123456789012"
