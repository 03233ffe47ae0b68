"""IAM account aliases as AWS has them: unique across all accounts, one per account.

moto keeps each account's alias list on its own (CreateAccountAlias replaces it), so two accounts could hold the
same alias. In AWS an alias is the host name of the account's sign-in page
(https://<alias>.signin.aws.amazon.com/console), unique across all of AWS: CreateAccountAlias of an alias another
account holds is EntityAlreadyExists (HTTP 409). An alias must be 3 to 63 lowercase letters, digits and hyphens,
neither starting nor ending with a hyphen, without two hyphens in a row (ValidationError otherwise). Creating the
alias the account already has succeeds; DeleteAccountAlias of an alias the account does not have is NoSuchEntity.
"""

import re

from localaws import motoglue, responses

ALIAS_RE = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$")


def create_account_alias(call):
    alias = call.request.param("AccountAlias") or ""
    if not ALIAS_RE.match(alias):
        return responses.error("ValidationError", f"The specified value for accountAlias is invalid: {alias!r}. It must contain only "
                               "digits, lowercase letters and hyphens (3 to 63), and must not start or end with a hyphen or hold two "
                               "hyphens in a row.")
    holder = motoglue.alias_holder(alias)
    if holder is not None and holder != call.request.account:
        return responses.error("EntityAlreadyExists", f"The account alias {alias} already exists.")
    return call.forward()


def delete_account_alias(call):
    alias = call.request.param("AccountAlias")
    if alias not in call.backend.account_aliases:
        return responses.error("NoSuchEntity", f"The account alias {alias} cannot be found.")
    return call.forward()


HANDLERS = {
    "CreateAccountAlias": create_account_alias,
    "DeleteAccountAlias": delete_account_alias,
}
