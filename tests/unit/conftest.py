"""Unit tests import the collection as ansible_collections.accountguard.aws (and amazon.aws) through Ansible's
collection finder, which pytest-ansible installs (pytest.ini: --ansible-unit-inject-only) for the collections root
that ANSIBLE_COLLECTIONS_PATH names: scripts/env.sh sets it to .cache/collections, where the collection is symlinked."""

import importlib.util
import os

import pytest


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """A clear error, not hundreds of import errors, when the collection cannot be found (after pytest-ansible's
    injection)."""
    try:
        found = importlib.util.find_spec("ansible_collections.accountguard.aws") is not None
    except ImportError:
        found = False
    if not found:
        raise pytest.UsageError(
            "the unit tests cannot import ansible_collections.accountguard.aws: run them with `make unit`, or after"
            " `source scripts/env.sh` (ANSIBLE_COLLECTIONS_PATH must name .cache/collections, and pytest-ansible must"
            f" inject it: pytest.ini); ANSIBLE_COLLECTIONS_PATH is {os.environ.get('ANSIBLE_COLLECTIONS_PATH')!r}")


class FakeTime:
    """Stands in for the time module of the code under test: sleeping advances the clock, nothing really waits."""

    def __init__(self, now=1000.0):
        self.now = now
        self.sleeps = []

    def time(self):
        return self.now

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock(monkeypatch):
    """install(module, now=1000.0): replace `module.time` with a FakeTime for the test, and return it."""
    def install(module, now=1000.0):
        fake = FakeTime(now)
        monkeypatch.setattr(module, "time", fake)
        return fake
    return install


@pytest.fixture
def fake_time(fake_clock):
    """A fake clock for the credential-report polling in _root: records the pauses, never waits."""
    from ansible_collections.accountguard.aws.plugins.module_utils import _root

    return fake_clock(_root)


class CollectionFragments:
    """The collection's doc fragments, found by name as Ansible's fragment loader would."""

    def get(self, name):
        from ansible_collections.accountguard.aws.plugins.doc_fragments import attributes

        if name != "accountguard.aws.attributes":
            return None
        attributes.ModuleDocFragment.ansible_name = name
        return attributes.ModuleDocFragment


@pytest.fixture
def define_plugin_options():
    """define(plugin_type, name, module): make a plugin's options known to Ansible's configuration as the plugin
    loader does, from its documentation with the collection's doc fragments (once per process)."""
    import yaml
    from ansible import constants as C
    from ansible.utils.plugin_docs import add_fragments

    def define(plugin_type, name, module):
        if not C.config.has_configuration_definition(plugin_type, name):
            doc = yaml.safe_load(module.DOCUMENTATION)
            add_fragments(doc, module.__file__, CollectionFragments())
            C.config.initialize_plugin_configuration_definitions(plugin_type, name, doc["options"])
    return define
