# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: RFC 6238 TOTP codes for virtual MFA devices.

The HMAC/truncation is the `cryptography` package's (ansible-core already requires it); this file only
adds what IAM needs around it: base32 seed parsing with clear errors, and the pair of consecutive codes
EnableMFADevice asks for.
"""

from __future__ import annotations

import base64
import binascii
import time
import traceback

try:
    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    CRYPTOGRAPHY_IMPORT_ERROR = None
except ImportError:
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()

STEP = 30
DIGITS = 6


class SeedError(ValueError):
    """The seed is not base32 (the message never contains the seed)."""


def decode_seed(seed):
    """Base32 seed (as IAM's Base32StringSeed, spaces and lower case tolerated) -> key bytes."""
    text = "".join(str(seed or "").split()).upper().rstrip("=")
    if not text:
        raise SeedError("the MFA seed is empty")
    try:
        key = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise SeedError("the MFA seed is not valid base32 (letters A-Z and digits 2-7)") from None
    if len(key) < 10:
        raise SeedError(f"the MFA seed is too short ({len(key)} bytes; IAM seeds are at least 10)")
    return key


def _totp(key):
    # IAM seeds are 40 bytes; RFC 6238's reference keys are 20. cryptography would reject < 16 bytes.
    return TOTP(key, DIGITS, SHA1(), STEP, enforce_key_length=False)


def code_at(seed, when):
    """The 6-digit code of `seed` at unix time `when`."""
    return _totp(decode_seed(seed)).generate(int(when)).decode("ascii")


def consecutive_codes(seed, now=None):
    """Two consecutive codes for EnableMFADevice/ResyncMFADevice: the previous window's and the current one's.

    That is what a person types in the console (a code, then the next one once it appears), so the
    second code is the one valid right now.
    """
    key = decode_seed(seed)
    now = time.time() if now is None else now
    counter = int(now) // STEP
    totp = _totp(key)
    return (
        totp.generate((counter - 1) * STEP).decode("ascii"),
        totp.generate(counter * STEP).decode("ascii"),
    )


def otpauth_uri(seed, account_name, issuer="AWS"):
    """The otpauth:// URI an authenticator app reads from the console's QR code."""
    from urllib.parse import quote

    label = quote(f"{issuer}:{account_name}", safe="@:")
    text = "".join(str(seed).split()).upper()
    return f"otpauth://totp/{label}?secret={text}&issuer={quote(issuer)}&algorithm=SHA1&digits={DIGITS}&period={STEP}"
