"""Unit tests for accountguard.aws.iam_virtual_mfa: main() against moto in-process, every scenario in check
mode and for real. moto accepts any MFA codes, so the "codes rejected" path stubs EnableMFADevice."""

import base64

import pytest
from botocore.exceptions import ClientError

from ansible_collections.accountguard.aws.plugins.module_utils import _iam
from ansible_collections.accountguard.aws.plugins.module_utils import _mfa
from ansible_collections.accountguard.aws.plugins.module_utils._common import AccountGuardError
from ansible_collections.accountguard.aws.plugins.module_utils._runner import Run
from ansible_collections.accountguard.aws.plugins.module_utils._sealed import Recipient
from ansible_collections.accountguard.aws.plugins.module_utils._totp import code_at

ACCOUNT = "123456789012"
SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
MUTATING = {"CreateVirtualMFADevice", "EnableMFADevice", "DeleteVirtualMFADevice", "DeactivateMFADevice"}


def warnings_of(result):
    """The warning texts of a module result (ansible-core 2.19+ returns them as structured summaries)."""
    texts = []
    for item in result.get("warnings", []):
        texts.append(item if isinstance(item, str) else item.get("event", {}).get("msg", str(item)))
    return texts


def unassigned(iam):
    return {d["SerialNumber"]: d["Base32StringSeed"].decode("ascii") for d in iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]}


def all_virtual(iam):
    return [d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]]


def enabled(iam, user_name="alice"):
    return [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=user_name)["MFADevices"]]


def create_device(iam, name="alice", path="/"):
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name, Path=path)["VirtualMFADevice"]
    return device["SerialNumber"], device["Base32StringSeed"].decode("ascii")


