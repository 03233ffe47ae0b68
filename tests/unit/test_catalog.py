"""Every AWS module is registered everywhere it must be: the catalog (module_utils/_catalog.py) is the list, and
this test fails when a module is missing from the action group, the action plugins, the runner, the doc
fragments or the baseline's steps, when the role would run anything without the account's connection, or when
the drift report could not place a field of a module's diff."""

import importlib
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.accountguard.aws.plugins.module_utils import _catalog
from ansible_collections.accountguard.aws.plugins.module_utils import _drift
from ansible_collections.accountguard.aws.plugins.plugin_utils._aws_action import AWSActionBase

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(_catalog.AWS_MODULES)


def module_source(name):
    return (ROOT / "plugins" / "modules" / f"{name}.py").read_text()


def runs_the_runner(name):
    """The module's main() hands its logic file to the runner (a module of another kind does not)."""
    return "run_module(" in module_source(name)


def role_module_defaults():
    """Every action named in a module_defaults entry anywhere in the role's tasks."""
    names = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "module_defaults" and isinstance(value, dict):
                    names.update(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load((ROOT / "roles" / "account_baseline" / "tasks" / "main.yml").read_text()))
    return names


def role_actions():
    return set(re.findall(r"^\s+-?\s*(accountguard\.aws\.\w+):", (ROOT / "roles" / "account_baseline" / "tasks" / "main.yml").read_text(), re.M))


def test_the_catalog_lists_every_module_built_on_the_runner():
    on_runner = {p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if runs_the_runner(p.stem)}
    assert on_runner == set(MODULES)


def test_every_aws_module_is_in_the_action_group_and_nothing_else_is():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    group = [entry for entry in runtime["action_groups"]["aws"] if isinstance(entry, str)]
    assert sorted(group) == sorted(MODULES + [_catalog.PROCEDURE])


@pytest.mark.parametrize("name", MODULES)
def test_every_aws_module_has_an_action_plugin_on_the_shared_base(name):
    action = importlib.import_module(f"ansible_collections.accountguard.aws.plugins.action.{name}").ActionModule
    assert issubclass(action, AWSActionBase)
    assert action.MODULE == name
    logic = action.LOGIC
    # The runner's interface: an argument spec, validate, ensure_present, and ensure_absent where there is a state.
    assert isinstance(logic.ARGUMENT_SPEC, dict) and callable(logic.validate) and callable(logic.ensure_present)
    if "state" in logic.ARGUMENT_SPEC:
        assert callable(logic.ensure_absent)
    # The module runs the same logic file.
    assert f"import {logic.__name__.rsplit('.', 1)[1]}\n" in module_source(name)
    assert f"run_module({logic.__name__.rsplit('.', 1)[1]})" in module_source(name)


@pytest.mark.parametrize("name", MODULES)
def test_every_aws_module_documents_the_shared_attributes_and_connection_options(name):
    doc = yaml.safe_load(importlib.import_module(f"ansible_collections.accountguard.aws.plugins.modules.{name}").DOCUMENTATION)
    fragments = doc["extends_documentation_fragment"]
    assert "accountguard.aws.attributes" in fragments
    assert {"amazon.aws.common.modules", "amazon.aws.region.modules", "amazon.aws.boto3"} <= set(fragments)
    documented = set(doc["options"]) | ({"secrets_file", "secret_recipient"} if "accountguard.aws.attributes.secrets" in fragments else set())
    logic = importlib.import_module(f"ansible_collections.accountguard.aws.plugins.action.{name}").ActionModule.LOGIC
    assert documented == set(logic.ARGUMENT_SPEC)


def test_the_role_runs_the_baseline_with_its_connection_defaults_and_nothing_else_on_aws():
    # A module the role called without per-action connection defaults would run with the operator's credentials
    # instead of the account's: the role calls only the baseline, which hands the account's session to each step.
    assert role_actions() == {_catalog.fqcn(_catalog.PROCEDURE)}
    assert _catalog.fqcn(_catalog.PROCEDURE) in role_module_defaults()


def test_the_baseline_runs_every_step_module_and_only_those():
    source = (ROOT / "plugins" / "plugin_utils" / "_procedure.py").read_text()
    used = set(re.findall(r'self\.step\("\w+", "(\w+)"', source))
    assert used == set(_catalog.steps())


def test_the_drift_report_reads_the_modules_the_catalog_says_and_not_the_session():
    expected = {f"accountguard.aws.{n}" for n, m in _catalog.AWS_MODULES.items() if m["drift"]} | {"accountguard.aws.baseline"}
    assert set(_drift.ACTIONS) == expected
    assert "accountguard.aws.account_session" not in _drift.ACTIONS


def test_every_field_of_the_user_and_group_diffs_has_a_drift_item():
    from ansible_collections.accountguard.aws.plugins.module_utils import _admin_group
    from ansible_collections.accountguard.aws.plugins.module_utils import _admin_user

    user = _admin_user.desired_summary({"name": "alice", "path": "/", "tags": {}, "purge_tags": False, "groups": [], "purge_groups": False,
                                        "permissions_boundary": None, "console_access": True}, {})
    user_fields = {f for fields in _drift.USER_FIELDS.values() for f in fields}
    assert set(user) | {"password_reset"} <= user_fields
    group = _admin_group.desired_summary({"name": "Administrators", "path": "/", "managed_policies": [], "purge_policies": False}, {})
    assert set(group) <= {f for fields in _drift.GROUP_FIELDS.values() for f in fields}


def test_the_runner_is_the_only_way_modules_fail():
    # No AWS module calls fail_json itself: errors are the runner's, the same for both ways of running.
    for name in MODULES:
        assert "fail_json" not in module_source(name)


def test_the_baseline_module_documents_what_its_action_plugin_validates():
    from ansible_collections.accountguard.aws.plugins.module_utils import _baseline
    from ansible_collections.accountguard.aws.plugins.modules import baseline

    doc = yaml.safe_load(baseline.DOCUMENTATION)
    assert set(doc["options"]) == set(_baseline.ARGUMENT_SPEC)
    assert set(doc["options"]["admin_users"]["suboptions"]) == set(_baseline.USER_OPTIONS)
    for name, spec in _baseline.ARGUMENT_SPEC.items():
        assert doc["options"][name].get("default") == spec.get("default"), name
