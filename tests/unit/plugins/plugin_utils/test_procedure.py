"""accountguard.aws.baseline's procedure (plugin_utils/_procedure.py) over scripted steps: the order of the manual
procedure, the account's session handed to every step after AssumeRole, input checked before the first AWS call,
what stops an account and how the message names it, check-mode planning, diffs, the summary, and no credential in
anything it returns."""

import json
import tempfile
from unittest import mock

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.parsing.vault import VaultSecret

from ansible_collections.accountguard.aws.plugins.module_utils import _baseline
from ansible_collections.accountguard.aws.plugins.plugin_utils._procedure import Procedure
from ansible_collections.accountguard.aws.plugins.plugin_utils._procedure import Stop

ACCOUNT = "210000000001"
VAULT = [("default", VaultSecret(b"procedure-test-vault"))]
SECRET = "wJalrXUtnFEMI-session-secret"
TOKEN = "FwoGZXIvYXdz-session-token"
SESSION = {"access_key": "ASIASESSION", "secret_key": SECRET, "session_token": TOKEN, "endpoint_url": "http://127.0.0.1:1"}
ROOT = {"account_id": ACCOUNT, "mfa_enabled": True, "mfa_type": "virtual", "mfa_applicable": True, "credentials_present": True,
        "findings": []}
ROOT_NO_MFA = dict(ROOT, mfa_enabled=False, mfa_type="none", findings=["root user has a password but no MFA"])


def answers(**overrides):
    """Results of converged steps, by module; `overrides` replace one (a function of the step's args)."""
    base = {
        "account_session": lambda a: {"changed": False, "account_id": ACCOUNT, "connection": dict(SESSION),
                                      "sts_creds": {"secret_key": SECRET, "session_token": TOKEN}},
        "root_mfa_facts": lambda a: {"changed": False, "root_mfa": ROOT, "ansible_facts": {"root_mfa": ROOT}},
        "iam_admin_group": lambda a: {"changed": False, "created": False, "diff": {"before": {"group_name": a["name"]}, "after": {"group_name": a["name"]}}},
        "iam_password_policy": lambda a: {"changed": False, "policy": dict(a), "diff": {"before": dict(a), "after": dict(a)}},
        "iam_admin_user": lambda a: {"changed": False, "created": False,
                                     "user": dict({"user_name": a["name"], "console_access": a["console_access"]},
                                                  **({"access_keys_active": 0} if a.get("report_access_keys") else {})),
                                     "diff": {"before": {"user_name": a["name"]}, "after": {"user_name": a["name"]}},
                                     "invocation": {"module_args": dict(a)}},
        "iam_virtual_mfa": lambda a: {"changed": False, "enabled": True, "user_name": a["user_name"],
                                      "serial_number": f"arn:aws:iam::{ACCOUNT}:mfa/{a['user_name']}"},
    }
    base.update(overrides)
    return base


class Steps:
    """Stands in for the steps' action plugins: records each run and answers from `script`."""

    def __init__(self, script):
        self.script = script
        self.runs = []

    def get(self, name, **kwargs):
        module = name.rsplit(".", 1)[1]
        step = mock.MagicMock()
        step.run_step.side_effect = lambda args, task_vars: (self.runs.append((module, dict(args))), self.script[module](args))[1]
        return step


def modules(steps):
    """The modules the steps ran, in order."""
    return [module for module, args in steps.runs]


