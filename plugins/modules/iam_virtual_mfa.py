#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_virtual_mfa
short_description: Give an IAM user an enabled virtual MFA device, its seed kept in Ansible Vault
version_added: 1.0.0
description:
  - Ensures an IAM user has an enabled MFA device. When the user has none, creates a virtual MFA device,
    has its TOTP seed stored, and enables it with two consecutive codes computed from the seed (the step the
    AWS console does with a phone and a QR code).
  - The module is normally driven through its action plugin, which runs on the controller. The action plugin
    stores the seed of a new device in the Ansible-Vault-encrypted O(secrets_file) (with the play's vault
    identity) B(before) the device is enabled, then calls the module again to enable it. The seed, the codes
    and the QR code never appear in the task result, in a diff, in warnings or in error messages.
  - Any enabled MFA device of the user (virtual, hardware TOTP token or FIDO security key) satisfies the module;
    it then makes a single AWS call and changes nothing.
  - A run interrupted after the device was created converges on the next run. An unassigned device named
    like ours whose seed is stored is enabled with the stored seed; one whose seed was lost cannot be used by
    anyone and is deleted and created again.
  - Without a vault secret (C(--vault-id) or C(--vault-password-file)) and O(secrets_file), the module fails
    before it creates anything that yields a secret. Check mode needs neither.
