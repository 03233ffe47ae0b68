#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_password_policy
version_added: 1.0.0
short_description: Ensure the IAM account password policy
description:
  - Ensures the account's IAM password policy (the rules for IAM users' console passwords) is exactly the one the
    options describe, or, with O(state=absent), that the account has none.
  - The options are the fields of IAM's C(UpdateAccountPasswordPolicy), by the same names as the keys of RV(policy).
    IAM does not update a policy in part (a field an update leaves out goes back to its default), so the desired
    policy is always whole. An option you do not set takes IAM's default for its field (shown with each option),
    B(not) the value the account has now, and every field is sent on each update.
  - The current policy is read with C(GetAccountPasswordPolicy); C(UpdateAccountPasswordPolicy) is called only when it
    differs, so the steady state costs one IAM read and reports no change.
  - O(state=absent) deletes the policy with C(DeleteAccountPasswordPolicy); IAM's default password rules then apply
    again.
  - Why not M(amazon.aws.iam_password_policy) (amazon.aws 11.4.0), which manages the same policy? It declares check mode
    support but never reads check mode, so C(--check) calls C(UpdateAccountPasswordPolicy) (or, for C(state=absent),
    C(DeleteAccountPasswordPolicy)) just as a real run does; it calls the update on every run, changed or not, and
    reports a change only by comparing the policy before and after; it returns no diff; and its options default to
    IAM's defaults, so unset fields are reset, as here, under other names (C(min_pw_length), C(pw_max_age),
    C(pw_reuse_prevent), C(pw_expire), ...). This module makes no mutating call in check mode and shows the whole
    policy before and after with C(--diff), so the nightly drift scan can run it.
author:
  - accountguard.aws maintainers (@accountguard)
options:
  state:
    description: Whether the account should have a password policy.
    type: str
    choices: [present, absent]
    default: present
  minimum_password_length:
    description: The minimum number of characters of an IAM user's password, from 6 to 128.
    type: int
    default: 6
  require_symbols:
    description: 'Whether passwords must contain at least one of the symbols C(! @ # $ % ^ & * ( \) _ + - = [ ] { } | '')'
    type: bool
    default: false
  require_numbers:
    description: Whether passwords must contain at least one digit (0 to 9).
    type: bool
    default: false
  require_uppercase_characters:
    description: Whether passwords must contain at least one uppercase letter (A to Z).
    type: bool
    default: false
  require_lowercase_characters:
    description: Whether passwords must contain at least one lowercase letter (a to z).
    type: bool
    default: false
  allow_users_to_change_password:
    description:
      - Whether every IAM user may change their own password in the console (IAM grants C(iam:ChangePassword) on
        themselves and C(iam:GetAccountPasswordPolicy) at the account level; no policy is attached to the users).
    type: bool
    default: false
  max_password_age:
    description:
      - How many days a password stays valid, from 1 to 1095.
      - Not set, V(0) or null (IAM's default) means passwords never expire.
    type: int
  password_reuse_prevention:
    description:
      - How many of a user's previous passwords they may not reuse, from 1 to 24.
      - Not set, V(0) or null (IAM's default) means any previous password may be reused.
    type: int
  hard_expiry:
    description:
      - Whether a user whose password has expired is kept from setting a new one in the console (an administrator must
        reset it). Has an effect only with O(max_password_age).
    type: bool
    default: false
extends_documentation_fragment:
  - accountguard.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    details:
      - Makes no mutating AWS call (only C(GetAccountPasswordPolicy)) and reports what a real run would change.
  diff_mode:
    details:
      - Shows every field of the policy before and after (before is empty when the account has no policy, after is
        empty with O(state=absent)).
notes:
  - Needs C(iam:GetAccountPasswordPolicy), C(iam:UpdateAccountPasswordPolicy) and, for O(state=absent),
    C(iam:DeleteAccountPasswordPolicy).
  - AWS calls per run. Steady state 1 (GetAccountPasswordPolicy). A change 2 (GetAccountPasswordPolicy,
    UpdateAccountPasswordPolicy, or DeleteAccountPasswordPolicy for O(state=absent)).
  - An account with B(no) policy is held to AWS's default rules (at least 8 characters, with at least three of
    uppercase letters, lowercase letters, numbers and symbols). A policy made of this module's defaults (6
    characters, nothing required) is weaker than that; set the options you need, as in the examples (the CIS AWS
    Foundations Benchmark asks for O(minimum_password_length=14) or more and O(password_reuse_prevention=24)).
  - Values out of IAM's ranges are refused before any AWS call, with an error naming each option; nothing is changed.
seealso:
  - module: amazon.aws.iam_password_policy
  - name: Set an account password policy for IAM users
    description: The console procedure and the meaning of each setting.
    link: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
"""

EXAMPLES = r"""
- name: The account password policy the CIS AWS Foundations Benchmark asks for
  accountguard.aws.iam_password_policy:
    minimum_password_length: 14
    require_symbols: true
    require_numbers: true
    require_uppercase_characters: true
    require_lowercase_characters: true
    allow_users_to_change_password: true
    password_reuse_prevention: 24

- name: Nightly drift scan of the password policy (run the play with --check --diff)
  accountguard.aws.iam_password_policy:
    minimum_password_length: 14
    password_reuse_prevention: 24
    max_password_age: 90
  check_mode: true

- name: Remove the account's password policy (IAM's default rules apply again)
  accountguard.aws.iam_password_policy:
    state: absent
"""

RETURN = r"""
policy:
  description:
    - The account's password policy after the run (as it would be, in check mode), every field by its option name;
      empty when the account has none (O(state=absent)).
  returned: always
  type: dict
  contains:
    minimum_password_length:
      description: The minimum password length.
      type: int
      sample: 14
    require_symbols:
      description: Whether a symbol is required.
      type: bool
      sample: true
    require_numbers:
      description: Whether a digit is required.
      type: bool
      sample: true
    require_uppercase_characters:
      description: Whether an uppercase letter is required.
      type: bool
      sample: true
    require_lowercase_characters:
      description: Whether a lowercase letter is required.
      type: bool
      sample: true
    allow_users_to_change_password:
      description: Whether users may change their own password.
      type: bool
      sample: true
    max_password_age:
      description: Days a password is valid; 0 when passwords never expire.
      type: int
      sample: 90
    password_reuse_prevention:
      description: How many previous passwords may not be reused; 0 when any may be.
      type: int
      sample: 24
    hard_expiry:
      description: Whether an expired password must be reset by an administrator.
      type: bool
      sample: false
"""

from ansible_collections.accountguard.aws.plugins.module_utils import _password_policy
from ansible_collections.accountguard.aws.plugins.module_utils._runner import run_module


def main():
    run_module(_password_policy)


if __name__ == "__main__":
    main()
