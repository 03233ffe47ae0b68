#!/usr/bin/env bash
# make demo: an AWS organization on the local AWS brought to the baseline by playbooks/baseline.yml,
# proven idempotent, scanned for drift, drifted behind the playbook's back, scanned again. Everything
# stays in .cache/demo; the local AWS is stopped at the end.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "$0")/env.sh"
export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
export ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=1 ANSIBLE_DEPRECATION_WARNINGS=0
# The management account's credentials; the playbook assumes OrganizationAccountAccessRole in each member.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=local-aws-accepts-any-secret AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
DEMO=$ROOT/.cache/demo
rm -rf "$DEMO" && mkdir -p "$DEMO"
started=$SECONDS

# Headings in bold on a terminal; plain text into a file or pipe, or with NO_COLOR set.
if [[ -t 1 && -z ${NO_COLOR:-} ]]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD='' PLAIN=''; fi
say() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$PLAIN"; }
mutating_calls() { python - "$URL" <<'PY'
import sys
from localaws.client import Control
writes = Control(sys.argv[1]).mutating_requests()
print(f"mutating AWS calls during the drift scan: {len(writes)}")
sys.exit(1 if writes else 0)
PY
}
clear_log() { python -c 'import sys; from localaws.client import Control; Control(sys.argv[1]).clear_requests()' "$URL"; }
# The per-account summary and the recap: what a person reads at the end of a run.
tail_of_run() { sed -n '/TASK \[Summary per account\]/,$p' | grep -vE '^(TASK \[Fail the accounts|skipping:|\s*$)'; }

say "Starting the local AWS (moto + the IAM behaviour accountguard relies on) on 127.0.0.1"
URL=$(python -m localaws start --state-dir "$DEMO/localaws")
trap 'say "Stopping the local AWS"; python -m localaws stop --state-dir "$DEMO/localaws"' EXIT
echo "local AWS at $URL"

say "Creating an AWS organization: management account 123456789012 and three member accounts"
python demo/organization.py "$URL"

say "The organization as an Ansible inventory (plugin accountguard.aws.aws_organizations)"
cat >"$DEMO/org.aws_organizations.yml" <<EOF
plugin: accountguard.aws.aws_organizations
endpoint_url: $URL
region: us-east-1
hostname: name
exclude_management_account: true
EOF
cat "$DEMO/org.aws_organizations.yml"
ansible-inventory -i "$DEMO/org.aws_organizations.yml" --graph
INVENTORY=$DEMO/org.aws_organizations.yml

say "Creating a throw-away vault password for this demo ($DEMO/vault-pass)"
python -c 'import secrets; print(secrets.token_urlsafe(24))' >"$DEMO/vault-pass"
chmod 600 "$DEMO/vault-pass"

# The drift scans write their report with the collection's callback (JSON, JUnit XML, Markdown).
scan() {
  ACCOUNTGUARD_DRIFT_REPORT_DIR=$DEMO/reports ACCOUNTGUARD_DRIFT_REPORT_NAME=$1 ANSIBLE_CALLBACKS_ENABLED=accountguard.aws.drift_report \
    baseline --check --diff "${@:2}"
}
# The pipeline's one-liner (jq -e .clean does the same where jq is installed).
report_is_clean() {
  echo "\$ python3 -c 'import json,sys; sys.exit(not json.load(open(sys.argv[1]))[\"clean\"])' reports/$1.json"
  if python3 -c 'import json,sys; sys.exit(not json.load(open(sys.argv[1]))["clean"])' "$DEMO/reports/$1.json"; then
    echo "exit 0: no drift, no failed account"
  else
    echo "exit $?: the report holds drift or a failed account"
  fi
}
baseline() {
  ansible-playbook -i "$INVENTORY" playbooks/baseline.yml -e @demo/baseline-vars.yml \
    -e "account_baseline_aws_endpoint_url=$URL" -e "account_baseline_secrets_dir=$DEMO/secrets" --forks 3 "$@"
}

say "1/9 Apply: root facts, admin group, CIS password policy, admin users, virtual MFA, in every account (3 forks)"
baseline --vault-password-file "$DEMO/vault-pass" | tail_of_run

say "2/9 Apply again: nothing to change (changed=0 in every account)"
baseline --vault-password-file "$DEMO/vault-pass" | tail_of_run
PROD=$(ansible-inventory -i "$INVENTORY" --host prod-web | python -c 'import json, sys; print(json.load(sys.stdin)["aws_account_id"])')
echo "The account password policy now in force in prod-web ($PROD), read with boto3 (the role's CIS default):"
python - "$URL" "$PROD" <<'PY'
import sys
from localaws.endpoint import Endpoint
policy = Endpoint(sys.argv[1]).client("iam", account_id=sys.argv[2]).get_account_password_policy()["PasswordPolicy"]
print("  " + ", ".join(f"{k}={v}" for k, v in sorted(policy.items())))
PY

say "3/9 Drift scan (--check --diff, no vault password needed): no AWS change; the baseline holds"
clear_log
scan scan-1 | tail_of_run
mutating_calls
echo "The drift report ($DEMO/reports/scan-1.md):"
cat "$DEMO/reports/scan-1.md"
echo "Only dev-sandbox's root user, with a password and no MFA, is reported: with the default"
echo "account_baseline_root_credentials=keep a finding the baseline cannot repair (\"repairable\": false); steps 7 to 9 repair it centrally."

