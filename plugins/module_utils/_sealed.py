# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: secrets sealed for the controller, so they never travel in clear.

A module that obtains a secret (a generated password, the seed IAM returns for a new MFA device) must
hand it to the controller, which stores it in Ansible Vault. Anything a module returns passes through
callbacks, -vvvv output and ANSIBLE_DEBUG logs, and AnsibleModule's own no_log redaction would replace
the value before it left the module. So the action plugin creates a one-use X25519 key pair per task
and passes only the public key; the module seals the secret to it (ephemeral-static ECDH, HKDF-SHA256,
AES-256-GCM) and returns ciphertext; only the action plugin's memory can open it.

No library ships a sealed box built from `cryptography` alone (PyNaCl would be a new dependency on
every host), hence these few lines over cryptography's primitives.
"""

from __future__ import annotations

import base64
import json
import os

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.hashes import SHA256
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.hazmat.primitives.serialization import PublicFormat
except ImportError:
    pass  # ansible-core requires cryptography; modules report it with missing_required_lib (see _totp.py).

_INFO = b"accountguard.aws sealed secret v1"
_KEY_LEN = 32
_NONCE_LEN = 12


class SealError(ValueError):
    """A sealed value could not be opened (wrong key, corrupted, or not ours)."""


def _raw(public_key):
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key(shared, sender_pub, recipient_pub):
    return HKDF(algorithm=SHA256(), length=_KEY_LEN, salt=None, info=_INFO + sender_pub + recipient_pub).derive(shared)


def seal(recipient, values):
    """Seal a dict of secrets for `recipient` (a base64 X25519 public key); returns base64 text."""
    try:
        recipient_pub = base64.b64decode(recipient, validate=True)
        recipient_key = X25519PublicKey.from_public_bytes(recipient_pub)
    except ValueError:
        raise SealError("the secret recipient key is not a base64 X25519 public key") from None
    ephemeral = X25519PrivateKey.generate()
    sender_pub = _raw(ephemeral.public_key())
    key = _key(ephemeral.exchange(recipient_key), sender_pub, recipient_pub)
    nonce = os.urandom(_NONCE_LEN)
    ciphertext = AESGCM(key).encrypt(nonce, json.dumps(values).encode("utf-8"), None)
    return base64.b64encode(sender_pub + nonce + ciphertext).decode("ascii")


class Recipient:
    """The controller's side: a one-use key pair living only in this object."""

    def __init__(self):
        self._private = X25519PrivateKey.generate()
        self.public = base64.b64encode(_raw(self._private.public_key())).decode("ascii")

    def open(self, sealed):
        try:
            blob = base64.b64decode(sealed, validate=True)
            sender_pub, nonce, ciphertext = blob[:32], blob[32:32 + _NONCE_LEN], blob[32 + _NONCE_LEN:]
            shared = self._private.exchange(X25519PublicKey.from_public_bytes(sender_pub))
            recipient_pub = base64.b64decode(self.public)
            plain = AESGCM(_key(shared, sender_pub, recipient_pub)).decrypt(nonce, ciphertext, None)
            return json.loads(plain)
        except (ValueError, TypeError, InvalidTag):
            raise SealError("a sealed secret returned by the module could not be opened") from None
