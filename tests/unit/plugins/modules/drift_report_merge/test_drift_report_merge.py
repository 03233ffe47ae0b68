"""Unit tests for accountguard.aws.drift_report_merge: main() over report files written by _drift (as the callback
writes them), for real and in check mode."""

import json
import os
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.accountguard.aws.plugins.module_utils import _drift
from ansible_collections.accountguard.aws.plugins.modules.drift_report_merge import main


def entry(host, status="ok", user="alice"):
    return _drift.account_entry(host, [{"item": "user", "user": user, "status": status, "repairable": True}], account_id=f"id-{host}")


def write(directory, name, accounts, generated_at, mode="check"):
    """A report as the callback writes it: <name>.json, .xml and .md in `directory`."""
    report = _drift.build_report(accounts, mode, ["baseline.yml"], generated_at=generated_at)
    _drift.write_report(report, str(directory), name)
    return str(directory / f"{name}.json")


@pytest.fixture
def slices(tmp_path):
    """slice-1/drift-report.json (a, b) as a file; folder slices/ with slice-2.json (c, drift) and slice-3.json (d),
    plus JSON that is not a drift report."""
    one = write(tmp_path / "slice-1", "drift-report", [entry("a"), entry("b", "changed")], "2025-01-01T00:00:00Z")
    folder = tmp_path / "slices"
    write(folder, "slice-2", [entry("c", "drift")], "2025-01-01T00:01:00Z")
    write(folder, "slice-3", [entry("d")], "2025-01-01T00:02:00Z", mode="check")
    (folder / "package.json").write_text(json.dumps({"name": "not a report"}), encoding="utf-8")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    return one, folder


def merged(dest, name="drift-report"):
    with open(os.path.join(dest, f"{name}.json"), encoding="utf-8") as handle:
        return _drift.load_report(handle.read(), "merged")


def test_merges_a_file_and_a_folder(run_module, slices, tmp_path):
    one, folder = slices
    dest = tmp_path / "all"
    result = run_module(main, src=[one, str(folder)], dest=str(dest)).result
    assert result["changed"] is True
    assert result["reports"] == [one, str(folder / "slice-2.json"), str(folder / "slice-3.json")]
    assert result["files"] == [str(dest / "drift-report.json"), str(dest / "drift-report.xml"), str(dest / "drift-report.md")]
    assert sorted(os.listdir(dest)) == ["drift-report.json", "drift-report.md", "drift-report.xml"]
    assert result["clean"] is False
    assert result["duplicates"] == []
    assert result["totals"] == {"accounts": 4, "ok": 3, "changed": 1, "drift": 1, "failed": 0, "items": 4,
                                "items_drift": 1, "items_changed": 1, "items_failed": 0}
    report = merged(dest)
    assert list(report["accounts"]) == ["a", "b", "c", "d"]
    assert report["accounts"]["c"]["status"] == "drift"
    assert report["mode"] == "check"
    assert report["totals"] == result["totals"]
    assert [s["report"] for s in report["sources"]] == result["reports"]
    suites = ET.fromstring((dest / "drift-report.xml").read_text(encoding="utf-8").split("\n", 1)[1]).findall("testsuite")
    assert [s.get("name") for s in suites] == ["a", "b", "c", "d"]
    assert len([line for line in (dest / "drift-report.md").read_text(encoding="utf-8").splitlines() if line.startswith("| ")]) == 2 + 4


def test_duplicates_newest_wins(run_module, tmp_path):
    old = write(tmp_path / "old", "drift-report", [entry("a", "drift"), entry("b")], "2025-01-01T00:00:00Z")
    new = write(tmp_path / "new", "drift-report", [entry("a", "ok"), entry("c")], "2025-01-02T00:00:00Z", mode="apply")
    dest = tmp_path / "all"
    result = run_module(main, src=[new, old], dest=str(dest), name="merged", formats=["json"]).result
    assert result["duplicates"] == ["a"]
    assert result["clean"] is True
    assert result["totals"]["accounts"] == 3
    assert result["files"] == [str(dest / "merged.json")]
    assert os.listdir(dest) == ["merged.json"]
    report = merged(dest, "merged")
    assert report["accounts"]["a"]["status"] == "ok"
    assert report["duplicates"] == ["a"]
    assert report["mode"] == "mixed"


