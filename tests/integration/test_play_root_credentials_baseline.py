"""The role with account_baseline_root_credentials: remove, over an organization of the local AWS: the scan reports
the member accounts' root credentials as drift repairable centrally and writes nothing, the apply deletes them through
sts:AssumeRoot from the operator's connection (checked with boto3 in each account), the next scan is clean, the
management account keeps its root credentials, and a missing feature fails the accounts clearly, changing nothing."""

import json

import boto3
import pytest

from playbook_helpers import ROOT
from playbook_helpers import baseline_vars
from playbook_helpers import recaps
from playbook_helpers import summary_lines
from playbook_helpers import write_inventory

BASELINE = ROOT / "playbooks" / "baseline.yml"
USERS = [{"name": "alice"}]
MANAGEMENT = "123456789012"
# member host -> its root state (the local AWS's default is a password without MFA)
MEMBERS = {
    "no-mfa": {},
    "virtual-and-keys": {"mfa": "virtual", "access_keys": 1, "signing_certificates": True},
    "no-credentials": {"credentials": False},
}
HAS_CREDENTIALS = {"no-mfa", "virtual-and-keys"}
SUMMARY_KEYS = ("AccountMFAEnabled", "AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent")


def boto(aws, service, **keys):
    keys = keys or {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "verifier-secret-key"}
    return boto3.client(service, endpoint_url=aws.url, region_name="us-east-1", **keys)


def root_summary(aws, account):
    """GetAccountSummary's root flags, read by the account's own administrator (AssumeRole into its role)."""
    creds = boto(aws, "sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                                         RoleSessionName="verifier")["Credentials"]
    iam = boto(aws, "iam", aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
               aws_session_token=creds["SessionToken"])
    summary = iam.get_account_summary()["SummaryMap"]
    return {k: summary[k] for k in SUMMARY_KEYS}


@pytest.fixture
def organization(aws, tmp_path):
    """The management account and three members with the root states above; the inventory of all four."""
    organizations = boto(aws, "organizations")
    organizations.create_organization(FeatureSet="ALL")
    accounts = {"management": MANAGEMENT}
    for host, state in MEMBERS.items():
        accounts[host] = organizations.create_account(AccountName=host, Email=f"{host}@example.com")["CreateAccountStatus"]["AccountId"]
        if state:
            aws.control.set_root(accounts[host], **state)
    return accounts, write_inventory(tmp_path, accounts)


def enable_root_access(aws):
    boto(aws, "organizations").enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")
    boto(aws, "iam").enable_organizations_root_credentials_management()


def run(playbook, tmp_path, inventory, name, *args, **more_vars):
    reports = tmp_path / "reports"
    env_vars = {"ANSIBLE_CALLBACKS_ENABLED": "accountguard.aws.drift_report", "ACCOUNTGUARD_DRIFT_REPORT_DIR": str(reports),
                "ACCOUNTGUARD_DRIFT_REPORT_NAME": name}
    original = playbook.env
    playbook.env = lambda: dict(original(), **env_vars)
    try:
        proc = playbook.run(BASELINE, *args, inventory=inventory, extra_vars=baseline_vars(playbook, USERS, **more_vars),
                            vault="--check" not in args, check=False)
    finally:
        playbook.env = original
    return proc, json.loads((reports / f"{name}.json").read_text())


def items(report, host):
    return {i["item"]: i for i in report["accounts"][host]["items"] if i["item"].startswith("root_")}


def test_remove_scan_apply_scan(playbook, aws, tmp_path, organization):
    accounts, inventory = organization
    enable_root_access(aws)
    states = {host: aws.control.get_root(account) for host, account in accounts.items()}
    remove = {"account_baseline_root_credentials": "remove"}

    aws.control.clear_requests()
    proc, report = run(playbook, tmp_path, inventory, "scan-1", "--check", "--diff", **remove)
    assert proc.returncode == 0, proc.stdout
    assert aws.control.mutating_requests() == []
    assert {host: aws.control.get_root(account) for host, account in accounts.items()} == states
    for host in HAS_CREDENTIALS:
        found = items(report, host)
        assert found["root_credentials"]["status"] == "drift" and found["root_credentials"]["repairable"] is True
        assert found["root_credentials"]["message"].startswith("would delete centrally: the password"), found
        assert all(i["repairable"] for i in found.values() if i["status"] == "drift"), found
        assert "repairable centrally" in ((found["root_mfa"].get("message") or "") + (found["root_access_keys"].get("message") or "")).lower()
    assert items(report, "virtual-and-keys")["root_access_keys"]["status"] == "drift"
    nothing = items(report, "no-credentials")["root_credentials"]
    assert (nothing["status"], nothing["repairable"], nothing["message"]) == ("ok", True, "root user has no credentials")
    management = items(report, "management")
    assert management["root_mfa"]["status"] == "drift" and management["root_mfa"]["repairable"] is False
    assert "management account" in management["root_credentials"]["message"]
    lines = summary_lines(proc)
    assert any(line.startswith("no-mfa (") and "root MFA (repairable centrally)" in line for line in lines), lines

    proc, report = run(playbook, tmp_path, inventory, "apply", **remove)
    assert proc.returncode == 0, proc.stdout
    for host in HAS_CREDENTIALS:
        assert set(root_summary(aws, accounts[host]).values()) == {0}, host
        assert items(report, host)["root_credentials"]["status"] == "changed"
        assert items(report, host)["root_mfa"]["status"] == "ok"
    assert root_summary(aws, MANAGEMENT)["AccountPasswordPresent"] == 1  # the management account keeps its root

    aws.control.clear_requests()
    proc, report = run(playbook, tmp_path, inventory, "scan-2", "--check", "--diff", **remove)
    assert aws.control.mutating_requests() == []
    assert [r for r in aws.control.requests() if r.get("action") == "AssumeRoot"] == []  # nothing left to remove
    for host in MEMBERS:
        assert report["accounts"][host]["status"] == "ok", (host, report["accounts"][host])
    assert report["accounts"]["management"]["status"] == "drift"  # its root user has a password and no MFA

    # With the default (keep), the same organization has no root_credentials item at all.
    proc, report = run(playbook, tmp_path, inventory, "scan-keep", "--check", "--diff")
    assert all("root_credentials" not in items(report, host) for host in accounts)


def test_remove_without_the_feature_fails_those_accounts_clearly_and_changes_nothing(playbook, aws, tmp_path, organization):
    accounts, inventory = organization
    states = {host: aws.control.get_root(account) for host, account in accounts.items()}
    aws.control.clear_requests()
    proc, report = run(playbook, tmp_path, inventory, "apply", account_baseline_root_credentials="remove")
    assert proc.returncode != 0
    for host in HAS_CREDENTIALS:
        entry = report["accounts"][host]
        assert entry["status"] == "failed"
        assert f"account {host} ({accounts[host]})" in entry["error"] and "centralized root access is not enabled" in entry["error"], entry
        assert recaps(proc)[host]["failed"] == 1
    # The accounts that failed were not changed at all; the others went on.
    failed_accounts = {accounts[h] for h in HAS_CREDENTIALS}
    assert [r for r in aws.control.mutating_requests() if r["account"] in failed_accounts] == []
    assert report["accounts"]["no-credentials"]["status"] == "changed"
    assert {host: aws.control.get_root(account) for host, account in accounts.items()} == states
