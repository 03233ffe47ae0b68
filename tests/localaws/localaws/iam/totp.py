"""RFC 6238 codes as IAM checks them: HMAC-SHA1, 6 digits, 30-second steps, two consecutive codes."""

import base64
import hmac
import re
import time

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

STEP = 30
DIGITS = 6
# Counters c accepted for (code1, code2) == (TOTP(c), TOTP(c + 1)), relative to now // STEP.
WINDOW = range(-2, 2)
CODE_RE = re.compile(r"^\d{6}$")


def seed_key(seed):
    """The HMAC key behind a base32 seed (str or bytes, padding optional)."""
    if isinstance(seed, bytes):
        seed = seed.decode("ascii")
    seed = seed.strip().replace(" ", "").upper()
    return base64.b32decode(seed + "=" * (-len(seed) % 8))


def code_at(seed, counter):
    """The code for one 30-second counter."""
    totp = TOTP(seed_key(seed), DIGITS, SHA1(), STEP, enforce_key_length=False)
    return totp.generate(counter * STEP).decode("ascii")


def matching_counter(seed, *codes, window=WINDOW, now=None):
    """Return counter c if `codes` are the consecutive codes of c, c + 1, ... for a c within `window`
    (offsets from now // STEP), else None."""
    base = int(time.time() if now is None else now) // STEP
    for counter in (base + offset for offset in window):
        if all(hmac.compare_digest(code_at(seed, counter + i), code) for i, code in enumerate(codes)):
            return counter
    return None


def well_formed(*codes):
    """True if every code is exactly six digits (IAM's own parameter constraint)."""
    return all(isinstance(code, str) and CODE_RE.match(code) for code in codes)
