# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the baseline of one account in one task (accountguard.aws.baseline).

The manual procedure, top to bottom: check the input, connect (AssumeRole), read the root user (and, where the
baseline removes them, delete its credentials centrally through sts:AssumeRoot from the management account), the admin
group with its policies (whose unknown policies are found before the account's first write), the account
password policy, the admin users with console access, their virtual MFA devices, the summary. Each step is a
run of the collection's own module for it, through that module's action plugin (run_step): the same
arguments, logic, secrets conversation (vault file written before the secret is used) and results as a task
of that module, in this worker on the controller or as a module process elsewhere.

Why one task and not one task per step: every task of a play costs Ansible a worker process, templating and
result handling per host (about 30 ms of controller CPU, more for a loop), which for a nightly scan of a whole
organization is most of the cost. Here the steps share one worker, one client per service and one session.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.accountguard.aws.plugins.module_utils import _account_alias
from ansible_collections.accountguard.aws.plugins.module_utils import _admin_group
from ansible_collections.accountguard.aws.plugins.module_utils import _admin_user
from ansible_collections.accountguard.aws.plugins.module_utils import _baseline
from ansible_collections.accountguard.aws.plugins.module_utils import _budget
from ansible_collections.accountguard.aws.plugins.module_utils import _mfa
from ansible_collections.accountguard.aws.plugins.module_utils import _password_policy
from ansible_collections.accountguard.aws.plugins.module_utils import _session
from ansible_collections.accountguard.aws.plugins.module_utils._catalog import fqcn
from ansible_collections.accountguard.aws.plugins.module_utils._common import AccountGuardError
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFile
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFileError

# What a step's result may carry that the baseline's own result must not: the session's credentials, the
# module's arguments (connection keys), and the action plugins' internal keys.
_DROPPED = ("invocation", "sts_creds", "connection", "sts_user", "warnings", "deprecations", "_ansible_no_log")


class Stop(Exception):
    """The account stops here; `message` says why, naming the account, the step and the item."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Procedure:
    """One account's baseline. `action` is the accountguard.aws.baseline action plugin (its task, connection
    and loaders serve every step), `params` its validated options, `connection` the AWS connection options
    of the first step (after AssumeRole, every later step gets the session's)."""

    def __init__(self, action, task_vars, params, connection, host):
        self.action = action
        self.task_vars = task_vars
        self.params = params
        self.connection = dict(connection)
        # The operator's connection (the management account's, from which the account's role is assumed): the one
        # sts:AssumeRoot needs, unless root_access_role_arn names another.
        self.base_connection = dict(connection)
        self.host = host
        self.check_mode = bool(action._task.check_mode)
        self.account_id = params.get("account_id")
        self.steps = []
        self.warnings = []
        self.root = {}
        self.group = {}
        self.users = []  # (user, its result), in the order of admin_users
        self.mfa = {}  # user name -> its MFA step's result
        self.alias = None  # the account alias the account_alias step ensured (the users' sign-in URL)
        self._actions = {}

    # ---- the procedure ------------------------------------------------------------------------

    def run(self):
        users = self.params["admin_users"]
        hosts = self.params["same_account_hosts"]
        if len(hosts) > 1:
            raise Stop(f"{self.prefix()}: the inventory lists this account on hosts {', '.join(hosts)}: an account must be on one host "
                       "only (two hosts would run the baseline of one account twice, at once). Nothing was changed.")
        problem = _baseline.check_users(users)
        if problem:
            raise Stop(f"account {self.host}: {problem}")
        self.check_input(users)
        if self.params.get("assume_role_arn"):
            self.connect()
        self.read_root()
        self.check_secrets(users)
        # root_mfa 'require' stops the account before its first write, unless this run removes the root credentials
        # (then it is judged on the root user as the removal leaves it).
        removing = self.params["root_credentials"] == "remove" and self.root.get("credentials_present")
        if not removing:
            self.require_root_mfa()
        self.account_alias()
        self.root_credentials()
        if removing:
            self.require_root_mfa()
        self.admin_group()
        self.password_policy()
        self.admin_users(users)
        self.mfa_devices(users)
        self.budget()

    def check_input(self, users):
        """Every step's input as its module checks it, before the first AWS call: bad input changes nothing."""
        if self.params.get("root_access_role_arn"):
            self._checked("root_credentials", _session, {"role_arn": self.params["root_access_role_arn"]}, None)
        if self.params.get("password_policy") is not None:
            self._checked("password_policy", _password_policy, self.params["password_policy"], None)
        if self.params.get("account_alias"):
            self._checked("account_alias", _account_alias, {"alias": self.params["account_alias"]}, None)
        if self.params.get("budget") is not None:
            self._checked("budget", _budget, self.budget_args(account_id="000000000000"), None)
        self._checked("group", _admin_group, self.group_args(), None)
        for user in users:
            self._checked("users", _admin_user, self.user_args(user, account_id="000000000000"), user["name"])
            if self._wants_mfa(user):
                self._checked("mfa", _mfa, self.mfa_args(user, account_id="000000000000"), user["name"])

    def check_secrets(self, users):
        """Before the first write: where the users' secrets go, that this run can store them there with the folder's
        vault identity, and that the files already there are these users' in this account."""
        needing = [u for u in users if u["state"] == "present" and (u["console_access"] or u["mfa"])]
        if not needing:
            return
        folder = self.params.get("secrets_dir")
        if not folder:
            raise Stop(f"{self.prefix()}: secrets_dir (account_baseline_secrets_dir) is empty: set it to the folder of the users' "
                       "vault files. Nothing was changed.")
        if "ansible_collections" in os.path.abspath(folder).split(os.sep):
            raise Stop(f"{self.prefix()}: secrets_dir (account_baseline_secrets_dir) {folder} is inside a collection folder, which "
                       "an upgrade or reinstall of the collection deletes: set it to a folder of your own. Nothing was changed.")
        if self.check_mode:
            return  # a scan stores nothing and needs no vault
        problems = []
        for user in needing:
            store = SecretsFile(self.secrets_file(user), self.action._loader._vault.secrets, f"user {user['name']} in account {self.account_id}")
            try:
                if store.exists():
                    stored = store.load()
                    found = {"user": stored.get("user_name"), "account": stored.get("account_id")}
                    if found["user"] not in (None, user["name"]) or found["account"] not in (None, self.account_id):
                        raise SecretsFileError(f"The secrets file {store.path} holds the secrets of user {found['user']} in account "
                                               f"{found['account']}: it is another user's or account's file (a link or a copy?). "
                                               "It was left untouched.")
                else:
                    store.check_writable()
                    store.check_same_vault()
            except SecretsFileError as e:
                problems.append(f"{user['name']}: {e.message}")
        if problems:
            raise Stop(f"{self.prefix()}: {_baseline.STEPS['users']}: " + " | ".join(problems) + " Nothing was changed in this account.")

    def connect(self):
        arn = self.params["assume_role_arn"]
        result = self.step("connect", "account_session", {
            "role_arn": arn,
            "role_session_name": self.params["assume_role_session_name"],
            "duration_seconds": self.params["assume_role_duration"],
        })
        if result.get("failed"):
            raise Stop(f"{self.prefix()}: {_baseline.STEPS['connect']}: cannot assume {arn}: {result.get('msg') or 'no reason given'}. "
                       "Nothing was changed in this account.")
        self.connection = dict(result["connection"])
        self.account_id = result.get("account_id") or self.account_id

    def read_root(self):
        args = {"account_id": self.account_id} if self.account_id else {}
        result = self.step("root", "root_mfa_facts", args)
        self.fail_if_failed("root", [result])
        self.root = result["root_mfa"]
        self.account_id = self.root.get("account_id") or self.account_id

    def root_credentials(self):
        """With root_credentials 'remove', a root user that has credentials gets them deleted centrally: sts:AssumeRoot
        from the operator's connection (the management account, or the role root_access_role_arn names), never from
        the account's own role, which cannot call it. Then the root user is read again."""
        if self.params["root_credentials"] != "remove" or not self.root.get("credentials_present"):
            return
        connection = self.base_connection
        arn = self.params.get("root_access_role_arn")
        if arn:
            session = self.step("root_credentials", "account_session", {
                "role_arn": arn, "role_session_name": self.params["assume_role_session_name"], "duration_seconds": 900,
            }, connection=connection)
            if session.get("failed"):
                raise Stop(f"{self.prefix()}: {_baseline.STEPS['root_credentials']}: cannot assume {arn} (root_access_role_arn): "
                           f"{session.get('msg') or 'no reason given'}. Nothing was changed in this account.")
            connection = dict(session["connection"])
        result = self.step("root_credentials", "iam_root_credentials",
                           {"account_id": self.account_id, "skip_management_account": True}, connection=connection)
        self.fail_if_failed("root_credentials", [result])
        if result.get("changed") and not self.check_mode:
            self.read_root()

    def require_root_mfa(self):
        """root_mfa 'require' stops an account whose root user has credentials and no MFA, unless a real run removes
        them centrally (in check mode: would remove them)."""
        if self.check_mode and _baseline.central_repair(self.params, self.steps) and any(
                s["step"] == "root_credentials" and s["result"].get("changed") for s in self.steps):
            return
        required = _baseline.root_mfa_required_failure(self.root, self.params["root_mfa"])
        if required:
            raise Stop(f"{self.prefix()}: {required}")

    def password_policy(self):
        """Before the users, so that the passwords this run generates meet the policy it sets; after the group, whose
        policy ARNs are checked against IAM before the account's first write."""
        if self.params.get("password_policy") is None:
            return
        result = self.step("password_policy", "iam_password_policy", dict(self.params["password_policy"]))
        self.fail_if_failed("password_policy", [result])

    def account_alias(self):
        """The account's first write, before the users (whose sign-in URL it names): an alias another account holds
        (CreateAccountAlias is the only way to tell) stops the account before anything else is changed."""
        if not self.params.get("account_alias"):
            return
        result = self.step("account_alias", "account_alias", {"alias": self.params["account_alias"], "state": "present"})
        self.fail_if_failed("account_alias", [result])
        self.alias = result.get("account_alias")

    def budget(self):
        """Last: a cost budget is no precondition of anything else, and its failure leaves the IAM baseline in place."""
        if self.params.get("budget") is None:
            return
        result = self.step("budget", "budget", self.budget_args())
        self.fail_if_failed("budget", [result])

    def budget_args(self, account_id=None):
        args = {"name": _baseline.DEFAULT_BUDGET_NAME, **self.params["budget"]}
        if account_id or self.account_id:
            args["account_id"] = account_id or self.account_id
        return args

    def admin_group(self):
        self.group = self.step("group", "iam_admin_group", self.group_args())
        self.fail_if_failed("group", [self.group])

    def admin_users(self, users):
        for user in users:
            self.users.append((user, self.step("users", "iam_admin_user", self.user_args(user), user["name"])))
        self.fail_if_failed("users", [result for user, result in self.users])

    def mfa_devices(self, users):
        for user in users:
            if self._wants_mfa(user):
                self.mfa[user["name"]] = self.step("mfa", "iam_virtual_mfa", self.mfa_args(user), user["name"])
        self.fail_if_failed("mfa", list(self.mfa.values()))

    # ---- each step's arguments -----------------------------------------------------------------

    def group_args(self):
        p = self.params
        return {"name": p["admin_group"], "path": p["admin_group_path"], "managed_policies": p["admin_group_policies"],
                "purge_policies": p["admin_group_exclusive_policies"], "state": "present"}

    def user_args(self, user, account_id=None):
        p = self.params
        args = {
            "name": user["name"],
            "state": user["state"],
            "path": user["path"] or p["user_path"],
            "groups": [p["admin_group"]] + list(user["groups"]),
            "purge_groups": p["exclusive_groups"],
            # In check mode, the group this run would create counts as existing.
            "planned_groups": [p["admin_group"]] if self.group.get("created") else [],
            "tags": dict(p["user_tags"], **user["tags"]),
            "purge_tags": p["exclusive_tags"],
            "console_access": user["console_access"],
            "min_password_length": p["min_password_length"],
            "forget_secrets": p["forget_removed_users"],
            # An admin without MFA is a finding unless it has no credential: its active access keys are counted.
            "report_access_keys": user["state"] == "present" and not user["mfa"],
        }
        if user["permissions_boundary"] is not None:
            args["permissions_boundary"] = user["permissions_boundary"]
        if self.alias:
            args["account_alias"] = self.alias
        secrets_file = self.secrets_file(user, account_id)
        if secrets_file:
            args["secrets_file"] = secrets_file
        return args

    def mfa_args(self, user, account_id=None):
        created = any(result.get("created") for u, result in self.users if u["name"] == user["name"])
        args = {"user_name": user["name"], "user_planned": self.check_mode and created}
        secrets_file = self.secrets_file(user, account_id)
        if secrets_file:
            args["secrets_file"] = secrets_file
        return args

    def secrets_file(self, user, account_id=None):
        """<secrets_dir>/<account id AWS reports>/<user>.yml: keyed by the account, never by the host name."""
        if not self.params.get("secrets_dir"):
            return None
        return f"{self.params['secrets_dir']}/{account_id or self.account_id}/{user['name']}.yml"

    @staticmethod
    def _wants_mfa(user):
        return user["state"] == "present" and user["mfa"]

    # ---- running a step ------------------------------------------------------------------------

    def step(self, key, module, args, user=None, connection=None):
        """One run of `module` with the step's arguments and the account's connection (or `connection`); the result as
        that module's task would return it, recorded (without anything secret) for the report."""
        try:
            result = self._action(module).run_step({**(self.connection if connection is None else connection), **args}, self.task_vars)
        except AnsibleError as e:
            result = {"failed": True, "changed": False, "msg": e.message}
        self.warnings += [w if isinstance(w, str) else str(w) for w in result.get("warnings") or []]
        public = {k: v for k, v in result.items() if k not in _DROPPED}
        self.steps.append({"step": key, "task": _baseline.STEPS[key], "module": fqcn(module), "user": user,
                           "failed": bool(result.get("failed")), "result": public})
        return result

    def _action(self, module):
        if module not in self._actions:
            a = self.action
            self._actions[module] = a._shared_loader_obj.action_loader.get(
                fqcn(module), task=a._task, connection=a._connection, play_context=a._play_context, loader=a._loader,
                templar=a._templar, shared_loader_obj=a._shared_loader_obj,
            )
        return self._actions[module]

    def _checked(self, key, logic, args, user):
        validation = ArgumentSpecValidator(logic.ARGUMENT_SPEC).validate(args)
        errors = list(validation.errors)
        try:
            if errors:
                raise AccountGuardError(message=validation.errors.msg)
            logic.validate(validation.validated_parameters)
        except AccountGuardError as e:
            where = f"{user}: " if user else ""
            raise Stop(f"{self.prefix()}: {_baseline.STEPS[key]}: {where}{e.message}") from None

    def fail_if_failed(self, key, results):
        failed = [(step["user"], step["result"]) for step in self.steps[-len(results):] if step["failed"]] if results else []
        if not failed:
            return
        problems = [f"{user}: {result.get('msg') or 'failed'}" if user else (result.get("msg") or "failed") for user, result in failed]
        raise Stop(f"{self.prefix()}: {_baseline.STEPS[key]}: " + " | ".join(problems))

    def prefix(self):
        if self.account_id and self.account_id != self.host:
            return f"account {self.host} ({self.account_id})"
        return f"account {self.host}"

    # ---- what the task returns -----------------------------------------------------------------

    def result(self, error=None, diff_mode=False):
        name = self.task_vars.get("aws_account_name")  # the inventory's, which may be a template
        summary = _baseline.summary(self.params, self.root, self.group, self.users, self.mfa, account=self.host,
                                    account_name=self.action._templar.template(name) if name is not None else None,
                                    check_mode=self.check_mode, error=error, steps=self.steps)
        changed = any(s["result"].get("changed") for s in self.steps if s["step"] not in ("connect", "root"))
        result = {"changed": changed, "account_id": summary["account_id"], "steps": self.steps, "summary": summary}
        facts = {"account_baseline_result": summary}
        if self.root:
            facts["root_mfa"] = self.root
        result["ansible_facts"] = facts
        if diff_mode:
            result["diff"] = self.diffs()
        if self.warnings:
            result["warnings"] = list(dict.fromkeys(self.warnings))
        if error:
            result.update(failed=True, msg=error)
        return result

    def diffs(self):
        """The changed steps' diffs, each headed with its step (and user), as Ansible shows a list of diffs."""
        shown = []
        for step in self.steps:
            diff = step["result"].get("diff")
            if not diff or not step["result"].get("changed"):
                continue
            label = step["task"] + (f": {step['user']}" if step["user"] else "")
            shown.append({"before": diff.get("before"), "after": diff.get("after"), "before_header": label,
                          "after_header": diff.get("after_header") or label})
        return shown
