"""Unit tests for accountguard.aws.iam_admin_group: main() against moto in-process, in check mode and for real."""

import json

import botocore.client
import botocore.exceptions
import pytest

from moto.iam import models as moto_iam
from moto.iam.exceptions import DeleteConflictException

from ansible_collections.amazon.aws.plugins.module_utils import cloud

from ansible_collections.accountguard.aws.plugins.modules.iam_admin_group import main

CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
READS = {"GetGroup", "ListAttachedGroupPolicies", "GetPolicy", "ListGroupPolicies"}
ACCOUNT = "123456789012"
ADMIN = f"arn:aws:iam::{ACCOUNT}:policy/AdminAccess"
AUDIT = f"arn:aws:iam::{ACCOUNT}:policy/Audit"
BILLING = f"arn:aws:iam::{ACCOUNT}:policy/Billing"
UNKNOWN = f"arn:aws:iam::{ACCOUNT}:policy/DoesNotExist"
DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


@pytest.fixture
def iam_like_aws(iam, monkeypatch):
    """moto with two IAM behaviours it does not model: UpdateGroup with only NewPath moves the group (moto
    ignores NewPath without NewGroupName), and DeleteGroup refuses a group that still has members or policies."""
    update_group = moto_iam.IAMBackend.update_group
    delete_group = moto_iam.IAMBackend.delete_group

    def update_group_like_aws(self, group_name, new_group_name, new_path):
        if new_group_name:
            return update_group(self, group_name, new_group_name, new_path)
        group = self.get_group(group_name)
        if new_path:
            group.path = new_path
        return None

    def delete_group_like_aws(self, group_name):
        group = self.groups.get(group_name)
        if group is not None and (group.users or group.managed_policies or group.policies):
            raise DeleteConflictException("Cannot delete entity, must remove users, policies first.")
        return delete_group(self, group_name)

    monkeypatch.setattr(moto_iam.IAMBackend, "update_group", update_group_like_aws)
    monkeypatch.setattr(moto_iam.IAMBackend, "delete_group", delete_group_like_aws)
    for name in ("AdminAccess", "Audit", "Billing"):
        iam.create_policy(PolicyName=name, PolicyDocument=DOCUMENT)
    return iam


@pytest.fixture
def run(run_module):
    def runner(**kwargs):
        kwargs.setdefault("name", "Administrators")
        return run_module(main, **kwargs)

    return runner


def mutating(calls):
    return [c for c in calls.calls if c not in READS]


def group_exists(iam, name="Administrators"):
    return any(g["GroupName"] == name for g in iam.list_groups()["Groups"])


def attached(iam, name="Administrators"):
    return sorted(p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName=name)["AttachedPolicies"])


def make_group(iam, policies=(ADMIN,), path="/"):
    iam.create_group(GroupName="Administrators", Path=path)
    for arn in policies:
        iam.attach_group_policy(GroupName="Administrators", PolicyArn=arn)


def test_create_with_policies_in_four_steps(iam_like_aws, run, calls):
    iam = iam_like_aws
    args = {"managed_policies": [AUDIT, ADMIN], "purge_policies": True}
    # 1. check mode: reports the new group, changes nothing
    result = run(check_mode=True, **args).result
    assert result["changed"] is True and result["created"] is True
    assert result["diff"] == {"before": {}, "after": {"group_name": "Administrators", "path": "/", "managed_policies": [ADMIN, AUDIT]}}
    assert result["group"] == {"group_name": "Administrators", "path": "/", "managed_policies": [ADMIN, AUDIT]}
    assert mutating(calls) == []
    assert not group_exists(iam)
    # 2. apply: every policy checked first, then the group, then the attachments
    result = run(**args).result
    assert result["changed"] is True and result["created"] is True
    assert calls.calls == ["GetGroup", "GetPolicy", "GetPolicy", "CreateGroup", "AttachGroupPolicy", "AttachGroupPolicy"]
    assert attached(iam) == [ADMIN, AUDIT]
    group = iam.get_group(GroupName="Administrators")["Group"]
    assert result["group"] == {
        "group_name": "Administrators", "path": "/", "managed_policies": [ADMIN, AUDIT],
        "arn": group["Arn"], "group_id": group["GroupId"], "create_date": str(group["CreateDate"]),
    }
    # 3. check mode again and 4. apply again: two reads, no change, no GetPolicy
    for check_mode in (True, False):
        result = run(check_mode=check_mode, **args).result
        assert result["changed"] is False and result["created"] is False
        assert calls.calls == ["GetGroup", "ListAttachedGroupPolicies"]
        assert result["diff"]["before"] == result["diff"]["after"]
        assert result["group"]["arn"] == group["Arn"]


