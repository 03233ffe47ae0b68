"""Integration test helpers: real ansible-playbook runs of the targets against the local AWS."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = Path(__file__).resolve().parent / "targets"


class PlaybookRunner:
    def __init__(self, aws, tmp_path):
        self.aws = aws
        self.tmp_path = tmp_path
        self.vault_password_file = tmp_path / "vault-pass"
        self.vault_password_file.write_text("integration-vault-password\n")
        self.secrets_dir = tmp_path / "secrets"
        self.log_path = tmp_path / "ansible.log"

    def env(self):
        env = dict(os.environ)
        env.update(
            ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"),
            ANSIBLE_LOG_PATH=str(self.log_path),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION="us-east-1",
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        )
        for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
            env.pop(key, None)
        return env

    def run(self, playbook, *args, check=True, vault=True, extra_vars=None):
        cmd = [
            str(Path(sys.executable).parent / "ansible-playbook"),
            str(TARGETS / playbook),
            "-i", "localhost,",
            "-e", f"localaws_url={self.aws.url}",
            "-e", f"secrets_dir={self.secrets_dir}",
        ]
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars, default=str)]
        if vault:
            cmd += ["--vault-password-file", str(self.vault_password_file)]
        cmd += list(args)
        proc = subprocess.run(cmd, env=self.env(), capture_output=True, text=True, timeout=600, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
        return proc


def recap(proc):
    """The PLAY RECAP counters of localhost: {'ok': n, 'changed': n, 'failed': n, ...}."""
    for line in proc.stdout.splitlines():
        if line.startswith("localhost") and "ok=" in line:
            return {k: int(v) for k, v in (item.split("=") for item in line.split(":", 1)[1].split())}
    raise AssertionError(f"no PLAY RECAP in output:\n{proc.stdout}")


def four_steps(playbook, aws, name, **kwargs):
    """Run a target the way every feature is proven: check mode (says changed, writes nothing), apply,
    check mode again (unchanged), apply again (idempotent). Returns the four recaps."""
    aws.control.clear_requests()
    first_check = recap(playbook.run(name, "--check", "--diff", **kwargs))
    assert first_check["changed"] > 0, "check mode on a fresh account must report pending changes"
    assert aws.control.mutating_requests() == [], "check mode made a mutating AWS call"
    applied = recap(playbook.run(name, **kwargs))
    assert applied["changed"] > 0
    aws.control.clear_requests()
    second_check = recap(playbook.run(name, "--check", "--diff", **kwargs))
    assert second_check["changed"] == 0, "check mode after apply must report no change"
    assert aws.control.mutating_requests() == []
    again = recap(playbook.run(name, **kwargs))
    assert again["changed"] == 0, "a second apply must be idempotent"
    return first_check, applied, second_check, again
