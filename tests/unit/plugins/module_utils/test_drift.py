"""Unit tests for module_utils/_drift.py: baseline items from realistic results of our modules (built with the
modules' own summary/diff functions), in check mode (drift), apply mode (changed) and unchanged (ok); root items;
accounts, reports, merging and loading; the JSON, JUnit and Markdown renderings; secret scrubbing; atomic writing."""

import json
import os
import stat
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.accountguard.aws.plugins.module_utils import _admin_group
from ansible_collections.accountguard.aws.plugins.module_utils import _admin_user
from ansible_collections.accountguard.aws.plugins.module_utils import _drift
from ansible_collections.accountguard.aws.plugins.module_utils import _mfa
from ansible_collections.accountguard.aws.plugins.module_utils import _root

ACCOUNT = "111111111111"
USER = "accountguard.aws.iam_admin_user"
GROUP = "accountguard.aws.iam_admin_group"
MFA = "accountguard.aws.iam_virtual_mfa"
ROOT = "accountguard.aws.root_mfa_facts"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
AUDIT = f"arn:aws:iam::{ACCOUNT}:policy/Audit"
SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "Initial-Passw0rd!xyz"
OTPAUTH = f"otpauth://totp/AWS:alice@{ACCOUNT}?secret={SEED}&issuer=AWS"

# Status of a pending change in each mode.
MODES = pytest.mark.parametrize("check_mode, status", [(True, "drift"), (False, "changed")], ids=["check", "apply"])


# ---- realistic results, from the modules' own functions ------------------------------------------

def user_state(name="alice", path="/", tags=None, groups=("Administrators",), console=True):
    """What _admin_user.observe() returns for an existing user."""
    return {
        "user": {"UserName": name, "Path": path, "Arn": f"arn:aws:iam::{ACCOUNT}:user{path}{name}", "UserId": "AIDAEXAMPLE0000000",
                 "Tags": [{"Key": k, "Value": v} for k, v in (tags or {"owner": "ops"}).items()]},
        "groups": list(groups),
        "profile": {"UserName": name, "PasswordResetRequired": False} if console else None,
    }


def user_params(name="alice", path="/", tags=None, groups=("Administrators",), console=True):
    return {"name": name, "path": path, "tags": tags if tags is not None else {"owner": "ops"}, "purge_tags": True,
            "groups": list(groups), "purge_groups": True, "permissions_boundary": None, "console_access": console}


def user_result(state, params, changed=None, extra_after=None, diff=True, item=None):
    """An iam_admin_user result as ensure_present() shapes it: diff before/after from summary()/desired_summary()."""
    before = _admin_user.summary(state)
    after = dict(_admin_user.desired_summary(params, before), **(extra_after or {}))
    if changed is None:
        changed = before != after
    result = {"changed": changed, "created": state is None, "user": dict(after)}
    if diff:
        result["diff"] = {"before": before, "after": after}
    if item is not None:
        result["item"] = item
    return result


def absent_user_result(state, item=None):
    """An iam_admin_user state=absent result, as ensure_absent() shapes it."""
    before = _admin_user.summary(state)
    result = {"changed": state is not None, "user": {}, "diff": {"before": before, "after": {}}}
    if item is not None:
        result["item"] = item
    return result


def group_result(state, path="/", policies=(ADMIN,), purge=True):
    before = _admin_group.summary(state)
    after = _admin_group.desired_summary({"name": "Administrators", "path": path, "managed_policies": list(policies),
                                          "purge_policies": purge}, before)
    return {"changed": before != after, "created": state is None, "group": dict(after), "diff": {"before": before, "after": after}}


def group_state(path="/", policies=(ADMIN,)):
    return {"group": {"GroupName": "Administrators", "Path": path}, "policies": list(policies)}


def mfa_result(user="alice", before=(), after=(SERIAL,), header="enable virtual MFA device"):
    result = _mfa._new_result(user)
    result["changed"] = list(before) != list(after)
    _mfa._set_diff(result, list(before), list(after), header if result["changed"] else None)
    return result


def kinds(items):
    return [(i["item"], i["status"]) for i in items]


def by_kind(items):
    return {(i["item"], i["user"]): i for i in items}


# ---- iam_admin_user ------------------------------------------------------------------------------

@MODES
def test_missing_user_is_one_user_item_holding_the_whole_user(check_mode, status):
    items = _drift.task_items(USER, user_result(None, user_params()), check_mode, "Admin users")
    assert kinds(items) == [("user", status)]
    (item,) = items
    assert item["user"] == "alice"
    assert item["message"] == ("missing" if check_mode else "created")
    assert item["before"] is None
    assert item["after"]["groups"] == ["Administrators"] and item["after"]["console_access"] is True
    assert item["task"] == "Admin users"
    assert item["repairable"] is True


@MODES
def test_user_to_be_removed_is_one_user_item(check_mode, status):
    items = _drift.task_items(USER, absent_user_result(user_state()), check_mode)
    assert kinds(items) == [("user", status)]
    assert items[0]["message"] == ("to be removed" if check_mode else "removed")
    assert items[0]["before"]["user_name"] == "alice"
    assert items[0]["after"] is None


