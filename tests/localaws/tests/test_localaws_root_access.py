"""Centralized root access: IAM's organization features, STS AssumeRoot and the privileged root sessions.

boto3 only. The state a root session changes is checked twice: through the control endpoint and through
IAM itself (GetAccountSummary, ListVirtualMFADevices, the credential report) with an admin key of the member
account, never through the session that changed it.
"""

import csv
import io
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError

from localaws_testutil import NO_RETRIES

MANAGEMENT = "123456789012"  # the default `testing` key's account (moto's user "moto")
IAM_PRINCIPAL = "iam.amazonaws.com"
TASKS = "arn:aws:iam::aws:policy/root-task/"
AUDIT = TASKS + "IAMAuditRootUserCredentials"
DELETE = TASKS + "IAMDeleteRootUserCredentials"
CREATE_PASSWORD = TASKS + "IAMCreateRootUserPassword"
S3_UNLOCK = TASKS + "S3UnlockBucketPolicy"
CREDENTIALS = "RootCredentialsManagement"
SESSIONS = "RootSessions"
ENABLE = {CREDENTIALS: "enable_organizations_root_credentials_management", SESSIONS: "enable_organizations_root_sessions"}
DISABLE = {CREDENTIALS: "disable_organizations_root_credentials_management", SESSIONS: "disable_organizations_root_sessions"}
ALL_CALLS = ("list_organizations_features", *ENABLE.values(), *DISABLE.values())
NOT_MANAGEMENT = "AccountNotManagementOrDelegatedAdministratorException"


