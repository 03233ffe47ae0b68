"""iam_password_policy against the local AWS, through ansible-playbook: the four steps, then the details."""

import boto3
import pytest

from playbook_helpers import four_steps
from playbook_helpers import recap

# Every test here runs both ways: in the controller's worker and as module processes.
pytestmark = pytest.mark.usefixtures("way")

# What the target sets by default, as IAM holds it.
TARGET_POLICY = {
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
def iam(aws):
    """An independent verifier: plain boto3 against the local AWS, not the module under test."""
    return boto3.client("iam", endpoint_url=aws.url, region_name="us-east-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="verifier-secret-key")


def policy_of(iam):
    """The account's password policy (without the derived ExpirePasswords), or None."""
    try:
        policy = iam.get_account_password_policy()["PasswordPolicy"]
    except iam.exceptions.NoSuchEntityException:
        return None
    policy.pop("ExpirePasswords", None)
    return policy


def iam_actions(aws):
    return [r["action"] for r in aws.control.requests() if r.get("service") == "iam"]


def test_four_steps_then_verified_independently(playbook, aws, iam):
    four_steps(playbook, aws, "iam_password_policy.yml")
    assert policy_of(iam) == TARGET_POLICY
    assert iam.get_account_password_policy()["PasswordPolicy"]["ExpirePasswords"] is True
    # The steady state costs one read.
    aws.control.clear_requests()
    assert recap(playbook.run("iam_password_policy.yml"))["changed"] == 0
    assert iam_actions(aws) == ["GetAccountPasswordPolicy"]


def test_changed_policy_is_drift_shown_by_check_diff(playbook, aws, iam):
    playbook.run("iam_password_policy.yml")
    iam.update_account_password_policy(**dict(TARGET_POLICY, MinimumPasswordLength=8, RequireSymbols=False))
    aws.control.clear_requests()
    scan = playbook.run("iam_password_policy.yml", "--check", "--diff")
    assert recap(scan)["changed"] == 1
    assert aws.control.mutating_requests() == []
    # The diff shows the fields coming back: before holds someone's values, after the target's.
    for line in ('-    "minimum_password_length": 8,', '+    "minimum_password_length": 14,',
                 '-    "require_symbols": false,', '+    "require_symbols": true,'):
        assert line in scan.stdout, scan.stdout
    assert policy_of(iam)["MinimumPasswordLength"] == 8
    assert recap(playbook.run("iam_password_policy.yml"))["changed"] == 1
    assert policy_of(iam) == TARGET_POLICY


def test_options_left_unset_are_iams_defaults(playbook, aws, iam):
    playbook.run("iam_password_policy.yml")
    aws.control.clear_requests()
    assert recap(playbook.run("iam_password_policy.yml", extra_vars={"policy": {"minimum_password_length": 12}}))["changed"] == 1
    # Every field is sent (but the two whose default IAM takes only by their absence), so none keeps its old value.
    update = [r for r in aws.control.requests() if r.get("action") == "UpdateAccountPasswordPolicy"]
    assert len(update) == 1
    assert {k: str(v).lower() for k, v in update[0]["params"].items()} == {
        "MinimumPasswordLength": "12", "RequireSymbols": "false", "RequireNumbers": "false", "RequireUppercaseCharacters": "false",
        "RequireLowercaseCharacters": "false", "AllowUsersToChangePassword": "false", "HardExpiry": "false",
    }
    found = policy_of(iam)
    assert {k: v for k, v in found.items() if k not in ("MaxPasswordAge", "PasswordReusePrevention")} == {
        "MinimumPasswordLength": 12, "RequireSymbols": False, "RequireNumbers": False, "RequireUppercaseCharacters": False,
        "RequireLowercaseCharacters": False, "AllowUsersToChangePassword": False, "HardExpiry": False,
    }
    # Not set: IAM leaves these two out (the local AWS, as moto, answers MaxPasswordAge 0).
    assert found.get("MaxPasswordAge", 0) == 0 and "PasswordReusePrevention" not in found


def test_absent_in_four_steps_removes_the_policy(playbook, aws, iam):
    playbook.run("iam_password_policy.yml")
    four_steps(playbook, aws, "iam_password_policy.yml", extra_vars={"policy_state": "absent"})
    assert policy_of(iam) is None
    assert recap(playbook.run("iam_password_policy.yml"))["changed"] == 1
    assert policy_of(iam) == TARGET_POLICY


def test_bad_values_fail_clearly_before_any_call(playbook, aws, iam):
    aws.control.clear_requests()
    out = playbook.run("iam_password_policy.yml", check=False,
                       extra_vars={"policy": {"minimum_password_length": 4, "password_reuse_prevention": 30}})
    assert recap(out)["failed"] == 1
    assert ("Invalid input for the account password policy: minimum_password_length must be from 6 to 128, not 4; "
            "password_reuse_prevention must be from 1 to 24 (or 0: any previous password may be reused), not 30. "
            "Nothing was changed.") in out.stdout, out.stdout
    assert iam_actions(aws) == []
    assert policy_of(iam) is None


def test_converges_through_throttling(playbook, aws, iam):
    aws.control.set_faults(throttle_nth={"GetAccountPasswordPolicy": 1, "UpdateAccountPasswordPolicy": 1})
    assert recap(playbook.run("iam_password_policy.yml"))["changed"] == 1
    aws.control.clear_faults()
    assert policy_of(iam) == TARGET_POLICY
    throttled = {r["action"] for r in aws.control.requests() if r.get("error_code") == "Throttling"}
    assert throttled == {"GetAccountPasswordPolicy", "UpdateAccountPasswordPolicy"}
