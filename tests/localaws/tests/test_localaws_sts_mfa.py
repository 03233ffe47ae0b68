"""STS AssumeRole / GetSessionToken with SerialNumber and TokenCode: the code must be a fresh TOTP code of the
seed of a device assigned to the calling user; calls without them behave as before."""

import boto3
import pytest
from botocore.exceptions import ClientError

from localaws_testutil import NO_RETRIES, code_pair, error_code, fresh_counter, totp_code

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/admin-with-mfa"
INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code."
NOT_ASSOCIATED = "MultiFactorAuthentication failed, unable to validate MFA code."


def _client(aws, service, key):
    return boto3.client(service, endpoint_url=aws.url, region_name="us-east-1", config=NO_RETRIES,
                        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])


def _user_with_mfa(aws, user="alice", counter=None):
    """A user with an access key and an enabled virtual device (enabled with the codes of counter - 2 and
    counter - 1, so the codes of counter and counter + 1 are unused). Returns (sts client, serial, seed)."""
    iam = aws.client("iam")
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"]
    counter = fresh_counter(margin=5) if counter is None else counter
    codes = code_pair(seed, counter - 2)
    iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=codes[0], AuthenticationCode2=codes[1])
    return _client(aws, "sts", key), serial, seed


def _not_a_code(seed, now):
    """Six digits that are none of the codes the local AWS would accept now."""
    valid = {totp_code(seed, now + offset) for offset in (-1, 0, 1)}
    return next(c for c in ("000000", "123456", "999999", "314159") if c not in valid)


def _assume(sts, serial=None, code=None):
    kwargs = {"RoleArn": ROLE, "RoleSessionName": "mfa-test"}
    if serial is not None:
        kwargs["SerialNumber"] = serial
    if code is not None:
        kwargs["TokenCode"] = code
    return sts.assume_role(**kwargs)


