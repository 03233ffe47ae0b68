"""The request log: one record per AWS call, secrets redacted, mutating marked, control calls absent."""

from localaws_testutil import code_pair

from localaws.awsrequest import is_mutating, redact


def test_records_redact_secrets(aws):
    iam = aws.client("iam")
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Secret-Passw0rd!", PasswordResetRequired=True)
    created = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-mfa")["VirtualMFADevice"]
    code1, code2 = code_pair(created["Base32StringSeed"])
    iam.enable_mfa_device(UserName="alice", SerialNumber=created["SerialNumber"], AuthenticationCode1=code1, AuthenticationCode2=code2)
    iam.update_login_profile(UserName="alice", Password="Other-Passw0rd!")

    records = aws.control.requests()
    text = repr(records)
    for secret in ("Secret-Passw0rd!", "Other-Passw0rd!", code1, code2, created["Base32StringSeed"].decode()):
        assert secret not in text
    by_action = {r["action"]: r for r in records}
    assert by_action["CreateLoginProfile"]["params"] == {"UserName": "alice", "Password": "<redacted>", "PasswordResetRequired": "true"}
    assert by_action["EnableMFADevice"]["params"]["AuthenticationCode1"] == "<redacted>"
    assert by_action["EnableMFADevice"]["params"]["AuthenticationCode2"] == "<redacted>"
    record = by_action["CreateUser"]
    assert set(record) >= {"seq", "time", "service", "action", "account", "params", "status", "error_code", "mutating"}
    assert (record["service"], record["account"], record["status"], record["error_code"]) == ("iam", "123456789012", 200, None)


def test_mutating_flag(aws):
    iam = aws.client("iam")
    iam.create_user(UserName="alice")
    iam.get_user(UserName="alice")
    iam.list_users()
    iam.get_account_summary()
    iam.generate_credential_report()
    aws.client("sts").get_caller_identity()
    flags = {r["action"]: r["mutating"] for r in aws.control.requests()}
    assert flags == {
        "CreateUser": True, "GetUser": False, "ListUsers": False, "GetAccountSummary": False,
        "GenerateCredentialReport": False, "GetCallerIdentity": False,
    }
    assert [r["action"] for r in aws.control.mutating_requests()] == ["CreateUser"]


def test_failed_calls_are_logged_with_their_code(aws):
    iam = aws.client("iam")
    try:
        iam.get_user(UserName="nobody")
    except iam.exceptions.NoSuchEntityException:
        pass
    (record,) = aws.control.requests()
    assert (record["status"], record["error_code"]) == (404, "NoSuchEntity")


def test_json_protocol_action_from_target_header(aws):
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    org.list_accounts()
    records = [(r["service"], r["action"], r["mutating"]) for r in aws.control.requests()]
    assert records == [("organizations", "CreateOrganization", True), ("organizations", "ListAccounts", False)]


def test_control_calls_not_logged_and_clear(aws):
    aws.client("iam").list_users()
    aws.control.set_root("123456789012", mfa="virtual")
    aws.control.get_faults()
    assert [r["action"] for r in aws.control.requests(clear=True)] == ["ListUsers"]
    assert aws.control.requests() == []
    aws.client("iam").list_users()
    aws.control.clear_requests()
    assert aws.control.requests() == []


def test_classification_helpers():
    assert not is_mutating("AssumeRole") and not is_mutating("GetSessionToken") and not is_mutating("DescribeOrganization")
    assert is_mutating("EnableMFADevice") and is_mutating("TagUser") and is_mutating("GenerateServiceLastAccessedDetails")
    assert not is_mutating(None, "GET") and is_mutating(None, "PUT")
    assert redact({"NewPassword": "x", "Nested": [{"SecretAccessKey": "y"}], "NextToken": "t", "MaxPasswordAge": 90}) == {
        "NewPassword": "<redacted>", "Nested": [{"SecretAccessKey": "<redacted>"}], "NextToken": "<redacted>", "MaxPasswordAge": 90,
    }
