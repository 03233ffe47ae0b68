"""Unit tests import the collection as ansible_collections.accountguard.aws (and amazon.aws) from the
project's collections root, where the collection is symlinked; no pytest-ansible needed."""

import sys
from pathlib import Path

import pytest

COLLECTIONS_ROOT = Path(__file__).resolve().parents[2] / ".cache" / "collections"

if str(COLLECTIONS_ROOT) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS_ROOT))


class FakeTime:
    """Stands in for the time module inside _root: sleeping advances the clock, nothing really waits."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time(monkeypatch):
    """A fake clock for the credential-report polling in _root: records the pauses, never waits."""
    from ansible_collections.accountguard.aws.plugins.module_utils import _root

    fake = FakeTime()
    monkeypatch.setattr(_root, "time", fake)
    return fake
