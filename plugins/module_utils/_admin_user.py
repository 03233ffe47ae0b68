# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the logic of accountguard.aws.iam_admin_user.

read current state -> validate and compute desired -> diff -> apply (never in check mode) -> normalize,
behind the runner's interface (see _runner.py).
Steady state costs three reads (GetUser, ListGroupsForUser, GetLoginProfile); anything else is called
only when it has something to change or to validate.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from . import _iam
from ._account_alias import sign_in_url
from ._common import AccountGuardError
from ._common import account_id_from_arn
from ._common import create_or_adopt
from ._common import error_code
from ._common import reconcile
from ._common import require_cryptography
from ._common import validate_name
from ._common import validate_path
from ._password import DEFAULT_POLICY_LENGTH
from ._password import MAX_LENGTH
from ._password import generate_password
from ._password import policy_problems
from ._sealed import seal

# Arguments that name the same thing as IAM does.
MAX_USER_NAME = 64
MAX_GROUP_NAME = 128

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True, aliases=["user_name"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    path=dict(type="str", default="/"),
    groups=dict(type="list", elements="str", default=["Administrators"]),
    purge_groups=dict(type="bool", default=False),
    planned_groups=dict(type="list", elements="str", default=[]),
    tags=dict(type="dict"),
    purge_tags=dict(type="bool", default=False),
    permissions_boundary=dict(type="str"),
    console_access=dict(type="bool", default=True),
    password=dict(type="str", no_log=True),
    update_password=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
    password_reset_required=dict(type="bool", default=True, no_log=False),
    min_password_length=dict(type="int", default=20, no_log=False),
    secrets_file=dict(type="path", no_log=False),
    # Set by the action plugin for the call that applies a password it generated and stored: not a secret.
    password_stored=dict(type="bool", default=False, no_log=False),
    # Read by the action plugin only: with state=absent, the secrets file goes once the user is gone.
    forget_secrets=dict(type="bool", default=False, no_log=False),
    # A public key: nothing secret, and it must reach the module intact (no_log would mask it).
    secret_recipient=dict(type="str", no_log=False),
    report_access_keys=dict(type="bool", default=False),
    account_alias=dict(type="str"),
)


class BadInput(AccountGuardError):
    """Input rejected before any AWS call (or before any mutating one)."""


def validate(params):
    """All checks that need no AWS call. Raises BadInput naming the user and the item."""
    require_cryptography()
    if params.get("state") == "absent":
        # Removing a user needs only its name: what it would have been given does not matter.
        params = dict(params, groups=[], password=None)
    name = params["name"]
    problems = [validate_name("user name", name, MAX_USER_NAME), validate_path("path", params["path"])]
    problems += [validate_name("group name", g, MAX_GROUP_NAME) for g in params["groups"]]
    for key, value in (params.get("tags") or {}).items():
        if not 1 <= len(key) <= 128 or len(str(value)) > 256 or key.lower().startswith("aws:"):
            problems.append(f"tag {key[:40]!r} is invalid (keys 1-128 characters and not starting with 'aws:', values at most 256)")
    boundary = params.get("permissions_boundary")
    if boundary and not (boundary.startswith("arn:") and ":policy/" in boundary):
        problems.append(f"permissions_boundary {boundary!r} is not a managed policy ARN (arn:aws:iam::<account>:policy/<name>)")
    if params["password"] is not None and not params["console_access"]:
        problems.append("a password was given but console_access is false")
    if not DEFAULT_POLICY_LENGTH <= params["min_password_length"] <= MAX_LENGTH:
        problems.append(f"min_password_length must be from {DEFAULT_POLICY_LENGTH} (IAM's default password policy) to {MAX_LENGTH}, "
                        f"not {params['min_password_length']}")
    problems = [p for p in problems if p]
    if problems:
        raise BadInput(f"Invalid input for IAM user {name!r}: " + "; ".join(problems) + ". Nothing was changed.")


def _tags(boto_tags):
    return boto3_tag_list_to_ansible_dict(boto_tags or [])


