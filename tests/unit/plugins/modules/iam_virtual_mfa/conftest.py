"""Fixtures for the iam_virtual_mfa unit tests (moto, the call recorder and the module runner come from
tests/unit/plugins/modules/conftest.py)."""

import pytest

from ansible_collections.accountguard.aws.plugins.modules import iam_virtual_mfa


@pytest.fixture
def run(run_module):
    """run(check_mode=..., diff=..., **module_args) -> Run(result, raw stdout); IAM calls land in `calls.calls`."""

    def runner(**kwargs):
        return run_module(iam_virtual_mfa.main, **kwargs)

    return runner


@pytest.fixture
def user(iam):
    iam.create_user(UserName="alice")
    return "alice"
