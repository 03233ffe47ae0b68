"""budget against the local AWS, through ansible-playbook: the four steps, drift shown by --check --diff, every
kind of bad input, state absent; checked with plain boto3."""

import boto3
import pytest

from playbook_helpers import four_steps
from playbook_helpers import recap

# Every test here runs both ways: in the controller's worker and as module processes.
pytestmark = pytest.mark.usefixtures("way")

ACCOUNT = "123456789012"  # the account of the targets' credentials
TOPIC = "arn:aws:sns:us-east-1:123456789012:budget-alarms"
ACTUAL_80 = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0, "ThresholdType": "PERCENTAGE"}
FORECASTED_100 = dict(ACTUAL_80, NotificationType="FORECASTED", Threshold=100.0)
TARGET = {
    "name": "monthly-cost", "limit_amount": "100", "currency": "USD", "time_unit": "MONTHLY",
    "notifications": [{"type": "ACTUAL", "threshold": 80}, {"type": "FORECASTED", "threshold": 100}],
    "email_addresses": ["finops@example.com", "cto@example.com"], "sns_topic_arn": TOPIC,
}


@pytest.fixture
def budgets(aws):
    """An independent verifier: plain boto3 against the local AWS, not the module under test."""
    return boto3.client("budgets", endpoint_url=aws.url, region_name="us-east-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="verifier-secret-key")


def state_of(budgets, name="monthly-cost"):
    """(time unit, limit, {(type, threshold): sorted subscribers}) of the budget, or None."""
    try:
        found = budgets.describe_budget(AccountId=ACCOUNT, BudgetName=name)["Budget"]
    except budgets.exceptions.NotFoundException:
        return None
    notes = {}
    for n in budgets.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName=name)["Notifications"]:
        subs = budgets.describe_subscribers_for_notification(AccountId=ACCOUNT, BudgetName=name, Notification=n)["Subscribers"]
        notes[(n["NotificationType"], n["Threshold"])] = sorted((s["SubscriptionType"], s["Address"]) for s in subs)
    return found["TimeUnit"], (found["BudgetLimit"]["Amount"], found["BudgetLimit"]["Unit"]), notes


SUBSCRIBERS = sorted([("EMAIL", "cto@example.com"), ("EMAIL", "finops@example.com"), ("SNS", TOPIC)])
TARGET_STATE = ("MONTHLY", ("100", "USD"), {("ACTUAL", 80.0): SUBSCRIBERS, ("FORECASTED", 100.0): SUBSCRIBERS})


def budget_actions(aws):
    return [r["action"] for r in aws.control.requests() if r.get("service") == "budgets"]


def test_four_steps_then_verified_independently(playbook, aws, budgets):
    four_steps(playbook, aws, "budget.yml")
    assert state_of(budgets) == TARGET_STATE
    aws.control.clear_requests()
    assert recap(playbook.run("budget.yml"))["changed"] == 0
    # The steady state: the budget, its notifications, their subscribers; the account id from the session.
    assert sorted(budget_actions(aws)) == sorted(["DescribeBudget", "DescribeNotificationsForBudget"] + ["DescribeSubscribersForNotification"] * 2)
    assert [r["action"] for r in aws.control.requests() if r.get("service") == "sts"] == ["GetCallerIdentity"]
    # Given the account id, no STS call; 100.0 is the same amount as 100.
    aws.control.clear_requests()
    assert recap(playbook.run("budget.yml", extra_vars={"budget": dict(TARGET, account_id=ACCOUNT, limit_amount="100.0")}))["changed"] == 0
    assert [r for r in aws.control.requests() if r.get("service") == "sts"] == []


def test_drift_is_shown_by_check_diff_then_repaired_in_place(playbook, aws, budgets):
    playbook.run("budget.yml")
    raised = {"BudgetName": "monthly-cost", "BudgetType": "COST", "TimeUnit": "MONTHLY", "BudgetLimit": {"Amount": "500", "Unit": "USD"}}
    budgets.update_budget(AccountId=ACCOUNT, NewBudget=raised)
    budgets.delete_subscriber(AccountId=ACCOUNT, BudgetName="monthly-cost", Notification=ACTUAL_80,
                              Subscriber={"SubscriptionType": "EMAIL", "Address": "cto@example.com"})
    budgets.create_notification(AccountId=ACCOUNT, BudgetName="monthly-cost", Notification=dict(ACTUAL_80, Threshold=50.0),
                                Subscribers=[{"SubscriptionType": "EMAIL", "Address": "someone@example.com"}])
    aws.control.clear_requests()
    scan = playbook.run("budget.yml", "--check", "--diff")
    assert recap(scan)["changed"] == 1
    assert aws.control.mutating_requests() == []
    for line in ('-        "amount": "500",', '+        "amount": "100",', '-                "someone@example.com"'):
        assert line in scan.stdout, scan.stdout
    aws.control.clear_requests()
    assert recap(playbook.run("budget.yml"))["changed"] == 1
    assert state_of(budgets) == TARGET_STATE
    # Repaired in place: the budget is not re-created, the 80 % notification keeps its state (a subscriber added).
    assert sorted(r["action"] for r in aws.control.mutating_requests()) == ["CreateSubscriber", "DeleteNotification", "UpdateBudget"]


