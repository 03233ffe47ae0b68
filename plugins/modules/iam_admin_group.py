#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_admin_group
version_added: 1.0.0
short_description: Ensure the IAM group that grants admin rights, with its managed policies
description:
  - Ensures an IAM group exists at the given path with the given managed policies attached (admin rights come
    through this group, not through policies attached to users).
  - Every policy to attach is checked with IAM (C(GetPolicy)) B(before) any change, so an unknown policy ARN is an
    error that names the group and the policy, and nothing is created, attached or detached.
  - Only policies that are not attached yet are checked, so the steady state costs two IAM reads
    (C(GetGroup), C(ListAttachedGroupPolicies)).
  - A group at another path is moved with C(UpdateGroup) in place; it keeps its ID, members and policies, but its
    ARN (which holds the path) changes.
  - O(state=absent) detaches the managed policies, removes the members (the users themselves stay), deletes the
    inline policies and then deletes the group, as IAM requires.
author:
  - accountguard.aws maintainers (@accountguard)
options:
  name:
    description: Name of the IAM group.
    type: str
    required: true
    aliases: [group_name]
  state:
    description: Whether the group should exist.
    type: str
    choices: [present, absent]
    default: present
  path:
    description:
      - IAM path of the group; begins and ends with C(/).
      - An existing group at another path is moved to this one (its ARN changes).
    type: str
    default: /
  managed_policies:
    description:
      - ARNs of the managed policies the group must have attached, for example
        C(arn:aws:iam::aws:policy/AdministratorAccess) or C(arn:aws:iam::123456789012:policy/MyPolicy).
      - Policy names are rejected, with an error naming them and nothing changed; resolving a name would mean
        listing every policy of the account on every run.
      - Each policy must exist (checked before any change).
    type: list
    elements: str
    default: []
  purge_policies:
    description: Detach managed policies not listed in O(managed_policies).
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
      - Makes no mutating AWS call and reports what a real run would change.
  diff_mode:
    details:
      - Shows the group name, path and attached managed policies (sorted) before and after.
notes:
  - Inline policies and members are not managed (except that O(state=absent) removes them so the group can be deleted).
"""

EXAMPLES = r"""
- name: Admin group with AdministratorAccess and nothing else
  accountguard.aws.iam_admin_group:
    name: Administrators
    managed_policies:
      - arn:aws:iam::aws:policy/AdministratorAccess
    purge_policies: true

- name: Nightly drift scan of the admin group (run the play with --check --diff)
  accountguard.aws.iam_admin_group:
    name: Administrators
    path: /admins/
    managed_policies:
      - arn:aws:iam::aws:policy/AdministratorAccess
  check_mode: true

- name: Remove a group, its policy attachments and memberships
  accountguard.aws.iam_admin_group:
    name: OldAdmins
    state: absent
"""

RETURN = r"""
created:
  description: Whether the group did not exist before this run (in check mode, whether it would be created).
  returned: when O(state=present)
  type: bool
  sample: true
group:
  description: The group as it is after the run (as it would be, in check mode); empty when O(state=absent).
  returned: always
  type: dict
  contains:
    group_name:
      description: Group name.
      type: str
      sample: Administrators
    arn:
      description: ARN of the group (absent in check mode before creation).
      type: str
      returned: when the group exists
      sample: arn:aws:iam::123456789012:group/Administrators
    group_id:
      description: Unique ID of the group.
      type: str
      returned: when the group exists
      sample: AGPA0123456789EXAMPLE
    create_date:
      description: When the group was created.
      type: str
      returned: when the group exists
    path:
      description: IAM path.
      type: str
      sample: /
    managed_policies:
      description: ARNs of the attached managed policies, sorted.
      type: list
      elements: str
      sample: [arn:aws:iam::aws:policy/AdministratorAccess]
"""

from ansible_collections.accountguard.aws.plugins.module_utils import _admin_group
from ansible_collections.accountguard.aws.plugins.module_utils._runner import run_module


def main():
    run_module(_admin_group)


if __name__ == "__main__":
    main()
