"""The vault always holds what AWS holds: two runs at once, runs killed at every mutating call (the whole process
tree, and the process group only, as a CI timeout does), ANSIBLE_DEBUG, throttling with eventual consistency, and
settings that must be refused before the first write. Checked against the local AWS: every vaulted password is
the user's console password, every vaulted seed the enabled device's, one device per user and none unassigned,
and no password or seed in clear text in any file of the run."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from playbook_helpers import ROOT
from playbook_helpers import alive
from playbook_helpers import appears
from playbook_helpers import baseline_vars
from playbook_helpers import codes_between
from playbook_helpers import decrypt_yaml
from playbook_helpers import device_serials
from playbook_helpers import kill_tree
from playbook_helpers import process_tree
from playbook_helpers import recaps
from playbook_helpers import seed_is_the_devices
from playbook_helpers import write_inventory

BASELINE = ROOT / "playbooks" / "baseline.yml"
USERS = ({"name": "alice"}, {"name": "bob"})  # both with console access and MFA
IN_USE = "is in use by process"


def accounts(prefix, count):
    return {f"acct-{n}": f"{prefix}{n:02d}" for n in range(1, count + 1)}


def run_env(playbook, tmp_path, **more):
    """The run's environment, its temporary folders inside the test's, so that the test can search them."""
    env = playbook.env()
    env.update(ANSIBLE_REMOTE_TMP=str(tmp_path / "remote-tmp"), ANSIBLE_LOCAL_TEMP=str(tmp_path / "local-tmp"), **more)
    return env


def start(playbook, tmp_path, inventory, users=USERS, *args, **more_vars):
    cmd = playbook.command(BASELINE, *args, inventory=inventory, extra_vars=baseline_vars(playbook, list(users), **more_vars))
    return subprocess.Popen(cmd, env=run_env(playbook, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)  # a process group of its own, as a CI job's


def finish(proc, timeout=600):
    out = proc.communicate(timeout=timeout)[0]
    return proc.returncode, out


def converge(playbook, tmp_path, inventory, users=USERS):
    """A plain run that must succeed."""
    code, out = finish(start(playbook, tmp_path, inventory, users))
    assert code == 0, out
    return out


def vault_equals_aws(aws, playbook, hosts, users=USERS):
    """Every user's vaulted password and seed are what AWS holds; one enabled device per user, none unassigned."""
    secrets = []
    for account in hosts.values():
        iam = aws.client("iam", account_id=account)
        assert device_serials(iam, "Unassigned") == [], account
        for user in (u["name"] for u in users):
            values = decrypt_yaml(playbook.secrets_dir / account / f"{user}.yml", playbook.vault_password_file)
            assert aws.control.password_matches(account, user, values["password"]), f"{account} {user}: vaulted password not applied"
            assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=user)["MFADevices"]] == [values["serial_number"]]
            seed_is_the_devices(iam, values["seed"], values["serial_number"], user)
            secrets += [values["password"], values["seed"], values["otpauth_uri"]]
    return secrets


def no_secret_in_clear(folder, secrets):
    """No file below `folder` (the run's temporary folders, its logs, its secrets folder) holds a secret in clear."""
    for path in Path(folder).rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, f"{path} holds a secret in clear text"


# ---- two runs at once ---------------------------------------------------------------------------

@pytest.mark.parametrize("offset", [0, 2, 5, 12])
def test_two_runs_at_once_keep_the_vault_equal_to_aws(playbook, aws, tmp_path, offset):
    hosts = accounts(f"25{offset:02d}000000", 3)
    inventory = write_inventory(tmp_path, hosts)
    first = start(playbook, tmp_path, inventory)
    time.sleep(offset)
    second = start(playbook, tmp_path, inventory)
    outcomes = [finish(first), finish(second)]
    for code, out in outcomes:
        assert code == 0 or (code == 2 and IN_USE in out), out
    if any(outcome[0] for outcome in outcomes):
        converge(playbook, tmp_path, inventory)  # a rerun after an "in use" failure converges
    secrets = vault_equals_aws(aws, playbook, hosts)
    no_secret_in_clear(tmp_path, secrets)


# ---- killed at every mutating call ----------------------------------------------------------------

