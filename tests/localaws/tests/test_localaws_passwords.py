"""CreateLoginProfile keeps PasswordResetRequired; the password policy (custom or AWS default) is enforced."""

import pytest
from botocore.exceptions import ClientError

from localaws_testutil import error_code


@pytest.fixture
def iam(aws):
    client = aws.client("iam")
    client.create_user(UserName="alice")
    return client


def _violation(iam, password, call="create_login_profile"):
    with pytest.raises(ClientError) as info:
        getattr(iam, call)(UserName="alice", Password=password)
    error = info.value.response["Error"]
    assert error["Code"] == "PasswordPolicyViolation"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Message"]


@pytest.mark.parametrize("required", [True, False])
def test_create_login_profile_keeps_password_reset_required(iam, required):
    created = iam.create_login_profile(UserName="alice", Password="Initial-Passw0rd!", PasswordResetRequired=required)
    assert created["LoginProfile"]["PasswordResetRequired"] is required
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is required


def test_failed_create_does_not_change_existing_profile(iam):
    iam.create_login_profile(UserName="alice", Password="Initial-Passw0rd!", PasswordResetRequired=False)
    assert error_code(iam.create_login_profile, UserName="alice", Password="Other-Passw0rd!", PasswordResetRequired=True) == "EntityAlreadyExists"
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False


def test_custom_policy_minimum_length(iam):
    iam.update_account_password_policy(MinimumPasswordLength=20)
    assert "minimum length of 20" in _violation(iam, "Short-Passw0rd!")
    iam.create_login_profile(UserName="alice", Password="Long-Enough-Passw0rd!")


def test_custom_policy_missing_character_classes(iam):
    iam.update_account_password_policy(
        MinimumPasswordLength=8, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
    )
    assert "at least one symbol" in _violation(iam, "NoSymbols123")
    assert "at least one number" in _violation(iam, "No-Numbers!")
    assert "at least one uppercase letter" in _violation(iam, "no-upper-1!")
    assert "at least one lowercase letter" in _violation(iam, "NO-LOWER-1!")
    iam.create_login_profile(UserName="alice", Password="All-Classes-1!")


def test_aws_default_policy_without_account_policy(iam):
    assert "minimum length of 8" in _violation(iam, "Ab1!")
    assert "at least 3 of" in _violation(iam, "onlylowercase")
    assert "at least 3 of" in _violation(iam, "lower-and-symbols")
    iam.create_login_profile(UserName="alice", Password="lower-and-1234")  # three classes are enough


def test_custom_policy_replaces_default(iam):
    iam.update_account_password_policy(MinimumPasswordLength=6)
    iam.create_login_profile(UserName="alice", Password="simple")


def test_update_login_profile(iam):
    iam.update_account_password_policy(MinimumPasswordLength=12)
    iam.create_login_profile(UserName="alice", Password="Initial-Passw0rd!", PasswordResetRequired=True)
    assert "minimum length of 12" in _violation(iam, "Sh0rt!", call="update_login_profile")
    iam.update_login_profile(UserName="alice", PasswordResetRequired=False)  # no password: only the flag changes
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False
    iam.update_login_profile(UserName="alice", Password="Another-Passw0rd!")
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False
    assert error_code(iam.update_login_profile, UserName="nobody", Password="Another-Passw0rd!") == "NoSuchEntity"


def test_a_password_can_be_checked_but_never_read(aws):
    iam = aws.client("iam", account_id="990000000010")
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Initial-Passw0rd!x", PasswordResetRequired=True)
    assert aws.control.password_matches("990000000010", "alice", "Initial-Passw0rd!x") is True
    assert aws.control.password_matches("990000000010", "alice", "initial-passw0rd!x") is False
    assert aws.control.password_matches("990000000010", "nobody", "Initial-Passw0rd!x") is False
    iam.update_login_profile(UserName="alice", Password="Chosen-Later-2!xy")
    assert aws.control.password_matches("990000000010", "alice", "Chosen-Later-2!xy") is True
    assert "Initial-Passw0rd!x" not in str(aws.control.requests())
