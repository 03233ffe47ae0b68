#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection laid out as ansible_collections/accountguard/aws,
# next to amazon.aws, working offline (the pip bootstrap script comes from scripts/get-pip-offline.py).
# `scripts/sanity.sh units` runs `ansible-test units` the same way (a venv with tests/unit/requirements.txt).
set -euo pipefail
command=sanity
if [[ ${1:-} == units ]]; then command=units; shift; fi
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
PYVER=$("$VENV/bin/python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
PIPVER=$("$VENV/bin/python" - <<'PY'
import re, ansible_test, pathlib
src = (pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py").read_text()
print(re.search(r"pip='([0-9.]+)'", src).group(1))
PY
)
# ansible-test keeps its venvs and caches in ~/.ansible/test: two checkouts sharing it delete each other's
# half-built venvs. Each checkout gets its own, under a HOME of its own in .cache (pip's cache stays shared).
export PIP_CACHE_DIR=${PIP_CACHE_DIR:-$HOME/.cache/pip}
export HOME=$ROOT/.cache/ansible-test-home
mkdir -p ~/.ansible/test/cache
cp scripts/get-pip-offline.py ~/.ansible/test/cache/"get_pip_${PIPVER//./_}.py"

# SANITY_ROOT lets parallel runs use separate copies.
SANITY=${SANITY_ROOT:-$ROOT/.cache/$command}/ansible_collections
DEST=$SANITY/accountguard/aws
mkdir -p "$DEST" "$SANITY/amazon"
ln -sfn "$ROOT/.cache/collections/ansible_collections/amazon/aws" "$SANITY/amazon/aws"
# A fresh copy of the files git would ship (tracked and untracked-not-ignored), as in the working tree.
rm -rf "$DEST" && mkdir -p "$DEST"
git ls-files -co --exclude-standard -z | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$DEST"
cd "$DEST"
# ansible-test lists files through git; the copy lives inside our (ignored) .cache, so give it its own index.
git init -q . && git add -A
if [[ $command == units ]]; then
  PATH=$VENV/bin:$PATH ansible-test units --venv --python "$PYVER" --color no "$@"
else
  PATH=$VENV/bin:$PATH ansible-test sanity --python "$PYVER" --color no "$@"
fi
