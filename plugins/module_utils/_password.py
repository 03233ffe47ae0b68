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
# IAM's default password policy, in force while the account has none of its own: at least 8 characters of at
# least three of the four classes (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html).
DEFAULT_POLICY_LENGTH = 8
DEFAULT_POLICY_CLASSES = 3
# IAM's allowed non-alphanumeric characters.
SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
CLASSES = (string.ascii_uppercase, string.ascii_lowercase, string.digits, SYMBOLS)


def password_length(policy, minimum=DEFAULT_LENGTH):
    """The length to generate: at least `minimum` and at least the minimum of the policy in force."""
    return min(MAX_LENGTH, max(minimum, minimum_length(policy)))


def minimum_length(policy):
    """The minimum length of the policy in force: the account's (GetAccountPasswordPolicy), or IAM's default."""
    if policy is None:
        return DEFAULT_POLICY_LENGTH
    return int(policy.get("MinimumPasswordLength") or 6)


def policy_problems(password, policy):
    """What IAM would refuse about `password` under `policy` (the account's, or None for IAM's default): a list of
    texts that never contain the password. Password reuse (PasswordReusePrevention) cannot be known in advance."""
    problems = []
    if len(password) < minimum_length(policy):
        problems.append(f"it is shorter than the {minimum_length(policy)} characters the password policy requires")
    if len(password) > MAX_LENGTH:
        problems.append(f"it is longer than {MAX_LENGTH} characters")
    present = [any(ch in cls for ch in password) for cls in CLASSES]
    if policy is None:
        if sum(present) < DEFAULT_POLICY_CLASSES:
            problems.append("IAM's default policy requires three of uppercase letters, lowercase letters, numbers and symbols")
        return problems
    for wanted, has, what in zip(("RequireUppercaseCharacters", "RequireLowercaseCharacters", "RequireNumbers", "RequireSymbols"),
                                 present, ("an uppercase letter", "a lowercase letter", "a number", f"a symbol ({SYMBOLS})")):
        if policy.get(wanted) and not has:
            problems.append(f"the password policy requires {what}")
    return problems


def generate_password(policy=None, minimum=DEFAULT_LENGTH):
    """A random password satisfying `policy` (GetAccountPasswordPolicy's PasswordPolicy dict, or None)."""
    length = password_length(policy, minimum)
    rng = secrets.SystemRandom()
    chars = [rng.choice(cls) for cls in CLASSES]
    alphabet = "".join(CLASSES)
    chars += [rng.choice(alphabet) for dummy in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)
