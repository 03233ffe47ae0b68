"""What the compatibility stage (scripts/compat.sh) runs on each older ansible-core, derived from the collection.

Prints, one per line, `versions <minor> ...` (every minor version from meta/runtime.yml's requires_ansible up
to the project's own core, which the rest of `make test` runs) and then `test <pytest node id> <why>`: for every
AWS module of plugins/module_utils/_catalog.py, the four-step tests (functions named test_four_steps*) of its
integration test file tests/integration/test_play_<module>.py; a module without one is named in a `note` line.
Then the baseline runs (BASELINE_TESTS): the drift report's both ways, in the worker and as module processes
(what a delegated task, become or accountguard_aws_module_process gets), and the progress callbacks' output. The
four steps run in the worker. A module added to the catalog
with its integration tests is covered without a change here.
"""

import ast
import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INTEGRATION = ROOT / "tests" / "integration"
# One baseline apply and drift scan, with the drift_report callback, both ways (worker, module process).
BASELINE_TESTS = (
    ("test_play_drift_report.py", "test_one_account_applied_then_scanned_clean", "baseline apply + drift scan with its report, both ways"),
    # The progress callbacks read the play's hosts from the inventory and the results as each core hands them over.
    ("test_play_progress.py", "test_compact_output_is_one_line_per_account_with_progress_and_agrees_with_the_report",
     "the compact output and progress lines of a baseline run"),
)


def catalog():
    spec = importlib.util.spec_from_file_location("catalog", ROOT / "plugins" / "module_utils" / "_catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.AWS_MODULES


def minor(text):
    found = re.search(r"(\d+)\.(\d+)", text)
    return int(found.group(1)), int(found.group(2))


def claimed_versions(own_core):
    """Minor versions from requires_ansible's floor up to, not including, `own_core`."""
    runtime = (ROOT / "meta" / "runtime.yml").read_text()
    floor = re.search(r"^requires_ansible:\s*[\"']?>=\s*([0-9.]+)", runtime, re.M)
    if not floor:
        raise SystemExit("select_tests: meta/runtime.yml has no requires_ansible '>=X.Y' floor")
    low, top = minor(floor.group(1)), minor(own_core)
    if low[0] != top[0]:
        raise SystemExit(f"select_tests: requires_ansible {floor.group(1)} and the project's core {own_core} differ in major version")
    return [f"{low[0]}.{n}" for n in range(low[1], top[1])]


def test_functions(path):
    tree = ast.parse(path.read_text())
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]


def worker_only(path, test):
    """The pytest node id of `test` run in the worker only, when the test runs both ways (the fixture `way`)."""
    text = path.read_text()
    tree = ast.parse(text)
    args = next(node.args.args for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == test)
    both = 'usefixtures("way")' in text or "way" in [a.arg for a in args]
    return f"tests/integration/{path.name}::{test}" + ("[worker]" if both else "")


def main(own_core):
    print("versions", *claimed_versions(own_core))
    for name in catalog():
        path = INTEGRATION / f"test_play_{name}.py"
        tests = [t for t in test_functions(path) if t.startswith("test_four_steps")] if path.exists() else []
        if not tests:
            print("note", name, "has no four-step test (tests/integration/test_play_<module>.py::test_four_steps*); the baseline runs cover it")
        for test in tests:
            print("test", worker_only(path, test), f"{name}: check, apply, check, apply")
    for file_name, test, why in BASELINE_TESTS:
        if test not in test_functions(INTEGRATION / file_name):
            raise SystemExit(f"select_tests: {file_name} has no {test}: update BASELINE_TESTS in {__file__}")
        print("test", f"tests/integration/{file_name}::{test}", why)


if __name__ == "__main__":
    main(sys.argv[1])
