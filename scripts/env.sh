# Sourced by the project's scripts: run from the checkout, with the project's environment (.venv,
# the collections root in .cache, the local AWS package) ahead of anything on the machine.
# shellcheck shell=bash
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD
export PATH=$ROOT/.venv/bin:$PATH
export ANSIBLE_COLLECTIONS_PATH=$ROOT/.cache/collections
export PYTHONPATH=$ROOT/tests/localaws${PYTHONPATH:+:$PYTHONPATH}
# How the scripts run pytest over many tests: pytest-xdist, a worker per core (TEST_WORKERS overrides; 0: no
# workers), each with a local AWS process of its own (localaws.pytest_plugin); loadgroup keeps an xdist_group together.
# shellcheck disable=SC2034
PYTEST_WORKERS=(-n "${TEST_WORKERS:-auto}" --dist loadgroup)
