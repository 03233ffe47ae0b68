"""Unit tests for module_utils/_root.py: the pure fact computation, the credential report parser and the
polling loop (with a fake clock), and the AWS helpers against botocore's Stubber."""

import datetime
import itertools

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.accountguard.aws.plugins.module_utils import _root
from ansible_collections.accountguard.aws.plugins.module_utils._common import RETRY
from ansible_collections.accountguard.aws.plugins.module_utils._common import AccountGuardError

ACCOUNT = "123456789012"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"

REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
    "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,"
    "cert_2_last_rotated"
)
ROOT_ROW = (
    f"<root_account>,{ROOT_ARN},2020-01-01T00:00:00+00:00,not_supported,2025-01-31T09:12:45+00:00,not_supported,"
    "not_supported,true,true,2021-03-01T00:00:00+00:00,2025-01-30T08:00:00+00:00,us-east-1,iam,false,N/A,N/A,N/A,N/A,"
    "false,N/A,false,N/A"
)
USER_ROW = (
    f"alice,arn:aws:iam::{ACCOUNT}:user/alice,2021-01-01T00:00:00+00:00,true,2025-01-01T00:00:00+00:00,"
    "2021-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
)


def summary(mfa=0, password=0, keys=0, certs=0):
    return {
        "AccountMFAEnabled": mfa,
        "AccountPasswordPresent": password,
        "AccountAccessKeysPresent": keys,
        "AccountSigningCertificatesPresent": certs,
        "Users": 3,
    }


def root_device(name="my-phone", account=ACCOUNT):
    return {
        "SerialNumber": f"arn:aws:iam::{account}:mfa/{name}",
        # The botocore model wants UserName, Path and a 16+ character UserId; only the Arn matters to us.
        "User": {
            "Arn": f"arn:aws:iam::{account}:root",
            "UserName": "root",
            "Path": "/",
            "UserId": f"{account}0000",
            "CreateDate": datetime.datetime(2020, 1, 1),
        },
        "EnableDate": datetime.datetime(2020, 1, 2),
    }


def user_device(name="alice"):
    return {
        "SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/{name}",
        "User": {
            "Arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
            "UserName": name,
            "UserId": "AIDAEXAMPLE000000001",
            "Path": "/",
            "CreateDate": datetime.datetime(2020, 1, 1),
        },
        "EnableDate": datetime.datetime(2020, 1, 2),
    }


class HighRandom:
    """random stand-in returning the top of every range: pauses are exactly 1, 2, 4, 8, 16, 16, ..."""

    @staticmethod
    def uniform(a, b):
        return b


@pytest.fixture
def iam():
    client = boto3.client("iam", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, RETRY), stubber
        stubber.assert_no_pending_responses()


# ---- root_facts: every root state --------------------------------------------------------------

def test_no_mfa_with_password():
    facts = _root.root_facts(summary(password=1), None, ACCOUNT)
    assert facts == {
        "account_id": ACCOUNT,
        "mfa_enabled": False,
        "mfa_type": "none",
        "virtual_mfa_serial": None,
        "password_present": True,
        "access_keys_present": False,
        "signing_certificates_present": False,
        "credentials_present": True,
        "mfa_applicable": True,
        "compliant": False,
        "hardware_mfa_compliant": False,
        "findings": ["root user has a password but no MFA"],
    }


def test_virtual_mfa():
    facts = _root.root_facts(summary(mfa=1, password=1), root_device("any-name-at-all"), ACCOUNT)
    assert facts["mfa_enabled"] is True
    assert facts["mfa_type"] == "virtual"
    assert facts["virtual_mfa_serial"] == f"arn:aws:iam::{ACCOUNT}:mfa/any-name-at-all"
    assert facts["compliant"] is True
    assert facts["hardware_mfa_compliant"] is False
    assert facts["mfa_applicable"] is True
    assert facts["findings"] == ["root user MFA is virtual, not hardware"]


def test_hardware_mfa():
    facts = _root.root_facts(summary(mfa=1, password=1), None, ACCOUNT)
    assert facts["mfa_type"] == "hardware"
    assert facts["virtual_mfa_serial"] is None
    assert facts["compliant"] is True
    assert facts["hardware_mfa_compliant"] is True
    assert facts["findings"] == []


def test_access_keys_without_mfa():
    facts = _root.root_facts(summary(keys=1), None, ACCOUNT)
    assert facts["password_present"] is False
    assert facts["access_keys_present"] is True
    assert facts["credentials_present"] is True
    assert facts["compliant"] is False
    assert facts["hardware_mfa_compliant"] is False
    assert facts["findings"] == [
        "root user has credentials (access keys or signing certificates) but no MFA",
        "root user has access keys",
    ]


