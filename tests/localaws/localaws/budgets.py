"""AWS Budgets as the budget module needs it, on moto's budgets backend.

moto keeps budgets per calling account (its backend) and, inside, by the request's AccountId, without checking that
AccountId is the caller's; it has no UpdateBudget, DescribeSubscribersForNotification, CreateSubscriber,
DeleteSubscriber, UpdateSubscriber or UpdateNotification, answers DescribeNotificationsForBudget of a missing budget
with a server error, and accepts the same notification twice. Here:

- every Budgets call whose AccountId is not the caller's account is AccessDeniedException (HTTP 400), so one
  account never reads or writes another's budgets;
- the calls above are implemented on moto's models, a notification being identified as AWS identifies it: by its
  NotificationType, ComparisonOperator, Threshold and ThresholdType (PERCENTAGE when not given);
- a missing budget is NotFoundException, a missing notification or subscriber NotFoundException, a notification or
  subscriber that exists already DuplicateRecordException (all HTTP 400, as AWS answers them).
"""

from localaws import motoglue, responses


def _error(code, message):
    return responses.error(code, message, protocol="json", service="budgets", status=400)


def _ok(payload=None):
    return responses.json_response(200, payload or {})


def _key(notification):
    n = notification or {}
    return (n.get("NotificationType"), n.get("ComparisonOperator"), float(n.get("Threshold") or 0), n.get("ThresholdType") or "PERCENTAGE")


def _subscriber_key(subscriber):
    return (subscriber.get("SubscriptionType"), subscriber.get("Address"))


class _Budgets:
    """One call's view of moto's budgets of the calling account."""

    def __init__(self, call):
        self.call = call
        self.params = call.request.params
        self.backend = motoglue.budgets_backend(call.request.account, call.request.region)
        self.account_id = self.params.get("AccountId")

    def budget(self):
        name = self.params.get("BudgetName") or (self.params.get("NewBudget") or {}).get("BudgetName")
        budget = self.backend.budgets[self.account_id].get(name)
        if budget is None:
            raise _Stop(_error("NotFoundException", f"Unable to get budget: {name} - the budget doesn't exist."))
        return budget

    def notification(self, budget, given=None):
        wanted = _key(given if given is not None else self.params.get("Notification"))
        for notification in budget.notifications:
            if _key(notification.details) == wanted:
                return notification
        raise _Stop(_error("NotFoundException", "Unable to find the notification - the notification doesn't exist."))


class _Stop(Exception):
    def __init__(self, answer):
        super().__init__("stop")
        self.answer = answer


def update_budget(b):
    budget = b.budget()
    new = dict(b.params.get("NewBudget") or {})
    if "BudgetLimit" not in new and "PlannedBudgetLimits" not in new:
        return _error("InvalidParameterException", "Unable to create/update budget - please provide one of the followings: "
                      "Budget Limit/ Planned Budget Limit/ Auto Adjust Data")
    if new.get("BudgetType") and new["BudgetType"] != budget.budget["BudgetType"]:
        return _error("InvalidParameterException", "The budget type of a budget cannot be changed.")
    kept = {k: v for k, v in budget.budget.items() if k in ("BudgetType", "TimePeriod", "CostTypes")}
    budget.budget = {**kept, **new}
    budget.budget["LastUpdatedTime"] = motoglue.unix_time()
    return _ok()


def create_notification(b):
    budget = b.budget()
    if any(_key(n.details) == _key(b.params.get("Notification")) for n in budget.notifications):
        return _error("DuplicateRecordException", "Error creating notification: the notification already exists.")
    budget.add_notification(dict(b.params["Notification"]), list(b.params.get("Subscribers") or []))
    return _ok()


def delete_notification(b):
    budget = b.budget()
    found = b.notification(budget)
    budget.notifications = [n for n in budget.notifications if n is not found]
    return _ok()


def describe_notifications_for_budget(b):
    budget = b.budget()
    return _ok({"Notifications": [dict(n.details, ThresholdType=n.details.get("ThresholdType") or "PERCENTAGE",
                                       NotificationState=n.details.get("NotificationState") or "OK") for n in budget.notifications]})


def update_notification(b):
    budget = b.budget()
    found = b.notification(budget, b.params.get("OldNotification"))
    found.details = dict(b.params["NewNotification"])
    return _ok()


def describe_subscribers_for_notification(b):
    found = b.notification(b.budget())
    return _ok({"Subscribers": list(found.subscribers)})


def create_subscriber(b):
    found = b.notification(b.budget())
    subscriber = b.params.get("Subscriber") or {}
    if any(_subscriber_key(s) == _subscriber_key(subscriber) for s in found.subscribers):
        return _error("DuplicateRecordException", "Error creating subscriber: the subscriber already exists.")
    found.subscribers = list(found.subscribers) + [dict(subscriber)]
    return _ok()


def delete_subscriber(b):
    found = b.notification(b.budget())
    subscriber = b.params.get("Subscriber") or {}
    kept = [s for s in found.subscribers if _subscriber_key(s) != _subscriber_key(subscriber)]
    if len(kept) == len(found.subscribers):
        return _error("NotFoundException", "Unable to find the subscriber - the subscriber doesn't exist.")
    found.subscribers = kept
    return _ok()


def update_subscriber(b):
    found = b.notification(b.budget())
    old, new = b.params.get("OldSubscriber") or {}, b.params.get("NewSubscriber") or {}
    if not any(_subscriber_key(s) == _subscriber_key(old) for s in found.subscribers):
        return _error("NotFoundException", "Unable to find the subscriber - the subscriber doesn't exist.")
    found.subscribers = [dict(new) if _subscriber_key(s) == _subscriber_key(old) else s for s in found.subscribers]
    return _ok()


HANDLERS = {
    "UpdateBudget": update_budget,
    "CreateNotification": create_notification,
    "DeleteNotification": delete_notification,
    "DescribeNotificationsForBudget": describe_notifications_for_budget,
    "UpdateNotification": update_notification,
    "DescribeSubscribersForNotification": describe_subscribers_for_notification,
    "CreateSubscriber": create_subscriber,
    "DeleteSubscriber": delete_subscriber,
    "UpdateSubscriber": update_subscriber,
}


def handle(call):
    """Every Budgets call: the caller's own account only, then a handler here or moto."""
    account_id = call.request.params.get("AccountId")
    if account_id is not None and str(account_id) != call.request.account:
        return _error("AccessDeniedException", f"User: {call.request.account} is not authorized to access the budgets of account "
                      f"{account_id}.")
    handler = HANDLERS.get(call.request.action)
    if handler is None:
        return call.forward()
    try:
        return handler(_Budgets(call))
    except _Stop as stop:
        return stop.answer