def test_a_group_another_run_created_since_the_read_is_taken_over(iam_like_aws, run, monkeypatch):
    # Two runs at once: the other one creates the group between this run's GetGroup and its CreateGroup.
    create_group = moto_iam.IAMBackend.create_group

    def created_by_another_run_first(self, group_name, path="/"):
        create_group(self, group_name, path)
        return create_group(self, group_name, path)  # EntityAlreadyExists, as IAM answers the slower run

    monkeypatch.setattr(moto_iam.IAMBackend, "create_group", created_by_another_run_first)
    result = run(managed_policies=[ADMIN]).result
    assert "failed" not in result and result["changed"] is True and result["created"] is False
    assert attached(iam_like_aws) == [ADMIN]
    assert result["group"]["arn"] == iam_like_aws.get_group(GroupName="Administrators")["Group"]["Arn"]


def test_group_name_alias_and_no_diff_outside_diff_mode(iam_like_aws, run_module, calls):
    result = run_module(main, diff=False, group_name="Administrators", managed_policies=[ADMIN]).result
    assert result["changed"] is True
    assert "diff" not in result
    assert result["group"]["group_name"] == "Administrators"


@CHECK_MODES
def test_unknown_policy_fails_before_any_change(iam_like_aws, run, calls, check_mode):
    out = run(check_mode=check_mode, managed_policies=[ADMIN, UNKNOWN])
    assert out.result["failed"] is True
    assert out.result["msg"].startswith(f"IAM group 'Administrators': managed policy {UNKNOWN} does not exist. Nothing was changed.")
    assert mutating(calls) == []
    assert not group_exists(iam_like_aws)


def test_unknown_policies_on_an_existing_group_detach_nothing(iam_like_aws, run, calls):
    make_group(iam_like_aws, [ADMIN, AUDIT])
    aws_unknown = "arn:aws:iam::aws:policy/NoSuchAwsPolicy"
    out = run(managed_policies=[BILLING, UNKNOWN, aws_unknown], purge_policies=True)
    assert out.result["failed"] is True
    assert "managed policies" in out.result["msg"] and UNKNOWN in out.result["msg"] and aws_unknown in out.result["msg"]
    assert "do not exist. Nothing was changed." in out.result["msg"]
    assert mutating(calls) == []
    assert attached(iam_like_aws) == [ADMIN, AUDIT]


@pytest.mark.parametrize(
    "args, words",
    [
        (
            {"managed_policies": ["AdministratorAccess"]},
            ["'AdministratorAccess'", "not names", "arn:aws:iam::aws:policy/AdministratorAccess", "listing every policy"],
        ),
        ({"managed_policies": [ADMIN, "arn:aws:iam::aws:role/Admin"]}, ["'arn:aws:iam::aws:role/Admin'", "must be policy ARNs"]),
        ({"name": "Admins#1"}, ["group name", "'Admins#1'", "characters IAM does not allow"]),
        ({"name": "a" * 129}, ["129 characters", "at most 128"]),
        ({"path": "admins"}, ["path", "not a valid IAM path"]),
        ({"path": "admins", "state": "absent"}, ["not a valid IAM path"]),
    ],
)
def test_bad_input_fails_before_any_aws_call(iam_like_aws, run, calls, args, words):
    out = run(**args)
    assert out.result["failed"] is True
    assert out.result["msg"].startswith("Invalid input for IAM group ")
    for word in words:
        assert word in out.result["msg"]
    assert out.result["msg"].endswith("Nothing was changed.")
    assert calls.calls == []


def test_policy_names_are_not_checked_when_the_group_is_absent(iam_like_aws, run, calls):
    result = run(state="absent", managed_policies=["AdministratorAccess"]).result
    assert result["changed"] is False
    assert calls.calls == ["GetGroup"]


@CHECK_MODES
def test_without_purge_extra_policies_stay(iam_like_aws, run, calls, check_mode):
    make_group(iam_like_aws, [ADMIN, AUDIT])
    result = run(check_mode=check_mode, managed_policies=[ADMIN]).result
    assert result["changed"] is False
    assert result["group"]["managed_policies"] == [ADMIN, AUDIT]
    assert calls.calls == ["GetGroup", "ListAttachedGroupPolicies"]


@CHECK_MODES
def test_purge_detaches_unlisted_policies_and_attaches_new_ones(iam_like_aws, run, calls, check_mode):
    make_group(iam_like_aws, [ADMIN, AUDIT])
    result = run(check_mode=check_mode, managed_policies=[ADMIN, BILLING], purge_policies=True).result
    assert result["changed"] is True and result["created"] is False
    assert result["diff"]["before"]["managed_policies"] == [ADMIN, AUDIT]
    assert result["diff"]["after"]["managed_policies"] == [ADMIN, BILLING]
    assert result["group"]["managed_policies"] == [ADMIN, BILLING]
    assert calls.calls.count("GetPolicy") == 1  # only Billing, the one to attach
    if check_mode:
        assert mutating(calls) == []
        assert attached(iam_like_aws) == [ADMIN, AUDIT]
    else:
        assert mutating(calls) == ["AttachGroupPolicy", "DetachGroupPolicy"]
        assert attached(iam_like_aws) == [ADMIN, BILLING]


