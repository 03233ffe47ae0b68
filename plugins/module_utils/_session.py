# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the logic of accountguard.aws.account_session (STS AssumeRole into an account).

AssumeRole changes nothing in any account, so check mode makes the same call: the nightly drift scan
needs the account's credentials as much as a real run. The credentials go into the result (the next tasks
need them); the action plugin marks that result no_log, whatever the task says. Behind the runner's
interface (see _runner.py); there is no state, so no ensure_absent.
"""

from __future__ import annotations

import datetime
import re

from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler

from ._common import AccountGuardError
from ._common import account_id_from_arn

ARGUMENT_SPEC = dict(
    role_arn=dict(type="str", required=True),
    role_session_name=dict(type="str", default="accountguard"),
    duration_seconds=dict(type="int", default=3600),
    external_id=dict(type="str", no_log=False),
    policy=dict(type="json"),
    mfa_serial_number=dict(type="str"),
    mfa_token=dict(type="str", no_log=True),
)

_ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\x21-\x7e]{1,512}$", re.ASCII)
_SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}$", re.ASCII)
_EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$", re.ASCII)


class STSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AccountGuardError


class BadInput(AccountGuardError):
    """Input rejected before any AWS call."""


def validate(params):
    arn = params["role_arn"]
    problems = []
    if not _ROLE_ARN_RE.match(arn or ""):
        problems.append(f"role_arn {arn!r} is not the ARN of an IAM role (arn:aws:iam::<12-digit account>:role/<path><name>)")
    if not _SESSION_NAME_RE.match(params["role_session_name"] or ""):
        problems.append(
            f"role_session_name {params['role_session_name']!r} must be 2 to 64 letters, digits and + = , . @ _ -"
        )
    if not 900 <= params["duration_seconds"] <= 43200:
        problems.append(f"duration_seconds must be between 900 and 43200 (15 minutes to 12 hours), not {params['duration_seconds']}")
    if params["external_id"] is not None and not _EXTERNAL_ID_RE.match(params["external_id"]):
        problems.append("external_id must be 2 to 1224 letters, digits and + = , . @ : / _ -")
    if bool(params["mfa_serial_number"]) != bool(params["mfa_token"]):
        problems.append("mfa_serial_number and mfa_token go together")
    elif params["mfa_token"] and not re.fullmatch(r"\d{6}", params["mfa_token"]):
        problems.append("mfa_token must be the six digits the MFA device shows")
    if problems:
        raise BadInput(f"Invalid input for the session in {arn!r}: " + "; ".join(problems) + ". Nothing was called.")


# Connection options that carry over to the tasks that work in the account (the profile does not: the
# session's keys replace it). Only those set are passed on, so the defaults and environment still apply.
CONNECTION_OPTIONS = ("endpoint_url", "region", "aws_ca_bundle", "aws_config")


def connection(params, keys):
    """The connection options of a task that works in the account: this task's, with the session's keys."""
    carried = {name: params[name] for name in CONNECTION_OPTIONS if params.get(name)}
    if params.get("validate_certs") is False:
        carried["validate_certs"] = False
    return dict(carried, **keys)


@STSErrorHandler.common_error_handler("assume role {arn}")
def assume_role(client, arn, **kwargs):
    return client.assume_role(RoleArn=arn, aws_retry=True, **kwargs)


def ensure_present(run):
    params = run.params
    arn = params["role_arn"]
    kwargs = {"RoleSessionName": params["role_session_name"], "DurationSeconds": params["duration_seconds"]}
    if params["external_id"]:
        kwargs["ExternalId"] = params["external_id"]
    if params["policy"]:
        kwargs["Policy"] = params["policy"]
    if params["mfa_serial_number"]:
        kwargs.update(SerialNumber=params["mfa_serial_number"], TokenCode=params["mfa_token"])
    answer = assume_role(run.client("sts"), arn, **kwargs)
    credentials, user = answer["Credentials"], answer["AssumedRoleUser"]
    account_id = account_id_from_arn(arn)
    assumed_account = account_id_from_arn(user.get("Arn"))
    if assumed_account and assumed_account != account_id:
        raise AccountGuardError(message=f"AssumeRole into {arn} answered with a session in account {assumed_account}: refusing to use it")
    expiration = credentials.get("Expiration")
    if isinstance(expiration, (datetime.datetime, datetime.date)):
        expiration = expiration.isoformat()
    keys = {"access_key": credentials["AccessKeyId"], "secret_key": credentials["SecretAccessKey"], "session_token": credentials["SessionToken"]}
    run.result.update(
        changed=False,
        account_id=account_id,
        sts_creds=dict(keys, expiration=expiration),
        connection=connection(params, keys),
        sts_user={"arn": user.get("Arn"), "assumed_role_id": user.get("AssumedRoleId")},
    )
