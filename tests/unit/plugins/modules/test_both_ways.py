"""A module gives the same result whichever way it runs: as a module process (its main()) or in the controller's
worker (its action plugin's path, plugin_utils/_aws_action.run_in_worker). Each case runs both ways over the same
moto state and compares the whole results, errors included."""

import json
import os

import botocore.client
import pytest
from botocore.exceptions import ClientError

from ansible.module_utils import _internal as module_utils_internal
from ansible.module_utils.testing import patch_module_args

from ansible_collections.accountguard.aws.plugins.module_utils import _admin_group
from ansible_collections.accountguard.aws.plugins.module_utils import _admin_user
from ansible_collections.accountguard.aws.plugins.module_utils import _mfa
from ansible_collections.accountguard.aws.plugins.module_utils import _password_policy
from ansible_collections.accountguard.aws.plugins.module_utils import _root
from ansible_collections.accountguard.aws.plugins.module_utils import _session
from ansible_collections.accountguard.aws.plugins.modules import account_session
from ansible_collections.accountguard.aws.plugins.modules import iam_admin_group
from ansible_collections.accountguard.aws.plugins.modules import iam_admin_user
from ansible_collections.accountguard.aws.plugins.modules import iam_password_policy
from ansible_collections.accountguard.aws.plugins.modules import iam_virtual_mfa
from ansible_collections.accountguard.aws.plugins.modules import root_mfa_facts

# ansible-test units runs the tests under plugins/modules with the module side of ansible only (no ansible.errors):
# the worker's path is controller code, tested here by pytest (make unit).
run_in_worker = pytest.importorskip("ansible_collections.accountguard.aws.plugins.plugin_utils._aws_action",
                                    reason="controller code: ansible-test units runs module tests without it").run_in_worker

ADMIN = "arn:aws:iam::123456789012:policy/AdminAccess"  # moto in-process has no AWS managed policies
DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])


@pytest.fixture
def both(capsys, monkeypatch, iam):
    """both(module, logic, check_mode=..., **args) -> (module process result, worker result)."""
    monkeypatch.setattr(module_utils_internal, "is_controller", False)
    iam.create_policy(PolicyName="AdminAccess", PolicyDocument=DOCUMENT)

    def as_module(module, name, check_mode, args):
        capsys.readouterr()
        internal = {"_ansible_check_mode": check_mode, "_ansible_diff": True, "_ansible_inject_invocation": True, "_ansible_module_name": name}
        with patch_module_args(dict(args, **internal)):
            with pytest.raises(SystemExit):
                module.main()
        return json.loads(capsys.readouterr().out)

    def run(module, logic, check_mode=False, **args):
        name = f"accountguard.aws.{module.__name__.rsplit('.', 1)[1]}"
        from_module = as_module(module, name, check_mode, args)
        return from_module, run_in_worker(logic, name, args, check_mode, True, inject_invocation=True)

    return run


def same(from_module, from_worker, volatile=()):
    """Compare two results, ignoring the traceback text (it names different frames) and `volatile` keys."""
    def clean(result):
        result = json.loads(json.dumps(result))
        for key in ("exception",) + tuple(volatile):
            result.pop(key, None)
        result["warnings"] = [w if isinstance(w, str) else w.get("event", {}).get("msg") for w in result.get("warnings", [])]
        return result

    assert ("exception" in from_module) == ("exception" in from_worker)
    assert clean(from_module) == clean(from_worker)


def undo(iam):
    """Put moto back between the two runs of a case that changes things."""
    for group in iam.list_groups()["Groups"]:
        name = group["GroupName"]
        for policy in iam.list_attached_group_policies(GroupName=name)["AttachedPolicies"]:
            iam.detach_group_policy(GroupName=name, PolicyArn=policy["PolicyArn"])
        iam.delete_group(GroupName=name)


@CHECK_MODES
def test_group_created(both, iam, check_mode):
    from_module = both(iam_admin_group, _admin_group, check_mode, name="Administrators", managed_policies=[ADMIN])[0]
    undo(iam)
    from_worker = run_in_worker(_admin_group, "accountguard.aws.iam_admin_group", {"name": "Administrators", "managed_policies": [ADMIN]},
                                check_mode, True, inject_invocation=True)
    # Identifiers and dates of a group created anew differ between the two creations.
    for result in (from_module, from_worker):
        for key in ("group_id", "create_date"):
            result.get("group", {}).pop(key, None)
    same(from_module, from_worker)
    assert from_worker["changed"] is True and from_worker["created"] is True
    assert from_worker["diff"]["after"]["managed_policies"] == [ADMIN]


