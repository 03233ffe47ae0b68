"""Where an AWS module runs: in the controller's worker when the task runs on the controller, as a module process
otherwise; the task's environment reaches the worker path; the warm-up happened in this (the importing) process."""

import os
from unittest import mock

import pytest

from ansible_collections.accountguard.aws.plugins.action.iam_admin_group import ActionModule as GroupAction
from ansible_collections.accountguard.aws.plugins.plugin_utils import _aws_action


def make_action(transport="local", become=False, environment=None, check_mode=False):
    task = mock.MagicMock()
    task.args = {"name": "Administrators"}
    task.check_mode = check_mode
    task.diff = True
    task.environment = environment
    task.async_val = 0
    connection = mock.MagicMock()
    connection.transport = transport
    connection._shell.tmpdir = None
    play_context = mock.MagicMock()
    play_context.become = become
    templar = mock.MagicMock()
    templar.template.side_effect = lambda value: value
    action = GroupAction(task, connection, play_context, mock.MagicMock(), templar, mock.MagicMock())
    action._remove_tmp_path = mock.MagicMock()
    action._execute_module = mock.MagicMock(return_value={"changed": False, "from": "module"})
    return action


@pytest.fixture
def worker(monkeypatch):
    calls = []

    def fake(logic, name, args, check_mode, diff, environment=None, inject_invocation=False):
        calls.append({"logic": logic, "name": name, "args": args, "check_mode": check_mode, "diff": diff, "environment": environment})
        return {"changed": False, "from": "worker"}

    monkeypatch.setattr(_aws_action, "run_in_worker", fake)
    monkeypatch.delenv(_aws_action.FORCE_MODULE_ENV, raising=False)
    return calls


def test_on_the_controller_the_logic_runs_in_the_worker(worker):
    action = make_action(check_mode=True)
    assert action.run(task_vars={})["from"] == "worker"
    assert action._execute_module.call_count == 0
    assert worker[0]["name"] == "accountguard.aws.iam_admin_group" and worker[0]["check_mode"] is True
    assert worker[0]["logic"] is GroupAction.LOGIC and worker[0]["args"] == {"name": "Administrators"}


@pytest.mark.parametrize("kwargs,task_vars,env", [
    ({"transport": "ssh"}, {}, None),
    ({"become": True}, {}, None),
    ({}, {"accountguard_aws_module_process": True}, None),
    ({}, {"accountguard_aws_module_process": "yes"}, None),
    ({}, {}, "1"),
], ids=["delegated-over-ssh", "become", "variable", "variable-as-text", "environment"])
def test_elsewhere_the_module_runs(worker, monkeypatch, kwargs, task_vars, env):
    if env:
        monkeypatch.setenv(_aws_action.FORCE_MODULE_ENV, env)
    action = make_action(**kwargs)
    assert action.run(task_vars=task_vars)["from"] == "module"
    assert worker == []
    assert action._execute_module.call_args.kwargs["module_name"] == "accountguard.aws.iam_admin_group"


def test_without_boto3_the_module_runs(worker, monkeypatch):
    monkeypatch.setattr(_aws_action, "HAS_BOTO", False)
    action = make_action()
    assert action.run(task_vars={})["from"] == "module"
    assert "no boto3" in action._module_process_reason({})


def test_false_setting_keeps_the_worker(worker):
    assert make_action().run(task_vars={"accountguard_aws_module_process": "false"})["from"] == "worker"


def test_the_tasks_environment_is_merged_in_order(worker):
    action = make_action(environment=[{"AWS_PROFILE": "a", "X": "1"}, None, {"AWS_PROFILE": "b"}])
    action.run(task_vars={})
    assert worker[0]["environment"] == {"AWS_PROFILE": "b", "X": "1"}