def test_removing_an_absent_user_is_ok():
    assert kinds(_drift.task_items(USER, absent_user_result(None, item={"name": "bob", "state": "absent"}), True)) == [("user", "ok")]


def test_unchanged_user_is_three_ok_items():
    items = _drift.task_items(USER, user_result(user_state(), user_params()), True)
    assert kinds(items) == [("user", "ok"), ("group_membership", "ok"), ("login_profile", "ok")]
    assert all(i["user"] == "alice" and "before" not in i for i in items)


@MODES
def test_groups_differ_is_group_membership_only(check_mode, status):
    result = user_result(user_state(groups=["Administrators", "Legacy"]), user_params())
    items = by_kind(_drift.task_items(USER, result, check_mode))
    assert items["group_membership", "alice"]["status"] == status
    assert items["group_membership", "alice"]["before"] == {"groups": ["Administrators", "Legacy"]}
    assert items["group_membership", "alice"]["after"] == {"groups": ["Administrators"]}
    assert items["user", "alice"]["status"] == "ok"
    assert items["login_profile", "alice"]["status"] == "ok"


@MODES
def test_console_access_differs_is_login_profile_only(check_mode, status):
    result = user_result(user_state(console=False), user_params(console=True))
    items = by_kind(_drift.task_items(USER, result, check_mode))
    assert items["login_profile", "alice"]["status"] == status
    assert items["login_profile", "alice"]["before"] == {"console_access": False}
    assert items["login_profile", "alice"]["after"] == {"console_access": True}
    assert [k for k, i in items.items() if i["status"] != "ok"] == [("login_profile", "alice")]


def test_password_reset_only_in_after_is_login_profile():
    # check mode with update_password=always: ensure_present adds password_reset (never the value) to after
    result = user_result(user_state(), user_params(), changed=True, extra_after={"password_reset": True})
    items = by_kind(_drift.task_items(USER, result, True))
    assert items["login_profile", "alice"]["status"] == "drift"
    assert items["login_profile", "alice"]["after"] == {"console_access": True, "password_reset": True}
    assert items["user", "alice"]["status"] == "ok"
    assert items["group_membership", "alice"]["status"] == "ok"


@MODES
@pytest.mark.parametrize("state, params", [
    (user_state(tags={"owner": "ops", "stale": "yes"}), user_params()),
    (user_state(path="/old/"), user_params(path="/admins/")),
], ids=["tags", "path"])
def test_tags_or_path_differ_is_user(check_mode, status, state, params):
    items = by_kind(_drift.task_items(USER, user_result(state, params), check_mode))
    assert items["user", "alice"]["status"] == status
    assert items["user", "alice"]["before"] != items["user", "alice"]["after"]
    assert set(items["user", "alice"]["after"]) <= {"user_name", "path", "tags", "permissions_boundary"}
    assert items["group_membership", "alice"]["status"] == "ok"
    assert items["login_profile", "alice"]["status"] == "ok"


@MODES
def test_changed_without_a_differing_field_is_a_user_item(check_mode, status):
    # apply with update_password=always: the password was reset, the diff shows nothing
    result = user_result(user_state(), user_params(), changed=True)
    items = _drift.task_items(USER, result, check_mode)
    assert kinds(items) == [("user", status), ("group_membership", "ok"), ("login_profile", "ok")]
    assert items[0]["message"] == "changed"
    assert items[0]["user"] == "alice"


@MODES
def test_result_without_diff_is_still_reported(check_mode, status):
    result = user_result(user_state(groups=[]), user_params(), diff=False)
    assert result["changed"] is True and "diff" not in result
    items = _drift.task_items(USER, result, check_mode)
    assert kinds(items) == [("user", status)]
    assert items[0]["user"] == "alice"
    assert "--diff" in items[0]["message"]
    assert "before" not in items[0]


def test_unchanged_result_without_diff_is_ok():
    result = user_result(user_state(), user_params(), diff=False)
    assert kinds(_drift.task_items(USER, result, True)) == [("user", "ok")]


def test_diff_wrapped_in_a_list_is_read():
    result = user_result(user_state(groups=[]), user_params())
    result["diff"] = [result["diff"]]
    assert by_kind(_drift.task_items(USER, result, True))["group_membership", "alice"]["status"] == "drift"


def test_loop_results_skip_skipped_items_and_name_users_from_the_loop():
    results = [
        user_result(user_state(), user_params(), item={"name": "alice"}),
        user_result(None, user_params(name="bob"), diff=False, item={"name": "bob"}),
        {"skipped": True, "changed": False, "item": {"name": "carol"}, "skip_reason": "Conditional result was False"},
        # as ansible-core 2.21 hands loop items to callbacks: no `skipped`, only skip_reason
        {"changed": False, "item": {"name": "erin"}, "skip_reason": "Conditional result was False", "false_condition": "item.mfa"},
        absent_user_result(user_state(name="dave"), item={"name": "dave", "state": "absent"}),
    ]
    results[1]["user"] = {}  # nothing of the user's own in this result: the name comes from the loop item
    items = _drift.task_items(USER, {"changed": True, "results": results, "msg": "All items completed"}, True)
    assert sorted((i["item"], i["user"], i["status"]) for i in items) == [
        ("group_membership", "alice", "ok"), ("login_profile", "alice", "ok"),
        ("user", "alice", "ok"), ("user", "bob", "drift"), ("user", "dave", "drift"),
    ]


