"""Fixtures for the inventory plugin tests: moto's Organizations in-process, the plugin loaded the way
ansible-inventory loads it, and a recorder of the Organizations operations the plugin calls."""

import importlib
import json
import sys
import types
from io import BytesIO
from pathlib import Path

import boto3
import botocore.client
import botocore.endpoint
import moto
import pytest
import yaml

from botocore.awsrequest import AWSResponse

COLLECTIONS_ROOT = Path(__file__).resolve().parents[4] / ".cache" / "collections"
PLUGIN = "accountguard.aws.aws_organizations"


def _collection_modules():
    return {name: module for name, module in sys.modules.items() if name == "ansible_collections" or name.startswith("ansible_collections.")}


@pytest.fixture(scope="module")
def inventory_loader():
    """The inventory plugin loader, with Ansible's collection loader installed as ansible-inventory has it.

    Ansible can load a collection's plugins only when its collection finder imported every ansible_collections
    package; other unit tests import them from sys.path. So, for this module only, the collections' modules are
    set aside, the finder is installed, and afterwards everything is put back as it was (other tests keep the
    module objects they already hold)."""
    from ansible.plugins.loader import init_plugin_loader
    from ansible.plugins.loader import inventory_loader as loader
    from ansible.utils.collection_loader import AnsibleCollectionConfig
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    if AnsibleCollectionConfig.collection_finder is not None:
        yield loader  # someone installed it for the whole session: nothing to set aside
        return
    saved = _collection_modules()
    for name in saved:
        del sys.modules[name]
    init_plugin_loader([str(COLLECTIONS_ROOT)])
    try:
        yield loader
    finally:
        _AnsibleCollectionFinder._remove()
        for name in _collection_modules():
            del sys.modules[name]
        sys.modules.update(saved)


@pytest.fixture(scope="module")
def plugin(inventory_loader):
    """The plugin's Python module, as the collection loader imported it."""
    return importlib.import_module("ansible_collections.accountguard.aws.plugins.inventory.aws_organizations")


@pytest.fixture
def organizations(monkeypatch):
    """A boto3 Organizations client on moto, in the default account 123456789012 (no organization yet)."""
    # Away from the credentials and endpoint of whoever runs the tests.
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_URL",
                "AWS_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUNITTESTKEY00000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unit-secret-key-0000")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # The local AWS's pytest plugin turns this on (real accounts have AWS managed policies); moto then loads them
    # into every account an organization creates, seconds per account. These tests need no IAM.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    with moto.mock_aws():
        yield boto3.client("organizations", region_name="us-east-1")


class Org:
    """Builds an organization on moto and remembers the ids by name."""

    def __init__(self, client):
        self.client = client
        self.management_id = client.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
        self.root_id = client.list_roots()["Roots"][0]["Id"]
        self.ou = {"Root": self.root_id}
        self.accounts = {}

    def add_ou(self, path):
        parent, name = path.rsplit("/", 1)
        self.ou[path] = self.client.create_organizational_unit(ParentId=self.ou[parent], Name=name)["OrganizationalUnit"]["Id"]
        return self.ou[path]

    def add_account(self, name, ou="Root", email=None):
        status = self.client.create_account(AccountName=name, Email=email or f"{name.replace(' ', '.')}@example.com")
        account_id = status["CreateAccountStatus"]["AccountId"]
        if ou != "Root":
            self.client.move_account(AccountId=account_id, SourceParentId=self.root_id, DestinationParentId=self.ou[ou])
        self.accounts.setdefault(name, []).append(account_id)
        return account_id

    def close(self, account_id):
        self.client.close_account(AccountId=account_id)


@pytest.fixture
def empty_org(organizations):
    """An organization with only its management account, under the root."""
    return Org(organizations)


