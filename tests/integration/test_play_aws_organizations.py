"""accountguard.aws.aws_organizations for real: ansible-inventory and ansible-playbook, as a user runs them, against
the local AWS's AWS Organizations (moto's, behind the local AWS middleware: request log, faults).

One organization is built once for the module (creating accounts on the local AWS takes a second or more each);
the tests only read it, and each one looks at the request log from its own start."""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from playbook_helpers import PlaybookRunner

BIN = Path(sys.executable).parent
PLUGIN = "accountguard.aws.aws_organizations"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "local-aws-accepts-any-secret"
READS = {"DescribeOrganization", "ListRoots", "ListOrganizationalUnitsForParent", "ListAccountsForParent"}
# The organization is built once for the module, on the local AWS of one pytest-xdist worker, and no other test
# may reset that server in between: all of the module's tests go to one worker, one after another.
pytestmark = pytest.mark.xdist_group("aws_organizations")


@pytest.fixture(scope="module")
def org(local_aws):
    """Root: the management account 'master'
    Root/Prod: 'prod api', dup         Root/Prod/Web: web-1, dup
    Root/Dev: dev-1, old-dev (closed)
    """
    local_aws.control.reset()
    client = local_aws.client("organizations")
    management = client.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
    root = client.list_roots()["Roots"][0]["Id"]
    ous = {"Root": root}
    for path in ("Root/Prod", "Root/Prod/Web", "Root/Dev"):
        parent, name = path.rsplit("/", 1)
        ous[path] = client.create_organizational_unit(ParentId=ous[parent], Name=name)["OrganizationalUnit"]["Id"]
    accounts = {}

    def add(name, ou):
        status = client.create_account(AccountName=name, Email=f"{name.replace(' ', '.')}-{len(accounts)}@example.com")
        account_id = status["CreateAccountStatus"]["AccountId"]
        client.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=ous[ou])
        accounts[(name, ou)] = account_id
        return account_id

    add("prod api", "Root/Prod")
    add("dup", "Root/Prod")
    add("web-1", "Root/Prod/Web")
    add("dup", "Root/Prod/Web")
    add("dev-1", "Root/Dev")
    client.close_account(AccountId=add("old-dev", "Root/Dev"))
    return SimpleNamespace(aws=local_aws, management=management, ous=ous, accounts=accounts)


@pytest.fixture
def fresh_log(org):
    org.aws.control.clear_faults()
    org.aws.control.clear_requests()
    yield org
    org.aws.control.clear_faults()


@pytest.fixture
def runner(org, tmp_path):
    """The integration tests' environment for Ansible commands (not the `playbook` fixture: it resets the local AWS)."""
    return PlaybookRunner(org.aws, tmp_path)


