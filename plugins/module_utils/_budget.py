# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the logic of accountguard.aws.budget.

read current state -> validate and compute desired -> diff -> apply (never in check mode) -> normalize,
behind the runner's interface (see _runner.py).

One AWS Budgets COST budget of the account, with its notifications (actual or forecasted spend greater than a
percentage of the limit), each sent to the same subscribers (e-mail addresses and/or one SNS topic). The budget's
notifications are exactly those asked for: others on it are deleted. A notification is identified as AWS
identifies it, by its type and threshold; one whose subscribers differ gets them added and removed one by one, so
it keeps its state (whether it has fired). Amounts are compared as decimal numbers (100 and 100.0 are one amount).
Steady state costs 2 + one read per notification (DescribeBudget, DescribeNotificationsForBudget,
DescribeSubscribersForNotification), plus GetCallerIdentity when the account id is not given.
"""

from __future__ import annotations

import decimal
import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler

from ._common import AccountGuardError

TIME_UNITS = ("MONTHLY", "QUARTERLY", "ANNUALLY")
NOTIFICATION_OPTIONS = dict(
    type=dict(type="str", default="ACTUAL", choices=["ACTUAL", "FORECASTED"]),
    threshold=dict(type="float", required=True),
)

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    account_id=dict(type="str"),
    time_unit=dict(type="str", default="MONTHLY", choices=list(TIME_UNITS)),
    limit_amount=dict(type="str"),
    currency=dict(type="str", default="USD"),
    notifications=dict(type="list", elements="dict", default=[], options=NOTIFICATION_OPTIONS),
    email_addresses=dict(type="list", elements="str", default=[]),
    sns_topic_arn=dict(type="str"),
)

# AWS Budgets API reference: BudgetName 1-100 characters without ':' or '\'; at most 11 subscribers per
# notification, of which e-mail addresses 10 and one SNS topic (AWS Budgets quotas); 10 notifications per budget.
_NAME = re.compile(r"^[^:\\]{1,100}$")
_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")
_SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$")
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
MAX_EMAILS = 10
MAX_NOTIFICATIONS = 10
MAX_PERCENT = 1000.0


class BudgetsErrorHandler(AWSErrorHandler):
    """amazon.aws's error handler for AWS Budgets (NotFoundException is "missing"), raising the collection's exception."""

    _CUSTOM_EXCEPTION = AccountGuardError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFoundException")


class BadInput(AccountGuardError):
    """Input rejected before any AWS call."""


def validate(params):
    """All checks that need no AWS call. Raises BadInput naming the budget and each item."""
    name = params.get("name") or ""
    problems = []
    if not _NAME.match(name):
        problems.append(f"the budget name {name[:40]!r} must be 1 to 100 characters without ':' or '\\'")
    if params.get("account_id") and not _ACCOUNT_ID.match(str(params["account_id"])):
        problems.append(f"account_id {params['account_id']!r} is not a 12-digit AWS account id")
    if params.get("state", "present") == "present":
        problems += _amount_problems(params.get("limit_amount"))
        currency = params.get("currency")
        if not isinstance(currency, str) or not _CURRENCY.match(currency):
            hint = f" (did you mean {currency.upper()}?)" if isinstance(currency, str) and _CURRENCY.match(currency.upper()) else ""
            problems.append(f"currency {currency!r} is not an ISO 4217 currency code of three capital letters such as USD or EUR{hint}")
        problems += _notification_problems(params)
    if problems:
        raise BadInput(f"Invalid input for the budget {name[:40]!r}: " + "; ".join(problems) + ". Nothing was changed.")


def _amount_problems(amount):
    if amount is None or str(amount).strip() == "":
        return ["limit_amount is required (the budget's limit, such as 100 or 99.50)"]
    text = str(amount).strip()
    if not _AMOUNT.match(text):
        return [f"limit_amount {text[:20]!r} is not an amount (digits, with at most two decimals, such as 100 or 99.50)"]
    if decimal.Decimal(text) <= 0:
        return [f"limit_amount must be more than 0, not {text}"]
    return []


def _notification_problems(params):
    problems = []
    notifications = params.get("notifications") or []
    if len(notifications) > MAX_NOTIFICATIONS:
        problems.append(f"a budget has at most {MAX_NOTIFICATIONS} notifications, not {len(notifications)}")
    seen = set()
    for n in notifications:
        threshold = n.get("threshold")
        if threshold is None or not 0 < threshold <= MAX_PERCENT:
            problems.append(f"the {n.get('type', 'ACTUAL')} notification's threshold must be a percentage of the limit above 0 and "
                            f"at most {MAX_PERCENT:g}, not {threshold}")
        key = (n.get("type", "ACTUAL"), threshold)
        if key in seen:
            problems.append(f"the {key[0]} notification at {threshold:g}% is listed twice")
        seen.add(key)
    emails = params.get("email_addresses") or []
    bad = [e for e in emails if not isinstance(e, str) or not _EMAIL.match(e)]
    if bad:
        problems.append("not e-mail addresses: " + ", ".join(repr(e) for e in bad))
    repeated = sorted({e for e in emails if emails.count(e) > 1})
    if repeated:
        problems.append("e-mail addresses listed twice: " + ", ".join(repeated))
    if len(emails) > MAX_EMAILS:
        problems.append(f"a notification has at most {MAX_EMAILS} e-mail subscribers, not {len(emails)}")
    arn = params.get("sns_topic_arn")
    if arn and not _SNS_ARN.match(arn):
        problems.append(f"sns_topic_arn {arn!r} is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)")
    if notifications and not emails and not arn:
        problems.append("notifications need someone to notify: set email_addresses and/or sns_topic_arn")
    return problems


# ---- AWS calls ------------------------------------------------------------------------------------

@BudgetsErrorHandler.common_error_handler("find the account id (sts:GetCallerIdentity)")
def caller_account(client):
    return client.get_caller_identity(aws_retry=True)["Account"]


@BudgetsErrorHandler.list_error_handler("describe the budget {name}")
def describe_budget(client, account_id, name):
    return client.describe_budget(aws_retry=True, AccountId=account_id, BudgetName=name)["Budget"]


@BudgetsErrorHandler.list_error_handler("describe the notifications of the budget {name}")
def describe_notifications(client, account_id, name):
    return client.describe_notifications_for_budget(aws_retry=True, AccountId=account_id, BudgetName=name).get("Notifications") or []


@BudgetsErrorHandler.list_error_handler("describe the subscribers of a notification of the budget {name}")
def describe_subscribers(client, account_id, name, notification):
    return client.describe_subscribers_for_notification(aws_retry=True, AccountId=account_id, BudgetName=name,
                                                        Notification=notification).get("Subscribers") or []


@BudgetsErrorHandler.common_error_handler("create the budget {name}")
def create_budget(client, account_id, name, budget, notifications):
    client.create_budget(aws_retry=True, AccountId=account_id, Budget=budget, NotificationsWithSubscribers=notifications)


@BudgetsErrorHandler.common_error_handler("update the budget {name}")
def update_budget(client, account_id, name, budget):
    client.update_budget(aws_retry=True, AccountId=account_id, NewBudget=budget)


@BudgetsErrorHandler.deletion_error_handler("delete the budget {name}")
def delete_budget(client, account_id, name):
    client.delete_budget(aws_retry=True, AccountId=account_id, BudgetName=name)
    return True


@BudgetsErrorHandler.common_error_handler("create a notification of the budget {name}")
def create_notification(client, account_id, name, notification, subscribers):
    client.create_notification(aws_retry=True, AccountId=account_id, BudgetName=name, Notification=notification, Subscribers=subscribers)


@BudgetsErrorHandler.deletion_error_handler("delete a notification of the budget {name}")
def delete_notification(client, account_id, name, notification):
    client.delete_notification(aws_retry=True, AccountId=account_id, BudgetName=name, Notification=notification)
    return True


@BudgetsErrorHandler.common_error_handler("add a subscriber to a notification of the budget {name}")
def create_subscriber(client, account_id, name, notification, subscriber):
    client.create_subscriber(aws_retry=True, AccountId=account_id, BudgetName=name, Notification=notification, Subscriber=subscriber)


@BudgetsErrorHandler.deletion_error_handler("remove a subscriber from a notification of the budget {name}")
def delete_subscriber(client, account_id, name, notification, subscriber):
    client.delete_subscriber(aws_retry=True, AccountId=account_id, BudgetName=name, Notification=notification, Subscriber=subscriber)
    return True


# ---- state --------------------------------------------------------------------------------------

def amount(text):
    """An amount as the module shows it: 100, 99.5 (100.0 and 100 are one amount)."""
    value = decimal.Decimal(str(text)).normalize()
    return f"{value:f}"


def _threshold(value):
    value = float(value)
    return int(value) if value.is_integer() else value


def notification_key(n):
    return (n["type"], float(n["threshold"]))


def _subscribers_summary(subscribers):
    emails = sorted(s["Address"] for s in subscribers if s.get("SubscriptionType") == "EMAIL")
    topics = sorted(s["Address"] for s in subscribers if s.get("SubscriptionType") == "SNS")
    return {"email_addresses": emails, "sns_topic_arn": topics[0] if len(topics) == 1 else (topics or None)}


def read(client, account_id, name):
    """(the budget as the diff shows it or None, {notification key: (the AWS Notification, its subscribers as a set of
    (type, address))}, the raw budget)."""
    raw = describe_budget(client, account_id, name)
    if raw is None:
        return None, {}, None
    notifications, known = [], {}
    for n in describe_notifications(client, account_id, name) or []:
        if n.get("ComparisonOperator") != "GREATER_THAN" or (n.get("ThresholdType") or "PERCENTAGE") != "PERCENTAGE":
            shown = {"type": n.get("NotificationType"), "comparison": n.get("ComparisonOperator"), "threshold": _threshold(n["Threshold"]),
                     "threshold_type": n.get("ThresholdType")}
        else:
            shown = {"type": n["NotificationType"], "threshold": _threshold(n["Threshold"])}
        subscribers = describe_subscribers(client, account_id, name, _notification_arg(n)) or []
        shown.update(_subscribers_summary(subscribers))
        notifications.append(shown)
        known[_raw_key(n)] = (n, {(sub.get("SubscriptionType"), sub.get("Address")) for sub in subscribers})
    limit = raw.get("BudgetLimit") or {}
    summary = {
        "budget_name": raw["BudgetName"],
        "budget_type": raw.get("BudgetType"),
        "time_unit": raw.get("TimeUnit"),
        "limit": {"amount": amount(limit["Amount"]), "currency": limit.get("Unit")} if limit.get("Amount") else None,
        "notifications": sorted(notifications, key=_sort_key),
    }
    return summary, known, raw


def _raw_key(n):
    return (n.get("NotificationType"), n.get("ComparisonOperator"), float(n.get("Threshold") or 0), n.get("ThresholdType") or "PERCENTAGE")


def _notification_arg(n):
    return {k: n[k] for k in ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType") if k in n}


def _sort_key(n):
    return (str(n.get("type")), float(n.get("threshold") or 0), str(n.get("comparison") or ""))


def desired(params):
    emails = sorted(params.get("email_addresses") or [])
    arn = params.get("sns_topic_arn") or None
    notifications = [{"type": n["type"], "threshold": _threshold(n["threshold"]), "email_addresses": emails, "sns_topic_arn": arn}
                     for n in params.get("notifications") or []]
    return {
        "budget_name": params["name"],
        "budget_type": "COST",
        "time_unit": params["time_unit"],
        "limit": {"amount": amount(params["limit_amount"]), "currency": params["currency"]},
        "notifications": sorted(notifications, key=_sort_key),
    }


def _aws_notification(n):
    return {"NotificationType": n["type"], "ComparisonOperator": "GREATER_THAN", "Threshold": float(n["threshold"]),
            "ThresholdType": "PERCENTAGE"}


def _aws_subscribers(n):
    subscribers = [{"SubscriptionType": "EMAIL", "Address": e} for e in n["email_addresses"]]
    if n["sns_topic_arn"]:
        subscribers.append({"SubscriptionType": "SNS", "Address": n["sns_topic_arn"]})
    return subscribers


def _aws_budget(want, raw=None):
    budget = {"BudgetName": want["budget_name"], "BudgetType": "COST", "TimeUnit": want["time_unit"],
              "BudgetLimit": {"Amount": want["limit"]["amount"], "Unit": want["limit"]["currency"]}}
    for kept in ("CostTypes", "TimePeriod", "CostFilters"):  # what this module does not manage stays as it is
        if raw and raw.get(kept):
            budget[kept] = raw[kept]
    return budget


def account_of(run):
    return run.params.get("account_id") or caller_account(run.client("sts"))


def ensure_present(run):
    """Fills run.result (with `diff`; the runner drops it outside diff mode)."""
    client, name = run.client("budgets"), run.params["name"]
    account_id = account_of(run)
    before, known, raw = read(client, account_id, name)
    want = desired(run.params)
    changed = before != want
    if before is not None and before["budget_type"] != "COST":
        raise BadInput(f"The budget {name} of account {account_id} is a {before['budget_type']} budget, and AWS does not change the type "
                       "of a budget: remove it or choose another name. Nothing was changed.")
    if changed and not run.check_mode:
        if before is None:
            create_budget(client, account_id, name, _aws_budget(want),
                          [{"Notification": _aws_notification(n), "Subscribers": _aws_subscribers(n)} for n in want["notifications"]])
        else:
            _apply_changes(client, account_id, name, before, want, known, raw)
    run.result.update(changed=changed, account_id=account_id, budget=dict(want), diff={"before": before or {}, "after": dict(want)})


def _apply_changes(client, account_id, name, before, want, known, raw):
    if (before["time_unit"], before["limit"]) != (want["time_unit"], want["limit"]):
        update_budget(client, account_id, name, _aws_budget(want, raw))
    wanted = {("GREATER_THAN", "PERCENTAGE") + notification_key(n): n for n in want["notifications"]}
    for key, (aws_n, _subscribers) in known.items():
        if (key[1], key[3], key[0], key[2]) not in wanted:
            delete_notification(client, account_id, name, _notification_arg(aws_n))
    for (operator, kind, ntype, threshold), n in wanted.items():
        aws_n = _aws_notification(n)
        found = known.get((ntype, operator, threshold, kind))
        want_subs = {(sub["SubscriptionType"], sub["Address"]) for sub in _aws_subscribers(n)}
        if found is None:
            create_notification(client, account_id, name, aws_n, _aws_subscribers(n))
            continue
        # Added first, then removed: a notification never has no subscriber (AWS requires one).
        for sub_type, address in sorted(want_subs - found[1]):
            create_subscriber(client, account_id, name, aws_n, {"SubscriptionType": sub_type, "Address": address})
        for sub_type, address in sorted(found[1] - want_subs):
            delete_subscriber(client, account_id, name, aws_n, {"SubscriptionType": sub_type, "Address": address})


def ensure_absent(run):
    """Delete the budget (and with it its notifications)."""
    client, name = run.client("budgets"), run.params["name"]
    account_id = account_of(run)
    before, _known, _raw = read(client, account_id, name)
    if before is not None and not run.check_mode:
        delete_budget(client, account_id, name)
    run.result.update(changed=before is not None, account_id=account_id, budget={}, diff={"before": before or {}, "after": {}})
