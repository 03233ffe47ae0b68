# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of accountguard.aws.baseline: the baseline of one account in one task, each step a run of
the collection's module for it (see plugin_utils/_procedure.py)."""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

from ansible_collections.accountguard.aws.plugins.module_utils import _baseline

# The steps' action plugins, imported here so that ansible-core's main process (which imports a task's action
# plugin before forking its workers) has them, boto3 and the warm botocore session loaded for every worker.
from ansible_collections.accountguard.aws.plugins.action import account_session  # noqa: F401  pylint: disable=unused-import
from ansible_collections.accountguard.aws.plugins.action import iam_admin_group  # noqa: F401  pylint: disable=unused-import
from ansible_collections.accountguard.aws.plugins.action import iam_admin_user  # noqa: F401  pylint: disable=unused-import
from ansible_collections.accountguard.aws.plugins.action import iam_password_policy  # noqa: F401  pylint: disable=unused-import
from ansible_collections.accountguard.aws.plugins.action import iam_virtual_mfa  # noqa: F401  pylint: disable=unused-import
from ansible_collections.accountguard.aws.plugins.action import root_mfa_facts  # noqa: F401  pylint: disable=unused-import
from ansible_collections.accountguard.aws.plugins.plugin_utils._aws_action import validation_error
from ansible_collections.accountguard.aws.plugins.plugin_utils._procedure import Procedure
from ansible_collections.accountguard.aws.plugins.plugin_utils._procedure import Stop


def connection_options():
    """Every name (and alias) of amazon.aws's connection options."""
    names = set()
    for name, spec in aws_argument_spec().items():
        names.add(name)
        names.update(spec.get("aliases") or [])
    return names


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = dict(self._task.args)
        spec = aws_argument_spec()
        spec.update(_baseline.ARGUMENT_SPEC)
        validation = ArgumentSpecValidator(spec).validate(args)
        msg = validation_error(validation, "accountguard.aws.baseline")
        if msg:
            return {"failed": True, "changed": False, "msg": remove_values(msg, validation._no_log_values)}
        # The connection as given (task, module_defaults): each step resolves its own fallbacks, as its module would.
        names = connection_options()
        connection = {k: v for k, v in args.items() if k in names}
        host = task_vars.get("inventory_hostname") or "localhost"
        procedure = Procedure(self, task_vars, validation.validated_parameters, connection, host)
        error = None
        try:
            procedure.run()
        except Stop as e:
            error = e.message
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        result = procedure.result(error, diff_mode=self._task.diff)
        self._register_facts(result)
        return result

    def _register_facts(self, result):
        """root_mfa as a fact (as root_mfa_facts gives it); account_baseline_result as set_fact sets a variable,
        so that hostvars[host].account_baseline_result needs no fact injection."""
        facts = result["ansible_facts"]
        try:
            from ansible.plugins.action import VariableLayer
        except ImportError:  # ansible-core before 2.19: facts from an action result, set_fact's way
            result["_ansible_facts_cacheable"] = False
            return
        self.register_host_variables({k: v for k, v in facts.items() if k == "root_mfa"}, VariableLayer.CACHEABLE_FACT)
        self.register_host_variables({"account_baseline_result": facts["account_baseline_result"]}, VariableLayer.EPHEMERAL_FACT)
