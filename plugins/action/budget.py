# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of accountguard.aws.budget: on the controller the module's logic runs in Ansible's worker,
elsewhere the module runs (see plugin_utils/_aws_action.py)."""

from __future__ import annotations

from ansible_collections.accountguard.aws.plugins.module_utils import _budget
from ansible_collections.accountguard.aws.plugins.plugin_utils._aws_action import AWSActionBase


class ActionModule(AWSActionBase):
    MODULE = "budget"
    LOGIC = _budget