def test_task_environment_is_set_for_the_run_and_restored(monkeypatch):
    monkeypatch.setenv("ACCOUNTGUARD_TEST_KEPT", "before")
    monkeypatch.delenv("ACCOUNTGUARD_TEST_NEW", raising=False)
    with _aws_action.task_environment({"ACCOUNTGUARD_TEST_KEPT": "during", "ACCOUNTGUARD_TEST_NEW": 1}):
        assert os.environ["ACCOUNTGUARD_TEST_KEPT"] == "during" and os.environ["ACCOUNTGUARD_TEST_NEW"] == "1"
    assert os.environ["ACCOUNTGUARD_TEST_KEPT"] == "before"
    assert "ACCOUNTGUARD_TEST_NEW" not in os.environ


def test_the_warm_up_loaded_the_models_in_the_importing_process():
    # Importing the action plugin (as ansible-core's strategy does in its main process, before forking workers)
    # left a session whose loader holds IAM's and STS's models: a worker inherits it and parses nothing again.
    session = _aws_action._sessions[None]
    loader = session.get_component("data_loader")
    cached = {key[1:3] for key in loader._cache if key[0] == "load_service_model"}
    assert {("iam", "service-2"), ("sts", "service-2"), ("iam", "paginators-1")} <= cached


def test_a_bug_in_the_logic_is_a_clear_failure_without_secrets():
    class Broken:
        ARGUMENT_SPEC = {"password": {"type": "str", "no_log": True}}

        @staticmethod
        def validate(params):
            raise RuntimeError(f"boom with {params['password']}")

    result = _aws_action.run_in_worker(Broken, "accountguard.aws.broken", {"password": "Sup3r-Secret-Value"}, False, False)
    assert result["failed"] is True
    assert result["msg"].startswith("Unexpected failure in accountguard.aws.broken: RuntimeError")
    assert "Sup3r-Secret-Value" not in repr(result)


@pytest.mark.parametrize("args,words", [
    ({"admin_users": [{"nam": "alice"}]}, "missing required arguments: name found in admin_users"),
    ({"admin_userz": []}, "Unsupported parameters for (accountguard.aws.baseline) module: admin_userz"),
    ({"root_mfa": "sometimes"}, "value of root_mfa must be one of: require, warn, ignore, got: sometimes"),
    ({"admin_users": [{"name": "alice", "state": "gone"}]}, "value of state must be one of: present, absent, got: gone"),
])
def test_the_baselines_options_are_checked_before_anything_runs(worker, args, words):
    from ansible_collections.accountguard.aws.plugins.action.baseline import ActionModule as BaselineAction

    action = make_action()
    action.__class__ = BaselineAction
    action._task.args = dict(args, secret_key="Sup3r-Secret-Value")
    result = action.run(task_vars={"inventory_hostname": "prod"})
    assert result["failed"] is True and words in result["msg"], result["msg"]
    assert worker == [] and action._execute_module.call_count == 0
    assert "Sup3r-Secret-Value" not in repr(result)


def test_a_module_process_gets_a_secret_only_through_pipelining_and_never_in_a_printout(worker):
    action = make_action(transport="ssh")
    action._connection.get_option.return_value = False
    action._connection.is_pipelining_enabled.return_value = True
    action._run_aws({"name": "alice", "password": "Sup3r-Secret-Value"}, {}, secrets=["password"])
    sent = action._execute_module.call_args.kwargs["module_args"]
    assert sent["password"] == "Sup3r-Secret-Value"  # the module gets it ...
    assert "Sup3r-Secret-Value" not in repr(sent) and "Sup3r-Secret-Value" not in "%s" % (sent,)  # ... no printout shows it
    assert action._connection.set_option.call_args_list == [mock.call("pipelining", True), mock.call("pipelining", False)]


def test_without_pipelining_the_secret_is_not_sent(worker):
    action = make_action(transport="ssh")
    action._connection.is_pipelining_enabled.return_value = False
    result = action._run_aws({"name": "alice", "password": "Sup3r-Secret-Value"}, {}, secrets=["password"])
    assert result["failed"] is True and "would have to write the password to a file" in result["msg"]
    assert action._execute_module.call_count == 0 and "Sup3r-Secret-Value" not in repr(result)
