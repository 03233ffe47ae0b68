"""Unit tests for accountguard.aws.iam_admin_user: main() against moto in-process, in check mode and for real."""

import string

import pytest

from ansible_collections.accountguard.aws.plugins.module_utils._password import SYMBOLS
from ansible_collections.accountguard.aws.plugins.module_utils._sealed import Recipient
from ansible_collections.accountguard.aws.plugins.modules.iam_admin_user import main

CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
READS = {"GetUser", "ListGroupsForUser", "GetLoginProfile", "GetGroup", "GetPolicy", "GetAccountPasswordPolicy"}
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


@pytest.fixture
def admins(iam):
    iam.create_group(GroupName="Administrators")
    return "Administrators"


@pytest.fixture
def run(run_module):
    def runner(**kwargs):
        return run_module(main, **kwargs)

    return runner


def mutating(calls):
    return [c for c in calls.calls if c not in READS]


def user_exists(iam, name="alice"):
    return any(u["UserName"] == name for u in iam.list_users()["Users"])


def login_profile(iam, name="alice"):
    try:
        return iam.get_login_profile(UserName=name)["LoginProfile"]
    except iam.exceptions.NoSuchEntityException:
        return None


def create_alice(run, recipient):
    """Bring alice to the baseline as the action plugin would: first call, store, second call."""
    first = run(name="alice", secret_recipient=recipient.public).result
    password = recipient.open(first["sealed_secret"])["password"]
    second = run(name="alice", secret_recipient=recipient.public, password=password, password_stored=True).result
    return first, second, password


@CHECK_MODES
def test_new_user_gets_group_and_a_sealed_generated_password(iam, admins, run, calls, check_mode):
    recipient = Recipient()
    out = run(check_mode=check_mode, name="alice", tags={"team": "platform"}, secret_recipient=recipient.public)
    result = out.result
    assert result["changed"] is True
    assert result["created"] is True
    assert result["diff"]["before"] == {}
    # Console access comes with the follow-up call once the password is stored (the action plugin merges the diffs).
    assert result["diff"]["after"] == {
        "user_name": "alice", "path": "/", "tags": {"team": "platform"}, "permissions_boundary": None,
        "groups": ["Administrators"], "console_access": check_mode,
    }
    if check_mode:
        assert mutating(calls) == []
        assert not user_exists(iam)
        assert "sealed_secret" not in result
        return
    # The password is generated and sealed, but the login profile waits until it has been stored.
    assert result["pending"] == "store_password"
    assert login_profile(iam) is None
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["Administrators"]
    assert result["account_id"] == "123456789012"
    assert result["sign_in_url"] == "https://123456789012.signin.aws.amazon.com/console"
    password = recipient.open(result["sealed_secret"])["password"]
    assert len(password) == 20
    for chars in (string.ascii_uppercase, string.ascii_lowercase, string.digits, SYMBOLS):
        assert any(c in chars for c in password)
    assert password not in out.stdout


def test_follow_up_call_creates_the_login_profile_with_the_stored_password(iam, admins, run, calls):
    recipient = Recipient()
    first, second, password = create_alice(run, recipient)
    assert second["changed"] is True
    assert "CreateLoginProfile" in calls.calls
    assert login_profile(iam) is not None
    assert second["user"]["console_access"] is True
    assert second["user"]["login_profile"]["password_reset_required"] is True
    assert password not in str(first) + str(second)


def test_a_login_profile_created_by_another_hand_meanwhile_fails_and_says_so(iam, admins, run, calls):
    # Between the two calls (the password was stored on the controller), someone else created the login profile.
    recipient = Recipient()
    first = run(name="alice", secret_recipient=recipient.public).result
    password = recipient.open(first["sealed_secret"])["password"]
    iam.create_login_profile(UserName="alice", Password="Someone-Else's-1!", PasswordResetRequired=False)
    second = run(name="alice", secret_recipient=recipient.public, password=password, password_stored=True).result
    assert second["failed"] is True and second["secret_not_applied"] is True
    assert "was created by someone else while this run stored its generated password" in second["msg"]
    assert "CreateLoginProfile" not in calls.calls and "UpdateLoginProfile" not in calls.calls
    assert password not in str(second)


def test_the_user_a_moment_after_its_creation_may_still_read_as_missing(iam, admins, run, calls, monkeypatch):
    # IAM is eventually consistent: in the call that applies the stored password, GetUser first answers NoSuchEntity.
    import botocore.client
    from botocore.exceptions import ClientError

    recipient = Recipient()
    first = run(name="alice", secret_recipient=recipient.public).result
    password = recipient.open(first["sealed_secret"])["password"]
    original = botocore.client.BaseClient._make_api_call
    missing = ["GetUser"]

    def lagging(self, operation, params):
        if operation in missing:
            missing.remove(operation)
            raise ClientError({"Error": {"Code": "NoSuchEntity", "Message": "The user with name alice cannot be found."}}, operation)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", lagging)
    second = run(name="alice", secret_recipient=recipient.public, password=password, password_stored=True).result
    assert second["changed"] is True and not second.get("failed")
    assert "CreateUser" not in calls.calls and "CreateLoginProfile" in calls.calls
    assert login_profile(iam) is not None


