#!/usr/bin/env bash
# Every test suite of the project: ansible-lint, ansible-test sanity, the molecule scenarios, the
# release check (scripts/release-check.sh), the compatibility stage (scripts/compat.sh: the older ansible-core versions meta/runtime.yml claims), then
# pytest over the unit tests, the local AWS's own tests and the integration tests (so pytest's summary is
# the closing line).
# Usage: scripts/test.sh [all|unit|localaws|integration|sanity|lint|molecule|compat|release-check]
set -uo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "$0")/env.sh"
export PYTHONDONTWRITEBYTECODE=1
what=${1:-all}
failed=()

stage() { echo; echo "==> $1"; }
# logged NAME LOG COMMAND...: a suite whose output goes to LOG; a line as it starts and one as it ends, with its duration.
logged() {
  local name=$1 log=$2 start=$SECONDS
  shift 2
  echo "$name: started $(date -u +%H:%M:%S) UTC, output in $log"
  if "$@" >"$log" 2>&1; then
    echo "$name: passed in $((SECONDS - start)) s"
  else
    echo "$name: FAILED after $((SECONDS - start)) s"
    return 1
  fi
}

# The role's scenarios (extensions/molecule); each uses the local AWS at LOCALAWS_URL, or starts its own.
molecule_stage() {
  stage "molecule test --all"
  if NO_COLOR=1 logged molecule .cache/molecule.log molecule test --all; then
    sed -n '/^DETAILS/,$p' .cache/molecule.log
  else
    cat .cache/molecule.log; failed+=(molecule)
  fi
}

# Each older ansible-core that meta/runtime.yml claims, in a venv of its own (.cache/compat/<version>), against
# the local AWS at LOCALAWS_URL; it prints each step as it goes.
compat_stage() {
  stage "compatibility: ansible-core versions meta/runtime.yml claims (scripts/compat.sh)"
  scripts/compat.sh || failed+=(compat)
}

if [[ $what == all || $what == lint ]]; then
  stage "ansible-lint --profile production"
  # No colour codes in a log: ansible-lint colours even a pipe unless told not to.
  NO_COLOR=1 ansible-lint --profile production || failed+=(lint)
  stage "shellcheck scripts/*.sh .ci/run"
  if shellcheck -x scripts/*.sh .ci/run; then echo "shellcheck: clean"; else failed+=(shellcheck); fi
fi
if [[ $what == all || $what == sanity ]]; then
  stage "ansible-test sanity"
  if logged "ansible-test sanity" .cache/sanity.log scripts/sanity.sh; then
    grep -E "^(Running|WARNING: All)" .cache/sanity.log
  else
    grep -vE "is ignored|^(Looking|Collecting|Processing|Downloading|Installing|Successfully|Requirement| +━)" .cache/sanity.log; failed+=(sanity)
  fi
fi
if [[ $what == all || $what == release-check ]]; then
  # The built tarball: its file list, galaxy-importer (Automation Hub settings), antsibull-docs, ansible-builder create.
  stage "release check (scripts/release-check.sh)"
  start=$SECONDS
  if scripts/release-check.sh; then echo "release check: passed in $((SECONDS - start)) s"; else failed+=(release-check); fi
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
    python -m pytest -p localaws.pytest_plugin -p no:cacheprovider -q "${PYTEST_WORKERS[@]}" "${suites[@]}" || failed+=(pytest)
  fi
fi
if (( ${#failed[@]} )); then
  echo "make test: FAILED: ${failed[*]}"
  exit 1
fi
