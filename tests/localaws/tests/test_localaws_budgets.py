"""AWS Budgets on the local AWS: each account's own budgets only, and the calls moto lacks."""

from localaws_testutil import NO_RETRIES, error_code

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
BUDGET = {"BudgetName": "monthly", "BudgetType": "COST", "TimeUnit": "MONTHLY", "BudgetLimit": {"Amount": "100", "Unit": "USD"}}
ACTUAL_80 = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0, "ThresholdType": "PERCENTAGE"}
ALICE = {"SubscriptionType": "EMAIL", "Address": "alice@example.com"}
TOPIC = {"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-east-1:111111111111:alarms"}


def budgets(aws, account):
    return aws.client("budgets", account_id=account, config=NO_RETRIES)


def test_an_account_sees_and_changes_only_its_own_budgets(aws):
    a, b = budgets(aws, ACCOUNT_A), budgets(aws, ACCOUNT_B)
    a.create_budget(AccountId=ACCOUNT_A, Budget=BUDGET)
    assert [x["BudgetName"] for x in a.describe_budgets(AccountId=ACCOUNT_A)["Budgets"]] == ["monthly"]
    assert b.describe_budgets(AccountId=ACCOUNT_B)["Budgets"] == []
    assert error_code(b.describe_budgets, AccountId=ACCOUNT_A) == "AccessDeniedException"
    assert error_code(b.delete_budget, AccountId=ACCOUNT_A, BudgetName="monthly") == "AccessDeniedException"
    assert error_code(b.describe_budget, AccountId=ACCOUNT_B, BudgetName="monthly") == "NotFoundException"


def test_update_budget_keeps_its_notifications(aws):
    a = budgets(aws, ACCOUNT_A)
    a.create_budget(AccountId=ACCOUNT_A, Budget=BUDGET, NotificationsWithSubscribers=[{"Notification": ACTUAL_80, "Subscribers": [ALICE]}])
    a.update_budget(AccountId=ACCOUNT_A, NewBudget=dict(BUDGET, TimeUnit="QUARTERLY", BudgetLimit={"Amount": "250.5", "Unit": "USD"}))
    found = a.describe_budget(AccountId=ACCOUNT_A, BudgetName="monthly")["Budget"]
    assert (found["TimeUnit"], found["BudgetLimit"]) == ("QUARTERLY", {"Amount": "250.5", "Unit": "USD"})
    assert [n["Threshold"] for n in a.describe_notifications_for_budget(AccountId=ACCOUNT_A, BudgetName="monthly")["Notifications"]] == [80.0]
    assert error_code(a.update_budget, AccountId=ACCOUNT_A, NewBudget=dict(BUDGET, BudgetName="other")) == "NotFoundException"


def test_notifications_and_subscribers(aws):
    a = budgets(aws, ACCOUNT_A)
    a.create_budget(AccountId=ACCOUNT_A, Budget=BUDGET)
    a.create_notification(AccountId=ACCOUNT_A, BudgetName="monthly", Notification=ACTUAL_80, Subscribers=[ALICE])
    assert error_code(a.create_notification, AccountId=ACCOUNT_A, BudgetName="monthly", Notification=ACTUAL_80,
                      Subscribers=[ALICE]) == "DuplicateRecordException"

    def subscribers():
        return a.describe_subscribers_for_notification(AccountId=ACCOUNT_A, BudgetName="monthly", Notification=ACTUAL_80)["Subscribers"]

    assert subscribers() == [ALICE]
    a.create_subscriber(AccountId=ACCOUNT_A, BudgetName="monthly", Notification=ACTUAL_80, Subscriber=TOPIC)
    a.delete_subscriber(AccountId=ACCOUNT_A, BudgetName="monthly", Notification=ACTUAL_80, Subscriber=ALICE)
    assert subscribers() == [TOPIC]
    assert error_code(a.delete_subscriber, AccountId=ACCOUNT_A, BudgetName="monthly", Notification=ACTUAL_80, Subscriber=ALICE) == "NotFoundException"
    bob = {"SubscriptionType": "EMAIL", "Address": "bob@example.com"}
    a.update_subscriber(AccountId=ACCOUNT_A, BudgetName="monthly", Notification=ACTUAL_80, OldSubscriber=TOPIC, NewSubscriber=bob)
    assert subscribers() == [bob]
    a.update_notification(AccountId=ACCOUNT_A, BudgetName="monthly", OldNotification=ACTUAL_80, NewNotification=dict(ACTUAL_80, Threshold=90.0))
    notifications = a.describe_notifications_for_budget(AccountId=ACCOUNT_A, BudgetName="monthly")["Notifications"]
    assert [(n["Threshold"], n["NotificationState"]) for n in notifications] == [(90.0, "OK")]
    a.delete_notification(AccountId=ACCOUNT_A, BudgetName="monthly", Notification=dict(ACTUAL_80, Threshold=90.0))
    assert a.describe_notifications_for_budget(AccountId=ACCOUNT_A, BudgetName="monthly")["Notifications"] == []
    assert error_code(a.describe_notifications_for_budget, AccountId=ACCOUNT_A, BudgetName="missing") == "NotFoundException"
