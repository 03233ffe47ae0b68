# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the drift report of a baseline run, shared by the drift_report callback (which
builds it from task results) and the drift_report_merge module (which merges the reports of slices).

Pure standard library, so that the module can ship it with AnsiballZ. Hand-written because no library
knows what our modules' results mean; JUnit XML is written with xml.etree (no maintained JUnit writer
is part of Ansible's dependencies). Not a public API: may change without notice; the report format
(FORMAT, VERSION) is the public contract.

A baseline item is one thing an account must have. Per account: root_mfa, root_access_keys, root_credentials
(when the baseline removes them centrally), password_policy (when the baseline manages it), admin_group,
admin_group_policy, account_alias and budget (when the baseline manages them). Per admin user: user,
group_membership, login_profile, mfa_device. When a user is missing altogether, its `user` item carries the
whole user (groups and console access included) and no separate group_membership / login_profile items are
listed for it.

Item status: ok; drift (check mode: a real run would change it; any mode: a finding the baseline cannot
repair, with repairable false: root without MFA (unless the baseline removes root credentials centrally; then
its root items are repairable) or with virtual MFA where hardware is required, root access
keys, an administrator without MFA); changed (a real run changed it); failed (its task failed). An account's
status is the worst of its items' (account_status), the one rule the report and the baseline's summary share.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET

from ._catalog import drift_roles

FORMAT = "accountguard.aws.drift_report"
VERSION = 1

ACCOUNT_ITEMS = ("root_mfa", "root_access_keys", "root_credentials", "password_policy", "admin_group", "admin_group_policy",
                 "account_alias", "budget")
USER_ITEMS = ("user", "group_membership", "login_profile", "mfa_device")
ITEMS = ACCOUNT_ITEMS + USER_ITEMS
# Items of settings most accounts leave off (root credentials kept, no alias, no budget): a Markdown column only when
# some account has the item.
OPTIONAL_COLUMNS = ("root_credentials", "account_alias", "budget")
ITEM_TITLES = {
    "root_mfa": "root MFA",
    "root_access_keys": "root access keys",
    "root_credentials": "root credentials",
    "password_policy": "password policy",
    "admin_group": "admin group",
    "admin_group_policy": "admin group policy",
    "account_alias": "account alias",
    "budget": "budget",
    "user": "user",
    "group_membership": "group membership",
    "login_profile": "login profile",
    "mfa_device": "MFA device",
}

# The modules whose results the report reads, and their role in it (from the catalog of AWS modules).
ACTIONS = drift_roles()

# The roles of modules that manage one account-level setting, each the drift item of its own name.
SETTING_ROLES = ("password_policy", "account_alias", "budget")

# Fields of the iam_admin_user diff and the item each belongs to.
USER_FIELDS = {
    "user": ("user_name", "path", "tags", "permissions_boundary"),
    "group_membership": ("groups",),
    "login_profile": ("console_access", "password_reset"),
}
GROUP_FIELDS = {
    "admin_group": ("group_name", "path"),
    "admin_group_policy": ("managed_policies",),
}

# Keys whose values are secrets (or carry them): dropped from everything the report copies. Our modules
# never put them in a diff; this is the second line of defence for results of other or future versions.
# Compared without case, "_" and "-", so that boto3's spellings (SecretAccessKey, AuthenticationCode1) match too.
SECRET_KEYS = frozenset((
    "password", "initialpassword", "newpassword", "oldpassword", "seed", "base32stringseed", "otpauthuri", "qrcodepng",
    "code", "codes", "code1", "code2", "authenticationcode1", "authenticationcode2", "tokencode", "secretkey",
    "secretaccesskey", "awssecretkey", "awssecretaccesskey", "sessiontoken", "awssessiontoken", "securitytoken",
    "stscreds", "credentials", "sealedsecret", "vaultpassword", "privatekey",
))
_SECRET_WORDS = r"(?:password|seed|secret[_ -]?(?:access[_ -]?)?key|session[_ -]?token|otpauth[_ -]?uri|token[_ -]?code)"
_SECRET_TEXT = (
    (re.compile(r"otpauth://[^\s\"',;)}\]]+", re.I), "otpauth://[hidden]"),
    # password=..., "seed": "...", 'SessionToken': '...': the value goes, the punctuation around it stays.
    (re.compile(r"(?i)(" + _SECRET_WORDS + r"[\"']?\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;)}\]]+)"), r"\1[hidden]"),
)
# Characters XML 1.0 cannot hold: a report with them would not parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
STATUS_RANK = {"ok": 0, "changed": 1, "drift": 2, "failed": 3}