def _error(call, **kwargs):
    """(code, HTTP status, message) of a call that must fail."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    response = info.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def _organization(aws, members=2, trusted=True, features=(), feature_set="ALL"):
    """An organization of the default account with member accounts; returns (org id, [member ids])."""
    org = aws.client("organizations")
    org_id = org.create_organization(FeatureSet=feature_set)["Organization"]["Id"]
    ids = [org.create_account(AccountName=f"member{n}", Email=f"member{n}@example.com")["CreateAccountStatus"]["AccountId"]
           for n in range(members)]
    if trusted:
        org.enable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL)
    iam = aws.client("iam")
    for feature in features:
        getattr(iam, ENABLE[feature])()
    return org_id, ids


def _delegate(aws, account):
    aws.client("organizations").register_delegated_administrator(AccountId=account, ServicePrincipal=IAM_PRINCIPAL)


def _features(iam):
    return iam.list_organizations_features()["EnabledFeatures"]


def _session(aws, service, credentials):
    return boto3.client(service, endpoint_url=aws.url, region_name="us-east-1", config=NO_RETRIES,
                        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                        aws_session_token=credentials["SessionToken"])


def _assume_root(sts, target, policy=AUDIT, **kwargs):
    return sts.assume_root(TargetPrincipal=target, TaskPolicyArn={"arn": policy}, **kwargs)["Credentials"]


def _root_iam(aws, target, policy):
    """An IAM client of a root session in the target account (started by the management account)."""
    return _session(aws, "iam", _assume_root(aws.client("sts"), target, policy))


def _admin(aws, account, service="iam"):
    """A normal admin client of an account (AssumeRole), independent of any root session."""
    return aws.client(service, account_id=account, role_name="x", config=NO_RETRIES)


# ---- IAM organization features ----

def test_features_enable_list_disable_per_organization(aws):
    org_id, dummy = _organization(aws)
    iam = aws.client("iam")
    assert _features(iam) == []
    answer = iam.enable_organizations_root_sessions()
    assert (answer["OrganizationId"], answer["EnabledFeatures"]) == (org_id, [SESSIONS])
    assert iam.enable_organizations_root_credentials_management()["EnabledFeatures"] == [CREDENTIALS, SESSIONS]
    assert iam.enable_organizations_root_sessions()["EnabledFeatures"] == [CREDENTIALS, SESSIONS]  # unchanged
    assert _features(iam) == [CREDENTIALS, SESSIONS]
    other = aws.client("organizations", account_id="222222222222")  # an account outside, with its own organization
    other_id = other.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    other.enable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL)
    other_iam = aws.client("iam", account_id="222222222222")
    assert other_iam.list_organizations_features() | {"ResponseMetadata": None} == {
        "OrganizationId": other_id, "EnabledFeatures": [], "ResponseMetadata": None}
    assert iam.disable_organizations_root_sessions()["EnabledFeatures"] == [CREDENTIALS]
    assert iam.disable_organizations_root_sessions()["EnabledFeatures"] == [CREDENTIALS]  # unchanged
    assert iam.disable_organizations_root_credentials_management()["EnabledFeatures"] == []
    assert _features(iam) == []
    records = [r for r in aws.control.requests() if r["service"] == "iam"]
    assert {r["action"]: r["mutating"] for r in records} == {
        "ListOrganizationsFeatures": False, "EnableOrganizationsRootSessions": True,
        "EnableOrganizationsRootCredentialsManagement": True, "DisableOrganizationsRootSessions": True,
        "DisableOrganizationsRootCredentialsManagement": True}


def test_features_reset(aws):
    _organization(aws, features=(CREDENTIALS,))
    aws.control.reset()
    _organization(aws)
    assert _features(aws.client("iam")) == []


@pytest.mark.parametrize("call", ALL_CALLS)
def test_features_need_trusted_access_for_iam(aws, call):
    dummy, members = _organization(aws, trusted=False)
    iam = aws.client("iam", config=NO_RETRIES)
    code, status, message = _error(getattr(iam, call))
    assert (code, status) == ("ServiceAccessNotEnabledException", 400)
    assert "trusted access is not enabled for IAM" in message
    # checked before the caller: a member account gets the same answer
    assert _error(getattr(_admin(aws, members[0]), call))[:2] == ("ServiceAccessNotEnabledException", 400)
    org = aws.client("organizations")
    org.enable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL)
    getattr(iam, call)()
    org.disable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL)
    assert _error(getattr(iam, call))[0] == "ServiceAccessNotEnabledException"


@pytest.mark.parametrize("call", ALL_CALLS)
def test_features_without_an_organization_or_all_features(aws, call):
    iam = aws.client("iam", config=NO_RETRIES)
    assert _error(getattr(iam, call))[:2] == ("OrganizationNotFoundException", 400)
    _organization(aws, trusted=False, feature_set="CONSOLIDATED_BILLING")
    assert _error(getattr(iam, call))[:2] == ("OrganizationNotInAllFeaturesModeException", 400)


def test_delegated_administrator_lists_and_disables_but_does_not_enable(aws):
    org_id, (delegate, member) = _organization(aws, features=(CREDENTIALS, SESSIONS))
    _delegate(aws, delegate)
    iam = _admin(aws, delegate)
    assert iam.list_organizations_features()["OrganizationId"] == org_id
    assert _features(iam) == [CREDENTIALS, SESSIONS]
    assert iam.disable_organizations_root_sessions()["EnabledFeatures"] == [CREDENTIALS]
    for call in ENABLE.values():
        code, status, message = _error(getattr(iam, call))
        assert (code, status) == ("CallerIsNotManagementAccountException", 400)
        assert "not the management account for the organization" in message
    assert _features(aws.client("iam")) == [CREDENTIALS]
    other = _admin(aws, member)
    for call in ALL_CALLS:
        code, status, message = _error(getattr(other, call))
        assert (code, status) == (NOT_MANAGEMENT, 400), call
        assert "not the management account or delegated administrator" in message
    assert _features(aws.client("iam")) == [CREDENTIALS]


# ---- STS AssumeRoot ----

def test_assume_root_gives_root_credentials_of_the_member(aws):
    dummy, (member, dummy_other) = _organization(aws, features=(CREDENTIALS,))
    aws.control.clear_requests()
    before = datetime.now(timezone.utc)
    credentials = _assume_root(aws.client("sts"), f"arn:aws:iam::{member}:root", AUDIT, DurationSeconds=300)
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert before + timedelta(seconds=290) <= credentials["Expiration"] <= before + timedelta(seconds=310)
    identity = _session(aws, "sts", credentials).get_caller_identity()
    assert (identity["Account"], identity["Arn"], identity["UserId"]) == (member, f"arn:aws:iam::{member}:root", member)
    records = aws.control.requests()
    assert [(r["action"], r["account"], r["mutating"], r["status"]) for r in records] == [
        ("AssumeRoot", MANAGEMENT, False, 200), ("GetCallerIdentity", member, False, 200)]
    assert records[0]["params"]["TargetPrincipal"] == f"arn:aws:iam::{member}:root"
    assert records[0]["params"]["TaskPolicyArn.arn"] == AUDIT
    default = _assume_root(aws.client("sts"), member)["Expiration"]  # 900 s by default
    assert before + timedelta(seconds=890) <= default <= datetime.now(timezone.utc) + timedelta(seconds=910)


def test_delegated_administrator_assumes_root_of_another_member(aws):
    dummy, (delegate, member) = _organization(aws, features=(CREDENTIALS,))
    _delegate(aws, delegate)
    credentials = _assume_root(_admin(aws, delegate, "sts"), member)
    assert _session(aws, "sts", credentials).get_caller_identity()["Account"] == member


def _denied_assume_root(sts, target, policy=AUDIT):
    code, status, message = _error(sts.assume_root, TargetPrincipal=target, TaskPolicyArn={"arn": policy})
    assert (code, status) == ("AccessDenied", 403)
    return message


def test_assume_root_needs_the_tasks_feature(aws):
    dummy, (member, dummy_other) = _organization(aws)
    sts = aws.client("sts", config=NO_RETRIES)
    message = _denied_assume_root(sts, member)
    assert "RootCredentialsManagement" in message and "is not enabled" in message
    assert message.startswith(f"User: arn:aws:sts::{MANAGEMENT}:user/moto is not authorized to perform: sts:AssumeRoot "
                              f"on resource: arn:aws:iam::{member}:root")
    aws.client("iam").enable_organizations_root_credentials_management()
    for policy in (AUDIT, DELETE, CREATE_PASSWORD):
        _assume_root(sts, member, policy)
    assert "RootSessions" in _denied_assume_root(sts, member, S3_UNLOCK)
    aws.client("iam").enable_organizations_root_sessions()
    _assume_root(sts, member, S3_UNLOCK)
    _assume_root(sts, member, TASKS + "SQSUnlockQueuePolicy")
    aws.client("iam").disable_organizations_root_credentials_management()
    assert "RootCredentialsManagement" in _denied_assume_root(sts, member, DELETE)


def test_assume_root_only_for_member_accounts_of_the_callers_organization(aws):
    dummy, (member, other) = _organization(aws, features=(CREDENTIALS, SESSIONS))
    sts = aws.client("sts", config=NO_RETRIES)
    message = _denied_assume_root(sts, MANAGEMENT)
    assert "only for member accounts" in message and f"resource: arn:aws:iam::{MANAGEMENT}:root" in message
    outside = "222222222222"
    assert f"{outside} is not a member account" in _denied_assume_root(sts, outside)
    message = _denied_assume_root(_admin(aws, member, "sts"), other)  # a member, not the delegated administrator
    assert "neither the management account" in message and f"sts:AssumeRoot on resource: arn:aws:iam::{other}:root" in message
    message = _denied_assume_root(aws.client("sts", account_id=outside, config=NO_RETRIES), member)  # in no organization
    assert "is in no organization" in message
    records = [r for r in aws.control.requests() if r["action"] == "AssumeRoot"]
    assert [(r["status"], r["error_code"], r["mutating"]) for r in records] == [(403, "AccessDenied", False)] * 4


# case: AssumeRoot arguments that AWS rejects as invalid
INVALID = {
    "policy_not_a_task": {"TaskPolicyArn": {"arn": "arn:aws:iam::aws:policy/AdministratorAccess"}},
    "policy_unknown_task": {"TaskPolicyArn": {"arn": TASKS + "IAMDoEverything"}},
    "policy_other_path": {"TaskPolicyArn": {"arn": "arn:aws:iam::aws:policy/IAMAuditRootUserCredentials"}},
    "duration_above_900": {"DurationSeconds": 901},
    "target_not_an_account": {"TargetPrincipal": "arn:aws:iam::111111111111:user/alice"},
    "target_short": {"TargetPrincipal": "1234567890123"},
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_assume_root_invalid_arguments(aws, case):
    dummy, (member, dummy_other) = _organization(aws, features=(CREDENTIALS, SESSIONS))
    kwargs = {"TargetPrincipal": member, "TaskPolicyArn": {"arn": AUDIT}, **INVALID[case]}
    code, status, message = _error(aws.client("sts", config=NO_RETRIES).assume_root, **kwargs)
    assert (code, status) == ("ValidationError", 400), message
    assert not [r for r in aws.control.requests() if r["status"] == 200 and r["action"] == "AssumeRoot"]


# ---- the root session ----

def _report(iam):
    """The credential report's rows by user, read with a normal admin key."""
    iam.generate_credential_report()
    content = iam.get_credential_report()["Content"].decode("utf-8")
    return {row["user"]: row for row in csv.DictReader(io.StringIO(content))}