def procedure(users=None, check_mode=False, script=None, vault=tuple(VAULT), **options):
    options.setdefault("assume_role_arn", f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole")
    options.setdefault("account_id", ACCOUNT)
    options.setdefault("secrets_dir", tempfile.mkdtemp(prefix="procedure-test-"))
    options["admin_users"] = users if users is not None else [{"name": "alice"}, {"name": "breakglass", "console_access": False, "mfa": False}]
    params = ArgumentSpecValidator(_baseline.ARGUMENT_SPEC).validate(options).validated_parameters
    steps = Steps(script or answers())
    action = mock.MagicMock()
    action._task.check_mode = check_mode
    action._shared_loader_obj.action_loader = steps
    action._templar.template.side_effect = lambda value: value
    action._loader._vault.secrets = list(vault)
    run = Procedure(action, {"aws_account_name": "prod"}, params, {"profile": "operator", "region": "us-east-1"}, "prod")
    return run, steps


def finish(run):
    try:
        run.run()
    except Stop as e:
        return run.result(e.message, diff_mode=True)
    return run.result(diff_mode=True)


def test_converged_account_runs_every_step_in_order_with_the_accounts_session():
    run, steps = procedure()
    result = finish(run)
    assert modules(steps) == ["account_session", "root_mfa_facts", "iam_admin_group", "iam_admin_user", "iam_admin_user", "iam_virtual_mfa"]
    assert steps.runs[0][1]["profile"] == "operator"  # AssumeRole with the operator's connection
    for module, args in steps.runs[1:]:
        assert args["access_key"] == "ASIASESSION" and args["session_token"] == TOKEN and "profile" not in args, module
    assert result["changed"] is False and "failed" not in result
    # breakglass is an admin without MFA: a finding no run repairs, unless the settings accept it (below).
    assert result["summary"]["status"] == "drift" and result["summary"]["users_unchanged"] == ["alice", "breakglass"]
    assert result["summary"]["drift"] == ["MFA device of breakglass (needs a change of settings)"]
    assert [a["report_access_keys"] for m, a in steps.runs if m == "iam_admin_user"] == [False, True]
    assert result["summary"]["mfa_enabled"] == ["alice"] and result["summary"]["account_name"] == "prod"
    assert result["ansible_facts"]["root_mfa"] == ROOT and result["ansible_facts"]["account_baseline_result"] == result["summary"]
    assert result["diff"] == []  # nothing changed, nothing to show


def test_secrets_files_and_arguments_of_the_steps(tmp_path):
    run, steps = procedure(users=[{"name": "alice", "tags": {"team": "a"}, "groups": ["Readers"]}], user_tags={"managed-by": "x"},
                           secrets_dir=str(tmp_path))
    finish(run)
    user = dict(steps.runs)["iam_admin_user"]
    assert user["secrets_file"] == f"{tmp_path}/{ACCOUNT}/alice.yml"
    assert user["groups"] == ["Administrators", "Readers"] and user["tags"] == {"managed-by": "x", "team": "a"}
    assert user["forget_secrets"] is True and user["planned_groups"] == [] and user["path"] == "/"
    expected = {**SESSION, "user_name": "alice", "user_planned": False, "secrets_file": f"{tmp_path}/{ACCOUNT}/alice.yml"}
    assert dict(steps.runs)["iam_virtual_mfa"] == expected


def test_nothing_it_returns_holds_the_sessions_credentials_or_the_steps_arguments():
    run = procedure()[0]
    text = json.dumps(finish(run))
    assert SECRET not in text and TOKEN not in text and "ASIASESSION" not in text
    assert "invocation" not in text and "sts_creds" not in text


@pytest.mark.parametrize("users,words", [
    ([{"name": "bad name!"}], 'has invalid IAM user names ("bad name!"'),
    ([{"name": "alice"}, {"name": "alice"}], "names alice more than once"),
])
def test_bad_user_names_stop_before_any_step(users, words):
    run, steps = procedure(users=users)
    result = finish(run)
    assert steps.runs == []
    assert result["failed"] is True and result["msg"].startswith("account prod: admin_users (account_baseline_admin_users) ")
    assert words in result["msg"] and result["msg"].endswith("Nothing was changed.")
    assert result["summary"]["status"] == "failed" and result["summary"]["error"] == result["msg"]


@pytest.mark.parametrize("options,words", [
    ({"users": [{"name": "alice", "path": "admins"}]}, "Admin users - console access, password to change at first sign-in, "
                                                       "kept in Ansible Vault: alice: Invalid input for IAM user 'alice': path 'admins'"),
    ({"admin_group_policies": ["AdministratorAccess"]}, "Admin group with its policies: Invalid input for IAM group 'Administrators'"),
    ({"users": [{"name": "alice", "tags": {"aws:reserved": "x"}}]}, "alice: Invalid input for IAM user 'alice': tag 'aws:reserved'"),
])
def test_bad_step_input_stops_before_any_aws_call(options, words):
    run, steps = procedure(**options)
    result = finish(run)
    assert steps.runs == []
    assert result["msg"].startswith(f"account prod ({ACCOUNT}): ") and words in result["msg"], result["msg"]


def test_a_role_that_cannot_be_assumed_stops_the_account():
    run, steps = procedure(script=answers(account_session=lambda a: {"failed": True, "msg": "AccessDenied: not trusted"}))
    result = finish(run)
    assert modules(steps) == ["account_session"]
    assert result["msg"] == (f"account prod ({ACCOUNT}): Connect - assume the access role in the account: cannot assume "
                             f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole: AccessDenied: not trusted. Nothing was changed in this account.")


def test_root_mfa_required_stops_the_account_before_any_change():
    run, steps = procedure(root_mfa="require", script=answers(root_mfa_facts=lambda a: {"changed": False, "root_mfa": ROOT_NO_MFA}))
    result = finish(run)
    assert modules(steps) == ["account_session", "root_mfa_facts"]
    assert result["msg"].startswith(f"account prod ({ACCOUNT}): the root user has credentials but no MFA (root user has a password but no MFA). ")
    assert result["summary"]["root_mfa"]["status"] == "fail" and result["ansible_facts"]["root_mfa"] == ROOT_NO_MFA


def test_a_failing_user_leaves_the_other_users_done_and_stops_before_mfa():
    def user(args):
        if args["name"] == "alice":
            return {"failed": True, "changed": False, "msg": "The secrets file of user alice cannot be decrypted"}
        return answers()["iam_admin_user"](args)

    run, steps = procedure(users=[{"name": "alice"}, {"name": "carol"}], script=answers(iam_admin_user=user))
    result = finish(run)
    assert modules(steps)[-2:] == ["iam_admin_user", "iam_admin_user"]  # carol too, no MFA step
    assert result["msg"] == (f"account prod ({ACCOUNT}): Admin users - console access, password to change at first sign-in, kept in "
                             "Ansible Vault: alice: The secrets file of user alice cannot be decrypted")
    assert [(s["user"], s["failed"]) for s in result["steps"] if s["step"] == "users"] == [("alice", True), ("carol", False)]


def test_check_mode_on_a_new_account_plans_the_group_and_the_new_users_devices():
    created = {"changed": True, "created": True}
    script = answers(iam_admin_group=lambda a: dict(created, diff={"before": {}, "after": {"group_name": "Administrators"}}),
                     iam_admin_user=lambda a: dict(created, user={"user_name": a["name"]}, diff={"before": {}, "after": {"user_name": a["name"]}}),
                     iam_virtual_mfa=lambda a: {"changed": True, "enabled": False, "diff": {"before": {}, "after": {}, "after_header": "create it"}})
    run, steps = procedure(check_mode=True, users=[{"name": "alice"}], script=script)
    result = finish(run)
    args = dict(steps.runs)
    assert args["iam_admin_user"]["planned_groups"] == ["Administrators"]
    assert args["iam_virtual_mfa"]["user_planned"] is True
    # In check mode a pending change is drift, as in the drift report.
    assert result["changed"] is True and result["summary"]["status"] == "drift" and result["summary"]["check_mode"] is True
    assert [(d["before_header"], d["after_header"]) for d in result["diff"]] == [
        ("Admin group with its policies", "Admin group with its policies"),
        ("Admin users - console access, password to change at first sign-in, kept in Ansible Vault: alice",
         "Admin users - console access, password to change at first sign-in, kept in Ansible Vault: alice"),
        ("Admin users - virtual MFA device, seed stored in Ansible Vault before the device is enabled: alice", "create it"),
    ]


def test_without_a_role_to_assume_the_steps_get_the_tasks_own_connection():
    run, steps = procedure(assume_role_arn=None, account_id=None)
    finish(run)
    assert steps.runs[0][0] == "root_mfa_facts" and "account_id" not in steps.runs[0][1]
    assert all(args["profile"] == "operator" for args in (a for m, a in steps.runs))


def test_removed_and_mfa_less_users_get_no_mfa_step():
    run, steps = procedure(users=[{"name": "gone", "state": "absent"}, {"name": "keys-only", "mfa": False}, {"name": "alice"}])
    result = finish(run)
    assert [a["user_name"] for m, a in steps.runs if m == "iam_virtual_mfa"] == ["alice"]
    assert {u["name"]: u["mfa"] for u in result["summary"]["users"]} == {"gone": "removed", "keys-only": "not managed", "alice": "enabled"}


# ---- settings refused before the first write ------------------------------------------------------

def test_the_same_account_on_two_hosts_stops_before_any_step():
    run, steps = procedure(same_account_hosts=["prod", "prod-again"])
    result = finish(run)
    assert steps.runs == []
    assert "the inventory lists this account on hosts prod, prod-again: an account must be on one host only" in result["msg"]


@pytest.mark.parametrize("folder,words", [
    ("", "secrets_dir (account_baseline_secrets_dir) is empty"),
    ("/opt/ansible/ansible_collections/accountguard/aws/playbooks/secrets", "is inside a collection folder, which an upgrade or reinstall"),
])
def test_a_secrets_folder_that_cannot_be_right_stops_before_the_first_write(folder, words):
    run, steps = procedure(secrets_dir=folder)
    result = finish(run)
    assert modules(steps) == ["account_session", "root_mfa_facts"]  # reads only
    assert words in result["msg"] and result["msg"].endswith("Nothing was changed.")


def test_without_a_vault_secret_nothing_is_created_not_even_the_group():
    run, steps = procedure(vault=[])
    result = finish(run)
    assert modules(steps) == ["account_session", "root_mfa_facts"]
    assert "alice: No vault secret is configured, so the secrets of user alice in account 210000000001 could not be stored" in result["msg"]


def test_a_secrets_folder_that_cannot_be_made_stops_before_the_first_write(tmp_path):
    (tmp_path / ACCOUNT).write_text("a file where the account's folder must go")  # (root may write anywhere else)
    run, steps = procedure(secrets_dir=str(tmp_path))
    result = finish(run)
    assert modules(steps) == ["account_session", "root_mfa_facts"]
    assert f"alice: Cannot create the secrets folder {tmp_path}/{ACCOUNT} for user alice in account {ACCOUNT}: Not a directory" in result["msg"]


def test_another_users_file_in_a_users_place_stops_before_the_first_write(tmp_path):
    from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFile

    bob = tmp_path / ACCOUNT / "bob.yml"
    SecretsFile(str(bob), VAULT, "user bob").save({"user_name": "bob", "account_id": ACCOUNT, "password": "Bob's-1!"})
    (tmp_path / ACCOUNT / "alice.yml").symlink_to(bob)
    before = bob.read_bytes()
    run, steps = procedure(secrets_dir=str(tmp_path))
    result = finish(run)
    assert modules(steps) == ["account_session", "root_mfa_facts"]
    assert f"alice: The secrets file {tmp_path}/{ACCOUNT}/alice.yml holds the secrets of user bob in account {ACCOUNT}" in result["msg"]
    assert bob.read_bytes() == before


def test_check_mode_needs_no_vault():
    run, steps = procedure(vault=[], check_mode=True)
    result = finish(run)
    assert "failed" not in result and modules(steps)[-1] == "iam_virtual_mfa"


ALLOW = {"allow_admin_without_mfa": "credentialless"}


@pytest.mark.parametrize("access_keys, allow, status", [
    (0, ALLOW, "ok"),
    (1, ALLOW, "drift"),  # an active access key is a credential
    (0, {}, "drift"),  # the default accepts no admin without MFA
])
def test_an_admin_without_mfa_is_a_finding_unless_accepted_for_a_user_without_credentials(access_keys, allow, status):
    def user(a):
        shown = {"user_name": a["name"], "console_access": a["console_access"]}
        if a["report_access_keys"]:
            shown["access_keys_active"] = access_keys
        return {"changed": False, "created": False, "user": shown, "diff": {"before": {}, "after": {}}}
    run, steps = procedure(script=answers(iam_admin_user=user), **allow)
    summary = finish(run)["summary"]
    item = next(i for i in summary["items"] if (i["item"], i["user"]) == ("mfa_device", "breakglass"))
    assert summary["status"] == status and item["status"] == status and item["repairable"] is False
    if status == "drift":
        assert "administrator without MFA" in item["message"]
        assert ("1 active access key(s)" in item["message"]) is bool(access_keys)


def test_the_password_policy_is_set_after_the_group_and_before_the_users():
    policy = {"minimum_password_length": 14, "password_reuse_prevention": 24}

    def changed(args):
        after = {k: args[k] for k in policy}
        return {"changed": True, "policy": after, "diff": {"before": {}, "after": after}}
    run, steps = procedure(script=answers(iam_password_policy=changed), password_policy=policy)
    result = finish(run)
    assert modules(steps)[:5] == ["account_session", "root_mfa_facts", "iam_admin_group", "iam_password_policy", "iam_admin_user"]
    assert dict(steps.runs)["iam_password_policy"]["minimum_password_length"] == 14
    item = next(i for i in result["summary"]["items"] if i["item"] == "password_policy")
    assert item["status"] == "changed" and item["after"] == policy and item["message"] == "set"
    assert result["changed"] is True and result["summary"]["status"] != "ok"


def test_a_bad_password_policy_stops_the_account_before_any_aws_call():
    run, steps = procedure(password_policy={"minimum_password_length": 5})
    result = finish(run)
    assert steps.runs == []
    assert "Account password policy: Invalid input for the account password policy: minimum_password_length" in result["msg"]


def test_without_a_password_policy_the_accounts_policy_is_not_read_nor_reported():
    run, steps = procedure()
    result = finish(run)
    assert "iam_password_policy" not in modules(steps)
    assert all(i["item"] != "password_policy" for i in result["summary"]["items"])


@pytest.mark.parametrize("root, required, status", [
    (ROOT, "any", "ok"),
    (ROOT, "hardware", "drift"),
    (dict(ROOT, mfa_type="hardware"), "hardware", "ok"),
    (dict(ROOT_NO_MFA, credentials_present=False, mfa_applicable=False, findings=[]), "hardware", "ok"),
])
def test_hardware_root_mfa_when_required(root, required, status):
    script = answers(root_mfa_facts=lambda a: {"changed": False, "root_mfa": root, "ansible_facts": {"root_mfa": root}})
    run, steps = procedure(script=script, root_mfa_type=required, users=[{"name": "alice"}])
    summary = finish(run)["summary"]
    item = next(i for i in summary["items"] if i["item"] == "root_mfa")
    assert item["status"] == status and summary["status"] == status and item["repairable"] is False
    assert summary["root_mfa"]["status"] in (("warn",) if status == "drift" else ("ok", "not applicable"))
    if status == "drift":
        assert summary["drift"] == ["root MFA (needs the root user)"] and "hardware MFA device" in item["message"]


def test_root_access_keys_make_the_summary_say_drift_like_the_report():
    root = dict(ROOT, access_keys_present=True, findings=["root user has access keys"])
    script = answers(root_mfa_facts=lambda a: {"changed": False, "root_mfa": root, "ansible_facts": {"root_mfa": root}})
    run, steps = procedure(script=script, users=[{"name": "alice"}])
    summary = finish(run)["summary"]
    assert summary["status"] == "drift" and summary["drift"] == ["root access keys (needs the root user)"]
    assert summary["root_mfa"]["status"] == "ok"  # root MFA itself is fine: the keys are the other item


# ---- root credentials removed centrally (root_credentials: remove) ----------------------------------------------

NO_CREDENTIALS = dict(ROOT, mfa_enabled=False, mfa_type="none", mfa_applicable=False, credentials_present=False, findings=[])
DELETED = {"password": True, "access_keys": [], "signing_certificates": [], "mfa_devices": []}


def removal(changed=True, **extra):
    return lambda a: dict({"changed": changed, "account_id": a["account_id"], "management_account": False,
                           "credentials": DELETED, "deleted": DELETED if changed else {}, "remaining": {}}, **extra)


def root_reads(*facts):
    """root_mfa_facts answering `facts` in turn (the read before the removal, then the one after)."""
    left = list(facts)
    return lambda a: {"changed": False, "root_mfa": left.pop(0) if len(left) > 1 else left[0]}


def test_keep_never_runs_the_removal():
    run, steps = procedure(script=answers(root_mfa_facts=root_reads(ROOT_NO_MFA)))
    result = finish(run)
    assert "iam_root_credentials" not in modules(steps)
    assert result["summary"]["root_credentials"] == {"policy": "keep", "deleted": None}
    root_mfa = next(i for i in result["summary"]["items"] if i["item"] == "root_mfa")
    assert root_mfa["repairable"] is False and "account_baseline_root_credentials to 'remove'" in root_mfa["message"]


def test_remove_deletes_with_the_operators_connection_then_reads_root_again():
    run, steps = procedure(root_credentials="remove",
                           script=answers(root_mfa_facts=root_reads(ROOT_NO_MFA, NO_CREDENTIALS), iam_root_credentials=removal()))
    result = finish(run)
    assert modules(steps)[:4] == ["account_session", "root_mfa_facts", "iam_root_credentials", "root_mfa_facts"]
    args = dict(steps.runs)["iam_root_credentials"]
    # AssumeRoot needs the management side: the operator's connection, never the account's session.
    assert args["profile"] == "operator" and "access_key" not in args
    assert args["account_id"] == ACCOUNT and args["skip_management_account"] is True
    assert result["summary"]["root_mfa"]["credentials_present"] is False
    items = {i["item"]: i for i in result["summary"]["items"]}
    assert items["root_credentials"]["status"] == "changed" and items["root_mfa"]["status"] == "ok"
    assert result["summary"]["root_credentials"] == {"policy": "remove", "deleted": DELETED}


def test_remove_in_check_mode_is_drift_repairable_centrally_and_does_not_stop_require():
    run, steps = procedure(root_credentials="remove", root_mfa="require", check_mode=True,
                           script=answers(root_mfa_facts=root_reads(ROOT_NO_MFA), iam_root_credentials=removal()))
    result = finish(run)
    assert "failed" not in result
    assert modules(steps).count("root_mfa_facts") == 1  # nothing was deleted, nothing to read again
    items = {i["item"]: i for i in result["summary"]["items"]}
    assert items["root_mfa"]["status"] == "drift" and items["root_mfa"]["repairable"] is True
    assert items["root_credentials"]["status"] == "drift" and items["root_credentials"]["message"] == "would delete centrally: the password"
    assert "root MFA (repairable centrally)" in result["summary"]["drift"]


def test_remove_through_a_role_of_the_delegated_administrator():
    arn = "arn:aws:iam::210000000009:role/RootAccess"
    run, steps = procedure(root_credentials="remove", root_access_role_arn=arn,
                           script=answers(root_mfa_facts=root_reads(ROOT_NO_MFA, NO_CREDENTIALS), iam_root_credentials=removal()))
    finish(run)
    sessions = [a for m, a in steps.runs if m == "account_session"]
    assert [s["role_arn"] for s in sessions] == [f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole", arn]
    assert sessions[1]["profile"] == "operator"
    assert dict(steps.runs)["iam_root_credentials"]["access_key"] == "ASIASESSION"


def test_remove_skips_a_root_without_credentials_and_reports_it_ok():
    run, steps = procedure(root_credentials="remove", script=answers(root_mfa_facts=root_reads(NO_CREDENTIALS)))
    result = finish(run)
    assert "iam_root_credentials" not in modules(steps)
    item = next(i for i in result["summary"]["items"] if i["item"] == "root_credentials")
    assert item["status"] == "ok" and item["message"] == "root user has no credentials"


def test_the_management_account_keeps_its_root_and_needs_its_root_user():
    run, steps = procedure(root_credentials="remove", script=answers(
        root_mfa_facts=root_reads(ROOT_NO_MFA),
        iam_root_credentials=lambda a: {"changed": False, "account_id": a["account_id"], "management_account": True}))
    result = finish(run)
    assert "failed" not in result
    items = {i["item"]: i for i in result["summary"]["items"]}
    assert items["root_mfa"]["status"] == "drift" and items["root_mfa"]["repairable"] is False
    assert "management account" in items["root_credentials"]["message"]


def test_a_failed_removal_stops_the_account_naming_the_step():
    run, steps = procedure(root_credentials="remove", script=answers(
        root_mfa_facts=root_reads(ROOT_NO_MFA),
        iam_root_credentials=lambda a: {"failed": True, "msg": f"account {a['account_id']}: centralized root access is not enabled"}))
    result = finish(run)
    assert result["failed"] is True
    assert result["msg"] == (f"account prod ({ACCOUNT}): {_baseline.STEPS['root_credentials']}: account {ACCOUNT}: centralized root "
                             "access is not enabled")
    assert "iam_admin_group" not in modules(steps)


def test_a_bad_root_access_role_stops_before_any_call():
    run, steps = procedure(root_credentials="remove", root_access_role_arn="not-an-arn")
    result = finish(run)
    assert result["failed"] is True and "is not the ARN of an IAM role" in result["msg"] and steps.runs == []
