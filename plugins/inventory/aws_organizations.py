# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: aws_organizations
short_description: The ACTIVE accounts of an AWS organization as inventory hosts
version_added: 1.0.0
description:
  - Lists the ACTIVE accounts of an AWS organization, read with AWS Organizations from the management account or
    from a delegated administrator account, and makes one inventory host per account.
  - Each host has the host variables C(aws_account_id), C(aws_account_name), C(aws_account_email),
    C(aws_account_ou_path) (for example V(Root/Prod/Web)) and C(aws_account_ou_id). No credential is ever stored in
    the inventory; a role reaches an account by assuming C(arn:aws:iam::<aws_account_id>:role/<name>).
  - Each organizational unit (OU) that holds at least one host, directly or in a sub-OU, becomes a group named
    O(ou_group_prefix) followed by the OU name in lower case, with every run of characters other than letters, digits
    and C(_) replaced by C(_) (OU V(Prod EU) gives group C(ou_prod_eu)). Groups are nested like the OUs; the group of
    a sub-OU is a child of its parent OU's group, so a play on C(ou_prod) reaches every account under V(Root/Prod).
    Accounts directly under the root are in no OU group. When two OUs would get the same group name (OU names are
    unique only among siblings), both groups get the OU id appended (C(ou_web_ou_ab12_cdef3456)) and a warning says so.
  - Accounts that are not ACTIVE (suspended, closing, closed, pending activation) are never listed. The account C(State)
    is used when AWS reports it, else the older C(Status).
  - Uses a YAML configuration file whose name ends with C(aws_organizations.yml) or C(aws_organizations.yaml).
author:
  - accountguard maintainers (@accountguard)
