#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: account_alias
version_added: 1.0.0
short_description: Ensure the AWS account's alias (the name in its sign-in URL)
description:
  - Ensures the account's IAM account alias is O(alias), or, with O(state=absent), that the account has none.
  - The alias is what the console's sign-in page calls "Account ID or alias", and the host name of the account's
    sign-in URL C(https://<alias>.signin.aws.amazon.com/console) (the URL with the account id keeps working).
  - An account has at most one alias; setting another one replaces it (C(CreateAccountAlias)). Aliases are unique
    across all of AWS, so an alias another account holds is an error that says so, and nothing is changed.
  - The current alias is read with C(ListAccountAliases); C(CreateAccountAlias) is called only when it differs, so the
    steady state costs one IAM read and reports no change.
author:
  - accountguard.aws maintainers (@accountguard)
options:
  alias:
    description:
      - The account alias, 3 to 63 lowercase letters, digits and hyphens, neither starting nor ending with a hyphen,
        without two hyphens in a row, and not 12 digits (it would read as an account id). Checked before any AWS call.
      - Required with O(state=present). With O(state=absent), only this alias is removed (another alias the account
        has is left alone); not set, whatever alias the account has is removed.
    type: str
  state:
    description: Whether the account should have the alias.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - accountguard.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    details:
      - Makes no mutating AWS call (only C(ListAccountAliases)) and reports what a real run would change.
      - AWS has no call that tells whether an alias is free without taking it, so check mode cannot know whether a new
        alias is taken by another account; the real run says so.
  diff_mode:
    details:
      - Shows the alias before and after (empty when the account has none).
notes:
  - Needs C(iam:ListAccountAliases), C(iam:CreateAccountAlias) and, for O(state=absent), C(iam:DeleteAccountAlias).
  - AWS calls per run. Steady state 1 (ListAccountAliases). A change 2 (ListAccountAliases, then CreateAccountAlias
    or DeleteAccountAlias).
  - Secrets files written before an alias was set hold the sign-in URL with the account id, which keeps working;
    M(accountguard.aws.iam_admin_user) with its O(accountguard.aws.iam_admin_user#module:account_alias) option
    brings them to the alias form.
seealso:
  - name: Your AWS account ID and its alias
    description: What the alias is and where it appears.
    link: https://docs.aws.amazon.com/IAM/latest/UserGuide/console_account-alias.html
"""

EXAMPLES = r"""
- name: The account's sign-in URL becomes https://acme-prod.signin.aws.amazon.com/console
  accountguard.aws.account_alias:
    alias: acme-prod

- name: Remove the account's alias (the sign-in URL with the account id remains)
  accountguard.aws.account_alias:
    state: absent
"""

RETURN = r"""
account_alias:
  description: The account's alias after the run (as it would be, in check mode); null when it has none.
  returned: always
  type: str
  sample: acme-prod
"""

from ansible_collections.accountguard.aws.plugins.module_utils import _account_alias
from ansible_collections.accountguard.aws.plugins.module_utils._runner import run_module


def main():
    run_module(_account_alias)


if __name__ == "__main__":
    main()
