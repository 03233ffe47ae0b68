"""Run the local AWS with werkzeug's threaded server on 127.0.0.1 (never any other address).

``LocalAWS`` serves from a thread of the current process (pytest fixtures, scripts);
the ``serve`` command runs the same thing in the foreground of its own process.
"""

import threading

from werkzeug.serving import make_server

from localaws import motoglue
from localaws.endpoint import Endpoint
from localaws.middleware import LocalAWSApp
from localaws.state import LocalState

HOST = "127.0.0.1"


class QuietRequestHandler(motoglue.MotoRequestHandler):
    """moto's request handler without werkzeug's per-request line on stderr (the request log has it)."""

    def log_request(self, code="-", size="-"):
        pass


class LocalAWS(Endpoint):
    """The local AWS in a background thread::

        with LocalAWS() as aws:
            boto3.client("iam", endpoint_url=aws.url, ...)
            aws.control.set_root("123456789012", mfa="virtual")
    """

    def __init__(self, port=0, log_path=None, report_delay=1.0, quiet=True):
        super().__init__()
        self.state = LocalState(log_path=log_path, report_delay=report_delay)
        self.app = LocalAWSApp(self.state)
        self._port = port
        self._handler = QuietRequestHandler if quiet else motoglue.MotoRequestHandler
        self._server = None
        self._thread = None

    @property
    def port(self):
        """The bound port (a free one when 0 was asked for)."""
        return self._server.server_port if self._server else None

    def start(self):
        """Bind and start serving; returns self."""
        if self._server is not None:
            return self
        self._server = make_server(HOST, self._port, self.app, threaded=True, request_handler=self._handler)
        self.url = f"http://{HOST}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="localaws", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stop serving and free the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
