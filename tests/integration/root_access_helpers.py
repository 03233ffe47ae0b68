"""Helpers of the centralized root access tests: independent boto3 clients of the local AWS's accounts."""

import boto3


def client(aws, service, **keys):
    """An independent client (plain boto3), with the management account's key unless `keys` say otherwise."""
    keys = keys or {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "verifier-secret-key"}
    return boto3.client(service, endpoint_url=aws.url, region_name="us-east-1", **keys)


def member_keys(aws, account):
    """Credentials of an administrator of `account` (AssumeRole into its access role), as boto3 arguments."""
    creds = client(aws, "sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                                           RoleSessionName="verifier")["Credentials"]
    return {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"]}


def enable_root_access(aws):
    organizations = client(aws, "organizations")
    organizations.enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")
    client(aws, "iam").enable_organizations_root_credentials_management()
