"""Integration tests: real ansible-playbook runs of the targets against the local AWS."""

import pytest

from playbook_helpers import PlaybookRunner


@pytest.fixture
def playbook(aws, tmp_path):
    return PlaybookRunner(aws, tmp_path)