def _summary(iam):
    keys = ("AccountMFAEnabled", "AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent",
            "MFADevices", "MFADevicesInUse")
    summary = iam.get_account_summary()["SummaryMap"]
    return tuple(summary[key] for key in keys)


def _root_virtual_devices(iam, member, status):
    devices = iam.list_virtual_mfa_devices(AssignmentStatus=status)["VirtualMFADevices"]
    return [d["SerialNumber"] for d in devices if d["SerialNumber"].startswith(f"arn:aws:iam::{member}:mfa/root")]


def test_audit_session_lists_root_credentials_and_changes_nothing(aws):
    dummy, (member, dummy_other) = _organization(aws, features=(CREDENTIALS,))
    state = aws.control.set_root(member, mfa="virtual", access_keys=2, signing_certificates=True)
    iam = _root_iam(aws, member, AUDIT)
    user = iam.get_user()["User"]
    assert (user["UserId"], user["Arn"]) == (member, f"arn:aws:iam::{member}:root")
    assert "CreateDate" in iam.get_login_profile()["LoginProfile"]
    keys = [k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]]
    assert len(keys) == 2 and len(set(keys)) == 2 and all(k.startswith("AKIA") and len(k) == 20 for k in keys)
    assert [k["AccessKeyId"] for k in _root_iam(aws, member, AUDIT).list_access_keys()["AccessKeyMetadata"]] == keys  # stable
    assert iam.get_access_key_last_used(AccessKeyId=keys[0])["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    assert len(iam.list_signing_certificates()["Certificates"]) == 1
    (device,) = iam.list_mfa_devices()["MFADevices"]
    assert device["SerialNumber"] == f"arn:aws:iam::{member}:mfa/root-account-mfa-device"
    assert _summary(iam)[:4] == (1, 1, 1, 1)
    aws.control.clear_requests()
    code, status, message = _error(iam.delete_login_profile)
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f"User: arn:aws:iam::{member}:root is not authorized to perform: iam:DeleteLoginProfile on resource: "
                       f"arn:aws:iam::{member}:root with an explicit deny in a session policy")
    assert _error(iam.delete_access_key, AccessKeyId=keys[0])[:2] == ("AccessDenied", 403)
    assert aws.control.get_root(member) == state
    assert len(iam.list_access_keys()["AccessKeyMetadata"]) == 2
    records = aws.control.requests()
    assert [(r["action"], r["account"], r["status"], r["error_code"]) for r in records[:2]] == [
        ("DeleteLoginProfile", member, 403, "AccessDenied"), ("DeleteAccessKey", member, 403, "AccessDenied")]