def test_whole_task_skipped_gives_nothing():
    assert _drift.task_items(USER, {"skipped": True, "changed": False}, True) == []
    assert _drift.task_items(MFA, {"skipped": True, "changed": False, "results": []}, False) == []
    assert _drift.task_items(GROUP, {"changed": False, "skip_reason": "Conditional result was False"}, True) == []


@pytest.mark.parametrize("action, kind, user", [(USER, "user", "bob"), (MFA, "mfa_device", "bob"), (GROUP, "admin_group", None)])
@pytest.mark.parametrize("check_mode", [True, False])
def test_failed_item_is_failed(action, kind, user, check_mode):
    failed = {"failed": True, "changed": False, "msg": "IAM user 'bob': AccessDenied", "item": {"name": "bob"}}
    ok = dict(mfa_result(before=[SERIAL]) if action == MFA else user_result(user_state(), user_params()), item={"name": "alice"})
    result = {"failed": True, "changed": False, "msg": "One or more items failed", "results": [ok, failed]}
    if action == GROUP:
        result = {"failed": True, "changed": False, "msg": "IAM group 'Administrators': AccessDenied"}
    items = _drift.task_items(action, result, check_mode, "the task")
    failed_items = [i for i in items if i["status"] == "failed"]
    assert [(i["item"], i["user"]) for i in failed_items] == [(kind, user)]
    assert "AccessDenied" in failed_items[0]["message"]
    assert failed_items[0]["task"] == "the task"
    assert all(i["status"] == "ok" for i in items if i["status"] != "failed")


# ---- iam_admin_group -----------------------------------------------------------------------------

@MODES
def test_group_missing_is_one_admin_group_item(check_mode, status):
    items = _drift.task_items(GROUP, group_result(None), check_mode)
    assert kinds(items) == [("admin_group", status)]
    assert items[0]["message"] == ("missing" if check_mode else "created")
    assert items[0]["after"]["managed_policies"] == [ADMIN]
    assert items[0]["user"] is None


@MODES
def test_group_policies_differ_is_admin_group_policy(check_mode, status):
    items = _drift.task_items(GROUP, group_result(group_state(policies=[ADMIN, AUDIT])), check_mode)
    assert kinds(items) == [("admin_group", "ok"), ("admin_group_policy", status)]
    assert items[1]["before"] == {"managed_policies": sorted([ADMIN, AUDIT])}
    assert items[1]["after"] == {"managed_policies": [ADMIN]}


@MODES
def test_group_path_differs_is_admin_group(check_mode, status):
    items = _drift.task_items(GROUP, group_result(group_state(path="/old/"), path="/admins/"), check_mode)
    assert kinds(items) == [("admin_group", status), ("admin_group_policy", "ok")]
    assert items[0]["before"] == {"group_name": "Administrators", "path": "/old/"}
    assert items[0]["after"] == {"group_name": "Administrators", "path": "/admins/"}


def test_group_unchanged_is_ok():
    assert kinds(_drift.task_items(GROUP, group_result(group_state()), True)) == [("admin_group", "ok"), ("admin_group_policy", "ok")]


@MODES
def test_group_changed_without_diff(check_mode, status):
    items = _drift.task_items(GROUP, {"changed": True, "created": False, "group": {}}, check_mode)
    assert kinds(items) == [("admin_group", status)]
    assert "--diff" in items[0]["message"]


# ---- iam_virtual_mfa -----------------------------------------------------------------------------

@MODES
def test_mfa_changed(check_mode, status):
    result = mfa_result(header=f"enable virtual MFA device {SERIAL} for user alice")
    items = _drift.task_items(MFA, result, check_mode)
    assert kinds(items) == [("mfa_device", status)]
    assert items[0]["user"] == "alice"
    assert items[0]["message"] == f"enable virtual MFA device {SERIAL} for user alice"
    assert items[0]["before"] == {"user_name": "alice", "mfa_devices": [], "enabled": False}
    assert items[0]["after"] == {"user_name": "alice", "mfa_devices": [SERIAL], "enabled": True}


def test_mfa_unchanged_is_ok():
    items = _drift.task_items(MFA, mfa_result(before=[SERIAL], after=[SERIAL]), True)
    assert kinds(items) == [("mfa_device", "ok")]
    assert items[0]["user"] == "alice"


def test_mfa_changed_after_the_action_merged_the_diff():
    # The action plugin merges the two module calls' diffs into before/after only (no after_header)
    result = mfa_result()
    result["diff"] = {"before": result["diff"]["before"], "after": result["diff"]["after"]}
    (item,) = _drift.task_items(MFA, result, False)
    assert (item["status"], item["message"]) == ("changed", "changed")


