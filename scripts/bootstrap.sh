#!/usr/bin/env bash
# Installs everything the project needs into .venv and .cache (nothing outside the checkout).
# Needs Python >= 3.12 (ansible-core 2.21) and the PyPI registry; Ansible Galaxy is not used:
# amazon.aws is taken from the `ansible` community package on PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
AMAZON_AWS_FROM=ansible==14.5.0   # bundle release that carries amazon.aws 11.x

python_ok() { "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }

find_python() {
  local c
  for c in python3.13 python3.12 python3; do
    if command -v "$c" >/dev/null 2>&1 && python_ok "$c"; then command -v "$c"; return 0; fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for c in "$(pyenv root)"/versions/3.1[3-9]*/bin/python3 "$(pyenv root)"/versions/3.12*/bin/python3; do
      if [ -x "$c" ] && python_ok "$c"; then echo "$c"; return 0; fi
    done
  fi
  return 1
}

if [ ! -x .venv/bin/python ]; then
  PY=${PYTHON:-$(find_python)} || {
    echo "bootstrap: no Python >= 3.12 with venv found (looked on PATH for python3.13, python3.12," >&2
    echo "bootstrap: python3, then in pyenv's versions). Install one, or set PYTHON=/path/to/python3.12." >&2
    exit 1
  }
  echo "bootstrap: creating .venv with $PY ($("$PY" --version 2>&1))"
  "$PY" -m venv .venv
fi

echo "bootstrap: installing Python packages (first run takes about a minute)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  -r requirements.txt -r test-requirements.txt 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c 'import ansible, boto3, moto, pytest, segno, cv2, pyotp' || { echo "bootstrap: package install failed" >&2; exit 1; }

COLL=$ROOT/.cache/collections/ansible_collections
if [ ! -f "$COLL/amazon/aws/MANIFEST.json" ]; then
  echo "bootstrap: fetching amazon.aws from the $AMAZON_AWS_FROM package"
  mkdir -p .cache/wheels "$COLL"
  .venv/bin/python -m pip download --quiet --disable-pip-version-check --no-deps \
    -d .cache/wheels "$AMAZON_AWS_FROM" 2>&1 | grep -v "is ignored" || true
  .venv/bin/python - "$COLL" <<'PY'
import glob, sys, zipfile
wheel = sorted(glob.glob(".cache/wheels/ansible-*.whl"))[-1]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith("ansible_collections/amazon/aws/")]
    z.extractall(sys.argv[1].rsplit("ansible_collections", 1)[0], members=names)
print(f"bootstrap: amazon.aws extracted ({len(names)} files)")
PY
fi
mkdir -p "$COLL/accountguard"
ln -sfn "$ROOT" "$COLL/accountguard/aws"
touch .venv/.bootstrapped
echo "bootstrap: ready (.venv, collections in .cache/collections)"
