#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_admin_user
version_added: 1.0.0
short_description: Ensure an IAM administrator user with console access, admin rights through a group
description:
  - Ensures an IAM user exists with the given path, tags and optional permissions boundary, is a member of the given
    groups (admin rights come through a group, not through policies attached to the user), and has, or does not have,
    a console login profile.
  - When it creates a login profile without a given O(password), it generates one with the operating system's CSPRNG
    that satisfies the account password policy (at least O(min_password_length) characters, every character class),
    with C(PasswordResetRequired=true) so the user must change it at first sign-in.
  - A generated password never appears in the task result, diff or logs. The module's action plugin, on the
    controller, stores it in the Ansible Vault encrypted O(secrets_file) B(before) the login profile is created with it.
    Without a vault secret (C(--vault-id) or C(--vault-password-file)) and O(secrets_file), the module stops before
    creating anything that yields a password.
  - A user who changed the initial password at first sign-in (IAM then reports C(PasswordResetRequired=false)) is not
    a change and not drift.
  - O(state=absent) removes the user cleanly, with its login profile, group memberships, MFA devices (deactivated;
    virtual ones deleted), access keys, attached and inline policies, signing certificates, SSH keys and
    service-specific credentials, so the user can be re-created.
  - Steady state costs three IAM reads (GetUser, ListGroupsForUser, GetLoginProfile).
author:
  - accountguard.aws maintainers (@accountguard)
