"""Every use of moto internals in one place, so a moto upgrade has one file to check.

moto's public surface is its WSGI app; the IAM extensions also need its in-memory models
(virtual MFA seeds, users, the password policy, organizations with their trusted services and delegated
administrators, the AWS managed policies' documents) and its account-from-access-key mapping.
"""

import functools
import importlib
import json
import os
import threading

# AWS managed policies (arn:aws:iam::aws:policy/AdministratorAccess, ...) exist in every real account; moto
# loads them only when asked. Read when an account's IAM backend is created, so this must come first.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.responses import BaseResponse
from moto.core.utils import camelcase_to_underscores, method_names_from_class, unix_time
from moto.iam.aws_managed_policies import aws_managed_policies_data
import moto.iam.models as moto_iam_models
from moto.iam.models import AWSManagedPolicy, IAMBackend, iam_backends
from moto.budgets.models import budgets_backends
from moto.organizations.models import FakeDelegatedAdministrator, FakeServiceAccess, organizations_backends
from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.settings import load_iam_aws_managed_policies
from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition

__all__ = [
    "DEFAULT_ACCOUNT_ID", "IAM_PRINCIPAL", "MotoRequestHandler", "account_for", "alias_holder", "budgets_backend", "caller_arn",
    "create_session_key", "delegated_administrator", "iam_backend", "implements", "moto_app", "organization_of", "reset_moto",
    "task_policy", "trusted_access", "unix_time",
]


# moto parses its 1,500 AWS managed policies anew for every account's IAM backend (about 0.2 s of CPU each):
# an organization of 1,000 accounts would spend minutes on it. They are parsed once per partition here,
# and each new backend gets its own copies (attachment counts and versions stay per account).
_policy_templates = {}
_policy_lock = threading.Lock()


def _aws_policies_once(backend):
    if not load_iam_aws_managed_policies():
        return []
    with _policy_lock:
        templates = _policy_templates.get(backend.region_name)
        if templates is None:
            parsed = json.loads(aws_managed_policies_data)
            templates = [AWSManagedPolicy.from_data(name, backend.account_id, backend.region_name, data) for name, data in parsed.items()]
            _policy_templates[backend.region_name] = templates
    return [_copy_policy(template, backend.account_id) for template in templates]


def _copy_policy(template, account_id):
    # A shallow copy through __new__ (what copy.copy does, without its reduce protocol: 3x faster here).
    policy = _fresh(template)
    policy.account_id = account_id
    policy.tags = dict(template.tags)
    policy.versions = [_fresh(version) for version in template.versions]
    return policy


def _fresh(obj):
    new = type(obj).__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


IAMBackend._init_aws_policies = _aws_policies_once

# moto finds the account of an access key by looking in the IAM backend of every account and partition,
# creating the backends it has not got yet: at each request, for every account it ever saw (seven partitions
# each). With an organization of 1,000 accounts that is minutes of CPU. The same answer, from the backends
# that exist (a key can only be in one of them), remembered per key; moto's own requests use it too.
_key_accounts = {}


def get_account_id_from(access_key):
    known = _key_accounts.get(access_key)
    if known is not None and (known == DEFAULT_ACCOUNT_ID or _holds(known, access_key)):
        return known
    for account_id, account in list(iam_backends.items()):
        if _holds(account_id, access_key, account):
            _key_accounts[access_key] = account_id
            return account_id
    _key_accounts[access_key] = DEFAULT_ACCOUNT_ID  # random key ids are never reused, so a miss stays a miss
    return DEFAULT_ACCOUNT_ID


def _holds(account_id, access_key, account=None):
    account = iam_backends.get(account_id) if account is None else account
    return account is not None and any(access_key in backend.access_keys for backend in list(dict.values(account)))


moto_iam_models.get_account_id_from = get_account_id_from

# moto finds the IAM user behind an access key only among the users' own (long-term) keys. The session keys
# of GetSessionToken (create_session_key) belong to a user too, as in AWS: GetCallerIdentity and the calls
# that default to the calling user (GetUser, ListMFADevices without UserName) must find that user.
_moto_user_from_key = IAMBackend.get_user_from_access_key_id


def _user_from_access_key_id(self, access_key_id):
    user = _moto_user_from_key(self, access_key_id)
    if user is None:
        key = self.access_keys.get(access_key_id)
        if key is not None and key.user_name and key.role_arn is None:
            user = self.users.get(key.user_name)
    return user


IAMBackend.get_user_from_access_key_id = _user_from_access_key_id


def create_session_key(account_id, user_name=None, region="us-east-1"):
    """New temporary (ASIA...) credentials in an account, owned by an IAM user (None: the caller was no user).

    moto registers AssumeRole's keys the same way (IAMBackend.create_temp_access_key), which is what scopes a
    key to its account; a user name makes moto answer for that user (see above). Never one of the user's own
    keys: ListAccessKeys and the credential report do not show it.
    """
    key = iam_backend(account_id, region).create_temp_access_key()
    key.user_name = user_name
    return key


