"""IAM's centralized root access for an organization's member accounts: ListOrganizationsFeatures,
EnableOrganizationsRootCredentialsManagement, EnableOrganizationsRootSessions and their Disable calls.

moto does not have these IAM calls (without this they would be InvalidAction). AWS (the IAM API reference, as
botocore's service model carries it) answers them, all with {OrganizationId, EnabledFeatures}, only for an
organization with all features and trusted access for IAM (Organizations EnableAWSServiceAccess with
iam.amazonaws.com, which motoglue lets moto accept). The checks, in this order, all HTTP 400:

- no organization for the caller's account: OrganizationNotFoundException;
- the organization lacks all features: OrganizationNotInAllFeaturesModeException;
- no trusted access for iam.amazonaws.com: ServiceAccessNotEnabledException;
- List and Disable: the caller must be the management account or IAM's registered delegated administrator
  (Organizations RegisterDelegatedAdministrator), else AccountNotManagementOrDelegatedAdministratorException;
  Enable: the management account only, a delegated administrator gets CallerIsNotManagementAccountException
  and any other member AccountNotManagementOrDelegatedAdministratorException.

Enabling an enabled feature or disabling a disabled one succeeds and changes nothing. The features are kept in
LocalState.root_access_features[organization id]; STS AssumeRoot (localaws/rootsession.py) reads them.
"""

from localaws import motoglue, responses

ROOT_CREDENTIALS_MANAGEMENT = "RootCredentialsManagement"
ROOT_SESSIONS = "RootSessions"
FEATURES = (ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS)  # the order AWS lists them in

NOT_MANAGEMENT = (
    "The request was rejected because the account making the request is not the management account or "
    "delegated administrator account for centralized root access."
)
NOT_MANAGEMENT_ACCOUNT = (
    "The request was rejected because the account making the request is not the management account for the "
    "organization."
)
NO_ORGANIZATION = "The request was rejected because no organization is associated with your account."
NOT_ALL_FEATURES = "The request was rejected because your organization does not have All features enabled."
NO_TRUSTED_ACCESS = "The request was rejected because trusted access is not enabled for IAM in Organizations."


def _error(code, message):
    return responses.error(code, message, status=400)


def organization_for(call, management_only=False):
    """(error Response or None, moto's organization) for a centralized root access call of the caller."""
    account = call.request.account
    found = motoglue.organization_of(account, call.request.region)
    if found is None:
        return _error("OrganizationNotFoundException", NO_ORGANIZATION), None
    org, management = found
    if org.feature_set != "ALL":
        return _error("OrganizationNotInAllFeaturesModeException", NOT_ALL_FEATURES), None
    if not motoglue.trusted_access(account, region=call.request.region):
        return _error("ServiceAccessNotEnabledException", NO_TRUSTED_ACCESS), None
    if management:
        return None, org
    delegated = motoglue.delegated_administrator(account, region=call.request.region)
    if delegated and management_only:
        return _error("CallerIsNotManagementAccountException", NOT_MANAGEMENT_ACCOUNT), None
    if not delegated:
        return _error("AccountNotManagementOrDelegatedAdministratorException", NOT_MANAGEMENT), None
    return None, org


def _answer(action, org, features):
    members = "".join(f"<member>{feature}</member>" for feature in FEATURES if feature in features)
    xml = f"<OrganizationId>{org.id}</OrganizationId><EnabledFeatures>{members}</EnabledFeatures>"
    return responses.query_result(action, xml)


def list_organizations_features(call):
    """The organization's id and enabled features."""
    problem, org = organization_for(call)
    if problem:
        return problem
    return _answer("ListOrganizationsFeatures", org, call.state.features(org.id))


def _switch(action, feature, enabled):
    def handler(call):
        problem, org = organization_for(call, management_only=enabled)
        if problem:
            return problem
        return _answer(action, org, call.state.set_feature(org.id, feature, enabled))

    handler.__name__ = action
    handler.__doc__ = f"{'Enable' if enabled else 'Disable'} {feature} for the caller's organization."
    return handler


HANDLERS = {
    "ListOrganizationsFeatures": list_organizations_features,
    **{
        f"{verb}Organizations{feature}": _switch(f"{verb}Organizations{feature}", feature, verb == "Enable")
        for verb in ("Enable", "Disable")
        for feature in FEATURES
    },
}
