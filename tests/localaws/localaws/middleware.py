"""The WSGI middleware in front of moto: control endpoints, faults, IAM and STS extensions, request log.

Every AWS call is parsed once, checked against the injected faults, answered by an IAM
extension or by moto, and recorded (without secrets or response bodies). A call signed with the key of
an AssumeRoot session goes to localaws.rootsession whatever its service (the task policy decides).
"""

import functools
import sys
import time
import traceback
from dataclasses import dataclass

from localaws import budgets, control, motoglue, responses, rootsession, sts
from localaws.awsrequest import parse_request
from localaws.iam import HANDLERS

CONTROL_PREFIX = "/_localaws/"


def call_wsgi(app, environ):
    """Run a WSGI app and buffer its whole response."""
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = int(status.split(" ", 1)[0])
        captured["headers"] = list(headers)
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return responses.Response(captured["status"], captured["headers"], body)


@dataclass
class Call:
    """What an IAM extension handler gets: the request, the local state, and a way on to moto."""

    request: object
    state: object
    environ: dict
    app: object

    def forward(self):
        """Let moto answer the (unchanged) request, always in the service's error format.

        moto answers an action it does not have, or one its code fails on, with an HTML 500 page that no
        AWS client can parse: those become InvalidAction / UnknownOperationException (400) and
        InternalFailure (500). An action with a handler here never gets this far unless it forwards.
        """
        if motoglue.implements(self.request.service, self.request.action) is False:
            return responses.not_implemented(self.request)
        return responses.as_aws_error(call_wsgi(self.app, self.environ), self.request)

    @property
    def backend(self):
        """moto's IAM backend of the calling account."""
        return motoglue.iam_backend(self.request.account, self.request.region)


class LocalAWSApp:
    """WSGI application: moto plus the local AWS behaviour, sharing one LocalState."""

    def __init__(self, state, moto=None):
        self.state = state
        self.moto = moto or motoglue.moto_app()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(CONTROL_PREFIX):
            answer = control.handle(self.state, environ)
        else:
            answer = self.handle_aws(environ)
        start_response(answer.status_line, answer.headers)
        return [answer.body]

    def handle_aws(self, environ):
        """Answer one AWS API call and log it."""
        request = parse_request(environ)
        fault = self.state.faults.check(request)
        if fault:
            answer = responses.error(fault, protocol=request.protocol, service=request.service)
        else:
            answer = self._answer(request, environ)
            self.state.faults.observe(request, answer)
        self.state.log.add(request, answer, fault=bool(fault))
        hold = 0 if fault else self.state.faults.hold_for(request, answer)
        if hold:
            time.sleep(hold)  # logged first: a test sees the call took effect while its client still waits
        return answer

    def _answer(self, request, environ):
        call = Call(request, self.state, environ, self.moto)
        session = self.state.root_session(request.access_key)
        if session is not None:
            handler = functools.partial(rootsession.handle, session=session)
        elif request.service == "sts":
            handler = sts.HANDLERS.get(request.action)
        elif request.service == "budgets":
            handler = budgets.handle
        else:
            handler = HANDLERS.get(request.action) if request.service == "iam" else None
        if handler is None:
            return call.forward()
        try:
            return handler(call)
        except Exception:
            # A bug here must show up as a clear server error, not as a hung or garbled call.
            traceback.print_exc(file=sys.stderr)
            return responses.error("ServiceFailure", protocol=request.protocol, service=request.service)
