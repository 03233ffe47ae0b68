# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation the collection's plugins share: written once here, extended by each plugin.

A plugin's own entries override these key by key (a module adds its own C(details) for check_mode, say).
Where two fragments set the same key, the one listed first wins: list C(.read_only) before the base.
"""

from __future__ import annotations


class ModuleDocFragment:

    # Every AWS module: how it runs, check mode and diff, where it runs.
    DOCUMENTATION = r"""
options: {}
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - On the controller (C(connection=local) without C(become), the normal case) the module's logic runs in Ansible's
        worker process, with the same arguments, results, diff, retries and errors, and no module process.
      - Elsewhere (delegated to another host, with C(become), when the controller's Python has no boto3, or when the
        variable C(accountguard_aws_module_process) or the environment variable C(ACCOUNTGUARD_AWS_MODULE_PROCESS) is
        true) the module runs as a module process on the target, like any module.
  async:
    description: Supports being used with the C(async) keyword.
    support: none
  bypass_host_loop:
    description: Forces a 'global' task that does not execute per host.
    support: none
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    platforms: aws
    support: full
  action_group:
    description: Action is part of action_group(s), for convenient setting of module_defaults.
    support: full
    membership:
      - accountguard.aws.aws
"""

    # Modules that change nothing (list before the base fragment: the first fragment wins a key).
    READ_ONLY = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - The module changes nothing, so check mode makes the same calls and returns the same result as a normal run.
  diff_mode:
    support: none
    details:
      - The module changes nothing; there is no diff.
"""

    # The two secret-yielding modules share one vault file per user.
    SECRETS = r"""
options:
  secrets_file:
    description:
      - Path on the controller of the Ansible Vault encrypted YAML file of this user's secrets (one file per user, shared by
        M(accountguard.aws.iam_admin_user) and M(accountguard.aws.iam_virtual_mfa)), with C(user_name), C(account_id),
        C(sign_in_url), the generated C(password), and the MFA C(serial_number), C(seed) and C(otpauth_uri).
      - Written by the action plugin on the controller, with the play's vault identity (C(--vault-id) or
        C(--vault-password-file)), atomically and with mode 0600, B(before) the secret is used; C(ansible-vault view FILE)
        shows it. Without it (and a vault secret) the module stops before creating anything that yields a secret.
      - A real run holds the file's folder from the first read of the file to its last write (a lock file C(.accountguard.lock)
        there, released when the run ends, even killed); another run waits for it (C(ACCOUNTGUARD_SECRETS_LOCK_TIMEOUT),
        600 seconds by default), then fails for this user with a message saying the folder is in use.
      - A new file is encrypted with the vault identity that opens the files already in its folder; a file that holds
        another user's or account's secrets is an error. A leading C(~) is the home folder; folders are created 0700.
      - Where the module runs as a module process (not on the controller), the secret reaches it through the
        connection's pipelining, never in a file; a connection that cannot pipeline there is an error.
    type: path
  secret_recipient:
    description:
      - Internal, set by the action plugin on the controller; a value given in a task is ignored.
      - A one-use public key (base64 X25519) to which the module seals a secret it obtains, so that the secret never
        travels in clear text and never enters a task result.
    type: str
"""

    # The drift report's files (the callback and the merge module).
    REPORT_FORMATS = r"""
options:
  formats:
    description: Which files to write (JSON, JUnit XML, Markdown).
    type: list
    elements: str
    choices: [json, junit, markdown]
    default: [json, junit, markdown]
"""

    # How often the progress callbacks (accountguard.aws.progress and accountguard.aws.compact) say how far a run is.
    PROGRESS = r"""
options:
  every:
    description:
      - A progress line after this many more accounts are done. V(0) means about every 5% of the run's accounts
        (at least every account).
    type: int
    default: 0
    env:
      - name: ACCOUNTGUARD_PROGRESS_EVERY
    ini:
      - section: accountguard_progress
        key: every
  interval:
    description:
      - A progress line when this many seconds have passed since the last one, while accounts are left, so a CI log
        that would otherwise be silent during long tasks shows the run is alive. V(0) turns the heartbeat off.
      - It is checked whenever a task starts or ends on any account; a single task that runs longer than this prints
        no line until it ends.
    type: float
    default: 30
    env:
      - name: ACCOUNTGUARD_PROGRESS_INTERVAL
    ini:
      - section: accountguard_progress
        key: interval
"""
