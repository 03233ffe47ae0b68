"""Settings that must be refused before the account's first AWS write, through the baseline playbook (and, for a
given password, the module): each gets a clear error naming the account and the setting, no mutating call reaches
the local AWS, and every file already in the secrets folder is left byte for byte."""

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import VaultSecret

from playbook_helpers import ROOT
from playbook_helpers import baseline_vars
from playbook_helpers import write_inventory

BASELINE = ROOT / "playbooks" / "baseline.yml"
ACCOUNT = "290000000001"


def files(folder):
    folder = Path(folder)
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()} if folder.exists() else {}


def run(playbook, tmp_path, users=None, args=(), playbook_path=BASELINE, cwd=None, env=None, **more):
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNT})
    extra = baseline_vars(playbook, users if users is not None else [{"name": "alice"}], **more)
    cmd = playbook.command(playbook_path, *args, inventory=inventory, extra_vars=extra)
    return subprocess.run(cmd, env=env or playbook.env(), capture_output=True, text=True, timeout=600, check=False, cwd=cwd)


def refused(playbook, aws, proc, *words):
    """The run failed for the account, saying `words`, with no mutating AWS call."""
    assert proc.returncode == 2, proc.stdout[-3000:]
    for word in words:
        assert word in proc.stdout, proc.stdout[-3000:]
    assert "account acct-1" in proc.stdout
    assert aws.control.mutating_requests() == []


def converged_once(playbook, tmp_path, users=None):
    proc = run(playbook, tmp_path, users)
    assert proc.returncode == 0, proc.stdout[-3000:]


@pytest.mark.parametrize("case,more,words", [
    ("empty secrets folder", {"account_baseline_secrets_dir": ""}, ["secrets_dir (account_baseline_secrets_dir) is empty"]),
    ("short passwords", {"account_baseline_min_password_length": 5},
     ["min_password_length must be from 8 (IAM's default password policy) to 128, not 5"]),
    ("a folder inside a collection", {"account_baseline_secrets_dir": "/opt/ansible_collections/accountguard/aws/playbooks/secrets"},
     ["is inside a collection folder, which an upgrade or reinstall of the collection deletes"]),
])
def test_a_setting_refused_before_the_first_write(playbook, aws, tmp_path, case, more, words):
    aws.control.clear_requests()
    refused(playbook, aws, run(playbook, tmp_path, **more), *words)


def test_a_user_name_iam_would_refuse(playbook, aws, tmp_path):
    aws.control.clear_requests()
    proc = run(playbook, tmp_path, users=[{"name": "ålice"}])
    refused(playbook, aws, proc, 'admin_users (account_baseline_admin_users) has invalid IAM user names ("ålice"')


def test_a_given_password_the_policy_refuses(playbook, aws, tmp_path):
    aws.client("iam").create_group(GroupName="Administrators")
    aws.control.clear_requests()
    proc = playbook.run("iam_admin_user.yml", check=False, extra_vars={"user_password": "weakpassword"})
    assert proc.returncode == 2
    assert "The password given for IAM user 'alice' does not meet the account's password policy" in proc.stdout
    assert "weakpassword" not in proc.stdout and aws.control.mutating_requests() == []


def test_a_tilde_means_home(playbook, aws, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    proc = run(playbook, tmp_path, cwd=tmp_path, env=dict(playbook.env(), HOME=str(home)), account_baseline_secrets_dir="~/agsecrets")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (home / "agsecrets" / ACCOUNT / "alice.yml").is_file()
    assert not (tmp_path / "~").exists()
    assert f"secrets stored by this run are in {home}/agsecrets" in proc.stdout  # the run says where the secrets went


def test_folders_are_0700_all_the_way(playbook, aws, tmp_path):
    top = tmp_path / "deep" / "secrets"
    proc = run(playbook, tmp_path, account_baseline_secrets_dir=str(top))
    assert proc.returncode == 0, proc.stdout[-3000:]
    for folder in (tmp_path / "deep", top, top / ACCOUNT):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_the_collections_own_playbook_does_not_keep_secrets_inside_the_collection(playbook, aws, tmp_path):
    # Called by its full name, the playbook's folder is inside the installed collection: its default secrets folder
    # there would go with the next reinstall.
    extra = {k: v for k, v in baseline_vars(playbook, [{"name": "erin"}]).items() if k != "account_baseline_secrets_dir"}
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "accountguard.aws.baseline", "-i", str(write_inventory(tmp_path, {"acct-1": ACCOUNT})),
           "-e", json.dumps(extra), "--vault-password-file", str(playbook.vault_password_file)]
    aws.control.clear_requests()
    proc = subprocess.run(cmd, env=playbook.env(), capture_output=True, text=True, timeout=600, check=False)
    refused(playbook, aws, proc, "is inside a collection folder")
    assert not list((ROOT / "playbooks").glob("secrets"))


def test_a_folder_that_cannot_be_made(playbook, aws, tmp_path):
    playbook.secrets_dir.mkdir()
    (playbook.secrets_dir / ACCOUNT).write_text("not a folder")
    aws.control.clear_requests()
    refused(playbook, aws, run(playbook, tmp_path), "Cannot create the secrets folder", "Not a directory")
    assert (playbook.secrets_dir / ACCOUNT).read_text() == "not a folder"


def test_another_users_file_in_a_users_place(playbook, aws, tmp_path):
    converged_once(playbook, tmp_path, users=[{"name": "bob"}])
    folder = playbook.secrets_dir / ACCOUNT
    (folder / "alice.yml").symlink_to(folder / "bob.yml")
    before = files(playbook.secrets_dir)
    aws.control.clear_requests()
    refused(playbook, aws, run(playbook, tmp_path, users=[{"name": "bob"}, {"name": "alice"}]),
            "holds the secrets of user bob in account 290000000001: it is another user's or account's file")
    assert files(playbook.secrets_dir) == before


def test_one_account_on_two_hosts(playbook, aws, tmp_path):
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNT, "acct-1-again": ACCOUNT})
    aws.control.clear_requests()
    proc = playbook.run(BASELINE, inventory=inventory, check=False, extra_vars=baseline_vars(playbook, [{"name": "alice"}]))
    assert proc.returncode == 2
    assert proc.stdout.count("the inventory lists this account on hosts acct-1, acct-1-again: an account must be on one host only") >= 2
    assert aws.control.mutating_requests() == []


def test_a_second_vault_id_does_not_start_a_second_vault_password_in_a_folder(playbook, aws, tmp_path):
    team, mine = tmp_path / "team-pass", tmp_path / "my-pass"
    team.write_text("the-team-password\n")
    mine.write_text("my-own-password\n")
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNT})
    first = playbook.command(BASELINE, "--vault-id", f"team@{team}", inventory=inventory, vault=False,
                             extra_vars=baseline_vars(playbook, [{"name": "alice"}]))
    assert subprocess.run(first, env=playbook.env(), capture_output=True, text=True, check=False).returncode == 0
    second = playbook.command(BASELINE, "--vault-id", f"mine@{mine}", "--vault-id", f"team@{team}", inventory=inventory, vault=False,
                              extra_vars=baseline_vars(playbook, [{"name": "alice"}, {"name": "carol"}]))
    proc = subprocess.run(second, env=playbook.env(), capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    carol = (playbook.secrets_dir / ACCOUNT / "carol.yml").read_bytes()
    assert yaml.safe_load(VaultLib([("team", VaultSecret(b"the-team-password"))]).decrypt(carol))["user_name"] == "carol"
    with pytest.raises(Exception):
        VaultLib([("mine", VaultSecret(b"my-own-password"))]).decrypt(carol)
