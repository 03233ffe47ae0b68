"""Helpers shared by the local AWS's own tests."""

import base64
import time

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

# No client-side retries: the tests must see each injected fault.
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def totp_code(seed, counter):
    """The RFC 6238 code of a base32 seed (as boto3 returns it: bytes) for one 30 s counter."""
    if isinstance(seed, bytes):
        seed = seed.decode("ascii")
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    return TOTP(key, 6, SHA1(), 30, enforce_key_length=False).generate(counter * 30).decode("ascii")


def current_counter():
    """The current 30 s TOTP counter."""
    return int(time.time()) // 30


def fresh_counter(margin=3):
    """The current counter, first waiting for the next 30 s step if fewer than ``margin`` seconds remain,
    so a test that needs codes from both sides of "now" cannot straddle a step boundary."""
    remaining = 30 - time.time() % 30
    if remaining < margin:
        time.sleep(remaining + 0.05)
    return current_counter()


def code_pair(seed, counter=None):
    """Two consecutive codes starting at counter (default: now)."""
    counter = current_counter() if counter is None else counter
    return totp_code(seed, counter), totp_code(seed, counter + 1)


def error_code(call, *args, **kwargs):
    """Run a boto3 call that must fail and return its error code."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    return info.value.response["Error"]["Code"]