def test_delete_session_deletes_every_root_credential(aws):
    dummy, (member, dummy_other) = _organization(aws, features=(CREDENTIALS,))
    aws.control.set_root(member, mfa="virtual", access_keys=2, signing_certificates=True)
    admin = _admin(aws, member)
    aws.control.set_report_delay(0)
    assert _summary(admin) == (1, 1, 1, 1, 1, 1)
    row = _report(admin)["<root_account>"]
    assert (row["mfa_active"], row["access_key_1_active"], row["access_key_2_active"], row["cert_1_active"]) == ("true",) * 4
    iam = _root_iam(aws, member, DELETE)

    iam.delete_login_profile()
    assert _error(iam.get_login_profile)[:2] == ("NoSuchEntity", 404)
    assert _error(iam.delete_login_profile)[:2] == ("NoSuchEntity", 404)
    deleted = [k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]]
    assert len(deleted) == 2
    for key in deleted:
        iam.delete_access_key(AccessKeyId=key)
        assert key not in [k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]]
    assert iam.list_access_keys()["AccessKeyMetadata"] == []
    (cert,) = iam.list_signing_certificates()["Certificates"]
    iam.delete_signing_certificate(CertificateId=cert["CertificateId"])
    assert iam.list_signing_certificates()["Certificates"] == []

    (device,) = iam.list_mfa_devices()["MFADevices"]
    serial = device["SerialNumber"]
    assert _error(iam.delete_virtual_mfa_device, SerialNumber=serial)[:2] == ("DeleteConflict", 409)
    assert _error(iam.deactivate_mfa_device, SerialNumber=serial + "-other")[:2] == ("NoSuchEntity", 404)
    iam.deactivate_mfa_device(SerialNumber=serial)
    assert iam.list_mfa_devices()["MFADevices"] == []
    assert _root_virtual_devices(admin, member, "Unassigned") == [serial]
    assert _root_virtual_devices(admin, member, "Any") == [serial]
    assert _root_virtual_devices(admin, member, "Assigned") == []
    assert _summary(admin) == (0, 0, 0, 0, 1, 0)  # the unassigned device still counts as a device
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert _root_virtual_devices(admin, member, "Any") == []

    assert aws.control.get_root(member) | {"virtual_device_name": None} == {
        "mfa": "none", "password": False, "access_keys": 0, "signing_certificates": False,
        "virtual_device_name": None, "password_last_used": None}
    assert _summary(admin) == (0, 0, 0, 0, 0, 0)
    row = _report(admin)["<root_account>"]
    assert (row["mfa_active"], row["password_last_used"], row["access_key_1_active"], row["access_key_2_active"],
            row["cert_1_active"]) == ("false", "N/A", "false", "false", "false")
    # the key numbers are not reused: keys given to root again have new ids
    aws.control.set_root(member, access_keys=1)
    (fresh,) = iam.list_access_keys()["AccessKeyMetadata"]
    assert fresh["AccessKeyId"] not in deleted


