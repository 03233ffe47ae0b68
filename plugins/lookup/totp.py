# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: totp
short_description: The current MFA code of a virtual MFA device whose seed is kept in Ansible Vault
version_added: 1.0.0
description:
  - Reads a secrets file written by M(accountguard.aws.iam_virtual_mfa) (an Ansible Vault file on the controller)
    and returns the current six-digit TOTP code (RFC 6238, SHA1, 30-second steps) of the MFA seed stored in it,
    as a string, one per file.
  - Made for O(amazon.aws.sts_assume_role#module:mfa_token), so that a pipeline can assume a role as an IAM user
    whose virtual MFA device was enabled by this collection, without a person typing the code.
  - The file is decrypted with the play's vault secrets (C(--vault-id) or C(--vault-password-file)); the seed
    stays on the controller and is never returned.
  - With O(output) the lookup returns a non-secret value of the same file instead of a code, such as the
    device's serial number for O(amazon.aws.sts_assume_role#module:mfa_serial_number).
options:
  _terms:
    description:
      - Paths of secrets files, such as C(<secrets_dir>/<account_id>/<user_name>.yml).
      - A relative path is searched the way file lookups such as P(ansible.builtin.file#lookup) search it (the
        C(files/) folder and the folder of the current role or task file, then of the playbook); an absolute
        path or one starting with C(~) is used as it is.
    type: list
    elements: str
    required: true
  output:
    description:
      - What to return for each file.
      - V(code) is the TOTP code of the seed (see O(key), O(step_offset) and O(min_validity)).
      - The other choices return the value of that key of the file, as written by
        M(accountguard.aws.iam_admin_user) and M(accountguard.aws.iam_virtual_mfa). These are not secret.
        The password, the seed and the C(otpauth://) URI cannot be returned by this lookup.
    type: str
    choices: [code, serial_number, user_name, account_id, sign_in_url]
    default: code
  key:
    description:
      - The key of the secrets file that holds the base32 seed.
      - Its value is only used to compute the code and is never returned.
    type: str
    default: seed
  step_offset:
    description:
      - Which 30-second window's code to return, relative to the current one.
      - V(1) returns the next window's code. AWS accepts each code only once, so use V(1) when the current code
        was just used, for example by another task or by enabling the device a moment ago. AWS also accepts
        the codes of the previous and the next window, to allow for clock drift; codes further away are
        rejected.
    type: int
    default: 0
  min_validity:
    description:
      - The number of seconds the current window must still last. When less is left, the lookup waits for the
        next window first, so that the code does not expire between the lookup and the AWS call.
      - Between V(0) (never wait) and V(29). The wait is at most this long.
    type: int
    default: 3
notes:
  - The code is a credential for about 30 seconds. The option O(amazon.aws.sts_assume_role#module:mfa_token) is
    C(no_log), so the code does not show in that task's output or logs.
    A task that shows the code anywhere else (C(ansible.builtin.debug), C(ansible.builtin.set_fact), a
    registered variable, a command line) needs the task keyword C(no_log) set to V(true).
  - Lookups run each time their template is evaluated; pass the lookup directly as the module argument rather
    than storing the code in a variable, so each call gets a fresh code.
  - The code is computed from the controller's clock; a clock that is off by more than about 30 seconds makes
    AWS reject it.
  - Errors name the file and the problem (file not found, no vault secret, wrong vault password, not a vault
    file, no such key, a seed that is not base32); they never contain the seed or a code.
  - Needs the C(cryptography) Python package on the controller (ansible-core requires it).
seealso:
  - module: accountguard.aws.iam_virtual_mfa
  - module: amazon.aws.sts_assume_role
  - name: Using MFA with AWS STS
    description: AssumeRole and GetSessionToken with an MFA code.
    link: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
  - ref: playbook_task_paths
    description: Search paths used for relative files.
author:
  - accountguard maintainers (@accountguard)
"""

EXAMPLES = r"""
# Run with --vault-password-file (or --vault-id): the same vault secret that stored the seed.
- name: Assume the admin role as the admin user, with its MFA code
  amazon.aws.sts_assume_role:
    access_key: "{{ admin_access_key }}"
    secret_key: "{{ admin_secret_key }}"
    role_arn: "arn:aws:iam::{{ account_id }}:role/Admin"
    role_session_name: pipeline
    mfa_serial_number: "{{ lookup('accountguard.aws.totp', secrets_file, output='serial_number') }}"
    mfa_token: "{{ lookup('accountguard.aws.totp', secrets_file) }}"
  vars:
    secrets_file: "{{ playbook_dir }}/secrets/{{ account_id }}/admin.yml"
  register: assumed
  no_log: true  # the result holds the session's credentials

# The device was enabled a moment ago with the current code: AWS accepts a code only once.
- name: Assume the role right after enabling the device
  amazon.aws.sts_assume_role:
    role_arn: "arn:aws:iam::{{ account_id }}:role/Admin"
    role_session_name: pipeline
    mfa_serial_number: "{{ lookup('accountguard.aws.totp', secrets_file, output='serial_number') }}"
    mfa_token: "{{ lookup('accountguard.aws.totp', secrets_file, step_offset=1) }}"
  vars:
    secrets_file: "secrets/{{ account_id }}/admin.yml"  # files/secrets/... or secrets/... next to the playbook
  register: assumed
  no_log: true

# A vault file of your own whose seed is under another key; never wait at the end of a window.
- name: Assume the deploy role as the CI user
  amazon.aws.sts_assume_role:
    role_arn: "arn:aws:iam::{{ account_id }}:role/Deploy"
    role_session_name: ci
    mfa_serial_number: "arn:aws:iam::{{ account_id }}:mfa/ci-user"
    mfa_token: "{{ lookup('accountguard.aws.totp', '/etc/ci/ci-user.vault.yml', key='mfa_seed', min_validity=0) }}"
  register: assumed
  no_log: true
"""

RETURN = r"""
_raw:
  description:
    - One string per file. With O(output=code) the six-digit code (leading zeros kept), which is a secret
      until its window has passed; otherwise the value of the key named by O(output).
  type: list
  elements: str
  sample:
    - "027468"
"""

import os
import time

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.accountguard.aws.plugins.module_utils import _totp
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFile
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFileError

display = Display()

LABEL = "lookup accountguard.aws.totp"
MAX_MIN_VALIDITY = _totp.STEP - 1


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        output = self.get_option("output")
        key = self.get_option("key")
        step_offset = self.get_option("step_offset")
        min_validity = self.get_option("min_validity")
        if not 0 <= min_validity <= MAX_MIN_VALIDITY:
            raise AnsibleLookupError(f"{LABEL}: min_validity must be between 0 and {MAX_MIN_VALIDITY} seconds, not {min_validity}")
        if output == "code" and _totp.CRYPTOGRAPHY_IMPORT_ERROR:
            raise AnsibleLookupError(f"{LABEL} needs the Python package 'cryptography' on the controller")

        stored = [(path, self._load(path)) for path in (self._find(variables or {}, term) for term in terms)]
        if output != "code":
            return [self._value(path, values, output) for path, values in stored]
        seeds = [(path, self._seed(path, values, key)) for path, values in stored]
        counter = self._counter(min_validity) + step_offset
        return [_totp.code_at(seed, counter * _totp.STEP) for path, seed in seeds]

    def _find(self, variables, term):
        if not isinstance(term, str) or not term:
            raise AnsibleLookupError(f"{LABEL}: each term must be the path of a secrets file, not {term!r}")
        path = self.find_file_in_search_path(variables, "files", term, ignore_missing=True)
        if not path:
            raise AnsibleLookupError(
                f"{LABEL}: the secrets file {term} was not found (a relative path is searched in the files/ folder and "
                "the folder of the role or task file, then of the playbook)"
            )
        return path

    def _load(self, path):
        store = SecretsFile(path, self._loader._vault.secrets, LABEL)
        if not os.path.isfile(path):
            raise AnsibleLookupError(f"{LABEL}: the secrets file {path} is not a file")
        try:
            return store.load()
        except SecretsFileError as e:
            raise AnsibleLookupError(e.message) from None

    @staticmethod
    def _value(path, values, name):
        value = values.get(name)
        if value is None or value == "":
            raise AnsibleLookupError(f"{LABEL}: the secrets file {path} has no '{name}'")
        return str(value)

    @staticmethod
    def _seed(path, values, key):
        if key not in values:
            raise AnsibleLookupError(
                f"{LABEL}: the secrets file {path} has no '{key}' key (no virtual MFA device seed was stored in it; "
                f"its keys are: {', '.join(sorted(str(k) for k in values)) or 'none'})"
            )
        seed = values[key]
        try:
            _totp.decode_seed(seed)
        except _totp.SeedError as e:
            raise AnsibleLookupError(f"{LABEL}: the value of '{key}' in the secrets file {path} cannot be used: {e}") from None
        return seed

    @staticmethod
    def _counter(min_validity):
        """The current 30-second counter, after waiting for the next one if fewer than min_validity seconds are left."""
        now = time.time()
        counter = int(now) // _totp.STEP
        left = _totp.STEP - now % _totp.STEP
        if left < min_validity:
            display.vvv(f"{LABEL}: {left:.1f} s left in this 30-second window (min_validity {min_validity}); waiting for the next one")
            time.sleep(left)
            counter = max(counter + 1, int(time.time()) // _totp.STEP)
        return counter