class ReportError(ValueError):
    """A file that is not a drift report this version can read."""


def scrub(value):
    """A copy of `value` without secret keys, with secret-looking text hidden."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if not is_secret_key(k)}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def is_secret_key(key):
    return re.sub(r"[_\-]", "", str(key)).lower() in SECRET_KEYS


def scrub_text(text):
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def _item(kind, status, user=None, before=None, after=None, message=None, repairable=True, task=None):
    entry = {"item": kind, "user": user, "status": status, "repairable": repairable}
    if before is not None or after is not None:
        entry["before"] = scrub(before)
        entry["after"] = scrub(after)
    if message:
        entry["message"] = xml_safe(scrub_text(str(message)))
    if task:
        entry["task"] = task
    return entry


def xml_safe(text):
    return _NOT_XML.sub("", text)


def _pick(data, fields):
    return {f: data[f] for f in fields if f in data}


def _split_diff(diff, fields_by_item, whole_item, changed, status, user=None, task=None):
    """Items from a before/after diff: one per group of fields. A missing (or removed) whole thing is one
    item of kind `whole_item`."""
    before, after = diff.get("before") or {}, diff.get("after") or {}
    if not before or not after:
        if not before and not after:
            return [_item(whole_item, "ok", user, task=task)]
        if not before:
            message = "missing" if status == "drift" else "created"
        else:
            message = "to be removed" if status == "drift" else "removed"
        return [_item(whole_item, status if changed else "ok", user, before or None, after or None, message, task=task)]
    items = []
    moved = False
    for kind, fields in fields_by_item.items():
        b, a = _pick(before, fields), _pick(after, fields)
        if a and b != a and changed:
            moved = True
            items.append(_item(kind, status, user, b, a, task=task))
        else:
            items.append(_item(kind, "ok", user, task=task))
    if changed and not moved:
        # Changed, but not in a field the diff shows (an option such as update_password=always).
        items[0] = _item(whole_item, status, user, before, after, diff.get("after_header") or "changed", task=task)
    return items


def _failed(result):
    # ansible-core 2.19+ keeps `failed` out of the results callbacks see; a failed result still has `exception`.
    return bool(result.get("failed")) or "exception" in result or bool(result.get("failed_when_result"))


def _result_items(role, result, check_mode, task, failed=False):
    """The baseline items one result of our modules shows (not root: see root_items)."""
    status = "drift" if check_mode else "changed"
    changed = bool(result.get("changed"))
    account_level = role in ("group", "root_credentials") + SETTING_ROLES
    if failed or _failed(result):
        user = None if account_level else result.get("user_name") or _loop_name(result)
        kind = {"group": "admin_group", "user": "user", "mfa": "mfa_device"}.get(role, role)
        return [_item(kind, "failed", user, message=result.get("msg") or "failed", task=task)]
    diff = result.get("diff")
    if isinstance(diff, list):  # some callers wrap diffs in a list
        diff = diff[0] if diff else None
    if role == "root_credentials":
        return [root_credentials_item(result, status, changed, task)]
    if role in SETTING_ROLES:
        # One account-level setting, its item named as its role: the fields that differ (or all, set or removed).
        if not changed:
            return [_item(role, "ok", task=task)]
        diff = diff or {}
        before, after = diff.get("before") or {}, diff.get("after") or {}
        if not before:
            message = "missing" if status == "drift" else "set"
        elif not after:
            message = "to be removed" if status == "drift" else "removed"
        else:  # the fields that differ, not the whole policy
            message = None
            keys = [k for k in after if before.get(k) != after[k]]
            before, after = {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
        if diff:
            return [_item(role, status, None, before, after, message, task=task)]
        return [_item(role, status, message="changed (run with --diff for details)", task=task)]
    if diff is None and role in ("group", "user"):
        # Without --diff the item cannot be told apart, only the whole group or user.
        message = None
        if changed:
            created = "missing" if check_mode else "created"
            message = created if result.get("created") else "changed (run with --diff for details)"
        user = None if role == "group" else (result.get("user") or {}).get("user_name") or _loop_name(result)
        return [_item("admin_group" if role == "group" else "user", status if changed else "ok", user, message=message, task=task)]
    if role == "group":
        return _split_diff(diff, GROUP_FIELDS, "admin_group", changed, status, task=task)
    if role == "user":
        user = _diff_user(diff, "user_name") or (result.get("user") or {}).get("user_name") or _loop_name(result)
        return _split_diff(diff, USER_FIELDS, "user", changed, status, user, task=task)
    user = result.get("user_name") or _diff_user(diff, "user_name") or _loop_name(result)
    if not changed:
        return [_item("mfa_device", "ok", user, task=task)]
    diff = diff or {}
    return [_item("mfa_device", status, user, diff.get("before"), diff.get("after"), diff.get("after_header") or "changed", task=task)]


def _diff_user(diff, key):
    if not isinstance(diff, dict):
        return None
    return (diff.get("after") or {}).get(key) or (diff.get("before") or {}).get(key)


def _loop_name(result):
    item = result.get("item")
    if isinstance(item, dict):
        return item.get("name") or item.get("user_name")
    return item if isinstance(item, str) else None


def task_items(action, result, check_mode, task=None, failed=False):
    """Baseline items from one task result of `action` (the resolved FQCN); [] for other actions and for
    root_mfa_facts (whose facts are read with root_items). Loop results give one set per loop item.
    `failed`: the caller knows the result failed (callbacks are told, the result may not say)."""
    role = ACTIONS.get(action)
    if role in (None, "root", "procedure"):
        return []
    if _skipped(result):
        return []
    if isinstance(result.get("results"), list):
        items = []
        for sub in result["results"]:
            if isinstance(sub, dict) and not _skipped(sub):
                items += _result_items(role, sub, check_mode, task)
        return items
    return _result_items(role, result, check_mode, task, failed)


def _skipped(result):
    # ansible-core 2.21 keeps `skipped` out of the results callbacks see (loop items too): only skip_reason is left.
    return bool(result.get("skipped")) or "skip_reason" in result


_CENTRAL = ("Repairable centrally: a real run deletes the root user's credentials (account_baseline_root_credentials "
            "'remove', sts:AssumeRoot from the management account)")
_OR_CENTRAL = ("; or, in a member account of an organization with centralized root access, set "
               "account_baseline_root_credentials to 'remove' to delete the root credentials centrally")


def root_credentials_ok(task=None):
    """The root_credentials item of an account whose root user has no credentials (nothing to remove)."""
    return _item("root_credentials", "ok", message="root user has no credentials", task=task)


def root_credentials_item(result, status, changed, task=None):
    """The root_credentials item from one iam_root_credentials result."""
    if result.get("management_account"):
        return _item("root_credentials", "ok", message="the organization's management account: AssumeRoot works only for member "
                     "accounts, so its root credentials stay (secure them in the console: hardware MFA)", repairable=False, task=task)
    if not changed:
        return _item("root_credentials", "ok", message="root user has no credentials", task=task)
    deleted = result.get("deleted") or {}
    what = describe_credentials(deleted)
    message = f"would delete centrally: {what}" if status == "drift" else f"deleted centrally: {what}"
    return _item("root_credentials", status, None, result.get("credentials"), result.get("remaining"), message, task=task)


def describe_credentials(creds):
    """'the password, 2 access keys, 1 MFA device' (or 'nothing') of a root credentials dict (iam_root_credentials)."""
    parts = ["the password"] if creds.get("password") else []
    for kind, one in (("access_keys", "access key"), ("signing_certificates", "signing certificate"), ("mfa_devices", "MFA device")):
        count = len(creds.get(kind) or [])
        if count:
            parts.append(f"{count} {one}{'s' if count > 1 else ''}")
    return ", ".join(parts) or "nothing"


def root_items(facts, policy="warn", task=None, mfa_type="any", central=False):
    """The two root items from root_mfa_facts' facts. Without `central`, neither can be repaired by the baseline:
    only the root user can enable its MFA (or replace a virtual device with a hardware one, where `mfa_type` is
    'hardware') or delete its access keys. With `central` (the baseline deletes root credentials through
    sts:AssumeRoot), both are repairable: a root user without credentials needs neither MFA nor access keys."""
    findings = [f for f in facts.get("findings", [])
                if f not in ("root user has access keys", "root user MFA is virtual, not hardware")]
    if not facts.get("mfa_applicable"):
        mfa = _item("root_mfa", "ok", message="root user has no credentials: MFA not applicable", repairable=False, task=task)
    elif facts.get("mfa_enabled") and mfa_type == "hardware" and facts.get("mfa_type") != "hardware":
        repair = _CENTRAL if central else ("Needs the root user: sign in as root, add a hardware MFA device (a FIDO security key or "
                                           "a hardware TOTP token), then remove the virtual one" + _OR_CENTRAL)
        mfa = _item(
            "root_mfa", "drift", None, {"mfa_type": facts.get("mfa_type")}, {"mfa_type": "hardware"},
            f"root MFA is virtual, and account_baseline_root_mfa_type is 'hardware' (CIS: hardware MFA for the root user). {repair}",
            repairable=central, task=task,
        )
    elif facts.get("mfa_enabled"):
        mfa = _item("root_mfa", "ok", message=f"root MFA {facts.get('mfa_type')}", repairable=False, task=task)
    elif policy == "ignore":
        mfa = _item("root_mfa", "ok", message="root user has no MFA (ignored: account_baseline_root_mfa is 'ignore')", repairable=False, task=task)
    else:
        mfa = _item(
            "root_mfa", "drift", None,
            {"mfa_enabled": False, "mfa_type": facts.get("mfa_type"), "password_present": facts.get("password_present")},
            {"mfa_enabled": True},
            "; ".join(findings) + ". " + (_CENTRAL if central else "Needs the root user: sign in as root and enable MFA" + _OR_CENTRAL),
            repairable=central, task=task,
        )
    if facts.get("access_keys_present"):
        keys = _item(
            "root_access_keys", "drift", None, {"access_keys_present": True}, {"access_keys_present": False},
            "root user has access keys. " + (_CENTRAL if central else "Needs the root user: delete them (Security credentials)" + _OR_CENTRAL),
            repairable=central, task=task,
        )
    else:
        keys = _item("root_access_keys", "ok", repairable=False, task=task)
    return [mfa, keys]


def admin_mfa_item(user, console_access, access_keys, allow="never", task=None):
    """The mfa_device item of an admin user the baseline gives no MFA device (`mfa: false`): administrator access
    without MFA is a finding (CIS scanners flag it), unless the user has no credential to sign in or call AWS with
    (no console password, no active access key) and `allow` is 'credentialless'. Not repairable by a run: the
    baseline's own settings say no MFA."""
    if allow == "credentialless" and not console_access and not access_keys:
        return _item("mfa_device", "ok", user, message="no MFA device: the user has no console password and no active access key "
                     "(accepted: account_baseline_allow_admin_without_mfa is 'credentialless')", repairable=False, task=task)
    has = [what for what, present in (("a console password", console_access), (f"{access_keys} active access key(s)", access_keys))
           if present]
    why = ("it has " + " and ".join(has)) if has else \
        "account_baseline_allow_admin_without_mfa is 'never' (set it to 'credentialless' to accept admins without any credential)"
    return _item("mfa_device", "drift", user, {"mfa": False}, {"mfa": True},
                 f"administrator without MFA (mfa: false) and {why}: give the user MFA (mfa: true) or take its admin access away",
                 repairable=False, task=task)


