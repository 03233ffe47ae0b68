"""The compatibility stage's choice (tests/compat/select_tests.py): every claimed older core, a pinned release for
each, and the four-step test of every AWS module of the catalog that has one, read from the collection itself."""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def select():
    spec = importlib.util.spec_from_file_location("select_tests", ROOT / "tests" / "compat" / "select_tests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lines(select, capsys, own_core="2.21.5"):
    select.main(own_core)
    return capsys.readouterr().out.splitlines()


def test_every_claimed_core_below_the_projects_own_has_a_pinned_release(select):
    floor = re.search(r"requires_ansible:\s*[\"']>=([0-9.]+)", (ROOT / "meta" / "runtime.yml").read_text()).group(1)
    own = re.search(r"^ansible-core==(\d+\.\d+)", (ROOT / "test-requirements.txt").read_text(), re.M).group(1)
    versions = select.claimed_versions(own + ".0")
    assert versions[0] == ".".join(floor.split(".")[:2]) and own not in versions
    pins = {}
    for line in (ROOT / "tests" / "compat" / "cores.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            fields = line.split()
            pins[fields[0]] = fields[1]
    for version in versions:
        assert pins[version].startswith(f"ansible-core=={version}.")


def test_each_catalog_module_with_a_four_step_test_is_run_and_the_others_are_named(select, capsys):
    out = lines(select, capsys)
    assert out[0] == "versions 2.17 2.18 2.19 2.20"
    tests = [line.split()[1] for line in out if line.startswith("test ")]
    noted = {line.split()[1] for line in out if line.startswith("note ")}
    for name in select.catalog():
        path = ROOT / "tests" / "integration" / f"test_play_{name}.py"
        has_four_steps = path.exists() and "def test_four_steps" in path.read_text()
        chosen = [t for t in tests if t.startswith(f"tests/integration/test_play_{name}.py::test_four_steps")]
        assert bool(chosen) == has_four_steps and (name in noted) != has_four_steps, name
    assert "tests/integration/test_play_iam_virtual_mfa.py::test_four_steps_then_verified_independently[worker]" in tests
    # The baseline round runs both ways (no [worker] id): the module-process path on every old core.
    assert "tests/integration/test_play_drift_report.py::test_one_account_applied_then_scanned_clean" in tests


def test_a_newer_floor_or_core_changes_the_versions(select, monkeypatch, tmp_path):
    assert select.claimed_versions("2.22.1") == ["2.17", "2.18", "2.19", "2.20", "2.21"]
    monkeypatch.setattr(select, "ROOT", tmp_path)
    (tmp_path / "meta").mkdir()
    (tmp_path / "meta" / "runtime.yml").write_text('---\nrequires_ansible: ">=2.19.0"\n')
    assert select.claimed_versions("2.21.5") == ["2.19", "2.20"]
