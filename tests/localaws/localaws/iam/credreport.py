"""GenerateCredentialReport / GetCredentialReport with real timing and a <root_account> row.

Real IAM takes a moment to build the report (GetCredentialReport answers ReportInProgress
until then) and its first row is always the root user; moto answers instantly and has no
root row. Users' rows are moto's own, built at GetCredentialReport time.
"""

import base64

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


def root_row(account_id, state, created):
    """The <root_account> row for one account's root state."""
    since = iso(created, CSV_TIME)
    key_fields = []
    for index in (1, 2):
        active = state.access_keys >= index
        key_fields += [_flag(active), since if active else "N/A", "N/A", "N/A", "N/A"]
    fields = [
        "<root_account>",
        f"arn:aws:iam::{account_id}:root",
        since,
        "not_supported",
        since if state.password else "no_information",
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
    backend = call.backend
    backend.generate_report()
    user_rows = backend.get_credential_report().splitlines()[1:]
    root = root_row(call.request.account, call.state.roots.get(call.request.account), call.state.created)
    csv = "\n".join([HEADER, root, *user_rows]) + "\n"
    content = base64.b64encode(csv.encode("utf-8")).decode("ascii")
    xml = f"<Content>{content}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>{iso(ready_at)}</GeneratedTime>"
    return responses.query_result("GetCredentialReport", xml)


HANDLERS = {
    "GenerateCredentialReport": generate_credential_report,
    "GetCredentialReport": get_credential_report,
}
