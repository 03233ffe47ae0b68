"""Integration tests: real ansible-playbook runs of the targets against the local AWS."""

import pytest

from root_access_helpers import client

from playbook_helpers import PlaybookRunner


@pytest.fixture(params=["worker", "module"])
def way(request):
    """How the collection's AWS modules run: in the controller's worker (the default on the controller), or as
    module processes (what a task delegated elsewhere gets; forced with ACCOUNTGUARD_AWS_MODULE_PROCESS). A test
    that asks for this fixture, or a file with `pytestmark = pytest.mark.usefixtures("way")`, runs both ways."""
    return request.param


@pytest.fixture
def playbook(aws, tmp_path, request):
    params = getattr(request.node, "callspec", None)
    way = params.params.get("way", "worker") if params else "worker"
    return PlaybookRunner(aws, tmp_path, module_process=way == "module")


@pytest.fixture
def org(aws):
    """An organization of the management account with two member accounts: {"id", "members"}."""
    organizations = client(aws, "organizations")
    org_id = organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    members = [organizations.create_account(AccountName=f"member{i}", Email=f"member{i}@example.com")["CreateAccountStatus"]["AccountId"]
               for i in (1, 2)]
    return {"id": org_id, "members": members}