def test_purge_with_no_policies_detaches_all(iam_like_aws, run):
    make_group(iam_like_aws, [ADMIN, AUDIT])
    result = run(purge_policies=True).result
    assert result["changed"] is True
    assert attached(iam_like_aws) == []


@CHECK_MODES
def test_policy_detached_by_someone_is_drift_with_a_diff(iam_like_aws, run, calls, check_mode):
    run(managed_policies=[ADMIN, AUDIT])
    iam_like_aws.detach_group_policy(GroupName="Administrators", PolicyArn=ADMIN)
    result = run(check_mode=check_mode, managed_policies=[ADMIN, AUDIT]).result
    assert result["changed"] is True and result["created"] is False
    assert result["diff"] == {
        "before": {"group_name": "Administrators", "path": "/", "managed_policies": [AUDIT]},
        "after": {"group_name": "Administrators", "path": "/", "managed_policies": [ADMIN, AUDIT]},
    }
    assert mutating(calls) == ([] if check_mode else ["AttachGroupPolicy"])
    assert attached(iam_like_aws) == ([AUDIT] if check_mode else [ADMIN, AUDIT])


@CHECK_MODES
def test_path_change_moves_the_group_in_place(iam_like_aws, run, calls, check_mode):
    make_group(iam_like_aws, [ADMIN])
    before = iam_like_aws.get_group(GroupName="Administrators")["Group"]
    result = run(check_mode=check_mode, path="/admins/", managed_policies=[ADMIN]).result
    assert result["changed"] is True
    assert result["diff"]["before"]["path"] == "/" and result["diff"]["after"]["path"] == "/admins/"
    assert result["group"]["arn"] == f"arn:aws:iam::{ACCOUNT}:group/admins/Administrators"
    assert result["group"]["group_id"] == before["GroupId"]
    if check_mode:
        assert mutating(calls) == []
        return
    assert mutating(calls) == ["UpdateGroup"]
    assert calls.params[-1] == {"GroupName": "Administrators", "NewPath": "/admins/"}
    after = iam_like_aws.get_group(GroupName="Administrators")["Group"]
    assert after["Path"] == "/admins/" and after["Arn"] == result["group"]["arn"]
    assert attached(iam_like_aws) == [ADMIN]
    assert run(path="/admins/", managed_policies=[ADMIN]).result["changed"] is False


def test_new_group_is_created_at_its_path(iam_like_aws, run, calls):
    result = run(path="/admins/", managed_policies=[ADMIN]).result
    assert mutating(calls) == ["CreateGroup", "AttachGroupPolicy"]
    assert iam_like_aws.get_group(GroupName="Administrators")["Group"]["Path"] == "/admins/"
    assert result["group"]["arn"] == f"arn:aws:iam::{ACCOUNT}:group/admins/Administrators"


@CHECK_MODES
def test_absent_removes_policies_members_and_inline_policies_first(iam_like_aws, run, calls, check_mode):
    iam = iam_like_aws
    make_group(iam, [ADMIN, AUDIT], path="/admins/")
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="Administrators", UserName="alice")
    iam.put_group_policy(GroupName="Administrators", PolicyName="inline", PolicyDocument=DOCUMENT)
    result = run(check_mode=check_mode, state="absent").result
    assert result["changed"] is True
    assert result["group"] == {}
    assert "created" not in result
    assert result["diff"] == {"before": {"group_name": "Administrators", "path": "/admins/", "managed_policies": [ADMIN, AUDIT]}, "after": {}}
    if check_mode:
        assert mutating(calls) == []
        assert group_exists(iam)
        return
    assert mutating(calls) == ["DetachGroupPolicy", "DetachGroupPolicy", "RemoveUserFromGroup", "DeleteGroupPolicy", "DeleteGroup"]
    assert not group_exists(iam)
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice"]  # the user stays
    again = run(state="absent").result
    assert again["changed"] is False
    assert calls.calls == ["GetGroup"]


def test_absent_then_present_recreates_the_group(iam_like_aws, run):
    run(managed_policies=[ADMIN])
    run(state="absent")
    result = run(managed_policies=[ADMIN]).result
    assert result["changed"] is True and result["created"] is True
    assert attached(iam_like_aws) == [ADMIN]


def test_attach_after_create_is_retried_when_iam_has_not_caught_up(iam_like_aws, run, calls, monkeypatch):
    """IAM's eventual consistency: the group created a moment ago is reported missing by the next call."""
    sleeps = []
    monkeypatch.setattr(cloud.time, "sleep", sleeps.append)
    original = botocore.client.BaseClient._make_api_call
    answered = []

    def not_yet_visible(self, operation_name, api_params):
        if operation_name == "AttachGroupPolicy" and not answered:
            answered.append(operation_name)
            raise botocore.exceptions.ClientError({"Error": {"Code": "NoSuchEntity", "Message": "group not found"}}, operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", not_yet_visible)
    result = run(managed_policies=[ADMIN]).result
    assert result["changed"] is True, result
    assert answered == ["AttachGroupPolicy"]
    assert len(sleeps) == 1
    assert attached(iam_like_aws) == [ADMIN]