options:
  user_name:
    description:
      - The name of the IAM user. The user must exist.
    type: str
    required: true
  device_name:
    description:
      - The name of the virtual MFA device (IAM name rules, at most 226 characters).
      - Defaults to O(user_name).
    type: str
  path:
    description:
      - The IAM path of the virtual MFA device. It must begin and end with C(/).
    type: str
    default: /
  state:
    description:
      - V(present) makes sure the user has an enabled MFA device.
      - V(absent) deactivates and deletes every virtual MFA device of the user, and the unassigned device named
        O(device_name) at O(path) if there is one. Hardware and FIDO devices are left alone (with a warning).
      - V(absent) does not remove O(secrets_file).
    type: str
    choices: [present, absent]
    default: present
  seed:
    description:
      - The base32 seed of the unassigned device named O(device_name); when given, that device is enabled
        with two consecutive codes computed from it.
      - Set by the action plugin from O(secrets_file); giving it by hand is rarely needed.
      - IAM rejects the codes when the seed belongs to another device; the module then fails and changes nothing.
    type: str
  serial_number:
    description:
      - The serial number (ARN) of the device that O(seed) belongs to. It must be the device named O(device_name)
        at O(path).
      - Set by the action plugin when it calls the module again after storing a seed.
    type: str
  user_planned:
    description:
      - In check mode, V(true) says that an earlier task of the same run would create O(user_name) (for example
        M(accountguard.aws.iam_admin_user) reported RV(accountguard.aws.iam_admin_user#module:created)). The task then
        reports that it would create and enable a device, without asking IAM about a user that does not exist yet.
      - Ignored outside check mode.
    type: bool
    default: false
  stored_serial:
    description:
      - Internal, set by the action plugin from O(secrets_file); do not set it in a task.
      - The serial number of the device whose seed O(secrets_file) holds. An unassigned device with this serial
        is enabled with the stored seed rather than replaced (the module asks the action plugin for the seed).
    type: str
  tags:
    description:
      - Tags for a newly created virtual MFA device. Tags of an existing device are not changed.
    type: dict
  seed_stored:
    description:
      - Internal, set by the action plugin for the call that enables a device whose seed O(secrets_file) holds; do not
        set it. When another MFA device of the user is enabled by then, the unassigned device is deleted, its seed taken
        out of the file, and the task fails.
    type: bool
    default: false
extends_documentation_fragment:
  - accountguard.aws.attributes
  - accountguard.aws.attributes.secrets
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    details:
      - Makes no mutating AWS call and needs no vault secret. Reports what a real run would do
        (create and enable, enable an existing device, replace an orphaned device).
  diff_mode:
    details:
      - The diff names devices by serial number (or by path and name before they exist), never by seed or code.
notes:
  - Needs C(iam:ListMFADevices), C(iam:ListVirtualMFADevices), C(iam:CreateVirtualMFADevice),
    C(iam:EnableMFADevice), C(iam:DeleteVirtualMFADevice), C(iam:DeactivateMFADevice) (for V(absent)), and
    C(iam:TagMFADevice) when O(tags) are given.
  - AWS calls per run. Steady state (an MFA device is enabled) 1. A new device 5 (ListMFADevices,
    ListVirtualMFADevices, CreateVirtualMFADevice; after the seed is stored ListMFADevices, EnableMFADevice).
  - The codes are computed from this host's clock; a clock that is off by more than a minute or so makes IAM
    reject them.
seealso:
  - name: Using a virtual MFA device in AWS
    description: The console procedure this module automates.
    link: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html
  - module: accountguard.aws.iam_admin_user
author:
  - accountguard.aws maintainers (@accountguard)
"""

EXAMPLES = r"""
# Run with --vault-password-file (or --vault-id): the seed is stored encrypted with it.
- name: Give the admin user a virtual MFA device
  accountguard.aws.iam_virtual_mfa:
    user_name: alice
    secrets_file: "{{ playbook_dir }}/secrets/{{ account_id }}/alice-mfa.yml"

- name: Use a device name and path of your own, and tag the device
  accountguard.aws.iam_virtual_mfa:
    user_name: alice
    device_name: alice-phone
    path: /admins/
    secrets_file: "{{ playbook_dir }}/secrets/{{ account_id }}/alice-mfa.yml"
    tags:
      owner: platform-team

- name: Nightly drift scan (run the play with --check --diff; no vault secret needed)
  accountguard.aws.iam_virtual_mfa:
    user_name: alice
    secrets_file: "{{ playbook_dir }}/secrets/{{ account_id }}/alice-mfa.yml"
  check_mode: true

- name: Remove the user's virtual MFA devices
  accountguard.aws.iam_virtual_mfa:
    user_name: alice
    state: absent
"""

RETURN = r"""
user_name:
  description: The IAM user.
  returned: always
  type: str
  sample: alice
account_id:
  description: The 12-digit id of the account, taken from the device's ARN; V(null) when no device ARN is known.
  returned: always
  type: str
  sample: "123456789012"
serial_number:
  description:
    - The serial number of the user's MFA device (a virtual one when there are several), or of the device
      created or enabled; V(null) when there is none.
    - In check mode, before the device exists, V(null).
  returned: always
  type: str
  sample: arn:aws:iam::123456789012:mfa/alice
enabled:
  description: Whether the user has an enabled MFA device (after the run; in check mode, as it is now).
  returned: always
  type: bool
  sample: true
devices:
  description: The user's enabled MFA devices (for V(absent), those that remain).
  returned: always
  type: list
  elements: dict
  contains:
    serial_number:
      description: The serial number; an ARN for virtual and FIDO devices.
      type: str
      sample: arn:aws:iam::123456789012:mfa/alice
    enable_date:
      description: When the device was enabled (ISO 8601).
      type: str
      sample: "2024-05-01T09:30:00+00:00"
    type:
      description: The kind of device.
      type: str
      choices: [virtual, hardware, fido]
      sample: virtual
secrets_stored:
  description: Which secrets the action plugin stored in O(secrets_file) during this run.
  returned: when a seed was stored
  type: list
  elements: str
  sample: [seed]
secrets_file:
  description: The secrets file written during this run.
  returned: when a seed was stored
  type: str
  sample: /home/ops/secrets/123456789012/alice-mfa.yml
diff:
  description: With C(--diff), the user's MFA devices before and after (serial numbers only).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: C(user_name), C(mfa_devices) (list of serial numbers), C(enabled).
      type: dict
      sample: {"user_name": "alice", "mfa_devices": [], "enabled": false}
    after:
      description: The same keys after the run.
      type: dict
      sample: {"user_name": "alice", "mfa_devices": ["arn:aws:iam::123456789012:mfa/alice"], "enabled": true}
"""

from ansible_collections.accountguard.aws.plugins.module_utils import _mfa
from ansible_collections.accountguard.aws.plugins.module_utils._runner import run_module


def main():
    run_module(_mfa)


if __name__ == "__main__":
    main()