def test_delete_session_deactivates_hardware_mfa(aws):
    dummy, (member, dummy_other) = _organization(aws, features=(CREDENTIALS,))
    aws.control.set_root(member, mfa="hardware")
    admin = _admin(aws, member)
    assert _summary(admin)[0] == 1
    iam = _root_iam(aws, member, DELETE)
    (device,) = iam.list_mfa_devices()["MFADevices"]
    assert not device["SerialNumber"].startswith("arn:")
    iam.deactivate_mfa_device(SerialNumber=device["SerialNumber"])
    assert aws.control.get_root(member)["mfa"] == "none"
    assert _summary(admin)[0] == 0 and _summary(admin)[4] == 0
    assert _root_virtual_devices(admin, member, "Any") == []


def test_create_password_session(aws):
    dummy, (member, dummy_other) = _organization(aws, features=(CREDENTIALS,))
    aws.control.set_root(member, credentials=False)
    iam = _root_iam(aws, member, CREATE_PASSWORD)
    assert _error(iam.get_login_profile)[0] == "NoSuchEntity"
    iam.create_login_profile()
    assert aws.control.get_root(member)["password"] is True
    assert _error(iam.create_login_profile)[:2] == ("EntityAlreadyExists", 409)
    assert _error(iam.list_access_keys)[:2] == ("AccessDenied", 403)


