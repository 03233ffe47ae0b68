# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of accountguard.aws.iam_virtual_mfa: keeps the device seed in the vaulted secrets file,
stored before the device is enabled (see plugin_utils/_secret_action.py)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail

from ansible_collections.accountguard.aws.plugins.module_utils import _mfa
from ansible_collections.accountguard.aws.plugins.module_utils._totp import otpauth_uri
from ansible_collections.accountguard.aws.plugins.plugin_utils._secret_action import SecretActionBase


class ActionModule(SecretActionBase):
    MODULE = "iam_virtual_mfa"
    LOGIC = _mfa

    def _user(self, args):
        return args.get('user_name')

    def _first_args(self, stored):
        # Only the serial (not a secret) travels by default; the seed goes to the module only when an
        # unassigned device with that serial is waiting to be enabled.
        if stored.get("seed") and stored.get("serial_number"):
            return {"stored_serial": stored["serial_number"]}
        return {}

    def _after(self, args, result, stored):
        # Removed devices take their seed with them: a later device of the same name (same serial) must
        # not be offered a stale seed.
        if args.get("state") == "absent" and result.get("changed") and "seed" in stored:
            return {k: v for k, v in stored.items() if k not in ("seed", "serial_number", "otpauth_uri")}
        return None

    def _not_applied(self, before, result):
        # The module deleted the device it could not enable: its seed goes too, if the file held it before.
        if before.get("serial_number") == result.get("serial_number"):
            return {k: v for k, v in before.items() if k not in ("seed", "serial_number", "otpauth_uri")}
        return before

    def _not_stored(self, result):
        return (f"The virtual MFA device {result.get('serial_number')} was created but not enabled, and its seed was not "
                "kept: the next run replaces that unassigned device with a new one.")

    def _on_pending(self, pending, result, secret, stored):
        serial = result.get("serial_number")
        if pending == "store_seed":
            if not secret or not secret.get("seed"):
                raise AnsibleActionFail(f"iam_virtual_mfa created device {serial} but returned no seed to store")
            user = result.get("user_name")
            values = {
                "user_name": user,
                "account_id": result.get("account_id"),
                "serial_number": serial,
                "seed": secret["seed"],
                "otpauth_uri": otpauth_uri(secret["seed"], f"{user}@{result.get('account_id')}"),
            }
            return values, {"seed": secret["seed"], "serial_number": serial, "seed_stored": True}
        if pending == "seed_required":
            if stored.get("serial_number") == serial and stored.get("seed"):
                return None, {"seed": stored["seed"], "serial_number": serial, "seed_stored": True}
            raise AnsibleActionFail(f"iam_virtual_mfa asked for the seed of {serial}, which the secrets file does not hold")
        raise AnsibleActionFail(f"iam_virtual_mfa is waiting for '{pending}', which this action plugin does not know")
