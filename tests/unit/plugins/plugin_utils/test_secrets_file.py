"""The secrets file and its folder: 0700 all the way, one vault identity per folder whatever --vault-id gives, a
`~` that means home, and the folder lock that serializes runs across processes and goes with a killed holder."""

import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import VaultSecret

from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import FolderLock
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFile
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFileError

TEAM = ("team", VaultSecret(b"the-team-password"))
MINE = ("mine", VaultSecret(b"my-own-password"))


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_every_folder_it_creates_is_0700(tmp_path):
    store = SecretsFile(str(tmp_path / "top" / "secrets" / "123456789012" / "alice.yml"), [TEAM], "user alice")
    store.save({"user_name": "alice"})
    for folder in ("top", "top/secrets", "top/secrets/123456789012"):
        assert mode(tmp_path / folder) == 0o700, folder
    assert mode(store.path) == 0o600


def test_home_is_where_the_tilde_says(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    store = SecretsFile("~/agsecrets/alice.yml", [TEAM], "user alice")
    store.save({"user_name": "alice"})
    assert (tmp_path / "agsecrets" / "alice.yml").is_file()
    assert not os.path.exists("~")


def test_a_new_file_gets_the_vault_identity_of_its_neighbours(tmp_path):
    # The folder's files are the team's; the run is given two vault ids and would encrypt with the first one.
    SecretsFile(str(tmp_path / "alice.yml"), [TEAM], "user alice").save({"user_name": "alice"})
    store = SecretsFile(str(tmp_path / "bob.yml"), [MINE, TEAM], "user bob")
    store.check_same_vault()
    store.save({"user_name": "bob"})
    assert VaultLib([TEAM]).decrypt((tmp_path / "bob.yml").read_bytes())  # the team can read it
    with pytest.raises(Exception):
        VaultLib([MINE]).decrypt((tmp_path / "bob.yml").read_bytes())


def test_a_rewritten_file_keeps_the_identity_that_opened_it(tmp_path):
    path = tmp_path / "alice.yml"
    SecretsFile(str(path), [TEAM], "user alice").save({"user_name": "alice"})
    store = SecretsFile(str(path), [MINE, TEAM], "user alice")
    store.save(dict(store.load(), seed="JBSWY3DPEHPK3PXP"))
    assert VaultLib([TEAM]).decrypt(path.read_bytes())


HOLD = """
import sys, time
sys.path[:0] = {paths!r}
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import FolderLock
with FolderLock({folder!r}, "user alice"):
    print("held", flush=True)
    time.sleep(60)
"""


def hold(folder):
    """Another process holding the folder's lock (as another run's worker would)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD.format(paths=sys.path, folder=str(folder))], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_run_waits_then_says_the_folder_is_in_use(tmp_path):
    holder = hold(tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(SecretsFileError) as info:
            with FolderLock(str(tmp_path), "user alice", timeout=0.5):
                pass
        assert time.monotonic() - started >= 0.5
        assert f"The secrets folder {tmp_path} is in use by process {holder.pid} on " in info.value.message
        assert "user alice was left alone and nothing was changed for it" in info.value.message
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_goes_with_a_killed_holder(tmp_path):
    holder = hold(tmp_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with FolderLock(str(tmp_path), "user alice", timeout=5):
        assert mode(tmp_path / ".accountguard.lock") == 0o600


def test_the_lock_is_one_holder_at_a_time_in_one_process_too(tmp_path):
    # Two workers of one run (two hosts naming one account folder) exclude each other as well.
    with FolderLock(str(tmp_path), "user alice"):
        with pytest.raises(SecretsFileError):
            with FolderLock(str(tmp_path), "user bob", timeout=0.3):
                pass
