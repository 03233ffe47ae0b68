# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: initial console passwords.

Python's `secrets` (the OS CSPRNG) draws the characters. The password always holds every character
class IAM knows, so it satisfies any account password policy whose length it meets.
"""

from __future__ import annotations

import secrets
import string

DEFAULT_LENGTH = 20
MAX_LENGTH = 128
# IAM's allowed non-alphanumeric characters.
SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
CLASSES = (string.ascii_uppercase, string.ascii_lowercase, string.digits, SYMBOLS)


def password_length(policy, minimum=DEFAULT_LENGTH):
    """The length to generate: at least `minimum` and at least the policy's MinimumPasswordLength."""
    required = int((policy or {}).get("MinimumPasswordLength") or 0)
    return min(MAX_LENGTH, max(minimum, required))


def generate_password(policy=None, minimum=DEFAULT_LENGTH):
    """A random password satisfying `policy` (GetAccountPasswordPolicy's PasswordPolicy dict, or None)."""
    length = password_length(policy, minimum)
    rng = secrets.SystemRandom()
    chars = [rng.choice(cls) for cls in CLASSES]
    alphabet = "".join(CLASSES)
    chars += [rng.choice(alphabet) for dummy in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)
