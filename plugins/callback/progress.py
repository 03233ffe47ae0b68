# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: progress
type: aggregate
short_description: Says, as an organization-wide run goes, how many accounts are done, failed and left
version_added: 1.0.0
description:
  - 'Beside any stdout callback (the default one, or AWX''s), prints a line such as
    "accountguard: 120/500 accounts done (110 ok, 7 with drift, 3 failed), 380 left, 2m10s elapsed, about 6m20s to go"
    every O(every) accounts and every O(interval) seconds, one line when the run starts
    ("accountguard: 500 accounts to do (check mode)") and one when it ends ("... done (...) in 9m12s").'
  - 'An account is a host of a play that does not target the controller alone (a closing C(hosts: localhost) play
    is not counted). It is done when the result of its C(accountguard.aws.baseline) task arrives (the one task per
    account of the role C(accountguard.aws.account_baseline) and of the playbook C(accountguard.aws.baseline)), or
    when it fails or is unreachable before that. Its status is the one of the baseline''s summary, counted as the
    playbook''s summary line counts it (changed counts as ok). In a playbook without that task, an account''s status
    comes from the play recap at the end.'
  - The lines are plain text (no carriage return, no cursor movement), so a CI log or an AWX job's output gets the
    same lines as a terminal. Colour goes only to a terminal, as Ansible's own output, and C(NO_COLOR) or
    C(ANSIBLE_NOCOLOR) turns it off there too.
  - For one line per account and none per task, use the stdout callback C(accountguard.aws.compact) instead, which
    prints these progress lines itself (this callback then stays silent).
  - No line holds a secret; a line names accounts and counts only.
requirements:
  - Enabled with C(callbacks_enabled = accountguard.aws.progress) in the C([defaults]) section of ansible.cfg,
    or with C(ANSIBLE_CALLBACKS_ENABLED=accountguard.aws.progress) in the environment.
options:
  per_account:
    description: Also a line for each account as it is done (its status, and what drifted or failed).
    type: bool
    default: false
    env:
      - name: ACCOUNTGUARD_PROGRESS_PER_ACCOUNT
    ini:
      - section: accountguard_progress
        key: per_account
extends_documentation_fragment:
  - accountguard.aws.attributes.progress
seealso:
  - plugin: accountguard.aws.compact
    plugin_type: callback
  - plugin: accountguard.aws.drift_report
    plugin_type: callback
"""

EXAMPLES = r"""
# ansible.cfg
#   [defaults]
#   callbacks_enabled = accountguard.aws.progress, accountguard.aws.drift_report
#   [accountguard_progress]
#   every = 25
#   interval = 60
#
# Or for one run:
#   ANSIBLE_CALLBACKS_ENABLED=accountguard.aws.progress ACCOUNTGUARD_PROGRESS_EVERY=25 \
#     ansible-playbook -i org.aws_organizations.yml accountguard.aws.baseline --check --diff
"""

from ansible.plugins.callback import CallbackBase

from ansible_collections.accountguard.aws.plugins.plugin_utils import _progress


class CallbackModule(_progress.ProgressEvents, CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "accountguard.aws.progress"
    CALLBACK_NEEDS_ENABLED = True

    def _progress_say(self, text, color):
        if not _progress.STDOUT_SAYS_PROGRESS:
            self._display.display(text, color=color)
