"""IAM's centralized root access for an organization's member accounts: ListOrganizationsFeatures.

moto does not have these IAM calls (without this, ListOrganizationsFeatures would be InvalidAction). Real
IAM answers ListOrganizationsFeatures only in the organization's management account (or IAM's delegated
administrator, which moto cannot register): a member account gets
AccountNotManagementOrDelegatedAdministratorException, an account outside any organization
OrganizationNotFoundException, an organization without all features OrganizationNotInAllFeaturesModeException.

The features listed are LocalState.root_access_features[organization id], empty by default: a handler for
EnableOrganizationsRootCredentialsManagement / EnableOrganizationsRootSessions belongs in HANDLERS below and
stores what it enables there. Trusted access for iam.amazonaws.com (ServiceAccessNotEnabledException) is not
checked: moto's EnableAWSServiceAccess rejects that service principal, so no test could enable it.
"""

from localaws import motoglue, responses

NOT_MANAGEMENT = (
    "The request was rejected because the account making the request is not the management account or "
    "delegated administrator account for centralized root access."
)
NO_ORGANIZATION = "The request was rejected because no organization is associated with your account."
NOT_ALL_FEATURES = "The request was rejected because your organization does not have All features enabled."


def _error(code, message):
    return responses.error(code, message, status=400)


def list_organizations_features(call):
    """The organization's id and enabled features, from its management account only."""
    found = motoglue.organization_of(call.request.account, call.request.region)
    if found is None:
        return _error("OrganizationNotFoundException", NO_ORGANIZATION)
    org, management = found
    if not management:
        return _error("AccountNotManagementOrDelegatedAdministratorException", NOT_MANAGEMENT)
    if org.feature_set != "ALL":
        return _error("OrganizationNotInAllFeaturesModeException", NOT_ALL_FEATURES)
    features = "".join(f"<member>{responses.xml_escape(f)}</member>" for f in call.state.root_access_features.get(org.id, ()))
    xml = f"<OrganizationId>{org.id}</OrganizationId><EnabledFeatures>{features}</EnabledFeatures>"
    return responses.query_result("ListOrganizationsFeatures", xml)


HANDLERS = {
    "ListOrganizationsFeatures": list_organizations_features,
}
