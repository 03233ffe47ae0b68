"""Parse an incoming AWS API call into the facts the local AWS works with.

The request log, the fault engine and the IAM extensions all need the service, action,
calling account and parameters; the WSGI environ only has raw bytes. The body is read
once here and put back, so moto still sees it.
"""

import io
import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from localaws import motoglue

# SigV4: "AWS4-HMAC-SHA256 Credential=AKIA.../20260101/us-east-1/iam/aws4_request, ..."
_CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/[^/,\s]+/([^/,\s]+)/([^/,\s]+)/aws4_request")

READ_ONLY_PREFIXES = ("Get", "List", "Describe")
READ_ONLY_ACTIONS = frozenset({
    "GenerateCredentialReport",
    "GetCallerIdentity",
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "GetSessionToken",
    "AssumeRoot",  # only hands out a session: changes nothing in any account
})

REDACTED = "<redacted>"
SECRET_NAMES = frozenset({
    "Password", "NewPassword", "OldPassword", "AuthenticationCode1", "AuthenticationCode2",
    "SecretAccessKey", "SessionToken", "TokenCode",
})
SECRET_PARTS = ("password", "secret", "seed", "token")
# Names that contain "Password" but carry settings, not secrets; tests assert on them.
NOT_SECRET = frozenset({
    "PasswordResetRequired", "MinimumPasswordLength", "MaxPasswordAge",
    "PasswordReusePrevention", "AllowUsersToChangePassword",
})


@dataclass
class AwsRequest:
    """One AWS API call as seen on the wire. ``params`` still holds secrets; log ``safe_params()``."""

    method: str
    path: str
    service: str | None = None
    region: str | None = None
    action: str | None = None
    access_key: str | None = None
    account: str = motoglue.DEFAULT_ACCOUNT_ID
    protocol: str = "rest"
    params: dict = field(default_factory=dict)

    @property
    def mutating(self):
        """True unless the call only reads (the check-mode contract: no mutating call)."""
        return is_mutating(self.action, self.method)

    def param(self, name, default=None):
        """Return a top-level parameter."""
        return self.params.get(name, default)

    def safe_params(self):
        """Return the parameters with secret values replaced, fit for a log."""
        return redact(self.params)


def is_mutating(action, method="POST"):
    """Classify an action the way the check-mode tests need: reads are Get/List/Describe and a few STS calls."""
    if not action:
        return method.upper() not in ("GET", "HEAD", "OPTIONS")
    return not (action.startswith(READ_ONLY_PREFIXES) or action in READ_ONLY_ACTIONS)


def is_secret(name):
    """True if a parameter's value must never be logged."""
    if name in NOT_SECRET:
        return False
    return name in SECRET_NAMES or any(part in name.lower() for part in SECRET_PARTS)


def redact(value):
    """Recursively replace the values of secret-named keys."""
    if isinstance(value, dict):
        return {key: REDACTED if is_secret(str(key)) else redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def read_body(environ):
    """Read the request body and put it back into the environ for the next reader."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > 0:
        body = stream.read(length)
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _flatten(query):
    """parse_qs gives lists; AWS query parameters are single-valued."""
    return {key: values[0] if len(values) == 1 else values for key, values in query.items()}


def parse_request(environ):
    """Build an AwsRequest from a WSGI environ (reading, and restoring, the body)."""
    request = AwsRequest(method=environ.get("REQUEST_METHOD", "GET"), path=environ.get("PATH_INFO", "/"))
    body = read_body(environ)
    content_type = environ.get("CONTENT_TYPE", "")

    match = _CREDENTIAL_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if match:
        request.access_key, request.region, request.service = match.groups()
    request.account = motoglue.account_for(request.access_key, environ.get("HTTP_X_MOTO_ACCOUNT_ID"))

    params = _flatten(parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        request.protocol = "json"
        request.action = target.rsplit(".", 1)[-1]
        if body:
            try:
                loaded = json.loads(body)
            except ValueError:
                loaded = None
            if isinstance(loaded, dict):
                params.update(loaded)
    else:
        if body and content_type.startswith("application/x-www-form-urlencoded"):
            params.update(_flatten(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)))
        if "Action" in params:
            request.protocol = "query"
            request.action = params.pop("Action")
            params.pop("Version", None)
    request.params = params
    return request
