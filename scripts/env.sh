# Sourced by the project's scripts: run from the checkout, with the project's environment (.venv,
# the collections root in .cache, the local AWS package) ahead of anything on the machine.
# shellcheck shell=bash
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD
export PATH=$ROOT/.venv/bin:$PATH
export ANSIBLE_COLLECTIONS_PATH=$ROOT/.cache/collections
export PYTHONPATH=$ROOT/tests/localaws${PYTHONPATH:+:$PYTHONPATH}