options:
  name:
    description: Name of the IAM user.
    type: str
    required: true
    aliases: [user_name]
  state:
    description: Whether the user should exist.
    type: str
    choices: [present, absent]
    default: present
  path:
    description: IAM path of the user; begins and ends with C(/).
    type: str
    default: /
  groups:
    description:
      - Groups the user must be a member of. They must already exist (a missing group is an error and nothing is changed).
    type: list
    elements: str
    default: [Administrators]
  planned_groups:
    description:
      - In check mode, groups that an earlier task of the same run would create (for example the admin group of a new
        account); they count as existing. Outside check mode every group in O(groups) must exist.
    type: list
    elements: str
    default: []
  purge_groups:
    description: Remove the user from groups not listed in O(groups).
    type: bool
    default: false
  tags:
    description: Tags the user must have.
    type: dict
  purge_tags:
    description:
      - Remove tags not listed in O(tags) (tags whose keys start with C(aws:) are never removed).
      - Without O(tags) the user's tags are left as they are, whatever O(purge_tags) says (as in amazon.aws).
    type: bool
    default: false
  permissions_boundary:
    description:
      - ARN of a managed policy to set as the user's permissions boundary. An empty string removes the boundary;
        omitted leaves it as it is.
    type: str
  console_access:
    description: Whether the user has a console login profile (password sign-in).
    type: bool
    default: true
  password:
    description:
      - Initial password to set instead of a generated one. Must satisfy the account password policy.
    type: str
  update_password:
    description:
      - V(on_create) sets a password only when the login profile is created; an existing password is never reset.
      - V(always) resets the password on every run (to O(password), or to a newly generated and stored one).
    type: str
    choices: [on_create, always]
    default: on_create
  password_reset_required:
    description: Whether the user must change the password at the next sign-in, when the module sets one.
    type: bool
    default: true
  min_password_length:
    description:
      - Length of generated passwords when the account password policy asks for less (it is raised to the policy's
        minimum otherwise).
    type: int
    default: 20
  forget_secrets:
    description:
      - With O(state=absent), delete O(secrets_file) once the user is removed (or found absent), because its password and MFA seed
        are of no use to anyone any more. Check mode deletes nothing.
    type: bool
    default: false
  password_stored:
    description:
      - Internal, set by the action plugin for the call that applies a password it generated and stored in O(secrets_file);
        do not set it. When the login profile exists by then (another hand created it), the task fails and the password
        is taken out of the file.
    type: bool
    default: false
  report_access_keys:
    description:
      - Also return the number of the user's active access keys (RV(user.access_keys_active)), at the cost of one
        C(iam:ListAccessKeys) call. The baseline asks for it for admins without MFA, which are a finding unless they
        have no credential at all.
    type: bool
    default: false
  account_alias:
    description:
      - The account's alias (see M(accountguard.aws.account_alias)). The sign-in URL returned and stored in
        O(secrets_file) is then C(https://<alias>.signin.aws.amazon.com/console) instead of the one with the account id.
        A secrets file that holds the other form is brought to this one (its other values are left as they are).
      - Not checked against IAM (no call is made for it); the baseline passes the alias it has just ensured.
    type: str
extends_documentation_fragment:
  - accountguard.aws.attributes
  - accountguard.aws.attributes.secrets
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    details:
      - Makes no mutating AWS call, needs no vault secret, and reports what a real run would change.
  diff_mode:
    details:
      - Shows the user, path, tags, boundary, groups and console access before and after; never a password.
notes:
  - "Run with C(connection: local); the secrets file is written on the controller."
"""

EXAMPLES = r"""
- name: Admin user with console access; the generated password goes to a vaulted file
  accountguard.aws.iam_admin_user:
    name: alice
    groups: [Administrators]
    tags:
      owner: platform-team
    secrets_file: "secrets/{{ aws_account_id }}/alice.yml"

- name: Break-glass user without console access
  accountguard.aws.iam_admin_user:
    name: breakglass
    console_access: false

- name: Remove a user and everything attached to it
  accountguard.aws.iam_admin_user:
    name: bob
    state: absent
"""

RETURN = r"""
created:
  description: Whether the user did not exist before this run (in check mode, whether it would be created).
  returned: when O(state=present)
  type: bool
  sample: true
user:
  description: The user as it is after the run (as it would be, in check mode). Never holds a password.
  returned: always
  type: dict
  contains:
    user_name:
      description: User name.
      type: str
      sample: alice
    arn:
      description: ARN of the user (absent in check mode before creation).
      type: str
      returned: when the user exists
      sample: arn:aws:iam::123456789012:user/alice
    user_id:
      description: Unique ID of the user.
      type: str
      returned: when the user exists
    create_date:
      description: When the user was created.
      type: str
      returned: when the user exists
    path:
      description: IAM path.
      type: str
      sample: /
    tags:
      description: Tags of the user.
      type: dict
    permissions_boundary:
      description: ARN of the permissions boundary, or null.
      type: str
    groups:
      description: Groups the user belongs to.
      type: list
      elements: str
    console_access:
      description: Whether the user has a login profile.
      type: bool
    access_keys_active:
      description: The number of the user's active access keys (0 for a user this run would create).
      type: int
      returned: when O(report_access_keys=true)
    login_profile:
      description: Login profile details, when there is one.
      type: dict
      returned: when the user has console access
      contains:
        password_reset_required:
          description: Whether IAM still requires a password change at next sign-in.
          type: bool
        create_date:
          description: When the login profile was created.
          type: str
account_id:
  description: The AWS account of the user.
  returned: when the user exists
  type: str
  sample: "123456789012"
sign_in_url:
  description: Console sign-in URL of the account (with O(account_alias), by the alias).
  returned: when the user exists
  type: str
  sample: https://123456789012.signin.aws.amazon.com/console
secrets_stored:
  description: Which secrets were written to O(secrets_file) in this run (names only, never values).
  returned: when a secret was stored
  type: list
  elements: str
  sample: [password]
secrets_file:
  description: Path of the secrets file written in this run.
  returned: when a secret was stored
  type: str
secrets_removed:
  description: Whether O(secrets_file) was deleted (O(state=absent) with O(forget_secrets=true)).
  returned: when the file was deleted
  type: bool
"""

from ansible_collections.accountguard.aws.plugins.module_utils import _admin_user
from ansible_collections.accountguard.aws.plugins.module_utils._runner import run_module


def main():
    run_module(_admin_user)


if __name__ == "__main__":
    main()
