#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: handover
version_added: 1.0.0
short_description: Write the one-time hand-over sheet of a user (sign-in URL, password, MFA QR code) from the vault
description:
  - Writes what the AWS console shows only once when it creates a user, for the user's new owner, from the user's
    vaulted secrets file (C(<secrets_dir>/<account_id>/<user_name>.yml), as the baseline writes it) - the sign-in
    URL, the user name, the initial password, and the QR code of the virtual MFA device's otpauth URI, which an
    authenticator app scans instead of a 64-character seed typed in.
  - Two files, written atomically with mode 0600 into O(dest) (created with mode 0700), C(<user_name>.png), the QR
    code, and C(<user_name>.html), a self-contained page with all of it (the QR code inline as a C(data:) image).
    An existing O(dest) that others can read is refused. Files already holding the same content are left alone
    (no change).
  - The task result holds no secret (the files' paths, user, account, sign-in URL and a message saying that the
    files hold secrets). The QR code is shown in the terminal only when O(show_qr_for) names this user, and then on
    the screen only, never in Ansible's log file or the task result.
  - Runs on the controller only (an action plugin), which holds the vault secret; C(--vault-id) or
    C(--vault-password-file) must open the secrets file.
author:
  - accountguard.aws maintainers (@accountguard)
options:
  secrets_dir:
    description: The folder of the vaulted secrets files (the baseline's C(account_baseline_secrets_dir)).
    type: path
    required: true
  account_id:
    description: The user's account, 12 digits.
    type: str
    required: true
  user_name:
    description: The IAM user.
    type: str
    required: true
  dest:
    description:
      - The folder of the sheet. Not set, C(<secrets_dir>/handover/<account_id>).
    type: path
  show_qr_for:
    description:
      - Show the QR code in the terminal, only when this is O(user_name) (naming the user is the explicit request).
    type: str
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
    details: The work is done by the action plugin on the controller.
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: Reads the secrets file and writes nothing; says which files a real run would write.
  diff_mode:
    support: none
  platform:
    platforms: posix
  safe_file_operations:
    description: Writes its files atomically.
    support: full
    details: Each file is written to a temporary file of mode 0600 in its folder, then renamed.
  vault:
    description: Decrypts Ansible Vault files.
    support: full
    details: Decrypts the secrets file with the play's vault secrets.
notes:
  - Needs the Python library C(segno) on the controller (C(pip install segno)). No AWS call.
  - The initial password is valid until the user's first sign-in, where it must be changed.
"""

EXAMPLES = r"""
- name: The hand-over sheet of alice in account 123456789012, in the default folder
  accountguard.aws.handover:
    secrets_dir: "{{ playbook_dir }}/secrets"
    account_id: "123456789012"
    user_name: alice

- name: The same, into a folder of the operator's, with the QR code in the terminal
  accountguard.aws.handover:
    secrets_dir: "{{ playbook_dir }}/secrets"
    account_id: "123456789012"
    user_name: alice
    dest: ~/handover
    show_qr_for: alice
"""

RETURN = r"""
files:
  description: The files written (the HTML page, and the PNG when the user has an MFA device).
  returned: success
  type: list
  elements: str
  sample: [/home/ops/secrets/handover/123456789012/alice.html, /home/ops/secrets/handover/123456789012/alice.png]
sign_in_url:
  description: The sign-in URL of the secrets file (not a secret).
  returned: success
  type: str
  sample: https://acme-prod.signin.aws.amazon.com/console
qr_shown:
  description: Whether the QR code was shown in the terminal.
  returned: success
  type: bool
"""
