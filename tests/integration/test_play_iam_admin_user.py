"""iam_admin_user against the local AWS, through ansible-playbook: the four steps, then the details."""

import boto3
import pytest
import yaml

from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import VaultSecret

from playbook_helpers import four_steps
from playbook_helpers import recap

# Every test here runs both ways: in the controller's worker and as module processes.
pytestmark = pytest.mark.usefixtures("way")

ACCOUNT = "123456789012"


@pytest.fixture
def iam(aws):
    client = boto3.client("iam", endpoint_url=aws.url, region_name="us-east-1",
                          aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")
    client.create_group(GroupName="Administrators")
    return client


def stored(playbook, user="alice"):
    path = playbook.secrets_dir / ACCOUNT / f"{user}.yml"
    vault = VaultLib([("default", VaultSecret(playbook.vault_password_file.read_text().strip().encode()))])
    return yaml.safe_load(vault.decrypt(path.read_bytes()))


def test_four_steps_then_verified_independently(playbook, aws, iam):
    iam.update_account_password_policy(MinimumPasswordLength=32, RequireSymbols=True, RequireNumbers=True)
    four_steps(playbook, aws, "iam_admin_user.yml")
    user = iam.get_user(UserName="alice")["User"]
    assert {t["Key"]: t["Value"] for t in user["Tags"]} == {"owner": "platform"}
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["Administrators"]
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is True
    secrets = stored(playbook)
    assert secrets["user_name"] == "alice" and secrets["account_id"] == ACCOUNT
    assert secrets["sign_in_url"] == f"https://{ACCOUNT}.signin.aws.amazon.com/console"
    assert len(secrets["password"]) >= 32  # and the local AWS enforced the policy when it accepted it
    assert (playbook.secrets_dir / ACCOUNT / "alice.yml").stat().st_mode & 0o777 == 0o600


def test_password_changed_at_first_sign_in_is_not_a_change(playbook, aws, iam):
    playbook.run("iam_admin_user.yml")
    iam.update_login_profile(UserName="alice", Password="Alice-chose-this-1!", PasswordResetRequired=False)
    aws.control.clear_requests()
    assert recap(playbook.run("iam_admin_user.yml", "--check", "--diff"))["changed"] == 0
    assert recap(playbook.run("iam_admin_user.yml"))["changed"] == 0
    assert aws.control.mutating_requests() == []


def test_no_secret_reaches_output_or_log_at_vvvv(playbook, aws, iam):
    out = playbook.run("iam_admin_user.yml", "-vvvv", "--diff")
    password = stored(playbook)["password"]
    assert password not in out.stdout + out.stderr
    assert password not in playbook.log_path.read_text()
    assert "secrets_stored" in out.stdout


def test_unknown_group_fails_clearly_and_changes_nothing(playbook, aws, iam):
    aws.control.clear_requests()
    out = playbook.run("iam_admin_user.yml", check=False, extra_vars={"user_groups": ["Administrators", "Ghosts"]})
    assert recap(out)["failed"] == 1
    assert "Ghosts" in out.stdout and "do not exist" in out.stdout, out.stdout
    assert aws.control.mutating_requests() == []
    assert "alice" not in [u["UserName"] for u in iam.list_users()["Users"]]


def test_without_vault_password_nothing_is_created(playbook, aws, iam):
    out = playbook.run("iam_admin_user.yml", vault=False, check=False)
    assert recap(out)["failed"] == 1
    assert "No vault secret is configured" in out.stdout or "no vault secret is configured" in out.stdout
    assert iam.list_users()["Users"] == []


def test_converges_through_throttling_and_eventual_consistency(playbook, aws, iam):
    aws.control.set_faults(throttle_fraction=0.3, seed=7, after_create={"CreateUser": "NoSuchEntity"})
    assert recap(playbook.run("iam_admin_user.yml"))["changed"] == 1
    aws.control.clear_faults()
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is True
    errors = {r["error_code"] for r in aws.control.requests() if r.get("error_code")}
    assert {"Throttling", "NoSuchEntity"} <= errors


def test_absent_in_four_steps_removes_mfa_and_keys_so_the_user_can_return(playbook, aws, iam):
    playbook.run("iam_admin_user.yml")
    playbook.run("iam_virtual_mfa.yml", extra_vars={"user_name": "alice"})
    iam.create_access_key(UserName="alice")
    assert len(iam.list_mfa_devices(UserName="alice")["MFADevices"]) == 1
    four_steps(playbook, aws, "iam_admin_user.yml", extra_vars={"user_state": "absent"})
    assert "alice" not in [u["UserName"] for u in iam.list_users()["Users"]]
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    # (The local AWS, like IAM, refuses to delete an assigned device: the module deactivated it first.)
    assert recap(playbook.run("iam_admin_user.yml"))["changed"] == 1
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is True
