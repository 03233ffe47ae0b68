"""Injected faults: Throttling on the Nth call or at random (seeded), eventual consistency after creates."""

import pytest
from botocore.exceptions import ClientError

from localaws.client import ControlError
from localaws.state import LocalState
from localaws_testutil import NO_RETRIES, error_code


@pytest.fixture
def iam(aws):
    return aws.client("iam", config=NO_RETRIES)


def test_throttle_nth(aws, iam):
    iam.create_user(UserName="alice")
    aws.control.set_faults(throttle_nth={"GetUser": 2})
    iam.get_user(UserName="alice")
    with pytest.raises(ClientError) as info:
        iam.get_user(UserName="alice")
    assert info.value.response["Error"]["Code"] == "Throttling"
    assert info.value.response["Error"]["Message"] == "Rate exceeded"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    iam.get_user(UserName="alice")  # only once
    statuses = [(r["action"], r["status"], r["error_code"]) for r in aws.control.requests() if r["action"] == "GetUser"]
    assert statuses == [("GetUser", 200, None), ("GetUser", 400, "Throttling"), ("GetUser", 200, None)]


def test_throttled_create_is_not_passed_to_moto(aws, iam):
    aws.control.set_faults(throttle_nth={"CreateUser": 1})
    assert error_code(iam.create_user, UserName="alice") == "Throttling"
    assert iam.list_users()["Users"] == []


def test_botocore_retries_throttling(aws):
    aws.control.set_faults(throttle_nth={"ListUsers": 1})
    assert aws.client("iam").list_users()["ResponseMetadata"]["RetryAttempts"] == 1


@pytest.mark.parametrize(("create", "code", "status"), [
    ("CreateUser", "NoSuchEntity", 404),
    ("CreateVirtualMFADevice", "EntityTemporarilyUnmodifiable", 409),
])
def test_after_create(aws, iam, create, code, status):
    aws.control.set_faults(after_create={create: code})
    iam.create_user(UserName="alice")
    if create == "CreateVirtualMFADevice":
        iam.get_user(UserName="alice")  # not armed yet
        iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-mfa")
    with pytest.raises(ClientError) as info:
        iam.list_users()  # any IAM action of the same account
    assert info.value.response["Error"]["Code"] == code
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    iam.list_users()  # once only


def test_after_create_is_per_account(aws):
    aws.control.set_faults(after_create={"CreateUser": "NoSuchEntity"})
    other = aws.client("iam", account_id="111111111111", config=NO_RETRIES)
    aws.client("iam", config=NO_RETRIES).create_user(UserName="alice")
    other.list_users()  # another account: not affected
    assert error_code(aws.client("iam", config=NO_RETRIES).get_user, UserName="alice") == "NoSuchEntity"


def _throttled_calls(aws, iam, **faults):
    aws.control.set_faults(**faults)
    outcome = []
    for attempt in range(60):  # bounded
        try:
            iam.list_users()
            outcome.append(False)
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "Throttling"
            outcome.append(True)
    return outcome


def test_throttle_fraction_is_seeded(aws, iam):
    first = _throttled_calls(aws, iam, throttle_fraction=0.5, seed=7)
    second = _throttled_calls(aws, iam, throttle_fraction=0.5, seed=7)
    assert first == second
    assert 10 <= sum(first) <= 50
    assert not any(_throttled_calls(aws, iam, throttle_fraction=0.0, seed=7))
    assert all(_throttled_calls(aws, iam, throttle_fraction=1.0))


def test_throttle_actions_restricts_fraction(aws, iam):
    aws.control.set_faults(throttle_fraction=1.0, throttle_actions=["GetUser"])
    iam.list_users()
    assert error_code(iam.get_user, UserName="alice") == "Throttling"


def test_json_protocol_fault(aws):
    aws.control.set_faults(throttle_nth={"ListAccounts": 1})
    org = aws.client("organizations", config=NO_RETRIES)
    assert error_code(org.list_accounts) == "Throttling"


def test_faults_validation_and_clear(aws, iam):
    for bad in ({"throttle_fraction": 2}, {"throttle_nth": {"GetUser": 0}}, {"colour": "blue"}):
        with pytest.raises(ControlError):
            aws.control.set_faults(**bad)
    aws.control.set_faults(throttle_fraction=1.0)
    assert aws.control.get_faults() == {"throttle_fraction": 1.0}
    aws.control.clear_faults()
    iam.list_users()


def test_reset_clears_everything(aws, iam):
    iam.create_user(UserName="alice")
    iam.generate_credential_report()
    aws.control.set_root("123456789012", mfa="virtual", access_keys=1)
    aws.control.set_faults(after_create={"CreateUser": "NoSuchEntity"}, throttle_nth={"ListUsers": 5})

    aws.control.reset()

    assert aws.control.requests() == []
    assert aws.control.get_faults() == {}
    assert aws.control.get_root("123456789012")["mfa"] == "none"
    assert iam.list_users()["Users"] == []
    assert error_code(iam.get_credential_report) == "ReportNotPresent"


def test_reset_forgets_used_totp_codes():
    state = LocalState()
    key = ("123456789012", "arn:aws:iam::123456789012:mfa/x", "SEED")
    state.use_counters(key, (10, 11))
    assert state.counters_used(key, (11, 12))
    state.reset()
    assert not state.counters_used(key, (10, 11))


def test_hold_after_applies_and_logs_the_call_before_answering(aws, iam):
    import threading
    import time

    aws.control.set_faults(hold_after={"CreateUser": 2})
    done = {}

    def create():
        done["user"] = iam.create_user(UserName="alice")["User"]["UserName"]

    started = time.monotonic()
    worker = threading.Thread(target=create)
    worker.start()
    while not [r for r in aws.control.requests() if r["action"] == "CreateUser"]:
        assert time.monotonic() - started < 1.5, "the held call was not logged at once"
        time.sleep(0.05)
    assert "user" not in done  # the answer is still held back
    assert aws.client("iam").get_user(UserName="alice")["User"]["UserName"] == "alice"  # yet the user exists
    worker.join(10)
    assert done["user"] == "alice"
    assert time.monotonic() - started >= 2


@pytest.mark.parametrize("bad", [{"CreateUser": 0}, {"CreateUser": 601}, {"CreateUser": True}, ["CreateUser"]])
def test_hold_after_rejects_bad_values(aws, bad):
    with pytest.raises(ControlError, match="hold_after"):
        aws.control.set_faults(hold_after=bad)
