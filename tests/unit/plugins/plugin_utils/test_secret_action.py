"""The controller side of secret-yielding modules: a secret is stored in Ansible Vault before the module is
called again to use it, and it never reaches the task result. The module is replaced by a scripted fake."""

import json
import os
import stat
from unittest import mock

import pytest

from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import VaultSecret

from ansible_collections.accountguard.aws.plugins.action.iam_admin_user import ActionModule as AdminUserAction
from ansible_collections.accountguard.aws.plugins.action.iam_virtual_mfa import ActionModule as VirtualMfaAction
from ansible_collections.accountguard.aws.plugins.module_utils._sealed import seal

VAULT = [("default", VaultSecret(b"right-password"))]
WRONG_VAULT = [("default", VaultSecret(b"wrong-password"))]
PASSWORD = "Gen3rated-Passw0rd!xy"
SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def decrypt(path, secrets=None):
    import yaml

    with open(path, "rb") as handle:
        return yaml.safe_load(VaultLib(secrets or VAULT).decrypt(handle.read()))


def make_action(cls, args, vault_secrets, check_mode=False):
    task = mock.MagicMock()
    task.args = args
    task.check_mode = check_mode
    task.async_val = 0
    loader = mock.MagicMock()
    loader._vault.secrets = vault_secrets
    connection = mock.MagicMock()
    connection._shell.tmpdir = None
    action = cls(task, connection, mock.MagicMock(), loader, mock.MagicMock(), mock.MagicMock())
    action._remove_tmp_path = mock.MagicMock()
    return action


class FakeModule:
    """Answers each call with the next scripted function of (args) -> result."""

    def __init__(self, *steps):
        self.steps = list(steps)
        self.calls = []

    def __call__(self, module_args=None, task_vars=None, secrets=()):
        self.calls.append(dict(module_args))
        return self.steps.pop(0)(module_args)


def user_result(**extra):
    base = {"changed": True, "user": {"user_name": "alice"}, "account_id": "123456789012",
            "sign_in_url": "https://123456789012.signin.aws.amazon.com/console",
            "diff": {"before": {}, "after": {"console_access": False}}}
    base.update(extra)
    return base