@CHECK_MODES
def test_a_given_password_the_policy_refuses_stops_before_the_user_exists(iam, admins, run, calls, check_mode):
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True)
    result = run(check_mode=check_mode, name="alice", password="Short1abcd").result
    if check_mode:  # check mode creates nothing and asks for no password policy
        assert result["changed"] is True and mutating(calls) == []
        return
    assert result["failed"] is True
    assert ("The password given for IAM user 'alice' does not meet the account's password policy: it is shorter than the 14 "
            "characters the password policy requires; the password policy requires a symbol") in result["msg"]
    assert "Short1abcd" not in str(result) and mutating(calls) == [] and not user_exists(iam)


def test_without_an_account_policy_a_given_password_meets_iams_default(iam, admins, run, calls):
    result = run(name="alice", password="alllowercase").result
    assert result["failed"] is True and "IAM's default policy requires three of" in result["msg"]
    assert mutating(calls) == [] and not user_exists(iam)


def test_generated_password_honours_the_account_policy_length(iam, admins, run):
    iam.update_account_password_policy(MinimumPasswordLength=42, RequireSymbols=True)
    recipient = Recipient()
    result = run(name="alice", secret_recipient=recipient.public).result
    assert len(recipient.open(result["sealed_secret"])["password"]) == 42


@CHECK_MODES
def test_steady_state_is_three_reads_and_no_change(iam, admins, run, calls, check_mode):
    create_alice(run, Recipient())
    result = run(check_mode=check_mode, name="alice", secret_recipient=Recipient().public).result
    assert result["changed"] is False
    assert result["created"] is False
    assert sorted(calls.calls) == ["GetLoginProfile", "GetUser", "ListGroupsForUser"]
    assert result["diff"]["before"] == result["diff"]["after"]
    assert "pending" not in result


@CHECK_MODES
def test_password_changed_at_first_sign_in_is_not_drift(iam, admins, run, calls, check_mode):
    create_alice(run, Recipient())
    # What IAM records when alice signs in and sets her own password.
    iam.update_login_profile(UserName="alice", Password="Alice-0wn-Chosen-Passw0rd", PasswordResetRequired=False)
    result = run(check_mode=check_mode, name="alice").result
    assert result["changed"] is False
    assert result["user"]["login_profile"]["password_reset_required"] is False
    assert mutating(calls) == []


def test_without_a_vault_the_run_stops_before_creating_anything(iam, admins, run, calls):
    out = run(name="alice")
    assert out.result["failed"] is True
    assert "no vault secret is configured" in out.result["msg"]
    assert "alice" in out.result["msg"]
    assert mutating(calls) == []
    assert not user_exists(iam)


def test_without_a_vault_check_mode_still_reports_the_pending_user(iam, admins, run, calls):
    result = run(check_mode=True, name="alice").result
    assert result["changed"] is True
    assert mutating(calls) == []


@pytest.mark.parametrize(
    "args, words",
    [
        ({"name": "a" * 65}, ["65 characters", "at most 64"]),
        ({"name": "bad name!"}, ["user name", "characters IAM does not allow"]),
        ({"name": "ålice"}, ["user name", "'ålice' has characters IAM does not allow"]),  # IAM names are ASCII
        ({"name": "alice", "path": "no-slashes"}, ["path", "not a valid IAM path"]),
        ({"name": "alice", "groups": ["Admins#1"]}, ["group name", "Admins#1"]),
        ({"name": "alice", "permissions_boundary": "AdministratorAccess"}, ["permissions_boundary", "not a managed policy ARN"]),
        ({"name": "alice", "console_access": False, "password": "Xy1!xy1!xy1!xy1!"}, ["console_access is false"]),
        ({"name": "alice", "min_password_length": 5}, ["min_password_length must be from 8 (IAM's default password policy) to 128, not 5"]),
    ],
)
def test_bad_input_fails_before_any_aws_call(iam, run, calls, args, words):
    out = run(secret_recipient=Recipient().public, **args)
    assert out.result["failed"] is True
    for word in words:
        assert word in out.result["msg"]
    assert "Nothing was changed" in out.result["msg"]
    assert calls.calls == []


@CHECK_MODES
def test_unknown_group_fails_with_no_mutating_call(iam, admins, run, calls, check_mode):
    out = run(check_mode=check_mode, name="alice", groups=["Administrators", "NoSuchGroup"], secret_recipient=Recipient().public)
    assert out.result["failed"] is True
    assert "NoSuchGroup" in out.result["msg"] and "'alice'" in out.result["msg"]
    assert mutating(calls) == []
    assert not user_exists(iam)


