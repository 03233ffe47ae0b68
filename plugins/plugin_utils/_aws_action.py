# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the action plugin of every AWS module of the collection.

On the controller (connection local, no become: the normal case for AWS modules) the module's logic runs
right here, in Ansible's worker process, instead of in a module process of its own: the same logic file,
argument spec, runner (module_utils/_runner.py), retries, results, diffs, warnings and errors, without
the AnsiballZ payload, the Python start-up and the boto3 import that every module task otherwise pays.
Elsewhere (delegated to another host, become, no boto3 on the controller, or asked for with the variable
accountguard_aws_module_process) the module runs as Ansible runs any module.

Why it is cheap: ansible-core's strategies import a task's action plugin in the main process before they
fork the worker, so this file's imports (boto3, botocore) and the botocore session it warms up (service
models, endpoint rules) are paid once per run and inherited by every worker. A client then costs a few
milliseconds. The session is shared for data only: credentials are resolved per client, in the worker.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import traceback
from io import StringIO

from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.common.validation import check_type_bool
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.release import __version__ as ANSIBLE_VERSION
from ansible.utils.display import Display

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleBotocoreError
from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

from ansible_collections.accountguard.aws.plugins.module_utils._catalog import fqcn
from ansible_collections.accountguard.aws.plugins.module_utils._common import AccountGuardError
from ansible_collections.accountguard.aws.plugins.module_utils._runner import Run
from ansible_collections.accountguard.aws.plugins.module_utils._runner import execute
from ansible_collections.accountguard.aws.plugins.module_utils._runner import failure

try:
    # amazon.aws's connection helpers need boto3, as the modules do.
    import boto3  # noqa: F401  pylint: disable=unused-import
    import botocore.config
    import botocore.exceptions
    import botocore.session

    from ansible_collections.amazon.aws.plugins.module_utils.botocore import _aws_connection_info
    from ansible_collections.amazon.aws.plugins.module_utils.botocore import check_sdk_version_supported
    from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
    HAS_BOTO = True
except ImportError:
    HAS_BOTO = False

display = Display()

# Forces the module process for a task, a play or a host (for example to use another boto3 under
# ansible_python_interpreter); the environment variable does it for a whole run.
FORCE_MODULE_VAR = "accountguard_aws_module_process"
FORCE_MODULE_ENV = "ACCOUNTGUARD_AWS_MODULE_PROCESS"

USER_AGENT = f"APN/1.0 Ansible/{ANSIBLE_VERSION} accountguard.aws"
# Services whose models are loaded in the main process, so that no worker parses them again.
WARM_SERVICES = ("iam", "sts")


# ---- botocore sessions: one per process (and profile), warm before the fork ----------------------

_sessions = {}
# Clients of this worker, by service and connection: the items of a loop (one worker) share them.
_clients = {}


def _session(profile=None):
    """The shared botocore session (or, for a named profile, one per profile that shares its data loader:
    building a session registers ~2,500 event handlers, which costs more than a client)."""
    if profile not in _sessions:
        session = botocore.session.Session(profile=profile)
        if profile is not None:
            session.register_component("data_loader", _session().get_component("data_loader"))
        _sessions[profile] = session
    return _sessions[profile]


def warm_up():
    """Load the service models and endpoint rules of WARM_SERVICES in this (the main) process. No request
    is sent and no credential is resolved: the clients are built with dummy keys and then dropped."""
    if not HAS_BOTO or None in _sessions:
        return
    try:
        loader = _session().get_component("data_loader")
        for service in WARM_SERVICES:
            _session().create_client(service, region_name="us-east-1", aws_access_key_id="warm-up", aws_secret_access_key="warm-up")
            loader.load_service_model(service, "paginators-1")
    except Exception as e:  # a broken AWS configuration must surface in the task that uses it, not here
        _sessions.clear()
        display.vvvv(f"accountguard.aws: botocore warm-up skipped: {e}")


def _configured_region(profile):
    """The region of the AWS config files (for `profile`), or None."""
    try:
        return _session(profile).get_config_variable("region")
    except botocore.exceptions.BotoCoreError:
        return None


