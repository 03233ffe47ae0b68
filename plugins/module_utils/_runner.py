# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the one runner of every AWS module of the collection.

validate -> clients -> ensure present (or absent) -> result and diff -> errors, the same whichever way a
module runs:

- as a module process, from the module's main() (run_module below): where the task runs on another
  host, or the controller's Python lacks boto3;
- inside Ansible's worker on the controller, from the module's action plugin
  (plugins/plugin_utils/_aws_action.py), which validates the same argument spec and calls execute().

Each logic file (module_utils/_<name>.py) offers the same small interface:

    ARGUMENT_SPEC          the module's own options (the AWS connection options are added by the runner)
    validate(params)       every check that needs no AWS call; raises AccountGuardError (BadInput)
    ensure_present(run)    read -> compare -> apply unless run.check_mode -> fill run.result
    ensure_absent(run)     the same for state=absent; only where the module has a `state` option

Not a public API: may change without notice.
"""

from __future__ import annotations

import traceback

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.common.warnings import warn as module_warn

from ansible_collections.amazon.aws.plugins.module_utils.botocore import gather_sdk_versions
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ._common import RETRY
from ._common import AccountGuardError

# What a logic file may leave in run.result for its action plugin only; never part of a failure.
INTERNAL_KEYS = ("sealed_secret", "pending")


class Run:
    """One run of a module: its validated parameters, modes and clients, the warnings it gives, and the
    result it builds as it goes (so that a failure half-way still reports what was done)."""

    def __init__(self, params, check_mode, diff, client_factory):
        self.params = params
        self.check_mode = bool(check_mode)
        self.diff = bool(diff)
        self.result = {"changed": False}
        self.warnings = []
        self._client_factory = client_factory
        self._clients = {}

    def client(self, service):
        """The run's client for `service` (one per service and run), with the collection's retry policy
        available to every call through aws_retry=True."""
        if service not in self._clients:
            self._clients[service] = self._client_factory(service, RETRY)
        return self._clients[service]

    def client_as(self, service, keys):
        """A client for `service` with other credentials (`keys`: access_key, secret_key, session_token: a session this
        run obtained, such as sts:AssumeRoot's) and this run's other connection settings (endpoint, region, CA
        bundle); one per service and key."""
        cache = (service, keys["access_key"])
        if cache not in self._clients:
            self._clients[cache] = self._client_factory(service, RETRY, keys)
        return self._clients[cache]

    def warn(self, message):
        self.warnings.append(message)


def execute(logic, run):
    """Run a logic file over `run`. Returns None on success (run.result holds the result), or the
    AccountGuardError that stopped it (run.result then holds what was done before)."""
    try:
        logic.validate(run.params)
        if run.params.get("state") == "absent":
            logic.ensure_absent(run)
        else:
            logic.ensure_present(run)
    except AccountGuardError as error:
        for key in INTERNAL_KEYS:
            run.result.pop(key, None)
        return error
    finally:
        if not run.diff:
            run.result.pop("diff", None)
    return None


def failure(error, partial, with_traceback=True):
    """The failed result of an AccountGuardError, as AnsibleAWSModule.fail_json_aws builds it: the message
    with the AWS error's, the SDK versions and the error response in snake_case, plus `partial`; the
    traceback when `with_traceback` (ansible-core 2.19+ returns it only when error tracebacks are on)."""
    result = dict(partial, failed=True, msg=error.message)
    inner = error.exception
    if inner is None:
        return result
    detail = to_native(getattr(inner, "message", None) or inner)
    result["msg"] = f"{error.message}: {detail}" if error.message else detail
    if with_traceback:
        result["exception"] = "".join(traceback.format_exception(type(inner), inner, inner.__traceback__))
    result.update(gather_sdk_versions())
    response = getattr(inner, "response", None)
    if response is not None:
        result.update(camel_dict_to_snake_dict(response))
    return result


def _boto3_keys(keys):
    """boto3's names for a session's keys (none: the module's own connection)."""
    if not keys:
        return {}
    return {"aws_access_key_id": keys["access_key"], "aws_secret_access_key": keys["secret_key"],
            "aws_session_token": keys.get("session_token"), "profile_name": None}


def run_module(logic, **module_kwargs):
    """main() of a module: AnsibleAWSModule over the logic file's argument spec, then execute()."""
    module = AnsibleAWSModule(argument_spec=logic.ARGUMENT_SPEC, supports_check_mode=True, **module_kwargs)
    run = Run(module.params, module.check_mode, module._diff, lambda service, retry, keys=None: module.client(
        service, retry_decorator=retry, **_boto3_keys(keys)))
    error = execute(logic, run)
    # AnsibleAWSModule.warn() would make exit_json pass `warnings` to AnsibleModule, which ansible-core 2.19+
    # answers with a deprecation warning; the plain warning API gives the same result without it.
    for message in run.warnings:
        module_warn(message)
    if error is None:
        module.exit_json(**run.result)
    if error.exception is not None:
        module.fail_json_aws(error.exception, msg=error.message, **run.result)
    module.fail_json(msg=error.message, **run.result)