def test_unknown_permissions_boundary_fails_with_no_mutating_call(iam, admins, run, calls):
    boundary = "arn:aws:iam::123456789012:policy/DoesNotExist"
    out = run(name="alice", permissions_boundary=boundary, secret_recipient=Recipient().public)
    assert out.result["failed"] is True
    assert boundary in out.result["msg"]
    assert mutating(calls) == []


@CHECK_MODES
def test_console_access_false_removes_the_login_profile(iam, admins, run, calls, check_mode):
    create_alice(run, Recipient())
    result = run(check_mode=check_mode, name="alice", console_access=False).result
    assert result["changed"] is True
    assert result["diff"]["before"]["console_access"] is True
    assert result["diff"]["after"]["console_access"] is False
    assert (login_profile(iam) is None) is (not check_mode)


@CHECK_MODES
def test_update_password_always_resets_an_existing_password(iam, admins, run, calls, check_mode):
    create_alice(run, Recipient())
    new_password = "N3w-Passw0rd-For-Alice!"
    out = run(check_mode=check_mode, name="alice", password=new_password, update_password="always")
    assert out.result["changed"] is True
    assert ("UpdateLoginProfile" in calls.calls) is (not check_mode)
    assert new_password not in out.stdout


def test_on_create_never_resets_an_existing_password(iam, admins, run, calls):
    create_alice(run, Recipient())
    out = run(name="alice", password="An0ther-Passw0rd-Here!")
    assert out.result["changed"] is False
    assert "UpdateLoginProfile" not in calls.calls


@CHECK_MODES
def test_tags_and_groups_merge_unless_purged(iam, admins, run, calls, check_mode):
    iam.create_group(GroupName="Auditors")
    create_alice(run, Recipient())
    iam.tag_user(UserName="alice", Tags=[{"Key": "added-by", "Value": "someone-else"}])
    iam.add_user_to_group(UserName="alice", GroupName="Auditors")
    kept = run(check_mode=check_mode, name="alice").result
    assert kept["changed"] is False
    purged = run(check_mode=check_mode, name="alice", purge_tags=True, tags={}, purge_groups=True).result
    assert purged["changed"] is True
    assert purged["diff"]["after"]["tags"] == {}
    assert purged["diff"]["after"]["groups"] == ["Administrators"]
    if not check_mode:
        assert iam.list_user_tags(UserName="alice")["Tags"] == []
        assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["Administrators"]


@CHECK_MODES
def test_purge_tags_without_tags_leaves_the_tags_alone(iam, admins, run, calls, check_mode):
    # As amazon.aws documents purge_tags: without `tags`, nothing happens to the user's tags.
    create_alice(run, Recipient())
    iam.tag_user(UserName="alice", Tags=[{"Key": "owner", "Value": "team-a"}])
    result = run(check_mode=check_mode, name="alice", purge_tags=True).result
    assert result["changed"] is False
    assert result["diff"]["after"]["tags"] == result["diff"]["before"]["tags"] == {"owner": "team-a"}
    assert "UntagUser" not in calls.calls
    assert iam.list_user_tags(UserName="alice")["Tags"] == [{"Key": "owner", "Value": "team-a"}]


@CHECK_MODES
def test_absent_removes_everything_so_the_user_can_be_recreated(iam, admins, run, calls, check_mode):
    create_alice(run, Recipient())
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"], AuthenticationCode1="123456", AuthenticationCode2="234567")
    iam.create_access_key(UserName="alice")
    iam.attach_user_policy(UserName="alice", PolicyArn=f"arn:aws:iam::123456789012:policy/{make_policy(iam)}")
    iam.put_user_policy(UserName="alice", PolicyName="inline", PolicyDocument=POLICY_DOCUMENT)
    result = run(check_mode=check_mode, name="alice", state="absent").result
    assert result["changed"] is True
    assert result["diff"]["after"] == {}
    if check_mode:
        assert mutating(calls) == []
        assert user_exists(iam)
        return
    assert not user_exists(iam)
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    again = run(name="alice", state="absent").result
    assert again["changed"] is False
    create_alice(run, Recipient())
    assert user_exists(iam)


POLICY_DOCUMENT = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}'


def make_policy(iam):
    iam.create_policy(PolicyName="extra", PolicyDocument=POLICY_DOCUMENT)
    return "extra"


def test_result_and_invocation_never_hold_a_given_password(iam, admins, run):
    password = "Giv3n-Password-Alice!"
    out = run(name="alice", password=password, secret_recipient=Recipient().public)
    assert out.result["changed"] is True
    assert password not in out.stdout
    assert out.result["invocation"]["module_args"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
