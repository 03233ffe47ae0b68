# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the logic of accountguard.aws.iam_password_policy.

read current state -> validate and compute desired -> diff -> apply (never in check mode) -> normalize,
behind the runner's interface (see _runner.py).

UpdateAccountPasswordPolicy does not do partial updates: every field it is not given goes back to IAM's
default. So the desired policy is always complete (an option left unset means IAM's default for its field),
and the update always sends every field, except the two whose default IAM refuses to be sent explicitly
(MaxPasswordAge and PasswordReusePrevention have a minimum of 1; their default, 0, is asked for by leaving
them out). Steady state costs one read (GetAccountPasswordPolicy); nothing in this module is secret.
"""

from __future__ import annotations

from . import _iam
from ._common import AccountGuardError
from ._common import IAMErrorHandler

# option (the snake_case of the IAM field, and the key of the `policy` return value and of the diff) -> IAM field.
FIELDS = {
    "minimum_password_length": "MinimumPasswordLength",
    "require_symbols": "RequireSymbols",
    "require_numbers": "RequireNumbers",
    "require_uppercase_characters": "RequireUppercaseCharacters",
    "require_lowercase_characters": "RequireLowercaseCharacters",
    "allow_users_to_change_password": "AllowUsersToChangePassword",
    "max_password_age": "MaxPasswordAge",
    "password_reuse_prevention": "PasswordReusePrevention",
    "hard_expiry": "HardExpiry",
}

# IAM's value for each field when UpdateAccountPasswordPolicy is not sent it (or GetAccountPasswordPolicy leaves it
# out): the module's value for an option not set.
IAM_DEFAULTS = {
    "minimum_password_length": 6,
    "require_symbols": False,
    "require_numbers": False,
    "require_uppercase_characters": False,
    "require_lowercase_characters": False,
    "allow_users_to_change_password": False,
    "max_password_age": 0,
    "password_reuse_prevention": 0,
    "hard_expiry": False,
}

# The argument spec's defaults are IAM's, except for the two settings that are off unless set (IAM itself leaves them
# out then, and cannot be sent their 0): no default, so that null is accepted for them too. Options whose names hold
# "password" carry settings, not secrets: no_log=False says so (AnsibleModule would warn otherwise).
ARGUMENT_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    minimum_password_length=dict(type="int", default=6, no_log=False),
    require_symbols=dict(type="bool", default=False),
    require_numbers=dict(type="bool", default=False),
    require_uppercase_characters=dict(type="bool", default=False),
    require_lowercase_characters=dict(type="bool", default=False),
    allow_users_to_change_password=dict(type="bool", default=False, no_log=False),
    max_password_age=dict(type="int", no_log=False),
    password_reuse_prevention=dict(type="int", no_log=False),
    hard_expiry=dict(type="bool", default=False),
)

# The integer options' ranges (IAM API reference). The two whose 0 (IAM's default) means "off" cannot be sent as 0
# (their minimum is 1): UpdateAccountPasswordPolicy is asked for it by leaving them out.
RANGES = {"minimum_password_length": (6, 128), "max_password_age": (1, 1095), "password_reuse_prevention": (1, 24)}
ZERO_MEANS = {"max_password_age": "passwords never expire", "password_reuse_prevention": "any previous password may be reused"}


class BadInput(AccountGuardError):
    """Input rejected before any AWS call."""


def validate(params):
    """All checks that need no AWS call. Raises BadInput naming each item out of IAM's range."""
    if params.get("state", "present") != "present":
        return
    problems = []
    for option, (low, high) in RANGES.items():
        value = params.get(option)
        if value is None or low <= value <= high or (value == 0 and option in ZERO_MEANS):
            continue
        allowed = f"from {low} to {high}" + (f" (or 0: {ZERO_MEANS[option]})" if option in ZERO_MEANS else "")
        problems.append(f"{option} must be {allowed}, not {value}")
    if problems:
        raise BadInput("Invalid input for the account password policy: " + "; ".join(problems) + ". Nothing was changed.")


# ---- IAM calls (GetAccountPasswordPolicy is _iam.get_password_policy) ------------------------------

@IAMErrorHandler.common_error_handler("update the account password policy")
def update_password_policy(client, args):
    client.update_account_password_policy(aws_retry=True, **args)


@IAMErrorHandler.deletion_error_handler("delete the account password policy")
def delete_password_policy(client):
    client.delete_account_password_policy(aws_retry=True)
    return True


# ---- state --------------------------------------------------------------------------------------

def _value(option, value):
    """A field's value as the module shows it: IAM's default where IAM leaves the field out (or a task gives null)."""
    default = IAM_DEFAULTS[option]
    if value is None:
        return default
    return bool(value) if isinstance(default, bool) else int(value)


def summary(raw):
    """The policy as the diff and the `policy` return value show it ({} when the account has none): every field, by
    its option name. IAM leaves MaxPasswordAge and PasswordReusePrevention out when they are not set."""
    if raw is None:
        return {}
    return {option: _value(option, raw.get(field)) for option, field in FIELDS.items()}


def desired_summary(params):
    """The whole policy the parameters ask for: an option not given (or null) is IAM's default for its field."""
    return {option: _value(option, params.get(option)) for option in FIELDS}


def update_arguments(want):
    """UpdateAccountPasswordPolicy's arguments for the whole of `want`: every field, except the 0 (IAM's default) of
    MaxPasswordAge and PasswordReusePrevention, which IAM accepts only by their absence."""
    return {field: want[option] for option, field in FIELDS.items() if not (option in ZERO_MEANS and want[option] == 0)}


def ensure_present(run):
    """Fills run.result (with `diff`; the runner drops it outside diff mode)."""
    client = run.client("iam")
    before = summary(_iam.get_password_policy(client))
    want = desired_summary(run.params)
    changed = before != want
    if changed and not run.check_mode:
        update_password_policy(client, update_arguments(want))
    run.result.update(changed=changed, policy=dict(want), diff={"before": before, "after": dict(want)})


def ensure_absent(run):
    """Delete the account's password policy (IAM's default rules apply again)."""
    client = run.client("iam")
    before = summary(_iam.get_password_policy(client))
    if before and not run.check_mode:
        delete_password_policy(client)
    run.result.update(changed=bool(before), policy={}, diff={"before": before, "after": {}})