def latest_items(items):
    """The items of one account, one per (item, user): a later entry replaces an earlier one; in report order."""
    latest = {}
    for item in items:
        latest[(item["item"], item.get("user"))] = item
    return sorted(latest.values(), key=_key)


def account_status(items, error=None, unreachable=False):
    """An account's status from its items: unreachable, failed (an error), else the worst item status (ok,
    changed, drift, failed). The report and the baseline's summary both use it, so they never disagree."""
    if unreachable:
        return "unreachable"
    if error:
        return "failed"
    return _worst([i["status"] for i in items], default="ok")


def _key(item):
    return (ITEMS.index(item["item"]) if item["item"] in ITEMS else len(ITEMS), item.get("user") or "", item["item"])


def account_entry(host, items, account_id=None, account_name=None, error=None, unreachable=False):
    """One account of the report. `items`: later entries of the same (item, user) replace earlier ones."""
    listed = latest_items(items)
    status = account_status(listed, error, unreachable)
    return {
        "account": host,
        "account_id": account_id,
        "account_name": account_name,
        "status": status,
        "error": xml_safe(scrub_text(str(error))) if error else None,
        "items": listed,
    }


def _worst(statuses, default):
    return max(statuses, key=lambda s: STATUS_RANK.get(s, 0), default=default)


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_report(accounts, mode, playbooks=(), generated_at=None, sources=None, duplicates=None):
    """The report from account entries (list). `mode`: check, apply or mixed."""
    by_name = {a["account"]: a for a in sorted(accounts, key=lambda a: a["account"])}
    entries = list(by_name.values())
    items = [i for a in entries for i in a["items"]]
    totals = {
        "accounts": len(entries),
        "ok": sum(a["status"] in ("ok", "changed") for a in entries),
        "changed": sum(a["status"] == "changed" for a in entries),
        "drift": sum(a["status"] == "drift" for a in entries),
        "failed": sum(a["status"] in ("failed", "unreachable") for a in entries),
        "items": len(items),
        "items_drift": sum(i["status"] == "drift" for i in items),
        "items_changed": sum(i["status"] == "changed" for i in items),
        "items_failed": sum(i["status"] == "failed" for i in items),
    }
    report = {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": generated_at or now_iso(),
        "mode": mode,
        # A report of no account proves nothing (an empty inventory or --limit): it is not clean.
        "clean": totals["accounts"] > 0 and totals["drift"] == 0 and totals["failed"] == 0,
        "totals": totals,
        "playbooks": sorted(set(playbooks)),
        "accounts": by_name,
    }
    if sources is not None:
        report["sources"] = sources
    if duplicates:
        report["duplicates"] = sorted(duplicates)
    return report


