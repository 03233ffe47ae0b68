# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of accountguard.aws.account_session: on the controller AssumeRole runs in Ansible's worker,
elsewhere the module runs (see plugin_utils/_aws_action.py). Its result holds credentials, so it is always
no_log, whatever the task says."""

from __future__ import annotations

from ansible_collections.accountguard.aws.plugins.module_utils import _session
from ansible_collections.accountguard.aws.plugins.plugin_utils._aws_action import AWSActionBase


class ActionModule(AWSActionBase):
    MODULE = "account_session"
    LOGIC = _session

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result["_ansible_no_log"] = True
        return result
