#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: baseline
short_description: The secure start of one AWS account in one task, or in check mode the proof that it stayed there
version_added: 1.0.0
description:
  - Brings one account to the baseline, in the order of the manual procedure. Connect (STS C(AssumeRole) into
    O(assume_role_arn), with M(accountguard.aws.account_session)); read the root user (M(accountguard.aws.root_mfa_facts))
    and, with O(root_credentials=remove), delete its credentials centrally (M(accountguard.aws.iam_root_credentials));
    with O(root_mfa=require), stop when root has credentials but no MFA; with O(account_alias), the account alias
    (M(accountguard.aws.account_alias)); the admin group with its policies
    (M(accountguard.aws.iam_admin_group)); the account password policy (M(accountguard.aws.iam_password_policy), with
    O(password_policy)); each admin user with console access and a password to change at first sign-in
    (M(accountguard.aws.iam_admin_user)); each user's virtual MFA device (M(accountguard.aws.iam_virtual_mfa)); with
    O(budget), the cost budget (M(accountguard.aws.budget)).
  - Each step is a run of that module, with the same arguments, checks, results, diffs and errors; secrets are stored in
    Ansible Vault before they are used, exactly as with those modules' tasks. Steps get the account's session; with
    C(--check) nothing is changed and every pending change is reported.
  - It is one task instead of one per step because every task costs Ansible a worker process and templating per account,
    which for a nightly scan of a whole organization is most of the cost. The role P(accountguard.aws.account_baseline#role)
    runs it; use the single modules to build a procedure of your own.
  - Input that needs no AWS call to be found wrong (user names, paths, tags, policy ARNs, repeated users) stops the account
    before its first AWS call. A failing step stops the account; the other users of a failing user step are still done.
  - Returns the account's summary as the fact C(account_baseline_result) (see the role's README), the root facts as
    C(root_mfa), and every step's result in RV(steps). Nothing it returns holds a secret.
