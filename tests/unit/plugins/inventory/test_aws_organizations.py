"""accountguard.aws.aws_organizations against moto's AWS Organizations: hosts, host vars, OU groups, filters,
duplicate names, the management account, caching, AWS call counts, throttling and clear errors."""

import botocore.exceptions
import pytest

from ansible.errors import AnsibleError

HOST_VARS = {"aws_account_id", "aws_account_name", "aws_account_email", "aws_account_ou_path", "aws_account_ou_id"}


def ops(calls):
    return [name for name, _params in calls]


# ---- hosts, host vars, groups ----


def test_every_active_account_is_a_host_named_after_the_account(org, run_inventory):
    result = run_inventory()
    dup_prod, dup_web = org.accounts["dup"]
    assert result.hosts == sorted(
        ["master", "shared_services", "prod-api", f"dup-{dup_prod}", "prod_web", f"dup-{dup_web}", "dev-api", "dev-app", "sandbox-1"]
    )
    # the closed (SUSPENDED) account is not a host
    assert not any(h.startswith("old-web") for h in result.hosts)


def test_host_vars_are_the_account_facts_and_nothing_else(org, run_inventory):
    result = run_inventory()
    for host in result.hosts:
        # inventory_file and inventory_dir are Ansible's own (the config file's path)
        assert set(result.vars(host)) - {"inventory_file", "inventory_dir"} == HOST_VARS
    assert {k: v for k, v in result.vars("prod_web").items() if k in HOST_VARS} == {
        "aws_account_id": org.accounts["prod web"][0],
        "aws_account_name": "prod web",
        "aws_account_email": "prod.web@example.com",
        "aws_account_ou_path": "Root/Prod/Web",
        "aws_account_ou_id": org.ou["Root/Prod/Web"],
    }
    assert result.vars("master")["aws_account_id"] == org.management_id
    assert result.vars("master")["aws_account_ou_path"] == "Root"
    assert result.vars("master")["aws_account_ou_id"] == org.root_id
    assert isinstance(result.vars("master")["aws_account_id"], str)


def test_groups_per_ou_nested_like_the_ous(org, run_inventory):
    result = run_inventory()
    dup_prod, dup_web = org.accounts["dup"]
    assert result.groups == ["ou_app", "ou_dev", "ou_prod", "ou_sandbox", "ou_web"]
    assert result.children("ou_prod") == ["ou_web"]
    assert result.children("ou_dev") == ["ou_app"]
    assert result.group_hosts("ou_prod") == sorted(["prod-api", f"dup-{dup_prod}"])
    assert result.group_hosts("ou_web") == sorted(["prod_web", f"dup-{dup_web}"])
    # a play on ou_prod reaches every account under Root/Prod
    assert result.all_hosts("ou_prod") == sorted(["prod-api", f"dup-{dup_prod}", "prod_web", f"dup-{dup_web}"])
    # accounts directly under the root are in no OU group
    assert result.group_hosts("ungrouped") == ["master", "shared_services"]


def test_ou_group_prefix_and_sanitized_names(empty_org, run_inventory):
    o = empty_org
    o.add_ou("Root/Prod EU")
    o.add_ou("Root/Prod EU/Web-Tier.1")
    o.add_account("a", "Root/Prod EU/Web-Tier.1")
    result = run_inventory(ou_group_prefix="org_")
    assert result.groups == ["org_prod_eu", "org_web_tier_1"]
    assert result.children("org_prod_eu") == ["org_web_tier_1"]
    assert run_inventory(ou_group_prefix="").groups == ["prod_eu", "web_tier_1"]


def test_bad_ou_group_prefix_is_a_clear_error(org, run_inventory):
    with pytest.raises(AnsibleError, match="ou_group_prefix 'ou-' may hold only letters, digits and _"):
        run_inventory(ou_group_prefix="ou-")


def test_ous_with_the_same_group_name_get_their_id_appended(org, run_inventory):
    web_dev = org.add_ou("Root/Dev/Web")
    org.add_account("dev-web", "Root/Dev/Web")
    result = run_inventory()
    prod_group = "ou_web_" + org.ou["Root/Prod/Web"].replace("-", "_")
    dev_group = "ou_web_" + web_dev.replace("-", "_")
    assert "ou_web" not in result.groups
    assert result.children("ou_prod") == [prod_group]
    assert result.children("ou_dev") == sorted(["ou_app", dev_group])
    assert result.group_hosts(dev_group) == ["dev-web"]
    assert any("several OUs would be group 'ou_web'" in w for w in result.warnings)


