# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: shared plumbing for accountguard.aws modules.

One exception type, the retry policies, and the input checks that every module applies before it makes
a single AWS call. Not a public API: may change without notice.
"""

from __future__ import annotations

import re

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.iam import IAMErrorHandler as AmazonIAMErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


class AccountGuardError(AnsibleAWSError):
    """The one exception our helpers raise; the runner turns it into one failure."""


class IAMErrorHandler(AmazonIAMErrorHandler):
    """amazon.aws's IAM error handler (NoSuchEntity is "missing"), raising the collection's exception."""

    _CUSTOM_EXCEPTION = AccountGuardError


# Throttling (and the other codes AWSRetry knows) plus the transient "someone else is changing this
# entity" answer are retried on every call that opts in with aws_retry=True.
RETRY = AWSRetry.jittered_backoff(retries=8, delay=1, max_delay=20, catch_extra_error_codes=["EntityTemporarilyUnmodifiable"])

# IAM is eventually consistent: a user or device created a moment ago can be reported missing by the
# next call. Calls that act on an entity this run just created (or just read) use this policy.
RETRY_NEW_ENTITY = AWSRetry.jittered_backoff(
    retries=8, delay=1, max_delay=20, catch_extra_error_codes=["EntityTemporarilyUnmodifiable", "NoSuchEntity"]
)


# A user made a moment ago by another task (iam_admin_user, then iam_virtual_mfa) may still be reported
# missing; a missing user is also a real error worth reporting quickly. A few short retries cover both.
RETRY_RECENT_ENTITY = AWSRetry.jittered_backoff(
    retries=3, delay=1, max_delay=4, catch_extra_error_codes=["EntityTemporarilyUnmodifiable", "NoSuchEntity"]
)


def create_or_adopt(create, read):
    """(what create() made, None), or (None, read()) when create() found the entity already there
    (EntityAlreadyExists: another run or hand created it since this run read it). The caller goes on from what is
    there instead of failing, as two runs at once must."""
    try:
        return create(), None
    except AccountGuardError as e:
        if error_code(e) != "EntityAlreadyExists":
            raise
        current = read()
        if current is None:
            raise
        return None, current


def error_code(exc):
    """The AWS error code behind an AccountGuardError (or a botocore ClientError), or None."""
    inner = getattr(exc, "exception", exc)
    try:
        return inner.response["Error"]["Code"]
    except (AttributeError, KeyError, TypeError):
        return None


# Input rules from the IAM API reference; checked before any AWS call so bad input changes nothing.
# Not amazon.aws's validate_iam_identifiers: its pattern is matched as Unicode, so it accepts names such
# as "ålice" that IAM (ASCII only) refuses after the run has started changing things.
_NAME_RE = re.compile(r"^[\w+=,.@-]+$", re.ASCII)
_PATH_RE = re.compile(r"^/$|^/[\x21-\x7e]+/$")


def validate_name(kind, value, max_length):
    """Return an error message for an invalid IAM name, or None."""
    if not value:
        return f"{kind} must not be empty"
    if len(value) > max_length:
        return f"{kind} {value[:20]!r}... is {len(value)} characters long; IAM allows at most {max_length}"
    if not _NAME_RE.match(value):
        return f"{kind} {value!r} has characters IAM does not allow (allowed: letters, digits and + = , . @ _ -)"
    return None


def validate_path(kind, value):
    """Return an error message for an invalid IAM path, or None."""
    if len(value) > 512 or not _PATH_RE.match(value):
        return f"{kind} {value!r} is not a valid IAM path: it must begin and end with '/', hold only printable ASCII and be at most 512 characters"
    return None


def account_id_from_arn(arn):
    """'arn:aws:iam::123456789012:user/x' -> '123456789012' (None when not an ARN)."""
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 5 else None


def require_cryptography():
    """ansible-core itself requires `cryptography`; a host interpreter without it gets the usual message."""
    from ._totp import CRYPTOGRAPHY_IMPORT_ERROR

    if CRYPTOGRAPHY_IMPORT_ERROR:
        raise AccountGuardError(message=missing_required_lib("cryptography"))


def reconcile(have, want, add, remove, check_mode):
    """Bring the collection `have` to `want`: add(item) for each item missing, then remove(item) for each
    extra one; neither in check mode. Returns whether they differ."""
    to_add = [item for item in want if item not in have]
    to_remove = [item for item in have if item not in want]
    if not check_mode:
        for item in to_add:
            add(item)
        for item in to_remove:
            remove(item)
    return bool(to_add or to_remove)
