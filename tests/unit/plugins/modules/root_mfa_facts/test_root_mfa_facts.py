"""Unit tests for accountguard.aws.root_mfa_facts: main() end to end, AWS answered by botocore's Stubber.

moto cannot set the root user's state, so every root state is stubbed here; the Stubber also proves the
exact calls (and their number) each state costs: an unexpected call fails the test.
"""

import datetime
import json

import boto3
import pytest
from botocore.stub import Stubber

from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.accountguard.aws.plugins.modules import root_mfa_facts

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"

REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
    "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,"
    "cert_2_last_rotated"
)


def report_row(account=ACCOUNT, password_last_used="2025-01-31T09:12:45+00:00", mfa="true", key1_used="N/A", key2_used="N/A"):
    return (
        f"<root_account>,arn:aws:iam::{account}:root,2020-01-01T00:00:00+00:00,not_supported,{password_last_used},"
        f"not_supported,not_supported,{mfa},false,N/A,{key1_used},N/A,N/A,false,N/A,{key2_used},N/A,N/A,false,N/A,false,N/A"
    )


class AWS:
    """Stubbed IAM and STS clients handed to the module in place of real ones."""

    def __init__(self):
        kwargs = dict(region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        self.raw = {"iam": boto3.client("iam", **kwargs), "sts": boto3.client("sts", **kwargs)}
        self.stubs = {name: Stubber(client) for name, client in self.raw.items()}
        self.created = []

    @property
    def iam(self):
        return self.stubs["iam"]

    @property
    def sts(self):
        return self.stubs["sts"]

    def client(self, service, retry_decorator=None):
        self.created.append(service)
        raw = self.raw[service]
        return raw if retry_decorator is None else RetryingBotoClientWrapper(raw, retry_decorator)

    # ---- canned answers ----
    def summary(self, mfa=0, password=0, keys=0, certs=0):
        summary_map = {
            "AccountMFAEnabled": mfa,
            "AccountPasswordPresent": password,
            "AccountAccessKeysPresent": keys,
            "AccountSigningCertificatesPresent": certs,
        }
        self.iam.add_response("get_account_summary", {"SummaryMap": summary_map}, {})

    def virtual_devices(self, *pages):
        marker = None
        for number, devices in enumerate(pages, 1):
            answer = {"VirtualMFADevices": devices, "IsTruncated": number < len(pages)}
            if number < len(pages):
                answer["Marker"] = f"page{number + 1}"
            expected = {"AssignmentStatus": "Assigned"}
            if marker:
                expected["Marker"] = marker
            self.iam.add_response("list_virtual_mfa_devices", answer, expected)
            marker = answer.get("Marker")

    def caller(self, account=ACCOUNT):
        self.sts.add_response(
            "get_caller_identity", {"Account": account, "Arn": f"arn:aws:iam::{account}:user/ops", "UserId": "AIDAEXAMPLE000000001"}, {}
        )

    def report(self, *rows, state="COMPLETE", not_ready=0):
        self.iam.add_response("generate_credential_report", {"State": state}, {})
        for dummy in range(not_ready):
            self.iam.add_client_error("get_credential_report", service_error_code="ReportInProgress", http_status_code=404)
        content = "\n".join([REPORT_HEADER, *rows]).encode()
        generated = datetime.datetime(2025, 2, 1, 10, 0, tzinfo=datetime.timezone.utc)
        self.iam.add_response("get_credential_report", {"Content": content, "ReportFormat": "text/csv", "GeneratedTime": generated}, {})


def device(name, arn):
    return {
        "SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/{name}",
        # The botocore model wants UserName, Path and a 16+ character UserId; only the Arn matters.
        "User": {"Arn": arn, "UserName": name, "Path": "/", "UserId": "AIDAEXAMPLE000000001", "CreateDate": datetime.datetime(2020, 1, 1)},
        "EnableDate": datetime.datetime(2020, 1, 2),
    }


def root_device(name="root-account-mfa-device", account=ACCOUNT):
    return device(name, f"arn:aws:iam::{account}:root")


def user_device(name):
    return device(name, f"arn:aws:iam::{ACCOUNT}:user/{name}")


@pytest.fixture
def aws(monkeypatch):
    fake = AWS()
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: fake.client(service, retry_decorator))
    for stub in fake.stubs.values():
        stub.activate()
    yield fake
    for stub in fake.stubs.values():
        stub.assert_no_pending_responses()
        stub.deactivate()


