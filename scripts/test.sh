#!/usr/bin/env bash
# Every test suite of the project: ansible-lint, ansible-test sanity, the molecule scenarios, the
# compatibility stage (scripts/compat.sh: the older ansible-core versions meta/runtime.yml claims), then
# pytest over the unit tests, the local AWS's own tests and the integration tests (so pytest's summary is
# the closing line).
# Usage: scripts/test.sh [all|unit|localaws|integration|sanity|lint|molecule|compat]
set -uo pipefail
source "$(dirname "$0")/env.sh"
export PYTHONDONTWRITEBYTECODE=1
what=${1:-all}
failed=()

stage() { echo; echo "==> $1"; }

# The role's scenarios (extensions/molecule); each uses the local AWS at LOCALAWS_URL, or starts its own.
molecule_stage() {
  stage "molecule test --all"
  NO_COLOR=1 molecule test --all >.cache/molecule.log 2>&1 && sed -n '/^DETAILS/,$p' .cache/molecule.log \
    || { cat .cache/molecule.log; failed+=(molecule); }
}

# Each older ansible-core that meta/runtime.yml claims, in a venv of its own (.cache/compat/<version>), against
# the local AWS at LOCALAWS_URL; it prints each step as it goes.
compat_stage() {
  stage "compatibility: ansible-core versions meta/runtime.yml claims (scripts/compat.sh)"
  scripts/compat.sh || failed+=(compat)
}

if [[ $what == all || $what == lint ]]; then
  stage "ansible-lint --profile production"
  ansible-lint --profile production || failed+=(lint)
fi
if [[ $what == all || $what == sanity ]]; then
  stage "ansible-test sanity"
  scripts/sanity.sh >.cache/sanity.log 2>&1 && grep -E "^(Running|WARNING: All)" .cache/sanity.log \
    || { grep -vE "is ignored|^(Looking|Collecting|Processing|Downloading|Installing|Successfully|Requirement| +━)" .cache/sanity.log; failed+=(sanity); }
fi
[[ $what == molecule ]] && molecule_stage
suites=()
case $what in
  all) suites=(tests/unit tests/localaws/tests tests/integration) ;;
  unit) suites=(tests/unit) ;;
  localaws) suites=(tests/localaws/tests) ;;
  integration) suites=(tests/integration) ;;
esac
if (( ${#suites[@]} )) || [[ $what == compat ]]; then
  # The local AWS runs in its own process: unit tests use moto in-process (mock_aws), whose global
  # state must not be shared with the server the integration tests talk to.
  stage "starting the local AWS"
  LOCALAWS_URL=$(python -m localaws start --state-dir .cache/test-localaws) || { echo "make test: the local AWS did not start"; exit 1; }
  export LOCALAWS_URL
  trap 'python -m localaws stop --state-dir .cache/test-localaws' EXIT
  echo "local AWS at $LOCALAWS_URL"
  [[ $what == all ]] && molecule_stage
  [[ $what == all || $what == compat ]] && compat_stage
  if (( ${#suites[@]} )); then
    stage "pytest ${suites[*]}"
    python -m pytest -p localaws.pytest_plugin -p no:cacheprovider -q "${suites[@]}" || failed+=(pytest)
  fi
fi
if (( ${#failed[@]} )); then
  echo "make test: FAILED: ${failed[*]}"
  exit 1
fi