def load_report(text, where):
    """A report read from a file; ReportError naming `where` when it is not one."""
    try:
        data = json.loads(text)
    except ValueError as e:
        raise ReportError(f"{where} is not JSON ({e}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ReportError(f"{where} is not a drift report (no \"format\": \"{FORMAT}\").")
    if data.get("version") != VERSION:
        raise ReportError(f"{where} is a drift report of version {data.get('version')!r}; this collection reads version {VERSION}.")
    if not isinstance(data.get("accounts"), dict):
        raise ReportError(f"{where} has no accounts.")
    return data


def merge_reports(named_reports):
    """One report from [(name, report)], such as the slices of one run. An account found in several
    reports is taken from the newest (generated_at) and listed under `duplicates`."""
    chosen, seen, duplicates = {}, {}, set()
    modes, playbooks, sources = set(), set(), []
    for name, report in sorted(named_reports, key=lambda nr: nr[1].get("generated_at") or ""):
        modes.add(report.get("mode"))
        playbooks.update(report.get("playbooks") or [])
        sources.append({"report": name, "generated_at": report.get("generated_at"), "mode": report.get("mode"),
                        "accounts": len(report["accounts"])})
        for host, entry in report["accounts"].items():
            if host in seen:
                duplicates.add(host)
            seen[host] = name
            chosen[host] = entry
    mode = modes.pop() if len(modes) == 1 else "mixed"
    return build_report(list(chosen.values()), mode, playbooks, sources=sources, duplicates=duplicates)


# ---- renderings --------------------------------------------------------------------------------

def _case_name(item):
    return f"{item['item']} [{item['user']}]" if item.get("user") else item["item"]


def _details(item):
    parts = []
    if item.get("message"):
        parts.append(item["message"])
    if "before" in item:
        parts.append("before: " + json.dumps(item["before"], sort_keys=True))
        parts.append("after: " + json.dumps(item["after"], sort_keys=True))
    return xml_safe("\n".join(parts))


def render_junit(report):
    """JUnit XML: one testsuite per account, one testcase per account and baseline item; drift is a
    failure, a failed item or account an error."""
    suites = ET.Element("testsuites", name="accountguard.aws drift report")
    counts = {"tests": 0, "failures": 0, "errors": 0}
    for host, account in report["accounts"].items():
        suite = ET.SubElement(suites, "testsuite", name=host)
        tests = failures = errors = 0
        if account.get("account_id"):
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="account_id", value=str(account["account_id"]))
        for item in account["items"]:
            case = ET.SubElement(suite, "testcase", classname=host, name=_case_name(item))
            tests += 1
            if item["status"] == "drift":
                failures += 1
                summary = item.get("message") or f"{ITEM_TITLES.get(item['item'], item['item'])} drifted"
                failure = ET.SubElement(case, "failure", type="drift", message=xml_safe(f"{host}: {summary}"))
                failure.text = _details(item)
            elif item["status"] == "failed":
                errors += 1
                error = ET.SubElement(case, "error", type="failed", message=xml_safe(f"{host}: {item.get('message') or 'failed'}"))
                error.text = _details(item)
            elif item["status"] == "changed":
                ET.SubElement(case, "system-out").text = "changed by this run\n" + _details(item)
        if account["status"] in ("failed", "unreachable"):
            case = ET.SubElement(suite, "testcase", classname=host, name="account")
            tests += 1
            errors += 1
            error = xml_safe(str(account.get("error") or account["status"]))
            ET.SubElement(case, "error", type=account["status"], message=f"{host}: {error}").text = error
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("skipped", "0")
        counts["tests"] += tests
        counts["failures"] += failures
        counts["errors"] += errors
    for key, value in counts.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _cell(items):
    if not items:
        return "-"
    status = _worst([i["status"] for i in items], default="ok")
    users = sorted({i["user"] for i in items if i["status"] == status and i.get("user")})
    text = {"ok": "ok", "changed": "changed", "drift": "**drift**", "failed": "**failed**"}.get(status, status)
    return f"{text}: {', '.join(users)}" if users and status != "ok" else text


