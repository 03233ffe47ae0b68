# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the logic of accountguard.aws.iam_root_access (IAM's centralized root access for an
organization's member accounts).

Two organization features, each enabled or disabled by its own IAM call, read together with
ListOrganizationsFeatures: RootCredentialsManagement (the management account or IAM's delegated administrator may
delete and audit member accounts' root credentials) and RootSessions (privileged root tasks in member accounts).
Both need trusted access for IAM (iam.amazonaws.com) in AWS Organizations, which this module can enable first.
read -> compare -> apply (never in check mode) -> result and diff, behind the runner's interface (see _runner.py).
Steady state costs one read (ListOrganizationsFeatures). Nothing here is secret.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler

from ._common import AccountGuardError
from ._common import IAMErrorHandler
from ._common import error_code
from ._root import get_caller_account

IAM_PRINCIPAL = "iam.amazonaws.com"

# feature -> (its option, the IAM calls that enable and disable it)
FEATURES = {
    "RootCredentialsManagement": ("enable_organizations_root_credentials_management", "disable_organizations_root_credentials_management"),
    "RootSessions": ("enable_organizations_root_sessions", "disable_organizations_root_sessions"),
}

ARGUMENT_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    features=dict(type="list", elements="str", choices=list(FEATURES), default=list(FEATURES)),
    enable_trusted_access=dict(type="bool", default=True),
)

# What each answer of AWS means for the person running the module.
_EXPLAINED = {
    "OrganizationNotFoundException": "the connection's account is in no AWS organization",
    "OrganizationNotInAllFeaturesModeException": "the organization does not have all features enabled (consolidated billing only): "
                                                 "enable all features in AWS Organizations first",
    "AccountNotManagementOrDelegatedAdministratorException": "the connection's account is neither the organization's management "
                                                             "account nor IAM's delegated administrator: run this module there",
    "CallerIsNotManagementAccountException": "only the organization's management account can enable these features (IAM's "
                                             "delegated administrator can list and disable them): run this module there",
}


class BadInput(AccountGuardError):
    """Input rejected before any AWS call."""


class OrganizationsErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AccountGuardError


def validate(params):
    if not params["features"]:
        raise BadInput("features must name at least one of " + ", ".join(FEATURES) + ". Nothing was changed.")


@IAMErrorHandler.common_error_handler("list the organization's centralized root access features (iam:ListOrganizationsFeatures)")
def list_features(client):
    """(organization id, enabled features), or (None, None) when trusted access for IAM is off (nothing can be on)."""
    try:
        answer = client.list_organizations_features(aws_retry=True)
    except is_boto3_error_code("ServiceAccessNotEnabledException"):
        return None, None
    return answer.get("OrganizationId"), list(answer.get("EnabledFeatures") or [])


@OrganizationsErrorHandler.common_error_handler("enable trusted access for IAM in AWS Organizations (organizations:EnableAWSServiceAccess)")
def enable_trusted_access(client):
    client.enable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL, aws_retry=True)


@OrganizationsErrorHandler.common_error_handler("describe the organization (organizations:DescribeOrganization)")
def describe_organization(client):
    return client.describe_organization(aws_retry=True)["Organization"]


def management_organization(run):
    """The organization's id, when the connection is its management account (the only one that can enable trusted
    access); a clear error otherwise. Read only while trusted access is off, which ListOrganizationsFeatures reports
    before it says whether the caller may use it."""
    organization = describe_organization(run.client("organizations"))
    caller = get_caller_account(run.client("sts"))
    if caller != organization.get("MasterAccountId"):
        raise AccountGuardError(message=(
            f"Centralized root access needs trusted access for IAM (iam.amazonaws.com) in organization {organization.get('Id')}, "
            f"which is off, and only the management account ({organization.get('MasterAccountId')}) can enable it; the "
            f"connection is account {caller}. Nothing was changed."))
    return organization["Id"]


def _call(client, feature, enable):
    method = FEATURES[feature][0 if enable else 1]
    action = "".join(w.capitalize() for w in method.split("_"))

    @IAMErrorHandler.common_error_handler(f"{'enable' if enable else 'disable'} {feature} (iam:{action})")
    def call():
        return getattr(client, method)(aws_retry=True)

    return call()


def ordered(features):
    return [f for f in FEATURES if f in features]


def _explain(error):
    """A clearer message for the organization-level errors; other errors unchanged."""
    reason = _EXPLAINED.get(error_code(error))
    if reason:
        return AccountGuardError(message=f"Centralized root access: {reason}. Nothing was changed.", exception=error.exception)
    return error


def _read(run):
    try:
        return list_features(run.client("iam"))
    except AccountGuardError as e:
        raise _explain(e) from None


def _apply(run, feature, enable):
    try:
        return _call(run.client("iam"), feature, enable)
    except AccountGuardError as e:
        raise _explain(e) from None


def _result(run, org_id, trusted, before, after, changed):
    run.result.update(
        changed=changed,
        organization_id=org_id,
        trusted_access=trusted,
        enabled_features=ordered(after),
        diff={"before": {"trusted_access": before[0], "enabled_features": ordered(before[1])},
              "after": {"trusted_access": trusted, "enabled_features": ordered(after)},
              "before_header": f"organization {org_id or '(trusted access for IAM off)'}: centralized root access"},
    )


def ensure_present(run):
    org_id, enabled = _read(run)
    trusted = org_id is not None
    enabled = enabled or []
    wanted = set(run.params["features"])
    missing = ordered(wanted - set(enabled))
    changed = bool(missing) or not trusted
    if not trusted and not run.params["enable_trusted_access"]:
        raise AccountGuardError(message=(
            "Centralized root access needs trusted access for IAM (iam.amazonaws.com) in AWS Organizations, which is off: enable it "
            "(enable_trusted_access: true, or organizations:EnableAWSServiceAccess). Nothing was changed."))
    after = ordered(set(enabled) | wanted)
    if not trusted:
        org_id = management_organization(run)
    if changed and not run.check_mode:
        if not trusted:
            enable_trusted_access(run.client("organizations"))
        for feature in missing:
            answer = _apply(run, feature, True)
            after = ordered(answer.get("EnabledFeatures") or after)
    _result(run, org_id, True, (trusted, enabled), after, changed)


def ensure_absent(run):
    org_id, enabled = _read(run)
    trusted = org_id is not None
    enabled = enabled or []
    on = ordered(set(run.params["features"]) & set(enabled))
    after = ordered(set(enabled) - set(on))
    if on and not run.check_mode:
        for feature in on:
            answer = _apply(run, feature, False)
            after = ordered(answer.get("EnabledFeatures") or [])
    _result(run, org_id, trusted, (trusted, enabled), after, bool(on))
