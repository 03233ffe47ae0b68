"""The request log: what every AWS call did, without its secrets.

Tests assert on it that check mode made no mutating call and that each account was
touched through its own credentials. ``serve`` also appends each record to a JSON-lines
file for people and for tools outside the test process; that file is append-only.
"""

import json
import threading
import time
from datetime import datetime, timezone


class RequestLog:
    """Thread-safe list of request records, optionally mirrored to a JSON-lines file."""

    def __init__(self, path=None):
        self._lock = threading.Lock()
        self._records = []
        self._seq = 0
        self._path = path

    def add(self, request, response, fault=False):
        """Record one call (an AwsRequest and the Response it got); return the record."""
        with self._lock:
            self._seq += 1
            record = {
                "seq": self._seq,
                "time": datetime.fromtimestamp(time.time(), timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "service": request.service,
                "action": request.action,
                "account": request.account,
                "params": request.safe_params(),
                "status": response.status,
                "error_code": response.error_code(),
                "mutating": request.mutating,
            }
            if fault:
                record["fault"] = True
            self._records.append(record)
            if self._path:
                with open(self._path, "a", encoding="utf-8") as stream:
                    stream.write(json.dumps(record, sort_keys=True) + "\n")
            return record

    def records(self, clear=False):
        """A copy of all records; with ``clear`` the log is emptied in the same step."""
        with self._lock:
            records = list(self._records)
            if clear:
                self._records.clear()
            return records

    def clear(self):
        """Forget all records (the seq counter keeps counting, so seqs stay unique)."""
        with self._lock:
            self._records.clear()