def enable(iam, serial, user_name="alice"):
    iam.enable_mfa_device(UserName=user_name, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")


def codes_near_now(seed):
    """Every code the module could have computed during the test (a few windows either side of now)."""
    import time

    now = int(time.time())
    return {code_at(seed, now + 30 * offset) for offset in range(-4, 3)}


def assert_no_mutation(calls):
    assert not MUTATING & set(calls.calls), calls.calls


def reject_codes(monkeypatch):
    """Make EnableMFADevice answer as real IAM does for codes of another seed."""
    seen = []

    def enable_mfa_device(client, name, serial, code1, code2):
        seen.append((name, serial, code1, code2))
        error = ClientError(
            {"Error": {"Code": "InvalidAuthenticationCode", "Message": "Authentication code for device is not valid."}}, "EnableMFADevice"
        )
        raise AccountGuardError(message=f"Failed to enable MFA device {serial} for user {name}", exception=error)

    monkeypatch.setattr(_iam, "enable_mfa_device", enable_mfa_device)
    return seen


# ---- fresh user --------------------------------------------------------------------------------

@CHECK_MODES
def test_fresh_user_creates_device_and_asks_to_store_its_seed(iam, user, run, calls, check_mode):
    recipient = Recipient()
    args = {"user_name": "alice", "tags": {"owner": "platform"}}
    if not check_mode:
        args["secret_recipient"] = recipient.public  # the action plugin passes none in check mode
    res = run(check_mode=check_mode, **args).result

    assert res["changed"] is True
    assert res["enabled"] is False
    assert res["user_name"] == "alice"
    assert "seed" not in res and "QRCodePNG" not in str(res) and "qr_code_png" not in res
    assert res["diff"]["before"] == {"user_name": "alice", "mfa_devices": [], "enabled": False}
    assert res["diff"]["after"]["enabled"] is True
    if check_mode:
        assert "pending" not in res and "sealed_secret" not in res
        assert all_virtual(iam) == []
        assert calls.calls == ["ListMFADevices", "ListVirtualMFADevices"]
        assert res["diff"]["after"]["mfa_devices"] == ["/alice"]
        return
    assert calls.calls == ["ListMFADevices", "ListVirtualMFADevices", "CreateVirtualMFADevice"]
    devices = unassigned(iam)
    assert list(devices) == [SERIAL]
    assert res["pending"] == "store_seed"
    assert res["serial_number"] == SERIAL
    assert res["account_id"] == ACCOUNT
    assert recipient.open(res["sealed_secret"]) == {"seed": devices[SERIAL]}
    assert devices[SERIAL] not in str(res)
    assert enabled(iam) == []  # not enabled before the seed is stored
    # moto does not implement ListMFADeviceTags: check what was asked for.
    assert calls.params[2] == {"VirtualMFADeviceName": "alice", "Path": "/", "Tags": [{"Key": "owner", "Value": "platform"}]}


@CHECK_MODES
def test_reinvoked_with_seed_enables_the_device(iam, user, run, calls, check_mode):
    serial, seed = create_device(iam)
    res = run(check_mode=check_mode, user_name="alice", seed=seed, serial_number=serial).result

    assert res["changed"] is True
    assert res["serial_number"] == serial
    assert res["account_id"] == ACCOUNT
    assert "pending" not in res
    assert res["diff"] == {
        "before": {"user_name": "alice", "mfa_devices": [], "enabled": False},
        "after": {"user_name": "alice", "mfa_devices": [serial], "enabled": True},
        "after_header": f"enable the existing unassigned virtual MFA device {serial} for user alice"
        if check_mode else f"enable virtual MFA device {serial} for user alice",
    }
    if check_mode:
        assert calls.calls == ["ListMFADevices"]
        assert enabled(iam) == []
        assert res["enabled"] is False
        return
    # The serial comes with the seed: no listing, the device is enabled directly.
    assert calls.calls == ["ListMFADevices", "EnableMFADevice"]
    assert enabled(iam) == [serial]
    assert res["enabled"] is True
    assert res["devices"][0]["serial_number"] == serial and res["devices"][0]["type"] == "virtual"


@CHECK_MODES
def test_seed_without_serial_finds_the_device(iam, user, run, calls, check_mode):
    serial, seed = create_device(iam)
    res = run(check_mode=check_mode, user_name="alice", seed=seed).result
    assert res["changed"] is True
    assert calls.calls == ["ListMFADevices", "ListVirtualMFADevices"] + ([] if check_mode else ["EnableMFADevice"])
    assert enabled(iam) == ([] if check_mode else [serial])


# ---- steady state ------------------------------------------------------------------------------

@CHECK_MODES
@pytest.mark.parametrize("kind", ["virtual", "hardware"])
def test_already_enabled_is_one_call_and_no_change(iam, user, run, calls, check_mode, kind):
    if kind == "virtual":
        serial, _seed = create_device(iam, "alice-phone")
    else:
        serial = "GAHT12345678"
    enable(iam, serial)
    res = run(check_mode=check_mode, user_name="alice", secret_recipient=Recipient().public).result

    assert calls.calls == ["ListMFADevices"]
    assert res["changed"] is False
    assert res["enabled"] is True
    assert res["serial_number"] == serial
    assert res["account_id"] == (ACCOUNT if kind == "virtual" else None)
    assert [(d["serial_number"], d["type"]) for d in res["devices"]] == [(serial, kind)]
    assert res["devices"][0]["enable_date"]
    assert res["diff"]["before"] == res["diff"]["after"] == {"user_name": "alice", "mfa_devices": [serial], "enabled": True}
    assert "pending" not in res
    assert all_virtual(iam) == ([serial] if kind == "virtual" else [])


def test_no_diff_without_diff_mode(iam, user, run):
    serial, _seed = create_device(iam)
    enable(iam, serial)
    res = run(diff=False, user_name="alice").result
    assert "diff" not in res


# ---- interrupted runs --------------------------------------------------------------------------

@CHECK_MODES
def test_orphan_without_stored_seed_is_replaced(iam, user, run, calls, check_mode):
    old_serial, old_seed = create_device(iam)
    recipient = Recipient()
    args = {"user_name": "alice"}
    if not check_mode:
        args["secret_recipient"] = recipient.public
    res = run(check_mode=check_mode, **args).result

    assert res["changed"] is True
    assert res["serial_number"] == old_serial  # same name and path, same serial
    if check_mode:
        # A scan (often without the vault) cannot tell a device whose seed is stored from a lost one: it says both.
        assert res["diff"]["after_header"].startswith(f"enable the unassigned virtual MFA device {old_serial} for user alice from its stored seed")
        assert "or replace it if its seed is lost" in res["diff"]["after_header"]
    else:
        assert "delete the unassigned virtual MFA device" in res["diff"]["after_header"]
    assert any("has no stored seed" in w for w in warnings_of(res))
    assert "deprecations" not in res  # warnings go through the plain API, not exit_json(warnings=...)
    if check_mode:
        assert calls.calls == ["ListMFADevices", "ListVirtualMFADevices"]
        assert unassigned(iam) == {old_serial: old_seed}
        return
    assert calls.calls == ["ListMFADevices", "ListVirtualMFADevices", "DeleteVirtualMFADevice", "CreateVirtualMFADevice"]
    devices = unassigned(iam)
    assert list(devices) == [old_serial]
    assert devices[old_serial] != old_seed
    assert res["pending"] == "store_seed"
    assert recipient.open(res["sealed_secret"]) == {"seed": devices[old_serial]}


@CHECK_MODES
def test_orphan_with_stored_serial_asks_for_the_seed(iam, user, run, calls, check_mode):
    serial, seed = create_device(iam)
    args = {"user_name": "alice", "stored_serial": serial}
    if not check_mode:
        args["secret_recipient"] = Recipient().public
    res = run(check_mode=check_mode, **args).result

    assert calls.calls == ["ListMFADevices", "ListVirtualMFADevices"]
    assert unassigned(iam) == {serial: seed}
    assert res["serial_number"] == serial
    assert res["account_id"] == ACCOUNT
    assert "sealed_secret" not in res
    if check_mode:
        # A prediction needs no seed: the real run enables the device with the stored one.
        assert res["changed"] is True
        assert "pending" not in res
        assert res["diff"]["after"]["mfa_devices"] == [serial]
    else:
        assert res["changed"] is False
        assert res["pending"] == "seed_required"


def test_other_unassigned_devices_are_not_ours(iam, user, run, calls):
    others = {create_device(iam, "alice2")[0], create_device(iam, "alice", "/other/")[0], create_device(iam, "xalice")[0]}
    recipient = Recipient()
    res = run(user_name="alice", secret_recipient=recipient.public).result
    assert calls.calls == ["ListMFADevices", "ListVirtualMFADevices", "CreateVirtualMFADevice"]
    assert res["serial_number"] == SERIAL
    assert set(unassigned(iam)) == others | {SERIAL}


def test_custom_path_and_name(iam, user, run, calls):
    recipient = Recipient()
    res = run(user_name="alice", device_name="alice-phone", path="/admins/team/", secret_recipient=recipient.public).result
    serial = f"arn:aws:iam::{ACCOUNT}:mfa/admins/team/alice-phone"
    assert res["serial_number"] == serial
    assert list(unassigned(iam)) == [serial]
    seed = recipient.open(res["sealed_secret"])["seed"]
    res = run(user_name="alice", device_name="alice-phone", path="/admins/team/", seed=seed, serial_number=serial).result
    assert res["changed"] is True
    assert enabled(iam) == [serial]
    # and an orphan at that path is recognised as ours
    iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    res = run(user_name="alice", device_name="alice-phone", path="/admins/team/", stored_serial=serial, secret_recipient=recipient.public).result
    assert res["pending"] == "seed_required" and res["serial_number"] == serial


def test_seed_for_no_device_creates_a_new_one_with_a_warning(iam, user, run):
    recipient = Recipient()
    res = run(user_name="alice", seed="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", secret_recipient=recipient.public).result
    assert res["pending"] == "store_seed"
    assert any("belongs to no unassigned virtual MFA device" in w for w in warnings_of(res))
    assert "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" not in str(res)


# ---- failures ----------------------------------------------------------------------------------

@CHECK_MODES
def test_wrong_seed_is_a_clear_error_and_changes_nothing(iam, user, run, calls, monkeypatch, check_mode, fake_clock):
    fake = fake_clock(_mfa, now=1000.0)
    serial, seed = create_device(iam)
    wrong = base64.b32encode(b"a seed of some other device!").decode("ascii")
    seen = reject_codes(monkeypatch)
    res = run(check_mode=check_mode, user_name="alice", seed=wrong, serial_number=serial).result

    assert unassigned(iam) == {serial: seed}
    assert enabled(iam) == []
    if check_mode:
        assert res["changed"] is True and not res.get("failed")
        assert seen == []
        return
    assert res["failed"] is True
    assert res["changed"] is False
    msg = res["msg"]
    assert "alice" in msg and serial in msg
    assert "the codes computed from the given seed were rejected: the seed does not belong to this device" in msg
    # Once more in the next window with the two codes that follow (IAM refuses codes it has seen), then no more.
    assert [s[2:] for s in seen] == [(code_at(wrong, 970), code_at(wrong, 1000)),
                                     (code_at(wrong, 1020.5), code_at(wrong, 1050.5))]
    assert fake.sleeps == [20.5]
    for code in seen[0][2:] + seen[1][2:]:
        assert code not in msg
    assert_no_mutation(calls)  # the stub made the only enable call; nothing was deleted


def reject_first_codes(monkeypatch):
    """EnableMFADevice refuses the first codes it gets and accepts the next ones; returns the codes it got."""
    seen = []

    def enable_mfa_device(client, name, serial, code1, code2):
        seen.append((code1, code2))
        if len(seen) == 1:
            error = ClientError({"Error": {"Code": "InvalidAuthenticationCode", "Message": "no"}}, "EnableMFADevice")
            raise AccountGuardError(message="Failed", exception=error)

    monkeypatch.setattr(_iam, "enable_mfa_device", enable_mfa_device)
    return seen


def enable_with_seed(iam, serial, seed, now=None):
    """ensure_present for a device whose seed the controller gave (the follow-up call); returns the result."""
    params = {"user_name": "alice", "device_name": None, "path": "/", "seed": seed, "serial_number": serial, "stored_serial": None,
              "secret_recipient": None, "tags": None, "user_planned": False, "seed_stored": False}
    run = Run(params, False, True, lambda service, retry: iam)
    _mfa.ensure_present(run, now=now)
    return run.result


def test_codes_outliving_their_window_are_computed_once_more(iam, user, monkeypatch):
    serial, seed = create_device(iam)
    clock = iter([1000.0, 1031.0, 1031.0, 1031.0])
    seen = reject_first_codes(monkeypatch)
    result = enable_with_seed(iam, serial, seed, now=lambda: next(clock))
    assert result["changed"] is True and result["enabled"] is True
    assert seen == [(code_at(seed, 970), code_at(seed, 1000)), (code_at(seed, 1001), code_at(seed, 1031))]


@CHECK_MODES
@pytest.mark.parametrize(
    "args,expected",
    [
        ({"seed": "NOT-BASE32!!"}, "the MFA seed is not valid base32"),
        ({"seed": "JBSWY3DP"}, "the MFA seed is too short"),
        ({"user_name": "bad name"}, "user_name 'bad name' has characters IAM does not allow"),
        ({"device_name": "x" * 227}, "device_name 'xxxxxxxxxxxxxxxxxxxx'... is 227 characters long; IAM allows at most 226"),
        ({"path": "admins"}, "path 'admins' is not a valid IAM path"),
        ({"secret_recipient": "not-a-key"}, "not a base64 X25519 public key"),
        ({"serial_number": "GAHT12345678", "seed": "JBSWY3DPEHPK3PXP"}, "is not the ARN of a virtual MFA device"),
        ({"serial_number": f"arn:aws:iam::{ACCOUNT}:mfa/bob", "seed": "JBSWY3DPEHPK3PXP"}, "is not virtual MFA device /alice"),
        ({"tags": {"aws:reserved": "x"}}, "tag 'aws:reserved' is invalid"),
    ],
)
def test_bad_input_fails_before_any_aws_call(iam, user, run, calls, check_mode, args, expected):
    args = {"user_name": "alice", **args}
    res = run(check_mode=check_mode, **args).result
    assert res["failed"] is True
    assert expected in res["msg"]
    assert repr(args["user_name"]) in res["msg"]
    assert "Nothing was changed" in res["msg"]
    assert calls.calls == []
    if "seed" in args:
        assert args["seed"] not in res["msg"]


@CHECK_MODES
@pytest.mark.parametrize("state", ["present", "absent"])
def test_missing_user(iam, run, calls, check_mode, state):
    res = run(check_mode=check_mode, user_name="bob", state=state, secret_recipient=Recipient().public).result
    if state == "absent":
        assert res["changed"] is False and not res.get("failed")
        return
    assert res["failed"] is True
    assert "IAM user bob does not exist" in res["msg"]
    # A few short retries first: on real IAM a user created a moment ago can still be reported missing.
    assert set(calls.calls) == {"ListMFADevices"} and 1 < len(calls.calls) <= 4


def test_no_recipient_fails_before_creating(iam, user, run, calls):
    res = run(user_name="alice").result
    assert res["failed"] is True
    assert "No vault secret is configured to store the MFA seed of user alice" in res["msg"]
    assert "--vault-id/--vault-password-file" in res["msg"] and "secrets_file" in res["msg"]
    assert calls.calls == ["ListMFADevices", "ListVirtualMFADevices"]
    assert all_virtual(iam) == []


def test_no_recipient_does_not_delete_an_orphan_either(iam, user, run, calls):
    serial, seed = create_device(iam)
    res = run(user_name="alice").result
    assert res["failed"] is True
    assert unassigned(iam) == {serial: seed}
    assert_no_mutation(calls)


def test_device_name_taken_by_another_users_device(iam, user, run):
    iam.create_user(UserName="bob")
    serial, _seed = create_device(iam, "alice")
    enable(iam, serial, "bob")
    res = run(user_name="alice", secret_recipient=Recipient().public).result
    assert res["failed"] is True
    assert "virtual MFA device /alice for user alice" in res["msg"]
    assert "assigned to another user" in res["msg"]
    assert enabled(iam, "bob") == [serial]


# ---- state=absent ------------------------------------------------------------------------------

@CHECK_MODES
def test_absent_removes_virtual_devices_and_our_orphan(iam, user, run, calls, check_mode):
    phone = create_device(iam, "alice-phone")[0]
    enable(iam, phone)
    enable(iam, "GAHT12345678")
    orphan = create_device(iam, "alice")[0]
    other = create_device(iam, "somebody-else")[0]
    res = run(check_mode=check_mode, user_name="alice", state="absent").result

    assert res["changed"] is True
    assert res["diff"]["before"]["mfa_devices"] == sorted([phone, "GAHT12345678"])
    assert res["diff"]["after"] == {"user_name": "alice", "mfa_devices": ["GAHT12345678"], "enabled": True}
    assert any("hardware/FIDO" in w and "GAHT12345678" in w for w in warnings_of(res))
    assert [d["serial_number"] for d in res["devices"]] == ["GAHT12345678"]
    if check_mode:
        assert_no_mutation(calls)
        assert sorted(all_virtual(iam)) == sorted([phone, orphan, other])
        return
    assert calls.calls == [
        "ListMFADevices", "ListVirtualMFADevices", "DeactivateMFADevice", "DeleteVirtualMFADevice", "DeleteVirtualMFADevice",
    ]
    assert all_virtual(iam) == [other]
    assert enabled(iam) == ["GAHT12345678"]
    again = run(user_name="alice", state="absent").result
    assert again["changed"] is False
    assert calls.calls == ["ListMFADevices", "ListVirtualMFADevices"]


@CHECK_MODES
def test_absent_when_nothing_to_remove(iam, user, run, calls, check_mode):
    res = run(check_mode=check_mode, user_name="alice", state="absent").result
    assert res["changed"] is False
    assert calls.calls == ["ListMFADevices", "ListVirtualMFADevices"]
    assert "warnings" not in res


# ---- secrets never leave the module in clear -------------------------------------------------

@CHECK_MODES
def test_seed_and_codes_appear_nowhere_in_the_output(iam, user, run, check_mode):
    serial, seed = create_device(iam)
    out = run(check_mode=check_mode, user_name="alice", seed=seed, serial_number=serial).stdout
    assert seed not in out
    assert seed.lower() not in out
    for code in codes_near_now(seed):
        assert code not in out
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in out  # the invocation shows the seed masked


def test_seed_and_codes_appear_nowhere_in_a_failure(iam, user, run, monkeypatch, fake_clock):
    fake_clock(_mfa, now=1000.0)
    serial, seed = create_device(iam)
    seen = reject_codes(monkeypatch)
    out = run(user_name="alice", seed=seed, serial_number=serial).stdout
    assert '"failed": true' in out
    assert seed not in out
    for code in set(seen[0][2:]) | set(seen[1][2:]) | codes_near_now(seed):
        assert code not in out


def test_codes_iam_has_seen_are_not_sent_again(iam, user, monkeypatch, fake_clock):
    # A device enabled a moment ago, deactivated and enabled again: IAM refuses the same two codes once more.
    fake = fake_clock(_mfa, now=1000.0)
    serial, seed = create_device(iam)
    seen = reject_first_codes(monkeypatch)
    assert enable_with_seed(iam, serial, seed)["enabled"] is True
    assert seen == [(code_at(seed, 970), code_at(seed, 1000)), (code_at(seed, 1020.5), code_at(seed, 1050.5))]
    assert fake.sleeps == [20.5]


def test_new_device_seed_appears_only_sealed(iam, user, run):
    recipient = Recipient()
    run_ = run(user_name="alice", secret_recipient=recipient.public)
    seed = unassigned(iam)[SERIAL]
    assert seed not in run_.stdout
    assert recipient.open(run_.result["sealed_secret"])["seed"] == seed
    for code in codes_near_now(seed):
        assert code not in run_.stdout


def test_an_error_echoing_the_codes_is_withheld(iam, user, run, monkeypatch):
    serial, seed = create_device(iam)
    seen = []

    def enable_mfa_device(client, name, serial, code1, code2):
        seen.append((code1, code2))
        error = ClientError({"Error": {"Code": "ValidationError", "Message": f"Value '{code1}' at 'authenticationCode1' is odd"}}, "EnableMFADevice")
        raise AccountGuardError(message=f"Failed to enable MFA device {serial} for user {name}", exception=error)

    monkeypatch.setattr(_iam, "enable_mfa_device", enable_mfa_device)
    out = run(user_name="alice", seed=seed, serial_number=serial)
    assert out.result["failed"] is True
    assert "details withheld" in out.result["msg"] and "ValidationError" in out.result["msg"]
    assert seen[0][0] not in out.stdout and seen[0][1] not in out.stdout


def test_another_device_enabled_meanwhile_takes_ours_away(iam, user, run, calls):
    # The seed of our new device was stored; before it could be enabled, someone enabled another device for alice.
    serial, seed = create_device(iam)
    theirs = create_device(iam, name="alice-phone")[0]
    enable(iam, theirs)
    result = run(user_name="alice", seed=seed, serial_number=serial, seed_stored=True).result
    assert result["failed"] is True and result["secret_not_applied"] is True and result["serial_number"] == serial
    assert f"Another MFA device was enabled for IAM user alice while this run stored the seed of virtual MFA device {serial}" in result["msg"]
    assert all_virtual(iam) == [theirs] and enabled(iam) == [theirs]
    assert calls.calls.count("EnableMFADevice") == 0 and "DeleteVirtualMFADevice" in calls.calls
    assert seed not in str(result)


def test_a_seed_given_by_hand_never_deletes_a_device(iam, user, run):
    # Without seed_stored (a person gave the seed), a user who has MFA already is simply compliant.
    serial, seed = create_device(iam)
    theirs = create_device(iam, name="alice-phone")[0]
    enable(iam, theirs)
    result = run(user_name="alice", seed=seed, serial_number=serial).result
    assert result["changed"] is False and result["enabled"] is True
    assert sorted(all_virtual(iam)) == sorted([serial, theirs])