def test_empty_ous_and_ous_without_hosts_have_no_group(org, run_inventory):
    org.add_ou("Root/Empty")
    result = run_inventory(exclude_accounts=["sandbox-1"])
    assert "ou_empty" not in result.groups
    assert "ou_sandbox" not in result.groups


# ---- duplicates ----


def test_duplicate_names_are_all_renamed_with_the_id_and_warned(org, run_inventory):
    result = run_inventory()
    dup_prod, dup_web = org.accounts["dup"]
    assert "dup" not in result.hosts
    assert result.vars(f"dup-{dup_prod}")["aws_account_email"] == "dup-prod@example.com"
    assert result.vars(f"dup-{dup_web}")["aws_account_email"] == "dup-web@example.com"
    renamed = ", ".join(f"dup-{i}" for i in sorted([dup_prod, dup_web]))
    assert result.warnings == [f"aws_organizations: 2 accounts share the host name 'dup'; they are named {renamed}"]


def test_a_duplicate_only_within_the_filters_keeps_its_plain_name(org, run_inventory):
    result = run_inventory(include_ous=["Root/Prod/Web"])
    assert result.hosts == ["dup", "prod_web"]
    assert result.warnings == []


def test_names_that_sanitize_to_the_same_host_are_duplicates(empty_org, run_inventory):
    o = empty_org
    first = o.add_account("team a")
    second = o.add_account("team:a")
    result = run_inventory()
    assert f"team_a-{first}" in result.hosts and f"team_a-{second}" in result.hosts
    assert result.vars(f"team_a-{second}")["aws_account_name"] == "team:a"


def test_host_names_never_collide(plugin):
    accounts = [
        {"id": "111111111111", "name": "web"},
        {"id": "222222222222", "name": "web"},
        {"id": "333333333333", "name": "web-111111111111"},  # the first one's renamed host name
    ]
    names, duplicates = plugin.host_names(accounts, "name")
    assert names == {
        "111111111111": "web-111111111111",
        "222222222222": "web-222222222222",
        "333333333333": "web-111111111111-333333333333",
    }
    assert duplicates == {"web": ["111111111111", "222222222222"], "web-111111111111": ["111111111111", "333333333333"]}


def test_hostname_id(org, run_inventory):
    result = run_inventory(hostname="id")
    all_ids = sorted([org.management_id] + [i for name, ids in org.accounts.items() if name != "old-web" for i in ids])
    assert result.hosts == all_ids
    assert result.warnings == []
    assert result.vars(org.accounts["prod web"][0])["aws_account_name"] == "prod web"


def test_hostname_must_be_name_or_id(org, run_inventory):
    with pytest.raises(AnsibleError, match="hostname"):
        run_inventory(hostname="email")


# ---- filters ----


def test_include_and_exclude_accounts_by_id_name_and_glob(org, run_inventory):
    prod_api = org.accounts["prod-api"][0]
    result = run_inventory(include_accounts=["dev-*", prod_api, "shared services"], exclude_accounts=["dev-app"])
    assert result.hosts == ["dev-api", "prod-api", "shared_services"]


def test_exclude_wins_over_include(org, run_inventory):
    result = run_inventory(include_accounts=["prod-api"], exclude_accounts=[org.accounts["prod-api"][0]])
    assert result.hosts == []
    assert "no ACTIVE account of the organization matches the filters" in result.warnings[-1]


def test_include_ous_by_path_name_id_and_glob_takes_sub_ous(org, run_inventory):
    dup_prod, dup_web = org.accounts["dup"]
    prod = sorted(["prod-api", f"dup-{dup_prod}", "prod_web", f"dup-{dup_web}"])
    assert run_inventory(include_ous=["Root/Prod"]).hosts == prod
    assert run_inventory(include_ous=["Prod"]).hosts == prod
    assert run_inventory(include_ous=[org.ou["Root/Prod"]]).hosts == prod
    assert run_inventory(include_ous=["Root/D*"]).hosts == ["dev-api", "dev-app"]
    assert run_inventory(include_ous=["Root/Dev/App", "Sandbox"]).hosts == ["dev-app", "sandbox-1"]
    # the whole organization
    assert len(run_inventory(include_ous=["Root"]).hosts) == 9


