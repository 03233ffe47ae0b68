# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: what accountguard.aws.baseline takes and what it reports, without any AWS call.

The procedure itself (connect, root user, admin group, admin users, MFA devices) runs on the controller,
step by step through the other modules' action plugins: plugins/plugin_utils/_procedure.py. Here are its
options, the checks of its input that need no AWS call, and the account's summary built from the steps'
results (the role's account_baseline_result). Pure standard library. Not a public API.
"""

from __future__ import annotations

import re

from . import _drift

ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"

USER_OPTIONS = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    path=dict(type="str"),
    tags=dict(type="dict", default={}),
    console_access=dict(type="bool", default=True),
    mfa=dict(type="bool", default=True),
    groups=dict(type="list", elements="str", default=[]),
    permissions_boundary=dict(type="str"),
)

ARGUMENT_SPEC = dict(
    assume_role_arn=dict(type="str"),
    assume_role_session_name=dict(type="str", default="accountguard-baseline"),
    assume_role_duration=dict(type="int", default=3600),
    account_id=dict(type="str"),
    root_mfa=dict(type="str", default="warn", choices=["require", "warn", "ignore"]),
    root_mfa_type=dict(type="str", default="any", choices=["any", "hardware"]),
    root_credentials=dict(type="str", default="keep", choices=["keep", "remove"]),
    root_access_role_arn=dict(type="str"),
    password_policy=dict(type="dict", no_log=False),
    allow_admin_without_mfa=dict(type="str", default="never", choices=["never", "credentialless"]),
    admin_group=dict(type="str", default="Administrators"),
    admin_group_path=dict(type="str", default="/"),
    admin_group_policies=dict(type="list", elements="str", default=[ADMIN_POLICY]),
    admin_group_exclusive_policies=dict(type="bool", default=False),
    admin_users=dict(type="list", elements="dict", default=[], options=USER_OPTIONS),
    user_path=dict(type="str", default="/"),
    user_tags=dict(type="dict", default={"managed-by": "accountguard"}),
    exclusive_tags=dict(type="bool", default=False),
    exclusive_groups=dict(type="bool", default=False),
    min_password_length=dict(type="int", default=20, no_log=False),
    forget_removed_users=dict(type="bool", default=True),
    secrets_dir=dict(type="path", no_log=False),
    same_account_hosts=dict(type="list", elements="str", default=[]),
    account_alias=dict(type="str"),
    budget=dict(type="dict", no_log=False),
)

# The name of the baseline's budget when account_baseline_budget gives none.
DEFAULT_BUDGET_NAME = "accountguard-cost"

# The steps, in the order of the manual procedure, with the titles every message and report uses.
STEPS = {
    "connect": "Connect - assume the access role in the account",
    "root": "Root user - MFA, password, access keys",
    "root_credentials": "Root user - credentials deleted centrally (sts:AssumeRoot from the management account)",
    "group": "Admin group with its policies",
    "password_policy": "Account password policy",
    "users": "Admin users - console access, password to change at first sign-in, kept in Ansible Vault",
    "mfa": "Admin users - virtual MFA device, seed stored in Ansible Vault before the device is enabled",
    "account_alias": "Account alias - the name in the sign-in URL",
    "budget": "Cost budget - AWS Budgets limit and notifications",
}

_USER_NAME = re.compile(r"^[A-Za-z0-9+=,.@_-]{1,64}$")


def check_users(users):
    """The problem with the admin users list (invalid or repeated names), or None."""
    names = [u["name"] for u in users]
    bad = [n for n in names if not _USER_NAME.match(n)]
    if bad:
        return (f"admin_users (account_baseline_admin_users) has invalid IAM user names ({', '.join(_quote(n) for n in bad)}: "
                "1 to 64 letters, digits and + = , . @ _ -). Nothing was changed.")
    repeated = sorted({n for n in names if names.count(n) > 1}, key=names.index)
    if repeated:
        return f"admin_users (account_baseline_admin_users) names {', '.join(repeated)} more than once. Nothing was changed."
    return None


def _quote(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def root_mfa_required_failure(root, policy):
    """Why root facts stop the account under policy 'require', or None."""
    if policy != "require" or not root.get("mfa_applicable") or root.get("mfa_enabled"):
        return None
    return ("the root user has credentials but no MFA (" + "; ".join(root.get("findings") or []) + "). root_mfa "
            "(account_baseline_root_mfa) is 'require', so nothing was changed in this account. Enabling root MFA needs the root "
            "user; until then set it to 'warn' for this account.")


def root_status(root, policy, mfa_type="any"):
    if not root:
        return "unknown"
    if not root.get("mfa_applicable"):
        return "not applicable"
    if root.get("mfa_enabled"):
        return "warn" if mfa_type == "hardware" and root.get("mfa_type") != "hardware" else "ok"
    return {"ignore": "ignored", "require": "fail"}.get(policy, "warn")


def account_items(params, root, steps, users, check_mode):
    """The account's baseline items (module_utils/_drift.py) from the steps' results: what the drift report lists
    and what the summary's status and drift list are derived from. `users` as for summary()."""
    central = central_repair(params, steps)
    items = _drift.root_items(root, params["root_mfa"], STEPS["root"], params["root_mfa_type"], central) if root else []
    if central and root and not root.get("credentials_present") and not any(s["step"] == "root_credentials" for s in steps):
        items.append(_drift.root_credentials_ok(STEPS["root_credentials"]))
    for step in steps:
        result = step["result"]
        if step["user"] and "item" not in result:
            result = dict(result, item={"name": step["user"]})  # as a loop item of the step's own task
        items += _drift.task_items(step["module"], result, check_mode, step["task"], step["failed"])
    for user, result in users:
        if result is None or result.get("failed") or user["state"] != "present" or user["mfa"]:
            continue
        shown = result.get("user") or {}
        items.append(_drift.admin_mfa_item(user["name"], shown.get("console_access"), shown.get("access_keys_active", 0),
                                           params["allow_admin_without_mfa"], STEPS["users"]))
    return _drift.latest_items(items)


def central_repair(params, steps):
    """Whether this account's root credentials are removed centrally (root_credentials 'remove'): not for the
    organization's management account, which AssumeRoot cannot reach, nor when the removal step failed."""
    if params.get("root_credentials") != "remove":
        return False
    ran = [s for s in steps if s["step"] == "root_credentials" and s["module"].endswith(".iam_root_credentials")]
    return not any(s["failed"] or s["result"].get("management_account") for s in ran)


def drift_labels(items):
    """Short labels of the items in drift: 'root access keys (needs the root user)', 'user bob', 'MFA device of bob'."""
    labels = []
    for item in items:
        if item["status"] != "drift":
            continue
        label = _drift.ITEM_TITLES.get(item["item"], item["item"])
        if item.get("user"):
            label += f" {item['user']}" if item["item"] == "user" else f" of {item['user']}"
        if not item.get("repairable", True):
            label += " (needs the root user)" if item["item"].startswith("root_") else " (needs a change of settings)"
        elif item["item"].startswith("root_"):
            label += " (repairable centrally)"
        labels.append(label)
    return labels


def _user_summary(user, result, mfa):
    state = user["state"]
    if state == "absent" or not user["mfa"]:
        mfa_state = "not managed" if state == "present" else "removed"
    elif mfa is None:
        mfa_state = "not reached"
    elif mfa.get("failed"):
        mfa_state = "failed"
    elif mfa.get("enabled"):
        mfa_state = "enabled"
    else:
        mfa_state = "pending"
    result = result or {}
    mfa = mfa or {}
    return {
        "name": user["name"],
        "state": state,
        "failed": bool(result.get("failed", False)),
        "created": bool(result.get("created", False)),
        "changed": bool(result.get("changed", False)),
        "console_access": (result.get("user") or {}).get("console_access"),
        "mfa": mfa_state,
        "mfa_changed": bool(mfa.get("changed", False)),
        "mfa_serial": mfa.get("serial_number"),
        "secrets_stored": list(result.get("secrets_stored") or []) + list(mfa.get("secrets_stored") or []),
    }


def _root_deleted(steps):
    """What the central removal deleted (in check mode: would delete), or None when it deleted nothing."""
    for step in reversed(steps):
        if step["step"] == "root_credentials" and step["module"].endswith(".iam_root_credentials"):
            result = step["result"]
            return result.get("deleted") if result.get("changed") and not step["failed"] else None
    return None


def summary(params, root, group, users, mfa, account=None, account_name=None, check_mode=False, error=None, steps=()):
    """The account's summary (account_baseline_result): `users` are (user, result or None) in the order of
    admin_users, `mfa` maps user names to their MFA step's result, `steps` the procedure's steps. Its status and
    items are the drift report's for this account (one rule: _drift.account_status). Never a secret."""
    root = root or {}
    group = group or {}
    listed = [_user_summary(user, result, mfa.get(user["name"])) for user, result in users if result is not None]
    stored = any(u["secrets_stored"] for u in listed)
    items = account_items(params, root, steps, users, check_mode)
    return {
        "account": account,
        "account_id": root.get("account_id") or params.get("account_id"),
        "account_name": account_name,
        "check_mode": bool(check_mode),
        # ok, changed (apply: this run changed it), drift (check mode: a real run would change it; any mode: a
        # finding a run cannot repair), failed: the account's status in the drift report.
        "status": _drift.account_status(items, error),
        "error": error or None,
        "items": items,
        "drift": drift_labels(items),
        "root_mfa": {
            "policy": params["root_mfa"],
            "required_type": params["root_mfa_type"],
            "status": root_status(root, params["root_mfa"], params["root_mfa_type"]),
            "mfa_type": root.get("mfa_type"),
            "mfa_applicable": root.get("mfa_applicable"),
            "credentials_present": root.get("credentials_present"),
            "access_keys_present": root.get("access_keys_present"),
            "findings": list(root.get("findings") or []),
        },
        "root_credentials": {"policy": params.get("root_credentials", "keep"), "deleted": _root_deleted(steps)},
        "admin_group": {"name": params["admin_group"], "changed": bool(group.get("changed", False)),
                        "policies": list(params["admin_group_policies"])},
        "users": listed,
        "users_created": [u["name"] for u in listed if u["created"]],
        "users_changed": [u["name"] for u in listed if u["changed"] and not u["created"]],
        "users_unchanged": [u["name"] for u in listed if not u["changed"] and not u["failed"]],
        "mfa_enabled": [u["name"] for u in listed if u["mfa"] == "enabled"],
        "mfa_changed": [u["name"] for u in listed if u["mfa_changed"]],
        # Where the secrets of this run went (the folder, never a value), when it stored any.
        "secrets_dir": params.get("secrets_dir") if stored else None,
    }
