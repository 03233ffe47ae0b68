"""pytest fixtures for the local AWS; load with ``-p localaws.pytest_plugin``.

``local_aws`` is the session's server: under pytest-xdist, a server process of each worker's own; otherwise the
server at $LOCALAWS_URL if set, or one in a thread of the pytest process. ``aws`` gives each test a freshly reset
one.
"""

import os

import pytest

from localaws import cli
from localaws.endpoint import Endpoint
from localaws.server import LocalAWS


@pytest.fixture(scope="session")
def local_aws(tmp_path_factory):
    """The session's local AWS: ``.url``, ``.control``, ``.env()``, ``.client(service, account_id=None)``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        # Each test resets the server it uses, so two workers cannot share one; and a server in a thread of the
        # worker would share moto's global state with the unit tests' mock_aws there. So: a process per worker.
        state_dir = tmp_path_factory.getbasetemp() / f"localaws-{worker}"
        try:
            url = cli.start_background(state_dir)
        except cli.StartError as error:
            pytest.exit(f"the local AWS of xdist worker {worker} did not start: {error}", returncode=3)
        try:
            yield Endpoint(url)
        finally:
            cli.stop_background(state_dir)
        return
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
