"""Integration test helpers: real ansible-playbook runs of the targets against the local AWS."""

import base64
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import yaml
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import VaultSecret

ROOT = Path(__file__).resolve().parents[2]
TARGETS = Path(__file__).resolve().parent / "targets"
# The ansible-* commands the tests run, and the Python of the modules they start: this venv's, or those of
# another venv whose bin folder ACCOUNTGUARD_TEST_ANSIBLE_BIN names (the compatibility stage's older ansible-core).
ANSIBLE_BIN = Path(os.environ.get("ACCOUNTGUARD_TEST_ANSIBLE_BIN") or Path(sys.executable).parent)
ANSIBLE_PYTHON = str(ANSIBLE_BIN / "python") if os.environ.get("ACCOUNTGUARD_TEST_ANSIBLE_BIN") else sys.executable
# Their collections root (amazon.aws and this collection): the project's, or the one ACCOUNTGUARD_TEST_COLLECTIONS_PATH names.
COLLECTIONS_PATH = os.environ.get("ACCOUNTGUARD_TEST_COLLECTIONS_PATH") or str(ROOT / ".cache" / "collections")


class PlaybookRunner:
    def __init__(self, aws, tmp_path, module_process=False):
        self.aws = aws
        self.module_process = module_process
        self.tmp_path = tmp_path
        self.vault_password_file = tmp_path / "vault-pass"
        self.vault_password_file.write_text("integration-vault-password\n")
        self.secrets_dir = tmp_path / "secrets"
        self.log_path = tmp_path / "ansible.log"

    def env(self):
        env = dict(os.environ)
        env.update(
            ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH,
            ANSIBLE_LOG_PATH=str(self.log_path),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
            ANSIBLE_PYTHON_INTERPRETER=ANSIBLE_PYTHON,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION="us-east-1",
            PATH=f"{ANSIBLE_BIN}{os.pathsep}{env.get('PATH', '')}",
        )
        for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "ACCOUNTGUARD_AWS_MODULE_PROCESS"):
            env.pop(key, None)
        if self.module_process:
            env["ACCOUNTGUARD_AWS_MODULE_PROCESS"] = "1"
        return env

    def command(self, playbook, *args, vault=True, extra_vars=None, inventory="localhost,"):
        """The ansible-playbook command line: a target by name, or any playbook by absolute path."""
        cmd = [
            str(ANSIBLE_BIN / "ansible-playbook"),
            str(TARGETS / playbook),
            "-i", str(inventory),
            "-e", f"localaws_url={self.aws.url}",
            "-e", f"secrets_dir={self.secrets_dir}",
        ]
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars, default=str)]
        if vault:
            cmd += ["--vault-password-file", str(self.vault_password_file)]
        cmd += list(args)
        return cmd

    def run(self, playbook, *args, check=True, vault=True, extra_vars=None, inventory="localhost,"):
        cmd = self.command(playbook, *args, vault=vault, extra_vars=extra_vars, inventory=inventory)
        proc = subprocess.run(cmd, env=self.env(), capture_output=True, text=True, timeout=600, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
        return proc


def vault_lib(password_file):
    return VaultLib([("default", VaultSecret(Path(password_file).read_text().strip().encode()))])


def decrypt_yaml(path, password_file):
    """A secrets file as the operator reads it (ansible-vault view), decrypted independently of the collection."""
    return yaml.safe_load(vault_lib(password_file).decrypt(Path(path).read_bytes()))


def code(seed, counter):
    """An independent TOTP (RFC 6238, SHA1, 6 digits, 30 s), not the collection's."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    return TOTP(key, 6, SHA1(), 30, enforce_key_length=False).generate(counter * 30).decode("ascii")


def codes_between(seed, start, end):
    """Every code of `seed` in the windows from `start` to `end` (unix times), one window either side."""
    return {code(seed, c) for c in range(int(start) // 30 - 1, int(end) // 30 + 2)}


def appears(code_text, text):
    """A code as a token of its own (not six digits inside a longer number such as a timestamp)."""
    return re.search(rf"(?<!\d){code_text}(?!\d)", text) is not None


def device_serials(iam, status="Any"):
    """The account's virtual MFA devices other than root's (like real IAM, the local AWS lists no seeds)."""
    devices = iam.list_virtual_mfa_devices(AssignmentStatus=status)["VirtualMFADevices"]
    return [d["SerialNumber"] for d in devices if not d.get("User", {}).get("Arn", "").endswith(":root")]


def seed_is_the_devices(iam, seed, serial, user):
    """The local AWS accepts codes of `seed` for the device (the next two windows, which no enable used) and
    rejects another seed's: an independent proof that `seed` is the device's."""
    now = int(time.time()) // 30
    other = base64.b32encode(os.urandom(40)).decode("ascii")
    with pytest.raises(ClientError) as err:
        iam.resync_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=code(other, now + 1), AuthenticationCode2=code(other, now + 2))
    assert err.value.response["Error"]["Code"] == "InvalidAuthenticationCode"
    iam.resync_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=code(seed, now + 1), AuthenticationCode2=code(seed, now + 2))


def recaps(proc):
    """The PLAY RECAP counters of every host: {host: {'ok': n, 'changed': n, 'failed': n, ...}}."""
    out = {}
    lines = proc.stdout.splitlines()
    start = max((i for i, line in enumerate(lines) if line.startswith("PLAY RECAP")), default=None)
    if start is None:
        raise AssertionError(f"no PLAY RECAP in output:\n{proc.stdout}")
    for line in lines[start + 1:]:
        if ":" in line and "ok=" in line:
            host, counters = line.split(":", 1)
            out[host.strip()] = {k: int(v) for k, v in (item.split("=") for item in counters.split())}
    return out


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


def write_inventory(tmp_path, accounts, **hostvars):
    """A static inventory of account ids, as a user would list them by hand: {host: account_id}, plus host vars."""
    hosts = {name: {"aws_account_id": account, **hostvars.get(name, {})} for name, account in accounts.items()}
    path = tmp_path / "accounts.yml"
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    return path


def summary_lines(proc):
    """The lines of playbooks/baseline.yml's closing summary task (the default callback prints its result as JSON)."""
    text = proc.stdout[proc.stdout.index("TASK [Summary per account]"):]
    text = text[text.index(" => {") + 4:]
    return json.loads(text[:text.index("\n}\n") + 2])["msg"]


def baseline_vars(playbook, users, **more_vars):
    """The role variables of a baseline run against the local AWS, secrets in the test's folder."""
    return {
        "account_baseline_admin_users": users,
        "account_baseline_aws_endpoint_url": playbook.aws.url,
        "account_baseline_aws_region": "us-east-1",
        "account_baseline_secrets_dir": str(playbook.secrets_dir),
        # The tests' users without MFA have no credential either (bob, breakglass): accepted, as in the demo.
        "account_baseline_allow_admin_without_mfa": "credentialless",
        **more_vars,
    }


def process_tree(pid):
    """A process and all its descendants (read from /proc), the process first."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def kill_tree(pid):
    """SIGKILL a process and all its descendants, as a crash of the controller would end them. Ansible's
    workers start sessions of their own (setsid), so killing the playbook's process group would leave them,
    and their module processes, running: a held AWS call would later be retried by botocore."""
    for member in process_tree(pid):
        try:
            os.kill(member, signal.SIGKILL)
        except ProcessLookupError:
            pass


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
