"""Fixtures shared by the module unit tests: moto in-process, a recorder of the IAM operations a module
calls, and a runner for a module's main() that captures its JSON result."""

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


@pytest.fixture
def run_module(capsys, calls, monkeypatch):
    """run_module(main, check_mode=..., diff=..., **module_args) -> Run(result, raw stdout)."""
    # Importing any controller code (other tests do) marks the process as the controller, and module warnings
    # then go to the display instead of the result. The module runs as a module here.
    monkeypatch.setattr(module_utils_internal, "is_controller", False)

    def runner(main, check_mode=False, diff=True, **args):
        args = dict(args)
        args["_ansible_check_mode"] = check_mode
        args["_ansible_diff"] = diff
        args["_ansible_inject_invocation"] = True  # the invocation's args must show masked
        capsys.readouterr()
        del calls.calls[:]
        del calls.params[:]
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
