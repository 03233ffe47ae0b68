# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the per-user secrets file, an Ansible Vault file on the controller.

Encrypted with the play's own vault identity (--vault-id / --vault-password-file, honouring
DEFAULT_VAULT_ENCRYPT_IDENTITY as ansible-vault does), written atomically (temp file in the same folder,
fsync, rename) with mode 0600, so `ansible-vault view FILE` shows it and a crash never leaves half a file.
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import tempfile
import time
from collections.abc import Mapping

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


def _plain(value):
    """A copy of `value` in the plain types yaml.safe_dump represents (str, int, float, bool, None, list, dict).

    safe_dump refuses subclasses ("cannot represent an object"): Ansible's tagged values (2.19 and later) and,
    before 2.19, AnsibleUnicode and AnsibleUnsafeText, whose own str() returns themselves (str.__str__ gives a
    plain copy). Raises TypeError, naming only the type, for anything else."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, Mapping):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    raise TypeError(type(value).__name__)


class SecretsFileError(AnsibleError):
    """A secrets file that cannot be used; the message names the file and never holds a secret."""


# How long a run waits for another run's hold on a secrets folder before it gives up on that user.
LOCK_TIMEOUT_ENV = "ACCOUNTGUARD_SECRETS_LOCK_TIMEOUT"
LOCK_TIMEOUT = 600
LOCK_NAME = ".accountguard.lock"


def make_folders(folder):
    """Create `folder` and every missing folder above it with mode 0700 (os.makedirs gives only the last one its mode)."""
    missing = []
    current = os.path.abspath(folder)
    while not os.path.isdir(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            if not os.path.isdir(path):
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path) from None


class FolderLock:
    """One run at a time in a secrets folder (one account's secrets): an exclusive flock on a file in it, held
    across the processes of every run on this controller and released by the kernel when its holder ends, even
    when it is killed. A worker that outlives its playbook keeps it until it is done, so nobody else works from
    a file it is about to rewrite."""

    def __init__(self, folder, label, timeout=None):
        self.folder = folder
        self.label = label
        self.timeout = float(os.environ.get(LOCK_TIMEOUT_ENV, LOCK_TIMEOUT) if timeout is None else timeout)
        self._fd = None

    def __enter__(self):
        try:
            make_folders(self.folder)
            fd = os.open(os.path.join(self.folder, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as e:
            raise SecretsFileError(f"Cannot use the secrets folder {self.folder} for {self.label}: {e.strerror}") from None
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise SecretsFileError(f"Cannot lock the secrets folder {self.folder} for {self.label}: {e.strerror}") from None
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another run"
                os.close(fd)
                raise SecretsFileError(
                    f"The secrets folder {self.folder} is in use by {holder}, and still was after {self.timeout:g} s: {self.label} "
                    "was left alone and nothing was changed for it. Run again when that run is done."
                )
            time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()} on {socket.gethostname()} since {time.strftime('%H:%M:%S')}".encode("utf-8"), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc_info):
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor releases the flock
            self._fd = None


class SecretsFile:
    def __init__(self, path, vault_secrets, label):
        self.path = os.path.abspath(os.path.expanduser(path))
        self.folder = os.path.dirname(self.path)
        self._secrets = list(vault_secrets or [])
        self.label = label  # e.g. "user alice in account 123456789012": used in every error
        # The vault identity (id, secret) new content is encrypted with: the one that opens this file, or its
        # neighbours, so that one folder never mixes vault passwords; None until a file was opened.
        self._identity = None

    def lock(self, timeout=None):
        """This file's folder, for one run at a time (see FolderLock)."""
        return FolderLock(self.folder, self.label, timeout)

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
            plain, vault_id, secret = VaultLib(self._secrets).decrypt_and_get_vault_id(data)
            self._identity = (vault_id, secret)
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
        folder = self.folder
        try:
            make_folders(folder)
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
        folder = self.folder
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
                vault_id, secret = VaultLib(self._secrets).decrypt_and_get_vault_id(data)[1:]
                self._identity = (vault_id, secret)  # a new file gets the identity of its neighbours
            except (AnsibleVaultError, AnsibleVaultFormatError, ValueError):
                raise SecretsFileError(
                    f"The secrets folder {folder} holds {name}, which the vault secret(s) given cannot decrypt: this "
                    f"run's vault password is not the folder's. Storing the secrets of {self.label} with it would mix "
                    "vault passwords in one folder; run with the folder's vault password. Stopped before creating "
                    "anything that yields a secret."
                ) from None
            return  # one file that opens is enough

    def _encrypt_secret(self):
        if self._identity is not None:
            return self._identity
        best = match_encrypt_secret(self._secrets, encrypt_vault_id=C.DEFAULT_VAULT_ENCRYPT_IDENTITY)
        if not best:
            raise AnsibleVaultError("no vault secret can encrypt")
        return best

    def restore(self, values):
        """The file as it was before this task stored anything: `values` again, or no file when there was none."""
        if values:
            self.save(values)
        else:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def save(self, values):
        """Encrypt and write atomically with mode 0600 (the folder is created 0700)."""
        self.check_writable()
        vault_id, secret = self._encrypt_secret()
        text = yaml.safe_dump(self._plain_values(values), default_flow_style=False, sort_keys=False)
        blob = VaultLib(self._secrets).encrypt(to_bytes(text), secret, vault_id)
        folder = self.folder
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        except OSError as e:
            raise SecretsFileError(f"Cannot write the secrets file {self.path} of {self.label}: {e.strerror}. Nothing was stored.") from None
        try:
            with os.fdopen(fd, "wb") as handle:  # mkstemp creates it 0600
                handle.write(blob)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException as e:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            if isinstance(e, OSError):
                raise SecretsFileError(f"Cannot write the secrets file {self.path} of {self.label}: {e.strerror}. Nothing was stored.") from None
            raise
        try:
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError:
            pass

    def _plain_values(self, values):
        """The mapping to dump, in plain types; a value that is none of them fails naming its key, never the value."""
        plain = {}
        for key, value in values.items():
            try:
                plain[_plain(key)] = _plain(value)
            except TypeError as e:
                raise SecretsFileError(
                    f"The secrets of {self.label} cannot be stored in {self.path}: the value of '{_plain(key) if isinstance(key, str) else '?'}' "
                    f"is a {e}, not text, a number, a list or a mapping. Nothing was stored."
                ) from None
        return plain
