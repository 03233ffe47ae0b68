"""The totp lookup end to end, through ansible-playbook against the local AWS: an admin user gets an MFA device from
the collection's modules, then a pipeline assumes a role as that user with amazon.aws.sts_assume_role, the code coming
from the vaulted seed.

The local AWS checks the code against the device's seed (and refuses a code used before), so a successful AssumeRole
proves the lookup computed a right, fresh code; its request log is the independent witness.
"""

import base64
import re
import time

import boto3
import pytest
import yaml
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import VaultSecret

from playbook_helpers import recap

ACCOUNT = "123456789012"
USER = "pipeline-admin"
SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/{USER}"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/accountguard-admin"
TARGET = "totp_lookup.yml"


def code(seed, counter):
    """An independent TOTP (RFC 6238, SHA1, 6 digits, 30 s), not the collection's."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    return TOTP(key, 6, SHA1(), 30, enforce_key_length=False).generate(counter * 30).decode("ascii")


def appears(code_text, text):
    """A code as a token of its own (not six digits inside a longer number such as a timestamp)."""
    return re.search(rf"(?<!\d){code_text}(?!\d)", text) is not None


def stored(playbook):
    vault = VaultLib([("default", VaultSecret(playbook.vault_password_file.read_text().strip().encode()))])
    return yaml.safe_load(vault.decrypt((playbook.secrets_dir / ACCOUNT / f"{USER}.yml").read_bytes()))


@pytest.fixture
def admin(playbook, aws):
    """The admin user in the Administrators group, with its enabled MFA device (set up by the collection's modules),
    and an access key for it made here with boto3, as a pipeline would have been given: the assume step's extra vars."""
    iam = boto3.client("iam", endpoint_url=aws.url, region_name="us-east-1",
                       aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")
    iam.create_group(GroupName="Administrators")
    recap(playbook.run(TARGET, "--tags", "setup"))
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=USER)["MFADevices"]] == [SERIAL]
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    aws.control.clear_requests()
    return {"admin_access_key": key["AccessKeyId"], "admin_secret_key": key["SecretAccessKey"]}


def sts_calls(aws):
    return [r for r in aws.control.requests() if r["service"] == "sts"]


def test_pipeline_assumes_the_role_with_the_code_from_the_vaulted_seed(playbook, aws, admin):
    start = time.time()
    out = playbook.run(TARGET, "--tags", "assume", "-vvvv", extra_vars=admin)
    end = time.time()
    assert recap(out)["failed"] == 0
    assert "All assertions passed" in out.stdout

    (assume, identity) = sts_calls(aws)
    assert (assume["action"], assume["status"], assume["account"]) == ("AssumeRole", 200, ACCOUNT)
    assert assume["params"]["SerialNumber"] == SERIAL
    assert assume["params"]["RoleArn"] == ROLE_ARN
    assert assume["params"]["TokenCode"] == "<redacted>"
    assert (identity["action"], identity["status"], identity["account"]) == ("GetCallerIdentity", 200, ACCOUNT)

    # Neither the seed nor any code of the run's windows shows, even at -vvvv.
    seed = stored(playbook)["seed"]
    log = playbook.log_path.read_text()
    for text in (out.stdout, out.stderr, log):
        assert seed not in text and seed.lower() not in text
        for counter in range(int(start) // 30 - 1, int(end) // 30 + 3):
            assert not appears(code(seed, counter), text), "a code leaked"


def test_a_code_far_off_is_refused_with_access_denied(playbook, aws, admin):
    out = playbook.run(TARGET, "--tags", "assume", check=False, extra_vars={**admin, "totp_step_offset": 5})
    assert recap(out)["failed"] == 1
    assert "AccessDenied" in out.stdout, out.stdout
    assert "MultiFactorAuthentication failed with invalid MFA one time pass code" in out.stdout
    assert [(r["action"], r["status"], r["error_code"]) for r in sts_calls(aws)] == [("AssumeRole", 403, "AccessDenied")]


def test_without_the_vault_password_the_lookup_says_how_to_give_it(playbook, aws, admin):
    out = playbook.run(TARGET, "--tags", "assume", check=False, vault=False, extra_vars=admin)
    assert recap(out)["failed"] == 1
    secrets_file = str(playbook.secrets_dir / ACCOUNT / f"{USER}.yml")
    assert secrets_file in out.stdout, out.stdout
    assert "no vault secret was given to read it: run with --vault-id or --vault-password-file" in out.stdout
    assert sts_calls(aws) == []  # nothing was sent without a code
