"""One server, many accounts: AssumeRole credentials are scoped to the role's account."""

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