def _md(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _without_account(error, host, account_id):
    """The error without the "account <host> (<id>): " it starts with, which the failed-accounts line already names."""
    for prefix in (f"account {host} ({account_id}): ", f"account {host}: "):
        if error.startswith(prefix):
            return error[len(prefix):]
    return error


def render_markdown(report):
    """A short summary: one row per account, one column per baseline item."""
    t = report["totals"]
    head = (f"**Drift report** ({report['mode']} mode, {report['generated_at']}): {t['accounts']} "
            f"account{'' if t['accounts'] == 1 else 's'}, {t['ok']} ok, {t['drift']} with drift, {t['failed']} failed.")
    present = {i["item"] for account in report["accounts"].values() for i in account["items"]}
    columns = [k for k in ITEMS if k not in OPTIONAL_COLUMNS or k in present]
    lines = [head, "", "| account | status | " + " | ".join(ITEM_TITLES[k] for k in columns) + " |",
             "| --- | --- |" + " --- |" * len(columns)]
    errors = []
    for host, account in report["accounts"].items():
        name = host if not account.get("account_id") or account["account_id"] == host else f"{host} ({account['account_id']})"
        status = account["status"]
        cells = [_cell([i for i in account["items"] if i["item"] == kind]) for kind in columns]
        shown = f"**{status}**" if status in ("drift", "failed", "unreachable") else status
        lines.append(f"| {_md(name)} | {shown} | {' | '.join(_md(c) for c in cells)} |")
        if account.get("error"):
            errors.append(f"- {_md(name)}: {_md(_without_account(account['error'], host, account.get('account_id')))}")
    if errors:
        lines += ["", "Failed accounts:", ""] + errors
    return "\n".join(lines) + "\n"


# Report formats: file suffix and renderer (the callback's and the merge module's `formats` choices).
RENDERERS = {"json": ("json", lambda r: json.dumps(r, indent=2, sort_keys=True) + "\n"),
             "junit": ("xml", render_junit),
             "markdown": ("md", render_markdown)}


def write_report(report, directory, name, formats=("json", "junit", "markdown")):
    """Write the report's files atomically (mode 0644); returns their paths."""
    os.makedirs(directory, exist_ok=True)
    paths = []
    for fmt in formats:
        suffix, render = RENDERERS[fmt]
        path = os.path.join(directory, f"{name}.{suffix}")
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(render(report))
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        paths.append(path)
    return paths
