# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the logic of accountguard.aws.account_alias.

read current state -> validate and compute desired -> diff -> apply (never in check mode) -> normalize,
behind the runner's interface (see _runner.py).

An account has at most one alias; it is the host name of the account's sign-in page
(https://<alias>.signin.aws.amazon.com/console) and unique across all of AWS, so CreateAccountAlias of an alias
another account holds fails (EntityAlreadyExists). CreateAccountAlias replaces the account's alias, if any.
Steady state costs one read (ListAccountAliases); nothing in this module is secret.
"""

from __future__ import annotations

import re

from ._common import AccountGuardError
from ._common import IAMErrorHandler
from ._common import error_code

ARGUMENT_SPEC = dict(
    alias=dict(type="str"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)

# IAM API reference (CreateAccountAlias): 3 to 63 lowercase letters, digits and hyphens, not starting or ending
# with a hyphen, no two hyphens in a row.
_ALIAS = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$")


class BadInput(AccountGuardError):
    """Input rejected before any AWS call."""


def sign_in_url(account_id, alias=None):
    """The console sign-in URL of an account: by its alias when it has one, else by its id (both work)."""
    host = alias or account_id
    return f"https://{host}.signin.aws.amazon.com/console" if host else None


def alias_problem(alias):
    """Why `alias` cannot be an account alias, or None."""
    if not isinstance(alias, str) or not _ALIAS.match(alias):
        return (f"the account alias {alias!r} is invalid: it must be 3 to 63 lowercase letters, digits and hyphens, "
                "neither starting nor ending with a hyphen, without two hyphens in a row")
    if re.fullmatch(r"\d{12}", alias):
        return f"the account alias {alias!r} is 12 digits: it would read as an account id in the sign-in URL"
    return None


def validate(params):
    """All checks that need no AWS call."""
    alias = params.get("alias")
    if params.get("state", "present") == "present" and not alias:
        raise BadInput("alias is required with state=present. Nothing was changed.")
    if alias:
        problem = alias_problem(alias)
        if problem:
            raise BadInput(f"Invalid input: {problem}. Nothing was changed.")


# ---- IAM calls ------------------------------------------------------------------------------------

@IAMErrorHandler.list_error_handler("list the account aliases")
def list_aliases(client):
    return client.list_account_aliases(aws_retry=True)["AccountAliases"]


@IAMErrorHandler.common_error_handler("create the account alias")
def _create_alias(client, alias):
    client.create_account_alias(aws_retry=True, AccountAlias=alias)


def create_alias(client, alias):
    try:
        _create_alias(client, alias)
    except AccountGuardError as e:
        if error_code(e) != "EntityAlreadyExists":
            raise
        raise AccountGuardError(message=f"The account alias {alias} is taken by another AWS account (an alias is unique across all of "
                                        "AWS, being the host name of the account's sign-in page): choose another. Nothing was "
                                        "changed.") from None


@IAMErrorHandler.deletion_error_handler("delete the account alias")
def delete_alias(client, alias):
    client.delete_account_alias(aws_retry=True, AccountAlias=alias)
    return True


# ---- state --------------------------------------------------------------------------------------

def current_alias(client):
    aliases = list_aliases(client) or []
    return aliases[0] if aliases else None


def _result(run, changed, before, after):
    run.result.update(changed=changed, account_alias=after,
                      diff={"before": {"account_alias": before} if before else {}, "after": {"account_alias": after} if after else {}})


def ensure_present(run):
    """The account's alias is `alias` (replacing another one it had)."""
    client = run.client("iam")
    before = current_alias(client)
    want = run.params["alias"]
    changed = before != want
    if changed and not run.check_mode:
        create_alias(client, want)
    _result(run, changed, before, want)


def ensure_absent(run):
    """The account has no alias (with `alias` given: not that one; another alias is left alone)."""
    client = run.client("iam")
    before = current_alias(client)
    given = run.params.get("alias")
    remove = before is not None and given in (None, before)
    if remove and not run.check_mode:
        delete_alias(client, before)
    _result(run, remove, before, None if remove else before)
