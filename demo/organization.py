"""Set up the demo's AWS organization on the local AWS and print its accounts.

Usage: python demo/organization.py URL

The management account (the local AWS's default, 123456789012) creates an organization with two
organizational units and three member accounts, each with a different root user:

    Root/Prod/prod-web      root has a virtual MFA device
    Root/Dev/dev-sandbox    root has a password but no MFA (the baseline warns about it)
    Root/Security/audit     root has no credentials at all (root access managed centrally)
"""

import sys

import boto3

from localaws.client import Control

CREDENTIALS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "local-aws-accepts-any-secret"}
ACCOUNTS = [
    ("prod-web", "Prod", {"mfa": "virtual"}),
    ("dev-sandbox", "Dev", {"mfa": "none"}),
    ("audit", "Security", {"credentials": False}),
]


def main(url):
    org = boto3.client("organizations", endpoint_url=url, region_name="us-east-1", **CREDENTIALS)
    org.create_organization(FeatureSet="ALL")
    root_id = org.list_roots()["Roots"][0]["Id"]
    ous = {}
    control = Control(url)
    for name, ou_name, root_state in ACCOUNTS:
        if ou_name not in ous:
            ous[ou_name] = org.create_organizational_unit(ParentId=root_id, Name=ou_name)["OrganizationalUnit"]["Id"]
        status = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]
        account_id = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=ous[ou_name])
        state = control.set_root(account_id, **root_state)
        root = "no credentials" if not state.get("password") and state["mfa"] == "none" else f"MFA {state['mfa']}"
        print(f"  {account_id}  {f'Root/{ou_name}/{name}':<24} root user: {root}")


if __name__ == "__main__":
    main(sys.argv[1])