def test_password_keys_and_certificates_without_mfa():
    facts = _root.root_facts(summary(password=1, keys=1, certs=1), None, ACCOUNT)
    assert facts["signing_certificates_present"] is True
    assert facts["findings"] == [
        "root user has a password but no MFA",
        "root user has access keys",
        "root user has signing certificates",
    ]


def test_hardware_mfa_but_access_keys_still_a_finding():
    facts = _root.root_facts(summary(mfa=1, password=1, keys=1), None, ACCOUNT)
    assert facts["compliant"] is True
    assert facts["findings"] == ["root user has access keys"]


def test_no_credentials_at_all():
    facts = _root.root_facts(summary(), None, ACCOUNT)
    assert facts["credentials_present"] is False
    assert facts["mfa_applicable"] is False
    assert facts["mfa_enabled"] is False
    assert facts["mfa_type"] == "none"
    assert facts["compliant"] is True
    assert facts["hardware_mfa_compliant"] is True
    assert facts["findings"] == []


def test_mfa_left_over_without_credentials():
    facts = _root.root_facts(summary(mfa=1), root_device(), ACCOUNT)
    assert facts["mfa_applicable"] is False
    assert facts["compliant"] is True
    assert facts["hardware_mfa_compliant"] is True
    assert facts["findings"] == []


def test_device_ignored_when_summary_says_no_mfa():
    facts = _root.root_facts(summary(password=1), root_device(), ACCOUNT)
    assert facts["mfa_type"] == "none"
    assert facts["virtual_mfa_serial"] is None


@pytest.mark.parametrize(
    "arn, expected",
    [
        (ROOT_ARN, True),
        ("arn:aws-us-gov:iam::123456789012:root", True),
        ("arn:aws:iam::123456789012:user/root", False),
        ("arn:aws:iam::123456789012:user/x:root-ish", False),
        (None, False),
        ("", False),
    ],
)
def test_is_root_arn(arn, expected):
    assert _root.is_root_arn(arn) is expected


# ---- credential report parsing -----------------------------------------------------------------

def test_parse_credential_report_bytes():
    content = "\n".join([REPORT_HEADER, USER_ROW, ROOT_ROW]).encode()
    assert _root.parse_credential_report(content) == {
        "arn": ROOT_ARN,
        "password_last_used": "2025-01-31T09:12:45+00:00",
        "access_key_1_last_used": "2025-01-30T08:00:00+00:00",
        "access_key_2_last_used": None,
        "mfa_active": True,
    }


def test_parse_credential_report_never_used_and_no_mfa():
    row = ROOT_ROW.replace("2025-01-31T09:12:45+00:00", "no_information").replace(",true,true,", ",false,false,")
    row = row.replace("2025-01-30T08:00:00+00:00", "N/A")
    parsed = _root.parse_credential_report("\r\n".join([REPORT_HEADER, row]) + "\r\n")
    assert parsed["password_last_used"] is None
    assert parsed["access_key_1_last_used"] is None
    assert parsed["mfa_active"] is False


def test_parse_credential_report_without_root_row():
    with pytest.raises(AccountGuardError, match="no <root_account> row"):
        _root.parse_credential_report("\n".join([REPORT_HEADER, USER_ROW]).encode())


# ---- backoff and polling -----------------------------------------------------------------------

def test_backoff_delays_grow_and_stay_bounded():
    delays = _root.backoff_delays()
    values = list(itertools.islice(delays, 12))
    assert values[0] >= 0.5
    assert all(later >= earlier for earlier, later in zip(values[:4], values[1:5])), values
    assert all(0.5 <= v <= _root.REPORT_POLL_MAX for v in values)


def test_backoff_delays_are_jittered():
    first_pauses = {next(_root.backoff_delays(base=8.0)) for dummy in range(20)}
    assert len(first_pauses) > 1


def add_not_ready(stubber, count, code="ReportInProgress"):
    for dummy in range(count):
        stubber.add_client_error("get_credential_report", service_error_code=code, http_status_code=404 if code == "ReportInProgress" else 410)


def add_report(stubber, rows=(ROOT_ROW,)):
    stubber.add_response(
        "get_credential_report",
        {
            "Content": "\n".join([REPORT_HEADER, *rows]).encode(),
            "ReportFormat": "text/csv",
            "GeneratedTime": datetime.datetime(2025, 2, 1, 10, 0, tzinfo=datetime.timezone.utc),
        },
    )


def test_wait_for_report_ready_at_once(iam, fake_time):
    client, stubber = iam
    stubber.add_response("generate_credential_report", {"State": "COMPLETE"})
    add_report(stubber)
    answer = _root.wait_for_credential_report(client, 60)
    assert b"<root_account>" in answer["Content"]
    assert fake_time.sleeps == []