def test_session_denies_iam_users_and_other_actions(aws):
    dummy, (member, dummy_other) = _organization(aws, features=(CREDENTIALS,))
    admin = _admin(aws, member)
    admin.create_user(UserName="alice")
    alice_key = admin.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    iam = _root_iam(aws, member, DELETE)
    aws.control.clear_requests()
    code, status, message = _error(iam.list_access_keys, UserName="alice")
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f"User: arn:aws:iam::{member}:root is not authorized to perform: iam:ListAccessKeys on resource: "
                       f"arn:aws:iam::{member}:user/alice with an explicit deny in a session policy")
    assert _error(iam.delete_access_key, UserName="alice", AccessKeyId=alice_key)[:2] == ("AccessDenied", 403)
    assert "user/alice" in _error(iam.delete_access_key, AccessKeyId=alice_key)[2]
    code, status, message = _error(iam.create_user, UserName="mallory")
    assert (code, status) == ("AccessDenied", 403)
    assert f"iam:CreateUser on resource: arn:aws:iam::{member}:user/mallory" in message
    assert _error(iam.get_account_summary)[:2] == ("AccessDenied", 403)  # not in the delete task's policy
    assert [k["AccessKeyId"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]] == [alice_key]
    assert [u["UserName"] for u in admin.list_users()["Users"]] == ["alice"]
    records = aws.control.requests()
    assert [(r["action"], r["error_code"]) for r in records[:5]] == [
        ("ListAccessKeys", "AccessDenied"), ("DeleteAccessKey", "AccessDenied"), ("DeleteAccessKey", "AccessDenied"),
        ("CreateUser", "AccessDenied"), ("GetAccountSummary", "AccessDenied")]


def test_session_denies_other_services_in_their_format(aws):
    dummy, (member, dummy_other) = _organization(aws, features=(CREDENTIALS,))
    credentials = _assume_root(aws.client("sts"), member, AUDIT)
    code, status, message = _error(_session(aws, "sts", credentials).get_session_token)
    assert (code, status) == ("AccessDenied", 403) and "sts:GetSessionToken" in message
    code, status, message = _error(_session(aws, "organizations", credentials).describe_organization)
    assert (code, status) == ("AccessDenied", 403) and "organizations:DescribeOrganization" in message


def test_expired_session(aws):
    dummy, (member, dummy_other) = _organization(aws, features=(CREDENTIALS,))
    credentials = _assume_root(aws.client("sts"), member, AUDIT, DurationSeconds=0)
    for call in (_session(aws, "iam", credentials).get_user, _session(aws, "sts", credentials).get_caller_identity):
        code, status, message = _error(call)
        assert (code, status, message) == ("ExpiredToken", 403, "The security token included in the request is expired")


def test_reset_forgets_root_sessions(aws):
    dummy, (member, dummy_other) = _organization(aws, features=(CREDENTIALS,))
    credentials = _assume_root(aws.client("sts"), member, AUDIT)
    aws.control.reset()
    identity = _session(aws, "sts", credentials).get_caller_identity()
    assert identity["Arn"] != f"arn:aws:iam::{member}:root"


def test_s3_unlock_session_allows_only_bucket_policy_calls(aws):
    dummy, (member, dummy_other) = _organization(aws, features=(SESSIONS,))
    admin_s3 = aws.client("s3", account_id=member, role_name="x")
    admin_s3.create_bucket(Bucket="locked")
    s3 = _session(aws, "s3", _assume_root(aws.client("sts"), member, S3_UNLOCK))
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["locked"]
    s3.delete_bucket_policy(Bucket="locked")
    code, status, message = _error(s3.create_bucket, Bucket="other")
    assert (code, status) == ("AccessDenied", 403) and "s3:CreateBucket" in message
    assert [b["Name"] for b in admin_s3.list_buckets()["Buckets"]] == ["locked"]
    assert _error(_session(aws, "sqs", _assume_root(aws.client("sts"), member, S3_UNLOCK)).list_queues)[:2] == ("AccessDenied", 403)