def moto_app():
    """Return a fresh instance of moto's server application (the one ``moto_server`` runs)."""
    return DomainDispatcherApplication(create_backend_app)


def account_for(access_key, moto_account_header=None):
    """Return the account moto attributes a request to, using moto's own precedence.

    MOTO_ACCOUNT_ID overrides everything (and breaks per-account AssumeRole, so do not set
    it); then the x-moto-account-id header; then the account owning the access key
    (STS AssumeRole registers its temporary keys in the target account); else moto's default.
    """
    if os.environ.get("MOTO_ACCOUNT_ID"):
        return os.environ["MOTO_ACCOUNT_ID"]
    if moto_account_header:
        return moto_account_header
    if not access_key:
        return DEFAULT_ACCOUNT_ID
    return get_account_id_from(access_key)


@functools.lru_cache(maxsize=None)
def _action_names(service):
    """The actions (snake_case) moto's server answers for a service, or None if that cannot be told."""
    try:
        urls = importlib.import_module(f"moto.{service.replace('-', '')}.urls")
    except ImportError:
        return None
    classes = {getattr(view, "__self__", None) for view in getattr(urls, "url_paths", {}).values()}
    classes = [cls for cls in classes if isinstance(cls, type) and issubclass(cls, BaseResponse)]
    if not classes:
        return None
    return frozenset(name for cls in classes for name in method_names_from_class(cls))


def implements(service, action):
    """Whether moto has the action (Query and JSON APIs), as its BaseResponse.call_action decides before it
    raises NotImplementedError (an HTML 500 page); None when it cannot be told (REST APIs, unknown services)."""
    if not service or not action:
        return None
    names = _action_names(service)
    return None if names is None else camelcase_to_underscores(action) in names


# IAM is an integrated service of AWS Organizations (trusted access and a delegated administrator, for
# centralized root access); moto's lists of such services lack it and refuse iam.amazonaws.com.
IAM_PRINCIPAL = "iam.amazonaws.com"
for _services in (FakeServiceAccess.TRUSTED_SERVICES, FakeDelegatedAdministrator.SUPPORTED_SERVICES):
    if IAM_PRINCIPAL not in _services:
        _services.append(IAM_PRINCIPAL)


def _organization_backend(account_id, region="us-east-1"):
    """moto's organizations backend holding the organization an account is in (None: in none).

    moto keeps an organization in the management account's backend and maps member accounts to it
    (organizations_backends.master_accounts); no backend is created by asking.
    """
    management_id = organizations_backends.master_accounts.get(account_id, (account_id,))[0]
    backend = dict.get(dict.get(organizations_backends, management_id) or {}, get_partition(region))
    return backend if getattr(backend, "org", None) is not None else None


def organization_of(account_id, region="us-east-1"):
    """(moto's organization, True if account_id is its management account) for an account in one, else None."""
    backend = _organization_backend(account_id, region)
    if backend is None:
        return None
    return backend.org, backend.org.master_account_id == account_id


def trusted_access(account_id, principal=IAM_PRINCIPAL, region="us-east-1"):
    """Whether the organization of an account has trusted access enabled for a service principal
    (Organizations EnableAWSServiceAccess)."""
    backend = _organization_backend(account_id, region)
    return backend is not None and any(service["ServicePrincipal"] == principal for service in list(backend.services))


def delegated_administrator(account_id, principal=IAM_PRINCIPAL, region="us-east-1"):
    """Whether an account is a registered delegated administrator of its organization for a service principal
    (Organizations RegisterDelegatedAdministrator)."""
    backend = _organization_backend(account_id, region)
    if backend is None:
        return False
    return any(admin.account.id == account_id and principal in admin.services for admin in list(backend.admins))


def caller_arn(account_id, access_key, region="us-east-1"):
    """The ARN STS GetCallerIdentity names for an access key (moto's answer: user, assumed role, or user/moto)."""
    return sts_backends[account_id][get_partition(region)].get_caller_identity(access_key, region)[1]


@functools.lru_cache(maxsize=None)
def task_policy(name):
    """(path, document) of an AWS managed policy as moto carries it (the root-task policies of AssumeRoot), or None.
    Callers must not change the document (it is cached)."""
    data = json.loads(aws_managed_policies_data).get(name)
    if data is None:
        return None
    return data.get("Path", "/"), data["Document"]


def iam_backend(account_id, region="us-east-1"):
    """Return moto's IAM backend of an account. IAM is global: moto keys it by partition, not region."""
    return iam_backends[account_id][get_partition(region or "us-east-1")]


def budgets_backend(account_id, region="us-east-1"):
    """moto's Budgets backend of an account (global: keyed by partition)."""
    return budgets_backends[account_id][get_partition(region or "us-east-1")]


def alias_holder(alias):
    """The account whose IAM backend (in any partition) holds the account alias `alias`, or None."""
    for account_id, account in list(iam_backends.items()):
        if any(alias in backend.account_aliases for backend in list(dict.values(account))):
            return account_id
    return None


def reset_moto():
    """Reset every moto backend in this process, as ``POST /moto-api/reset`` does."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
    _key_accounts.clear()