def plain(value):
    """ansible-inventory marks inventory strings as not trusted for templating: {"__ansible_unsafe": "x"} -> "x"."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def config_file(tmp_path, org, name="org.aws_organizations.yml", **options):
    path = tmp_path / name
    config = {"plugin": PLUGIN, "endpoint_url": org.aws.url, "access_key": ACCESS_KEY, "secret_key": SECRET_KEY}
    config.update(options)
    path.write_text(yaml.safe_dump(config))
    return path


def run(runner, *cmd, check=True):
    env = runner.env()
    # A failing inventory source fails the run (Ansible only warns by default): what a pipeline should set.
    env["ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED"] = "true"
    proc = subprocess.run([str(BIN / cmd[0]), *cmd[1:]], env=env, capture_output=True, text=True, timeout=600, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
    return proc


def inventory_list(runner, path, *args):
    proc = run(runner, "ansible-inventory", "-i", str(path), "--list", *args)
    return plain(json.loads(proc.stdout)), proc.stderr


def actions(aws):
    return [r["action"] for r in aws.control.requests() if r["service"] == "organizations"]


def test_ansible_inventory_lists_active_accounts_with_vars_and_nested_ou_groups(fresh_log, runner, tmp_path):
    org = fresh_log
    listing, stderr = inventory_list(runner, config_file(tmp_path, org))
    a = org.accounts
    dup_prod, dup_web = a[("dup", "Root/Prod")], a[("dup", "Root/Prod/Web")]
    hostvars = listing["_meta"]["hostvars"]
    assert sorted(hostvars) == sorted(["master", "prod_api", f"dup-{dup_prod}", "web-1", f"dup-{dup_web}", "dev-1"])
    assert hostvars["prod_api"] == {
        "aws_account_id": a[("prod api", "Root/Prod")],
        "aws_account_name": "prod api",
        "aws_account_email": "prod.api-0@example.com",
        "aws_account_ou_path": "Root/Prod",
        "aws_account_ou_id": org.ous["Root/Prod"],
    }
    assert hostvars["master"]["aws_account_id"] == org.management
    assert hostvars[f"dup-{dup_web}"]["aws_account_ou_path"] == "Root/Prod/Web"
    # groups per OU, nested like the OUs; the management account sits under the root
    assert listing["ou_prod"] == {"hosts": sorted(["prod_api", f"dup-{dup_prod}"]), "children": ["ou_web"]}
    assert sorted(listing["ou_web"]["hosts"]) == sorted(["web-1", f"dup-{dup_web}"])
    assert listing["ou_dev"] == {"hosts": ["dev-1"]}
    assert listing["ungrouped"]["hosts"] == ["master"]
    # duplicates are named, warned about, never dropped
    assert "2 accounts share the host name 'dup'" in stderr
    # reads only, the OU tree walked: one DescribeOrganization and ListRoots, one listing of OUs and of accounts per OU
    logged = actions(org.aws)
    assert set(logged) == READS
    assert logged.count("ListOrganizationalUnitsForParent") == 4 and logged.count("ListAccountsForParent") == 4
    assert org.aws.control.mutating_requests() == []


def test_filters_and_account_ids_as_host_names(fresh_log, runner, tmp_path):
    org = fresh_log
    path = config_file(tmp_path, org, hostname="id", include_ous=["Root/Prod"], exclude_accounts=["web-*"],
                       exclude_management_account=True, ou_group_prefix="org_")
    listing = inventory_list(runner, path)[0]
    a = org.accounts
    expected = [a[("prod api", "Root/Prod")], a[("dup", "Root/Prod")], a[("dup", "Root/Prod/Web")]]
    assert sorted(listing["_meta"]["hostvars"]) == sorted(expected)
    assert listing["org_web"]["hosts"] == [a[("dup", "Root/Prod/Web")]]
    assert "org_dev" not in listing
    # accounts were listed only in the OUs in scope
    listed = {r["params"]["ParentId"] for r in org.aws.control.requests() if r["action"] == "ListAccountsForParent"}
    assert listed == {org.ous["Root/Prod"], org.ous["Root/Prod/Web"]}


def test_graph_and_limit_by_ou_group(fresh_log, runner, tmp_path):
    proc = run(runner, "ansible-inventory", "-i", str(config_file(tmp_path, fresh_log)), "--graph", "ou_prod")
    lines = [line.strip(" |-") for line in proc.stdout.splitlines()]
    assert lines[0] == "@ou_prod:" and "@ou_web:" in lines and "web-1" in lines and "dev-1" not in lines


def test_a_playbook_assumes_a_role_into_each_account_of_an_ou(fresh_log, runner, tmp_path):
    org = fresh_log
    conn = {"endpoint_url": org.aws.url, "region": "us-east-1"}
    play = [{
        "name": "Each account of Root/Prod, reached by assuming a role into it",
        "hosts": "ou_prod",
        "connection": "local",
        "gather_facts": False,
        "tasks": [
            {"name": "Assume the organization's access role in the account", "register": "assumed",
             "amazon.aws.sts_assume_role": {**conn, "access_key": ACCESS_KEY, "secret_key": SECRET_KEY,
                                            "role_arn": "arn:aws:iam::{{ aws_account_id }}:role/OrganizationAccountAccessRole",
                                            "role_session_name": "inventory-test"}},
            {"name": "Ask STS whose credentials these are", "register": "caller",
             "amazon.aws.aws_caller_info": {**conn, "access_key": "{{ assumed.sts_creds.access_key }}",
                                            "secret_key": "{{ assumed.sts_creds.secret_key }}",
                                            "session_token": "{{ assumed.sts_creds.session_token }}"}},
            {"name": "The credentials belong to the host's account",
             "ansible.builtin.assert": {"that": ["caller.account == aws_account_id"]}},
        ],
    }]
    playbook_path = tmp_path / "assume.yml"
    playbook_path.write_text(yaml.safe_dump(play, sort_keys=False))
    proc = run(runner, "ansible-playbook", "-i", str(config_file(tmp_path, org)), str(playbook_path))
    recap = {line.split()[0]: line for line in proc.stdout.splitlines() if "ok=" in line and "failed=" in line}
    a = org.accounts
    assert sorted(recap) == sorted(["prod_api", f"dup-{a[('dup', 'Root/Prod')]}", "web-1", f"dup-{a[('dup', 'Root/Prod/Web')]}"])
    assert all("ok=3" in line and "failed=0" in line for line in recap.values())
    assumed = {r["account"] for r in org.aws.control.requests() if r["action"] == "GetCallerIdentity"}
    assert assumed == {a[("prod api", "Root/Prod")], a[("dup", "Root/Prod")], a[("web-1", "Root/Prod/Web")], a[("dup", "Root/Prod/Web")]}


def test_throttled_calls_are_retried(fresh_log, runner, tmp_path):
    org = fresh_log
    org.aws.control.set_faults(throttle_nth={"ListOrganizationalUnitsForParent": 2, "ListAccountsForParent": 1})
    listing = inventory_list(runner, config_file(tmp_path, org))[0]
    assert len(listing["_meta"]["hostvars"]) == 6
    faulted = [r["action"] for r in org.aws.control.requests() if r.get("fault")]
    assert sorted(faulted) == ["ListAccountsForParent", "ListOrganizationalUnitsForParent"]


def test_cache_spares_the_next_run_any_aws_call(fresh_log, runner, tmp_path):
    org = fresh_log
    path = config_file(tmp_path, org, cache=True, cache_plugin="ansible.builtin.jsonfile",
                       cache_connection=str(tmp_path / "cache"), cache_timeout=600)
    first = inventory_list(runner, path)[0]
    assert actions(org.aws)
    org.aws.control.clear_requests()
    second = inventory_list(runner, path)[0]
    assert actions(org.aws) == []
    assert second["_meta"]["hostvars"] == first["_meta"]["hostvars"]
    inventory_list(runner, path, "--flush-cache")
    assert actions(org.aws).count("DescribeOrganization") == 1


def test_an_account_outside_any_organization_fails_the_run_with_a_clear_message(fresh_log, runner, tmp_path):
    org = fresh_log
    path = config_file(tmp_path, org, assume_role_arn="arn:aws:iam::999999999999:role/InventoryReader")
    proc = run(runner, "ansible-inventory", "-i", str(path), "--list", check=False)
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    assert "account 999999999999 is not a member of an AWS organization (AWSOrganizationsNotInUseException" in message
    assert "management account or of a delegated administrator account" in message
