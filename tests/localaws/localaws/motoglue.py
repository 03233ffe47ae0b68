"""Every use of moto internals in one place, so a moto upgrade has one file to check.

moto's public surface is its WSGI app; the IAM extensions also need its in-memory models
(virtual MFA seeds, users, the password policy) and its account-from-access-key mapping.
"""

import os

# AWS managed policies (arn:aws:iam::aws:policy/AdministratorAccess, ...) exist in every real account; moto
# loads them only when asked. Read when an account's IAM backend is created, so this must come first.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam.models import get_account_id_from, iam_backends
from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.utilities.utils import get_partition

__all__ = ["DEFAULT_ACCOUNT_ID", "MotoRequestHandler", "account_for", "iam_backend", "moto_app", "reset_moto"]


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


def iam_backend(account_id, region="us-east-1"):
    """Return moto's IAM backend of an account. IAM is global: moto keys it by partition, not region."""
    return iam_backends[account_id][get_partition(region or "us-east-1")]


def reset_moto():
    """Reset every moto backend in this process, as ``POST /moto-api/reset`` does."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
