"""iam_admin_group against the local AWS, through ansible-playbook: the four steps, then the details."""

import json

import boto3
import pytest

from playbook_helpers import four_steps
from playbook_helpers import recap

# Every test here runs both ways: in the controller's worker and as module processes.
pytestmark = pytest.mark.usefixtures("way")

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
UNKNOWN = "arn:aws:iam::123456789012:policy/DoesNotExist"
INLINE = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:DeleteGroup", "Resource": "*"}]})


@pytest.fixture
def iam(aws):
    """An independent verifier: plain boto3 against the local AWS, not the module under test."""
    return boto3.client("iam", endpoint_url=aws.url, region_name="us-east-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="verifier-secret-key")


def attached(iam, name="Administrators"):
    return sorted(p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName=name)["AttachedPolicies"])


def group_names(iam):
    return [g["GroupName"] for g in iam.list_groups()["Groups"]]


def test_four_steps_then_verified_independently(playbook, aws, iam):
    four_steps(playbook, aws, "iam_admin_group.yml", extra_vars={"group_policies": [READ_ONLY, ADMIN]})
    group = iam.get_group(GroupName="Administrators")["Group"]
    assert group["Path"] == "/"
    assert attached(iam) == [ADMIN, READ_ONLY]


def test_detached_admin_policy_is_drift_shown_by_check_diff(playbook, aws, iam):
    playbook.run("iam_admin_group.yml")
    iam.detach_group_policy(GroupName="Administrators", PolicyArn=ADMIN)
    aws.control.clear_requests()
    scan = playbook.run("iam_admin_group.yml", "--check", "--diff")
    assert recap(scan)["changed"] == 1
    assert aws.control.mutating_requests() == []
    # The diff shows the policy coming back: after holds it, before does not.
    assert f'+        "{ADMIN}"' in scan.stdout, scan.stdout
    assert attached(iam) == []
    assert recap(playbook.run("iam_admin_group.yml"))["changed"] == 1
    assert attached(iam) == [ADMIN]


def test_unknown_policy_fails_clearly_and_changes_nothing(playbook, aws, iam):
    aws.control.clear_requests()
    out = playbook.run("iam_admin_group.yml", check=False, extra_vars={"group_policies": [ADMIN, UNKNOWN]})
    assert recap(out)["failed"] == 1
    assert f"IAM group 'Administrators': managed policy {UNKNOWN} does not exist. Nothing was changed." in out.stdout, out.stdout
    assert aws.control.mutating_requests() == []
    assert "Administrators" not in group_names(iam)


def test_policy_name_instead_of_arn_fails_before_any_call(playbook, aws, iam):
    aws.control.clear_requests()
    out = playbook.run("iam_admin_group.yml", check=False, extra_vars={"group_policies": ["AdministratorAccess"]})
    assert recap(out)["failed"] == 1
    assert "not names: 'AdministratorAccess'" in out.stdout, out.stdout
    assert [r for r in aws.control.requests() if r.get("service") == "iam"] == []
    assert "Administrators" not in group_names(iam)


def test_converges_through_throttling_and_eventual_consistency(playbook, aws, iam):
    aws.control.set_faults(throttle_fraction=0.3, seed=7, after_create={"CreateGroup": "NoSuchEntity"})
    assert recap(playbook.run("iam_admin_group.yml", extra_vars={"group_policies": [ADMIN, READ_ONLY]}))["changed"] == 1
    aws.control.clear_faults()
    assert attached(iam) == [ADMIN, READ_ONLY]
    errors = {r["error_code"] for r in aws.control.requests() if r.get("error_code")}
    assert {"Throttling", "NoSuchEntity"} <= errors


def test_absent_in_four_steps_removes_members_and_policies(playbook, aws, iam):
    playbook.run("iam_admin_group.yml")
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="Administrators", UserName="alice")
    iam.put_group_policy(GroupName="Administrators", PolicyName="inline", PolicyDocument=INLINE)
    four_steps(playbook, aws, "iam_admin_group.yml", extra_vars={"group_state": "absent"})
    assert "Administrators" not in group_names(iam)
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice"]
    assert iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"] == []
    assert recap(playbook.run("iam_admin_group.yml"))["changed"] == 1
    assert attached(iam) == [ADMIN]
