#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_root_credentials
version_added: 1.0.0
short_description: Delete a member account's root user credentials centrally (sts:AssumeRoot)
description:
  - Deletes the root user credentials of one member account of an AWS organization. These are its password, access
    keys, signing certificates and MFA devices. The API cannot enable MFA for a root user, but it can do this.
    A root user without credentials cannot sign in, and the CIS AWS Foundations Benchmark counts it as compliant
    without root MFA. M(accountguard.aws.root_mfa_facts) then reports V(credentials_present=false).
  - Run it with a connection to the organization's B(management account), or to IAM's delegated administrator. Do not
    use the member account's own connection. The module calls C(sts:AssumeRoot) for O(account_id) with the task
    policy C(IAMDeleteRootUserCredentials). That root session lasts at most 15 minutes, and the task policy limits it
    to reading and deleting the root user's credentials.
  - In check mode, and with O(audit_only), the session uses the task policy C(IAMAuditRootUserCredentials). It can
    only read, so no call that deletes anything can succeed. The module lists what a real run would delete.
  - The organization feature V(RootCredentialsManagement) must be enabled (M(accountguard.aws.iam_root_access)).
  - The management account is refused before any call, because AssumeRoot works only for member accounts.
  - A credential that is already gone counts as deleted. Two runs at once, or a run after an interrupted one, reach
    the same end state.
author:
  - accountguard.aws maintainers (@accountguard)
options:
  account_id:
    description: The member account whose root user credentials are deleted (12 digits).
    type: str
    required: true
  credentials:
    description:
      - The kinds of root credentials to delete. MFA devices are deactivated, and virtual ones are then deleted.
      - The default deletes them all, which is what AWS's console does with "Delete root user credentials".
    type: list
    elements: str
    choices: [password, access_keys, signing_certificates, mfa_devices]
    default: [password, access_keys, signing_certificates, mfa_devices]
  audit_only:
    description: Only report the root user's credentials (task policy C(IAMAuditRootUserCredentials)), never delete them.
    type: bool
    default: false
  duration_seconds:
    description: How long the root session may last, from 1 to 900 seconds.
    type: int
    default: 900
  skip_management_account:
    description:
      - When O(account_id) is the organization's management account, report that and change nothing instead of
        failing. M(accountguard.aws.baseline) sets this, because the management account is a host of an
        organization-wide inventory too.
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
      - Makes no mutating AWS call. The root session's task policy is the audit one, which allows only reads. The module
        reports what a real run would delete.
  diff_mode:
    details:
      - Shows the root user's credentials before and after. Access key ids, certificate ids and MFA serial numbers name
        credentials but are not secrets.
notes:
  - >-
    IAM permissions of the connection: C(sts:AssumeRoot) on C(arn:aws:iam::<account_id>:root),
    C(organizations:DescribeOrganization) and, from the management account, C(organizations:DescribeAccount). When AssumeRoot is denied,
    C(iam:ListOrganizationsFeatures) is read to tell whether the feature is off. The root session itself needs nothing
    more, because its task policy grants what it does.
  - >-
    AWS calls per run. Reads are DescribeOrganization, GetCallerIdentity, DescribeAccount (from the management account),
    AssumeRoot, GetLoginProfile, ListAccessKeys,
    ListSigningCertificates and ListMFADevices. Deleting adds one call per credential (DeleteLoginProfile,
    DeleteAccessKey, DeleteSigningCertificate, DeactivateMFADevice, then DeleteVirtualMFADevice for a virtual device).
  - >-
    Each error names the account and changes nothing. This covers the management account itself, an account outside
    the organization, a connection in no organization, RootCredentialsManagement not enabled, and AssumeRoot denied.
  - >-
    The root session's keys are used inside this run only. They are never returned or logged.
seealso:
  - module: accountguard.aws.iam_root_access
  - module: accountguard.aws.root_mfa_facts
  - name: Perform a privileged task on an AWS Organizations member account
    description: AssumeRoot, its task policies, and what a root session may do.
    link: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
"""

EXAMPLES = r"""
- name: Delete the root credentials of a member account (connection of the management account)
  accountguard.aws.iam_root_credentials:
    account_id: "210987654321"

- name: Audit them only
  accountguard.aws.iam_root_credentials:
    account_id: "210987654321"
    audit_only: true
  register: root

- name: Delete only the root user's access keys
  accountguard.aws.iam_root_credentials:
    account_id: "210987654321"
    credentials: [access_keys]
"""

RETURN = r"""
account_id:
  description: The member account.
  returned: success
  type: str
  sample: "210987654321"
organization_id:
  description: The organization of the connection's account.
  returned: success
  type: str
  sample: o-a1b2c3d4e5
management_account:
  description: Whether O(account_id) is the organization's management account (then nothing else is returned).
  returned: success
  type: bool
  sample: false
credentials:
  description: The root user's credentials before the run.
  returned: success, except for the management account
  type: dict
  contains:
    password:
      description: Whether the root user had a password (a login profile).
      type: bool
    access_keys:
      description: The ids of its access keys.
      type: list
      elements: str
    signing_certificates:
      description: The ids of its signing certificates.
      type: list
      elements: str
    mfa_devices:
      description: The serial numbers of its MFA devices.
      type: list
      elements: str
  sample: {"password": true, "access_keys": ["AKIAIOSFODNN7EXAMPLE"], "signing_certificates": [], "mfa_devices": []}
deleted:
  description: What the run deleted (in check mode, what it would delete), in the shape of RV(credentials).
  returned: success, except for the management account
  type: dict
remaining:
  description: The root user's credentials after the run (in check mode, as they would be), in the shape of RV(credentials).
  returned: success, except for the management account
  type: dict
"""

from ansible_collections.accountguard.aws.plugins.module_utils import _root_credentials
from ansible_collections.accountguard.aws.plugins.module_utils._runner import run_module


def main():
    run_module(_root_credentials)


if __name__ == "__main__":
    main()
