# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the logic of accountguard.aws.iam_virtual_mfa.

read the user's MFA devices -> (only if none is enabled) find our unassigned device -> decide -> apply
(never in check mode) -> normalize. The seed is obtained from IAM only by CreateVirtualMFADevice and
leaves this module only sealed for the controller (see _sealed.py), which stores it in Ansible Vault
and calls the module again with it; only then is the device enabled ("stored before used").

AWS calls per run: steady state (an MFA device is enabled) 1; a fresh user 2 (+ the create), then the
follow-up call with seed and serial 2 (ListMFADevices, EnableMFADevice).
"""

from __future__ import annotations

import datetime
import time

from . import _iam
from ._common import AccountGuardError
from ._common import IAMErrorHandler
from ._common import RETRY_RECENT_ENTITY
from ._common import account_id_from_arn
from ._common import error_code
from ._common import require_cryptography
from ._common import validate_name
from ._common import validate_path
from ._sealed import SealError
from ._sealed import seal
from ._totp import STEP
from ._totp import SeedError
from ._totp import consecutive_codes
from ._totp import decode_seed

MAX_USER_NAME = 64
MAX_DEVICE_NAME = 226

ARGUMENT_SPEC = dict(
    user_name=dict(type="str", required=True),
    device_name=dict(type="str"),
    path=dict(type="str", default="/"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    seed=dict(type="str", no_log=True),
    serial_number=dict(type="str"),
    stored_serial=dict(type="str"),
    # A public key: nothing secret, and it must reach the module intact (no_log would mask it).
    secret_recipient=dict(type="str", no_log=False),
    # A file name, not a secret: it is read by the action plugin only.
    secrets_file=dict(type="path", no_log=False),
    tags=dict(type="dict"),
    user_planned=dict(type="bool", default=False),
    # Set by the action plugin for the call that enables a device whose seed it stored: not a secret.
    seed_stored=dict(type="bool", default=False),
)

# What the module asks of its action plugin (see plugins/action/iam_virtual_mfa.py).
PENDING_STORE_SEED = "store_seed"
PENDING_SEED_REQUIRED = "seed_required"


class BadInput(AccountGuardError):
    """Input rejected before any AWS call (or before any mutating one)."""


class UserNotFound(AccountGuardError):
    """The IAM user does not exist."""


# ---- input -------------------------------------------------------------------------------------

def validate(params):
    """All checks that need no AWS call. Raises BadInput naming the user and the item; never echoes the seed."""
    require_cryptography()
    user_name = params["user_name"]
    check_input(user_name, params["device_name"] or user_name, params["path"], seed=params["seed"],
                serial_number=params["serial_number"], secret_recipient=params["secret_recipient"], tags=params["tags"])


def check_input(user_name, device_name, path, seed=None, serial_number=None, secret_recipient=None, tags=None):
    problems = [
        validate_name("user_name", user_name, MAX_USER_NAME),
        validate_name("device_name", device_name, MAX_DEVICE_NAME),
        validate_path("path", path),
    ]
    if seed is not None:
        try:
            decode_seed(seed)
        except SeedError as e:
            problems.append(str(e))
    if serial_number and not _iam.is_virtual_serial(serial_number):
        problems.append(f"serial_number {serial_number!r} is not the ARN of a virtual MFA device (arn:aws:iam::<account>:mfa/<path><name>)")
    elif serial_number and not serial_number.endswith(device_suffix(device_name, path)):
        problems.append(
            f"serial_number {serial_number!r} is not virtual MFA device {path}{device_name} (the seed given must belong to that device)"
        )
    if secret_recipient:
        try:
            seal(secret_recipient, {})
        except SealError as e:
            problems.append(str(e))
    for key, value in (tags or {}).items():
        if not 1 <= len(key) <= 128 or len(str(value)) > 256 or key.lower().startswith("aws:"):
            problems.append(f"tag {key[:40]!r} is invalid (keys 1-128 characters and not starting with 'aws:', values at most 256)")
    problems = [p for p in problems if p]
    if problems:
        raise BadInput(f"Invalid input for the virtual MFA device of IAM user {user_name!r}: " + "; ".join(problems) + ". Nothing was changed.")


# ---- reading -----------------------------------------------------------------------------------

@IAMErrorHandler.common_error_handler("list the MFA devices of user {name}")
@RETRY_RECENT_ENTITY
def _list_mfa_devices(client, name):
    # Unlike _iam.list_user_mfa_devices, a missing user is an error here, not "no devices": this saves
    # a GetUser call on every run.
    pages = client.get_paginator("list_mfa_devices").paginate(UserName=name)
    return pages.build_full_result()["MFADevices"]


def user_mfa_devices(client, user_name):
    """The user's enabled MFA devices (ListMFADevices lists only those). Raises UserNotFound."""
    try:
        return _list_mfa_devices(client, user_name)
    except AccountGuardError as e:
        if error_code(e) == "NoSuchEntity":
            raise UserNotFound(f"IAM user {user_name} does not exist: create it before giving it an MFA device. Nothing was changed.") from None
        raise


