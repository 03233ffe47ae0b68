"""The root user's state shows in GetAccountSummary, ListVirtualMFADevices and the credential report."""

import csv
import io
import time

import pytest

from localaws_testutil import code_pair, error_code

ACCOUNT = "123456789012"

# case: root state set through the control endpoint
STATES = {
    "default": {},
    "virtual": {"mfa": "virtual"},
    "hardware": {"mfa": "hardware"},
    "one_key": {"access_keys": 1},
    "keys_and_cert": {"access_keys": 2, "signing_certificates": True, "mfa": "virtual"},
    "no_password": {"password": False},
    "no_credentials": {"credentials": False},
    "signed_in": {"password_last_used": "2026-01-31T09:12:45Z"},
    "signed_in_no_password": {"password_last_used": "2026-01-31T09:12:45Z", "password": False},
}
# case: AccountMFAEnabled, AccountPasswordPresent, AccountAccessKeysPresent, AccountSigningCertificatesPresent
SUMMARIES = {
    "default": (0, 1, 0, 0),
    "virtual": (1, 1, 0, 0),
    "hardware": (1, 1, 0, 0),
    "one_key": (0, 1, 1, 0),
    "keys_and_cert": (1, 1, 1, 1),
    "no_password": (0, 0, 0, 0),
    "no_credentials": (0, 0, 0, 0),
    "signed_in": (0, 1, 0, 0),
    "signed_in_no_password": (0, 0, 0, 0),
}
# case: mfa_active, password_last_used, access_key_1_active, access_key_2_active, cert_1_active.
# password_last_used, as AWS documents the column: no_information for a password never used to sign in
# (nothing signs in to the local AWS unless a test says so), N/A without a password.
REPORT_ROWS = {
    "default": ("false", "no_information", "false", "false", "false"),
    "virtual": ("true", "no_information", "false", "false", "false"),
    "hardware": ("true", "no_information", "false", "false", "false"),
    "one_key": ("false", "no_information", "true", "false", "false"),
    "keys_and_cert": ("true", "no_information", "true", "true", "true"),
    "no_password": ("false", "N/A", "false", "false", "false"),
    "no_credentials": ("false", "N/A", "false", "false", "false"),
    "signed_in": ("false", "2026-01-31T09:12:45+00:00", "false", "false", "false"),
    "signed_in_no_password": ("false", "N/A", "false", "false", "false"),
}


def _root_devices(iam, **kwargs):
    devices = iam.list_virtual_mfa_devices(**kwargs)["VirtualMFADevices"]
    return [d for d in devices if d.get("User", {}).get("Arn") == f"arn:aws:iam::{ACCOUNT}:root"]


def test_default_state(aws):
    state = aws.control.get_root(ACCOUNT)
    assert state == {"mfa": "none", "password": True, "access_keys": 0, "signing_certificates": False,
                     "virtual_device_name": "root-account-mfa-device", "password_last_used": None}


def test_credentials_false_clears_everything(aws):
    aws.control.set_root(ACCOUNT, mfa="virtual", access_keys=2, signing_certificates=True)
    state = aws.control.set_root(ACCOUNT, credentials=False)
    assert state["mfa"] == "none" and state["password"] is False and state["access_keys"] == 0 and state["signing_certificates"] is False


def test_partial_updates_and_bad_input(aws):
    from localaws.client import ControlError

    aws.control.set_root(ACCOUNT, mfa="virtual")
    assert aws.control.set_root(ACCOUNT, access_keys=1)["mfa"] == "virtual"
    for bad in ({"mfa": "sms"}, {"access_keys": 3}, {"password": "yes"}, {"colour": "blue"}, {"password_last_used": "yesterday"}):
        with pytest.raises(ControlError):
            aws.control.set_root(ACCOUNT, **bad)
    with pytest.raises(ControlError):
        aws.control.set_root("12345", mfa="virtual")


@pytest.mark.parametrize("case", sorted(STATES))
def test_account_summary(aws, case):
    aws.control.set_root(ACCOUNT, **STATES[case])
    summary = aws.client("iam").get_account_summary()["SummaryMap"]
    keys = ("AccountMFAEnabled", "AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent")
    assert tuple(summary[key] for key in keys) == SUMMARIES[case]


@pytest.mark.parametrize("case", sorted(STATES))
def test_list_virtual_mfa_devices(aws, case):
    state = STATES[case]
    aws.control.set_root(ACCOUNT, **state)
    iam = aws.client("iam")
    listed = {status: _root_devices(iam, **({"AssignmentStatus": status} if status else {})) for status in (None, "Any", "Assigned", "Unassigned")}
    assert listed["Unassigned"] == []
    if state.get("mfa") == "virtual":
        for status in (None, "Any", "Assigned"):
            (device,) = listed[status]
            assert device["SerialNumber"] == f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device"
            assert device["User"]["UserId"] == ACCOUNT
            assert "EnableDate" in device
    else:
        assert all(devices == [] for devices in listed.values())


