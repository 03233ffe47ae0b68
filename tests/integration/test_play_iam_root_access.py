"""iam_root_access against the local AWS, through ansible-playbook: the four steps from an organization without
trusted access for IAM, state absent, the diff, and the errors (each clear, changing nothing)."""

import pytest

from playbook_helpers import four_steps
from playbook_helpers import recap
from root_access_helpers import client
from root_access_helpers import member_keys

# Every test here runs both ways: in the controller's worker and as module processes.
pytestmark = pytest.mark.usefixtures("way")


def test_four_steps_then_verified_independently(playbook, aws, org):
    four_steps(playbook, aws, "iam_root_access.yml")
    answer = client(aws, "iam").list_organizations_features()
    assert (answer["OrganizationId"], answer["EnabledFeatures"]) == (org["id"], ["RootCredentialsManagement", "RootSessions"])
    principals = [s["ServicePrincipal"] for s in client(aws, "organizations").list_aws_service_access_for_organization()["EnabledServicePrincipals"]]
    assert principals == ["iam.amazonaws.com"]
    # The steady state costs one read.
    aws.control.clear_requests()
    assert recap(playbook.run("iam_root_access.yml"))["changed"] == 0
    assert [r["action"] for r in aws.control.requests()] == ["ListOrganizationsFeatures"]


def test_root_access_absent_in_four_steps_disables_only_what_it_names(playbook, aws, org):
    playbook.run("iam_root_access.yml")
    four_steps(playbook, aws, "iam_root_access.yml", extra_vars={"features_state": "absent", "features": ["RootSessions"]})
    assert client(aws, "iam").list_organizations_features()["EnabledFeatures"] == ["RootCredentialsManagement"]


def test_root_access_check_diff_shows_what_it_would_enable(playbook, aws, org):
    aws.control.clear_requests()
    scan = playbook.run("iam_root_access.yml", "--check", "--diff")
    assert '-    "trusted_access": false' in scan.stdout and '+    "trusted_access": true' in scan.stdout, scan.stdout
    assert '+        "RootCredentialsManagement",' in scan.stdout, scan.stdout
    assert aws.control.mutating_requests() == []


ACCESS_ERRORS = {
    # case: (what the connection is, message)
    "member_account": ("member", "neither the organization's management account nor IAM's delegated administrator"),
    "delegated_admin_enabling": ("delegated", "only the organization's management account can enable these features"),
    "trusted_access_refused": ("no_trusted_access", "trusted access for IAM (iam.amazonaws.com) in AWS Organizations, which is off"),
    "no_organization": ("alone", "the connection's account is in no AWS organization"),
}


@pytest.mark.parametrize("case", sorted(ACCESS_ERRORS))
def test_root_access_errors_are_clear_and_change_nothing(playbook, aws, case):
    connection, message = ACCESS_ERRORS[case]
    extra = {}
    if connection != "alone":
        organizations = client(aws, "organizations")
        organizations.create_organization(FeatureSet="ALL")
        member = organizations.create_account(AccountName="m", Email="m@example.com")["CreateAccountStatus"]["AccountId"]
        if connection in ("member", "delegated"):
            organizations.enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")
            if connection == "delegated":
                organizations.register_delegated_administrator(AccountId=member, ServicePrincipal="iam.amazonaws.com")
            keys = member_keys(aws, member)
            extra["conn_override"] = {"access_key": keys["aws_access_key_id"], "secret_key": keys["aws_secret_access_key"],
                                      "session_token": keys["aws_session_token"]}
        else:
            extra["enable_trusted_access"] = False
    aws.control.clear_requests()
    out = playbook.run("iam_root_access.yml", check=False, extra_vars=extra)
    assert recap(out)["failed"] == 1
    assert message in out.stdout, out.stdout
    assert "Nothing was changed." in out.stdout
    # The delegated administrator's one try to enable was refused by IAM; nothing else was attempted.
    assert [r["error_code"] for r in aws.control.mutating_requests()] == (
        ["CallerIsNotManagementAccountException"] if connection == "delegated" else [])
