# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the controller side of modules that yield secrets.

The module's logic does the AWS work (in this worker on the controller, or as a module process elsewhere:
see _aws_action.py); this action plugin runs on the controller around it, because only the controller
holds the play's vault secret. The exchange, per task, is the same either way:

1. If `secrets_file` is set and exists, it is decrypted first: a wrong vault password or a corrupt
   file stops the task before any AWS call. Non-secret hints from it (such as the stored device
   serial) go to the module; secrets do not, unless the module asks.
2. When a vault secret can encrypt and this is not check mode, a one-use key pair is made and its
   public half passed as `secret_recipient`. Without it the module refuses to create anything that
   yields a secret.
3. A module that needs the controller returns `pending` (what it waits for) and, where it obtained a
   secret, `sealed_secret`. This plugin opens it, writes the vault file (atomically, 0600) and calls
   the module again with what it needs to finish: the order "stored before used" holds across crashes.
4. `sealed_secret`/`pending` never leave this plugin; the task result holds no secret.
"""

from __future__ import annotations

import contextlib

from ansible.errors import AnsibleActionFail

from ansible_collections.accountguard.aws.plugins.module_utils._sealed import Recipient
from ansible_collections.accountguard.aws.plugins.module_utils._sealed import SealError
from ansible_collections.accountguard.aws.plugins.plugin_utils._aws_action import AWSActionBase
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFile
from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import SecretsFileError

MAX_ROUNDS = 3
# The arguments of a follow-up call that carry a secret.
SECRET_ARGS = ("password", "seed")
_INTERNAL_KEYS = ("sealed_secret", "pending", "secret_not_applied")


class SecretActionBase(AWSActionBase):
    """Subclasses set MODULE and LOGIC and define `_first_args(stored)` and `_on_pending(pending, result, secret, stored)`."""

    def _label(self, args):
        return f"user {self._user(args)}"

    def _user(self, args):
        raise NotImplementedError

    def _first_args(self, stored):
        """Extra, non-secret module arguments derived from the stored file."""
        return {}

    def _on_pending(self, pending, result, secret, stored):
        """-> (values to store or None, extra module args for the next call)."""
        raise NotImplementedError

    def _after(self, args, result, stored):
        """The stored mapping as it must be after a successful real run, or None to leave the file as it is."""
        return None

    def _not_applied(self, before, result):
        """What the file must hold when the module could not apply the secret it was given: as it was before."""
        return before

    def _not_stored(self, result):
        """What a run that could not store the secret it obtained left in AWS, and what the next run does with it."""
        return "The secret was not used; the next run starts again from what AWS holds."

    def _finish(self, args, result):
        """Last words on the result of the whole conversation (it may still fail it)."""

    def run_step(self, args, task_vars):
        args = dict(args)
        args.pop("secret_recipient", None)  # only this plugin sets it
        check_mode = bool(self._task.check_mode)
        if args.get("secrets_file") == "":
            return {"failed": True, "changed": False, "msg": f"secrets_file of {self._label(args)} is empty: give the path of its vault file."}
        store = SecretsFile(args["secrets_file"], self._loader._vault.secrets, self._label(args)) if args.get("secrets_file") else None
        try:
            # A real run holds the folder from the first read of the file to its last write: two runs never work
            # from the same file at once, and a file is always re-read under the lock before it is written.
            with store.lock() if store is not None and not check_mode else contextlib.nullcontext():
                return self._run_with(store, args, task_vars, check_mode)
        except SecretsFileError as e:
            return {"failed": True, "changed": False, "msg": e.message}
        finally:
            # In a module process, the module's arguments sat in this folder (never a secret: see _secret_call).
            self._remove_tmp_path(self._connection._shell.tmpdir)

    def _run_with(self, store, args, task_vars, check_mode):
        stored = {}
        # Check mode without a vault secret still scans (the nightly drift run needs no vault).
        if store is not None and store.exists() and (store.can_encrypt or not check_mode):
            stored = store.load()
            self._check_owner(store, stored, args)
        recipient = None
        if store is not None and store.can_encrypt and not check_mode:
            store.check_writable()
            store.check_same_vault()
            recipient = Recipient()
            args["secret_recipient"] = recipient.public
        args.update(self._first_args(stored))
        return self._converse(args, task_vars, store, stored, recipient)

    def _check_owner(self, store, stored, args, account_id=None):
        """A file of another user or account (a link, a copy) must not be read as this one's."""
        user = self._user(args)
        found_user, found_account = stored.get("user_name"), stored.get("account_id")
        if user and found_user and found_user != user:
            raise SecretsFileError(f"The secrets file {store.path} holds the secrets of user {found_user}, not of {self._label(args)}: "
                                   "it is another user's file (a link or a copy?). It was left untouched and nothing was changed.")
        if account_id and found_account and str(found_account) != str(account_id):
            raise SecretsFileError(f"The secrets file {store.path} holds the secrets of account {found_account}, but {self._label(args)} "
                                   f"is in account {account_id}: it is another account's file. It was left untouched; no secret of it was used.")

    def _converse(self, args, task_vars, store, stored, recipient):
        before = dict(stored)  # the file as it was: what it holds again if a stored secret could not be applied
        result = self._run_aws(args, task_vars)
        if store is not None and stored and result.get("account_id") and not result.get("failed"):
            self._check_owner(store, stored, args, result["account_id"])
        rounds = 0
        while result.get("pending") and not result.get("failed") and rounds < MAX_ROUNDS:
            rounds += 1
            to_store = None
            try:
                secret = recipient.open(result["sealed_secret"]) if result.get("sealed_secret") and recipient else None
                to_store, next_args = self._on_pending(result["pending"], result, secret, stored)
                if to_store:
                    stored = {**stored, **to_store}
                    store.save(stored)
                    result.setdefault("secrets_stored", [])
                    result["secrets_stored"] = sorted(set(result["secrets_stored"]) | set(k for k in to_store if k in ("password", "seed")))
            except (SealError, SecretsFileError, AnsibleActionFail) as e:
                msg = getattr(e, "message", None) or str(e)
                if result.get("account_id"):
                    msg = f"Account {result['account_id']}, {self._label(args)}: {msg}"
                if to_store:
                    msg = f"{msg} {self._not_stored(result)}"
                self._strip(result)
                result.update(failed=True, msg=msg)
                return result
            follow = self._run_aws({**args, **next_args}, task_vars, secrets=[k for k in SECRET_ARGS if k in next_args])
            result = self._merge(result, follow)
            if follow.get("secret_not_applied"):
                # AWS does not hold what the file now says (another hand got there first): put the file back.
                try:
                    store.restore(self._not_applied(before, follow))
                except SecretsFileError as e:
                    result["msg"] = f"{result.get('msg')} The secrets file could not be put back: {e.message}"
                result.pop("secrets_stored", None)
        if result.get("pending") and not result.get("failed"):
            result.update(failed=True, msg=f"The module still waits for '{result['pending']}' after {MAX_ROUNDS} rounds; nothing more was done.")
        if store is not None and stored and not result.get("failed") and not self._task.check_mode:
            remaining = self._after(args, result, stored)
            if remaining is not None:
                try:
                    store.save(remaining)
                except SecretsFileError as e:
                    result.update(failed=True, msg=e.message)
        self._finish(args, result)
        self._strip(result)
        if store is not None and result.get("secrets_stored"):
            result["secrets_file"] = store.path
        return result

    @staticmethod
    def _strip(result):
        for key in _INTERNAL_KEYS:
            result.pop(key, None)
        invocation = result.get("invocation", {}).get("module_args", {})
        invocation.pop("secret_recipient", None)

    @staticmethod
    def _merge(first, follow):
        merged = dict(follow)
        merged["changed"] = bool(first.get("changed") or follow.get("changed"))
        if "created" in first or "created" in follow:
            merged["created"] = bool(first.get("created") or follow.get("created"))
        if first.get("secrets_stored"):
            merged["secrets_stored"] = first["secrets_stored"]
        if "diff" in first or "diff" in follow:
            before = (first.get("diff") or {}).get("before", (follow.get("diff") or {}).get("before"))
            after = (follow.get("diff") or {}).get("after", (first.get("diff") or {}).get("after"))
            merged["diff"] = {"before": before, "after": after}
            # The first call's header tells the whole change (create and enable), the follow-up's only its part.
            header = (first.get("diff") or {}).get("after_header") or (follow.get("diff") or {}).get("after_header")
            if header:
                merged["diff"]["after_header"] = header
        return merged