def test_time_unit_subscribers_and_notifications_change(playbook, aws, budgets):
    playbook.run("budget.yml")
    changed = dict(TARGET, time_unit="QUARTERLY", limit_amount="250.50", notifications=[{"type": "ACTUAL", "threshold": 95.5}],
                   email_addresses=["finops@example.com"], sns_topic_arn=None)
    assert recap(playbook.run("budget.yml", extra_vars={"budget": changed}))["changed"] == 1
    assert state_of(budgets) == ("QUARTERLY", ("250.5", "USD"), {("ACTUAL", 95.5): [("EMAIL", "finops@example.com")]})
    assert recap(playbook.run("budget.yml", extra_vars={"budget": changed}))["changed"] == 0


def test_absent_in_four_steps_removes_it(playbook, aws, budgets):
    playbook.run("budget.yml")
    four_steps(playbook, aws, "budget.yml", extra_vars={"budget_state": "absent"})
    assert state_of(budgets) is None


BAD_INPUTS = {
    "a negative amount": ({"limit_amount": "-5"}, "limit_amount '-5' is not an amount"),
    "a zero amount": ({"limit_amount": "0"}, "limit_amount must be more than 0, not 0"),
    "a word for an amount": ({"limit_amount": "lots"}, "limit_amount 'lots' is not an amount"),
    "three decimals": ({"limit_amount": "10.505"}, "limit_amount '10.505' is not an amount"),
    "no amount": ({"limit_amount": ""}, "limit_amount is required"),
    "a lower-case currency": ({"currency": "usd"},
                              "currency 'usd' is not an ISO 4217 currency code of three capital letters such as USD or EUR (did you mean USD?)"),
    "a currency sign": ({"currency": "$"}, "currency '$' is not an ISO 4217 currency code"),
    "a zero threshold": ({"notifications": [{"threshold": 0}]}, "threshold must be a percentage of the limit above 0 and at most 1000, not 0.0"),
    "a huge threshold": ({"notifications": [{"threshold": 5000}]}, "at most 1000, not 5000.0"),
    "a repeated threshold": ({"notifications": [{"threshold": 80}, {"threshold": 80}]}, "the ACTUAL notification at 80% is listed twice"),
    "a bad address": ({"email_addresses": ["finops@example.com", "not-an-address"]}, "not e-mail addresses: 'not-an-address'"),
    "a bad topic": ({"sns_topic_arn": "budget-alarms"}, "sns_topic_arn 'budget-alarms' is not an SNS topic ARN"),
    "nobody to notify": ({"email_addresses": [], "sns_topic_arn": None}, "notifications need someone to notify"),
    "a bad name": ({"name": "a:b"}, "the budget name 'a:b' must be 1 to 100 characters without ':'"),
    "a bad account id": ({"account_id": "12345"}, "account_id '12345' is not a 12-digit AWS account id"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_clearly_before_any_call(playbook, aws, budgets, case):
    change, message = BAD_INPUTS[case]
    aws.control.clear_requests()
    out = playbook.run("budget.yml", check=False, extra_vars={"budget": dict(TARGET, **change)})
    assert recap(out)["failed"] == 1
    assert f"Invalid input for the budget '{dict(TARGET, **change)['name']}': " in out.stdout and message in out.stdout, out.stdout
    assert "Nothing was changed." in out.stdout
    assert aws.control.requests() == []
    assert state_of(budgets) is None


def test_another_accounts_budget_is_refused(playbook, aws, budgets):
    out = playbook.run("budget.yml", check=False, extra_vars={"budget": dict(TARGET, account_id="210987654321")})
    assert recap(out)["failed"] == 1
    assert "AccessDeniedException" in out.stdout or "not authorized" in out.stdout, out.stdout
    assert aws.control.mutating_requests() == []
