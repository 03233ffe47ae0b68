# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""accountguard.aws.handover: the one-time hand-over sheet of a user, on the controller (which holds the vault
secret), from the vaulted secrets file (see plugin_utils/_handover.py). The result never holds a secret; the QR
code reaches the terminal only when the task names the user in show_qr_for, and then the screen only (not the log)."""

from __future__ import annotations

import os
import re

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.accountguard.aws.plugins.plugin_utils import _handover
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFile
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFileError

display = Display()

ARGUMENT_SPEC = dict(
    secrets_dir=dict(type="path", required=True, no_log=False),
    account_id=dict(type="str", required=True),
    user_name=dict(type="str", required=True),
    dest=dict(type="path"),
    show_qr_for=dict(type="str"),
)

_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
_USER_NAME = re.compile(r"^[A-Za-z0-9+=,.@_-]{1,64}$")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.pop("invocation", None)
        validation = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if validation.error_messages:
            raise AnsibleActionFail("; ".join(validation.error_messages))
        args = validation.validated_parameters
        try:
            result.update(self._handover(args))
        except (_handover.HandoverError, SecretsFileError) as e:
            result.update(failed=True, changed=False, msg=e.message)
        return result

    def _handover(self, args):
        account_id, user = str(args["account_id"]), args["user_name"]
        if not _ACCOUNT_ID.match(account_id):
            raise _handover.HandoverError(f"account_id {account_id!r} is not a 12-digit AWS account id (give the inventory host's "
                                          "aws_account_id, or the id itself). Nothing was written.")
        if not _USER_NAME.match(user):
            raise _handover.HandoverError(f"user_name {user!r} is not an IAM user name. Nothing was written.")
        label = f"user {user} in account {account_id}"
        store = SecretsFile(os.path.join(args["secrets_dir"], account_id, f"{user}.yml"), self._loader._vault.secrets, label)
        if not store.exists():
            raise _handover.HandoverError(f"There is no secrets file of {label} ({store.path}): the baseline writes it when it "
                                          "creates the user's password or MFA device. Nothing was written.")
        values = store.load()
        if values.get("user_name") not in (None, user) or str(values.get("account_id") or account_id) != account_id:
            raise _handover.HandoverError(f"The secrets file {store.path} holds the secrets of user {values.get('user_name')} in account "
                                          f"{values.get('account_id')}, not of {label}. Nothing was written.")
        uri = values.get("otpauth_uri")
        if not values.get("password") and not uri:
            raise _handover.HandoverError(f"The secrets file of {label} holds neither a password nor an MFA seed: nothing to hand over.")
        values = dict(values, user_name=user, account_id=account_id)
        folder = args["dest"] or os.path.join(args["secrets_dir"], "handover", account_id)
        png_path = os.path.join(folder, f"{user}.png") if uri else None
        html_path = os.path.join(folder, f"{user}.html")
        png_bytes = _handover.png(uri) if uri else None
        sheet = _handover.page(values, png_bytes).encode("utf-8")
        check_mode = bool(self._task.check_mode)
        changed = True
        if not check_mode:
            _handover.check_folder(folder)
            changed = _handover.write_private(html_path, sheet)
            if png_path:
                changed = _handover.write_private(png_path, png_bytes) or changed
        files = [p for p in (html_path, png_path) if p]
        shown = args.get("show_qr_for") == user and uri is not None
        if shown:
            # The screen only: Ansible's log (log_path) and the task result never get it.
            heading = f"QR code of the MFA device of {label} (scan it with the authenticator app; it is the device's seed):"
            display.display(f"{heading}\n{_handover.terminal(uri)}", screen_only=True)
        written = "would be written to" if check_mode else "written to"
        return {
            "changed": changed,
            "files": files,
            "user_name": user,
            "account_id": account_id,
            "sign_in_url": values.get("sign_in_url"),
            "qr_shown": shown,
            "msg": f"Hand-over sheet of {label} {written} {', '.join(files)}. These files hold secrets (the initial password "
                   "and the MFA seed): hand them over through a channel meant for secrets, then delete them.",
        }
