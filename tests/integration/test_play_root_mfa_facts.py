"""Integration: accountguard.aws.root_mfa_facts in a real ansible-playbook run against the local AWS.

Each root state is set through the local AWS control API, the playbook writes the facts it got to a JSON
file, and the test compares them with what that state must give. The local AWS's request log is the
independent check that the module only read, and of how many calls each state costs.
"""

import json

import pytest

from playbook_helpers import recap

# Every test here runs both ways: in the controller's worker and as module processes.
pytestmark = pytest.mark.usefixtures("way")

ACCOUNT = "123456789012"  # the local AWS account of the plain "testing" keys

BASE = {
    "account_id": ACCOUNT,
    "mfa_enabled": False,
    "mfa_type": "none",
    "virtual_mfa_serial": None,
    "password_present": False,
    "access_keys_present": False,
    "signing_certificates_present": False,
    "credentials_present": False,
    "mfa_applicable": False,
    "compliant": True,
    "hardware_mfa_compliant": True,
    "findings": [],
}


def expected(**overrides):
    return dict(BASE, **overrides)


# (root state for set_root, expected facts, AWS actions the module must make, in order)
STATES = {
    "no-mfa-password": (
        {"mfa": "none", "password": True},
        expected(
            password_present=True, credentials_present=True, mfa_applicable=True, compliant=False,
            hardware_mfa_compliant=False, findings=["root user has a password but no MFA"],
        ),
        ["GetAccountSummary", "GetCallerIdentity"],
    ),
    "virtual-mfa": (
        {"mfa": "virtual", "password": True, "virtual_device_name": "ops-phone"},
        expected(
            mfa_enabled=True, mfa_type="virtual", virtual_mfa_serial=f"arn:aws:iam::{ACCOUNT}:mfa/ops-phone",
            password_present=True, credentials_present=True, mfa_applicable=True, compliant=True,
            hardware_mfa_compliant=False, findings=["root user MFA is virtual, not hardware"],
        ),
        ["GetAccountSummary", "ListVirtualMFADevices"],
    ),
    "hardware-mfa": (
        {"mfa": "hardware", "password": True},
        expected(
            mfa_enabled=True, mfa_type="hardware", password_present=True, credentials_present=True,
            mfa_applicable=True, compliant=True, hardware_mfa_compliant=True,
        ),
        ["GetAccountSummary", "ListVirtualMFADevices", "GetCallerIdentity"],
    ),
    "access-keys-no-mfa": (
        {"mfa": "none", "password": False, "access_keys": 2},
        expected(
            access_keys_present=True, credentials_present=True, mfa_applicable=True, compliant=False,
            hardware_mfa_compliant=False,
            findings=["root user has credentials (access keys or signing certificates) but no MFA", "root user has access keys"],
        ),
        ["GetAccountSummary", "GetCallerIdentity"],
    ),
    "signing-certificate-hardware-mfa": (
        {"mfa": "hardware", "password": True, "signing_certificates": True},
        expected(
            mfa_enabled=True, mfa_type="hardware", password_present=True, signing_certificates_present=True,
            credentials_present=True, mfa_applicable=True, compliant=True, hardware_mfa_compliant=True,
            findings=["root user has signing certificates"],
        ),
        ["GetAccountSummary", "ListVirtualMFADevices", "GetCallerIdentity"],
    ),
    "no-credentials": (
        {"credentials": False},
        expected(),
        ["GetAccountSummary", "GetCallerIdentity"],
    ),
}


def read_facts(playbook):
    return json.loads((playbook.tmp_path / "facts.json").read_text())


def run_facts(playbook, *args, **extra_vars):
    extra_vars = dict(extra_vars, facts_out=playbook.tmp_path / "facts.json")
    proc = playbook.run("root_mfa_facts.yml", *args, vault=False, extra_vars=extra_vars)
    counters = recap(proc)
    assert counters["failed"] == 0 and counters["changed"] == 0, proc.stdout
    return read_facts(playbook)


def actions(aws):
    return [r["action"] for r in aws.control.requests()]


@pytest.mark.parametrize("check", [False, True], ids=["run", "check"])
@pytest.mark.parametrize("state", list(STATES))
def test_root_state(playbook, aws, state, check):
    root_state, facts, calls = STATES[state]
    aws.control.set_root(ACCOUNT, **root_state)
    aws.control.clear_requests()
    got = run_facts(playbook, *(["--check"] if check else []))
    assert got == facts
    assert aws.control.mutating_requests() == []
    assert actions(aws) == calls