def test_groups_of_an_included_sub_ou_keep_their_parents(org, run_inventory):
    result = run_inventory(include_ous=["Root/Prod/Web"])
    assert result.groups == ["ou_prod", "ou_web"]
    assert result.group_hosts("ou_prod") == []
    assert result.children("ou_prod") == ["ou_web"]


def test_exclude_ous_takes_sub_ous_and_wins(org, run_inventory):
    result = run_inventory(exclude_ous=["Root/Prod", "Sandbox"])
    assert result.hosts == ["dev-api", "dev-app", "master", "shared_services"]
    result = run_inventory(include_ous=["Root/Prod"], exclude_ous=["Root/Prod/Web"])
    assert result.hosts == sorted(["prod-api", "dup"])


def test_exclude_management_account(org, run_inventory):
    result = run_inventory(exclude_management_account=True)
    assert "master" not in result.hosts
    assert len(result.hosts) == 8


def test_filter_entries_that_match_nothing_are_warned_unless_wildcards(org, run_inventory):
    result = run_inventory(include_ous=["Root/Prod", "Root/Prd", "Nope*"], exclude_accounts=["prod-apl", "*-sandbox"])
    assert [w for w in result.warnings if "matches no" in w] == [
        "aws_organizations: include_ous: 'Root/Prd' matches no OU of the organization (by id, name or path such as 'Root/Prod')",
        "aws_organizations: exclude_accounts: 'prod-apl' matches no ACTIVE account (by id or name) in the OUs in scope",
    ]


def test_account_ids_given_as_yaml_numbers_still_match(org, run_inventory):
    prod_api = org.accounts["prod-api"][0]
    assert run_inventory(include_accounts=[int(prod_api)]).hosts == ["prod-api"]


# ---- AWS calls ----


def test_reads_only_and_walks_the_ou_tree(org, run_inventory, calls):
    run_inventory()
    names = ops(calls)
    assert set(names) == {"DescribeOrganization", "ListRoots", "ListOrganizationalUnitsForParent", "ListAccountsForParent"}
    assert names.count("ListOrganizationalUnitsForParent") == 6  # the root and 5 OUs
    assert names.count("ListAccountsForParent") == 6
    assert all(params.get("MaxResults") == 20 for _name, params in calls if _name.startswith("List"))


def test_excluded_ous_are_not_walked_and_out_of_scope_ous_not_listed(org, run_inventory, calls):
    run_inventory(include_ous=["Root/Dev"], exclude_ous=["Root/Prod"])
    walked = {p["ParentId"] for name, p in calls if name == "ListOrganizationalUnitsForParent"}
    listed = {p["ParentId"] for name, p in calls if name == "ListAccountsForParent"}
    assert org.ou["Root/Prod"] not in walked and org.ou["Root/Prod/Web"] not in walked
    assert listed == {org.ou["Root/Dev"], org.ou["Root/Dev/App"]}


def test_pages_of_accounts(empty_org, run_inventory, calls):
    o = empty_org
    o.add_ou("Root/Big")
    for n in range(45):
        o.add_account(f"acct-{n:02d}", "Root/Big")
    result = run_inventory(include_ous=["Root/Big"])
    assert len(result.hosts) == 45
    assert [p["ParentId"] for name, p in calls if name == "ListAccountsForParent"] == [o.ou["Root/Big"]] * 3


def test_throttling_is_retried_with_backoff(org, run_inventory, aws_errors):
    throttled = aws_errors("ListAccountsForParent", "TooManyRequestsException", times=3)
    result = run_inventory()
    assert throttled["answered"] == 3
    assert len(aws_errors.pauses) == 3
    assert len(result.hosts) == 9


def test_throttling_that_does_not_stop_is_a_clear_error(org, run_inventory, aws_errors, plugin):
    throttled = aws_errors("ListRoots", "TooManyRequestsException")
    with pytest.raises(AnsibleError) as failure:
        run_inventory()
    assert throttled["answered"] == plugin.MAX_ATTEMPTS
    message = str(failure.value)
    assert "kept throttling ListRoots (TooManyRequestsException) after 10 attempts" in message
    assert "cache: true" in message


