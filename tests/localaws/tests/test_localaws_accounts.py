"""One server, many accounts: AssumeRole credentials are scoped to the role's account, GetSessionToken's
to the caller's account and user."""

import boto3
import pytest
from botocore.exceptions import ClientError

from localaws_testutil import NO_RETRIES, error_code

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
DEFAULT = "123456789012"


def test_assume_role_gives_independent_accounts(aws):
    iam_a = aws.client("iam", account_id=ACCOUNT_A)
    iam_b = aws.client("iam", account_id=ACCOUNT_B)
    assert aws.client("sts", account_id=ACCOUNT_A).get_caller_identity()["Account"] == ACCOUNT_A

    iam_a.create_user(UserName="admin-a")
    iam_b.create_user(UserName="admin-b")
    assert [u["UserName"] for u in iam_a.list_users()["Users"]] == ["admin-a"]
    assert [u["UserName"] for u in iam_b.list_users()["Users"]] == ["admin-b"]
    assert aws.client("iam").list_users()["Users"] == []

    aws.control.set_root(ACCOUNT_A, mfa="virtual")
    assert iam_a.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
    assert iam_b.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
    assert aws.control.get_root(ACCOUNT_B)["mfa"] == "none"


def test_log_attributes_calls_to_the_assumed_account(aws):
    iam_a = aws.client("iam", account_id=ACCOUNT_A)
    iam_b = aws.client("iam", account_id=ACCOUNT_B)
    aws.control.clear_requests()
    iam_a.create_user(UserName="admin-a")
    iam_b.get_account_summary()
    creates = [(r["account"], r["action"]) for r in aws.control.requests()]
    assert creates == [(ACCOUNT_A, "CreateUser"), (ACCOUNT_B, "GetAccountSummary")]
    assert [r["account"] for r in aws.control.mutating_requests()] == [ACCOUNT_A]
    assert aws.control.mutating_requests(account=ACCOUNT_B) == []


def test_assume_role_itself_is_logged_for_the_caller(aws):
    aws.client("iam", account_id=ACCOUNT_A)
    (record,) = aws.control.requests()
    assert (record["service"], record["action"], record["account"], record["mutating"]) == ("sts", "AssumeRole", DEFAULT, False)


def _client_with(aws, service, credentials):
    """A boto3 client on given credentials (an access key or STS credentials)."""
    return boto3.client(service, endpoint_url=aws.url, region_name="us-east-1", config=NO_RETRIES,
                        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                        aws_session_token=credentials.get("SessionToken"))


def test_get_session_token_gives_the_calling_users_credentials(aws):
    iam_a = aws.client("iam", account_id=ACCOUNT_A)
    alice = iam_a.create_user(UserName="alice")["User"]
    key = iam_a.create_access_key(UserName="alice")["AccessKey"]
    session = _client_with(aws, "sts", key).get_session_token()["Credentials"]
    assert session["AccessKeyId"].startswith("ASIA") and session["AccessKeyId"] != key["AccessKeyId"]
    assert session["SessionToken"] and session["Expiration"]
    identity = _client_with(aws, "sts", session).get_caller_identity()
    assert (identity["Account"], identity["Arn"], identity["UserId"]) == (ACCOUNT_A, alice["Arn"], alice["UserId"])
    aws.control.clear_requests()
    assert _client_with(aws, "iam", session).get_user()["User"]["Arn"] == alice["Arn"]  # no UserName: the caller
    assert [r["account"] for r in aws.control.requests()] == [ACCOUNT_A]
    # The session's key is not one of alice's own: ListAccessKeys (and the credential report) do not show it.
    assert [k["AccessKeyId"] for k in iam_a.list_access_keys(UserName="alice")["AccessKeyMetadata"]] == [key["AccessKeyId"]]


def test_get_session_token_needs_long_term_credentials(aws):
    iam_a = aws.client("iam", account_id=ACCOUNT_A)
    iam_a.create_user(UserName="alice")
    session = _client_with(aws, "sts", iam_a.create_access_key(UserName="alice")["AccessKey"]).get_session_token()["Credentials"]
    assert error_code(_client_with(aws, "sts", session).get_session_token) == "AccessDenied"
    role_sts = aws.client("sts", account_id=ACCOUNT_A, config=NO_RETRIES)
    with pytest.raises(ClientError) as info:
        role_sts.get_session_token()
    assert info.value.response["Error"]["Message"] == "Cannot call GetSessionToken with session credentials"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_get_session_token_of_an_unknown_key_keeps_its_identity(aws):
    sts = aws.client("sts")
    session = sts.get_session_token()["Credentials"]
    caller, via_session = sts.get_caller_identity(), _client_with(aws, "sts", session).get_caller_identity()
    assert (via_session["Account"], via_session["Arn"]) == (caller["Account"], caller["Arn"])
    assert caller["Account"] == DEFAULT
