"""The IAM policies of examples/iam against what the baseline really calls: an apply and a drift scan through
ansible-playbook against the local AWS, every call read back from the local AWS's request log. The local AWS
does not evaluate IAM policies, so this checks the actions (a call the policy would deny), not resources or
conditions."""

import fnmatch
import json
import re

from botocore import xform_name

from playbook_helpers import ROOT
from playbook_helpers import baseline_vars
from playbook_helpers import write_inventory

BASELINE = ROOT / "playbooks" / "baseline.yml"
POLICIES = ROOT / "examples" / "iam"
MANAGEMENT = "123456789012"  # the local AWS's default account: the controller's credentials
ACCOUNTS = {"pol-1": "230000000001", "pol-2": "230000000002"}
# AWS Budgets authorizes its API operations with two actions (AWS Budgets' "Actions, resources, and condition keys").
BUDGETS = {"DescribeBudget": "ViewBudget", "DescribeBudgets": "ViewBudget", "DescribeNotificationsForBudget": "ViewBudget",
           "DescribeSubscribersForNotification": "ViewBudget"}
FREE = {"sts:GetCallerIdentity"}  # AWS never denies it


def allowed_actions(name):
    actions = []
    for statement in json.loads((POLICIES / name).read_text())["Statement"]:
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        actions += [listed] if isinstance(listed, str) else listed
    return actions


def iam_action(record):
    service, operation = record["service"], record["action"]
    if service == "budgets":
        return f"budgets:{BUDGETS.get(operation, 'ModifyBudget')}"
    return f"{service}:{operation}"


def denied(calls, policy):
    actions = allowed_actions(policy)
    return sorted({c for c in calls if c not in FREE and not any(fnmatch.fnmatchcase(c.lower(), a.lower()) for a in actions)})


def calls_by_account(aws):
    calls = {}
    for record in aws.control.requests(clear=True):
        calls.setdefault(record["account"], set()).add(iam_action(record))
    return calls


def test_the_example_policies_allow_every_call_of_an_apply_and_a_drift_scan(playbook, aws, tmp_path):
    for account in ACCOUNTS.values():
        aws.control.set_root(account, mfa="virtual")
    inventory = write_inventory(tmp_path, ACCOUNTS)
    extra = baseline_vars(playbook, [{"name": "alice"}, {"name": "bob", "console_access": False, "mfa": False}],
                          account_baseline_account_alias="{{ inventory_hostname }}-alias",
                          account_baseline_budget={"limit_amount": "100", "notifications": [{"type": "ACTUAL", "threshold": 80}],
                                                   "email_addresses": ["finops@example.com"]})
    aws.control.clear_requests()
    playbook.run(BASELINE, inventory=inventory, extra_vars=extra)
    applied = calls_by_account(aws)
    playbook.run(BASELINE, "--check", "--diff", inventory=inventory, extra_vars=extra)
    scanned = calls_by_account(aws)
    for account in ACCOUNTS.values():
        # The run really did the member account's work: users, MFA, alias, budget, password policy.
        assert {"iam:CreateUser", "iam:EnableMFADevice", "iam:CreateAccountAlias", "budgets:ModifyBudget",
                "iam:UpdateAccountPasswordPolicy"} <= applied[account]
        assert denied(applied[account], "member-apply.json") == []
        assert {"iam:GetUser", "budgets:ViewBudget"} <= scanned[account]
        assert denied(scanned[account], "member-drift-scan.json") == []
    assert "sts:AssumeRole" in applied[MANAGEMENT]
    for calls in (applied[MANAGEMENT], scanned[MANAGEMENT]):
        assert denied(calls, "management.json") == []
    assert set(applied) | set(scanned) == set(ACCOUNTS.values()) | {MANAGEMENT}


def test_the_scan_policy_is_read_only_and_every_granted_action_is_one_the_code_calls():
    scan = allowed_actions("member-drift-scan.json")
    assert not [a for a in scan if re.match(r"\w+:(Create|Update|Delete|Put|Attach|Detach|Add|Remove|Enable|Deactivate|Tag|Untag|Modify)", a)]
    assert set(scan) <= set(allowed_actions("member-apply.json"))
    source = "\n".join(p.read_text() for p in (ROOT / "plugins").rglob("*.py"))
    for policy in ("member-apply.json", "member-drift-scan.json", "management.json"):
        for action in allowed_actions(policy):
            service, name = action.split(":")
            if service == "budgets":
                assert name in ("ViewBudget", "ModifyBudget"), action
                continue
            method = xform_name(name)  # boto3's method name of the operation
            assert re.search(rf"\b{method}\b", source), f"{policy}: {action} ({method}) is never called"