def test_account_id_given_saves_the_sts_call(playbook, aws):
    aws.control.set_root(ACCOUNT, mfa="none", password=True)
    aws.control.clear_requests()
    got = run_facts(playbook, account_id=ACCOUNT)
    assert got == STATES["no-mfa-password"][1]
    assert actions(aws) == ["GetAccountSummary"]


def test_account_id_of_another_account_fails_clearly(playbook, aws):
    aws.control.set_root(ACCOUNT, mfa="virtual")
    proc = playbook.run(
        "root_mfa_facts.yml", vault=False, check=False,
        extra_vars={"facts_out": playbook.tmp_path / "facts.json", "account_id": "111111111111"},
    )
    assert proc.returncode != 0
    assert f"account_id is 111111111111, but the root MFA device arn:aws:iam::{ACCOUNT}:mfa/" in proc.stdout
    assert aws.control.mutating_requests() == []


@pytest.mark.parametrize("check", [False, True], ids=["run", "check"])
def test_credential_report(playbook, aws, check):
    aws.control.set_root(ACCOUNT, mfa="virtual", password=True, access_keys=1, password_last_used="2026-01-31T09:12:45Z")
    aws.control.clear_requests()
    got = run_facts(playbook, *(["--check"] if check else []), credential_report="true")
    report_fields = {k: got.pop(k) for k in ("password_last_used", "access_key_1_last_used", "access_key_2_last_used",
                                             "mfa_active", "credential_report_generated")}
    assert got == expected(
        mfa_enabled=True, mfa_type="virtual", virtual_mfa_serial=f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device",
        password_present=True, access_keys_present=True, credentials_present=True, mfa_applicable=True,
        compliant=True, hardware_mfa_compliant=False,
        findings=["root user has access keys", "root user MFA is virtual, not hardware"],
    )
    assert report_fields["mfa_active"] is True
    assert report_fields["password_last_used"].startswith("2026-01-31T09:12:45")  # the sign-in the test set
    assert report_fields["access_key_1_last_used"] is None  # never used
    assert report_fields["access_key_2_last_used"] is None  # no second key
    assert report_fields["credential_report_generated"]
    calls = actions(aws)
    # The local AWS takes about a second to build the report: the module polled, then read it.
    assert calls[:3] == ["GetAccountSummary", "ListVirtualMFADevices", "GenerateCredentialReport"]
    assert calls[-1] == "GetCredentialReport" and calls.count("GetCredentialReport") >= 2
    assert set(calls[3:]) == {"GetCredentialReport"}
    assert "GetCallerIdentity" not in calls
    assert aws.control.mutating_requests() == []


def test_credential_report_without_mfa_gets_account_from_report(playbook, aws):
    aws.control.set_root(ACCOUNT, mfa="none", password=False)
    aws.control.clear_requests()
    got = run_facts(playbook, credential_report="true")
    assert got["account_id"] == ACCOUNT
    assert got["password_last_used"] is None
    assert got["mfa_active"] is False
    assert got["compliant"] is True and got["mfa_applicable"] is False
    assert "GetCallerIdentity" not in actions(aws)


@pytest.mark.parametrize("check", [False, True], ids=["run", "check"])
def test_several_accounts_through_assumed_roles(playbook, aws, check):
    first, second = "111122223333", "444455556666"
    aws.control.set_root(first, mfa="hardware", password=True)
    aws.control.set_root(second, mfa="none", password=True, access_keys=1)
    aws.control.clear_requests()
    got = run_facts(playbook, *(["--check"] if check else []), accounts=f"{first},{second}")
    assert got == [
        expected(
            account_id=first, mfa_enabled=True, mfa_type="hardware", password_present=True, credentials_present=True,
            mfa_applicable=True, compliant=True, hardware_mfa_compliant=True,
        ),
        expected(
            account_id=second, password_present=True, access_keys_present=True, credentials_present=True,
            mfa_applicable=True, compliant=False, hardware_mfa_compliant=False,
            findings=["root user has a password but no MFA", "root user has access keys"],
        ),
    ]
    assert aws.control.mutating_requests() == []
    # Each account's root was read with that account's own credentials.
    summaries = [r["account"] for r in aws.control.requests() if r["action"] == "GetAccountSummary"]
    assert summaries == [first, second]


def test_a_root_password_never_used_has_no_last_use(playbook, aws):
    aws.control.set_root(ACCOUNT, mfa="virtual", password=True)
    got = run_facts(playbook, credential_report="true")
    assert got["password_last_used"] is None  # the credential report says no_information, as AWS does
