"""The pure parts of accountguard.aws.budget and accountguard.aws.account_alias: input checks, the desired budget as
the diff shows it (amounts compared as numbers), the sign-in URL."""

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.accountguard.aws.plugins.module_utils import _account_alias
from ansible_collections.accountguard.aws.plugins.module_utils import _budget


def budget_params(**options):
    options = {"name": "monthly", "limit_amount": "100", **options}
    return ArgumentSpecValidator(_budget.ARGUMENT_SPEC).validate(options).validated_parameters


@pytest.mark.parametrize("amount, shown", [("100", "100"), ("100.0", "100"), ("99.50", "99.5"), ("0.01", "0.01"), (250, "250")])
def test_amounts_are_compared_as_numbers(amount, shown):
    _budget.validate(budget_params(limit_amount=amount))
    assert _budget.desired(budget_params(limit_amount=amount))["limit"] == {"amount": shown, "currency": "USD"}


def test_the_desired_budget_lists_notifications_in_order_with_their_subscribers():
    want = _budget.desired(budget_params(notifications=[{"type": "FORECASTED", "threshold": 100}, {"threshold": 80.5}],
                                         email_addresses=["b@example.com", "a@example.com"]))
    assert want["notifications"] == [
        {"type": "ACTUAL", "threshold": 80.5, "email_addresses": ["a@example.com", "b@example.com"], "sns_topic_arn": None},
        {"type": "FORECASTED", "threshold": 100, "email_addresses": ["a@example.com", "b@example.com"], "sns_topic_arn": None},
    ]
    assert (want["budget_type"], want["time_unit"]) == ("COST", "MONTHLY")


@pytest.mark.parametrize("options, words", [
    ({"limit_amount": "1e3"}, "limit_amount '1e3' is not an amount"),
    ({"limit_amount": None}, "limit_amount is required"),
    ({"currency": "Euro"}, "currency 'Euro' is not an ISO 4217 currency code"),
    ({"notifications": [{"threshold": -1}], "email_addresses": ["a@example.com"]}, "above 0 and at most 1000, not -1.0"),
    ({"email_addresses": ["a@example.com", "a@example.com"]}, "e-mail addresses listed twice: a@example.com"),
    ({"email_addresses": [f"u{n}@example.com" for n in range(11)]}, "at most 10 e-mail subscribers, not 11"),
    ({"sns_topic_arn": "arn:aws:sqs:us-east-1:123456789012:q"}, "is not an SNS topic ARN"),
    ({"name": ""}, "the budget name '' must be 1 to 100 characters"),
])
def test_bad_input_names_each_problem(options, words):
    with pytest.raises(_budget.BadInput) as error:
        _budget.validate(budget_params(**options))
    assert words in error.value.message and error.value.message.endswith("Nothing was changed.")


def test_state_absent_needs_no_amount():
    _budget.validate(budget_params(state="absent", limit_amount=None, currency="nonsense"))


@pytest.mark.parametrize("alias", ["acme", "acme-prod-01", "a1b", "x" * 63])
def test_valid_aliases(alias):
    assert _account_alias.alias_problem(alias) is None


@pytest.mark.parametrize("alias", ["ab", "x" * 64, "Acme", "-acme", "acme-", "ac--me", "acme.prod", "123456789012", ""])
def test_invalid_aliases(alias):
    assert _account_alias.alias_problem(alias)


def test_the_sign_in_url_uses_the_alias_when_there_is_one():
    assert _account_alias.sign_in_url("123456789012") == "https://123456789012.signin.aws.amazon.com/console"
    assert _account_alias.sign_in_url("123456789012", "acme") == "https://acme.signin.aws.amazon.com/console"
