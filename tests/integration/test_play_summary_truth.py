"""One source of truth for an account's state: for every root state and each setting of root_mfa_type and
allow_admin_without_mfa, in apply and in check mode, the summary line of playbooks/baseline.yml, the summary fact
(account_baseline_result) and the drift report say the same, and say what the state is."""

import json

import pytest

from playbook_helpers import ROOT
from playbook_helpers import baseline_vars
from playbook_helpers import summary_lines
from playbook_helpers import write_inventory

BASELINE = ROOT / "playbooks" / "baseline.yml"
USERS = [{"name": "alice"}, {"name": "bob", "console_access": False, "mfa": False}]
# host -> the root state set through the local AWS
ROOT_STATES = {
    "root-none": {},  # the local AWS's default: a password, no MFA
    "root-virtual": {"mfa": "virtual"},
    "root-hardware": {"mfa": "hardware"},
    "root-keys": {"mfa": "virtual", "access_keys": 1},
    "root-nocreds": {"credentials": False},
}
SETTINGS = [("any", "credentialless"), ("hardware", "credentialless"), ("any", "never"), ("hardware", "never")]


def expected_drift(host, mfa_type, allow):
    """The (item, user) findings of a converged account: what only the root user or a change of settings repairs."""
    drift = set()
    state = ROOT_STATES[host]
    if host == "root-none":
        drift.add(("root_mfa", None))
    if mfa_type == "hardware" and state.get("mfa") == "virtual":
        drift.add(("root_mfa", None))
    if state.get("access_keys"):
        drift.add(("root_access_keys", None))
    if allow == "never":
        drift.add(("mfa_device", "bob"))
    return drift


def with_facts(tmp_path):
    """baseline.yml, then a play that writes each host's account_baseline_result to <tmp>/facts/<host>.json."""
    playbook = tmp_path / "baseline-and-facts.yml"
    playbook.write_text(f"""---
- name: The baseline
  ansible.builtin.import_playbook: {BASELINE}

- name: Write the summary facts
  hosts: all
  connection: local
  gather_facts: false
  tasks:
    - name: Summary fact of the account
      ansible.builtin.copy:
        content: "{{{{ account_baseline_result | to_json }}}}"
        dest: "{tmp_path}/facts/{{{{ inventory_hostname }}}}.json"
        mode: "0600"
      check_mode: false
""")
    (tmp_path / "facts").mkdir()
    return playbook


def run(playbook, tmp_path, inventory, name, *args, **more_vars):
    reports = tmp_path / "reports"
    env_vars = {"ANSIBLE_CALLBACKS_ENABLED": "accountguard.aws.drift_report", "ACCOUNTGUARD_DRIFT_REPORT_DIR": str(reports),
                "ACCOUNTGUARD_DRIFT_REPORT_NAME": name}
    extra = baseline_vars(playbook, USERS, **more_vars)
    original = playbook.env
    playbook.env = lambda: dict(original(), **env_vars)
    try:
        proc = playbook.run(tmp_path / "baseline-and-facts.yml", *args, inventory=inventory, extra_vars=extra, vault="--check" not in args)
    finally:
        playbook.env = original
    report = json.loads((reports / f"{name}.json").read_text())
    facts = {host: json.loads((tmp_path / "facts" / f"{host}.json").read_text()) for host in ROOT_STATES}
    return summary_lines(proc), facts, report


def line_of(lines, host):
    found = [line for line in lines if line.startswith(f"{host} (")]
    assert len(found) == 1, lines
    return found[0]


def assert_they_agree(lines, facts, report, check_mode):
    for host, fact in facts.items():
        entry = report["accounts"][host]
        line = line_of(lines, host)
        # The status: the report's, the fact's and the line's.
        assert fact["status"] == entry["status"], (host, fact["status"], entry["status"])
        assert line.split(": ", 1)[1].startswith(fact["status"] + ";"), line
        # The items in drift: the same in the report and the fact, and the line lists the fact's.
        drift = {(i["item"], i["user"]) for i in entry["items"] if i["status"] == "drift"}
        assert {(i["item"], i["user"]) for i in fact["items"] if i["status"] == "drift"} == drift, host
        assert [(i["item"], i["user"], i["status"]) for i in fact["items"]] == [(i["item"], i["user"], i["status"]) for i in entry["items"]]
        assert len(fact["drift"]) == len(drift)
        assert (("; drift: " + ", ".join(fact["drift"])) in line) is bool(drift), line
        assert fact["check_mode"] is check_mode
    totals = report["totals"]
    closing = f"{totals['accounts']} accounts: {totals['ok']} ok, {totals['drift']} with drift, {totals['failed']} failed"
    if not check_mode:
        closing += f"; {totals['changed']} changed by this run"
    assert closing in lines, lines


@pytest.mark.parametrize("mfa_type, allow", SETTINGS, ids=[f"{t}-{a}" for t, a in SETTINGS])
def test_summary_line_fact_and_report_agree_in_every_root_state(playbook, aws, tmp_path, mfa_type, allow):
    offset = SETTINGS.index((mfa_type, allow))
    accounts = {host: f"24000000{offset}{n:03d}" for n, host in enumerate(ROOT_STATES, start=1)}
    for host, state in ROOT_STATES.items():
        if state:
            aws.control.set_root(accounts[host], **state)
    inventory = write_inventory(tmp_path, accounts)
    with_facts(tmp_path)
    settings = {"account_baseline_root_mfa_type": mfa_type, "account_baseline_allow_admin_without_mfa": allow}

    # A fresh organization in check mode: every account has drift (what a real run would create, and the findings).
    lines, facts, report = run(playbook, tmp_path, inventory, "first-scan", "--check", "--diff", **settings)
    assert_they_agree(lines, facts, report, check_mode=True)
    assert {f["status"] for f in facts.values()} == {"drift"}

    lines, facts, report = run(playbook, tmp_path, inventory, "apply", **settings)
    assert_they_agree(lines, facts, report, check_mode=False)
    for host, fact in facts.items():
        findings = expected_drift(host, mfa_type, allow)
        assert fact["status"] == ("drift" if findings else "changed"), (host, fact)

    lines, facts, report = run(playbook, tmp_path, inventory, "scan", "--check", "--diff", **settings)
    assert_they_agree(lines, facts, report, check_mode=True)
    for host, fact in facts.items():
        findings = expected_drift(host, mfa_type, allow)
        assert {(i["item"], i["user"]) for i in fact["items"] if i["status"] == "drift"} == findings, host
        assert fact["status"] == ("drift" if findings else "ok"), (host, fact)
        assert all(not i["repairable"] for i in fact["items"] if i["status"] == "drift"), host
    assert report["clean"] is (not any(expected_drift(h, mfa_type, allow) for h in ROOT_STATES))