options:
  plugin:
    description: The name of this plugin; marks the file as a configuration of this plugin.
    type: str
    required: true
    choices: ["accountguard.aws.aws_organizations"]
  hostname:
    description:
      - What names the hosts.
      - V(name) uses the account name, with every run of characters other than letters, digits, C(.), C(_) and C(-)
        replaced by C(_) (Ansible host patterns give spaces, C(,), C(:), C(!), C(&) and C([) a meaning of their own);
        the account name as AWS has it stays in C(aws_account_name).
      - Account names are not unique in AWS Organizations. When two or more hosts of this inventory would get the
        same name, each of them is named C(<name>-<account id>) instead and a warning lists them; no account is
        dropped. A host's name can therefore change when another account of the same name joins the organization.
      - V(id) uses the 12-digit account id, which never changes; prefer it when anything is keyed on
        C(inventory_hostname) (fact caches, files per host, reports compared from one night to the next).
    type: str
    choices: [name, id]
    default: name
  include_accounts:
    description:
      - Only these accounts. Each entry is matched against the account id and the account name; shell-style
        wildcards (C(*), C(?), C([...])) are allowed; matching is case-sensitive.
      - Quote account ids in YAML (V("012345678901")), or a leading zero is lost.
      - Empty means every account (within O(include_ous) and O(exclude_ous)).
    type: list
    elements: str
    default: []
  exclude_accounts:
    description:
      - Never these accounts. Entries are matched like O(include_accounts). Exclusion wins over inclusion.
    type: list
    elements: str
    default: []
  include_ous:
    description:
      - Only the accounts in these OUs or in their sub-OUs. Each entry is matched against the OU id
        (V(ou-ab12-cdef3456)), the OU name (V(Prod), which matches every OU of that name) and the OU path from the root
        (V(Root/Prod/Web)); shell-style wildcards are allowed; matching is case-sensitive. The root matches by its id,
        name or path (V(Root)).
      - Empty means the whole organization.
      - All OUs are still listed to find the matches, but accounts are listed only in the OUs in scope.
    type: list
    elements: str
    default: []
  exclude_ous:
    description:
      - Never the accounts in these OUs or in their sub-OUs. Entries are matched like O(include_ous). Exclusion wins
        over inclusion. Excluded OUs are not walked, which saves AWS calls.
    type: list
    elements: str
    default: []
  exclude_management_account:
    description:
      - Leave out the organization's management account.
      - The management account has no C(OrganizationAccountAccessRole) (AWS creates that role only in accounts it
        creates), so a play that assumes that role into every host fails on it unless it is excluded or given its own role.
    type: bool
    default: false
  ou_group_prefix:
    description:
      - The prefix of the OU group names. Letters, digits and C(_) only; may be empty.
    type: str
    default: ou_
notes:
  - Needs C(organizations:DescribeOrganization), C(organizations:ListRoots),
    C(organizations:ListOrganizationalUnitsForParent) and C(organizations:ListAccountsForParent), in the management
    account or in a delegated administrator account for AWS Organizations. A member account without delegation gets
    a clear access-denied error.
  - AWS calls are few for large organizations (the OU tree is walked, one page lists 20 accounts), and throttling
    (C(TooManyRequestsException)) is retried with backoff, up to 10 attempts per call.
  - AWS Organizations is global; O(region) only selects the API endpoint's partition and defaults to V(us-east-1).
  - With O(cache=true) the plugin stores the organization's accounts (within the OU filters) and reads AWS again only
    when the cache has expired or with C(--flush-cache); host names, filters on accounts and groups are applied to the
    cached data on every run.
  - If this inventory fails (no credentials, access denied), Ansible by default only warns and runs on no hosts. In a
    pipeline, set C(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true) (or C(any_unparsed_is_failed = true) in the
    C([inventory]) section of C(ansible.cfg)) so that the run fails instead.
  - >-
    Hosts can also be listed by hand in a static inventory; the collection's roles need only C(aws_account_id), a
    quoted string, on each host, and plays with C(connection: local). For example, a YAML inventory file
    C(accounts.yml) with
    C({all: {children: {ou_prod: {hosts: {prod-web: {aws_account_id: "111111111111"}, prod-db: {aws_account_id: "222222222222"}}}}}})
    used with C(ansible-playbook -i accounts.yml), or an INI file with the line C(prod-web aws_account_id="111111111111").
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
seealso:
  - name: Managing accounts in an organization
    description: AWS Organizations user guide on member accounts, their states, and delegated administrators.
    link: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts.html
"""

EXAMPLES = r"""
# org.aws_organizations.yml: every ACTIVE account, named after the account, with the management
# account's credentials from the environment (AWS_PROFILE, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
plugin: accountguard.aws.aws_organizations

---

# prod.aws_organizations.yml: a nightly pipeline over production accounts. Account ids as host names
# (stable from night to night), no management account, one sandbox excluded, cached for an hour.
plugin: accountguard.aws.aws_organizations
profile: org-management
hostname: id
include_ous:
  - Root/Prod
exclude_accounts:
  - "*-sandbox"
  - "111122223333"
exclude_management_account: true
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/accountguard-inventory
cache_timeout: 3600

---

# delegated.aws_organizations.yml: from a delegated administrator account, through a role; the hosts
# are AWS accounts, not machines, so every task runs on the controller.
plugin: accountguard.aws.aws_organizations
assume_role_arn: arn:aws:iam::444455556666:role/OrganizationsReadOnly
exclude_ous:
  - Root/Suspended
  - Root/Sandbox*
compose:
  ansible_connection: "'local'"
keyed_groups:
  - key: aws_account_ou_path.split('/')[1] | default('root')
    prefix: top
"""

import hashlib
import json
import re
from fnmatch import fnmatchcase

try:
    import botocore
except ImportError:
    pass  # the base class reports a missing boto3/botocore before any AWS call

from ansible.errors import AnsibleError

from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

# botocore's "standard" retry mode retries TooManyRequestsException (Organizations' throttling answer) and
# the other throttling and transient errors, per call and per page, with jittered exponential backoff.
MAX_ATTEMPTS = 10
RETRIES = {"mode": "standard", "total_max_attempts": MAX_ATTEMPTS}
PAGE_SIZE = 20  # the largest MaxResults AWS Organizations accepts for these calls
DEFAULT_REGION = "us-east-1"

THROTTLING_CODES = ("TooManyRequestsException", "Throttling", "ThrottlingException")
ACCESS_DENIED_CODES = ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation")

_GLOB_CHARS = re.compile(r"[*?\[]")
_HOST_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_GROUP_UNSAFE = re.compile(r"[^a-z0-9_]+")
_PREFIX_RE = re.compile(r"^[A-Za-z0-9_]*$")
_RESERVED_GROUPS = ("all", "ungrouped")


# ---- pure functions over the organization's data (dicts that can go to and come from the cache) ----


def is_active(account):
    """ACTIVE by the account State when AWS reports it (newer API), else by the older Status."""
    state = account.get("state")
    if state:
        return state == "ACTIVE"
    return account.get("status") == "ACTIVE"


def is_glob(pattern):
    return bool(_GLOB_CHARS.search(pattern))


def matching(patterns, values):
    """The patterns that match any of the values (case-sensitive shell-style wildcards)."""
    return [p for p in patterns if any(v is not None and fnmatchcase(v, p) for v in values)]


def ou_chain(ous, ou_id):
    """The OU and its ancestors up to the root, nearest first."""
    chain = []
    while ou_id in ous:
        chain.append(ous[ou_id])
        ou_id = ous[ou_id]["parent_id"]
    return chain


def ou_values(ou):
    return (ou["id"], ou["name"], ou["path"])


def excluded_ou(ou, exclude_ous):
    """True if the OU itself matches exclude_ous (its sub-OUs are then excluded too)."""
    return bool(matching(exclude_ous, ou_values(ou)))


def ous_in_scope(ous, include_ous, exclude_ous):
    """The ids of the OUs (the root included) whose accounts belong in the inventory.

    An OU is in scope when it or an ancestor matches include_ous (or include_ous is empty) and neither it nor an
    ancestor matches exclude_ous.
    """
    scope = set()
    for ou_id in ous:
        chain = ou_chain(ous, ou_id)
        if any(excluded_ou(ou, exclude_ous) for ou in chain):
            continue
        if include_ous and not any(matching(include_ous, ou_values(ou)) for ou in chain):
            continue
        scope.add(ou_id)
    return scope


def unmatched(patterns, candidates):
    """Plain (non-wildcard) patterns that match none of the candidates' values: most likely typos."""
    used = set()
    for values in candidates:
        used.update(matching(patterns, values))
    return [p for p in patterns if p not in used and not is_glob(p)]


def select_accounts(org, options):
    """The accounts that become hosts, and the warnings about the filters."""
    ous = {ou["id"]: ou for ou in org["ous"]}
    scope = ous_in_scope(ous, options["include_ous"], options["exclude_ous"])
    in_scope = [a for a in org["accounts"] if a["ou_id"] in scope and is_active(a)]
    warnings = []
    for option in ("include_ous", "exclude_ous"):
        for pattern in unmatched(options[option], [ou_values(ou) for ou in org["ous"]]):
            warnings.append(f"{option}: {pattern!r} matches no OU of the organization (by id, name or path such as 'Root/Prod')")
    for option in ("include_accounts", "exclude_accounts"):
        for pattern in unmatched(options[option], [(a["id"], a["name"]) for a in in_scope]):
            warnings.append(f"{option}: {pattern!r} matches no ACTIVE account (by id or name) in the OUs in scope")

    selected = []
    for account in in_scope:
        values = (account["id"], account["name"])
        if options["include_accounts"] and not matching(options["include_accounts"], values):
            continue
        if matching(options["exclude_accounts"], values):
            continue
        if options["exclude_management_account"] and account["id"] == org["management_account_id"]:
            continue
        selected.append(account)
    return sorted(selected, key=lambda a: a["id"]), warnings


def host_base_name(account, hostname):
    if hostname == "id":
        return account["id"]
    return _HOST_UNSAFE.sub("_", account["name"]).strip("_") or account["id"]


def host_names(accounts, hostname):
    """{account id: host name}, and the duplicates that were renamed ({base name: [account ids]}).

    Hosts that would share a name are all named '<name>-<account id>'. Account ids are unique, so renamed hosts
    cannot collide with each other; a renamed host that happens to equal another account's plain name gets that
    account renamed too, until every name is unique. Deterministic: it depends only on the accounts listed.
    """
    names = {a["id"]: host_base_name(a, hostname) for a in accounts}
    renamed = set()
    duplicates = {}
    while True:
        by_name = {}
        for account_id, name in names.items():
            by_name.setdefault(name, []).append(account_id)
        clashes = {name: ids for name, ids in by_name.items() if len(ids) > 1}
        if not clashes:
            return names, duplicates
        for name, ids in clashes.items():
            duplicates[name] = sorted(set(duplicates.get(name, [])) | set(ids))
            for account_id in ids:
                if account_id not in renamed:
                    renamed.add(account_id)
                    names[account_id] = f"{name}-{account_id}"


def group_part(text):
    return _GROUP_UNSAFE.sub("_", text.lower()).strip("_")


def ou_group_names(ous, ou_ids, prefix):
    """{OU id: group name} for the given OUs (never the root), and the group names that two OUs would share."""
    base = {}
    for ou_id in ou_ids:
        ou = ous[ou_id]
        base[ou_id] = prefix + (group_part(ou["name"]) or group_part(ou["id"]))
    counts = {}
    for name in base.values():
        counts[name] = counts.get(name, 0) + 1
    shared = sorted(name for name, count in counts.items() if count > 1 or name in _RESERVED_GROUPS)
    names = {}
    for ou_id, name in base.items():
        if name in shared:
            name = f"{name}_{group_part(ou_id)}"
        if name[:1].isdigit():
            name = "_" + name
        names[ou_id] = name
    return names, shared


def host_vars(account, ous):
    ou = ous[account["ou_id"]]
    return {
        "aws_account_id": account["id"],
        "aws_account_name": account["name"],
        "aws_account_email": account["email"],
        "aws_account_ou_path": ou["path"],
        "aws_account_ou_id": ou["id"],
    }


# ---- reading AWS Organizations ----


def _pages(client, operation, key, **params):
    paginator = client.get_paginator(operation)
    items = []
    for page in paginator.paginate(PaginationConfig={"PageSize": PAGE_SIZE}, **params):
        items.extend(page.get(key, []))
    return items


def read_organization(client, exclude_ous, include_ous):
    """The organization's management account, OU tree and accounts, as plain data.

    Walks the OU tree (ListRoots, then ListOrganizationalUnitsForParent per OU) and lists the accounts of each OU in
    scope (ListAccountsForParent). For 500 accounts in 30 OUs that is about 1 + 1 + 31 + 56 = 89 calls (a page holds
    20 accounts), where ListAccounts + ListParents would need 25 pages plus one ListParents per account (525 calls),
    and still the tree walk for OU names and paths. Organizations' API rate is low, so fewer calls matter.
    Excluded OUs are not walked; accounts are listed only in OUs in scope.
    """
    organization = client.describe_organization()["Organization"]
    ous = {}
    queue = []
    for root in sorted(_pages(client, "list_roots", "Roots"), key=lambda r: r["Id"]):
        ous[root["Id"]] = {"id": root["Id"], "name": root.get("Name") or "Root", "path": root.get("Name") or "Root", "parent_id": None}
        queue.append(root["Id"])
    while queue:
        parent_id = queue.pop(0)
        if excluded_ou(ous[parent_id], exclude_ous):
            continue
        children = _pages(client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id)
        for child in sorted(children, key=lambda c: (c["Name"], c["Id"])):
            ous[child["Id"]] = {
                "id": child["Id"],
                "name": child["Name"],
                "path": f"{ous[parent_id]['path']}/{child['Name']}",
                "parent_id": parent_id,
            }
            queue.append(child["Id"])

    accounts = []
    for ou_id in sorted(ous_in_scope(ous, include_ous, exclude_ous)):
        for account in _pages(client, "list_accounts_for_parent", "Accounts", ParentId=ou_id):
            accounts.append(
                {
                    "id": account["Id"],
                    "name": account.get("Name", ""),
                    "email": account.get("Email", ""),
                    "state": account.get("State"),
                    "status": account.get("Status"),
                    "ou_id": ou_id,
                }
            )
    return {
        "management_account_id": organization.get("MasterAccountId"),
        "ous": list(ous.values()),
        "accounts": accounts,
    }


def explain(exc, caller_account=None):
    """One clear message for a failed AWS call: what went wrong and what to do."""
    who = f"account {caller_account}" if caller_account else "the account of these credentials"
    if isinstance(exc, botocore.exceptions.NoCredentialsError):
        return (
            "aws_organizations: no AWS credentials found. Give the credentials of the organization's management account or "
            "of a delegated administrator account (profile, access_key/secret_key, the AWS_* environment variables, or assume_role_arn)."
        )
    if not isinstance(exc, botocore.exceptions.ClientError):
        return f"aws_organizations: could not reach AWS Organizations: {exc}"
    error = exc.response.get("Error", {})
    code = error.get("Code", "")
    operation = exc.operation_name
    if code == "AWSOrganizationsNotInUseException":
        return (
            f"aws_organizations: {who} is not a member of an AWS organization ({code} on {operation}). Use the credentials "
            "of the organization's management account or of a delegated administrator account for AWS Organizations "
            "(profile, access_key/secret_key, or assume_role_arn)."
        )
    if code in ACCESS_DENIED_CODES:
        return (
            f"aws_organizations: AWS Organizations denied {operation} to {who} ({code}: {error.get('Message', '')}). "
            "Only the organization's management account, or an account registered as a delegated administrator for AWS "
            "Organizations, can list the organization's accounts; it needs organizations:DescribeOrganization, ListRoots, "
            "ListOrganizationalUnitsForParent and ListAccountsForParent. Use such an account's credentials or assume_role_arn."
        )
    if code in THROTTLING_CODES:
        return (
            f"aws_organizations: AWS Organizations kept throttling {operation} ({code}) after {MAX_ATTEMPTS} attempts with backoff. "
            "Run again later, and enable the inventory cache (cache: true) so that repeated runs list the organization less often."
        )
    return f"aws_organizations: {operation} failed: {code}: {error.get('Message', exc)}"


class InventoryModule(AWSInventoryBase):
    NAME = "accountguard.aws.aws_organizations"
    INVENTORY_FILE_SUFFIXES = ("aws_organizations.yml", "aws_organizations.yaml")

    def _settings(self):
        options = {
            name: self.get_option(name)
            for name in (
                "hostname",
                "include_accounts",
                "exclude_accounts",
                "include_ous",
                "exclude_ous",
                "exclude_management_account",
                "ou_group_prefix",
            )
        }
        for name in ("include_accounts", "exclude_accounts", "include_ous", "exclude_ous"):
            # An account id written as a YAML number has lost its leading zeros: account ids are 12 digits.
            options[name] = [str(entry).zfill(12) if isinstance(entry, int) and not isinstance(entry, bool) and "accounts" in name
                             else str(entry) for entry in options[name] or []]
        options["ou_group_prefix"] = options["ou_group_prefix"] or ""
        if not _PREFIX_RE.match(options["ou_group_prefix"]):
            self.fail_aws(f"aws_organizations: ou_group_prefix {options['ou_group_prefix']!r} may hold only letters, digits and _")
        return options

    def get_cache_key(self, path):
        # The cached data holds the accounts of the OUs in scope only, so it belongs to these OU filters.
        options = self._settings()
        scope = json.dumps([options["include_ous"], options["exclude_ous"]])
        return f"{super().get_cache_key(path)}_{hashlib.sha256(scope.encode()).hexdigest()[:8]}"

    def _organizations_client(self):
        region = self.region or DEFAULT_REGION
        return self.client("organizations", region=region, config=botocore.config.Config(retries=RETRIES))

    def _caller_account(self):
        """The account of the credentials, for error messages only; None when even that fails."""
        try:
            return self.client("sts", region=self.region or DEFAULT_REGION).get_caller_identity()["Account"]
        except Exception:  # pylint: disable=broad-except
            return None

    def _read(self, options):
        client = self._organizations_client()
        try:
            return read_organization(client, options["exclude_ous"], options["include_ous"])
        except botocore.exceptions.NoCredentialsError as e:
            raise AnsibleError(explain(e)) from e
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            raise AnsibleError(explain(e, self._caller_account())) from e

    def _populate(self, org, options):
        accounts, warnings = select_accounts(org, options)
        for message in warnings:
            self.warn(f"aws_organizations: {message}")
        if not accounts:
            self.warn("aws_organizations: no ACTIVE account of the organization matches the filters; the inventory is empty")

        ous = {ou["id"]: ou for ou in org["ous"]}
        names, duplicates = host_names(accounts, options["hostname"])
        for name, ids in sorted(duplicates.items()):
            renamed = ", ".join(names[i] for i in ids)
            self.warn(f"aws_organizations: {len(ids)} accounts share the host name {name!r}; they are named {renamed}")

        grouped = set()
        for account in accounts:
            grouped.update(ou["id"] for ou in ou_chain(ous, account["ou_id"]) if ou["parent_id"] is not None)
        groups, shared = ou_group_names(ous, grouped, options["ou_group_prefix"])
        for name in shared:
            self.warn(
                f"aws_organizations: several OUs would be group {name!r} (or Ansible has a group of that name); "
                "each of these groups has its OU id appended"
            )
        for ou_id in sorted(groups, key=lambda i: ous[i]["path"]):
            self.inventory.add_group(groups[ou_id])
        for ou_id, group in groups.items():
            parent_id = ous[ou_id]["parent_id"]
            if parent_id in groups:
                self.inventory.add_child(groups[parent_id], group)

        strict = self.get_option("strict")
        for account in sorted(accounts, key=lambda a: names[a["id"]]):
            host = names[account["id"]]
            variables = host_vars(account, ous)
            self.inventory.add_host(host, group=groups.get(account["ou_id"]))
            for key, value in variables.items():
                self.inventory.set_variable(host, key, value)
            self._set_composite_vars(self.get_option("compose"), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host, strict=strict)
        self.display.v(
            f"aws_organizations: {len(accounts)} hosts from {len(org['accounts'])} listed accounts in {len(org['ous'])} OUs"
        )

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        options = self._settings()
        found, org = self.get_cached_result(path, cache)
        if not found:
            org = self._read(options)
            self.update_cached_result(path, cache, org)
        self._populate(org, options)