def _client_factory(module_name, params):
    """The runner's client factory for the worker: amazon.aws's connection rules over the module's params."""

    def create(service, retry, keys=None):
        if keys:  # a session the run obtained (sts:AssumeRoot): its keys replace the connection's credentials
            return _client_factory(module_name, dict(params, profile=None, **keys))(service, retry)
        region = params.get("region") or _configured_region(params.get("profile") or None)
        try:
            # The region is resolved here from the shared session: amazon.aws would build a boto3 Session for it.
            endpoint_url, boto_params = _aws_connection_info(dict(params, region=region or "resolved-above"))[1:]
        except AnsibleBotocoreError as e:
            raise AccountGuardError(message=e.message) from None
        profile = boto_params.pop("profile_name", None)
        config = botocore.config.Config(user_agent=USER_AGENT)
        extra = boto_params.pop("aws_config", None)
        if extra is not None:
            config = config.merge(extra)
        key = (service, region, endpoint_url, profile, repr(params.get("aws_config")), tuple(sorted(boto_params.items())))
        if key in _clients:
            return RetryingBotoClientWrapper(_clients[key], retry)
        try:
            client = _clients[key] = _session(profile).create_client(service, region_name=region, endpoint_url=endpoint_url, config=config, **boto_params)
        except botocore.exceptions.NoRegionError:
            raise AccountGuardError(
                message=f"The {module_name} module requires a region and none was found in configuration, environment variables or module parameters"
            ) from None
        except (ValueError, botocore.exceptions.BotoCoreError) as e:
            raise AccountGuardError(message="Couldn't connect to AWS", exception=e) from None
        return RetryingBotoClientWrapper(client, retry)

    return create


# ---- one module run in the worker ----------------------------------------------------------------

@contextlib.contextmanager
def task_environment(environment):
    """The task's `environment:` in os.environ while the module runs (a module process would get it)."""
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update({key: str(value) for key, value in environment.items()})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def endpoint_log(enabled):
    """What AnsibleAWSModule does for debug_botocore_endpoint_logs: the service:operation pairs called."""
    if not enabled:
        yield None
        return
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("botocore.endpoint")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    actions = []
    try:
        yield actions
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        for line in stream.getvalue().splitlines():
            operation = re.search(r"OperationModel\(name=(.*?)\)", line)
            host = re.search(r"https?://(.*?)\.", line)
            if operation and host:
                actions.append(f"{host.group(1)}:{operation.group(1)}")
        actions[:] = sorted(set(actions))


def validation_error(validation, module_name):
    """The message AnsibleModule fails with for an argument spec validation's errors, or None."""
    errors = list(validation.errors)
    if not errors:
        return None
    if isinstance(errors[0], UnsupportedError):
        return f"Unsupported parameters for ({module_name}) module: {validation.errors.msg}"
    return validation.errors.msg


def run_in_worker(logic, module_name, args, check_mode, diff, environment=None, inject_invocation=False):
    """One run of a module's logic in this process: the module's argument spec (with amazon.aws's
    connection options), the runner, and the result a module process would return. Secrets given as
    no_log options are masked everywhere in it, as AnsibleModule masks them."""
    spec = aws_argument_spec()
    spec.update(logic.ARGUMENT_SPEC)
    no_log_values = set()
    warnings = []
    try:
        with task_environment(environment or {}):
            validation = ArgumentSpecValidator(spec).validate(args)  # env fallbacks read the task's environment
            no_log_values = validation._no_log_values
            warnings += [f"Both option {w['option']} and its alias {w['alias']} are set." for w in validation._warnings]
            msg = validation_error(validation, module_name)
            if msg:
                failed = {"failed": True, "msg": msg}
                if inject_invocation:
                    failed["invocation"] = {"module_args": validation.validated_parameters}
                return plain(remove_values(failed, no_log_values))
            params = validation.validated_parameters
            check_sdk_version_supported(warn=warnings.append)
            run = Run(params, check_mode, diff, _client_factory(module_name, params))
            with endpoint_log(params.get("debug_botocore_endpoint_logs")) as actions:
                error = execute(logic, run)
    except Exception as e:  # a bug must be a clear failure of this task, with no secret in it
        return plain(remove_values({
            "failed": True,
            "msg": f"Unexpected failure in {module_name}: {type(e).__name__}: {e}",
            "exception": traceback.format_exc(),
        }, no_log_values))
    result = run.result if error is None else failure(error, run.result, with_traceback=_error_tracebacks())
    warnings += run.warnings
    if warnings:
        result["warnings"] = list(dict.fromkeys(warnings))
    if actions is not None:
        result["resource_actions"] = actions
    if inject_invocation:
        result["invocation"] = {"module_args": params}
    return plain(remove_values(result, no_log_values))


def _error_tracebacks():
    """Whether a failed module returns its traceback: on ansible-core 2.19+ only when error tracebacks are
    enabled (DISPLAY_TRACEBACK), always before."""
    try:
        from ansible.module_utils._internal import _traceback
    except ImportError:
        return True
    return _traceback.is_traceback_enabled(_traceback.TracebackEvent.ERROR)


