#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_root_access
version_added: 1.0.0
short_description: Enable or disable centralized root access for an AWS organization's member accounts
description:
  - Ensures IAM's two organization features of centralized root access, read with C(ListOrganizationsFeatures).
    V(RootCredentialsManagement) lets the management account (or IAM's delegated administrator) delete and audit the
    root user credentials of member accounts, which M(accountguard.aws.iam_root_credentials) does.
    V(RootSessions) lets it perform privileged root tasks in member accounts (for example unlocking an S3 bucket
    policy).
  - Run it with a connection to the organization's B(management account). IAM's delegated administrator can list and
    disable the features, but only the management account can enable them.
  - Both features need trusted access for IAM (C(iam.amazonaws.com)) in AWS Organizations. With
    O(enable_trusted_access) (the default) the module enables it first when it is off, as the IAM console does.
  - O(state=present) enables the features in O(features) and leaves the others as they are. O(state=absent) disables
    them.
  - The steady state costs one IAM read and reports no change.
author:
  - accountguard.aws maintainers (@accountguard)
options:
  state:
    description: Whether the features in O(features) should be enabled or disabled.
    type: str
    choices: [present, absent]
    default: present
  features:
    description: The organization features to enable or disable.
    type: list
    elements: str
    choices: [RootCredentialsManagement, RootSessions]
    default: [RootCredentialsManagement, RootSessions]
  enable_trusted_access:
    description:
      - With O(state=present), enable trusted access for IAM in AWS Organizations when it is off
        (C(organizations:EnableAWSServiceAccess) for C(iam.amazonaws.com)). Only the management account can do that.
      - When false and trusted access is off, the module fails and changes nothing.
    type: bool
    default: true
extends_documentation_fragment:
  - accountguard.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    details:
      - Makes no mutating AWS call. It reads C(ListOrganizationsFeatures), plus C(DescribeOrganization) and
        C(GetCallerIdentity) while trusted access is off, and reports what a real run would change.
  diff_mode:
    details:
      - Shows trusted access and the enabled features before and after.
notes:
  - >-
    IAM permissions: C(iam:ListOrganizationsFeatures); to enable, C(iam:EnableOrganizationsRootCredentialsManagement)
    and C(iam:EnableOrganizationsRootSessions); to disable, C(iam:DisableOrganizationsRootCredentialsManagement) and
    C(iam:DisableOrganizationsRootSessions). While trusted access for IAM is off, C(organizations:DescribeOrganization)
    and C(organizations:EnableAWSServiceAccess) are also needed.
  - AWS calls per run. Steady state 1 (ListOrganizationsFeatures). Enabling both features 3. Enabling trusted access
    as well 6.
  - Errors are explained and name what to do. They cover an account outside any organization, an organization without
    all features, a connection that is not the management account (or delegated administrator), and a delegated
    administrator that tries to enable. Nothing is changed then.
seealso:
  - module: accountguard.aws.iam_root_credentials
  - name: Centralize root access for member accounts
    description: AWS's description of the two features and their prerequisites.
    link: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html
"""

EXAMPLES = r"""
- name: Centralized root access for the whole organization (from the management account)
  accountguard.aws.iam_root_access:
    features: [RootCredentialsManagement, RootSessions]

- name: Only root credentials management, and fail if trusted access for IAM is off
  accountguard.aws.iam_root_access:
    features: [RootCredentialsManagement]
    enable_trusted_access: false

- name: Turn privileged root sessions off again
  accountguard.aws.iam_root_access:
    features: [RootSessions]
    state: absent
"""

RETURN = r"""
organization_id:
  description: The organization's id.
  returned: always
  type: str
  sample: o-a1b2c3d4e5
trusted_access:
  description: Whether trusted access for IAM is enabled in AWS Organizations after the run (in check mode, as it would be).
  returned: always
  type: bool
  sample: true
enabled_features:
  description: The organization features enabled after the run (in check mode, as they would be).
  returned: always
  type: list
  elements: str
  sample: [RootCredentialsManagement, RootSessions]
"""

from ansible_collections.accountguard.aws.plugins.module_utils import _root_access
from ansible_collections.accountguard.aws.plugins.module_utils._runner import run_module


def main():
    run_module(_root_access)


if __name__ == "__main__":
    main()
