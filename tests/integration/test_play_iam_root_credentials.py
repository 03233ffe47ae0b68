"""iam_root_credentials against the local AWS, through ansible-playbook: the four steps,
root states before and after for each kind of credential (checked with boto3 in the member account), and the errors."""

import pytest

from playbook_helpers import four_steps
from playbook_helpers import recap
from root_access_helpers import client
from root_access_helpers import enable_root_access
from root_access_helpers import member_keys

# Every test here runs both ways: in the controller's worker and as module processes.
pytestmark = pytest.mark.usefixtures("way")

MANAGEMENT = "123456789012"  # the account of the targets' key (moto's default account)
SUMMARY_KEYS = ("AccountMFAEnabled", "AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent")
NO_CREDENTIALS = {"mfa": "none", "password": False, "access_keys": 0, "signing_certificates": False}

# One kind of root credential each (the local AWS's root state), and what the module lists for it.
KINDS = {
    "password": ({"password": True}, "password"),
    "access_keys": ({"password": False, "access_keys": 2}, "access_keys"),
    "signing_certificate": ({"password": False, "signing_certificates": True}, "signing_certificates"),
    "virtual_mfa": ({"password": False, "mfa": "virtual"}, "mfa_devices"),
    "hardware_mfa": ({"password": False, "mfa": "hardware"}, "mfa_devices"),
}


def root_seen_by_member(aws, account):
    """The root user as the member account's administrator sees it: summary flags, root's virtual device, report row."""
    iam = client(aws, "iam", **member_keys(aws, account))
    summary = iam.get_account_summary()["SummaryMap"]
    devices = [d for d in iam.list_virtual_mfa_devices(AssignmentStatus="Any")["VirtualMFADevices"]
               if ":mfa/root" in d["SerialNumber"] or d.get("User", {}).get("Arn", "").endswith(":root")]
    aws.control.set_report_delay(0)
    iam.generate_credential_report()
    rows = iam.get_credential_report()["Content"].decode().splitlines()
    header = rows[0].split(",")
    root_row = dict(zip(header, next(r for r in rows if r.startswith("<root_account>")).split(",")))
    return {
        "summary": {k: summary.get(k) for k in SUMMARY_KEYS},
        "root_virtual_devices": len(devices),
        "report": {k: root_row[k] for k in ("password_last_used", "mfa_active", "access_key_1_active", "access_key_2_active", "cert_1_active")},
    }


def public_state(aws, account):
    state = aws.control.get_root(account)
    return {k: state[k] for k in NO_CREDENTIALS}


# ---- iam_root_credentials ---------------------------------------------------------------------------------------

def test_four_steps_delete_every_kind(playbook, aws, org):
    enable_root_access(aws)
    member = org["members"][0]
    aws.control.set_root(member, password=True, access_keys=2, signing_certificates=True, mfa="virtual")
    before = root_seen_by_member(aws, member)
    assert before["summary"] == {"AccountMFAEnabled": 1, "AccountPasswordPresent": 1, "AccountAccessKeysPresent": 1,
                                 "AccountSigningCertificatesPresent": 1}
    assert before["root_virtual_devices"] == 1
    first_check, dummy, dummy, dummy = four_steps(playbook, aws, "iam_root_credentials.yml", extra_vars={"member_account": member})
    assert public_state(aws, member) == NO_CREDENTIALS
    after = root_seen_by_member(aws, member)
    assert after["summary"] == {"AccountMFAEnabled": 0, "AccountPasswordPresent": 0, "AccountAccessKeysPresent": 0,
                                "AccountSigningCertificatesPresent": 0}
    assert after["root_virtual_devices"] == 0, "the root's virtual device must be deleted, not left unassigned"
    assert after["report"] == {"password_last_used": "N/A", "mfa_active": "false", "access_key_1_active": "false",
                               "access_key_2_active": "false", "cert_1_active": "false"}
    # The other member's root was not touched.
    assert aws.control.get_root(org["members"][1])["password"] is True


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_root_credentials_each_kind_before_and_after(playbook, aws, org, kind):
    enable_root_access(aws)
    member = org["members"][0]
    state, listed = KINDS[kind]
    aws.control.set_root(member, **state)
    aws.control.clear_requests()
    scan = playbook.run("iam_root_credentials.yml", "--check", "--diff", extra_vars={"member_account": member})
    assert recap(scan)["changed"] == 1
    assert aws.control.mutating_requests() == []
    assert public_state(aws, member) == dict(NO_CREDENTIALS, **state)
    # The scan's root session was the audit one: it read, and deleted nothing.
    assumed = [r for r in aws.control.requests() if r.get("action") == "AssumeRoot"]
    assert [r["params"].get("TaskPolicyArn.arn") for r in assumed] == ["arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"]
    assert f'-    "{listed}": ' in scan.stdout, scan.stdout
    aws.control.clear_requests()
    assert recap(playbook.run("iam_root_credentials.yml", extra_vars={"member_account": member}))["changed"] == 1
    assert public_state(aws, member) == NO_CREDENTIALS
    seen = root_seen_by_member(aws, member)
    assert set(seen["summary"].values()) == {0}
    assert seen["root_virtual_devices"] == 0