def plain(result):
    """The result as a module process returns it: JSON data only (no datetime, no Ansible-tagged or trusted
    strings carried over from the task's arguments)."""
    return json.loads(json.dumps(result, default=str))


# ---- the action plugin ---------------------------------------------------------------------------

class MaskedArgs(dict):
    """Module arguments whose secret values never show when the dict is printed (ansible-core's debug output prints
    the arguments of every module it ran); the module still gets them, as JSON."""

    def __init__(self, values, secrets):
        super().__init__(values)
        self._secrets = frozenset(secrets)

    def __repr__(self):
        return repr({k: ("********" if k in self._secrets else v) for k, v in self.items()})

    __str__ = __repr__


class AWSActionBase(ActionBase):
    """Subclasses set MODULE (the module's name) and LOGIC (its logic file in module_utils)."""

    MODULE = None
    LOGIC = None
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        try:
            return self.run_step(dict(self._task.args), task_vars)
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)

    def run_step(self, args, task_vars):
        """The whole of one module run with `args` (the task's, or those accountguard.aws.baseline gives a step)."""
        return self._run_aws(args, task_vars)

    def _run_aws(self, args, task_vars, secrets=()):
        """One run of the module with `args`: in this worker where it can, else as a module process. `secrets`: the
        names of the arguments that carry a secret (a password or seed the module must use)."""
        reason = self._module_process_reason(task_vars or {})
        if reason:
            display.vvv(f"{fqcn(self.MODULE)}: running as a module process ({reason})", host=self._play_context.remote_addr)
            if secrets:
                return self._execute_with_secrets(args, task_vars, secrets)
            return self._execute_module(module_name=fqcn(self.MODULE), module_args=args, task_vars=task_vars)
        display.vvv(f"{fqcn(self.MODULE)}: running in the controller's worker", host=self._play_context.remote_addr)
        return run_in_worker(
            self.LOGIC, fqcn(self.MODULE), args, self._task.check_mode, self._task.diff,
            environment=self._environment(), inject_invocation=self._inject_invocation(task_vars or {}),
        )

    def _execute_with_secrets(self, args, task_vars, secrets):
        """A module process that must use a secret gets it with no file holding it, not even for the length of the
        call: through the connection's pipelining (the module and its arguments go to the interpreter's stdin;
        without it Ansible writes them to a file in the remote tmp folder), and never in a debug line."""
        connection = self._connection
        previous = None
        try:
            try:
                previous = connection.get_option("pipelining")
                connection.set_option("pipelining", True)
            except (KeyError, AnsibleError):
                previous = None
            if not self._is_pipelining_enabled("new"):
                return {"failed": True, "changed": False, "msg": (
                    f"{fqcn(self.MODULE)} would have to write the {' and '.join(secrets)} to a file for its module process on "
                    f"{self._play_context.remote_addr}: that connection cannot pipeline here (become, or ANSIBLE_KEEP_REMOTE_FILES?). "
                    "Run the task on the controller (connection local), or where pipelining works. The secret stays in the vault file."
                )}
            return self._execute_module(module_name=fqcn(self.MODULE), module_args=MaskedArgs(args, secrets), task_vars=task_vars)
        finally:
            if previous is not None:
                connection.set_option("pipelining", previous)

    def _module_process_reason(self, task_vars):
        """Why this task must run as a module process, or None when it runs in the worker."""
        if not HAS_BOTO:
            return "the controller's Python has no boto3/botocore"
        forced = task_vars.get(FORCE_MODULE_VAR, os.environ.get(FORCE_MODULE_ENV, False))
        if check_type_bool(self._templar.template(forced)):
            return f"{FORCE_MODULE_VAR} is set"
        if self._connection.transport != "local":
            return f"the task runs on another host (connection {self._connection.transport})"
        if self._play_context.become:
            return "become is set: the module runs as another user"
        return None

    def _environment(self):
        """The task's `environment:` keyword, templated and merged as ActionBase does for a module."""
        merged = {}
        environments = self._task.environment
        if environments is None:
            return merged
        if not isinstance(environments, list):
            environments = [environments]
        for environment in environments:
            if not environment:
                continue
            value = self._templar.template(environment)
            if not isinstance(value, dict):
                raise AnsibleError(f"environment must be a dictionary, received {value} ({type(value)})")
            merged.update(value)
        return merged

    @staticmethod
    def _inject_invocation(task_vars):
        from ansible import constants as C

        try:
            return bool(C.config.get_config_value("INJECT_INVOCATION", variables=task_vars))
        except Exception:  # ansible-core before 2.19 always returned the invocation
            return True


warm_up()
