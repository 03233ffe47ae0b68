"""Integration tests: real ansible-playbook runs of the targets against the local AWS."""

import subprocess

import pytest

from root_access_helpers import client

from playbook_helpers import PlaybookRunner
from playbook_helpers import ROOT


def _untracked_in_checkout():
    """Files in the checkout that git neither tracks nor ignores (None outside a git checkout)."""
    proc = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=all"],
                          capture_output=True, text=True, check=False)
    return {line[3:] for line in proc.stdout.splitlines() if line.startswith("?? ")} if proc.returncode == 0 else None


@pytest.fixture(scope="session", autouse=True)
def checkout_stays_clean():
    """The runs write only below their test's tmp_path: a file a run leaves in the checkout (a drift report in
    ./drift-report, a retry file) fails the session, whoever wrote it."""
    before = _untracked_in_checkout()
    yield
    after = _untracked_in_checkout()
    if before is not None and after is not None and after - before:
        pytest.fail(f"the integration tests left files in the checkout {ROOT}: {sorted(after - before)}")


@pytest.fixture(autouse=True)
def run_in_tmp_path(tmp_path, monkeypatch):
    """Every run starts in the test's own folder, as a user's run starts in theirs: what a playbook writes relative
    to its working directory (the drift report's default folder) stays there."""
    monkeypatch.chdir(tmp_path)


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
