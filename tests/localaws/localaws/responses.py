"""Build and inspect AWS wire responses (Query-API XML and JSON-protocol errors).

Faults and IAM extensions answer without moto, so their responses must look exactly like
AWS's for botocore to parse the error code (and for retry logic to recognise Throttling).
"""

import json
import re
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from xml.sax.saxutils import escape

NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}

# HTTP status real AWS uses for each error code we produce.
ERROR_STATUS = {
    "Throttling": 400,
    "ValidationError": 400,
    "InvalidAction": 400,
    "UnknownOperationException": 400,
    "PasswordPolicyViolation": 400,
    "InvalidAuthenticationCode": 403,
    "NoSuchEntity": 404,
    "ReportInProgress": 404,
    "ReportNotPresent": 410,
    "EntityAlreadyExists": 409,
    "DeleteConflict": 409,
    "EntityTemporarilyUnmodifiable": 409,
    "LimitExceeded": 409,
    "ServiceFailure": 500,
    "InternalFailure": 500,
}

DEFAULT_MESSAGES = {
    "Throttling": "Rate exceeded",
    "NoSuchEntity": "The request was rejected because it referenced a resource entity that does not exist.",
    "EntityTemporarilyUnmodifiable": "The request was rejected because it referenced an entity that is temporarily unmodifiable.",
    "ServiceFailure": "The request processing has failed because of an unknown error, exception or failure.",
    "InternalFailure": "The request processing has failed because of an unknown error, exception or failure.",
}

_XML_CODE_RE = re.compile(rb"<Code>([^<]+)</Code>")


@dataclass
class Response:
    """A complete, buffered HTTP response."""

    status: int
    headers: list = field(default_factory=list)
    body: bytes = b""

    @property
    def ok(self):
        """True for a 2xx answer."""
        return 200 <= self.status < 300

    @property
    def status_line(self):
        """WSGI status string."""
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Unknown"
        return f"{self.status} {phrase}"

    def header(self, name):
        """Return a header value (case-insensitive) or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def text(self):
        """Body as text."""
        return self.body.decode("utf-8")

    def with_text(self, text):
        """Return a copy with a new body and a matching Content-Length."""
        body = text.encode("utf-8")
        headers = [(key, value) for key, value in self.headers if key.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        return Response(self.status, headers, body)

    def error_code(self):
        """The AWS error code carried by a failed response, whatever its protocol."""
        if self.ok:
            return None
        header = self.header("x-amzn-ErrorType")
        if header:
            return header.split(":", 1)[0]
        match = _XML_CODE_RE.search(self.body)
        if match:
            return match.group(1).decode("utf-8", "replace")
        try:
            loaded = json.loads(self.body)
        except ValueError:
            return None
        if isinstance(loaded, dict) and loaded.get("__type"):
            return str(loaded["__type"]).rsplit("#", 1)[-1]
        return None


def request_id():
    """A fresh request id, as AWS puts on every response."""
    return str(uuid.uuid4())


def _make(status, content_type, text, extra_headers=(), rid=None):
    body = text.encode("utf-8")
    headers = [("Content-Type", content_type), ("x-amzn-RequestId", rid or request_id()), ("Content-Length", str(len(body)))]
    headers.extend(extra_headers)
    return Response(status, headers, body)


def error(code, message=None, protocol="query", service="iam", status=None):
    """An AWS error response in the caller's protocol (Query XML, JSON, or REST XML)."""
    status = status or ERROR_STATUS.get(code, 400)
    rid = request_id()
    message = message or DEFAULT_MESSAGES.get(code, code)
    error_type = "Receiver" if status >= 500 else "Sender"
    if protocol == "json":
        text = json.dumps({"__type": code, "message": message})
        return _make(status, "application/x-amz-json-1.1", text, [("x-amzn-ErrorType", code)], rid)
    if protocol == "query":
        namespace = NAMESPACES.get(service or "", NAMESPACES["iam"])
        text = (
            f'<ErrorResponse xmlns="{namespace}"><Error><Type>{error_type}</Type><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>"
        )
        return _make(status, "text/xml", text, rid=rid)
    text = f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message><RequestId>{rid}</RequestId></Error>"
    return _make(status, "application/xml", text, rid=rid)


def _what(request):
    return f"{request.service} {request.action or request.method + ' ' + request.path}"


def not_implemented(request):
    """The error AWS gives for an action it does not know, for an action the local AWS does not have.

    Query APIs (IAM, STS) answer InvalidAction, JSON APIs (Organizations) UnknownOperationException, both
    HTTP 400: a client sees a ClientError naming the action instead of failing to parse moto's HTML page.
    """
    message = f"The local AWS (moto) does not implement {_what(request)}."
    code = "UnknownOperationException" if request.protocol == "json" else "InvalidAction"
    return error(code, message, protocol=request.protocol, service=request.service)


def as_aws_error(answer, request):
    """moto's answer, unless it is a failure without an AWS error document (an HTML page when moto's code
    raised): then the error AWS would give, InternalFailure (HTTP 500) or, for a page moto has no route
    for, the unknown-action error."""
    html = (answer.header("Content-Type") or "").startswith("text/html")
    if answer.ok or not (html or (answer.status >= 500 and answer.error_code() is None)):
        return answer
    if answer.status < 500:
        return not_implemented(request)
    message = f"The local AWS (moto) failed on {_what(request)}; see the server log."
    return error("InternalFailure", message, protocol=request.protocol, service=request.service)


def query_result(action, result_xml=None, service="iam"):
    """A successful Query-API response; ``result_xml`` is the inside of <ActionResult> (None: no result element)."""
    namespace = NAMESPACES.get(service, NAMESPACES["iam"])
    rid = request_id()
    result = "" if result_xml is None else f"<{action}Result>{result_xml}</{action}Result>"
    text = (
        f'<{action}Response xmlns="{namespace}">{result}'
        f"<ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata></{action}Response>"
    )
    return _make(200, "text/xml", text, rid=rid)


def json_response(status, payload):
    """A JSON response for the control endpoints."""
    return _make(status, "application/json", json.dumps(payload))


def xml_escape(value):
    """Escape text for an XML element."""
    return escape(str(value))
