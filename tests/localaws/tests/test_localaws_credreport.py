"""IAM users' rows of the credential report hold what AWS documents for each column (IAM User Guide,
"Getting credential reports"): dates where there is something to date, N/A where there is nothing,
no_information for a password never used to sign in. Nothing signs in to the local AWS."""

import csv
import io
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from localaws_testutil import code_pair

PASSWORD = "Initial-Passw0rd!x"


@pytest.fixture
def iam(aws):
    aws.control.set_report_delay(0)
    return aws.client("iam")


def _row(iam, user):
    iam.generate_credential_report()
    content = iam.get_credential_report()["Content"].decode("utf-8")
    rows = {row["user"]: row for row in csv.DictReader(io.StringIO(content))}
    return rows[user]


def _time(text):
    return datetime.fromisoformat(text)


def _near(text, moment, slack=5):
    return abs((_time(text) - moment).total_seconds()) <= slack


def _key_cells(row, n):
    return tuple(row[f"access_key_{n}_{part}"] for part in ("active", "last_rotated", "last_used_date", "last_used_region", "last_used_service"))


def _certificate():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localaws-test")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def test_a_user_without_credentials(iam):
    iam.create_user(UserName="bare")
    row = _row(iam, "bare")
    assert _near(row["user_creation_time"], datetime.now(timezone.utc))
    assert (row["password_enabled"], row["password_last_used"], row["password_last_changed"], row["password_next_rotation"]) == (
        "false", "N/A", "N/A", "N/A")
    assert row["mfa_active"] == "false"
    assert _key_cells(row, 1) == _key_cells(row, 2) == ("false", "N/A", "N/A", "N/A", "N/A")
    assert (row["cert_1_active"], row["cert_1_last_rotated"], row["cert_2_active"], row["cert_2_last_rotated"]) == ("false", "N/A") * 2


def test_password_columns(iam):
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password=PASSWORD, PasswordResetRequired=True)
    set_at = datetime.now(timezone.utc)
    row = _row(iam, "alice")
    assert (row["password_enabled"], row["password_last_used"], row["password_next_rotation"]) == ("true", "no_information", "N/A")
    assert _near(row["password_last_changed"], set_at)
    first_change = row["password_last_changed"]

    iam.update_login_profile(UserName="alice", PasswordResetRequired=False)  # no new password: not a change
    assert _row(iam, "alice")["password_last_changed"] == first_change

    iam.update_account_password_policy(MinimumPasswordLength=12, MaxPasswordAge=90)
    row = _row(iam, "alice")
    assert _time(row["password_next_rotation"]) == _time(first_change) + timedelta(days=90)
    assert row["password_last_used"] == "no_information"  # a password never used to sign in

    iam.delete_login_profile(UserName="alice")
    row = _row(iam, "alice")
    assert (row["password_enabled"], row["password_last_used"], row["password_last_changed"], row["password_next_rotation"]) == (
        "false", "N/A", "N/A", "N/A")


def test_access_key_columns(aws, iam):
    iam.create_user(UserName="alice")
    first = iam.create_access_key(UserName="alice")["AccessKey"]
    second = iam.create_access_key(UserName="alice")["AccessKey"]
    row = _row(iam, "alice")
    assert _key_cells(row, 1)[0] == "true" and _key_cells(row, 1)[2:] == ("N/A", "N/A", "N/A")  # never used
    assert _time(row["access_key_1_last_rotated"]) == first["CreateDate"].replace(microsecond=0)

    used = boto3.client("iam", endpoint_url=aws.url, region_name="us-east-1",
                        aws_access_key_id=first["AccessKeyId"], aws_secret_access_key=first["SecretAccessKey"])
    used.list_users()
    iam.update_access_key(UserName="alice", AccessKeyId=second["AccessKeyId"], Status="Inactive")
    row = _row(iam, "alice")
    active, dummy, last_used, region, service = _key_cells(row, 1)
    assert (active, region, service) == ("true", "us-east-1", "iam") and _near(last_used, datetime.now(timezone.utc))
    assert _key_cells(row, 2) == ("false", "N/A", "N/A", "N/A", "N/A")  # inactive, never used


def test_mfa_and_signing_certificate_columns(iam):
    iam.create_user(UserName="alice")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    codes = code_pair(device["Base32StringSeed"])
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"], AuthenticationCode1=codes[0], AuthenticationCode2=codes[1])
    iam.upload_signing_certificate(UserName="alice", CertificateBody=_certificate())
    row = _row(iam, "alice")
    assert row["mfa_active"] == "true"
    assert row["cert_1_active"] == "true" and _near(row["cert_1_last_rotated"], datetime.now(timezone.utc))
    assert (row["cert_2_active"], row["cert_2_last_rotated"]) == ("false", "N/A")
