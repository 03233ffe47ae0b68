"""The secrets file with the values each ansible-core really hands over: AnsibleUnicode and AnsibleUnsafeText
before 2.19, tagged values (str, int, list, dict) from 2.19 on. yaml.safe_dump refuses all of them ("cannot
represent an object"): on 2.17 and 2.18 that failed iam_admin_user and iam_virtual_mfa as an "Unexpected
failure" after the device was created. The compatibility stage (scripts/compat.sh) runs this file with every
claimed core, so the types are that core's own, not stand-ins."""

import os
import stat

import pytest
import yaml

from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import VaultSecret
from ansible.parsing.yaml.objects import AnsibleUnicode
from ansible.release import __version__ as CORE_VERSION
from ansible.template import Templar
from ansible.utils.unsafe_proxy import AnsibleUnsafeText
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.accountguard.aws.plugins.action.iam_virtual_mfa import ActionModule as VirtualMfaAction
from ansible_collections.accountguard.aws.plugins.module_utils._sealed import seal
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFile
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFileError

from ansible_collections.accountguard.aws.tests.unit.plugins.plugin_utils.test_secret_action import FakeModule
from ansible_collections.accountguard.aws.tests.unit.plugins.plugin_utils.test_secret_action import make_action

VAULT = [("default", VaultSecret(b"right-password"))]
SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ACCOUNT = "123456789012"
TASK_YAML = f"""
user_name: carol
account_id: '{ACCOUNT}'
serial_number: arn:aws:iam::{ACCOUNT}:mfa/carol
seed: {SEED}
port: 8443
groups: [Administrators, Auditors]
tags: {{owner: platform}}
"""


def decrypt(path):
    with open(path, "rb") as handle:
        return yaml.safe_load(VaultLib(VAULT).decrypt(handle.read()))


def task_values():
    """Values as a playbook's YAML and templating give them to a task on this core."""
    loaded = DataLoader().load(TASK_YAML)
    templar = Templar(loader=DataLoader(), variables={"who": loaded["user_name"]})
    return {
        **loaded,
        "templated": templar.template("{{ who }}"),
        "unsafe": wrap_var("from an inventory"),
        "unicode": AnsibleUnicode("alice"),
        "unsafe_text": AnsibleUnsafeText("alice"),
    }


def plain(value):
    """The same value rebuilt from exact str/int/list/dict, what a correct secrets file must hold."""
    if isinstance(value, dict):
        return {str.__str__(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str.__str__(value)
    return int.__int__(value)


def test_this_cores_values_are_what_safe_dump_refuses():
    # The premise of the fix, on the core under test: some of these values are not plain, and safe_dump fails on them.
    values = task_values()
    assert any(v.__class__ is not str for v in values.values() if isinstance(v, str)), CORE_VERSION
    with pytest.raises(yaml.representer.RepresenterError):
        yaml.safe_dump(dict(values))


def test_this_cores_values_are_stored_as_plain_yaml(tmp_path):
    values = task_values()
    path = tmp_path / ACCOUNT / "carol.yml"
    SecretsFile(str(path), VAULT, "user carol").save(values)
    stored = decrypt(path)
    assert stored == plain(dict(values))
    assert stored["port"] == 8443 and stored["groups"] == ["Administrators", "Auditors"] and stored["tags"] == {"owner": "platform"}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    # Read back by the collection as the next run does.
    assert SecretsFile(str(path), VAULT, "user carol").load() == stored


def test_a_value_that_is_no_text_fails_naming_the_key_not_the_value(tmp_path):
    path = tmp_path / "carol.yml"

    class Opaque:
        def __repr__(self):
            return SEED

    with pytest.raises(SecretsFileError) as err:
        SecretsFile(str(path), VAULT, "user carol").save({"user_name": "carol", "seed": Opaque()})
    assert "user carol" in err.value.message and "'seed'" in err.value.message and "Opaque" in err.value.message
    assert SEED not in err.value.message
    assert not path.exists()


def test_a_seed_that_cannot_be_stored_fails_the_task_cleanly_and_the_device_is_never_enabled(tmp_path):
    # A seed the module obtained that the file cannot take (here: a user name no YAML can hold) stops the task with a
    # message naming the account, the user and the device, before the call that would enable the device.
    secrets_file = tmp_path / ACCOUNT / "carol.yml"

    class Opaque:
        pass

    def created(args):
        return {"changed": True, "pending": "store_seed", "user_name": Opaque(), "account_id": ACCOUNT,
                "serial_number": f"arn:aws:iam::{ACCOUNT}:mfa/carol",
                "sealed_secret": seal(args["secret_recipient"], {"seed": SEED})}

    fake = FakeModule(created)  # a second call (the enable) would find no step and fail the test
    action = make_action(VirtualMfaAction, {"user_name": "carol", "secrets_file": str(secrets_file)}, VAULT)
    action._run_aws = fake
    result = action.run(task_vars={})
    assert result["failed"] is True and len(fake.calls) == 1
    assert f"Account {ACCOUNT}, user carol" in result["msg"]
    assert f"arn:aws:iam::{ACCOUNT}:mfa/carol was created but not enabled" in result["msg"]
    assert "next run replaces" in result["msg"]
    assert SEED not in str(result)
    assert "sealed_secret" not in result and "pending" not in result
    assert not secrets_file.exists()