def _boundary(user):
    return (user.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")


class NotApplied(AccountGuardError):
    """A secret this run stored could not be applied: the action plugin takes it out of the secrets file."""


def observe(client, name, recent=False):
    """Current state, or None when the user does not exist: one GetUser, and two more reads if it does.
    `recent`: the user was created or seen a moment ago, so a missing answer is retried (eventual consistency)."""
    user = (_iam.get_recent_user if recent else _iam.get_user)(client, name)
    if user is None:
        return None
    profile = _iam.get_login_profile(client, name)
    return {
        "user": user,
        "groups": sorted(_iam.list_user_groups(client, name)),
        "profile": profile,
    }


def summary(state):
    """What the diff shows and the result returns about a user: never a password."""
    if state is None:
        return {}
    profile = state["profile"]
    return {
        "user_name": state["user"]["UserName"],
        "path": state["user"]["Path"],
        "tags": _tags(state["user"].get("Tags")),
        "permissions_boundary": _boundary(state["user"]),
        "groups": sorted(state["groups"]),
        "console_access": profile is not None,
    }


def desired_summary(params, before):
    """What the user must look like, from the parameters and its current summary ({} when it does not exist)."""
    cur = before or {"tags": {}, "groups": [], "permissions_boundary": None}
    # As in amazon.aws: without `tags` the user's tags are left alone, whatever purge_tags says.
    if params["tags"] is None:
        tags = dict(cur["tags"])
    else:
        to_set, to_unset = compare_aws_tags(cur["tags"], params["tags"], params["purge_tags"])
        tags = {k: v for k, v in cur["tags"].items() if k not in to_unset}
        tags.update({k: str(v) for k, v in to_set.items()})
    groups = set(params["groups"]) if params["purge_groups"] else set(cur["groups"]) | set(params["groups"])
    boundary = cur["permissions_boundary"]
    if params["permissions_boundary"] is not None:
        boundary = params["permissions_boundary"] or None
    return {
        "user_name": params["name"],
        "path": params["path"],
        "tags": tags,
        "permissions_boundary": boundary,
        "groups": sorted(groups),
        "console_access": bool(params["console_access"]),
    }


def _check_references(client, name, before, want, planned_groups=()):
    """Groups to join must exist and a new boundary must be a real policy: checked before any change.
    `planned_groups` are groups an earlier task of this check-mode run would create."""
    have = set(before.get("groups", [])) | set(planned_groups)
    unknown = [g for g in want["groups"] if g not in have and _iam.get_group(client, g) is None]
    if unknown:
        raise BadInput(f"IAM user {name!r}: group(s) {', '.join(unknown)} do not exist in this account. Nothing was changed.")
    boundary = want["permissions_boundary"]
    if boundary and boundary != before.get("permissions_boundary"):
        if _iam.get_policy(client, boundary) is None:
            raise BadInput(f"IAM user {name!r}: permissions boundary policy {boundary} does not exist. Nothing was changed.")


def ensure_present(run):
    """Fills run.result. A generated password is never applied here: it is sealed for the controller
    (`pending: store_password`), which stores it and calls again with it."""
    client, check_mode, params = run.client("iam"), run.check_mode, run.params
    name = params["name"]
    stored = params["password_stored"] and not check_mode  # the call that applies a password this task stored
    current = observe(client, name, recent=stored)
    before = summary(current)
    want = desired_summary(params, before)
    _check_references(client, name, before, want, params.get("planned_groups") or () if check_mode else ())

    profile = current["profile"] if current else None
    if stored and profile is not None and params["update_password"] == "on_create":
        # Someone else created the login profile after this task generated and stored its password: the stored
        # password is not the user's, and this run must not report it applied.
        run.result["secret_not_applied"] = True
        raise NotApplied(
            f"The login profile of IAM user {name!r} was created by someone else while this run stored its generated "
            "password: that password was not applied, and it is taken out of the secrets file. Nothing else was changed."
        )
    create_profile = want["console_access"] and profile is None
    reset_password = want["console_access"] and profile is not None and params["update_password"] == "always"
    needs_generated = (create_profile or reset_password) and params["password"] is None
    if needs_generated and not check_mode and not params.get("secret_recipient"):
        raise BadInput(
            f"IAM user {name!r} needs an initial console password, and no vault secret is configured to store it: "
            "run with --vault-id or --vault-password-file and set secrets_file (or set console_access: false). "
            "Nothing was changed."
        )
    policy = None
    if (create_profile or reset_password) and not check_mode and not stored:
        # The password policy in force, read before the first change: a given password it refuses must stop the
        # run before the user exists, and a generated one must meet it.
        policy = _iam.get_password_policy(client)
        if params["password"] is not None:
            problems = policy_problems(params["password"], policy)
            if problems:
                raise BadInput(f"The password given for IAM user {name!r} does not meet the account's password policy: "
                               f"{'; '.join(problems)}. Nothing was changed.")

    changed, raw_user = _apply_user(client, check_mode, name, current, want)
    result = {}
    profile_after = profile
    after = dict(want)
    if profile is not None and not want["console_access"]:
        changed = True
        profile_after = None
        if not check_mode:
            _iam.delete_login_profile(client, name)
    elif (create_profile or reset_password) and check_mode:
        changed = True
        if reset_password:
            after["password_reset"] = True  # the value itself is never shown
    elif needs_generated:
        # Sealed for the controller, which stores it in the vault and calls again with it: the
        # follow-up call applies the password and reports that change.
        password = generate_password(policy, params["min_password_length"])
        result.update(pending="store_password", sealed_secret=seal(params["secret_recipient"], {"password": password}))
        after["console_access"] = profile is not None
    elif create_profile:
        changed = True
        _iam.create_login_profile(client, name, params["password"], params["password_reset_required"])
        profile_after = {"PasswordResetRequired": params["password_reset_required"]}
    elif reset_password:
        changed = True
        _iam.update_login_profile(client, name, params["password"], params["password_reset_required"])
        profile_after = {**profile, "PasswordResetRequired": params["password_reset_required"]}

    result.update(changed=changed, created=current is None, user=normalize(raw_user, profile_after, after), diff={"before": before, "after": after})
    if params["report_access_keys"]:
        result["user"]["access_keys_active"] = _iam.count_active_access_keys(client, name) if current is not None else 0
    account_id = account_id_from_arn((raw_user or {}).get("Arn"))
    if account_id:
        result["account_id"] = account_id
        result["sign_in_url"] = sign_in_url(account_id, params.get("account_alias"))
    run.result.update(result)


def _apply_user(client, check_mode, name, current, want):
    """User, path, tags, boundary and groups. Returns (changed, the raw IAM user or None in check mode
    before creation)."""
    changed = False
    raw_user = None  # stays None in check mode before creation
    if current is None and not check_mode:
        raw_user, current = create_or_adopt(
            lambda: _iam.create_user(client, name, want["path"], want["tags"], want["permissions_boundary"]),
            lambda: observe(client, name, recent=True))
    if current is None:
        changed = True
        have = {"path": want["path"], "tags": want["tags"], "permissions_boundary": want["permissions_boundary"], "groups": []}
    else:
        raw_user = current["user"]
        have = summary(current)
    if have["path"] != want["path"]:
        changed = True
        if not check_mode:
            _iam.update_user_path(client, name, want["path"])
    set_tags, drop_tags = compare_aws_tags(have["tags"], want["tags"], purge_tags=True)
    if set_tags or drop_tags:
        changed = True
        if not check_mode:
            if set_tags:
                _iam.tag_user(client, name, set_tags)
            if drop_tags:
                _iam.untag_user(client, name, drop_tags)
    if have["permissions_boundary"] != want["permissions_boundary"]:
        changed = True
        if not check_mode:
            if want["permissions_boundary"]:
                _iam.put_user_boundary(client, name, want["permissions_boundary"])
            else:
                _iam.delete_user_boundary(client, name)
    changed |= reconcile(have["groups"], want["groups"],
                         lambda group: _iam.add_user_to_group(client, name, group),
                         lambda group: _iam.remove_user_from_group(client, name, group), check_mode)
    return changed, raw_user


def normalize(raw_user, profile, shown):
    """The `user` return value: the diff summary plus identifiers and login profile details."""
    user = dict(shown)
    if raw_user:
        user.update(arn=raw_user["Arn"], user_id=raw_user["UserId"], create_date=str(raw_user.get("CreateDate")))
    if profile is not None:
        user["login_profile"] = {"password_reset_required": bool(profile.get("PasswordResetRequired"))}
        if profile.get("CreateDate"):
            user["login_profile"]["create_date"] = str(profile["CreateDate"])
    return user


def ensure_absent(run):
    """Remove the user and everything IAM requires gone before DeleteUser, so it can be re-created."""
    client, check_mode, name = run.client("iam"), run.check_mode, run.params["name"]
    current = observe(client, name)
    if current is None:
        run.result.update(changed=False, user={}, diff={"before": {}, "after": {}})
        return
    before = summary(current)
    if not check_mode:
        if current["profile"] is not None:
            _iam.delete_login_profile(client, name)
        for group in current["groups"]:
            _iam.remove_user_from_group(client, name, group)
        for device in _iam.list_user_mfa_devices(client, name):
            _iam.deactivate_mfa_device(client, name, device["SerialNumber"])
            if _iam.is_virtual_serial(device["SerialNumber"]):
                _iam.delete_virtual_mfa_device(client, device["SerialNumber"])
        for key_id in _iam.list_access_keys(client, name):
            _iam.delete_access_key(client, name, key_id)
        for arn in _iam.list_attached_user_policies(client, name):
            _iam.detach_user_policy(client, name, arn)
        for policy in _iam.list_user_inline_policies(client, name):
            _iam.delete_user_inline_policy(client, name, policy)
        for cert_id in _iam.list_signing_certificates(client, name):
            _iam.delete_signing_certificate(client, name, cert_id)
        for key_id in _iam.list_ssh_public_keys(client, name):
            _iam.delete_ssh_public_key(client, name, key_id)
        try:
            _iam.delete_user(client, name)
        except AccountGuardError as e:
            # Service-specific credentials (CodeCommit, Keyspaces...) are rare: they are listed only
            # when IAM says something still blocks the deletion.
            if error_code(e) != "DeleteConflict":
                raise
            for cred_id in _iam.list_service_specific_credentials(client, name):
                _iam.delete_service_specific_credential(client, name, cred_id)
            _iam.delete_user(client, name)
    run.result.update(changed=True, user={}, diff={"before": before, "after": {}})