def test_generated_password_is_stored_before_the_login_profile_is_created(tmp_path):
    secrets_file = tmp_path / "secrets" / "123456789012" / "alice.yml"

    def first(args):
        return user_result(pending="store_password", sealed_secret=seal(args["secret_recipient"], {"password": PASSWORD}))

    def second(args):
        # By the time the module is asked to use the password, the vault file holds it.
        assert decrypt(secrets_file)["password"] == PASSWORD
        assert args["password"] == PASSWORD
        return user_result(changed=True, diff={"before": {"console_access": False}, "after": {"console_access": True}})

    fake = FakeModule(first, second)
    action = make_action(AdminUserAction, {"name": "alice", "secrets_file": str(secrets_file)}, VAULT)
    action._run_aws = fake
    result = action.run(task_vars={})
    assert len(fake.calls) == 2
    assert result["changed"] is True
    assert result["secrets_stored"] == ["password"]
    assert result["secrets_file"] == str(secrets_file)
    assert result["diff"] == {"before": {}, "after": {"console_access": True}}
    assert "sealed_secret" not in result and "pending" not in result
    assert PASSWORD not in json.dumps(result)
    stored = decrypt(secrets_file)
    assert stored == {"user_name": "alice", "account_id": "123456789012",
                      "sign_in_url": "https://123456789012.signin.aws.amazon.com/console", "password": PASSWORD}
    assert stat.S_IMODE(os.stat(secrets_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(secrets_file.parent).st_mode) == 0o700
    assert sorted(os.listdir(secrets_file.parent)) == [".accountguard.lock", "alice.yml"]  # the lock, and no temp file left behind
    action._remove_tmp_path.assert_called()


def test_seed_is_stored_next_to_the_password_before_the_device_is_enabled(tmp_path):
    secrets_file = tmp_path / "alice.yml"
    serial = "arn:aws:iam::123456789012:mfa/alice"
    action = make_action(AdminUserAction, {"name": "alice", "secrets_file": str(secrets_file)}, VAULT)
    action._run_aws = FakeModule(
        lambda args: user_result(pending="store_password", sealed_secret=seal(args["secret_recipient"], {"password": PASSWORD})),
        lambda args: user_result(),
    )
    action.run(task_vars={})

    def create(args):
        return {"changed": True, "pending": "store_seed", "serial_number": serial, "user_name": "alice",
                "account_id": "123456789012", "sealed_secret": seal(args["secret_recipient"], {"seed": SEED})}

    def enable(args):
        assert decrypt(secrets_file)["seed"] == SEED
        assert args["seed"] == SEED and args["serial_number"] == serial
        return {"changed": True, "serial_number": serial, "enabled": True}

    fake = FakeModule(create, enable)
    mfa = make_action(VirtualMfaAction, {"user_name": "alice", "secrets_file": str(secrets_file)}, VAULT)
    mfa._run_aws = fake
    result = mfa.run(task_vars={})
    assert result["enabled"] is True and result["secrets_stored"] == ["seed"]
    assert SEED not in json.dumps(result)
    stored = decrypt(secrets_file)
    assert stored["password"] == PASSWORD  # merged, not replaced
    assert stored["serial_number"] == serial
    assert stored["otpauth_uri"].startswith("otpauth://totp/") and SEED in stored["otpauth_uri"]


def test_unassigned_device_is_enabled_from_the_stored_seed(tmp_path):
    secrets_file = tmp_path / "alice.yml"
    serial = "arn:aws:iam::123456789012:mfa/alice"
    seeded = make_action(VirtualMfaAction, {"user_name": "alice", "secrets_file": str(secrets_file)}, VAULT)
    seeded._run_aws = FakeModule(
        lambda args: {"changed": True, "pending": "store_seed", "serial_number": serial, "user_name": "alice",
                      "account_id": "123456789012", "sealed_secret": seal(args["secret_recipient"], {"seed": SEED})},
        lambda args: {"failed": True, "msg": "interrupted"},
    )
    seeded.run(task_vars={})

    fake = FakeModule(
        lambda args: {"changed": False, "pending": "seed_required", "serial_number": serial},
        lambda args: {"changed": True, "serial_number": serial, "enabled": True},
    )
    action = make_action(VirtualMfaAction, {"user_name": "alice", "secrets_file": str(secrets_file)}, VAULT)
    action._run_aws = fake
    result = action.run(task_vars={})
    assert fake.calls[0]["stored_serial"] == serial and "seed" not in fake.calls[0]
    assert fake.calls[1]["seed"] == SEED
    assert result["changed"] is True and "secrets_stored" not in result


@pytest.mark.parametrize("content, words", [
    (None, "cannot be decrypted"),
    (b"user_name: alice\npassword: plain\n", "not an Ansible Vault file"),
    (b"$ANSIBLE_VAULT;1.1;AES256\n3132333435\n", "cannot be decrypted"),
])
def test_wrong_vault_password_or_corrupt_file_stops_before_any_aws_call(tmp_path, content, words):
    secrets_file = tmp_path / "alice.yml"
    if content is None:
        content = VaultLib(VAULT).encrypt(b"password: old\n")
    secrets_file.write_bytes(content)
    fake = FakeModule()
    action = make_action(AdminUserAction, {"name": "alice", "secrets_file": str(secrets_file)}, WRONG_VAULT)
    action._run_aws = fake
    result = action.run(task_vars={})
    assert result["failed"] is True
    assert words in result["msg"] and str(secrets_file) in result["msg"] and "alice" in result["msg"]
    assert fake.calls == []
    assert secrets_file.read_bytes() == content


def test_a_new_file_is_not_written_with_another_vault_password_than_its_folders(tmp_path):
    alice = tmp_path / "alice.yml"
    alice.write_bytes(VaultLib(VAULT).encrypt(b"password: old\n"))
    fake = FakeModule()
    action = make_action(AdminUserAction, {"name": "carol", "secrets_file": str(tmp_path / "carol.yml")}, WRONG_VAULT)
    action._run_aws = fake
    result = action.run(task_vars={})
    assert result["failed"] is True
    assert "holds alice.yml, which the vault secret(s) given cannot decrypt" in result["msg"] and "carol" in result["msg"]
    assert fake.calls == []
    assert not (tmp_path / "carol.yml").exists()


def test_a_new_file_beside_files_of_the_same_vault_password_is_fine(tmp_path):
    (tmp_path / "alice.yml").write_bytes(VaultLib(VAULT).encrypt(b"password: old\n"))
    (tmp_path / "notes.yml").write_text("not a vault file: ignored\n")
    fake = FakeModule(lambda args: user_result(pending="store_password", sealed_secret=seal(args["secret_recipient"], {"password": PASSWORD})),
                      lambda args: user_result())
    action = make_action(AdminUserAction, {"name": "carol", "secrets_file": str(tmp_path / "carol.yml")}, VAULT)
    action._run_aws = fake
    result = action.run(task_vars={})
    assert not result.get("failed"), result
    assert decrypt(tmp_path / "carol.yml")["password"] == PASSWORD


def test_without_a_vault_secret_the_module_gets_no_recipient(tmp_path):
    fake = FakeModule(lambda args: {"changed": False, "failed": True, "msg": "no vault secret is configured"})
    action = make_action(AdminUserAction, {"name": "alice", "secrets_file": str(tmp_path / "a.yml")}, [])
    action._run_aws = fake
    action.run(task_vars={})
    assert "secret_recipient" not in fake.calls[0]


def test_check_mode_never_writes_and_never_hands_out_a_recipient(tmp_path):
    fake = FakeModule(lambda args: user_result())
    action = make_action(AdminUserAction, {"name": "alice", "secrets_file": str(tmp_path / "a.yml")}, VAULT, check_mode=True)
    action._run_aws = fake
    result = action.run(task_vars={})
    assert "secret_recipient" not in fake.calls[0]
    assert result["changed"] is True
    assert not (tmp_path / "a.yml").exists()


def test_a_caller_cannot_inject_its_own_recipient(tmp_path):
    fake = FakeModule(lambda args: user_result())
    action = make_action(AdminUserAction, {"name": "alice", "secret_recipient": "attacker-key"}, VAULT)
    action._run_aws = fake
    action.run(task_vars={})
    assert "secret_recipient" not in fake.calls[0]


def test_a_module_that_keeps_asking_is_stopped(tmp_path):
    secrets_file = tmp_path / "alice.yml"
    serial = "arn:aws:iam::123456789012:mfa/alice"
    action = make_action(VirtualMfaAction, {"user_name": "alice", "secrets_file": str(secrets_file)}, VAULT)

    def create(args):
        return {"changed": True, "pending": "store_seed", "serial_number": serial, "user_name": "alice",
                "account_id": "123456789012", "sealed_secret": seal(args["secret_recipient"], {"seed": SEED})}

    action._run_aws = FakeModule(*([create] * 5))
    result = action.run(task_vars={})
    assert result["failed"] is True and "rounds" in result["msg"]
    assert SEED not in json.dumps(result)


def test_absent_forgets_the_seed_of_the_removed_device(tmp_path):
    secrets_file = tmp_path / "alice.yml"
    secrets_file.write_bytes(VaultLib(VAULT).encrypt(
        b"user_name: alice\npassword: keep-me\nserial_number: arn:aws:iam::123456789012:mfa/alice\nseed: OLDSEED\notpauth_uri: otpauth://x\n"))
    action = make_action(VirtualMfaAction, {"user_name": "alice", "state": "absent", "secrets_file": str(secrets_file)}, VAULT)
    action._run_aws = FakeModule(lambda args: {"changed": True, "enabled": False})
    assert action.run(task_vars={})["changed"] is True
    assert decrypt(secrets_file) == {"user_name": "alice", "password": "keep-me"}


class UnsafeText(str):
    """What ansible-core before 2.19 hands over for task values (AnsibleUnsafeText): a str whose str() is itself."""

    def __str__(self):  # pylint: disable=invalid-str-returned
        return self


def test_values_from_ansible_strings_are_stored_as_plain_text(tmp_path):
    # yaml.safe_dump refuses str subclasses: task values as ansible-core's own strings (tagged in 2.19+, unsafe
    # before) used to fail the task after the device was created.
    from ansible._internal._datatag._tags import TrustedAsTemplate

    from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFile

    path = tmp_path / "alice.yml"
    store = SecretsFile(str(path), VAULT, "user alice")
    store.save({UnsafeText("user_name"): UnsafeText("alice"), "account_id": TrustedAsTemplate().tag("123456789012"), "seed": SEED})
    assert decrypt(path) == {"user_name": "alice", "account_id": "123456789012", "seed": SEED}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_password_another_hand_beat_to_the_login_profile_leaves_the_file_as_it_was(tmp_path):
    secrets_file = tmp_path / "123456789012" / "alice.yml"

    def first(args):
        return user_result(pending="store_password", sealed_secret=seal(args["secret_recipient"], {"password": PASSWORD}))

    def second(args):
        assert args["password_stored"] is True and decrypt(secrets_file)["password"] == PASSWORD
        return {"failed": True, "changed": False, "secret_not_applied": True, "msg": "The login profile of IAM user 'alice' was created by someone else"}

    action = make_action(AdminUserAction, {"name": "alice", "secrets_file": str(secrets_file)}, VAULT)
    action._run_aws = FakeModule(first, second)
    result = action.run(task_vars={})
    assert result["failed"] is True and "secrets_stored" not in result and "secret_not_applied" not in result
    assert not secrets_file.exists()  # there was no file before this task


def test_a_seed_whose_device_was_deleted_leaves_the_file(tmp_path):
    secrets_file = tmp_path / "alice.yml"
    serial = "arn:aws:iam::123456789012:mfa/alice"
    keep = {"user_name": "alice", "account_id": "123456789012", "password": PASSWORD}
    store = make_action(VirtualMfaAction, {"user_name": "alice", "secrets_file": str(secrets_file)}, VAULT)
    from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFile
    SecretsFile(str(secrets_file), VAULT, "user alice").save(dict(keep, serial_number=serial, seed=SEED, otpauth_uri="otpauth://totp/x"))

    def gone(args):
        assert args["seed"] == SEED and args["seed_stored"] is True
        return {"failed": True, "changed": True, "secret_not_applied": True, "serial_number": serial, "msg": "Another MFA device was enabled"}

    store._run_aws = FakeModule(lambda args: {"changed": False, "pending": "seed_required", "serial_number": serial}, gone)
    result = store.run(task_vars={})
    assert result["failed"] is True
    assert decrypt(secrets_file) == keep  # the password stays, the seed of the deleted device is gone