def test_not_in_an_organization_is_a_clear_error(organizations, run_inventory):
    with pytest.raises(AnsibleError) as failure:
        run_inventory()
    message = str(failure.value)
    assert "account 123456789012 is not a member of an AWS organization" in message
    assert "AWSOrganizationsNotInUseException" in message
    assert "management account or of a delegated administrator account" in message


def test_access_denied_is_a_clear_error(org, run_inventory, aws_errors):
    aws_errors("ListRoots", "AccessDeniedException")
    with pytest.raises(AnsibleError) as failure:
        run_inventory()
    message = str(failure.value)
    assert "AWS Organizations denied ListRoots to account 123456789012 (AccessDeniedException" in message
    assert "management account, or an account registered as a delegated administrator" in message
    assert "organizations:DescribeOrganization, ListRoots, ListOrganizationalUnitsForParent and ListAccountsForParent" in message


def test_no_credentials_message(plugin):
    message = plugin.explain(botocore.exceptions.NoCredentialsError())
    assert message.startswith("aws_organizations: no AWS credentials found.")
    assert "management account" in message


# ---- cache and constructed ----


def test_cache_serves_the_second_run_and_filters_apply_to_it(org, run_inventory, calls, tmp_path):
    cache = dict(cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=str(tmp_path / "cache"))
    first = run_inventory(**cache)
    assert calls
    del calls[:]
    second = run_inventory(**cache, exclude_management_account=True, hostname="id")
    assert calls == []
    assert len(second.hosts) == len(first.hosts) - 1
    # new OU filters need other accounts listed: another cache entry
    third = run_inventory(**cache, include_ous=["Root/Dev"])
    assert ops(calls).count("DescribeOrganization") == 1
    assert third.hosts == ["dev-api", "dev-app"]
    # --flush-cache
    del calls[:]
    run_inventory(flush_cache=True, **cache)
    assert ops(calls).count("DescribeOrganization") == 1


def test_constructed_compose_groups_and_keyed_groups(org, run_inventory):
    result = run_inventory(
        compose={"ansible_connection": "'local'", "top_ou": "aws_account_ou_path.split('/')[1] | default('root')"},
        groups={"production": "aws_account_ou_path.startswith('Root/Prod')"},
        keyed_groups=[{"key": "top_ou", "prefix": "top"}],
    )
    assert result.vars("prod_web")["ansible_connection"] == "local"
    assert result.vars("master")["top_ou"] == "root"
    assert result.all_hosts("production") == result.all_hosts("ou_prod")
    assert result.group_hosts("top_Dev") == ["dev-api", "dev-app"]


def test_the_region_defaults_and_throttling_retries_are_configured(org, inventory_loader, run_inventory, monkeypatch, plugin):
    made = []
    original = plugin.InventoryModule.client

    def client(self, service, *args, **kwargs):
        conn = original(self, service, *args, **kwargs)
        made.append(conn)
        return conn

    monkeypatch.setattr(plugin.InventoryModule, "client", client)
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    run_inventory()
    assert made[0].meta.endpoint_url == "https://organizations.us-east-1.amazonaws.com"
    assert made[0].meta.config.retries["mode"] == "standard"
    assert made[0].meta.config.retries["total_max_attempts"] == plugin.MAX_ATTEMPTS


# ---- pure functions ----


@pytest.mark.parametrize(
    "account, active",
    [
        ({"state": "ACTIVE", "status": "ACTIVE"}, True),
        ({"state": None, "status": "ACTIVE"}, True),  # older API: Status only
        ({"state": "ACTIVE", "status": None}, True),  # after Status is retired
        ({"state": "SUSPENDED", "status": "ACTIVE"}, False),  # State wins
        ({"state": "PENDING_CLOSURE", "status": "PENDING_CLOSURE"}, False),
        ({"state": "CLOSED", "status": None}, False),
        ({"state": "PENDING_ACTIVATION", "status": None}, False),
        ({"state": None, "status": "SUSPENDED"}, False),
        ({"state": None, "status": None}, False),
    ],
)
def test_is_active(account, active, plugin):
    assert plugin.is_active(account) is active
