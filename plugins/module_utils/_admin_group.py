# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the logic of accountguard.aws.iam_admin_group.

read current state -> validate and compute desired -> diff -> apply (never in check mode) -> normalize,
behind the runner's interface (see _runner.py).
Steady state costs two reads (GetGroup, ListAttachedGroupPolicies). GetPolicy is asked only about policies
that are to be attached, so every unknown policy is found before the first change.
"""

from __future__ import annotations

import re

from . import _iam
from ._common import AccountGuardError
from ._common import create_or_adopt
from ._common import reconcile
from ._common import validate_name
from ._common import validate_path

MAX_GROUP_NAME = 128

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True, aliases=["group_name"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    path=dict(type="str", default="/"),
    managed_policies=dict(type="list", elements="str", default=[]),
    purge_policies=dict(type="bool", default=False),
)

# arn:<partition>:iam::<account or "aws">:policy/<path><name>
_POLICY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::(aws|\d{12}):policy/[\x21-\x7e]+$")


class BadInput(AccountGuardError):
    """Input rejected before any AWS call (or before any mutating one)."""


def validate(params):
    """All checks that need no AWS call. Raises BadInput naming the group and the item."""
    name = params["name"]
    problems = [validate_name("group name", name, MAX_GROUP_NAME), validate_path("path", params["path"])]
    if params.get("state", "present") == "present":
        not_arns = [p for p in params["managed_policies"] if not _POLICY_ARN_RE.match(p or "")]
        if not_arns:
            problems.append(
                f"managed_policies must be policy ARNs, not names: {', '.join(repr(p) for p in not_arns)}"
                " (AWS managed: arn:aws:iam::aws:policy/<name>, such as arn:aws:iam::aws:policy/AdministratorAccess;"
                " your own: arn:aws:iam::<account>:policy/<path><name>). A name is not accepted because resolving it"
                " means listing every policy of the account on every run, and a name can match several policies"
            )
    problems = [p for p in problems if p]
    if problems:
        raise BadInput(f"Invalid input for IAM group {name!r}: " + "; ".join(problems) + ". Nothing was changed.")


def observe(client, name):
    """Current state, or None when the group does not exist: GetGroup, and ListAttachedGroupPolicies if it does."""
    group = _iam.get_group(client, name)
    if group is None:
        return None
    return {"group": group, "policies": sorted(_iam.list_attached_group_policies(client, name))}


def summary(state):
    """What the diff shows about a group ({} when it does not exist)."""
    if state is None:
        return {}
    return {
        "group_name": state["group"]["GroupName"],
        "path": state["group"]["Path"],
        "managed_policies": sorted(state["policies"]),
    }


def desired_summary(params, before):
    """What the group must look like, from the parameters and its current summary ({} when it does not exist)."""
    have = set(before.get("managed_policies", []))
    wanted = set(params["managed_policies"])
    return {
        "group_name": params["name"],
        "path": params["path"],
        "managed_policies": sorted(wanted if params["purge_policies"] else have | wanted),
    }


def _check_policies(client, name, before, want):
    """Every policy to attach must exist: asked of IAM (GetPolicy) before any change, only for policies not
    attached yet."""
    have = set(before.get("managed_policies", []))
    missing = [arn for arn in want["managed_policies"] if arn not in have and _iam.get_policy(client, arn) is None]
    if len(missing) == 1:
        raise BadInput(f"IAM group {name!r}: managed policy {missing[0]} does not exist. Nothing was changed.")
    if missing:
        raise BadInput(f"IAM group {name!r}: managed policies {', '.join(missing)} do not exist. Nothing was changed.")


def ensure_present(run):
    """Fills run.result (with `diff`; the runner drops it outside diff mode)."""
    client, check_mode, params = run.client("iam"), run.check_mode, run.params
    name = params["name"]
    current = observe(client, name)
    before = summary(current)
    want = desired_summary(params, before)
    _check_policies(client, name, before, want)

    changed = False
    raw_group = None  # stays None in check mode before creation
    if current is None and not check_mode:
        raw_group, current = create_or_adopt(lambda: _iam.create_group(client, name, want["path"]), lambda: observe(client, name))
    created = current is None
    if current is None:
        changed = True
        have = {"path": want["path"], "managed_policies": []}
    else:
        raw_group = current["group"]
        have = summary(current)
    if have["path"] != want["path"]:
        changed = True
        if not check_mode:
            _iam.update_group_path(client, name, want["path"])
    changed |= reconcile(have["managed_policies"], want["managed_policies"],
                         lambda arn: _iam.attach_group_policy(client, name, arn),
                         lambda arn: _iam.detach_group_policy(client, name, arn), check_mode)

    run.result.update(changed=changed, created=created, group=normalize(raw_group, want), diff={"before": before, "after": dict(want)})


def group_arn(arn, path, name):
    """The ARN of a group once it is at `path` (a group's ARN holds its path)."""
    prefix = arn.split(":group/", 1)[0]
    return f"{prefix}:group{path}{name}"


def normalize(raw_group, shown):
    """The `group` return value: the diff summary plus identifiers (absent in check mode before creation)."""
    group = dict(shown)
    if raw_group:
        group.update(
            arn=group_arn(raw_group["Arn"], shown["path"], shown["group_name"]),
            group_id=raw_group["GroupId"],
            create_date=str(raw_group.get("CreateDate")),
        )
    return group


def ensure_absent(run):
    """Remove the group and what IAM requires gone before DeleteGroup: attached policies, members (the users
    stay) and inline policies."""
    client, check_mode, name = run.client("iam"), run.check_mode, run.params["name"]
    current = observe(client, name)
    if current is None:
        run.result.update(changed=False, group={}, diff={"before": {}, "after": {}})
        return
    if not check_mode:
        for arn in current["policies"]:
            _iam.detach_group_policy(client, name, arn)
        for user in _iam.list_group_members(client, name):
            _iam.remove_user_from_group(client, user, name)
        for policy in _iam.list_group_inline_policies(client, name):
            _iam.delete_group_inline_policy(client, name, policy)
        _iam.delete_group(client, name)
    run.result.update(changed=True, group={}, diff={"before": summary(current), "after": {}})
