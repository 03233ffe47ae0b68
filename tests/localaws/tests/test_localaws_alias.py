"""IAM account aliases are unique across all accounts of the local AWS, as across all of AWS."""

from localaws_testutil import NO_RETRIES, error_code

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"


def test_an_alias_another_account_holds_is_entity_already_exists(aws):
    iam_a = aws.client("iam", account_id=ACCOUNT_A, config=NO_RETRIES)
    iam_b = aws.client("iam", account_id=ACCOUNT_B, config=NO_RETRIES)
    iam_a.create_account_alias(AccountAlias="acme-prod")
    assert error_code(iam_b.create_account_alias, AccountAlias="acme-prod") == "EntityAlreadyExists"
    assert iam_b.list_account_aliases()["AccountAliases"] == []
    # The holder may create it again (no change), and replace it by another; then the old one is free.
    iam_a.create_account_alias(AccountAlias="acme-prod")
    iam_a.create_account_alias(AccountAlias="acme-production")
    assert iam_a.list_account_aliases()["AccountAliases"] == ["acme-production"]
    iam_b.create_account_alias(AccountAlias="acme-prod")
    assert iam_b.list_account_aliases()["AccountAliases"] == ["acme-prod"]


def test_invalid_aliases_and_deleting_another_alias_fail(aws):
    iam = aws.client("iam", account_id=ACCOUNT_A, config=NO_RETRIES)
    # (botocore itself refuses fewer than 3 or more than 63 characters.)
    for alias in ("Acme", "-acme", "acme-", "ac--me", "acme_prod"):
        assert error_code(iam.create_account_alias, AccountAlias=alias) == "ValidationError", alias
    iam.create_account_alias(AccountAlias="acme")
    assert error_code(iam.delete_account_alias, AccountAlias="other") == "NoSuchEntity"
    iam.delete_account_alias(AccountAlias="acme")
    assert iam.list_account_aliases()["AccountAliases"] == []