def _denied(call, *args, **kwargs):
    """The error message of a call that must fail with AccessDenied (HTTP 403)."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    response = info.value.response
    assert response["Error"]["Code"] == "AccessDenied"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    return response["Error"]["Message"]


def test_right_code_assumes_the_role(aws):
    now = fresh_counter(margin=5)
    sts, serial, seed = _user_with_mfa(aws, counter=now)
    credentials = _assume(sts, serial, totp_code(seed, now))["Credentials"]
    identity = boto3.client("sts", endpoint_url=aws.url, region_name="us-east-1",
                            aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                            aws_session_token=credentials["SessionToken"]).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/admin-with-mfa/mfa-test"


def test_wrong_code_and_codes_of_another_seed_are_denied(aws):
    now = fresh_counter(margin=5)
    sts, serial, seed = _user_with_mfa(aws, counter=now)
    other_seed = aws.client("iam").create_virtual_mfa_device(VirtualMFADeviceName="spare")["VirtualMFADevice"]["Base32StringSeed"]
    right = totp_code(seed, now)
    wrong = _not_a_code(seed, now)
    assert _denied(_assume, sts, serial, wrong) == INVALID_CODE
    if totp_code(other_seed, now) != right:
        assert _denied(_assume, sts, serial, totp_code(other_seed, now)) == INVALID_CODE
    _assume(sts, serial, right)  # the failures did not use up the right code


def test_window_is_one_step_either_side(aws):
    now = fresh_counter(margin=5)
    sts, serial, seed = _user_with_mfa(aws, counter=now + 2)  # enabled with now and now + 1: those are used
    assert _denied(_assume, sts, serial, totp_code(seed, now + 2)) == INVALID_CODE
    assert _denied(_assume, sts, serial, totp_code(seed, now - 2)) == INVALID_CODE
    _assume(sts, serial, totp_code(seed, now - 1))


def test_code_is_accepted_once(aws):
    now = fresh_counter(margin=5)
    sts, serial, seed = _user_with_mfa(aws, counter=now)
    _assume(sts, serial, totp_code(seed, now))
    assert _denied(_assume, sts, serial, totp_code(seed, now)) == INVALID_CODE
    _assume(sts, serial, totp_code(seed, now + 1))  # the next window's code, as step_offset=1 gives


def test_codes_that_enabled_the_device_are_not_accepted_again(aws):
    now = fresh_counter(margin=5)
    sts, serial, seed = _user_with_mfa(aws, counter=now + 1)  # enabled with now - 1 and now
    assert _denied(_assume, sts, serial, totp_code(seed, now)) == INVALID_CODE
    _assume(sts, serial, totp_code(seed, now + 1))


def test_device_must_be_assigned_to_the_caller(aws):
    now = fresh_counter(margin=5)
    alice, alice_serial, alice_seed = _user_with_mfa(aws, "alice", counter=now)
    bob, bob_serial, bob_seed = _user_with_mfa(aws, "bob", counter=now)
    unassigned = aws.client("iam").create_virtual_mfa_device(VirtualMFADeviceName="unassigned")["VirtualMFADevice"]
    message = _denied(_assume, alice, bob_serial, totp_code(bob_seed, now))
    assert message.startswith(NOT_ASSOCIATED)
    assert _denied(_assume, alice, unassigned["SerialNumber"], totp_code(unassigned["Base32StringSeed"], now)).startswith(NOT_ASSOCIATED)
    assert _denied(_assume, alice, f"arn:aws:iam::{ACCOUNT}:mfa/nope", "123456").startswith(NOT_ASSOCIATED)
    # Credentials that are no IAM user's (the default test key) cannot use a user's device either.
    assert _denied(_assume, aws.client("sts", config=NO_RETRIES), alice_serial, totp_code(alice_seed, now)).startswith(NOT_ASSOCIATED)
    _assume(bob, bob_serial, totp_code(bob_seed, now))


def test_serial_and_code_come_together_and_codes_are_six_digits(aws):
    now = fresh_counter(margin=5)
    sts, serial, seed = _user_with_mfa(aws, counter=now)
    assert "must provide both" in _denied(_assume, sts, serial)
    assert "must provide both" in _denied(_assume, sts, None, totp_code(seed, now))
    assert error_code(_assume, sts, serial, "12a456") == "ValidationError"


def test_hardware_device_accepts_any_six_digits(aws):
    iam = aws.client("iam")
    iam.create_user(UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    iam.enable_mfa_device(UserName="alice", SerialNumber="GAHT12345678", AuthenticationCode1="123456", AuthenticationCode2="654321")
    _assume(_client(aws, "sts", key), "GAHT12345678", "000000")


def test_get_session_token_checks_the_code_too(aws):
    now = fresh_counter(margin=5)
    sts, serial, seed = _user_with_mfa(aws, counter=now)
    right = totp_code(seed, now)
    wrong = _not_a_code(seed, now)
    assert _denied(sts.get_session_token, SerialNumber=serial, TokenCode=wrong) == INVALID_CODE
    assert sts.get_session_token(SerialNumber=serial, TokenCode=right)["Credentials"]["SessionToken"]
    assert _denied(sts.get_session_token, SerialNumber=serial, TokenCode=right) == INVALID_CODE


def test_without_mfa_any_caller_still_assumes_any_role(aws):
    sts = aws.client("sts")
    assert _assume(sts)["AssumedRoleUser"]["Arn"].endswith(":assumed-role/admin-with-mfa/mfa-test")
    assert sts.get_session_token()["Credentials"]["AccessKeyId"]


def test_log_keeps_the_serial_and_hides_the_code(aws):
    now = fresh_counter(margin=5)
    sts, serial, seed = _user_with_mfa(aws, counter=now)
    code = totp_code(seed, now)
    aws.control.clear_requests()
    _assume(sts, serial, code)
    _denied(_assume, sts, serial, code)
    records = aws.control.requests()
    assert code not in repr(records)
    assert [(r["action"], r["status"], r["error_code"], r["mutating"]) for r in records] == [
        ("AssumeRole", 200, None, False), ("AssumeRole", 403, "AccessDenied", False)]
    assert records[0]["params"]["SerialNumber"] == serial
    assert records[0]["params"]["TokenCode"] == "<redacted>"
    assert records[0]["account"] == ACCOUNT