@pytest.mark.parametrize("action", [ROOT, "amazon.aws.sts_assume_role", "ansible.builtin.set_fact", "iam_admin_user"])
def test_other_actions_give_no_items(action):
    assert _drift.task_items(action, user_result(None, user_params()), True) == []


# ---- root ----------------------------------------------------------------------------------------

def root(mfa=0, password=0, keys=0, certs=0, virtual=True):
    summary = {"AccountMFAEnabled": mfa, "AccountPasswordPresent": password, "AccountAccessKeysPresent": keys,
               "AccountSigningCertificatesPresent": certs}
    device = {"SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/root-phone"} if mfa and virtual else None
    return _root.root_facts(summary, device, ACCOUNT)


@pytest.mark.parametrize("facts, policy, mfa_status, message", [
    (root(), "warn", "ok", "not applicable"),
    (root(), "require", "ok", "not applicable"),
    (root(mfa=1, password=1), "warn", "ok", "root MFA virtual"),
    (root(mfa=1, password=1, virtual=False), "require", "ok", "root MFA hardware"),
    (root(password=1), "ignore", "ok", "ignored"),
], ids=["no-credentials", "no-credentials-require", "mfa-virtual", "mfa-hardware", "ignore"])
def test_root_mfa_ok(facts, policy, mfa_status, message):
    mfa, keys = _drift.root_items(facts, policy, "Root user")
    assert (mfa["item"], mfa["status"], mfa["repairable"]) == ("root_mfa", mfa_status, False)
    assert message in mfa["message"]
    assert mfa["task"] == "Root user"
    assert (keys["item"], keys["status"]) == ("root_access_keys", "ok")


@pytest.mark.parametrize("policy", ["warn", "require"])
def test_root_password_without_mfa_is_drift_not_repairable(policy):
    mfa, keys = _drift.root_items(root(password=1), policy)
    assert (mfa["status"], mfa["repairable"]) == ("drift", False)
    assert mfa["message"].startswith("root user has a password but no MFA")
    assert "sign in as root" in mfa["message"]
    assert mfa["before"] == {"mfa_enabled": False, "mfa_type": "none", "password_present": True}
    assert mfa["after"] == {"mfa_enabled": True}
    assert keys["status"] == "ok"


@pytest.mark.parametrize("facts, policy", [(root(mfa=1, keys=1), "warn"), (root(password=1, keys=1), "ignore")], ids=["mfa-on", "ignore"])
def test_root_access_keys_are_drift_whatever_the_mfa(facts, policy):
    mfa, keys = _drift.root_items(facts, policy)
    assert mfa["status"] == "ok"
    assert (keys["item"], keys["status"], keys["repairable"]) == ("root_access_keys", "drift", False)
    assert keys["before"] == {"access_keys_present": True} and keys["after"] == {"access_keys_present": False}
    assert "access keys" in keys["message"]


def test_root_password_and_access_keys_without_mfa_are_two_drifts():
    mfa, keys = _drift.root_items(root(password=1, keys=1))
    assert (mfa["status"], keys["status"]) == ("drift", "drift")
    # the access keys are the other item's finding, not repeated in the MFA item
    assert "has access keys" not in mfa["message"]
    assert mfa["message"].startswith("root user has a password but no MFA")


@pytest.mark.parametrize("facts", [root(keys=1), root(certs=1)], ids=["access-keys-only", "certificates-only"])
def test_root_credentials_without_password_nor_mfa_say_why(facts):
    mfa = _drift.root_items(facts)[0]
    assert mfa["status"] == "drift"
    assert mfa["message"].startswith("root user has credentials (access keys or signing certificates) but no MFA")


# ---- accounts ------------------------------------------------------------------------------------

def item(kind, status, user=None, **extra):
    return dict({"item": kind, "user": user, "status": status, "repairable": True}, **extra)


@pytest.mark.parametrize("statuses, error, unreachable, expected", [
    ([], None, False, "ok"),
    (["ok", "ok"], None, False, "ok"),
    (["ok", "changed"], None, False, "changed"),
    (["changed", "drift", "ok"], None, False, "drift"),
    (["drift", "failed", "changed"], None, False, "failed"),
    (["ok"], "Admin group: AccessDenied", False, "failed"),
    (["drift"], "unreachable: no route", True, "unreachable"),
    ([], "x", True, "unreachable"),
])
def test_account_status_precedence(statuses, error, unreachable, expected):
    items = [item(kind, s) for kind, s in zip(_drift.ITEMS, statuses)]
    entry = _drift.account_entry("prod", items, ACCOUNT, "Prod", error, unreachable)
    assert entry["status"] == expected
    assert entry["error"] == error
    assert (entry["account"], entry["account_id"], entry["account_name"]) == ("prod", ACCOUNT, "Prod")


