# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: facts about the account's root user (CIS AWS Foundations 2.5 / 2.6).

Three layers, so the logic unit-tests without AWS:
- AWS helpers, one call (or one paginated listing) each, with the collection's error handler and retries;
- pure functions that turn API answers into facts (root_facts, parse_credential_report, backoff_delays);
- gather_root_facts(), which makes as few calls as the answers allow and never changes the account;
behind the runner's interface (see _runner.py): validate(params), ensure_present(run) (facts only: the
module changes nothing, so there is no ensure_absent).
"""

from __future__ import annotations

import csv
import io
import random
import re
import time

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ._common import AccountGuardError
from ._common import IAMErrorHandler
from ._common import RETRY
from ._common import account_id_from_arn

# GetCredentialReport answers while a report is being generated (and, right after a generation request,
# the answer for an old report that has just expired). Anything else is a real error.
REPORT_NOT_READY_CODES = ("ReportInProgress", "ReportNotPresent", "ReportExpired")

# Polling for the credential report: first pause about 1 s, doubling up to 16 s, "equal jitter" (half the
# step fixed, half random), so successive pauses never shrink and parallel runs do not poll in lockstep.
REPORT_POLL_BASE = 1.0
REPORT_POLL_MAX = 16.0

# Credential report cells that mean "nothing to report" rather than a value.
_REPORT_EMPTY = ("", "N/A", "no_information", "not_supported")

ARGUMENT_SPEC = dict(
    account_id=dict(type="str"),
    credential_report=dict(type="bool", default=False),
    credential_report_timeout=dict(type="int", default=60),
)


def validate(params):
    account_id = params["account_id"]
    if account_id is not None and not re.fullmatch(r"\d{12}", account_id):
        raise AccountGuardError(message=f"account_id {account_id!r} is not an AWS account id (12 digits)")
    if params["credential_report_timeout"] < 0:
        raise AccountGuardError(message=f"credential_report_timeout must be 0 or more seconds, not {params['credential_report_timeout']}")


def ensure_present(run):
    """Gather the facts (read-only, so the same in check mode)."""
    facts = gather_root_facts(
        run.client("iam"),
        lambda: run.client("sts"),
        account_id=run.params["account_id"],
        credential_report=run.params["credential_report"],
        timeout=run.params["credential_report_timeout"],
    )
    run.result.update(changed=False, root_mfa=facts, ansible_facts={"root_mfa": facts})


# ---- AWS calls ---------------------------------------------------------------------------------

@IAMErrorHandler.common_error_handler("get the IAM account summary")
def get_account_summary(client):
    return client.get_account_summary(aws_retry=True)["SummaryMap"]


@IAMErrorHandler.common_error_handler("list the assigned virtual MFA devices")
@RETRY
def find_root_virtual_mfa(client):
    """The root user's virtual MFA device, or None. Stops paging as soon as it is found.

    Root's device may have any name; it is recognised by its user, whose ARN is arn:aws:iam::<acct>:root.
    """
    pages = client.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Assigned")
    for page in pages:
        for device in page.get("VirtualMFADevices", []):
            if is_root_arn(device.get("User", {}).get("Arn")):
                return device
    return None


@IAMErrorHandler.common_error_handler("get the caller identity (STS) to learn the account id")
def get_caller_account(client):
    return client.get_caller_identity(aws_retry=True)["Account"]


@IAMErrorHandler.common_error_handler("request a credential report")
def generate_credential_report(client):
    return client.generate_credential_report(aws_retry=True).get("State")


@IAMErrorHandler.common_error_handler("get the credential report")
def get_credential_report(client):
    """The GetCredentialReport answer, or None while the report is not ready yet."""
    try:
        return client.get_credential_report(aws_retry=True)
    except is_boto3_error_code(list(REPORT_NOT_READY_CODES)):
        return None


# ---- pure functions ----------------------------------------------------------------------------

def is_root_arn(arn):
    return bool(arn) and arn.startswith("arn:") and arn.endswith(":root")


def root_facts(summary, root_device=None, account_id=None):
    """Facts from the GetAccountSummary SummaryMap and the root's virtual MFA device (None when root has
    none, or when the listing was skipped because MFA is off)."""
    mfa_enabled = bool(summary.get("AccountMFAEnabled", 0))
    password = bool(summary.get("AccountPasswordPresent", 0))
    access_keys = bool(summary.get("AccountAccessKeysPresent", 0))
    certificates = bool(summary.get("AccountSigningCertificatesPresent", 0))
    credentials = password or access_keys or certificates

    if not mfa_enabled:
        mfa_type = "none"
    elif root_device is not None:
        mfa_type = "virtual"
    else:
        # MFA is on but no virtual device belongs to root: a hardware TOTP token or a FIDO security key.
        mfa_type = "hardware"

    return {
        "account_id": account_id,
        "mfa_enabled": mfa_enabled,
        "mfa_type": mfa_type,
        "virtual_mfa_serial": root_device.get("SerialNumber") if root_device is not None and mfa_enabled else None,
        "password_present": password,
        "access_keys_present": access_keys,
        "signing_certificates_present": certificates,
        "credentials_present": credentials,
        # Without any root credential (root access managed centrally) nobody can sign in as root: MFA has
        # nothing to protect, and CIS 2.5 / 2.6 are met.
        "mfa_applicable": credentials,
        "compliant": mfa_enabled or not credentials,
        "hardware_mfa_compliant": mfa_type == "hardware" or not credentials,
        "findings": findings(mfa_enabled, mfa_type, password, access_keys, certificates),
    }


def findings(mfa_enabled, mfa_type, password, access_keys, certificates):
    """Short human-readable problems, most serious first; [] when root is in the recommended state."""
    result = []
    if not mfa_enabled:
        if password:
            result.append("root user has a password but no MFA")
        elif access_keys or certificates:
            result.append("root user has credentials (access keys or signing certificates) but no MFA")
    if access_keys:
        result.append("root user has access keys")
    if certificates:
        result.append("root user has signing certificates")
    if mfa_type == "virtual" and (password or access_keys or certificates):
        result.append("root user MFA is virtual, not hardware")
    return result


def _cell(row, column):
    value = (row.get(column) or "").strip()
    return None if value in _REPORT_EMPTY else value


def parse_credential_report(content):
    """Facts from the <root_account> row of a credential report (CSV; bytes as boto3 returns them).

    Raises AccountGuardError when the report has no root row.
    """
    if isinstance(content, bytes):
        content = content.decode("utf-8")
    for row in csv.DictReader(io.StringIO(content)):
        if row.get("user") == "<root_account>":
            return {
                "arn": _cell(row, "arn"),
                "password_last_used": _cell(row, "password_last_used"),
                "access_key_1_last_used": _cell(row, "access_key_1_last_used_date"),
                "access_key_2_last_used": _cell(row, "access_key_2_last_used_date"),
                "mfa_active": _cell(row, "mfa_active") == "true",
            }
    raise AccountGuardError(message="The credential report has no <root_account> row")


def backoff_delays(base=REPORT_POLL_BASE, maximum=REPORT_POLL_MAX):
    """Endless pauses for polling: step doubles up to maximum; each pause is in [step/2, step]."""
    step = base
    while True:
        yield step / 2 + random.uniform(0, step / 2)
        step = min(step * 2, maximum)


def wait_for_credential_report(client, timeout):
    """Request a credential report and poll until it is ready, for at most about `timeout` seconds.

    Pauses grow with jittered exponential backoff and never overshoot the deadline; the last attempt is
    made at the deadline. Raises AccountGuardError when the report is still not ready then.
    """
    deadline = time.monotonic() + timeout
    generate_credential_report(client)
    delays = backoff_delays()
    attempts = 0
    while True:
        attempts += 1
        report = get_credential_report(client)
        if report is not None:
            return report
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AccountGuardError(
                message=f"The credential report was still not ready after {timeout} seconds ({attempts} attempts); "
                "raise credential_report_timeout or try again later"
            )
        time.sleep(min(next(delays), remaining))


# ---- the whole fact-gathering run --------------------------------------------------------------

def _check_account(expected, seen, where):
    if expected and seen and expected != seen:
        raise AccountGuardError(
            message=f"account_id is {expected}, but {where} belongs to account {seen}: the credentials are for another account"
        )


def gather_root_facts(iam, sts_client, account_id=None, credential_report=False, timeout=60):
    """All root facts, read-only except GenerateCredentialReport (only when credential_report is true).

    sts_client is a callable returning an STS client; it is called only when the account id can be
    learned no other way (no account_id given, no root virtual MFA device, no credential report).
    """
    summary = get_account_summary(iam)
    # AccountMFAEnabled 0 means root has no MFA device at all: no need to look for a virtual one.
    device = find_root_virtual_mfa(iam) if summary.get("AccountMFAEnabled", 0) else None

    found_account = None
    if device is not None:
        found_account = account_id_from_arn(device["User"]["Arn"])
        _check_account(account_id, found_account, f"the root MFA device {device.get('SerialNumber')}")

    report = None
    if credential_report:
        answer = wait_for_credential_report(iam, timeout)
        report = parse_credential_report(answer["Content"])
        report_account = account_id_from_arn(report.pop("arn"))
        _check_account(account_id, report_account, "the credential report")
        found_account = found_account or report_account
        generated = answer.get("GeneratedTime")
        report["credential_report_generated"] = generated.isoformat() if hasattr(generated, "isoformat") else generated

    if not found_account:
        found_account = account_id or get_caller_account(sts_client())

    facts = root_facts(summary, device, found_account)
    if report is not None:
        facts.update(report)
    return facts
