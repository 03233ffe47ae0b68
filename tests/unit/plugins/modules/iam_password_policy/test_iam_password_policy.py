"""Unit tests for accountguard.aws.iam_password_policy: main() against moto in-process, in check mode and for real."""

import botocore.client
import botocore.exceptions
import pytest

from ansible_collections.amazon.aws.plugins.module_utils import cloud

from ansible_collections.accountguard.aws.plugins.module_utils import _password_policy
from ansible_collections.accountguard.aws.plugins.modules.iam_password_policy import main

CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
READS = {"GetAccountPasswordPolicy"}

# IAM's own defaults: what UpdateAccountPasswordPolicy gives every field it is not sent.
DEFAULTS = {
    "minimum_password_length": 6,
    "require_symbols": False,
    "require_numbers": False,
    "require_uppercase_characters": False,
    "require_lowercase_characters": False,
    "allow_users_to_change_password": False,
    "max_password_age": 0,
    "password_reuse_prevention": 0,
    "hard_expiry": False,
}
CIS = {
    "minimum_password_length": 14,
    "require_symbols": True,
    "require_numbers": True,
    "require_uppercase_characters": True,
    "require_lowercase_characters": True,
    "allow_users_to_change_password": True,
    "max_password_age": 90,
    "password_reuse_prevention": 24,
    "hard_expiry": False,
}
CIS_FIELDS = {
    "MinimumPasswordLength": 14,
    "RequireSymbols": True,
    "RequireNumbers": True,
    "RequireUppercaseCharacters": True,
    "RequireLowercaseCharacters": True,
    "AllowUsersToChangePassword": True,
    "MaxPasswordAge": 90,
    "PasswordReusePrevention": 24,
    "HardExpiry": False,
}


@pytest.fixture
def run(run_module):
    def runner(**kwargs):
        return run_module(main, **kwargs)

    return runner


def mutating(calls):
    return [c for c in calls.calls if c not in READS]


def policy_of(iam):
    """The account's policy as plain boto3 reads it, or None."""
    try:
        return iam.get_account_password_policy()["PasswordPolicy"]
    except iam.exceptions.NoSuchEntityException:
        return None


def test_create_in_four_steps(iam, run, calls):
    # 1. check mode: reports the new policy, changes nothing
    result = run(check_mode=True, **CIS).result
    assert result["changed"] is True
    assert result["diff"] == {"before": {}, "after": CIS}
    assert result["policy"] == CIS
    assert mutating(calls) == []
    assert policy_of(iam) is None
    # 2. apply: one read, one update with every field
    result = run(**CIS).result
    assert result["changed"] is True
    assert result["policy"] == CIS
    assert calls.calls == ["GetAccountPasswordPolicy", "UpdateAccountPasswordPolicy"]
    assert calls.params[-1] == CIS_FIELDS
    assert {k: v for k, v in policy_of(iam).items() if k != "ExpirePasswords"} == CIS_FIELDS
    # 3. check mode again and 4. apply again: one read, no change
    for check_mode in (True, False):
        result = run(check_mode=check_mode, **CIS).result
        assert result["changed"] is False
        assert calls.calls == ["GetAccountPasswordPolicy"]
        assert result["diff"] == {"before": CIS, "after": CIS}
        assert result["policy"] == CIS
    assert "warnings" not in result  # options named *password* are settings: no no_log warning


def test_nothing_given_is_iams_defaults_and_every_field_is_sent(iam, run, calls):
    result = run().result
    assert result["changed"] is True
    assert result["policy"] == DEFAULTS
    # 0 is IAM's default of the two fields whose minimum is 1: asked for by leaving them out.
    assert calls.params[-1] == {
        "MinimumPasswordLength": 6, "RequireSymbols": False, "RequireNumbers": False, "RequireUppercaseCharacters": False,
        "RequireLowercaseCharacters": False, "AllowUsersToChangePassword": False, "HardExpiry": False,
    }
    assert run().result["changed"] is False
    assert calls.calls == ["GetAccountPasswordPolicy"]