def test_account_keeps_the_latest_item_per_item_and_user_in_baseline_order():
    items = [
        item("mfa_device", "drift", "bob"),
        item("group_membership", "drift", "alice", task="first"),
        item("user", "ok", "alice"),
        item("admin_group", "ok"),
        item("group_membership", "ok", "alice", task="second"),
        item("group_membership", "drift", "bob"),
        item("root_mfa", "ok"),
    ]
    entry = _drift.account_entry("prod", items)
    assert [(i["item"], i["user"]) for i in entry["items"]] == [
        ("root_mfa", None), ("admin_group", None), ("user", "alice"), ("group_membership", "alice"),
        ("group_membership", "bob"), ("mfa_device", "bob"),
    ]
    assert by_kind(entry["items"])["group_membership", "alice"]["task"] == "second"
    assert entry["status"] == "drift"  # bob's items; alice's earlier drift was replaced


def test_account_error_is_scrubbed():
    entry = _drift.account_entry("prod", [], error=f"task: bad input password={PASSWORD}")
    assert PASSWORD not in entry["error"] and "password=[hidden]" in entry["error"]


# ---- reports -------------------------------------------------------------------------------------

def accounts_of_every_status():
    return [
        _drift.account_entry("e-unreachable", [], error="unreachable: timeout", unreachable=True),
        _drift.account_entry("a-ok", [item("root_mfa", "ok"), item("user", "ok", "alice")]),
        _drift.account_entry("b-changed", [item("user", "changed", "alice"), item("mfa_device", "changed", "alice")]),
        _drift.account_entry("c-drift", [item("root_mfa", "drift"), item("group_membership", "drift", "alice"), item("user", "ok", "alice")]),
        _drift.account_entry("d-failed", [item("admin_group", "failed")], error="Admin group: AccessDenied"),
    ]


def test_build_report_totals_and_not_clean():
    report = _drift.build_report(accounts_of_every_status(), "check", ["baseline.yml", "baseline.yml"], generated_at="2025-01-01T00:00:00Z")
    assert report["format"] == _drift.FORMAT and report["version"] == _drift.VERSION
    assert report["generated_at"] == "2025-01-01T00:00:00Z"
    assert report["mode"] == "check"
    assert report["playbooks"] == ["baseline.yml"]
    assert list(report["accounts"]) == ["a-ok", "b-changed", "c-drift", "d-failed", "e-unreachable"]
    assert report["totals"] == {"accounts": 5, "ok": 2, "changed": 1, "drift": 1, "failed": 2, "items": 8,
                                "items_drift": 2, "items_changed": 2, "items_failed": 1}
    assert report["clean"] is False
    assert "duplicates" not in report and "sources" not in report


@pytest.mark.parametrize("names, clean", [
    (["a-ok", "b-changed"], True),
    (["a-ok", "c-drift"], False),
    (["a-ok", "d-failed"], False),
    (["e-unreachable"], False),
    ([], False),  # a report of no account proves nothing
])
def test_build_report_clean(names, clean):
    entries = [a for a in accounts_of_every_status() if a["account"] in names]
    report = _drift.build_report(entries, "apply")
    assert report["clean"] is clean
    assert report["totals"]["accounts"] == len(names)
    assert report["generated_at"].endswith("Z")


def report_of(accounts, generated_at, mode="check", playbooks=("baseline.yml",)):
    entries = [_drift.account_entry(host, [item("user", status, "alice")], account_id=host.upper()) for host, status in accounts]
    return _drift.build_report(entries, mode, playbooks, generated_at=generated_at)


def test_merge_disjoint_reports():
    one = report_of([("a", "ok"), ("b", "drift")], "2025-01-01T00:00:00Z")
    two = report_of([("c", "ok")], "2025-01-01T00:05:00Z", playbooks=["other.yml"])
    merged = _drift.merge_reports([("two.json", two), ("one.json", one)])
    assert list(merged["accounts"]) == ["a", "b", "c"]
    assert merged["mode"] == "check"
    assert merged["playbooks"] == ["baseline.yml", "other.yml"]
    assert merged["totals"]["accounts"] == 3 and merged["totals"]["drift"] == 1
    assert merged["clean"] is False
    assert "duplicates" not in merged
    assert merged["sources"] == [
        {"report": "one.json", "generated_at": "2025-01-01T00:00:00Z", "mode": "check", "accounts": 2},
        {"report": "two.json", "generated_at": "2025-01-01T00:05:00Z", "mode": "check", "accounts": 1},
    ]


@pytest.mark.parametrize("order", [(0, 1), (1, 0)], ids=["old-first", "new-first"])
def test_merge_duplicate_account_newest_wins_and_is_listed(order):
    old = report_of([("a", "drift"), ("b", "ok")], "2025-01-01T00:00:00Z")
    new = report_of([("a", "ok"), ("c", "ok")], "2025-01-02T00:00:00Z")
    named = [("old.json", old), ("new.json", new)]
    merged = _drift.merge_reports([named[i] for i in order])
    assert merged["accounts"]["a"]["status"] == "ok"
    assert merged["duplicates"] == ["a"]
    assert merged["clean"] is True
    assert merged["totals"]["accounts"] == 3


