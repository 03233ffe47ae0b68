# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the logic of accountguard.aws.iam_root_credentials.

A member account's root user credentials deleted centrally: from the organization's management account (or IAM's
delegated administrator), sts:AssumeRoot into the member account with a task policy gives a short root session
(at most 15 minutes) that may do only what that policy allows:

- arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials: read the root user's password, access keys,
  signing certificates and MFA devices (check mode, audit_only);
- arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials: the same reads, and delete them (a real run).

In the root session the IAM calls name no user: they act on the root user. read -> compare -> delete (never in
check mode) -> result, behind the runner's interface (see _runner.py). The management account's own root user is
refused before any call: AssumeRoot works only for member accounts. The session's keys never leave this run.
"""

from __future__ import annotations

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ._common import AccountGuardError
from ._common import IAMErrorHandler
from ._common import error_code
from ._drift import describe_credentials
from ._root import get_caller_account
from ._root_access import OrganizationsErrorHandler
from ._root_access import describe_organization
from ._session import STSErrorHandler

TASK_POLICY = "arn:aws:iam::aws:policy/root-task/{}"
AUDIT_POLICY = "IAMAuditRootUserCredentials"
DELETE_POLICY = "IAMDeleteRootUserCredentials"
# The organization feature a credentials task needs (iam_root_access enables it).
FEATURE = "RootCredentialsManagement"

KINDS = ("password", "access_keys", "signing_certificates", "mfa_devices")

ARGUMENT_SPEC = dict(
    account_id=dict(type="str", required=True),
    credentials=dict(type="list", elements="str", choices=list(KINDS), default=list(KINDS)),
    audit_only=dict(type="bool", default=False),
    duration_seconds=dict(type="int", default=900),
    skip_management_account=dict(type="bool", default=False),
)


class BadInput(AccountGuardError):
    """Input rejected before any AWS call."""


def validate(params):
    problems = []
    account = params["account_id"]
    if not re.fullmatch(r"\d{12}", account or ""):
        problems.append(f"account_id {account!r} is not an AWS account id (12 digits)")
    if not 1 <= params["duration_seconds"] <= 900:
        problems.append(f"duration_seconds must be from 1 to 900 (AssumeRoot's sessions last 15 minutes at most), not {params['duration_seconds']}")
    if not params["credentials"]:
        problems.append("credentials must name at least one kind: " + ", ".join(KINDS))
    if problems:
        raise BadInput(f"Invalid input for the root credentials of account {account}: " + "; ".join(problems) + ". Nothing was changed.")


# ---- calls with the connection's credentials (the management account or IAM's delegated administrator) -----

@OrganizationsErrorHandler.common_error_handler("describe the account (organizations:DescribeAccount)")
def describe_account(client, account_id):
    try:
        return client.describe_account(AccountId=account_id, aws_retry=True)["Account"]
    except is_boto3_error_code("AccountNotFoundException"):
        return None


@STSErrorHandler.common_error_handler("start a root session (sts:AssumeRoot)")
def assume_root(client, account_id, policy, duration):
    return client.assume_root(TargetPrincipal=account_id, TaskPolicyArn={"arn": TASK_POLICY.format(policy)},
                              DurationSeconds=duration, aws_retry=True)["Credentials"]


@IAMErrorHandler.common_error_handler("list the organization's centralized root access features")
def list_features(client):
    return client.list_organizations_features(aws_retry=True).get("EnabledFeatures") or []


# ---- calls in the root session (no UserName: the root user) ---------------------------------------------------

@IAMErrorHandler.list_error_handler("get the root user's login profile", None)
def get_login_profile(client):
    return client.get_login_profile(aws_retry=True)["LoginProfile"]


@IAMErrorHandler.list_error_handler("list the root user's access keys", [])
def list_access_keys(client):
    return client.list_access_keys(aws_retry=True)["AccessKeyMetadata"]


@IAMErrorHandler.list_error_handler("list the root user's signing certificates", [])
def list_signing_certificates(client):
    return client.list_signing_certificates(aws_retry=True)["Certificates"]


@IAMErrorHandler.list_error_handler("list the root user's MFA devices", [])
def list_mfa_devices(client):
    return client.list_mfa_devices(aws_retry=True)["MFADevices"]


# A credential already gone (another run deleted it a moment ago) counts as deleted: NoSuchEntity is "missing".
@IAMErrorHandler.deletion_error_handler("delete the root user's password")
def delete_login_profile(client):
    client.delete_login_profile(aws_retry=True)
    return True


@IAMErrorHandler.deletion_error_handler("delete a root access key")
def delete_access_key(client, key_id):
    client.delete_access_key(AccessKeyId=key_id, aws_retry=True)
    return True


@IAMErrorHandler.deletion_error_handler("delete a root signing certificate")
def delete_signing_certificate(client, certificate_id):
    client.delete_signing_certificate(CertificateId=certificate_id, aws_retry=True)
    return True


@IAMErrorHandler.deletion_error_handler("deactivate the root user's MFA device")
def deactivate_mfa_device(client, serial):
    client.deactivate_mfa_device(SerialNumber=serial, aws_retry=True)
    return True


@IAMErrorHandler.deletion_error_handler("delete the root user's virtual MFA device")
def delete_virtual_mfa_device(client, serial):
    client.delete_virtual_mfa_device(SerialNumber=serial, aws_retry=True)
    return True


# ---- state ----------------------------------------------------------------------------------------------------

def credentials_of(iam):
    """The root user's credentials, by kind: password (bool), access key ids, certificate ids, MFA serial numbers.
    Key ids and serials identify credentials; none of them is a secret."""
    return {
        "password": get_login_profile(iam) is not None,
        "access_keys": sorted(k["AccessKeyId"] for k in list_access_keys(iam)),
        "signing_certificates": sorted(c["CertificateId"] for c in list_signing_certificates(iam)),
        "mfa_devices": sorted(d["SerialNumber"] for d in list_mfa_devices(iam)),
    }


def to_delete(have, kinds):
    """What of `have` a run deletes: the kinds asked for, as in credentials_of()."""
    return {kind: (have[kind] if kind in kinds else ([] if kind != "password" else False)) for kind in KINDS}


def remaining(have, deleted):
    left = {kind: [x for x in have[kind] if x not in deleted[kind]] for kind in KINDS if kind != "password"}
    return dict(left, password=have["password"] and not deleted["password"])


def present(creds):
    return any(creds[kind] for kind in KINDS)


def delete(iam, deleted):
    """Delete what `deleted` lists: the password, access keys and certificates, then each MFA device (deactivated;
    a virtual one then deleted, as IAM deletes only unassigned devices)."""
    if deleted["password"]:
        delete_login_profile(iam)
    for key_id in deleted["access_keys"]:
        delete_access_key(iam, key_id)
    for certificate_id in deleted["signing_certificates"]:
        delete_signing_certificate(iam, certificate_id)
    for serial in deleted["mfa_devices"]:
        deactivate_mfa_device(iam, serial)
        if ":mfa/" in serial:
            delete_virtual_mfa_device(iam, serial)


# ---- the run --------------------------------------------------------------------------------------------------

def check_target(run, account_id):
    """Refuse the management account and an account outside the caller's organization, before AssumeRoot."""
    org = run.client("organizations")
    try:
        organization = describe_organization(org)
    except AccountGuardError as e:
        if error_code(e) == "AWSOrganizationsNotInUseException":
            raise AccountGuardError(message=f"account {account_id}: the connection's account is in no organization: centralized root "
                                    "access needs the organization's management account (or IAM's delegated administrator). "
                                    "Nothing was changed.") from None
        raise
    if organization.get("MasterAccountId") == account_id:
        run.result.update(management_account=True, account_id=account_id, organization_id=organization.get("Id"))
        if run.params["skip_management_account"]:
            return None
        raise BadInput(f"account {account_id} is the organization's management account: AssumeRoot (centralized root access) works "
                       "only for member accounts, so its root user keeps its credentials; secure them in the console (hardware "
                       "MFA). Nothing was changed.")
    # Only the management account can tell an account outside the organization for sure (a member's DescribeAccount is
    # denied; a delegated administrator's AssumeRoot answers for it).
    if get_caller_account(run.client("sts")) == organization.get("MasterAccountId") and describe_account(org, account_id) is None:
        raise AccountGuardError(message=f"account {account_id} is not in organization {organization.get('Id')}: its root credentials "
                                "cannot be managed centrally. Nothing was changed.")
    return organization


