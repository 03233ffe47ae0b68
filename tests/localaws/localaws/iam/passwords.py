"""IAM password policy checks, for CreateLoginProfile and UpdateLoginProfile.

moto stores the account policy (UpdateAccountPasswordPolicy) but never enforces it.
"""

from dataclasses import dataclass

# The characters IAM documents as "non-alphanumeric" for password policies.
SYMBOLS = frozenset("!@#$%^&*()_+-=[]{}|'")
MAX_LENGTH = 128


@dataclass(frozen=True)
class PasswordPolicy:
    """The rules a new password must meet."""

    minimum_length: int = 8
    require_uppercase: bool = False
    require_lowercase: bool = False
    require_numbers: bool = False
    require_symbols: bool = False
    # AWS's default policy (no account policy set): at least this many character classes.
    minimum_classes: int = 0


# What IAM enforces when the account has no password policy.
AWS_DEFAULT = PasswordPolicy(minimum_length=8, minimum_classes=3)


def policy_of(backend):
    """The effective policy of moto's IAM backend for one account."""
    policy = backend.account_password_policy
    if policy is None:
        return AWS_DEFAULT
    return PasswordPolicy(
        minimum_length=int(policy.minimum_password_length or 6),
        require_uppercase=bool(policy.require_uppercase_characters),
        require_lowercase=bool(policy.require_lowercase_characters),
        require_numbers=bool(policy.require_numbers),
        require_symbols=bool(policy.require_symbols),
    )


def _classes(password):
    return {
        "uppercase": any("A" <= ch <= "Z" for ch in password),
        "lowercase": any("a" <= ch <= "z" for ch in password),
        "numbers": any("0" <= ch <= "9" for ch in password),
        "symbols": any(ch in SYMBOLS for ch in password),
    }


def violations(password, policy):
    """The rules a password breaks, as IAM words them (empty list: acceptable)."""
    problems = []
    if len(password) < policy.minimum_length:
        problems.append(f"Password should have a minimum length of {policy.minimum_length}")
    if len(password) > MAX_LENGTH:
        problems.append(f"Password should have a maximum length of {MAX_LENGTH}")
    present = _classes(password)
    required = {
        "uppercase": (policy.require_uppercase, "Password should have at least one uppercase letter"),
        "lowercase": (policy.require_lowercase, "Password should have at least one lowercase letter"),
        "numbers": (policy.require_numbers, "Password should have at least one number"),
        "symbols": (policy.require_symbols, "Password should have at least one symbol"),
    }
    for name, (wanted, message) in required.items():
        if wanted and not present[name]:
            problems.append(message)
    if sum(present.values()) < policy.minimum_classes:
        problems.append(
            f"Password should have at least {policy.minimum_classes} of: uppercase letters, lowercase letters, numbers, symbols "
            f"({''.join(sorted(SYMBOLS))})"
        )
    return problems