def run_module(capsys, check_mode=False, **params):
    args = dict(params, _ansible_check_mode=check_mode, region="us-east-1")
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            root_mfa_facts.main()
    result = json.loads(capsys.readouterr().out)
    result["rc"] = exc.value.code
    return result


def facts(**overrides):
    base = {
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
    base.update(overrides)
    return base


def assert_facts(result, expected):
    assert result["rc"] == 0, result
    assert result["changed"] is False
    assert result["root_mfa"] == expected
    assert result["ansible_facts"] == {"root_mfa": expected}


check_modes = pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check"])


@check_modes
def test_no_mfa_with_password(aws, capsys, check_mode):
    aws.summary(password=1)
    aws.caller()
    result = run_module(capsys, check_mode)
    assert_facts(result, facts(
        password_present=True, credentials_present=True, mfa_applicable=True, compliant=False,
        hardware_mfa_compliant=False, findings=["root user has a password but no MFA"],
    ))
    # MFA off: no ListVirtualMFADevices. GetAccountSummary + GetCallerIdentity.
    assert aws.created == ["iam", "sts"]


@check_modes
def test_no_mfa_with_account_id_given_costs_one_call(aws, capsys, check_mode):
    aws.summary(password=1)
    result = run_module(capsys, check_mode, account_id=ACCOUNT)
    assert result["root_mfa"]["account_id"] == ACCOUNT
    assert result["root_mfa"]["compliant"] is False
    assert aws.created == ["iam"]


@check_modes
def test_virtual_mfa(aws, capsys, check_mode):
    aws.summary(mfa=1, password=1)
    aws.virtual_devices([user_device("alice"), user_device("bob")], [root_device("whatever-name")])
    result = run_module(capsys, check_mode)
    assert_facts(result, facts(
        mfa_enabled=True, mfa_type="virtual", virtual_mfa_serial=f"arn:aws:iam::{ACCOUNT}:mfa/whatever-name",
        password_present=True, credentials_present=True, mfa_applicable=True, compliant=True,
        hardware_mfa_compliant=False, findings=["root user MFA is virtual, not hardware"],
    ))
    # The account id comes from the device's ARN: no STS call.
    assert aws.created == ["iam"]


@check_modes
def test_hardware_mfa(aws, capsys, check_mode):
    aws.summary(mfa=1, password=1)
    aws.virtual_devices([user_device("alice")], [user_device("bob")])
    aws.caller()
    result = run_module(capsys, check_mode)
    assert_facts(result, facts(
        mfa_enabled=True, mfa_type="hardware", password_present=True, credentials_present=True,
        mfa_applicable=True, compliant=True, hardware_mfa_compliant=True,
    ))


@check_modes
def test_access_keys_without_mfa(aws, capsys, check_mode):
    aws.summary(keys=1)
    aws.caller()
    result = run_module(capsys, check_mode)
    assert_facts(result, facts(
        access_keys_present=True, credentials_present=True, mfa_applicable=True, compliant=False,
        hardware_mfa_compliant=False,
        findings=["root user has credentials (access keys or signing certificates) but no MFA", "root user has access keys"],
    ))


@check_modes
def test_signing_certificates_only(aws, capsys, check_mode):
    aws.summary(certs=1)
    aws.caller()
    result = run_module(capsys, check_mode)
    assert result["root_mfa"]["signing_certificates_present"] is True
    assert result["root_mfa"]["compliant"] is False
    assert "root user has signing certificates" in result["root_mfa"]["findings"]


@check_modes
def test_no_credentials_at_all(aws, capsys, check_mode):
    aws.summary()
    aws.caller()
    result = run_module(capsys, check_mode)
    assert_facts(result, facts())


@check_modes
def test_credential_report(aws, capsys, fake_time, check_mode):
    aws.summary(mfa=1, password=1)
    aws.virtual_devices([user_device("alice")])
    aws.report(report_row(key1_used="2025-01-30T08:00:00+00:00"), state="STARTED", not_ready=2)
    result = run_module(capsys, check_mode, credential_report=True)
    assert_facts(result, facts(
        mfa_enabled=True, mfa_type="hardware", password_present=True, credentials_present=True,
        mfa_applicable=True, compliant=True, hardware_mfa_compliant=True,
        password_last_used="2025-01-31T09:12:45+00:00", access_key_1_last_used="2025-01-30T08:00:00+00:00",
        access_key_2_last_used=None, mfa_active=True, credential_report_generated="2025-02-01T10:00:00+00:00",
    ))
    # The account id came from the report's root row: no STS call. Two pauses, the second not shorter.
    assert aws.created == ["iam"]
    assert len(fake_time.sleeps) == 2 and fake_time.sleeps[1] >= fake_time.sleeps[0]


def test_credential_report_no_mfa_never_used(aws, capsys, fake_time):
    aws.summary(password=1)
    aws.report(report_row(password_last_used="no_information", mfa="false"))
    result = run_module(capsys, credential_report=True)
    assert result["root_mfa"]["password_last_used"] is None
    assert result["root_mfa"]["mfa_active"] is False
    assert result["root_mfa"]["compliant"] is False
    assert fake_time.sleeps == []


def test_credential_report_timeout_is_one_clear_error(aws, capsys, fake_time):
    aws.summary()
    aws.iam.add_response("generate_credential_report", {"State": "STARTED"}, {})
    for dummy in range(10):  # more than can fit in 2 s; how many are used depends on the jitter
        aws.iam.add_client_error("get_credential_report", service_error_code="ReportInProgress", http_status_code=404)
    result = run_module(capsys, credential_report=True, credential_report_timeout=2)
    assert result["rc"] == 1
    assert result["failed"] is True
    assert "credential report was still not ready after 2 seconds" in result["msg"]
    assert sum(fake_time.sleeps) == pytest.approx(2)
    aws.iam._queue.clear()  # pylint: disable=protected-access


def test_account_id_mismatch_fails(aws, capsys):
    aws.summary(mfa=1, password=1)
    aws.virtual_devices([root_device(account=OTHER_ACCOUNT)])
    result = run_module(capsys, account_id=ACCOUNT)
    assert result["rc"] == 1
    assert f"account_id is {ACCOUNT}, but the root MFA device" in result["msg"]
    assert f"belongs to account {OTHER_ACCOUNT}" in result["msg"]


def test_aws_error_is_one_clear_failure(aws, capsys):
    aws.iam.add_client_error("get_account_summary", service_error_code="AccessDenied", service_message="no iam:GetAccountSummary", http_status_code=403)
    result = run_module(capsys)
    assert result["rc"] == 1
    assert result["msg"].startswith("Failed to get the IAM account summary")
    assert "no iam:GetAccountSummary" in result["msg"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"account_id": "12345"}, "is not an AWS account id"),
        ({"account_id": "12345678901a"}, "is not an AWS account id"),
        ({"credential_report_timeout": -1}, "credential_report_timeout must be 0 or more"),
    ],
)
def test_bad_input_fails_before_any_call(aws, capsys, params, message):
    result = run_module(capsys, **params)
    assert result["rc"] == 1
    assert message in result["msg"]
    assert aws.created == []