@pytest.mark.parametrize("args", [
    {"name": "Administrators", "managed_policies": ["arn:aws:iam::123456789012:policy/NoSuchPolicy"]},
    {"name": "bad name!", "managed_policies": [ADMIN]},
    {"name": "Administrators", "managed_policies": ["AdministratorAccess"]},
    {"name": "Administrators", "no_such_option": True},
    {"managed_policies": [ADMIN]},
    {"name": "Administrators", "state": "gone"},
], ids=["unknown-policy", "bad-name", "policy-name", "unknown-option", "missing-name", "bad-choice"])
def test_group_errors(both, args):
    from_module, from_worker = both(iam_admin_group, _admin_group, **args)
    same(from_module, from_worker)
    assert from_worker["failed"] is True and from_worker["msg"]


def test_aws_error_with_its_response(both, monkeypatch):
    original = botocore.client.BaseClient._make_api_call

    def denied(self, operation, params):
        if operation == "GetGroup":
            response = {"Error": {"Code": "AccessDenied", "Message": "not allowed"}, "ResponseMetadata": {"RequestId": "r-1", "HTTPStatusCode": 403}}
            raise ClientError(response, operation)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", denied)
    from_module, from_worker = both(iam_admin_group, _admin_group, name="Administrators", managed_policies=[ADMIN])
    same(from_module, from_worker)
    assert from_worker["error"] == {"code": "AccessDenied", "message": "not allowed"}
    assert from_worker["msg"].startswith("Failed to get group Administrators: An error occurred (AccessDenied)")
    assert from_worker["boto3_version"] and from_worker["botocore_version"]


POLICY = {"minimum_password_length": 14, "require_symbols": True, "password_reuse_prevention": 24, "max_password_age": 90}


@CHECK_MODES
def test_password_policy_set_changed_and_removed(both, iam, check_mode):
    def drop_policy():
        try:
            iam.delete_account_password_policy()
        except iam.exceptions.NoSuchEntityException:
            pass

    # Set on an account without one (each way from the same start), then a field changed by someone, then absent.
    from_module = both(iam_password_policy, _password_policy, check_mode, **POLICY)[0]
    drop_policy()
    from_worker = run_in_worker(_password_policy, "accountguard.aws.iam_password_policy", dict(POLICY), check_mode, True, inject_invocation=True)
    same(from_module, from_worker)
    assert from_worker["changed"] is True and from_worker["diff"]["before"] == {}
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True)
    from_module = both(iam_password_policy, _password_policy, check_mode, **POLICY)[0]
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True)
    from_worker = run_in_worker(_password_policy, "accountguard.aws.iam_password_policy", dict(POLICY), check_mode, True, inject_invocation=True)
    same(from_module, from_worker)
    assert from_worker["diff"]["before"]["minimum_password_length"] == 8 and from_worker["policy"]["minimum_password_length"] == 14
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True)
    from_module = both(iam_password_policy, _password_policy, check_mode, state="absent")[0]
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True)
    from_worker = run_in_worker(_password_policy, "accountguard.aws.iam_password_policy", {"state": "absent"}, check_mode, True, inject_invocation=True)
    same(from_module, from_worker)
    assert from_worker["changed"] is True and from_worker["policy"] == {}


def test_password_policy_steady(both, iam):
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, PasswordReusePrevention=24, MaxPasswordAge=90)
    from_module, from_worker = both(iam_password_policy, _password_policy, True, **POLICY)
    same(from_module, from_worker)
    assert from_worker["changed"] is False and "warnings" not in from_worker


