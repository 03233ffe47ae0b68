#!/usr/bin/env bash
# The compatibility stage: every ansible-core minor version meta/runtime.yml claims below the project's own
# (which the rest of `make test` runs) gets a small venv of its own in .cache/compat/<minor> (Python 3.12,
# the core pinned in tests/compat/cores.txt, tests/compat/requirements.txt; rebuilt when either changes), and
# runs with it, against the local AWS at LOCALAWS_URL: the unit tests of the secrets file with that core's
# own string types, then the four steps of each AWS module and the baseline runs (tests/compat/select_tests.py
# picks them from the collection's catalog), each both ways (worker and module process).
# Usage: scripts/compat.sh [minor ...]   (default: every claimed minor version)
set -uo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "$0")/env.sh"
: "${LOCALAWS_URL:?the compatibility stage needs the local AWS: set LOCALAWS_URL (scripts/test.sh does)}"
REQS=tests/compat/requirements.txt
CORES=tests/compat/cores.txt
UNIT_TESTS=(tests/unit/plugins/plugin_utils/test_secrets_file_types.py)

python312() {
  local c
  for c in python3.12 "$(command -v pyenv >/dev/null 2>&1 && pyenv root)"/versions/3.12*/bin/python3; do
    if "$c" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1; then
      command -v "$c"; return 0
    fi
  done
  return 1
}

# A venv for one minor version, built once per requirement (key: the pin, requirements.txt and the Python).
venv_for() {
  local v=$1 dir=.cache/compat/$1 pin key
  pin=$(awk -v v="$v" '$1 == v {print $2}' "$CORES")
  bundle=$(awk -v v="$v" '$1 == v {print $3}' "$CORES")
  [[ -n $pin ]] || { echo "compat: $CORES has no line for ansible-core $v (meta/runtime.yml claims it)" >&2; return 1; }
  key="$pin $bundle $(sha256sum "$REQS" | cut -c1-16) $("$PY" --version 2>&1)"
  if [[ -x $dir/bin/ansible-playbook && "$(cat "$dir/.key" 2>/dev/null)" == "$key" ]]; then
    echo "compat $v: venv $dir is up to date ($pin${bundle:+, amazon.aws from $bundle})"
    return 0
  fi
  echo "compat $v: building venv $dir ($pin, $("$PY" --version 2>&1))"
  rm -rf "$dir" && "$PY" -m venv "$dir" || return 1
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$pin" -r "$REQS" 2>&1 | grep -v "is ignored"
  "$dir/bin/python" -c 'import ansible, boto3, pytest' || { echo "compat $v: package install failed" >&2; return 1; }
  if [[ -n $bundle ]]; then
    # Only amazon.aws out of the bundle's wheel (as bootstrap.sh does), into a collections root of this venv.
    echo "compat $v: amazon.aws from the $bundle package"
    mkdir -p .cache/wheels "$dir/collections/ansible_collections/accountguard"
    python -m pip download --quiet --disable-pip-version-check --no-deps -d .cache/wheels "$bundle" 2>&1 | grep -v "is ignored"
    python - "$dir/collections" ".cache/wheels/${bundle/==/-}-py3-none-any.whl" <<'PY' || return 1
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[2]) as z:
    z.extractall(sys.argv[1], members=[n for n in z.namelist() if n.startswith("ansible_collections/amazon/aws/")])
    print("compat: amazon.aws", json.loads(z.read("ansible_collections/amazon/aws/MANIFEST.json"))["collection_info"]["version"])
PY
    ln -sfn "$PWD" "$dir/collections/ansible_collections/accountguard/aws"
  fi
  echo "$key" >"$dir/.key"
}

PY=$(python312) || {
  echo "compat: needs Python 3.12 (the one version ansible-core 2.17 to 2.20 all run on): none found on PATH" >&2
  echo "compat: (python3.12) nor in pyenv's versions. Install one (pyenv install 3.12), or put it on PATH." >&2
  exit 1
}
own=$(ansible --version | sed -n 's/^ansible \[core \([0-9.]*\)\].*/\1/p')
selection=$(python tests/compat/select_tests.py "$own") || exit 1
read -r -a versions <<<"$(sed -n 's/^versions //p' <<<"$selection")"
(( $# )) && versions=("$@")
mapfile -t tests < <(sed -n 's/^test \([^ ]*\) .*/\1/p' <<<"$selection")
echo "compat: the project runs ansible-core $own; meta/runtime.yml also claims ${versions[*]:-nothing older}"
sed -n 's/^test \([^ ]*\) \(.*\)/compat: will run \1  (\2)/p; s/^note /compat: note: /p' <<<"$selection"

failed=()
for v in "${versions[@]}"; do
  start=$SECONDS
  venv_for "$v" || { failed+=("$v (venv)"); continue; }
  bin=$PWD/.cache/compat/$v/bin
  collections=$ANSIBLE_COLLECTIONS_PATH
  [[ -d .cache/compat/$v/collections ]] && collections=$PWD/.cache/compat/$v/collections
  echo "compat $v: $("$bin/ansible" --version | sed -n 1p), amazon.aws $(ANSIBLE_COLLECTIONS_PATH=$collections "$bin/ansible-galaxy" collection list amazon.aws 2>/dev/null | awk '$1 == "amazon.aws" {print $2}') from $collections"
  echo "compat $v: unit tests with this core's string types: ${UNIT_TESTS[*]}"
  # That venv has no pytest-ansible (it does not support 2.17): no addopts of pytest.ini, the collections root on sys.path.
  PYTHONPATH=$collections${PYTHONPATH:+:$PYTHONPATH} "$bin/python" -m pytest -p no:cacheprovider -o addopts= -q "${UNIT_TESTS[@]}" \
    || failed+=("$v (unit)")
  echo "compat $v: the integration tests above, with $bin/ansible-playbook"
  # The project's pytest runs them, on every core (PYTEST_WORKERS, scripts/env.sh).
  ACCOUNTGUARD_TEST_ANSIBLE_BIN=$bin ACCOUNTGUARD_TEST_COLLECTIONS_PATH=$collections python -m pytest -p localaws.pytest_plugin -p no:cacheprovider \
    -q "${PYTEST_WORKERS[@]}" "${tests[@]}" || failed+=("$v (integration)")
  echo "compat $v: done in $((SECONDS - start)) s"
done
if (( ${#failed[@]} )); then
  echo "compat: FAILED on ansible-core ${failed[*]}"
  exit 1
fi
echo "compat: ansible-core ${versions[*]} passed"
