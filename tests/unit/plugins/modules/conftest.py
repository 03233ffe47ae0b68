"""Fixtures shared by the module unit tests: moto in-process, a recorder of the IAM operations a module
calls, and a runner that runs a module both ways it can run: its main() as a module process would, and
its logic in the controller's worker as its action plugin does (plugin_utils/_aws_action.run_in_worker)."""

import importlib
import json

import boto3
import botocore.client
import moto
import pytest

from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils import _internal as module_utils_internal
from ansible.module_utils.testing import patch_module_args


@pytest.fixture
def iam(monkeypatch):
    # Away from the credentials of whoever runs the tests. The key values must not be words that appear in
    # results: AnsibleModule masks no_log values (secret_key) wherever they occur.
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_URL", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUNITTESTKEY00000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unit-secret-key-0000")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with moto.mock_aws():
        yield boto3.client("iam", region_name="us-east-1")


class CallLog:
    def __init__(self):
        self.on = False
        self.calls = []
        self.params = []


@pytest.fixture
def calls(monkeypatch):
    """The IAM operation names a module calls (recorded only while the module runs)."""
    log = CallLog()
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        if log.on and self.meta.service_model.service_name == "iam":
            log.calls.append(operation_name)
            log.params.append(api_params)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return log


class Run:
    def __init__(self, result, stdout):
        self.result = result
        self.stdout = stdout


def worker_logic(main):
    """The logic file the action plugin of main's module runs in the worker, or None for a module without one."""
    name = main.__module__.rsplit(".", 1)[1]
    try:
        action = importlib.import_module(f"ansible_collections.accountguard.aws.plugins.action.{name}")
    except ImportError:
        return None
    return name, action.ActionModule.LOGIC


def controller_code_importable():
    """False under ansible-test units, which runs the tests under plugins/modules with the module side of ansible only."""
    try:
        importlib.import_module("ansible.errors")
    except ImportError:
        return False
    return True


@pytest.fixture(params=["module", "worker"])
def way(request):
    """How the module runs: as a module process (main()), or in the controller's worker (its action plugin's path)."""
    if request.param == "worker" and not controller_code_importable():
        pytest.skip("the worker's path is controller code, which ansible-test units keeps from module tests (make unit runs it)")
    return request.param


@pytest.fixture
def run_module(capsys, calls, monkeypatch, way):
    """run_module(main, check_mode=..., diff=..., **module_args) -> Run(result, raw stdout), the way `way` says."""
    # Importing any controller code (other tests do) marks the process as the controller, and module warnings
    # then go to the display instead of the result. The module runs as a module here.
    monkeypatch.setattr(module_utils_internal, "is_controller", False)

    def in_worker(main, check_mode, diff, args):
        from ansible_collections.accountguard.aws.plugins.plugin_utils._aws_action import run_in_worker

        found = worker_logic(main)
        if found is None:
            pytest.skip("this module has no action plugin: it runs only as a module")
        name, logic = found
        calls.on = True
        try:
            result = run_in_worker(logic, f"accountguard.aws.{name}", args, check_mode, diff, inject_invocation=True)
        finally:
            calls.on = False
        out = json.dumps(result)  # strict: what a module could not return, the worker must not either
        return Run(json.loads(out), out)

    def runner(main, check_mode=False, diff=True, **args):
        del calls.calls[:]
        del calls.params[:]
        if way == "worker":
            return in_worker(main, check_mode, diff, dict(args))
        args = dict(args)
        args["_ansible_check_mode"] = check_mode
        args["_ansible_diff"] = diff
        args["_ansible_inject_invocation"] = True  # the invocation's args must show masked
        capsys.readouterr()
        calls.on = True
        try:
            with patch_module_args(args):
                with pytest.raises(SystemExit):
                    main()
        finally:
            calls.on = False
        out = capsys.readouterr().out
        return Run(json.loads(out), out)

    return runner


@pytest.fixture(autouse=True)
def fresh_warnings():
    """ansible-core keeps module warnings in a process-wide dict; one test's must not show in the next."""
    ansible_warnings._global_warnings.clear()
    ansible_warnings._global_deprecations.clear()
    yield
    ansible_warnings._global_warnings.clear()
    ansible_warnings._global_deprecations.clear()