def open_session(run, account_id, policy, organization):
    """The root session's keys, or a clear error: the feature off, or AssumeRoot denied to the connection."""
    try:
        creds = assume_root(run.client("sts"), account_id, policy, run.params["duration_seconds"])
    except AccountGuardError as e:
        if error_code(e) not in ("AccessDenied", "AccessDeniedException"):
            raise
        try:
            features = list_features(run.client("iam"))
        except AccountGuardError as listing:
            # Trusted access for IAM off: no feature can be on. Anything else (a role with only sts:AssumeRoot, a member
            # account): say what was denied.
            features = [] if error_code(listing) == "ServiceAccessNotEnabledException" else None
        if features is not None and FEATURE not in features:
            raise AccountGuardError(message=(
                f"account {account_id}: centralized root access is not enabled for organization {organization.get('Id')} "
                f"({FEATURE} is off; enabled: {', '.join(features) or 'none'}): enable it with accountguard.aws.iam_root_access in "
                "the management account. Nothing was changed."), exception=e.exception) from None
        raise AccountGuardError(message=(
            f"account {account_id}: sts:AssumeRoot with the task policy {policy} was denied: the connection needs sts:AssumeRoot on "
            f"arn:aws:iam::{account_id}:root, from the management account or IAM's delegated administrator. Nothing was changed."),
            exception=e.exception) from None
    return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"], "session_token": creds["SessionToken"]}


def ensure_present(run):
    """The module has no state option: it always removes (or, audit_only and in check mode, reports) credentials."""
    params = run.params
    account_id = params["account_id"]
    organization = check_target(run, account_id)
    if organization is None:
        run.result.update(changed=False, msg=f"account {account_id} is the organization's management account: AssumeRoot works only "
                          "for member accounts, so its root credentials were left alone (skip_management_account)")
        return
    read_only = run.check_mode or params["audit_only"]
    keys = open_session(run, account_id, AUDIT_POLICY if read_only else DELETE_POLICY, organization)
    iam = run.client_as("iam", keys)
    have = credentials_of(iam)
    deleted = to_delete(have, params["credentials"]) if not params["audit_only"] else to_delete(have, ())
    changed = present(deleted)
    if changed and not run.check_mode:
        delete(iam, deleted)
    left = remaining(have, deleted)
    run.result.update(
        changed=changed,
        account_id=account_id,
        organization_id=organization.get("Id"),
        management_account=False,
        credentials=have,
        deleted=deleted,
        remaining=left,
        diff={"before": have, "after": left,
              "before_header": f"root user of {account_id}", "after_header": f"root user of {account_id}: {describe_credentials(deleted)} deleted"},
    )
