"""iam_virtual_mfa against the local AWS, through ansible-playbook: the four steps, then the details.

The local AWS rejects MFA codes that are not two consecutive TOTP codes of the device's seed, so a
device that ends up enabled proves the module computed the right codes from the right seed.
"""

import base64
import os
import time

import boto3
import pytest
import yaml

from ansible.parsing.vault import VaultSecret

from playbook_helpers import appears
from playbook_helpers import codes_between
from playbook_helpers import decrypt_yaml
from playbook_helpers import device_serials
from playbook_helpers import four_steps
from playbook_helpers import recap
from playbook_helpers import seed_is_the_devices
from playbook_helpers import vault_lib

# Every test here runs both ways: in the controller's worker and as module processes.
pytestmark = pytest.mark.usefixtures("way")

ACCOUNT = "123456789012"
USER = "carol"
SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/{USER}"
TARGET = "iam_virtual_mfa.yml"


@pytest.fixture
def iam(aws):
    client = boto3.client("iam", endpoint_url=aws.url, region_name="us-east-1",
                          aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")
    client.create_user(UserName=USER)
    return client


def vault(playbook):
    return vault_lib(playbook.vault_password_file)


def secrets_path(playbook, user=USER):
    return playbook.secrets_dir / ACCOUNT / f"{user}.yml"


def stored(playbook, user=USER):
    return decrypt_yaml(secrets_path(playbook, user), playbook.vault_password_file)


def store(playbook, values, user=USER):
    """Write a secrets file the way the action plugin does (vault-encrypted, 0600)."""
    path = secrets_path(playbook, user)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = VaultSecret(playbook.vault_password_file.read_text().strip().encode())
    path.write_bytes(vault(playbook).encrypt(yaml.safe_dump(values).encode(), secret))
    os.chmod(path, 0o600)


def assert_seed_is_the_devices(iam, seed, serial=SERIAL, user=USER):
    seed_is_the_devices(iam, seed, serial, user)


def actions(aws, mutating_only=False):
    records = aws.control.mutating_requests() if mutating_only else aws.control.requests()
    return [r["action"] for r in records if r["service"] == "iam"]


def test_four_steps_then_verified_independently(playbook, aws, iam):
    four_steps(playbook, aws, TARGET)

    devices = iam.list_mfa_devices(UserName=USER)["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [SERIAL]
    assert device_serials(iam) == [SERIAL]

    secrets = stored(playbook)
    assert secrets["user_name"] == USER and secrets["account_id"] == ACCOUNT
    assert secrets["serial_number"] == SERIAL
    assert secrets["otpauth_uri"] == (
        f"otpauth://totp/AWS:{USER}@{ACCOUNT}?secret={secrets['seed']}&issuer=AWS&algorithm=SHA1&digits=6&period=30"
    )
    assert secrets_path(playbook).stat().st_mode & 0o777 == 0o600
    # The device is enabled only because the local AWS accepted the module's codes; and the stored seed is
    # the device's: fresh codes computed from it (by another TOTP implementation) are accepted too.
    assert_seed_is_the_devices(iam, secrets["seed"])


def test_steady_state_is_one_call(playbook, aws, iam):
    playbook.run(TARGET)
    aws.control.clear_requests()
    assert recap(playbook.run(TARGET))["changed"] == 0
    assert actions(aws) == ["ListMFADevices"]


def test_apply_calls(playbook, aws, iam):
    aws.control.clear_requests()
    assert recap(playbook.run(TARGET))["changed"] == 1
    # create (the seed is then stored on the controller), and the second call enables it.
    assert actions(aws) == ["ListMFADevices", "ListVirtualMFADevices", "CreateVirtualMFADevice", "ListMFADevices", "EnableMFADevice"]


def test_wrong_stored_seed_fails_clearly_and_changes_nothing(playbook, aws, iam):
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=USER)["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"].decode("ascii")
    wrong = base64.b32encode(os.urandom(40)).decode("ascii")
    store(playbook, {"user_name": USER, "account_id": ACCOUNT, "serial_number": serial, "seed": wrong})
    aws.control.clear_requests()

    out = playbook.run(TARGET, check=False)
    assert recap(out)["failed"] == 1
    assert f"IAM rejected the MFA codes for user {USER} and device {serial}" in out.stdout, out.stdout
    assert "the codes computed from the given seed were rejected: the seed does not belong to this device" in out.stdout
    assert wrong not in out.stdout + out.stderr and seed not in out.stdout + out.stderr
    assert device_serials(iam, "Unassigned") == [serial]
    assert iam.list_mfa_devices(UserName=USER)["MFADevices"] == []
    # The rejected attempt and the one with the next codes (IAM refuses codes it has seen), nothing else.
    assert actions(aws, mutating_only=True) == ["EnableMFADevice", "EnableMFADevice"]
    assert stored(playbook)["seed"] == wrong  # the secrets file is left as it was


def test_without_vault_password_nothing_is_created(playbook, aws, iam):
    aws.control.clear_requests()
    out = playbook.run(TARGET, vault=False, check=False)
    assert recap(out)["failed"] == 1
    assert f"No vault secret is configured to store the MFA seed of user {USER}" in out.stdout, out.stdout
    assert device_serials(iam) == []
    assert aws.control.mutating_requests() == []
    assert not secrets_path(playbook).exists()


def test_check_mode_without_vault_password_reports_the_drift(playbook, aws, iam):
    aws.control.clear_requests()
    out = playbook.run(TARGET, "--check", "--diff", vault=False)
    assert recap(out)["changed"] == 1
    assert f"create virtual MFA device /{USER} and enable it for user {USER}" in out.stdout, out.stdout
    assert '"enabled": true' in out.stdout  # the diff's after
    assert aws.control.mutating_requests() == []


def test_no_seed_or_code_in_output_or_log_at_vvvv(playbook, aws, iam):
    start = time.time()
    out = playbook.run(TARGET, "-vvvv", "--diff")
    end = time.time()
    seed = stored(playbook)["seed"]
    log = playbook.log_path.read_text()
    for text in (out.stdout, out.stderr, log):
        assert seed not in text
        assert seed.lower() not in text
        for c in codes_between(seed, start, end):
            assert not appears(c, text), f"code {c} leaked"
    assert "secrets_stored" in out.stdout
    assert "sealed_secret" not in out.stdout and "secret_recipient" not in out.stdout


def test_interrupted_run_without_stored_seed_converges(playbook, aws, iam):
    # A device created by a run that died before the seed was stored: nobody holds its seed.
    orphan_seed = iam.create_virtual_mfa_device(VirtualMFADeviceName=USER)["VirtualMFADevice"]["Base32StringSeed"].decode("ascii")
    aws.control.clear_requests()
    out = playbook.run(TARGET)
    assert recap(out)["changed"] == 1
    assert actions(aws, mutating_only=True) == ["DeleteVirtualMFADevice", "CreateVirtualMFADevice", "EnableMFADevice"]
    assert device_serials(iam) == [SERIAL]  # exactly one device
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=USER)["MFADevices"]] == [SERIAL]
    seed = stored(playbook)["seed"]
    assert seed != orphan_seed
    assert_seed_is_the_devices(iam, seed)


def test_interrupted_run_with_stored_seed_enables_the_device(playbook, aws, iam):
    # A run that died after storing the seed and before enabling: the next run enables that device.
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=USER)["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode("ascii")
    store(playbook, {"user_name": USER, "account_id": ACCOUNT, "serial_number": SERIAL, "seed": seed})
    aws.control.clear_requests()
    check = playbook.run(TARGET, "--check", "--diff")
    assert recap(check)["changed"] == 1
    assert aws.control.mutating_requests() == []
    assert recap(playbook.run(TARGET))["changed"] == 1
    assert actions(aws, mutating_only=True) == ["EnableMFADevice"]
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=USER)["MFADevices"]] == [SERIAL]
    assert stored(playbook)["seed"] == seed
    assert_seed_is_the_devices(iam, seed)


def test_missing_user_fails_clearly(playbook, aws, iam):
    aws.control.clear_requests()
    out = playbook.run(TARGET, check=False, extra_vars={"user_name": "dave"})
    assert recap(out)["failed"] == 1
    assert "IAM user dave does not exist" in out.stdout, out.stdout
    assert aws.control.mutating_requests() == []
