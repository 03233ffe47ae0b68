#!/usr/bin/env bash
# make demo: start the local AWS, run the collection's modules against it (apply, apply again, check mode),
# show that the secrets file is vaulted, and stop the local AWS. Everything stays in .cache/demo.
set -euo pipefail
source "$(dirname "$0")/env.sh"
export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
export ANSIBLE_PYTHON_INTERPRETER=$ROOT/.venv/bin/python
unset AWS_PROFILE AWS_SESSION_TOKEN
DEMO=$ROOT/.cache/demo
rm -rf "$DEMO" && mkdir -p "$DEMO"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "Starting the local AWS (moto + the IAM behaviour our modules rely on) on 127.0.0.1"
URL=$(python -m localaws start --state-dir "$DEMO/localaws")
trap 'say "Stopping the local AWS"; python -m localaws stop --state-dir "$DEMO/localaws"' EXIT
echo "local AWS at $URL"

say "Creating a throw-away vault password for this demo ($DEMO/vault-pass)"
python -c 'import secrets; print(secrets.token_urlsafe(24))' >"$DEMO/vault-pass"
chmod 600 "$DEMO/vault-pass"

playbook() { ansible-playbook -i localhost, demo/modules.yml -e "localaws_url=$URL" --vault-password-file "$DEMO/vault-pass" "$@"; }

say "1/3 Apply: root facts, admin group, admin user, virtual MFA"
playbook --diff

say "2/3 Apply again: nothing to change (changed=0)"
playbook 2>&1 | tail -n 3

say "3/3 Drift scan: check mode with --diff makes no AWS change and finds nothing pending"
python - "$URL" <<'PY'
import sys
from localaws.client import Control
Control(sys.argv[1]).clear_requests()
PY
playbook --check --diff 2>&1 | tail -n 3
python - "$URL" <<'PY'
import sys
from localaws.client import Control
writes = Control(sys.argv[1]).mutating_requests()
print(f"mutating AWS calls during the check-mode run: {len(writes)}")
sys.exit(1 if writes else 0)
PY

say "The secrets file is Ansible Vault encrypted (mode 0600); its keys, without their values:"
for f in "$DEMO"/secrets/*/*.yml; do
  ls -l "$f"
  head -c 40 "$f"; echo "..."
  ansible-vault view --vault-password-file "$DEMO/vault-pass" "$f" | sed -E 's/^([a-z_]+):.*/  \1: <hidden>/'
  echo "read it yourself with: ansible-vault view --vault-password-file $DEMO/vault-pass $f"
done