def test_merge_mixed_modes():
    merged = _drift.merge_reports([("1", report_of([("a", "ok")], "2025-01-01T00:00:00Z", "check")),
                                   ("2", report_of([("b", "changed")], "2025-01-01T00:00:01Z", "apply"))])
    assert merged["mode"] == "mixed"
    assert merged["clean"] is True


def test_merged_report_loads_again():
    merged = _drift.merge_reports([("1", report_of([("a", "ok")], "2025-01-01T00:00:00Z"))])
    assert _drift.load_report(json.dumps(merged), "x.json")["accounts"]["a"]["account_id"] == "A"


@pytest.mark.parametrize("text, words", [
    ("not json {", ["is not JSON"]),
    ("[1, 2]", ["is not a drift report", _drift.FORMAT]),
    (json.dumps({"format": "junit", "version": 1, "accounts": {}}), ["is not a drift report"]),
    (json.dumps({"format": _drift.FORMAT, "version": 2, "accounts": {}}), ["version 2", "reads version 1"]),
    (json.dumps({"format": _drift.FORMAT, "accounts": {}}), ["version None"]),
    (json.dumps({"format": _drift.FORMAT, "version": 1, "accounts": []}), ["has no accounts"]),
])
def test_load_report_errors_name_the_file(text, words):
    with pytest.raises(_drift.ReportError) as e:
        _drift.load_report(text, "/reports/slice-1.json")
    assert str(e.value).startswith("/reports/slice-1.json ")
    for word in words:
        assert word in str(e.value)


# ---- renderings ----------------------------------------------------------------------------------

def sample_report():
    accounts = [
        _drift.account_entry("prod", [
            *_drift.root_items(root(password=1, keys=1)),
            item("admin_group", "ok"), item("admin_group_policy", "ok"),
            item("user", "ok", "alice"), item("group_membership", "drift", "alice", before={"groups": []}, after={"groups": ["Administrators"]}),
            item("mfa_device", "changed", "alice", message="enable"),
        ], account_id=ACCOUNT),
        _drift.account_entry("dev", [item("admin_group", "failed", message="AccessDenied"), item("root_mfa", "ok")],
                             account_id="222222222222", error="Admin group: AccessDenied"),
        _drift.account_entry("lost", [], error="unreachable: no route", unreachable=True),
        _drift.account_entry("fine", [item("root_mfa", "ok"), item("user", "ok", "alice")]),
    ]
    return _drift.build_report(accounts, "check", ["baseline.yml"], generated_at="2025-01-01T00:00:00Z")


def parse_junit(text):
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.split("\n", 1)[1])


def test_junit_counts_tests_failures_and_errors():
    root_el = parse_junit(_drift.render_junit(sample_report()))
    assert root_el.tag == "testsuites"
    suites = {s.get("name"): s for s in root_el.findall("testsuite")}
    assert sorted(suites) == ["dev", "fine", "lost", "prod"]
    expected = {"prod": (7, 3, 0), "dev": (3, 0, 2), "lost": (1, 0, 1), "fine": (2, 0, 0)}
    for name, (tests, failures, errors) in expected.items():
        suite = suites[name]
        cases = suite.findall("testcase")
        assert (int(suite.get("tests")), int(suite.get("failures")), int(suite.get("errors"))) == (tests, failures, errors), name
        assert len(cases) == tests
        assert sum(len(c.findall("failure")) for c in cases) == failures
        assert sum(len(c.findall("error")) for c in cases) == errors
        assert all(c.get("classname") == name for c in cases)
    assert (root_el.get("tests"), root_el.get("failures"), root_el.get("errors")) == ("13", "3", "3")


def test_junit_details_of_drift_and_failed_accounts():
    root_el = parse_junit(_drift.render_junit(sample_report()))
    prod = root_el.find("testsuite[@name='prod']")
    assert prod.find("properties/property[@name='account_id']").get("value") == ACCOUNT
    membership = prod.find("testcase[@name='group_membership [alice]']")
    failure = membership.find("failure")
    assert failure.get("type") == "drift"
    assert failure.get("message") == "prod: group membership drifted"
    assert 'after: {"groups": ["Administrators"]}' in failure.text
    assert "sign in as root" in prod.find("testcase[@name='root_mfa']/failure").get("message")
    assert prod.find("testcase[@name='mfa_device [alice]']/system-out").text.startswith("changed by this run")
    assert prod.find("testcase[@name='user [alice]']").findall("*") == []
    for host, kind, text in (("dev", "failed", "Admin group: AccessDenied"), ("lost", "unreachable", "unreachable: no route")):
        error = root_el.find(f"testsuite[@name='{host}']/testcase[@name='account']/error")
        assert error.get("type") == kind
        assert error.get("message") == f"{host}: {text}"
    assert root_el.find("testsuite[@name='dev']/testcase[@name='admin_group']/error").get("type") == "failed"


def test_junit_escapes_markup():
    entry = _drift.account_entry("a<b>&\"c", [item("user", "drift", "alice", message="<script>&amp;")], error="x < y & z")
    root_el = parse_junit(_drift.render_junit(_drift.build_report([entry], "check")))
    suite = root_el.find("testsuite")
    assert suite.get("name") == "a<b>&\"c"
    assert suite.find("testcase/failure").get("message") == "a<b>&\"c: <script>&amp;"
    assert suite.find("testcase[@name='account']/error").text == "x < y & z"


