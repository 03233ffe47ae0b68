"""The account-level settings of playbooks/baseline.yml beyond the first hour: the account alias (and with it the
users' sign-in URL) and the cost budget, through real ansible-playbook runs, checked independently with boto3, the
vault library and the drift report."""

import json
from pathlib import Path

import pytest

from playbook_helpers import ROOT
from playbook_helpers import PlaybookRunner
from playbook_helpers import baseline_vars
from playbook_helpers import decrypt_yaml
from playbook_helpers import recaps
from playbook_helpers import write_inventory

BASELINE = ROOT / "playbooks" / "baseline.yml"
USERS = [{"name": "alice"}]
ACCOUNTS = {"acct-a": "310000000001", "acct-b": "310000000002"}


class ReportingRunner(PlaybookRunner):
    """Runs that write a drift report (the collection's callback) into tmp_path/reports."""

    def env(self):
        env = super().env()
        env.update(ANSIBLE_CALLBACKS_ENABLED="accountguard.aws.drift_report", ACCOUNTGUARD_DRIFT_REPORT_DIR=str(self.tmp_path / "reports"),
                   ACCOUNTGUARD_DRIFT_REPORT_NAME="report")
        return env

    def report(self):
        return json.loads(Path(self.tmp_path / "reports" / "report.json").read_text())


@pytest.fixture
def playbook(aws, tmp_path):
    return ReportingRunner(aws, tmp_path)


def run(playbook, inventory, *args, check=True, users=None, **more_vars):
    extra = baseline_vars(playbook, USERS if users is None else users, **more_vars)
    return playbook.run(BASELINE, *args, inventory=inventory, check=check, vault="--check" not in args, extra_vars=extra)


def items(report, host, kind):
    return [i for i in report["accounts"][host]["items"] if i["item"] == kind]


def alias_inventory(tmp_path, **aliases):
    return write_inventory(tmp_path, ACCOUNTS, **{h: {"account_baseline_account_alias": a} for h, a in aliases.items()})


# ---- the account alias -----------------------------------------------------------------------------

def test_the_alias_is_set_per_host_and_the_sign_in_url_uses_it(playbook, aws, tmp_path):
    inventory = alias_inventory(tmp_path, **{"acct-a": "acme-a"})  # acct-b has none: its alias is left alone
    aws.control.clear_requests()
    scan = run(playbook, inventory, "--check", "--diff")
    assert aws.control.mutating_requests() == []
    alias_items = items(playbook.report(), "acct-a", "account_alias")
    assert [(i["status"], i.get("after")) for i in alias_items] == [("drift", {"account_alias": "acme-a"})], scan.stdout
    assert items(playbook.report(), "acct-b", "account_alias") == []

    run(playbook, inventory)
    iam_a, iam_b = (aws.client("iam", account_id=ACCOUNTS[h]) for h in ("acct-a", "acct-b"))
    assert iam_a.list_account_aliases()["AccountAliases"] == ["acme-a"]
    assert iam_b.list_account_aliases()["AccountAliases"] == []
    secrets_a = decrypt_yaml(playbook.secrets_dir / ACCOUNTS["acct-a"] / "alice.yml", playbook.vault_password_file)
    secrets_b = decrypt_yaml(playbook.secrets_dir / ACCOUNTS["acct-b"] / "alice.yml", playbook.vault_password_file)
    assert secrets_a["sign_in_url"] == "https://acme-a.signin.aws.amazon.com/console"
    assert secrets_b["sign_in_url"] == f"https://{ACCOUNTS['acct-b']}.signin.aws.amazon.com/console"

    aws.control.clear_requests()
    again = run(playbook, inventory, "--check", "--diff")
    assert all(c["changed"] == 0 for c in recaps(again).values()), again.stdout
    assert aws.control.mutating_requests() == []
    assert [i["status"] for i in items(playbook.report(), "acct-a", "account_alias")] == ["ok"]
    assert all(c["changed"] == 0 for c in recaps(run(playbook, inventory)).values())


def test_an_alias_set_later_brings_the_stored_sign_in_url_to_it(playbook, aws, tmp_path):
    inventory = alias_inventory(tmp_path)
    run(playbook, inventory)
    path = playbook.secrets_dir / ACCOUNTS["acct-b"] / "alice.yml"
    before = decrypt_yaml(path, playbook.vault_password_file)
    assert before["sign_in_url"] == f"https://{ACCOUNTS['acct-b']}.signin.aws.amazon.com/console"
    run(playbook, alias_inventory(tmp_path, **{"acct-b": "acme-b"}))
    after = decrypt_yaml(path, playbook.vault_password_file)
    assert after == dict(before, sign_in_url="https://acme-b.signin.aws.amazon.com/console")


def test_an_alias_another_account_holds_fails_that_account_before_its_first_write(playbook, aws, tmp_path):
    aws.client("iam", account_id="999999999999").create_account_alias(AccountAlias="acme-a")
    inventory = alias_inventory(tmp_path, **{"acct-a": "acme-a", "acct-b": "acme-b"})
    aws.control.clear_requests()
    out = run(playbook, inventory, check=False)
    counters = recaps(out)
    assert counters["acct-a"]["failed"] == 1 and counters["acct-b"]["failed"] == 0, out.stdout
    assert (f"account acct-a ({ACCOUNTS['acct-a']}): Account alias - the name in the sign-in URL: The account alias acme-a is "
            "taken by another AWS account") in out.stdout, out.stdout
    writes_a = [r["action"] for r in aws.control.mutating_requests(account=ACCOUNTS["acct-a"])]
    assert writes_a == ["CreateAccountAlias"]  # the refused one: no group, no user, no policy
    iam_a = aws.client("iam", account_id=ACCOUNTS["acct-a"])
    assert iam_a.list_users()["Users"] == [] and iam_a.list_account_aliases()["AccountAliases"] == []
    assert not (playbook.secrets_dir / ACCOUNTS["acct-a"] / "alice.yml").exists()
    assert aws.client("iam", account_id=ACCOUNTS["acct-b"]).list_account_aliases()["AccountAliases"] == ["acme-b"]
    assert [i["status"] for i in items(playbook.report(), "acct-a", "account_alias")] == ["failed"]


