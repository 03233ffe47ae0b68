#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: budget
version_added: 1.0.0
short_description: Ensure an AWS Budgets cost budget with its notifications
description:
  - Ensures the account has the AWS Budgets B(cost) budget O(name) with the limit O(limit_amount) O(currency) per
    O(time_unit), and exactly the notifications O(notifications) (actual or forecasted spend greater than a percentage
    of the limit), each sent to O(email_addresses) and/or O(sns_topic_arn); or, with O(state=absent), that it has no
    budget of that name.
  - The step the AWS account setup guides announce after the first hour, to be warned before an accidental
    over-spend rather than by the bill.
  - The budget is read with C(DescribeBudget), C(DescribeNotificationsForBudget) and one
    C(DescribeSubscribersForNotification) per notification; nothing is written when it is as asked. A new budget is
    created with its notifications in one C(CreateBudget); a changed limit or time unit is C(UpdateBudget) (the cost
    types, filters and time period the budget has are kept); a missing notification C(CreateNotification), an extra
    one C(DeleteNotification); a notification whose subscribers differ gets them added (C(CreateSubscriber)) then
    removed (C(DeleteSubscriber)), so it keeps its state.
  - Amounts are compared as numbers (V(100) and V(100.0) are one amount).
author:
  - accountguard.aws maintainers (@accountguard)
options:
  name:
    description: The budget's name, 1 to 100 characters without C(:) or C(\).
    type: str
    required: true
  state:
    description: Whether the budget should exist.
    type: str
    choices: [present, absent]
    default: present
  account_id:
    description:
      - The account of the budget (AWS Budgets asks for it in every call). Not set, it is the account of the
        credentials, found with C(sts:GetCallerIdentity) (one more call per run). It must be that account.
    type: str
  time_unit:
    description: The period the limit is for.
    type: str
    choices: [MONTHLY, QUARTERLY, ANNUALLY]
    default: MONTHLY
  limit_amount:
    description:
      - The budget's limit per O(time_unit), in O(currency), more than 0 with at most two decimals (V(100), V(99.50)).
        Required with O(state=present).
      - A string, so that the amount is taken exactly as written (a YAML number works too).
    type: str
  currency:
    description:
      - The limit's currency, an ISO 4217 code of three capital letters. AWS Budgets accepts the currency of the
        account's billing (usually V(USD)).
    type: str
    default: USD
  notifications:
    description:
      - The budget's notifications, exactly (others on the budget are deleted). Each is sent to O(email_addresses)
        and O(sns_topic_arn); at most 10.
    type: list
    elements: dict
    default: []
    suboptions:
      type:
        description: V(ACTUAL) (spend so far) or V(FORECASTED) (AWS's forecast of the period's spend).
        type: str
        choices: [ACTUAL, FORECASTED]
        default: ACTUAL
      threshold:
        description: The notification fires when the spend is greater than this percentage of the limit, above 0 and at most 1000.
        type: float
        required: true
  email_addresses:
    description: The e-mail addresses every notification goes to, at most 10.
    type: list
    elements: str
    default: []
  sns_topic_arn:
    description:
      - The SNS topic every notification is published to (its policy must let C(budgets.amazonaws.com) publish).
    type: str
extends_documentation_fragment:
  - accountguard.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    details:
      - Makes no mutating AWS call (only the reads above, and C(GetCallerIdentity) without O(account_id)) and reports
        what a real run would change.
  diff_mode:
    details:
      - Shows the budget before and after (name, type, time unit, limit, notifications with their subscribers); before
        is empty when there is no budget, after with O(state=absent).
notes:
  - Needs C(budgets:ViewBudget) and C(budgets:ModifyBudget) (on C(arn:aws:budgets::<account>:budget/<name>)), and
    C(sts:GetCallerIdentity) without O(account_id) (allowed to every identity).
  - AWS calls per run. Steady state 2 + one per notification (+1 without O(account_id)). A new budget 1 more
    (C(CreateBudget)); each changed part one more call.
  - Invalid input (a name AWS refuses, an amount that is not a positive number with at most two decimals, a currency
    that is not three capital letters, a threshold out of range or listed twice, something that is not an e-mail
    address or an SNS topic ARN, notifications with nobody to notify) fails before any AWS call, naming each problem.
  - Only C(COST) budgets; a budget of that name of another type is an error (AWS does not change a budget's type).
seealso:
  - name: Managing your costs with AWS Budgets
    description: What budgets and their notifications are.
    link: https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html
"""

EXAMPLES = r"""
- name: A monthly budget of 100 USD, warning at 80 % actual and 100 % forecasted spend
  accountguard.aws.budget:
    name: monthly-cost
    limit_amount: "100"
    currency: USD
    notifications:
      - type: ACTUAL
        threshold: 80
      - type: FORECASTED
        threshold: 100
    email_addresses: [finops@example.com]

- name: A yearly budget whose alarms go to an SNS topic
  accountguard.aws.budget:
    name: annual-cost
    time_unit: ANNUALLY
    limit_amount: "5000"
    notifications:
      - threshold: 90
    sns_topic_arn: arn:aws:sns:us-east-1:123456789012:budget-alarms

- name: No budget of that name
  accountguard.aws.budget:
    name: monthly-cost
    state: absent
"""

RETURN = r"""
account_id:
  description: The account of the budget.
  returned: always
  type: str
  sample: "123456789012"
budget:
  description: The budget after the run (as it would be, in check mode); empty with O(state=absent).
  returned: always
  type: dict
  contains:
    budget_name:
      description: The budget's name.
      type: str
      sample: monthly-cost
    budget_type:
      description: Always C(COST).
      type: str
      sample: COST
    time_unit:
      description: The period of the limit.
      type: str
      sample: MONTHLY
    limit:
      description: The limit, C(amount) (a string, as AWS holds it) and C(currency).
      type: dict
      sample: {"amount": "100", "currency": "USD"}
    notifications:
      description: The notifications, by type and threshold, each with its C(email_addresses) and C(sns_topic_arn).
      type: list
      elements: dict
      sample: [{"type": "ACTUAL", "threshold": 80, "email_addresses": ["finops@example.com"], "sns_topic_arn": null}]
"""

from ansible_collections.accountguard.aws.plugins.module_utils import _budget
from ansible_collections.accountguard.aws.plugins.module_utils._runner import run_module


def main():
    run_module(_budget)


if __name__ == "__main__":
    main()