def test_wait_for_report_polls_with_growing_pauses(iam, fake_time, monkeypatch):
    monkeypatch.setattr(_root, "random", HighRandom)
    client, stubber = iam
    stubber.add_response("generate_credential_report", {"State": "STARTED"})
    add_not_ready(stubber, 1, "ReportNotPresent")
    add_not_ready(stubber, 3, "ReportInProgress")
    add_report(stubber)
    _root.wait_for_credential_report(client, 60)
    assert fake_time.sleeps == [1.0, 2.0, 4.0, 8.0]


def test_wait_for_report_gives_up_at_the_timeout(iam, fake_time, monkeypatch):
    monkeypatch.setattr(_root, "random", HighRandom)
    client, stubber = iam
    stubber.add_response("generate_credential_report", {"State": "STARTED"})
    # t=0 1 3 7 15 31 47 60: eight attempts, the last one exactly at the deadline.
    add_not_ready(stubber, 8)
    with pytest.raises(AccountGuardError, match=r"still not ready after 60 seconds \(8 attempts\)"):
        _root.wait_for_credential_report(client, 60)
    assert fake_time.sleeps == [1.0, 2.0, 4.0, 8.0, 16.0, 16.0, 13.0]
    assert sum(fake_time.sleeps) == 60


def test_wait_for_report_with_real_jitter_never_overshoots(iam, fake_time):
    client, stubber = iam
    stubber.add_response("generate_credential_report", {"State": "INPROGRESS"})
    # At least 60 / 16 pauses; at most 60 / 0.5 would be impossible since pauses double. 40 is plenty.
    for dummy in range(40):
        stubber.add_client_error("get_credential_report", service_error_code="ReportInProgress", http_status_code=404)
    with pytest.raises(AccountGuardError, match="still not ready after 60 seconds"):
        _root.wait_for_credential_report(client, 60)
    assert sum(fake_time.sleeps) == pytest.approx(60)
    growing = fake_time.sleeps[:4]
    assert growing == sorted(growing)
    assert max(fake_time.sleeps) <= _root.REPORT_POLL_MAX
    # drain the unused stubbed answers so the fixture's pending check passes
    stubber._queue.clear()  # pylint: disable=protected-access


def test_wait_for_report_other_errors_fail_at_once(iam, fake_time):
    client, stubber = iam
    stubber.add_response("generate_credential_report", {"State": "STARTED"})
    stubber.add_client_error("get_credential_report", service_error_code="AccessDenied", service_message="no", http_status_code=403)
    with pytest.raises(AccountGuardError, match="Failed to get the credential report"):
        _root.wait_for_credential_report(client, 60)
    assert fake_time.sleeps == []


def test_generate_report_access_denied(iam, fake_time):
    client, stubber = iam
    stubber.add_client_error("generate_credential_report", service_error_code="AccessDenied", http_status_code=403)
    with pytest.raises(AccountGuardError, match="Failed to request a credential report"):
        _root.wait_for_credential_report(client, 60)


# ---- AWS helpers -------------------------------------------------------------------------------

def test_find_root_virtual_mfa_stops_paging_when_found(iam):
    client, stubber = iam
    stubber.add_response(
        "list_virtual_mfa_devices",
        {"VirtualMFADevices": [user_device("alice")], "IsTruncated": True, "Marker": "m1"},
        {"AssignmentStatus": "Assigned"},
    )
    stubber.add_response(
        "list_virtual_mfa_devices",
        {"VirtualMFADevices": [user_device("bob"), root_device("root-phone")], "IsTruncated": True, "Marker": "m2"},
        {"AssignmentStatus": "Assigned", "Marker": "m1"},
    )
    device = _root.find_root_virtual_mfa(client)
    assert device["SerialNumber"] == f"arn:aws:iam::{ACCOUNT}:mfa/root-phone"


def test_find_root_virtual_mfa_reads_every_page_when_absent(iam):
    client, stubber = iam
    stubber.add_response(
        "list_virtual_mfa_devices",
        {"VirtualMFADevices": [user_device("alice")], "IsTruncated": True, "Marker": "m1"},
        {"AssignmentStatus": "Assigned"},
    )
    stubber.add_response(
        "list_virtual_mfa_devices",
        {"VirtualMFADevices": [user_device("bob")], "IsTruncated": False},
        {"AssignmentStatus": "Assigned", "Marker": "m1"},
    )
    assert _root.find_root_virtual_mfa(client) is None


def test_account_summary_error_is_one_clear_error(iam):
    client, stubber = iam
    stubber.add_client_error("get_account_summary", service_error_code="AccessDenied", service_message="not allowed", http_status_code=403)
    with pytest.raises(AccountGuardError, match="Failed to get the IAM account summary"):
        _root.get_account_summary(client)
