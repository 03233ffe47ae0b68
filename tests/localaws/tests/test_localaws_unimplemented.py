"""Actions moto does not have answer an AWS error document (never moto's HTML 500 page), and IAM's
ListOrganizationsFeatures answers as AWS documents it: with trusted access for IAM, in the management account
(or IAM's delegated administrator: test_localaws_root_access.py) only."""

import pytest
from botocore.exceptions import ClientError

from localaws.awsrequest import AwsRequest
from localaws.responses import Response, as_aws_error
from localaws_testutil import NO_RETRIES

MEMBER_ONLY = "AccountNotManagementOrDelegatedAdministratorException"


def _failure(call, **kwargs):
    """The parsed error of a call that must fail, with its status and content type."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    response = info.value.response
    metadata = response["ResponseMetadata"]
    return response["Error"], metadata["HTTPStatusCode"], metadata["HTTPHeaders"]["content-type"]


# case: service, operation, arguments, error code, content type
UNIMPLEMENTED = {
    "iam_query": ("iam", "change_password", {"OldPassword": "Old-Passw0rd!x", "NewPassword": "New-Passw0rd!x"},
                  "InvalidAction", "text/xml"),
    "sts_query": ("sts", "decode_authorization_message", {"EncodedMessage": "abc"}, "InvalidAction", "text/xml"),
    "organizations_json": ("organizations", "describe_resource_policy", {}, "UnknownOperationException",
                           "application/x-amz-json-1.1"),
}


@pytest.mark.parametrize("case", sorted(UNIMPLEMENTED))
def test_unimplemented_actions_answer_the_services_error_format(aws, case):
    service, operation, kwargs, code, content_type = UNIMPLEMENTED[case]
    client = aws.client(service, config=NO_RETRIES)
    error, status, got_type = _failure(getattr(client, operation), **kwargs)
    action = client.meta.method_to_api_mapping[operation]
    assert (error["Code"], status, got_type) == (code, 400, content_type)
    assert error["Message"] == f"The local AWS (moto) does not implement {service} {action}."
    (record,) = aws.control.requests()
    assert (record["action"], record["status"], record["error_code"]) == (action, 400, code)


def test_a_moto_failure_becomes_internal_failure():
    page = Response(500, [("Content-Type", "text/html; charset=utf-8")], b"<!doctype html><title>500 Internal Server Error</title>")
    for protocol, service in (("query", "iam"), ("json", "organizations")):
        request = AwsRequest(method="POST", path="/", service=service, action="ListUsers", protocol=protocol)
        answer = as_aws_error(page, request)
        assert (answer.status, answer.error_code()) == (500, "InternalFailure")
        assert b"<!doctype html>" not in answer.body
    request = AwsRequest(method="POST", path="/", service="iam", action="ListUsers", protocol="query")
    missing = Response(404, [("Content-Type", "text/html")], b"<!doctype html><title>404 Not Found</title>")
    assert as_aws_error(missing, request).error_code() == "InvalidAction"
    fine = Response(404, [("Content-Type", "text/xml")], b"<ErrorResponse><Error><Code>NoSuchEntity</Code></Error></ErrorResponse>")
    assert as_aws_error(fine, request) is fine


def _organization(aws, feature_set="ALL", trusted=True):
    """An organization of the default account with one member account and (trusted) trusted access for IAM;
    returns (org id, member id)."""
    org = aws.client("organizations")
    org_id = org.create_organization(FeatureSet=feature_set)["Organization"]["Id"]
    member = org.create_account(AccountName="member", Email="member@example.com")["CreateAccountStatus"]["AccountId"]
    if trusted:
        org.enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")
    return org_id, member


def test_list_organizations_features_in_the_management_account(aws):
    org_id, dummy = _organization(aws)
    answer = aws.client("iam").list_organizations_features()
    assert (answer["OrganizationId"], answer["EnabledFeatures"]) == (org_id, [])


def test_list_organizations_features_from_a_member_account(aws):
    dummy, member = _organization(aws)
    iam = aws.client("iam", account_id=member, config=NO_RETRIES)
    with pytest.raises(iam.exceptions.AccountNotManagementOrDelegatedAdministratorException) as info:
        iam.list_organizations_features()
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "not the management account or delegated administrator" in info.value.response["Error"]["Message"]
    record = aws.control.requests()[-1]
    assert (record["account"], record["action"], record["error_code"]) == (member, "ListOrganizationsFeatures", MEMBER_ONLY)


def test_list_organizations_features_without_an_organization_or_all_features(aws):
    iam = aws.client("iam", config=NO_RETRIES)
    error, status, dummy = _failure(iam.list_organizations_features)
    assert (error["Code"], status) == ("OrganizationNotFoundException", 400)
    _organization(aws, feature_set="CONSOLIDATED_BILLING", trusted=False)
    error, status, dummy = _failure(iam.list_organizations_features)
    assert (error["Code"], status) == ("OrganizationNotInAllFeaturesModeException", 400)


def test_list_organizations_features_without_trusted_access_for_iam(aws):
    dummy, member = _organization(aws, trusted=False)
    for iam in (aws.client("iam", config=NO_RETRIES), aws.client("iam", account_id=member, config=NO_RETRIES)):
        error, status, dummy = _failure(iam.list_organizations_features)
        assert (error["Code"], status) == ("ServiceAccessNotEnabledException", 400)
        assert error["Message"] == "The request was rejected because trusted access is not enabled for IAM in Organizations."
    aws.client("organizations").enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")
    assert aws.client("iam").list_organizations_features()["EnabledFeatures"] == []