@CHECK_MODES
def test_an_option_left_unset_resets_its_field_to_iams_default(iam, run, calls, check_mode):
    """IAM has no partial update: a field the task leaves unset is IAM's default, not the account's value."""
    iam.update_account_password_policy(**CIS_FIELDS)
    result = run(check_mode=check_mode, minimum_password_length=14, password_reuse_prevention=24).result
    assert result["changed"] is True
    after = dict(DEFAULTS, minimum_password_length=14, password_reuse_prevention=24)
    assert result["diff"] == {"before": CIS, "after": after}
    assert result["policy"] == after
    if check_mode:
        assert mutating(calls) == []
        assert policy_of(iam)["RequireSymbols"] is True
        return
    assert mutating(calls) == ["UpdateAccountPasswordPolicy"]
    assert "MaxPasswordAge" not in calls.params[-1]  # never expire: by its absence
    found = policy_of(iam)
    assert found["RequireSymbols"] is False and found["ExpirePasswords"] is False
    assert found["MinimumPasswordLength"] == 14 and found["PasswordReusePrevention"] == 24


@CHECK_MODES
def test_a_field_changed_by_someone_is_drift_and_put_back(iam, run, calls, check_mode):
    run(**CIS)
    iam.update_account_password_policy(**dict(CIS_FIELDS, MinimumPasswordLength=8))
    result = run(check_mode=check_mode, **CIS).result
    assert result["changed"] is True
    assert result["diff"] == {"before": dict(CIS, minimum_password_length=8), "after": CIS}
    assert mutating(calls) == ([] if check_mode else ["UpdateAccountPasswordPolicy"])
    assert policy_of(iam)["MinimumPasswordLength"] == (8 if check_mode else 14)


def test_null_and_zero_are_the_same_as_unset(iam, run, calls):
    run(minimum_password_length=12, max_password_age=0, password_reuse_prevention=0)
    result = run(minimum_password_length=12, max_password_age=None, password_reuse_prevention=None).result
    assert result["changed"] is False
    assert result["policy"] == dict(DEFAULTS, minimum_password_length=12)


def test_ranges_edges_are_accepted(iam, run):
    edges = dict(minimum_password_length=128, max_password_age=1095, password_reuse_prevention=24)
    assert run(**edges).result["policy"] == dict(DEFAULTS, **edges)
    edges = dict(minimum_password_length=6, max_password_age=1, password_reuse_prevention=1)
    assert run(**edges).result["policy"] == dict(DEFAULTS, **edges)


@pytest.mark.parametrize(
    "args, words",
    [
        ({"minimum_password_length": 5}, ["minimum_password_length must be from 6 to 128, not 5"]),
        ({"minimum_password_length": 129}, ["minimum_password_length must be from 6 to 128, not 129"]),
        ({"max_password_age": 1096}, ["max_password_age must be from 1 to 1095 (or 0: passwords never expire), not 1096"]),
        ({"max_password_age": -1}, ["max_password_age", "not -1"]),
        ({"password_reuse_prevention": 25}, ["password_reuse_prevention must be from 1 to 24 (or 0: any previous password may be reused), not 25"]),
        (
            {"minimum_password_length": 200, "password_reuse_prevention": -3},
            ["minimum_password_length must be from 6 to 128, not 200; password_reuse_prevention must be from 1 to 24"],
        ),
    ],
)
@CHECK_MODES
def test_bad_input_fails_before_any_aws_call(iam, run, calls, args, words, check_mode):
    out = run(check_mode=check_mode, **args)
    assert out.result["failed"] is True
    assert out.result["msg"].startswith("Invalid input for the account password policy: ")
    for word in words:
        assert word in out.result["msg"]
    assert out.result["msg"].endswith("Nothing was changed.")
    assert calls.calls == []
    assert "policy" not in out.result and "diff" not in out.result


def test_a_wrong_type_is_refused_by_the_argument_spec(iam, run, calls):
    out = run(minimum_password_length="long")
    assert out.result["failed"] is True
    assert "minimum_password_length" in out.result["msg"]
    assert calls.calls == []


@CHECK_MODES
def test_absent_deletes_the_policy(iam, run, calls, check_mode):
    iam.update_account_password_policy(**CIS_FIELDS)
    result = run(check_mode=check_mode, state="absent").result
    assert result["changed"] is True
    assert result["policy"] == {}
    assert result["diff"] == {"before": CIS, "after": {}}
    if check_mode:
        assert mutating(calls) == []
        assert policy_of(iam) is not None
        return
    assert calls.calls == ["GetAccountPasswordPolicy", "DeleteAccountPasswordPolicy"]
    assert policy_of(iam) is None
    again = run(state="absent").result
    assert again["changed"] is False
    assert again["diff"] == {"before": {}, "after": {}}
    assert calls.calls == ["GetAccountPasswordPolicy"]


