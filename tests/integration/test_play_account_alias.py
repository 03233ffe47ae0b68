"""account_alias against the local AWS, through ansible-playbook: the four steps, a taken alias, bad input."""

import boto3
import pytest

from playbook_helpers import four_steps
from playbook_helpers import recap

# Every test here runs both ways: in the controller's worker and as module processes.
pytestmark = pytest.mark.usefixtures("way")

ACCOUNT = "123456789012"  # the account of the targets' credentials
OTHER = "999999999999"


@pytest.fixture
def iam(aws):
    """An independent verifier: plain boto3 against the local AWS, not the module under test."""
    return boto3.client("iam", endpoint_url=aws.url, region_name="us-east-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="verifier-secret-key")


def aliases(iam):
    return iam.list_account_aliases()["AccountAliases"]


def iam_actions(aws):
    return [r["action"] for r in aws.control.requests() if r.get("service") == "iam"]


def test_four_steps_then_verified_independently(playbook, aws, iam):
    four_steps(playbook, aws, "account_alias.yml")
    assert aliases(iam) == ["acme-prod"]
    aws.control.clear_requests()
    assert recap(playbook.run("account_alias.yml"))["changed"] == 0
    assert iam_actions(aws) == ["ListAccountAliases"]  # the steady state costs one read


def test_another_alias_replaces_it_and_check_diff_shows_it(playbook, aws, iam):
    iam.create_account_alias(AccountAlias="old-name")
    aws.control.clear_requests()
    scan = playbook.run("account_alias.yml", "--check", "--diff")
    assert recap(scan)["changed"] == 1
    assert aws.control.mutating_requests() == []
    assert '-    "account_alias": "old-name"' in scan.stdout and '+    "account_alias": "acme-prod"' in scan.stdout, scan.stdout
    assert aliases(iam) == ["old-name"]
    assert recap(playbook.run("account_alias.yml"))["changed"] == 1
    assert aliases(iam) == ["acme-prod"]


def test_absent_in_four_steps_removes_it(playbook, aws, iam):
    playbook.run("account_alias.yml")
    four_steps(playbook, aws, "account_alias.yml", extra_vars={"alias": "", "alias_state": "absent"})
    assert aliases(iam) == []


def test_an_alias_another_account_holds_fails_clearly_and_changes_nothing(playbook, aws, iam):
    aws.client("iam", account_id=OTHER).create_account_alias(AccountAlias="acme-prod")
    iam.create_account_alias(AccountAlias="mine")
    aws.control.clear_requests()
    out = playbook.run("account_alias.yml", check=False)
    assert recap(out)["failed"] == 1
    assert ("The account alias acme-prod is taken by another AWS account (an alias is unique across all of AWS, being the host "
            "name of the account's sign-in page): choose another. Nothing was changed.") in out.stdout, out.stdout
    assert aliases(iam) == ["mine"]
    assert [(r["account"], r["action"]) for r in aws.control.mutating_requests()] == [(ACCOUNT, "CreateAccountAlias")]  # the one refused
    # Check mode cannot know (AWS has no read-only way to tell): it says it would change the alias.
    assert recap(playbook.run("account_alias.yml", "--check"))["changed"] == 1


@pytest.mark.parametrize("alias", ["Acme", "ac--me", "-acme", "ab", "123456789012", "acme_prod"])
def test_bad_aliases_fail_clearly_before_any_call(playbook, aws, iam, alias):
    aws.control.clear_requests()
    out = playbook.run("account_alias.yml", check=False, extra_vars={"alias": alias})
    assert recap(out)["failed"] == 1
    assert f"Invalid input: the account alias '{alias}'" in out.stdout and "Nothing was changed." in out.stdout, out.stdout
    assert iam_actions(aws) == []
