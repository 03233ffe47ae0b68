# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the per-user secrets file, an Ansible Vault file on the controller.

Encrypted with the play's own vault identity (--vault-id / --vault-password-file, honouring
DEFAULT_VAULT_ENCRYPT_IDENTITY as ansible-vault does), written atomically (temp file in the same folder,
fsync, rename) with mode 0600, so `ansible-vault view FILE` shows it and a crash never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile

import yaml

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_bytes
from ansible.module_utils.common.text.converters import to_text
from ansible.parsing.vault import AnsibleVaultError
from ansible.parsing.vault import AnsibleVaultFormatError
from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import is_encrypted
from ansible.parsing.vault import match_encrypt_secret


def _plain(values):
    """Plain str keys and values: yaml.safe_dump refuses str subclasses (Ansible's tagged strings, and before
    ansible-core 2.19 its unsafe strings, whose own str() returns themselves; str.__str__ gives a plain copy)."""
    def plain(value):
        return str.__str__(value) if isinstance(value, str) else value

    return {plain(key): plain(value) for key, value in values.items()}


class SecretsFileError(AnsibleError):
    """A secrets file that cannot be used; the message names the file and never holds a secret."""


class SecretsFile:
    def __init__(self, path, vault_secrets, label):
        self.path = path
        self._secrets = list(vault_secrets or [])
        self.label = label  # e.g. "user alice in account 123456789012": used in every error

    @property
    def can_encrypt(self):
        return bool(self._secrets)

    def exists(self):
        return os.path.exists(self.path)

    def load(self):
        """The stored mapping ({} when there is no file). Never changes the file."""
        if not self.exists():
            return {}
        if not self._secrets:
            raise SecretsFileError(
                f"The secrets file {self.path} of {self.label} exists but no vault secret was given to read it: "
                "run with --vault-id or --vault-password-file. Nothing was changed."
            )
        try:
            with open(self.path, "rb") as handle:
                data = handle.read()
        except OSError as e:
            raise SecretsFileError(f"Cannot read the secrets file {self.path} of {self.label}: {e.strerror}. Nothing was changed.") from None
        if not is_encrypted(data):
            raise SecretsFileError(
                f"The secrets file {self.path} of {self.label} is not an Ansible Vault file (corrupt, or written by "
                "something else). It was left untouched and nothing was changed."
            )
        try:
            plain = VaultLib(self._secrets).decrypt(data)
        except (AnsibleVaultError, AnsibleVaultFormatError, ValueError):
            raise SecretsFileError(
                f"The secrets file {self.path} of {self.label} cannot be decrypted with the vault secret(s) given "
                "(wrong vault password, or a corrupt file). It was left untouched and nothing was changed."
            ) from None
        try:
            values = yaml.safe_load(to_text(plain))
        except yaml.YAMLError:
            values = None
        if not isinstance(values, dict):
            raise SecretsFileError(
                f"The secrets file {self.path} of {self.label} decrypts, but does not hold a YAML mapping. "
                "It was left untouched and nothing was changed."
            )
        return values

    def check_writable(self):
        """Fail now, before anything that yields a secret is created, if the file could not be written."""
        if not self._secrets:
            raise SecretsFileError(
                f"No vault secret is configured, so the secrets of {self.label} could not be stored: run with "
                "--vault-id or --vault-password-file. Stopped before creating anything that yields a secret."
            )
        try:
            vault_id, secret = self._encrypt_secret()
            VaultLib(self._secrets).encrypt(b"probe", secret, vault_id)
        except AnsibleError as e:
            raise SecretsFileError(f"The vault secret cannot encrypt the secrets of {self.label}: {e.message}") from None
        folder = os.path.dirname(os.path.abspath(self.path))
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        except OSError as e:
            raise SecretsFileError(f"Cannot create the secrets folder {folder} for {self.label}: {e.strerror}") from None
        if not os.access(folder, os.W_OK):
            raise SecretsFileError(f"The secrets folder {folder} for {self.label} is not writable")

    def check_same_vault(self):
        """A new file must not start a second vault password in a folder (one account's secrets): when this
        file does not exist yet, one vault file already in its folder must decrypt with the secrets given.
        Otherwise the run has another vault password than the folder's, and the new secrets would be stored
        under a password the rest of the team may not have."""
        if self.exists():
            return  # load() already proved the secrets open it
        folder = os.path.dirname(os.path.abspath(self.path))
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith((".yml", ".yaml")) and not n.startswith("."))
        except OSError:
            return  # a new folder: nothing to compare with
        for name in names:
            try:
                with open(os.path.join(folder, name), "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            if not is_encrypted(data):
                continue
            try:
                VaultLib(self._secrets).decrypt(data)
            except (AnsibleVaultError, AnsibleVaultFormatError, ValueError):
                raise SecretsFileError(
                    f"The secrets folder {folder} holds {name}, which the vault secret(s) given cannot decrypt: this "
                    f"run's vault password is not the folder's. Storing the secrets of {self.label} with it would mix "
                    "vault passwords in one folder; run with the folder's vault password. Stopped before creating "
                    "anything that yields a secret."
                ) from None
            return  # one file that opens is enough

    def _encrypt_secret(self):
        best = match_encrypt_secret(self._secrets, encrypt_vault_id=C.DEFAULT_VAULT_ENCRYPT_IDENTITY)
        if not best:
            raise AnsibleVaultError("no vault secret can encrypt")
        return best

    def save(self, values):
        """Encrypt and write atomically with mode 0600 (the folder is created 0700)."""
        self.check_writable()
        vault_id, secret = self._encrypt_secret()
        text = yaml.safe_dump(_plain(values), default_flow_style=False, sort_keys=False)
        blob = VaultLib(self._secrets).encrypt(to_bytes(text), secret, vault_id)
        folder = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:  # mkstemp creates it 0600
                handle.write(blob)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        try:
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError:
            pass
