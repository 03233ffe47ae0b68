# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: compact
type: stdout
short_description: One line per account and progress lines instead of a line per task and account
version_added: 1.0.0
description:
  - 'A stdout callback for organization-wide runs of C(accountguard.aws.baseline) (or the role
    C(accountguard.aws.account_baseline)): where the default output prints a banner per task and a line per task
    and account (thousands of lines for hundreds of accounts), this prints one line when the run starts, one line
    per account as it is done, a progress line every O(every) accounts and every O(interval) seconds, and a closing
    line with the totals, the failed accounts and where the secrets stored by the run are.'
  - 'An account line: "prod-web (111111111111): drift: MFA device of alice; users to create: alice", or
    "dev (222222222222): FAILED: Admin users: alice: ..." with the step and the item that failed.'
  - 'A progress line: "accountguard: 120/500 accounts done (110 ok, 7 with drift, 3 failed), 380 left, 2m10s elapsed,
    about 6m20s to go". Which hosts are accounts, and when one is done, is as for the callback
    C(accountguard.aws.progress) (whose lines this callback prints itself; it stays silent when both are enabled).'
  - Task results and diffs are not printed (run with the callback C(accountguard.aws.drift_report) for the items and
    their before/after); a failure of a task on a host that is not an account is printed as one line. Warnings
    and deprecations are printed as Ansible prints them.
  - Plain text lines (no carriage return, no cursor movement), coloured only on a terminal, never with C(NO_COLOR)
    or C(ANSIBLE_NOCOLOR); a CI log gets the same lines. No line holds a secret.
requirements:
  - Set as the stdout callback with C(stdout_callback = accountguard.aws.compact) in the C([defaults]) section of
    ansible.cfg, or with C(ANSIBLE_STDOUT_CALLBACK=accountguard.aws.compact) in the environment.
options:
  per_account:
    description: A line for each account as it is done. With V(false), the progress lines and the closing line only.
    type: bool
    default: true
    env:
      - name: ACCOUNTGUARD_PROGRESS_PER_ACCOUNT
    ini:
      - section: accountguard_progress
        key: per_account
extends_documentation_fragment:
  - accountguard.aws.attributes.progress
seealso:
  - plugin: accountguard.aws.progress
    plugin_type: callback
  - plugin: accountguard.aws.drift_report
    plugin_type: callback
"""

EXAMPLES = r"""
# The nightly drift scan of the whole organization, one line per account, with the drift report:
#   ANSIBLE_STDOUT_CALLBACK=accountguard.aws.compact ANSIBLE_CALLBACKS_ENABLED=accountguard.aws.drift_report \
#     ansible-playbook -i org.aws_organizations.yml accountguard.aws.baseline --check --diff
#
# ansible.cfg
#   [defaults]
#   stdout_callback = accountguard.aws.compact
#   [accountguard_progress]
#   every = 50
"""

from ansible import constants as C
from ansible.plugins.callback import CallbackBase

from ansible_collections.accountguard.aws.plugins.plugin_utils import _progress


class CallbackModule(_progress.ProgressEvents, CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "accountguard.aws.compact"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _progress.STDOUT_SAYS_PROGRESS = True

    def _progress_say(self, text, color):
        self._display.display(text, color=color)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        host = result._host.get_name()
        if not ignore_errors and not self._progress_state().is_account(host):
            msg = result._result.get("msg") if isinstance(result._result, dict) else None
            self._display.display(_progress.one_line(f"{host}: FAILED: {result._task.get_name()}: {msg or 'failed'}"),
                                  color=C.COLOR_ERROR)
        super().v2_runner_on_failed(result, ignore_errors)

    def v2_runner_on_unreachable(self, result):
        host = result._host.get_name()
        if not self._progress_state().is_account(host):
            msg = result._result.get("msg") if isinstance(result._result, dict) else None
            self._display.display(_progress.one_line(f"{host}: UNREACHABLE: {msg or 'no reason given'}"), color=C.COLOR_UNREACHABLE)
        super().v2_runner_on_unreachable(result)

    def v2_playbook_on_no_hosts_matched(self):
        self._display.display("accountguard: no hosts matched", color=C.COLOR_SKIP)

    def v2_playbook_on_stats(self, stats):
        super().v2_playbook_on_stats(stats)
        progress = self._progress_state()
        failed = progress.failed_accounts()
        if failed:
            shown = ", ".join(failed[:20]) + (f" and {len(failed) - 20} more" if len(failed) > 20 else "")
            self._display.display(f"accountguard: failed accounts: {shown}", color=C.COLOR_ERROR)
        if progress.secrets_dirs:
            self._display.display(f"accountguard: secrets stored by this run are in {', '.join(progress.secrets_dirs)} "
                                  "(Ansible Vault files, <account id>/<user>.yml)")
