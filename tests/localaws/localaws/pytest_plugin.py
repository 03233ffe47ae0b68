"""pytest fixtures for the local AWS; load with ``-p localaws.pytest_plugin``.

``local_aws`` serves for the whole session from a thread of the pytest process (or uses
the server at $LOCALAWS_URL if set); ``aws`` gives each test a freshly reset one.
"""

import os

import pytest

from localaws.endpoint import Endpoint
from localaws.server import LocalAWS


@pytest.fixture(scope="session")
def local_aws():
    """The session's local AWS: ``.url``, ``.control``, ``.env()``, ``.client(service, account_id=None)``."""
    url = os.environ.get("LOCALAWS_URL")
    if url:
        yield Endpoint(url)
        return
    with LocalAWS() as aws:
        yield aws


@pytest.fixture
def aws(local_aws):
    """The session's local AWS, reset (moto state, root states, faults, request log) before the test."""
    local_aws.control.reset()
    yield local_aws


@pytest.fixture
def aws_env(local_aws):
    """Environment variables pointing boto3 and Ansible at the local AWS (a dict; apply it yourself)."""
    return local_aws.env()