options:
  assume_role_arn:
    description:
      - The role to assume in the account before anything else, for example C(arn:aws:iam::<account id>:role/OrganizationAccountAccessRole).
      - Omitted, every step works with the task's own connection.
    type: str
  assume_role_session_name:
    description: The AssumeRole session name (CloudTrail).
    type: str
    default: accountguard-baseline
  assume_role_duration:
    description: The lifetime of the session, in seconds.
    type: int
    default: 3600
  account_id:
    description: The 12-digit id of the account; root facts fail if the credentials turn out to belong to another account.
    type: str
  root_mfa:
    description:
      - A root user with credentials but no MFA. V(require) stops the account before anything changes in it; V(warn)
        reports it in the summary; V(ignore).
    type: str
    choices: [require, warn, ignore]
    default: warn
  root_mfa_type:
    description:
      - The kind of MFA the root user must have. With V(hardware) (CIS AWS Foundations, hardware MFA for the root user), a
        virtual root MFA device is drift in the summary and the drift report, which only the root user can repair.
    type: str
    choices: [any, hardware]
    default: any
  root_credentials:
    description:
      - What to do with the root user's credentials (password, access keys, signing certificates, MFA devices).
      - With V(keep), they are only read and reported. Only the root user can secure them.
      - With V(remove), a member account whose root user has credentials gets them deleted centrally by
        M(accountguard.aws.iam_root_credentials). The root user is then read again, and has no credentials.
        The C(sts:AssumeRoot) call uses the operator's connection (the connection options of this task), which must be
        the organization's management account or IAM's delegated administrator. It does not use the account's role
        (O(assume_role_arn)), which cannot call AssumeRoot. O(root_access_role_arn) can name a role to assume
        first. The organization needs the feature V(RootCredentialsManagement) (M(accountguard.aws.iam_root_access)).
        The organization's management account itself keeps its root credentials, which only its root user can secure.
      - In check mode, V(remove) lists what a real run would delete, through the read-only task policy, and the root
        items of the summary and drift report are repairable.
    type: str
    choices: [keep, remove]
    default: keep
  root_access_role_arn:
    description:
      - With O(root_credentials=remove), a role to assume from the operator's connection for C(sts:AssumeRoot), for
        example in the account that is IAM's delegated administrator. Unset, the operator's connection calls AssumeRoot
        itself.
    type: str
  password_policy:
    description:
      - The account password policy, as the options of M(accountguard.aws.iam_password_policy) (a dict of them), set
        before the users so the passwords this run generates meet it. Omitted or null, the account's policy is left
        alone and not reported.
    type: dict
  allow_admin_without_mfa:
    description:
      - An admin user with O(admin_users[].mfa=false) is administrator access without MFA, a finding (drift that a run
        cannot repair). V(credentialless) accepts it for a user that has neither a console password nor an active access
        key (nobody can sign in or call AWS as that user until someone gives it a credential, and then it is a finding
        again); V(never) accepts it for no user.
    type: str
    choices: [never, credentialless]
    default: never
  admin_group:
    description: The admin group.
    type: str
    default: Administrators
  admin_group_path:
    description: The admin group's IAM path.
    type: str
    default: /
  admin_group_policies:
    description: The managed policies (ARNs) attached to the admin group.
    type: list
    elements: str
    default: [arn:aws:iam::aws:policy/AdministratorAccess]
  admin_group_exclusive_policies:
    description: Detach policies of the admin group not listed in O(admin_group_policies).
    type: bool
    default: false
  admin_users:
    description: The IAM administrator users the account must have.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: IAM user name.
        type: str
        required: true
      state:
        description: V(absent) removes the user with everything attached to it.
        type: str
        choices: [present, absent]
        default: present
      path:
        description: IAM path of the user; defaults to O(user_path).
        type: str
      tags:
        description: Tags of the user, on top of O(user_tags).
        type: dict
        default: {}
      console_access:
        description: Console sign-in with a generated password that must be changed at first sign-in.
        type: bool
        default: true
      mfa:
        description: Give the user an enabled virtual MFA device; V(false) leaves the user's devices alone.
        type: bool
        default: true
      groups:
        description: Further groups of the user (they must exist).
        type: list
        elements: str
        default: []
      permissions_boundary:
        description: ARN of a managed policy to set as the user's permissions boundary.
        type: str
  user_path:
    description: IAM path of users without a path of their own.
    type: str
    default: /
  user_tags:
    description: Tags of every admin user.
    type: dict
    default: {managed-by: accountguard}
  exclusive_tags:
    description: Remove tags of the users the baseline does not set.
    type: bool
    default: false
  exclusive_groups:
    description: Remove the users from groups the baseline does not list.
    type: bool
    default: false
  min_password_length:
    description: Length of generated passwords (raised to the account password policy's minimum).
    type: int
    default: 20
  forget_removed_users:
    description: Delete the secrets file of a user with O(admin_users[].state=absent) once the user is removed.
    type: bool
    default: true
  secrets_dir:
    description:
      - Controller folder of the Ansible Vault files of the users' secrets, C(<secrets_dir>/<account id>/<user name>.yml).
      - Required when a user has console access or MFA. A folder inside a collection folder is refused (an upgrade or
        reinstall would delete it). Folders are created with mode 0700.
      - Before the first change in the account, every user's file is checked to be that user's in this account, and the run
        to be able to store new ones there with the folder's vault identity (not in check mode, which needs no vault).
      - A real run holds the account's folder (a lock released when the run ends, even killed) from the first read of a
        user's file to its last write; another run waits for it (C(ACCOUNTGUARD_SECRETS_LOCK_TIMEOUT), 600 seconds by
        default), then gives up on that user with a clear message.
    type: path
  same_account_hosts:
    description:
      - The inventory hosts that name this account, this one included; more than one stops the account before any AWS call
        (two hosts would run the baseline of one account twice, at once). The role fills it in.
    type: list
    elements: str
    default: []
  account_alias:
    description:
      - The account's alias (M(accountguard.aws.account_alias)), set before the admin group and the users as the
        account's first write, so that an alias another AWS account holds stops the account before anything else is
        changed; the users' sign-in URL (returned and in their secrets files) is then
        C(https://<alias>.signin.aws.amazon.com/console). Not set, the account's alias is left alone and out of the
        drift report.
    type: str
  budget:
    description:
      - The account's cost budget, as the options of M(accountguard.aws.budget) (C(name) defaults to
        V(accountguard-cost); C(account_id) is the account's), ensured last. Checked before the account's first AWS
        call. Not set, the account's budgets are left alone and out of the drift report.
    type: dict
extends_documentation_fragment:
  - accountguard.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  action:
    details:
      - The procedure always runs in the action plugin on the controller (it keeps secrets in the play's vault). Each
        step runs in Ansible's worker there, or as that module's process where the task runs elsewhere.
  check_mode:
    details:
      - Makes no mutating AWS call, needs no vault secret, and reports each pending change once.
  diff_mode:
    details:
      - One diff per changed step, headed with the step and the user; never a password, seed or code.
notes:
  - Needs the IAM permissions of the modules it runs, and C(sts:AssumeRole) with O(assume_role_arn).
  - A converged account costs 4 AWS calls (AssumeRole, GetAccountSummary, GetGroup, ListAttachedGroupPolicies), one
    more with O(password_policy) (GetAccountPasswordPolicy), and 4 per admin user (GetUser, ListGroupsForUser,
    GetLoginProfile, ListMFADevices; ListAccessKeys instead of ListMFADevices for a user with O(admin_users[].mfa=false)).
seealso:
  - module: accountguard.aws.account_session
  - module: accountguard.aws.root_mfa_facts
  - module: accountguard.aws.iam_password_policy
  - module: accountguard.aws.iam_admin_group
  - module: accountguard.aws.iam_admin_user
  - module: accountguard.aws.iam_virtual_mfa
author:
  - accountguard.aws maintainers (@accountguard)
"""

EXAMPLES = r"""
# Run with --vault-id (or --vault-password-file); with --check --diff it is the drift scan (no vault needed).
- name: Baseline of the account
  accountguard.aws.baseline:
    assume_role_arn: "arn:aws:iam::{{ aws_account_id }}:role/OrganizationAccountAccessRole"
    account_id: "{{ aws_account_id }}"
    admin_users:
      - name: alice
      - name: breakglass
        console_access: false
        mfa: false
    secrets_dir: /srv/accountguard/secrets
"""

RETURN = r"""
account_id:
  description: The account's id.
  returned: always
  type: str
  sample: "123456789012"
summary:
  description: The account's summary, also set as the fact C(account_baseline_result) (see the role's README).
  returned: always
  type: dict
steps:
  description:
    - Each step that ran, in order, with the result its module's task would have returned (without any credential).
    - C(step) is V(connect), V(root), V(group), V(password_policy), V(users) or V(mfa); C(task) its title; C(module) the module's name;
      C(user) the user of a user or MFA step; C(failed); C(result).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.accountguard.aws.plugins.module_utils import _baseline


def main():
    # The procedure needs the controller (the play's vault for the users' secrets): the action plugin runs it,
    # and this module process only says so.
    module = AnsibleAWSModule(argument_spec=_baseline.ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg="accountguard.aws.baseline runs in its action plugin on the controller, not as a module process")


if __name__ == "__main__":
    main()
