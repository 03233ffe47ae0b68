# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of accountguard.aws.iam_admin_user: a generated initial password reaches the vaulted
secrets file before the login profile is created with it (see plugin_utils/_secret_action.py)."""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail

from ansible_collections.accountguard.aws.plugins.module_utils import _admin_user
from ansible_collections.accountguard.aws.plugins.plugin_utils._secret_action import SecretActionBase


class ActionModule(SecretActionBase):
    MODULE = "iam_admin_user"
    LOGIC = _admin_user

    def _user(self, args):
        return args.get('name') or args.get('user_name')

    def _after(self, args, result, stored):
        # The sign-in URL a file holds follows the account's alias once the baseline knows it (not a secret).
        url = result.get("sign_in_url")
        if args.get("account_alias") and args.get("state") != "absent" and url and stored.get("sign_in_url") not in (None, url):
            return {**stored, "sign_in_url": url}
        return None

    def _finish(self, args, result):
        # A removed user's password is of no use to anyone: with forget_secrets its file goes too.
        path = args.get("secrets_file")
        if args.get("state") != "absent" or not args.get("forget_secrets") or not path or self._task.check_mode or result.get("failed"):
            return
        try:
            os.unlink(os.path.expanduser(path))
            result["secrets_removed"] = True
            result["changed"] = True
        except FileNotFoundError:
            pass
        except OSError as e:
            result.update(failed=True, msg=f"User {args.get('name')} was removed, but its secrets file {path} could not be deleted: {e.strerror}")

    def _not_stored(self, result):
        return "The generated password was not used: no login profile was created with it; the next run creates one with a new password."

    def _on_pending(self, pending, result, secret, stored):
        if pending != "store_password":
            raise AnsibleActionFail(f"iam_admin_user is waiting for '{pending}', which this action plugin does not know")
        if not secret or not secret.get("password"):
            raise AnsibleActionFail("iam_admin_user generated a password but returned none to store")
        user = result.get("user", {})
        values = {
            "user_name": user.get("user_name"),
            "account_id": result.get("account_id"),
            "sign_in_url": result.get("sign_in_url"),
            "password": secret["password"],
        }
        return values, {"password": secret["password"], "password_stored": True}
