"""The drift report of a real run in which one account fails: the failed account is listed with its error (JSON,
JUnit error, Markdown), the others with what the run changed, and the report is not clean."""

import json
import xml.etree.ElementTree as ET

from playbook_helpers import ROOT
from playbook_helpers import baseline_vars
from playbook_helpers import recaps
from playbook_helpers import summary_lines
from playbook_helpers import write_inventory

BASELINE = ROOT / "playbooks" / "baseline.yml"
ACCOUNTS = {"good": "230000000001", "no-root-mfa": "230000000002"}


def test_a_failed_account_is_reported_with_its_error_and_the_others_with_their_changes(playbook, aws, tmp_path, monkeypatch):
    aws.control.set_root(ACCOUNTS["good"], mfa="virtual")
    inventory = write_inventory(tmp_path, ACCOUNTS)
    reports = tmp_path / "reports"
    monkeypatch.setenv("ANSIBLE_CALLBACKS_ENABLED", "accountguard.aws.drift_report")
    monkeypatch.setenv("ACCOUNTGUARD_DRIFT_REPORT_DIR", str(reports))
    extra = baseline_vars(playbook, [{"name": "alice"}], account_baseline_root_mfa="require")
    proc = playbook.run(BASELINE, "--forks", "2", inventory=inventory, extra_vars=extra, check=False)
    assert proc.returncode == 2
    assert recaps(proc)["no-root-mfa"]["failed"] == 1

    report = json.loads((reports / "drift-report.json").read_text())
    assert report["mode"] == "apply" and report["clean"] is False
    assert report["totals"]["accounts"] == 2 and report["totals"]["failed"] == 1 and report["totals"]["ok"] == 1
    failed = report["accounts"]["no-root-mfa"]
    assert failed["status"] == "failed" and failed["account_id"] == ACCOUNTS["no-root-mfa"]
    assert "the root user has credentials but no MFA" in failed["error"] and "root_mfa (account_baseline_root_mfa) is 'require'" in failed["error"]
    # What the scan saw before the account stopped: root without MFA, which only the root user can fix.
    assert [(i["item"], i["status"], i["repairable"]) for i in failed["items"]] == [
        ("root_mfa", "drift", False), ("root_access_keys", "ok", False)]
    good = report["accounts"]["good"]
    assert good["status"] == "changed" and good["error"] is None
    assert {(i["item"], i["user"], i["status"]) for i in good["items"]} == {
        ("root_mfa", None, "ok"), ("root_access_keys", None, "ok"), ("password_policy", None, "changed"), ("admin_group", None, "changed"),
        ("user", "alice", "changed"), ("mfa_device", "alice", "changed")}
    assert next(i for i in good["items"] if i["item"] == "user")["message"] == "created"

    junit = ET.parse(reports / "drift-report.xml").getroot()
    assert (junit.get("tests"), junit.get("failures"), junit.get("errors")) == ("9", "1", "1")  # 6 + 2 items, and the failed account
    error = junit.find("testsuite[@name='no-root-mfa']/testcase[@name='account']/error")
    assert error is not None and "root user has credentials but no MFA" in error.get("message")
    assert junit.find("testsuite[@name='no-root-mfa']/testcase[@name='root_mfa']/failure") is not None
    assert not junit.findall("testsuite[@name='good']/testcase/failure") and not junit.findall("testsuite[@name='good']/testcase/error")

    markdown = (reports / "drift-report.md").read_text()
    assert "2 accounts, 1 ok, 0 with drift, 1 failed." in markdown.splitlines()[0]
    failed_line = next(line for line in markdown.splitlines() if line.startswith("- no-root-mfa (230000000002): "))
    assert "root user has credentials but no MFA" in failed_line and failed_line.count("no-root-mfa") == 1, failed_line


def test_one_account_is_counted_in_the_singular(playbook, aws, tmp_path, monkeypatch):
    inventory = write_inventory(tmp_path, {"solo": "230000000003"})
    reports = tmp_path / "reports"
    monkeypatch.setenv("ANSIBLE_CALLBACKS_ENABLED", "accountguard.aws.drift_report")
    monkeypatch.setenv("ACCOUNTGUARD_DRIFT_REPORT_DIR", str(reports))
    extra = baseline_vars(playbook, [{"name": "alice"}])
    proc = playbook.run(BASELINE, "--check", "--diff", inventory=inventory, extra_vars=extra, vault=False)
    assert proc.returncode == 0, proc.stdout
    assert "1 account: 0 ok, 1 with drift, 0 failed" in summary_lines(proc)
    assert "1 account, 0 ok, 1 with drift, 0 failed." in (reports / "drift-report.md").read_text().splitlines()[0]
    assert "Drift report: 1 account, 1 with drift, 0 failed (NOT clean): " in proc.stdout