MUTATING = ["CreateGroup", "AttachGroupPolicy", "CreateUser", "AddUserToGroup", "CreateLoginProfile", "CreateVirtualMFADevice",
            "EnableMFADevice"]


@pytest.mark.parametrize("kill", ["tree", "group"])
@pytest.mark.parametrize("action", MUTATING)
def test_a_run_killed_at_any_mutating_call_converges(playbook, aws, tmp_path, action, kill):
    hosts = {"acct-1": f"26{MUTATING.index(action):02d}{'01' if kill == 'tree' else '02'}000000"}
    inventory = write_inventory(tmp_path, hosts)
    # The call takes effect and its answer is held back: the run is killed in that window. Killing the process group
    # leaves Ansible's workers running (they start sessions of their own): they go on once the answer comes.
    aws.control.set_faults(hold_after={action: 120 if kill == "tree" else 3})
    proc = start(playbook, tmp_path, inventory)
    deadline = time.monotonic() + 120
    while not any(r["action"] == action for r in aws.control.requests()):
        assert proc.poll() is None, f"the run ended before it called {action}: {proc.stdout.read()}"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    survivors = process_tree(proc.pid)[1:]
    if kill == "tree":
        kill_tree(proc.pid)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    aws.control.clear_faults()
    converge(playbook, tmp_path, inventory)  # side by side with the survivors of a group kill, if any
    deadline = time.monotonic() + 120
    while any(alive(pid) for pid in survivors):  # a worker that outlived its playbook ends on its own
        assert time.monotonic() < deadline, "a worker of the killed run never ended"
        time.sleep(0.2)
    converge(playbook, tmp_path, inventory)  # and after them, nothing is left to do but to converge again
    secrets = vault_equals_aws(aws, playbook, hosts)
    no_secret_in_clear(tmp_path, secrets)


# ---- ANSIBLE_DEBUG -------------------------------------------------------------------------------

def test_ansible_debug_prints_no_secret(playbook, aws, tmp_path, way):
    hosts = {"acct-1": "270000000001" if way == "worker" else "270000000002"}
    inventory = write_inventory(tmp_path, hosts)
    started = time.time()
    cmd = playbook.command(BASELINE, "-vvvv", "--diff", inventory=inventory, extra_vars=baseline_vars(playbook, USERS))
    proc = subprocess.run(cmd, env=run_env(playbook, tmp_path, ANSIBLE_DEBUG="1"), capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    ended = time.time()
    texts = (proc.stdout, proc.stderr, playbook.log_path.read_text())
    assert "running as a module process" in proc.stdout if way == "module" else "running in the controller's worker" in proc.stdout
    for account in hosts.values():
        for user in ("alice", "bob"):
            values = decrypt_yaml(playbook.secrets_dir / account / f"{user}.yml", playbook.vault_password_file)
            for text in texts:
                for secret in (values["password"], values["seed"], values["seed"].lower(), values["otpauth_uri"]):
                    assert secret not in text
                for code in codes_between(values["seed"], started, ended):
                    assert not appears(code, text), f"a code of {user}'s device is in the output"
    no_secret_in_clear(tmp_path / "remote-tmp", vault_equals_aws(aws, playbook, hosts))


# ---- throttling and eventual consistency --------------------------------------------------------

@pytest.mark.parametrize("seed", [11, 22, 33])
def test_throttling_and_eventual_consistency_fail_no_account(playbook, aws, tmp_path, seed):
    hosts = accounts(f"28{seed}000000", 10)
    inventory = write_inventory(tmp_path, hosts)
    aws.control.set_faults(throttle_fraction=0.2, seed=seed, after_create={
        "CreateGroup": "NoSuchEntity", "CreateUser": "NoSuchEntity", "CreateLoginProfile": "NoSuchEntity",
        "CreateVirtualMFADevice": "NoSuchEntity"})
    code, out = finish(start(playbook, tmp_path, inventory, [{"name": "alice"}], "--forks", "5"))
    assert code == 0, out
    assert all(c["failed"] == 0 for c in recaps(subprocess.CompletedProcess([], 0, out)).values())
    throttled = [r for r in aws.control.requests() if r.get("fault")]
    assert len(throttled) > 20  # the faults were really there
    aws.control.clear_faults()
    vault_equals_aws(aws, playbook, hosts, [{"name": "alice"}])
