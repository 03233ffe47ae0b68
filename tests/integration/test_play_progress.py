"""Progress on long runs, through ansible-playbook against the local AWS: the compact stdout callback
(accountguard.aws.compact) and the progress lines beside the default output (accountguard.aws.progress), read
back as a CI log reads them (a pipe, not a terminal) and checked against the drift report."""

import json
import re

from playbook_helpers import ROOT
from playbook_helpers import baseline_vars
from playbook_helpers import decrypt_yaml
from playbook_helpers import write_inventory

BASELINE = ROOT / "playbooks" / "baseline.yml"
ACCOUNTS = {f"acct-{n}": f"22000000000{n}" for n in range(1, 8)}
USERS = [{"name": "alice"}]
PROGRESS = re.compile(r"^accountguard: (\d+)/(\d+) accounts done \((\d+) ok, (\d+) with drift, (\d+) failed\), (\d+) left, "
                      r"\S+ elapsed(, about \S+ to go)?$")


def run(playbook, tmp_path, inventory, *args, env=None, check=False, **more_vars):
    """The baseline with the given callbacks (env) and the drift report; returns the process and the report."""
    reports = tmp_path / "reports"
    settings = {"ANSIBLE_CALLBACKS_ENABLED": "accountguard.aws.drift_report", "ACCOUNTGUARD_DRIFT_REPORT_DIR": str(reports),
                "ACCOUNTGUARD_PROGRESS_INTERVAL": "0", **(env or {})}
    original = playbook.env
    playbook.env = lambda: dict(original(), **settings)
    try:
        proc = playbook.run(BASELINE, *args, inventory=inventory, check=False, extra_vars=baseline_vars(playbook, USERS, **more_vars))
    finally:
        playbook.env = original
    return proc, json.loads((reports / "drift-report.json").read_text())


def test_compact_output_is_one_line_per_account_with_progress_and_agrees_with_the_report(playbook, aws, tmp_path):
    aws.control.set_root(ACCOUNTS["acct-3"], mfa="none")
    for host in ACCOUNTS:
        if host != "acct-3":
            aws.control.set_root(ACCOUNTS[host], mfa="virtual")
    inventory = write_inventory(tmp_path, ACCOUNTS)
    proc, report = run(playbook, tmp_path, inventory, "--forks", "3", "--diff",
                       env={"ANSIBLE_STDOUT_CALLBACK": "accountguard.aws.compact", "ACCOUNTGUARD_PROGRESS_EVERY": "2"},
                       account_baseline_root_mfa="require")
    assert proc.returncode == 2  # the failed account fails the run, as with the default output
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert lines[0] == "accountguard: 7 accounts to do"
    # No task banner, no per-task host line, no diff: the account lines, the progress lines, the closing lines.
    assert not [line for line in lines if line.startswith(("TASK [", "PLAY [", "ok: [", "changed: [", "---", "+++"))]
    for host, account in ACCOUNTS.items():
        mine = [line for line in lines if line.startswith(f"{host} ")]
        assert len(mine) == 1, (host, mine)
        status = report["accounts"][host]["status"]
        if host == "acct-3":
            assert status == "failed"
            assert mine[0].startswith(f"acct-3 ({account}): FAILED: the root user has credentials but no MFA")
            assert f"account acct-3 ({account})" not in mine[0]  # the account is named once
        else:
            assert mine[0].startswith(f"{host} ({account}): {status}; users created: alice")
    progress = [PROGRESS.match(line) for line in lines if PROGRESS.match(line)]
    done = [int(m.group(1)) for m in progress]
    assert done and all(n % 2 == 0 for n in done) and done == sorted(done)  # every second account, never backwards
    for m in progress:
        assert int(m.group(2)) == 7 and int(m.group(6)) == 7 - int(m.group(1))
        assert int(m.group(3)) + int(m.group(4)) + int(m.group(5)) == int(m.group(1))
    assert "accountguard: 7/7 accounts done (6 ok, 0 with drift, 1 failed) in " in proc.stdout
    assert "accountguard: failed accounts: acct-3" in lines
    assert f"accountguard: secrets stored by this run are in {playbook.secrets_dir} (Ansible Vault files, <account id>/<user>.yml)" in lines
    # A CI log: no escape sequence, no carriage return, and no secret of the run.
    assert "\x1b" not in proc.stdout and "\r" not in proc.stdout
    for host, account in ACCOUNTS.items():
        if host != "acct-3":
            stored = decrypt_yaml(playbook.secrets_dir / account / "alice.yml", playbook.vault_password_file)
            assert stored["password"] not in proc.stdout and stored["seed"] not in proc.stdout


def test_progress_lines_beside_the_default_output_count_accounts_only(playbook, aws, tmp_path):
    """A closing play on the controller is not an account; colour goes only where it is asked for."""
    accounts = {h: ACCOUNTS[h] for h in ("acct-1", "acct-2", "acct-4")}
    inventory = write_inventory(tmp_path, accounts)
    with_closing_play = tmp_path / "baseline-then-localhost.yml"
    with_closing_play.write_text(f"""---
- name: The baseline
  ansible.builtin.import_playbook: {BASELINE}

- name: Afterwards, on the controller
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Something on the controller
      ansible.builtin.debug:
        msg: done
""")
    env = {"ANSIBLE_CALLBACKS_ENABLED": "accountguard.aws.drift_report,accountguard.aws.progress", "ACCOUNTGUARD_PROGRESS_EVERY": "1"}
    # A pipe with colour neither forbidden nor forced: Ansible's rule (no terminal, no colour) holds for these lines too.
    plain_env = dict(env, ANSIBLE_NOCOLOR="0")
    original = playbook.env
    playbook.env = lambda: {k: v for k, v in dict(original(), **plain_env).items() if k not in ("ANSIBLE_FORCE_COLOR",)}
    try:
        proc = playbook.run(with_closing_play, "--check", inventory=inventory, check=False, extra_vars=baseline_vars(playbook, USERS))
    finally:
        playbook.env = original
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert "TASK [Summary per account]" in proc.stdout  # the default output is still there
    assert "accountguard: 3 accounts to do (check mode)" in lines
    assert [line for line in lines if PROGRESS.match(line)] == [
        line for line in lines if line.startswith(("accountguard: 1/3 ", "accountguard: 2/3 "))]
    assert re.search(r"^accountguard: 3/3 accounts done \(0 ok, 3 with drift, 0 failed\) in \S+$", proc.stdout, re.M)
    assert "\x1b" not in proc.stdout and "\r" not in proc.stdout
    forced = run(playbook, tmp_path, inventory, "--check", env=dict(env, ANSIBLE_NOCOLOR="0", ANSIBLE_FORCE_COLOR="1"))[0]
    coloured = [line for line in forced.stdout.splitlines() if "accounts done" in line]
    assert coloured and all("\x1b[" in line for line in coloured)