@pytest.fixture
def org(organizations):
    """Root: management account 'master', 'shared services'
    Root/Prod: prod-api, dup        Root/Prod/Web: 'prod web', dup, old-web (closed)
    Root/Dev: dev-api               Root/Dev/App: dev-app
    Root/Sandbox: sandbox-1
    """
    o = Org(organizations)
    for path in ("Root/Prod", "Root/Prod/Web", "Root/Dev", "Root/Dev/App", "Root/Sandbox"):
        o.add_ou(path)
    o.add_account("shared services")
    o.add_account("prod-api", "Root/Prod")
    o.add_account("dup", "Root/Prod", email="dup-prod@example.com")
    o.add_account("prod web", "Root/Prod/Web")
    o.add_account("dup", "Root/Prod/Web", email="dup-web@example.com")
    o.close(o.add_account("old-web", "Root/Prod/Web"))
    o.add_account("dev-api", "Root/Dev")
    o.add_account("dev-app", "Root/Dev/App")
    o.add_account("sandbox-1", "Root/Sandbox")
    return o


class Result:
    def __init__(self, inventory, warnings):
        self.inventory = inventory
        self.warnings = warnings

    @property
    def hosts(self):
        return sorted(self.inventory.hosts)

    def vars(self, host):
        return dict(self.inventory.get_host(host).vars)

    def group_hosts(self, group):
        """The hosts directly in a group."""
        return sorted(h.name for h in self.inventory.groups[group].hosts)

    def all_hosts(self, group):
        """The hosts of a group and of its child groups."""
        return sorted(h.name for h in self.inventory.groups[group].get_hosts())

    def children(self, group):
        return sorted(g.name for g in self.inventory.groups[group].child_groups)

    @property
    def groups(self):
        return sorted(set(self.inventory.groups) - {"all", "ungrouped"})


@pytest.fixture
def run_inventory(inventory_loader, tmp_path):
    """run_inventory(flush_cache=False, **config) -> Result: the plugin parses a config file, as ansible-inventory does
    (flush_cache=True as with --flush-cache).

    Errors propagate (ansible-inventory would only warn about them unless any_unparsed_is_failed is set)."""
    from ansible.inventory.data import InventoryData
    from ansible.parsing.dataloader import DataLoader

    def runner(flush_cache=False, name="org.aws_organizations.yml", **config):
        path = tmp_path / name
        path.write_text(yaml.safe_dump({"plugin": PLUGIN, **config}))
        plugin = inventory_loader.get(PLUGIN)
        warnings = []
        plugin.warn = warnings.append
        inventory = InventoryData()
        plugin.parse(inventory, DataLoader(), str(path), cache=not flush_cache)
        # what InventoryManager does after a parse
        try:
            plugin.update_cache_if_changed()
        except AttributeError:
            pass  # no cache plugin configured
        inventory.reconcile_inventory()
        return Result(inventory, warnings)

    return runner


@pytest.fixture
def calls(monkeypatch):
    """The Organizations operations made, in order: [(operation, params), ...]."""
    made = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        if self.meta.service_model.service_name == "organizations":
            made.append((operation_name, dict(api_params)))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return made


class _RawBody(BytesIO):
    def stream(self, **kwargs):
        contents = self.read()
        while contents:
            yield contents
            contents = self.read()


@pytest.fixture
def aws_errors(monkeypatch, plugin):
    """aws_errors(operation, code, times=None): the plugin's clients answer that operation with that AWS error
    (the first `times` calls, or always), before moto sees it, so botocore's own retry logic runs. Returns the
    list of pauses botocore took between attempts (nothing really sleeps)."""
    rules = []
    pauses = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=pauses.append))
    original_client = plugin.InventoryModule.client

    def client(self, service, *args, **kwargs):
        conn = original_client(self, service, *args, **kwargs)
        for operation, code, counter in rules:
            conn.meta.events.register_first(f"before-send.{service}.{operation}", _answer(code, counter))
        return conn

    def _answer(code, counter):
        def handler(request, **kwargs):
            if counter["left"] is not None:
                if counter["left"] <= 0:
                    return None
                counter["left"] -= 1
            counter["answered"] += 1
            body = json.dumps({"__type": code, "message": f"{code} injected by the test"}).encode()
            return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.1"}, _RawBody(body))

        return handler

    monkeypatch.setattr(plugin.InventoryModule, "client", client)

    def add(operation, code, times=None):
        counter = {"left": times, "answered": 0}
        rules.append((operation, code, counter))
        return counter

    add.pauses = pauses
    return add