DRIFTED=$(ansible-inventory -i "$INVENTORY" --host prod-web | python -c 'import json, sys; print(json.load(sys.stdin)["aws_account_id"])')
say "4/9 Behind the playbook's back: alice's MFA device in prod-web ($DRIFTED) is deactivated and deleted"
python - "$URL" "$DRIFTED" <<'PY'
import sys
from localaws.endpoint import Endpoint
iam = Endpoint(sys.argv[1]).client("iam", account_id=sys.argv[2])
for device in iam.list_mfa_devices(UserName="alice")["MFADevices"]:
    iam.deactivate_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"])
    iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])
    print(f"deleted {device['SerialNumber']}")
PY

say "5/9 Drift scan again: exactly that is reported (prod-web, alice's MFA device), nothing else"
clear_log
scan scan-2 >"$DEMO/drift-scan.log"
sed -n '/TASK \[.*Baseline - /,/^TASK/p' "$DEMO/drift-scan.log" | grep -vE '^(TASK|ok:|skipping:|\s*$)'
tail_of_run <"$DEMO/drift-scan.log"
mutating_calls
cat "$DEMO/reports/scan-2.md"
echo "The item in the JSON report:"
python - "$DEMO/reports/scan-2.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for item in report["accounts"]["prod-web"]["items"]:
    if item["status"] == "drift":
        print(json.dumps(item, indent=2, sort_keys=True))
PY
report_is_clean scan-2

say "6/9 Apply repairs it (a new device, its seed stored in the vault first)"
baseline --vault-password-file "$DEMO/vault-pass" | tail_of_run

SANDBOX=$(ansible-inventory -i "$INVENTORY" --host dev-sandbox | python -c 'import json, sys; print(json.load(sys.stdin)["aws_account_id"])')
say "7/9 Centralized root access: the management account enables it for the organization (playbooks/root_access.yml)"
ansible-playbook playbooks/root_access.yml -e "account_baseline_aws_endpoint_url=$URL" | sed -n '/TASK \[What the organization/,/^$/p' | grep msg

say "8/9 Drift scan with account_baseline_root_credentials=remove: each root user with credentials (dev-sandbox, prod-web) is drift repairable centrally"
clear_log
scan scan-3 -e account_baseline_root_credentials=remove | tail_of_run
mutating_calls
cat "$DEMO/reports/scan-3.md"
echo "The root items in drift, from the JSON report:"
python - "$DEMO/reports/scan-3.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for host, account in sorted(report["accounts"].items()):
    for item in account["items"]:
        if item["item"].startswith("root_") and item["status"] != "ok":
            print(f"  {host} {item['item']}: {item['status']}, repairable {str(item['repairable']).lower()}: {item.get('message')}")
PY

say "9/9 Apply with remove: those root credentials are deleted through sts:AssumeRoot; then the scan is clean"
baseline --vault-password-file "$DEMO/vault-pass" -e account_baseline_root_credentials=remove | tail_of_run
echo "dev-sandbox's root user, read with boto3 in the account (GetAccountSummary):"
python - "$URL" "$SANDBOX" <<'PY'
import sys
from localaws.endpoint import Endpoint
summary = Endpoint(sys.argv[1]).client("iam", account_id=sys.argv[2]).get_account_summary()["SummaryMap"]
print("  " + ", ".join(f"{k}={summary[k]}" for k in ("AccountPasswordPresent", "AccountAccessKeysPresent", "AccountMFAEnabled")))
PY
clear_log
scan scan-4 -e account_baseline_root_credentials=remove | grep -A4 "^PLAY RECAP"
mutating_calls
cat "$DEMO/reports/scan-4.md"
report_is_clean scan-4

say "Secrets are Ansible Vault files, mode 0600, one per user and account:"
find "$DEMO/secrets" -type f -exec ls -l {} \;
FILE=$DEMO/secrets/$DRIFTED/alice.yml
echo
echo "Read one yourself with:"
echo "  ansible-vault view --vault-password-file $DEMO/vault-pass $FILE"
echo "What it holds (values hidden here):"
ansible-vault view --vault-password-file "$DEMO/vault-pass" "$FILE" | sed -E 's/^([a-z_]+):.*/  \1: <hidden>/'

say "The hand-over sheet of alice in prod-web (playbooks/handover.yml): what the console shows once, from the vault"
ansible-playbook -i "$INVENTORY" playbooks/handover.yml -e account=prod-web -e user=alice -e "secrets_dir=$DEMO/secrets" \
  --vault-password-file "$DEMO/vault-pass" >"$DEMO/handover.log" || { cat "$DEMO/handover.log"; exit 1; }
sed -n 's/^ *"msg": "\(Hand-over sheet .*\)"$/\1/p' "$DEMO/handover.log"
find "$DEMO/secrets/handover" -type f -exec ls -l {} \;
echo "Open the HTML page in a browser to hand it over (-e show_qr_for=alice shows the QR code in the terminal)."
echo
echo "demo finished in $((SECONDS - started)) s"