def device_suffix(device_name, path):
    """Virtual device serials are ARNs: arn:aws:iam::<account>:mfa/<path without its leading slash><name>."""
    return f":mfa{path}{device_name}"


def device_type(serial):
    if ":u2f/" in (serial or ""):
        return "fido"
    return "virtual" if _iam.is_virtual_serial(serial) else "hardware"


def _date(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def normalize_devices(devices):
    return [
        {"serial_number": d["SerialNumber"], "enable_date": _date(d.get("EnableDate")), "type": device_type(d["SerialNumber"])}
        for d in devices
    ]


def find_unassigned(client, device_name, path):
    suffix = device_suffix(device_name, path)
    for device in _iam.list_virtual_mfa_devices(client, "Unassigned"):
        if device["SerialNumber"].endswith(suffix):
            return device["SerialNumber"]
    return None


# ---- results -----------------------------------------------------------------------------------

def _new_result(user_name):
    # Every key the module returns, so that a failure half-way still has them all.
    return {"changed": False, "user_name": user_name, "account_id": None, "serial_number": None, "enabled": False, "devices": []}


def _state(user_name, serials):
    return {"user_name": user_name, "mfa_devices": sorted(serials), "enabled": bool(serials)}


def _set_diff(result, before_serials, after_serials, header=None):
    result["diff"] = {"before": _state(result["user_name"], before_serials), "after": _state(result["user_name"], after_serials)}
    if header:
        result["diff"]["after_header"] = header


def _first_account_id(serials):
    for serial in serials:
        account = account_id_from_arn(serial)
        if account:
            return account
    return None


# ---- state=present -----------------------------------------------------------------------------

def ensure_present(run, now=None):
    """Make sure the user has an enabled MFA device; fills run.result as it goes (so a failure half-way
    still reports what was done)."""
    p = run.params
    _present(run, run.result, p["user_name"], p["device_name"] or p["user_name"], p["path"], seed=p["seed"],
             serial_number=p["serial_number"], stored_serial=p["stored_serial"], secret_recipient=p["secret_recipient"],
             tags=p["tags"], now=now, user_planned=p["user_planned"], seed_stored=p["seed_stored"] and not run.check_mode)


def _present(run, result, user_name, device_name, path, seed=None, serial_number=None, stored_serial=None,
             secret_recipient=None, tags=None, now=None, user_planned=False, seed_stored=False):
    check_mode = run.check_mode
    result.update(_new_result(user_name))
    label = f"{path}{device_name}"
    if check_mode and user_planned:
        # An earlier task of this check-mode run would create the user: it has no device yet, and asking
        # IAM about a user that does not exist would only fail (after the eventual-consistency retries).
        result["changed"] = True
        _set_diff(result, [], [label], f"create virtual MFA device {label} and enable it for the new user {user_name}")
        return result
    client = run.client("iam")
    devices = user_mfa_devices(client, user_name)
    if devices and seed_stored and serial_number not in [d["SerialNumber"] for d in devices]:
        # Another device was enabled for the user while this run stored the seed of its own: that device can
        # never be enabled now. It goes, and so does its seed from the secrets file (the action plugin's part).
        _iam.delete_virtual_mfa_device(client, serial_number)
        result.update(serial_number=serial_number, secret_not_applied=True, changed=True)
        raise AccountGuardError(
            f"Another MFA device was enabled for IAM user {user_name} while this run stored the seed of virtual MFA device "
            f"{serial_number}: that device was deleted and its seed taken out of the secrets file. The user keeps "
            f"{', '.join(d['SerialNumber'] for d in devices)}."
        )
    if devices:
        return _compliant(result, devices)

    if seed and serial_number:
        # The serial is that of a device this run (or the previous call) has just seen or created: enable
        # it directly, without listing (a device created a moment ago may not be listed yet).
        ours = serial_number
    else:
        ours = find_unassigned(client, device_name, path)

    if ours and seed:
        return _enable(client, check_mode, result, user_name, ours, seed, now)

    if ours and stored_serial and ours == stored_serial:
        result.update(serial_number=ours, account_id=account_id_from_arn(ours))
        if check_mode:
            # A real run enables it with the stored seed; the seed need not travel for a prediction.
            result["changed"] = True
            _set_diff(result, [], [ours], f"enable the existing unassigned virtual MFA device {ours} (its seed is stored)")
            return result
        result["pending"] = PENDING_SEED_REQUIRED
        return result

    if seed:
        run.warn(
            f"The seed given for user {user_name} belongs to no unassigned virtual MFA device named {label}; "
            "a new device is created instead (IAM chooses the seed of a new device)."
        )

    if not check_mode and not secret_recipient:
        raise BadInput(
            f"No vault secret is configured to store the MFA seed of user {user_name}: run with --vault-id/--vault-password-file "
            "and set secrets_file. Stopped before creating anything that yields a secret."
        )

    orphan = ours
    if orphan:
        # An unassigned device named like ours whose seed we do not hold: left by an interrupted run (or
        # by someone else). Nobody can use it without its seed, so it is replaced.
        if check_mode:
            run.warn(
                f"The unassigned virtual MFA device {orphan} has no stored seed that this run could read; "
                "a real run would replace it with a new device."
            )
        else:
            run.warn(f"The unassigned virtual MFA device {orphan} has no stored seed; it was replaced by a new device.")
    header = f"create virtual MFA device {label} and enable it for user {user_name}"
    if orphan and check_mode:
        # A scan without the vault cannot tell a deactivated device whose seed is stored from a lost one.
        header = (f"enable the unassigned virtual MFA device {orphan} for user {user_name} from its stored seed, or replace it "
                  "if its seed is lost (this check-mode run read no stored seed)")
    elif orphan:
        header = f"delete the unassigned virtual MFA device {orphan} (its seed is lost) and " + header
    if check_mode:
        result["changed"] = True
        result["account_id"] = account_id_from_arn(orphan)
        result["serial_number"] = orphan  # same name and path: the new device gets the same serial
        _set_diff(result, [], [orphan or label], header)
        return result

    if orphan:
        _iam.delete_virtual_mfa_device(client, orphan)
        result["changed"] = True
    device = _create(client, user_name, device_name, path, tags)
    created = device["SerialNumber"]
    result.update(changed=True, serial_number=created, account_id=account_id_from_arn(created), pending=PENDING_STORE_SEED)
    seed_text = device["Base32StringSeed"]
    if isinstance(seed_text, bytes):
        seed_text = seed_text.decode("ascii")
    result["sealed_secret"] = seal(secret_recipient, {"seed": seed_text})
    _set_diff(result, [], [created], header)
    return result


def _compliant(result, devices):
    normalized = normalize_devices(devices)
    serials = [d["serial_number"] for d in normalized]
    virtual = [s for s in serials if device_type(s) == "virtual"]
    result.update(enabled=True, devices=normalized, serial_number=(virtual or serials)[0], account_id=_first_account_id(serials))
    _set_diff(result, serials, serials)
    return result


def _create(client, user_name, device_name, path, tags):
    try:
        return _iam.create_virtual_mfa_device(client, device_name, path, tags)
    except AccountGuardError as e:
        if error_code(e) == "EntityAlreadyExists":
            raise AccountGuardError(
                f"Cannot create virtual MFA device {path}{device_name} for user {user_name}: a device with that name and path "
                "already exists and is assigned to another user. Choose another device_name (or path)."
            ) from None
        raise


def _enable(client, check_mode, result, user_name, serial, seed, now=None):
    result.update(serial_number=serial, account_id=account_id_from_arn(serial))
    if check_mode:
        result["changed"] = True
        _set_diff(result, [], [serial], f"enable the existing unassigned virtual MFA device {serial} for user {user_name}")
        return result
    clock = time.time if now is None else now
    ahead = False
    for attempt in (1, 2):
        started = clock()
        # The pair a person types (the last code and the current one); after a rejection, the pair that follows.
        code1, code2 = consecutive_codes(seed, started + (STEP if ahead else 0))
        try:
            _iam.enable_mfa_device(client, user_name, serial, code1, code2)
            break
        except AccountGuardError as e:
            code = error_code(e)
            if code == "InvalidAuthenticationCode" and attempt == 1:
                # Retries of a transient error, or a slow answer, can outlive the codes: compute them again, once.
                # Otherwise IAM may have seen these codes already (the device was enabled a moment ago, then
                # deactivated): wait for the next 30-second window and try the two codes no one has used yet.
                if int(clock()) // STEP == int(started) // STEP:
                    time.sleep(STEP - clock() % STEP + 0.5)
                    ahead = True
                continue
            if code == "InvalidAuthenticationCode":
                raise AccountGuardError(
                    f"IAM rejected the MFA codes for user {user_name} and device {serial}: the codes computed from the given seed "
                    "were rejected: the seed does not belong to this device (or the clock of this host is off). "
                    "The device was left unassigned; nothing else was changed. If the stored seed is wrong, delete that "
                    "unassigned device (aws iam delete-virtual-mfa-device) and run again to get a new one."
                ) from None
            if code == "EntityAlreadyExists":
                raise AccountGuardError(
                    f"Cannot enable virtual MFA device {serial} for user {user_name}: it is already assigned. Nothing was changed."
                ) from None
            if code1 in str(e.exception) or code2 in str(e.exception):
                # Never let an error text that echoes the request carry the codes out of the module.
                raise AccountGuardError(f"{e.message} ({code or 'error'}; details withheld because they held the MFA codes)") from None
            raise
    enabled = datetime.datetime.now(datetime.timezone.utc).isoformat()
    result.update(changed=True, enabled=True, devices=[{"serial_number": serial, "enable_date": enabled, "type": "virtual"}])
    _set_diff(result, [], [serial], f"enable virtual MFA device {serial} for user {user_name}")
    return result


# ---- state=absent ------------------------------------------------------------------------------

def ensure_absent(run):
    """Deactivate and delete the user's virtual devices and our unassigned one; leave hardware/FIDO alone."""
    user_name, path = run.params["user_name"], run.params["path"]
    device_name = run.params["device_name"] or user_name
    client, check_mode, result = run.client("iam"), run.check_mode, run.result
    result.update(_new_result(user_name))
    try:
        devices = normalize_devices(user_mfa_devices(client, user_name))
    except UserNotFound:
        devices = []
    virtual = [d["serial_number"] for d in devices if d["type"] == "virtual"]
    kept = [d for d in devices if d["type"] != "virtual"]
    if kept:
        run.warn(
            f"User {user_name} keeps {len(kept)} hardware/FIDO MFA device(s) ({', '.join(d['serial_number'] for d in kept)}): "
            "this module removes only virtual MFA devices."
        )
    orphan = find_unassigned(client, device_name, path)
    before = [d["serial_number"] for d in devices]
    after = [d["serial_number"] for d in kept]
    result.update(account_id=_first_account_id(before + [orphan or ""]), devices=kept, enabled=bool(kept))
    header = None
    if virtual or orphan:
        header = "delete " + ", ".join(virtual + ([orphan] if orphan else []))
    _set_diff(result, before, after, header)
    if not (virtual or orphan):
        return result
    if check_mode:
        result["changed"] = True
        return result
    for serial in virtual:
        result["changed"] |= _iam.deactivate_mfa_device(client, user_name, serial)
        result["changed"] |= _iam.delete_virtual_mfa_device(client, serial)
    if orphan:
        result["changed"] |= _iam.delete_virtual_mfa_device(client, orphan)
    return result