@pytest.mark.parametrize("content, words", [
    (json.dumps({"name": "not a report"}), ["is not a drift report"]),
    ("{not json", ["is not JSON"]),
    (json.dumps({"format": _drift.FORMAT, "version": 99, "accounts": {}}), ["version 99"]),
])
def test_named_file_that_is_not_a_report_fails_and_writes_nothing(run_module, slices, tmp_path, content, words):
    one, folder = slices
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    dest = tmp_path / "all"
    result = run_module(main, src=[one, str(bad), str(folder)], dest=str(dest)).result
    assert result["failed"] is True
    assert result["msg"].startswith(f"{bad} ")
    for word in words:
        assert word in result["msg"]
    assert result["msg"].endswith("Nothing was written.")
    assert not dest.exists()


def test_missing_named_file_fails_naming_it(run_module, slices, tmp_path):
    one = slices[0]
    missing = tmp_path / "nowhere" / "slice-9.json"
    result = run_module(main, src=[one, str(missing)], dest=str(tmp_path / "all")).result
    assert result["failed"] is True
    assert str(missing) in result["msg"] and "No such file" in result["msg"]
    assert not (tmp_path / "all").exists()


def test_folder_without_reports_fails(run_module, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "other.json").write_text("{}", encoding="utf-8")
    result = run_module(main, src=[str(folder)], dest=str(tmp_path / "all")).result
    assert result["failed"] is True
    assert result["msg"] == f"No drift report found in {folder}. Nothing was written."
    assert not (tmp_path / "all").exists()


def test_check_mode_writes_nothing(run_module, slices, tmp_path):
    one, folder = slices
    dest = tmp_path / "all"
    result = run_module(main, check_mode=True, src=[one, str(folder)], dest=str(dest)).result
    assert result["changed"] is False
    assert result["files"] == []
    assert result["totals"]["accounts"] == 4 and result["clean"] is False
    assert len(result["reports"]) == 3
    assert not dest.exists()


def test_check_mode_over_an_existing_merge_leaves_it(run_module, slices, tmp_path):
    one, folder = slices
    dest = tmp_path / "all"
    run_module(main, src=[one], dest=str(dest))
    before = {n: (dest / n).read_bytes() for n in os.listdir(dest)}
    result = run_module(main, check_mode=True, src=[one, str(folder)], dest=str(dest)).result
    assert result["totals"]["accounts"] == 4
    assert {n: (dest / n).read_bytes() for n in os.listdir(dest)} == before


def test_previous_merge_in_the_same_folder_is_not_read_again(run_module, slices, tmp_path):
    folder = slices[1]
    # a previous merge, newer than the slices, holding an account no slice has any more
    write(folder, "drift-report", [entry("ghost", "drift"), entry("c", "ok")], "2025-02-01T00:00:00Z")
    result = run_module(main, src=[str(folder)], dest=str(folder)).result
    assert result["reports"] == [str(folder / "slice-2.json"), str(folder / "slice-3.json")]
    assert result["duplicates"] == []
    report = merged(folder)
    assert list(report["accounts"]) == ["c", "d"]
    assert report["accounts"]["c"]["status"] == "drift"
    # and again: the same answer, not one that grows with each merge
    again = run_module(main, src=[str(folder) + "/"], dest=str(folder)).result
    assert again["reports"] == result["reports"]
    assert again["totals"] == result["totals"]


def test_relative_paths(run_module, slices, tmp_path, monkeypatch):
    folder = slices[1]
    monkeypatch.chdir(folder)
    result = run_module(main, src=["."], dest=".").result
    assert result["reports"] == ["./slice-2.json", "./slice-3.json"]
    assert result["files"] == ["./drift-report.json", "./drift-report.xml", "./drift-report.md"]
    assert list(merged(folder)["accounts"]) == ["c", "d"]


def test_bad_format_choice_is_rejected(run_module, slices, tmp_path):
    one = slices[0]
    result = run_module(main, src=[one], dest=str(tmp_path / "all"), formats=["html"]).result
    assert result["failed"] is True
    assert "formats" in result["msg"] and "html" in result["msg"]
    assert not (tmp_path / "all").exists()