def test_junit_with_control_characters_still_parses():
    entry = _drift.account_entry("prod", [item("user", "failed", "alice", message="boom \x1b[31mred\x1b[0m")], error="bell \x07")
    suite = parse_junit(_drift.render_junit(_drift.build_report([entry], "check"))).find("testsuite")
    assert "red" in suite.find("testcase/error").get("message")


def test_markdown_one_row_per_account():
    text = _drift.render_markdown(sample_report())
    lines = text.splitlines()
    assert lines[0] == ("**Drift report** (check mode, 2025-01-01T00:00:00Z): 4 accounts, 1 ok, 1 with drift, 2 failed.")
    table = [line for line in lines if line.startswith("|")]
    # One column per item, in the report's order (items this sample has not are "-"), but for the items of settings
    # most accounts leave off, which get a column only when some account has them.
    present = {i["item"] for a in sample_report()["accounts"].values() for i in a["items"]}
    columns = [k for k in _drift.ITEMS if k not in _drift.OPTIONAL_COLUMNS or k in present]
    assert table[0].startswith("| account | status | root MFA | root access keys | password policy | admin group | admin group policy | ")
    assert table[0] == "| account | status | " + " | ".join(_drift.ITEM_TITLES[k] for k in columns) + " |"
    assert table[0].endswith(" | user | group membership | login profile | MFA device |")
    assert table[1].count("---") == len(columns) + 2
    rows = {line.split(" | ")[0][2:]: line for line in table[2:]}
    assert sorted(rows) == ["dev (222222222222)", "fine", "lost", f"prod ({ACCOUNT})"]
    cells = [c.strip() for c in rows[f"prod ({ACCOUNT})"].strip("|").split(" | ")]
    assert cells[:2] == [f"prod ({ACCOUNT})", "**drift**"]
    expected = {"root_mfa": "**drift**", "root_access_keys": "**drift**", "password_policy": "-", "admin_group": "ok",
                "admin_group_policy": "ok", "user": "ok", "group_membership": "**drift**: alice", "login_profile": "-",
                "mfa_device": "changed: alice"}
    assert dict(zip(columns, cells[2:])) == {k: expected.get(k, "-") for k in columns}
    assert rows["lost"].split(" | ")[1] == "**unreachable**"
    assert rows["fine"].split(" | ")[1] == "ok"
    assert "Failed accounts:" in lines
    assert "- dev (222222222222): Admin group: AccessDenied" in lines
    assert "- lost: unreachable: no route" in lines


def test_markdown_counts_one_account_in_the_singular():
    head = _drift.render_markdown(_drift.build_report([_drift.account_entry("solo", [item("user", "ok", "alice")])], "check"))
    assert ": 1 account, 1 ok, 0 with drift, 0 failed." in head.splitlines()[0]


def test_markdown_escapes_pipes_and_newlines():
    entry = _drift.account_entry("a|b", [item("user", "drift", "alice")], error="line one | two\nline three")
    text = _drift.render_markdown(_drift.build_report([entry], "check"))
    row = next(line for line in text.splitlines() if line.startswith("| a\\|"))
    assert row.startswith("| a\\|b | **failed** |")
    columns = [k for k in _drift.ITEMS if k not in _drift.OPTIONAL_COLUMNS]  # this report has no optional item
    assert len(row.replace("\\|", "").split("|")) == len(columns) + 4  # account, status and the items between pipes
    assert "- a\\|b: line one \\| two line three" in text.splitlines()


# ---- secrets -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ({"password": "x", "keep": 1}, {"keep": 1}),
    ({"a": {"b": [{"seed": "x", "Base32StringSeed": "y", "QRCodePNG": "z", "c": 2}]}}, {"a": {"b": [{"c": 2}]}}),
    ({"diff": {"after": {"otpauth_uri": "x", "Initial_Password": "p", "user_name": "alice"}}}, {"diff": {"after": {"user_name": "alice"}}}),
    ({"sts_creds": {"access_key": "A"}, "Credentials": {}, "session_token": "t", "secret_key": "s"}, {}),
    ({"code1": "123456", "authentication_code2": "654321", "sealed_secret": "b64"}, {}),
    (("a", ["b", {"token_code": 1}]), ["a", ["b", {}]]),
    (5, 5),
    (None, None),
])
def test_scrub_removes_secret_keys_at_any_depth(value, expected):
    assert _drift.scrub(value) == expected


def test_scrub_removes_boto_spelled_secret_keys():
    assert _drift.scrub({"SecretAccessKey": "s", "SessionToken": "t", "AuthenticationCode1": "1", "AccessKeyId": "A"}) == {"AccessKeyId": "A"}


