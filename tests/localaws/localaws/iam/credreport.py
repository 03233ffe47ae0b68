"""GenerateCredentialReport / GetCredentialReport with real timing, a <root_account> row and AWS's values.

Real IAM takes a moment to build the report (GetCredentialReport answers ReportInProgress
until then) and its first row is always the root user; moto answers instantly and has no
root row. Rows are built at GetCredentialReport time.

The values follow AWS's description of the columns (IAM User Guide, "Getting credential reports"),
which moto's own rows do not: password_last_used is no_information for a password never used for a
sign-in and N/A without a password (moto: not_supported); password_last_changed is when the password was
set and N/A without one (moto: the user's creation); password_next_rotation is a date only under a policy
with MaxPasswordAge, else N/A (moto: not_supported); *_last_rotated is N/A unless the key or certificate is
active; access keys' last used date, region and service are N/A unless the key was used (moto:
not_supported). The root user's password_enabled, password_last_changed and password_next_rotation are
always not_supported. Nothing signs in to the local AWS, so password_last_used is a date only when a test
set the root's (root state password_last_used) or moto's User.password_last_used.
"""

import base64
from datetime import datetime, timedelta, timezone

from localaws import responses
from localaws.iam.root import iso

HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
    "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,"
    "cert_2_last_rotated"
)

CSV_TIME = "%Y-%m-%dT%H:%M:%S+00:00"

DESCRIPTIONS = {
    "STARTED": "No report exists. Starting a new report generation task",
    "INPROGRESS": "Report generation task is in progress",
    "COMPLETE": "Report is complete",
}


def _flag(value):
    return "true" if value else "false"


def _unix(moment):
    """A Unix time from a moto datetime (naive means UTC) or a Unix time."""
    if isinstance(moment, datetime):
        return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()
    return moment


def _csv_time(moment):
    """A moto datetime or a Unix time, as the report writes times."""
    return iso(_unix(moment), CSV_TIME)


def _password_last_used(has_password, last_used):
    if not has_password:
        return "N/A"
    return last_used or "no_information"


def root_row(account_id, state, created):
    """The <root_account> row for one account's root state (its credentials date from the account's creation)."""
    since = iso(created, CSV_TIME)
    key_fields = []
    for index in (1, 2):
        active = state.access_keys >= index
        # Root's keys are never used: nothing can sign a local request with them.
        key_fields += [_flag(active), since if active else "N/A", "N/A", "N/A", "N/A"]
    fields = [
        "<root_account>",
        f"arn:aws:iam::{account_id}:root",
        since,
        "not_supported",
        _password_last_used(state.password, state.password_last_used),
        "not_supported",
        "not_supported",
        _flag(state.mfa != "none"),
        *key_fields,
        _flag(state.signing_certificates),
        since if state.signing_certificates else "N/A",
        "false",
        "N/A",
    ]
    return ",".join(fields)


def _key_fields(key):
    """active, last_rotated, last_used_date, last_used_region, last_used_service of one access key (or None)."""
    if key is None:
        return ["false", "N/A", "N/A", "N/A", "N/A"]
    active = key.status == "Active"
    fields = [_flag(active), _csv_time(key.create_date) if active else "N/A"]
    used = key.last_used  # moto's AccessKeyLastUsed, or a datetime set by hand
    if used is None:
        return fields + ["N/A", "N/A", "N/A"]
    when = getattr(used, "timestamp", used)
    return fields + [_csv_time(when), getattr(used, "region", None) or "N/A", getattr(used, "service", None) or "N/A"]


def _cert_fields(cert):
    active = cert is not None and cert.status == "Active"
    return [_flag(active), _csv_time(cert.upload_date) if active else "N/A"]


def user_row(user, password_set_at, max_password_age):
    """One IAM user's row from moto's model. password_set_at: Unix time or None (then the user's creation)."""
    password = bool(user.password)
    changed = _unix(user.create_date) if password_set_at is None else password_set_at
    rotation = "N/A"
    if password and max_password_age:
        rotation = _csv_time(changed + timedelta(days=max_password_age).total_seconds())
    last_used = _csv_time(user.password_last_used) if user.password_last_used else None
    keys = list(user.access_keys)[:2] + [None, None]
    certs = list(user.signing_certificates.values())[:2] + [None, None]
    fields = [
        user.name,
        user.arn,
        _csv_time(user.create_date),
        _flag(password),
        _password_last_used(password, last_used),
        _csv_time(changed) if password else "N/A",
        rotation,
        _flag(user.mfa_devices),
        *_key_fields(keys[0]),
        *_key_fields(keys[1]),
        *_cert_fields(certs[0]),
        *_cert_fields(certs[1]),
    ]
    return ",".join(fields)


def generate_credential_report(call):
    """STARTED on the first call, INPROGRESS until the report is ready, COMPLETE after."""
    call.backend.generate_report()
    state = call.state.start_report(call.request.account)
    xml = f"<State>{state}</State><Description>{DESCRIPTIONS[state]}</Description>"
    return responses.query_result("GenerateCredentialReport", xml)


def get_credential_report(call):
    """ReportNotPresent before any Generate, ReportInProgress until ready, then the CSV."""
    status = call.state.report_status(call.request.account)
    if status is None:
        return responses.error("ReportNotPresent", "Credential report not present", status=410)
    ready, ready_at = status
    if not ready:
        return responses.error("ReportInProgress", "Credential report is still being generated.", status=404)
    account = call.request.account
    backend = call.backend
    policy = backend.account_password_policy
    max_age = policy.max_password_age if policy is not None and policy.expire_passwords else None
    users = [user_row(user, call.state.password_set_at(account, user.id), max_age) for user in list(backend.users.values())]
    root = root_row(account, call.state.roots.get(account), call.state.created)
    csv = "\n".join([HEADER, root, *users]) + "\n"
    content = base64.b64encode(csv.encode("utf-8")).decode("ascii")
    xml = f"<Content>{content}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>{iso(ready_at)}</GeneratedTime>"
    return responses.query_result("GetCredentialReport", xml)


HANDLERS = {
    "GenerateCredentialReport": generate_credential_report,
    "GetCredentialReport": get_credential_report,
}