def test_absent_ignores_the_policy_options(iam, run, calls):
    result = run(state="absent", minimum_password_length=2).result
    assert result["changed"] is False and result["policy"] == {}
    assert calls.calls == ["GetAccountPasswordPolicy"]


def test_absent_then_present_sets_it_again(iam, run):
    run(**CIS)
    run(state="absent")
    result = run(**CIS).result
    assert result["changed"] is True
    assert result["diff"]["before"] == {}


def test_no_diff_outside_diff_mode(iam, run_module, calls):
    result = run_module(main, diff=False, **CIS).result
    assert result["changed"] is True
    assert "diff" not in result
    assert result["policy"] == CIS


def test_fields_iam_leaves_out_are_its_defaults():
    # Real IAM leaves MaxPasswordAge and PasswordReusePrevention out when they are not set (moto returns MaxPasswordAge 0).
    raw = {"MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": False, "RequireUppercaseCharacters": False,
           "RequireLowercaseCharacters": False, "AllowUsersToChangePassword": True, "ExpirePasswords": False}
    assert _password_policy.summary(raw) == dict(DEFAULTS, minimum_password_length=14, require_symbols=True, allow_users_to_change_password=True)
    assert _password_policy.summary(None) == {}


def test_the_options_are_the_policys_fields_with_iams_defaults():
    assert set(_password_policy.ARGUMENT_SPEC) - {"state"} == set(DEFAULTS) == set(_password_policy.FIELDS)
    assert _password_policy.IAM_DEFAULTS == DEFAULTS
    for name, spec in _password_policy.ARGUMENT_SPEC.items():
        if name != "state":  # IAM's default, or none for the two settings that are off unless set
            assert spec.get("default") == (None if name in ("max_password_age", "password_reuse_prevention") else DEFAULTS[name])


def deny(monkeypatch, calls, operation, code="AccessDenied"):
    """`operation` answers `code` while the module runs (the verifier's own calls go through)."""
    original = botocore.client.BaseClient._make_api_call

    def denied(self, name, params):
        if name == operation and calls.on:
            response = {"Error": {"Code": code, "Message": "not allowed"}, "ResponseMetadata": {"HTTPStatusCode": 403}}
            raise botocore.exceptions.ClientError(response, name)
        return original(self, name, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", denied)


@pytest.mark.parametrize("operation, state, words", [
    ("GetAccountPasswordPolicy", "present", "Failed to get the account password policy: An error occurred (AccessDenied)"),
    ("UpdateAccountPasswordPolicy", "present", "Failed to update the account password policy: An error occurred (AccessDenied)"),
    ("DeleteAccountPasswordPolicy", "absent", "Failed to delete the account password policy: An error occurred (AccessDenied)"),
])
def test_aws_errors_fail_clearly(iam, run, calls, monkeypatch, operation, state, words):
    iam.update_account_password_policy(**CIS_FIELDS)
    deny(monkeypatch, calls, operation)
    out = run(state=state, minimum_password_length=20)
    assert out.result["failed"] is True
    assert out.result["msg"].startswith(words), out.result["msg"]
    assert out.result["error"] == {"code": "AccessDenied", "message": "not allowed"}
    assert policy_of(iam)["MinimumPasswordLength"] == 14


def test_throttling_is_retried(iam, run, monkeypatch):
    sleeps = []
    monkeypatch.setattr(cloud.time, "sleep", sleeps.append)
    original = botocore.client.BaseClient._make_api_call
    answered = []

    def throttled(self, operation_name, api_params):
        if operation_name in ("GetAccountPasswordPolicy", "UpdateAccountPasswordPolicy") and operation_name not in answered:
            answered.append(operation_name)
            raise botocore.exceptions.ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", throttled)
    result = run(**CIS).result
    assert result["changed"] is True, result
    assert answered == ["GetAccountPasswordPolicy", "UpdateAccountPasswordPolicy"]
    assert len(sleeps) == 2
    assert policy_of(iam)["MinimumPasswordLength"] == 14