@pytest.mark.parametrize("text, hidden, kept", [
    (f"scan {OTPAUTH} now", [SEED, "AWS:alice"], ["scan ", "otpauth://[hidden] now"]),
    (f"bad password={PASSWORD} given", [PASSWORD], ["password=[hidden] given"]),
    (f"Password: {PASSWORD}", [PASSWORD], ["Password: [hidden]"]),
    (f"seed = {SEED}", [SEED], ["seed = [hidden]"]),
    ("secret_key=abc123 session token: tok456", ["abc123", "tok456"], ["secret_key=[hidden]"]),
    ("password_reset: True, console_access", [], ["password_reset: True, console_access"]),
])
def test_scrub_text(text, hidden, kept):
    for value in (_drift.scrub_text(text), _drift.scrub({"k": [text]})["k"][0]):
        for secret in hidden:
            assert secret not in value
        for part in kept:
            assert part in value


@pytest.mark.parametrize("text", [json.dumps({"password": PASSWORD}), repr({"seed": SEED})], ids=["json", "repr"])
def test_scrub_text_hides_quoted_secrets(text):
    value = _drift.scrub_text(f"Invalid parameters {text}")
    assert PASSWORD not in value and SEED not in value


def leaky_results():
    """Results carrying secrets where our modules never put them."""
    user = user_result(user_state(groups=[]), user_params())
    user["diff"]["before"]["password"] = PASSWORD
    user["diff"]["after"]["login"] = {"initial_password": PASSWORD, "nested": [{"seed": SEED}], "note": f"uri {OTPAUTH}"}
    user["sealed_secret"] = "c2VhbGVk"
    user["item"] = {"name": "alice", "password": PASSWORD}
    mfa = mfa_result(header=f"enable with seed={SEED} and {OTPAUTH}")
    mfa["diff"]["after"]["base32_string_seed"] = SEED
    mfa["diff"]["after"]["qr_code_png"] = "iVBORw0KGgo"
    mfa["diff"]["before"]["devices"] = [{"serial": SERIAL, "otpauth_uri": OTPAUTH}]
    failed = {"failed": True, "changed": False, "msg": f"IAM rejected password={PASSWORD} ({OTPAUTH})", "item": {"name": "bob"}}
    group = group_result(None)
    group["diff"]["after"]["path"] = f"/x/ password: {PASSWORD}"
    return [
        (USER, {"changed": True, "results": [user, failed]}),
        (MFA, mfa),
        (GROUP, group),
    ]


@pytest.mark.parametrize("check_mode", [True, False])
def test_secrets_in_unexpected_places_never_reach_any_rendering(check_mode):
    items = []
    for action, result in leaky_results():
        items += _drift.task_items(action, result, check_mode, "task")
    assert {i["status"] for i in items} >= {"failed", "drift" if check_mode else "changed"}
    entry = _drift.account_entry("prod", items, ACCOUNT, error=f"task: stopped, seed: {SEED}; {OTPAUTH}")
    report = _drift.build_report([entry], "check" if check_mode else "apply")
    renderings = [render(report) for _suffix, render in _drift.RENDERERS.values()]
    for text in renderings:
        for secret in (PASSWORD, SEED, "c2VhbGVk", "iVBORw0KGgo", "AWS:alice@"):
            assert secret not in text
    as_json = renderings[0]
    assert "otpauth://[hidden]" in as_json and "password=[hidden]" in as_json
    # what is not secret stays
    assert "Administrators" in as_json and SERIAL in as_json


# ---- writing -------------------------------------------------------------------------------------

@pytest.fixture
def strict_umask():
    old = os.umask(0o077)
    yield
    os.umask(old)


def test_write_report_writes_three_files_0644_and_no_temp_file(tmp_path, strict_umask):
    directory = tmp_path / "out" / "nested"
    report = sample_report()
    paths = _drift.write_report(report, str(directory), "scan")
    assert paths == [str(directory / "scan.json"), str(directory / "scan.xml"), str(directory / "scan.md")]
    assert sorted(os.listdir(directory)) == ["scan.json", "scan.md", "scan.xml"]
    for path in paths:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert _drift.load_report((directory / "scan.json").read_text(encoding="utf-8"), "scan.json") == report
    parse_junit((directory / "scan.xml").read_text(encoding="utf-8"))
    assert (directory / "scan.md").read_text(encoding="utf-8") == _drift.render_markdown(report)


def test_write_report_replaces_files_and_writes_only_the_formats_asked(tmp_path):
    (tmp_path / "scan.json").write_text("old", encoding="utf-8")
    paths = _drift.write_report(sample_report(), str(tmp_path), "scan", ["json"])
    assert paths == [str(tmp_path / "scan.json")]
    assert sorted(os.listdir(tmp_path)) == ["scan.json"]
    assert json.loads((tmp_path / "scan.json").read_text(encoding="utf-8"))["format"] == _drift.FORMAT


def test_write_report_failure_leaves_no_temp_file(tmp_path, monkeypatch):
    def broken(report):
        raise RuntimeError("render failed")

    monkeypatch.setitem(_drift.RENDERERS, "junit", ("xml", broken))
    with pytest.raises(RuntimeError):
        _drift.write_report(sample_report(), str(tmp_path), "scan")
    assert sorted(os.listdir(tmp_path)) == ["scan.json"]