def test_root_credentials_audit_only_and_a_chosen_kind(playbook, aws, org):
    enable_root_access(aws)
    member = org["members"][0]
    aws.control.set_root(member, password=True, access_keys=1)
    aws.control.clear_requests()
    audit = playbook.run("iam_root_credentials.yml", extra_vars={"member_account": member, "audit_only": True})
    assert recap(audit)["changed"] == 0
    assert aws.control.mutating_requests() == []
    assert playbook.run("iam_root_credentials.yml", extra_vars={"member_account": member, "kinds": ["access_keys"]})
    assert public_state(aws, member) == dict(NO_CREDENTIALS, password=True)


def test_root_credentials_from_the_delegated_administrator(playbook, aws, org):
    enable_root_access(aws)
    target, admin = org["members"]
    client(aws, "organizations").register_delegated_administrator(AccountId=admin, ServicePrincipal="iam.amazonaws.com")
    keys = member_keys(aws, admin)
    conn = {"access_key": keys["aws_access_key_id"], "secret_key": keys["aws_secret_access_key"], "session_token": keys["aws_session_token"]}
    assert recap(playbook.run("iam_root_credentials.yml", extra_vars={"member_account": target, "conn_override": conn}))["changed"] == 1
    assert public_state(aws, target) == NO_CREDENTIALS


CREDENTIAL_ERRORS = {
    # case: (setup, target, message)
    "features_off": ("off", "member", "centralized root access is not enabled for organization"),
    "management_account": ("on", MANAGEMENT, "is the organization's management account: AssumeRoot (centralized root access) works only for member accounts"),
    "not_in_the_organization": ("on", "999999999999", "is not in organization"),
    "assume_root_denied": ("member_connection", "member", "sts:AssumeRoot with the task policy IAMDeleteRootUserCredentials was denied"),
}


@pytest.mark.parametrize("case", sorted(CREDENTIAL_ERRORS))
def test_root_credentials_errors_name_the_account_and_change_nothing(playbook, aws, org, case):
    setup, target, message = CREDENTIAL_ERRORS[case]
    member, other = org["members"]
    target = member if target == "member" else target
    extra = {"member_account": target}
    if setup != "off":
        enable_root_access(aws)
    if setup == "member_connection":
        keys = member_keys(aws, other)
        extra["conn_override"] = {"access_key": keys["aws_access_key_id"], "secret_key": keys["aws_secret_access_key"],
                                  "session_token": keys["aws_session_token"]}
    states = {account: aws.control.get_root(account) for account in (member, other, MANAGEMENT)}
    aws.control.clear_requests()
    out = playbook.run("iam_root_credentials.yml", check=False, extra_vars=extra)
    assert recap(out)["failed"] == 1
    assert message in out.stdout, out.stdout
    assert f"account {target}" in out.stdout and "Nothing was changed." in out.stdout, out.stdout
    assert aws.control.mutating_requests() == []
    assert {account: aws.control.get_root(account) for account in states} == states


def test_root_credentials_bad_input_fails_before_any_call(playbook, aws, org):
    aws.control.clear_requests()
    out = playbook.run("iam_root_credentials.yml", check=False, extra_vars={"member_account": "12345"})
    assert recap(out)["failed"] == 1
    assert "Invalid input for the root credentials of account 12345: account_id '12345' is not an AWS account id" in out.stdout, out.stdout
    assert aws.control.requests() == []


def test_root_session_keys_never_show(playbook, aws, org):
    enable_root_access(aws)
    member = org["members"][0]
    out = playbook.run("iam_root_credentials.yml", "-vvv", extra_vars={"member_account": member})
    assumed = [r["params"]["TaskPolicyArn.arn"] for r in aws.control.requests() if r.get("action") == "AssumeRoot"]
    assert assumed == ["arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"]
    # The root session's keys (temporary keys start with ASIA) appear nowhere: not in the result, not in the log.
    text = out.stdout + out.stderr + (playbook.log_path.read_text() if playbook.log_path.exists() else "")
    assert "ASIA" not in text