@pytest.mark.parametrize("args", [
    {"minimum_password_length": 4},
    {"max_password_age": 2000, "password_reuse_prevention": 30},
    {"minimum_password_length": "long"},
    {"require_symbols": "sometimes"},
    {"min_length": 14},
    {"state": "gone"},
], ids=["too-short", "out-of-range", "not-an-int", "not-a-bool", "unknown-option", "bad-choice"])
def test_password_policy_errors(both, args):
    from_module, from_worker = both(iam_password_policy, _password_policy, **args)
    same(from_module, from_worker)
    assert from_worker["failed"] is True and from_worker["msg"]


def test_password_policy_aws_error(both, monkeypatch):
    original = botocore.client.BaseClient._make_api_call

    def denied(self, operation, params):
        if operation == "UpdateAccountPasswordPolicy":
            response = {"Error": {"Code": "AccessDenied", "Message": "not allowed"}, "ResponseMetadata": {"RequestId": "r-2", "HTTPStatusCode": 403}}
            raise ClientError(response, operation)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", denied)
    from_module, from_worker = both(iam_password_policy, _password_policy, **POLICY)
    same(from_module, from_worker)
    assert from_worker["msg"].startswith("Failed to update the account password policy: An error occurred (AccessDenied)")


@CHECK_MODES
def test_user_new_in_check_mode_and_missing_for_absent(both, iam, check_mode):
    iam.create_group(GroupName="Administrators")
    same(*both(iam_admin_user, _admin_user, True, name="alice", tags={"team": "platform"}))
    same(*both(iam_admin_user, _admin_user, check_mode, name="bob", state="absent"))


def test_user_unknown_group_and_a_given_password_is_masked(both, iam):
    iam.create_group(GroupName="Administrators")
    from_module, from_worker = both(iam_admin_user, _admin_user, True, name="alice", groups=["Nobody"], password="Given-Passw0rd!xyz")
    same(from_module, from_worker)
    assert "Nobody" in from_worker["msg"]
    assert "Given-Passw0rd!xyz" not in json.dumps(from_worker)
    assert from_worker["invocation"]["module_args"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


@CHECK_MODES
def test_mfa_steady_and_missing_user(both, iam, check_mode):
    same(*both(iam_virtual_mfa, _mfa, check_mode, user_name="nobody"))
    iam.create_user(UserName="alice")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
    from_module, from_worker = both(iam_virtual_mfa, _mfa, check_mode, user_name="alice")
    same(from_module, from_worker)
    assert from_worker["enabled"] is True and from_worker["changed"] is False


def test_mfa_warning_is_the_same(both, iam):
    iam.create_user(UserName="alice")
    iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")  # an orphan whose seed no one holds
    from_module, from_worker = both(iam_virtual_mfa, _mfa, True, user_name="alice")
    same(from_module, from_worker)
    assert any("has no stored seed" in w for w in from_worker["warnings"])


def test_root_facts(both):
    from_module, from_worker = both(root_mfa_facts, _root, account_id="123456789012")
    same(from_module, from_worker)
    assert from_worker["ansible_facts"]["root_mfa"]["account_id"] == "123456789012"


@CHECK_MODES
def test_session(both, check_mode):
    arn = "arn:aws:iam::210987654321:role/OrganizationAccountAccessRole"
    from_module, from_worker = both(account_session, _session, check_mode, role_arn=arn, region="us-east-1")
    # Every AssumeRole gives new keys: compare the rest.
    for result in (from_module, from_worker):
        for key in ("sts_creds", "connection", "sts_user"):
            assert result.pop(key)
    same(from_module, from_worker)
    assert from_worker["account_id"] == "210987654321"


def test_env_fallbacks_read_the_tasks_environment(iam, monkeypatch):
    # The region given only through `environment:` reaches the module's parameters, as it would in a module process.
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    result = run_in_worker(_root, "accountguard.aws.root_mfa_facts", {"account_id": "123456789012"}, False, False,
                           environment={"AWS_REGION": "eu-west-1"}, inject_invocation=True)
    assert result["invocation"]["module_args"]["region"] == "eu-west-1"
    assert "AWS_REGION" not in os.environ


def test_without_any_region_iam_works_the_same(both, monkeypatch, tmp_path):
    # IAM is global: no region in the task, the environment or the AWS config files is fine, both ways.
    for key in ("AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    from_module, from_worker = both(root_mfa_facts, _root, account_id="123456789012")
    same(from_module, from_worker)
    assert from_worker["invocation"]["module_args"]["region"] is None