def test_root_device_name_and_no_seeds_in_list(aws):
    aws.control.set_root(ACCOUNT, mfa="virtual", virtual_device_name="my-root-mfa")
    iam = aws.client("iam")
    iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")
    devices = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    assert {d["SerialNumber"] for d in devices} == {f"arn:aws:iam::{ACCOUNT}:mfa/my-root-mfa", f"arn:aws:iam::{ACCOUNT}:mfa/spare"}
    assert all("Base32StringSeed" not in d and "QRCodePNG" not in d for d in devices)


def test_root_sign_in_is_set_only_by_a_test(aws):
    assert aws.control.set_root(ACCOUNT, password_last_used="2026-01-31T10:12:45+01:00")["password_last_used"] == "2026-01-31T09:12:45+00:00"
    assert aws.control.set_root(ACCOUNT, password_last_used=None)["password_last_used"] is None
    aws.control.set_root(ACCOUNT, password_last_used="2026-01-31T09:12:45")
    assert aws.control.set_root(ACCOUNT, credentials=False)["password_last_used"] is None


def _mfa_counts(iam):
    summary = iam.get_account_summary()["SummaryMap"]
    return summary["MFADevices"], summary["MFADevicesInUse"], summary["AccountMFAEnabled"]


def test_account_summary_counts_mfa_devices_as_aws(aws):
    """MFADevices: every MFA device, assigned or not; MFADevicesInUse: those assigned to a user or to root."""
    iam = aws.client("iam")
    assert _mfa_counts(iam) == (0, 0, 0)
    for user in ("alice", "bob"):
        iam.create_user(UserName=user)
    spare = iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")["VirtualMFADevice"]
    assert _mfa_counts(iam) == (1, 0, 0)  # unassigned: a device, not in use
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    codes = code_pair(device["Base32StringSeed"])
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"], AuthenticationCode1=codes[0], AuthenticationCode2=codes[1])
    assert _mfa_counts(iam) == (2, 1, 0)
    iam.enable_mfa_device(UserName="bob", SerialNumber="GAHT12345678", AuthenticationCode1="123456", AuthenticationCode2="654321")
    assert _mfa_counts(iam) == (3, 2, 0)  # a hardware device exists for IAM while it is assigned
    aws.control.set_root(ACCOUNT, mfa="virtual")
    assert _mfa_counts(iam) == (4, 3, 1)
    aws.control.set_root(ACCOUNT, mfa="hardware")
    assert _mfa_counts(iam) == (4, 3, 1)
    iam.deactivate_mfa_device(UserName="bob", SerialNumber="GAHT12345678")
    iam.delete_virtual_mfa_device(SerialNumber=spare["SerialNumber"])
    aws.control.set_root(ACCOUNT, mfa="none")
    assert _mfa_counts(iam) == (1, 1, 0)


def _report_rows(iam):
    content = iam.get_credential_report()["Content"].decode("utf-8")
    return list(csv.DictReader(io.StringIO(content)))


def _wait_for_report(iam):
    deadline = time.monotonic() + 10
    while True:
        try:
            return _report_rows(iam)
        except iam.exceptions.CredentialReportNotReadyException:
            assert time.monotonic() < deadline, "credential report never became ready"
            time.sleep(0.2)


def test_credential_report_timing(aws):
    iam = aws.client("iam")
    aws.control.set_report_delay(600)  # "generating" for as long as the test needs, on any machine
    assert error_code(iam.get_credential_report) == "ReportNotPresent"
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert iam.generate_credential_report()["State"] == "INPROGRESS"
    assert error_code(iam.get_credential_report) == "ReportInProgress"
    aws.control.set_report_delay(0)
    _wait_for_report(iam)
    assert iam.generate_credential_report()["State"] == "COMPLETE"


def test_credential_report_root_row(aws):
    iam = aws.client("iam")
    iam.create_user(UserName="alice")
    iam.generate_credential_report()
    header = list(_wait_for_report(iam)[0])
    assert header[:4] == ["user", "arn", "user_creation_time", "password_enabled"] and header[-1] == "cert_2_last_rotated"
    fields = ("mfa_active", "password_last_used", "access_key_1_active", "access_key_2_active", "cert_1_active")
    for case in sorted(STATES):
        aws.control.set_root(ACCOUNT, credentials=True)
        aws.control.set_root(ACCOUNT, **STATES[case])
        root, *users = _report_rows(iam)
        assert [u["user"] for u in users] == ["alice"], case
        assert root["user"] == "<root_account>" and root["arn"] == f"arn:aws:iam::{ACCOUNT}:root", case
        assert (root["password_enabled"], root["password_last_changed"], root["password_next_rotation"]) == ("not_supported",) * 3, case
        assert tuple(root[field] for field in fields) == REPORT_ROWS[case], case
        for n in (1, 2):  # root's keys are never used
            assert {root[f"access_key_{n}_last_used_{part}"] for part in ("date", "region", "service")} == {"N/A"}, case
        if root["access_key_1_active"] == "false":
            assert root["access_key_1_last_rotated"] == "N/A", case
        assert root["cert_1_last_rotated"] == ("N/A" if root["cert_1_active"] == "false" else root["user_creation_time"]), case