def test_a_bad_alias_stops_the_account_before_any_call(playbook, aws, tmp_path):
    inventory = alias_inventory(tmp_path, **{"acct-a": "Not_An_Alias"})
    aws.control.clear_requests()
    out = run(playbook, inventory, check=False)
    assert recaps(out)["acct-a"]["failed"] == 1
    assert ("Account alias - the name in the sign-in URL: Invalid input: the account alias 'Not_An_Alias' is invalid") in out.stdout, out.stdout
    assert [r for r in aws.control.requests() if r["account"] == ACCOUNTS["acct-a"]] == []


# ---- the cost budget -------------------------------------------------------------------------------

BUDGET = {"limit_amount": "100", "notifications": [{"type": "ACTUAL", "threshold": 80}, {"type": "FORECASTED", "threshold": 100}],
          "email_addresses": ["finops@example.com"]}


def budgets_of(aws, account):
    client = aws.client("budgets", account_id=account)
    found = {}
    for b in client.describe_budgets(AccountId=account)["Budgets"]:
        notes = client.describe_notifications_for_budget(AccountId=account, BudgetName=b["BudgetName"])["Notifications"]
        found[b["BudgetName"]] = (b["TimeUnit"], b["BudgetLimit"]["Amount"], sorted((n["NotificationType"], n["Threshold"]) for n in notes))
    return found


def test_without_a_budget_the_role_leaves_budgets_alone(playbook, aws, tmp_path):
    inventory = write_inventory(tmp_path, ACCOUNTS)
    aws.client("budgets", account_id=ACCOUNTS["acct-a"]).create_budget(
        AccountId=ACCOUNTS["acct-a"], Budget={"BudgetName": "theirs", "BudgetType": "COST", "TimeUnit": "MONTHLY",
                                              "BudgetLimit": {"Amount": "7", "Unit": "USD"}})
    aws.control.clear_requests()
    run(playbook, inventory)
    assert [r for r in aws.control.requests() if r.get("service") == "budgets"] == []
    assert all(items(playbook.report(), host, "budget") == [] for host in ACCOUNTS)
    assert budgets_of(aws, ACCOUNTS["acct-a"]) == {"theirs": ("MONTHLY", "7", [])}


def test_with_a_budget_every_account_gets_its_own_and_the_report_lists_it(playbook, aws, tmp_path):
    inventory = write_inventory(tmp_path, ACCOUNTS)
    aws.control.clear_requests()
    run(playbook, inventory, "--check", "--diff", account_baseline_budget=BUDGET)
    assert aws.control.mutating_requests() == []
    for host in ACCOUNTS:
        [item] = items(playbook.report(), host, "budget")
        assert (item["status"], item["message"]) == ("drift", "missing")
        assert item["after"]["limit"] == {"amount": "100", "currency": "USD"}

    run(playbook, inventory, account_baseline_budget=BUDGET)
    expected = {"accountguard-cost": ("MONTHLY", "100", [("ACTUAL", 80.0), ("FORECASTED", 100.0)])}
    assert all(budgets_of(aws, account) == expected for account in ACCOUNTS.values())
    assert [i["status"] for i in items(playbook.report(), "acct-a", "budget")] == ["changed"]

    aws.control.clear_requests()
    again = run(playbook, inventory, "--check", "--diff", account_baseline_budget=BUDGET)
    assert all(c["changed"] == 0 for c in recaps(again).values()), again.stdout
    assert aws.control.mutating_requests() == []
    assert all([i["status"] for i in items(playbook.report(), host, "budget")] == ["ok"] for host in ACCOUNTS)
    assert all(c["changed"] == 0 for c in recaps(run(playbook, inventory, account_baseline_budget=BUDGET)).values())

    # Raised behind the playbook's back in one account: drift there only, with the fields that moved.
    account = ACCOUNTS["acct-b"]
    aws.client("budgets", account_id=account).update_budget(AccountId=account, NewBudget={
        "BudgetName": "accountguard-cost", "BudgetType": "COST", "TimeUnit": "MONTHLY", "BudgetLimit": {"Amount": "900", "Unit": "USD"}})
    run(playbook, inventory, "--check", "--diff", account_baseline_budget=BUDGET)
    [item] = items(playbook.report(), "acct-b", "budget")
    assert (item["status"], item["before"], item["after"]) == ("drift", {"limit": {"amount": "900", "currency": "USD"}},
                                                               {"limit": {"amount": "100", "currency": "USD"}})
    assert [i["status"] for i in items(playbook.report(), "acct-a", "budget")] == ["ok"]


def test_a_bad_budget_stops_the_account_before_any_call(playbook, aws, tmp_path):
    inventory = write_inventory(tmp_path, {"acct-a": ACCOUNTS["acct-a"]})
    aws.control.clear_requests()
    out = run(playbook, inventory, check=False, account_baseline_budget=dict(BUDGET, currency="dollars"))
    assert recaps(out)["acct-a"]["failed"] == 1
    assert ("Cost budget - AWS Budgets limit and notifications: Invalid input for the budget 'accountguard-cost': currency 'dollars' "
            "is not an ISO 4217 currency code") in out.stdout, out.stdout
    assert [r for r in aws.control.requests() if r["account"] == ACCOUNTS["acct-a"]] == []
