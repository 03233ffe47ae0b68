"""The control endpoints under /_localaws/: JSON in, JSON out, never logged.

Tests use them to reset everything, set the root user's state, inject faults and read
the request log.
"""

import hmac
import json
import re
from urllib.parse import parse_qs

from localaws import motoglue, responses
from localaws.awsrequest import read_body
from localaws.rootstate import ACCOUNT_RE

_ROOT_RE = re.compile(r"^/_localaws/root/([^/]+)/?$")


def _ok(payload=None):
    return responses.json_response(200, {"ok": True} if payload is None else payload)


def _fail(status, message):
    return responses.json_response(status, {"error": message})


def _json_body(environ):
    body = read_body(environ)
    if not body.strip():
        return {}
    return json.loads(body)


def _password_matches(body):
    """Whether `password` is the console password of `user` in `account` (what a sign-in would check). The
    answer is yes or no: the local AWS never hands a password out, and control calls are not logged."""
    account, user, password = body.get("account"), body.get("user"), body.get("password")
    if not (isinstance(account, str) and ACCOUNT_RE.match(account) and isinstance(user, str) and isinstance(password, str)):
        raise ValueError("password-check needs account (12 digits), user and password")
    found = motoglue.iam_backend(account).users.get(user)
    known = getattr(found, "password", None)
    return bool(known) and hmac.compare_digest(known.encode("utf-8"), password.encode("utf-8"))


def handle(state, environ):
    """Dispatch one control request."""
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = environ.get("PATH_INFO", "")
    try:
        return _route(state, method, path, environ)
    except ValueError as exc:  # bad JSON or a rejected value
        return _fail(400, str(exc))


def _route(state, method, path, environ):
    path = path.rstrip("/") or path
    if path == "/_localaws/health" and method == "GET":
        return _ok()
    if path == "/_localaws/reset" and method == "POST":
        motoglue.reset_moto()
        state.reset()
        return _ok()
    if path == "/_localaws/requests":
        if method == "GET":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            clear = query.get("clear", ["false"])[0].lower() in ("1", "true", "yes")
            return _ok(state.log.records(clear=clear))
        if method == "DELETE":
            state.log.clear()
            return _ok()
    if path == "/_localaws/faults":
        if method == "GET":
            return _ok(state.faults.config())
        if method == "PUT":
            state.faults.configure(_json_body(environ))
            return _ok(state.faults.config())
        if method == "DELETE":
            state.faults.clear()
            return _ok()
    if path == "/_localaws/settings" and method == "PUT":
        body = _json_body(environ)
        delay = body.get("report_delay")
        if not isinstance(delay, (int, float)) or delay < 0:
            return _fail(400, "report_delay must be a number of seconds >= 0")
        state.report_delay = float(delay)
        return _ok({"report_delay": state.report_delay})
    if path == "/_localaws/password-check" and method == "POST":
        return _ok({"matches": _password_matches(_json_body(environ))})
    match = _ROOT_RE.match(path)
    if match:
        account_id = match.group(1)
        if not ACCOUNT_RE.match(account_id):
            return _fail(400, "account id must be 12 digits")
        if method == "GET":
            return _ok(state.roots.get(account_id).to_dict())
        if method == "PUT":
            return _ok(state.roots.update(account_id, _json_body(environ)).to_dict())
    known = path in ("/_localaws/health", "/_localaws/reset", "/_localaws/requests", "/_localaws/faults", "/_localaws/settings",
                     "/_localaws/password-check") or match
    return _fail(405 if known else 404, f"no control endpoint {method} {path}")
