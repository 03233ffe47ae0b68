"""The procedure's optional account-level steps over scripted steps: the account alias (first write, its alias in the
users' sign-in URL, a taken alias stops the account before anything else) and the cost budget (last, with the
account's id, checked before any AWS call), and both left out when not asked for."""

from ansible_collections.accountguard.aws.tests.unit.plugins.plugin_utils.test_procedure import ACCOUNT
from ansible_collections.accountguard.aws.tests.unit.plugins.plugin_utils.test_procedure import answers
from ansible_collections.accountguard.aws.tests.unit.plugins.plugin_utils.test_procedure import finish
from ansible_collections.accountguard.aws.tests.unit.plugins.plugin_utils.test_procedure import modules
from ansible_collections.accountguard.aws.tests.unit.plugins.plugin_utils.test_procedure import procedure

BUDGET = {"limit_amount": "100", "notifications": [{"type": "ACTUAL", "threshold": 80}], "email_addresses": ["finops@example.com"]}


def alias_answer(args):
    return {"changed": True, "account_alias": args["alias"], "diff": {"before": {}, "after": {"account_alias": args["alias"]}}}


def budget_answer(args):
    after = {"budget_name": args["name"], "limit": {"amount": args["limit_amount"], "currency": "USD"}}
    return {"changed": True, "account_id": args["account_id"], "budget": after, "diff": {"before": {}, "after": after}}


def test_the_alias_is_the_first_write_and_the_users_sign_in_url_names_it():
    run, steps = procedure(script=answers(account_alias=alias_answer), account_alias="acme-prod")
    result = finish(run)
    assert modules(steps)[:4] == ["account_session", "root_mfa_facts", "account_alias", "iam_admin_group"]
    assert dict(steps.runs)["account_alias"]["alias"] == "acme-prod"
    assert all(a["account_alias"] == "acme-prod" for m, a in steps.runs if m == "iam_admin_user")
    [item] = [i for i in result["summary"]["items"] if i["item"] == "account_alias"]
    assert (item["status"], item["after"], item["message"]) == ("changed", {"account_alias": "acme-prod"}, "set")


def test_a_taken_alias_stops_the_account_before_anything_else():
    taken = answers(account_alias=lambda a: {"failed": True, "changed": False, "msg": "The account alias acme-prod is taken by another AWS account"})
    run, steps = procedure(script=taken, account_alias="acme-prod")
    result = finish(run)
    assert modules(steps) == ["account_session", "root_mfa_facts", "account_alias"]
    assert result["msg"] == (f"account prod ({ACCOUNT}): Account alias - the name in the sign-in URL: The account alias acme-prod is taken "
                             "by another AWS account")


def test_a_bad_alias_or_budget_stops_the_account_before_any_aws_call():
    cases = (
        ({"account_alias": "Acme"}, "Account alias - the name in the sign-in URL: Invalid input: the account alias 'Acme'"),
        ({"budget": dict(BUDGET, limit_amount="-1")},
         "Cost budget - AWS Budgets limit and notifications: Invalid input for the budget 'accountguard-cost': limit_amount '-1'"),
    )
    for options, words in cases:
        run, steps = procedure(**options)
        result = finish(run)
        assert steps.runs == [] and words in result["msg"], result["msg"]


def test_the_budget_is_the_last_step_in_the_accounts_own_id():
    run, steps = procedure(script=answers(budget=budget_answer), budget=BUDGET)
    result = finish(run)
    assert modules(steps)[-2:] == ["iam_virtual_mfa", "budget"]
    args = dict(steps.runs)["budget"]
    assert (args["name"], args["account_id"], args["limit_amount"]) == ("accountguard-cost", ACCOUNT, "100")
    [item] = [i for i in result["summary"]["items"] if i["item"] == "budget"]
    assert item["status"] == "changed" and item["message"] == "set"


def test_without_them_neither_step_runs_nor_is_reported():
    run, steps = procedure()
    result = finish(run)
    assert not {"account_alias", "budget"} & set(modules(steps))
    assert not {"account_alias", "budget"} & {i["item"] for i in result["summary"]["items"]}
    assert all("account_alias" not in a for m, a in steps.runs if m == "iam_admin_user")
