"""All state the local AWS keeps besides moto's: one object, one reset."""

import threading
import time

from localaws.faults import FaultEngine
from localaws.requestlog import RequestLog
from localaws.rootstate import RootRegistry


class LocalState:
    """Root states, faults, the request log, TOTP replay memory, credential-report timing, when users'
    passwords were set and the organizations' centralized root access features."""

    def __init__(self, log_path=None, report_delay=1.0):
        self.roots = RootRegistry()
        self.faults = FaultEngine()
        self.log = RequestLog(log_path)
        self.default_report_delay = report_delay
        self.report_delay = report_delay
        self.created = time.time()
        self._lock = threading.Lock()
        self._used_counters = {}  # (account, serial, seed) -> set of TOTP counters already accepted
        self._reports = {}  # account -> time the credential report was requested
        self._passwords_set = {}  # (account, moto user id) -> time the console password was last set
        # organization id -> IAM centralized root access features enabled (ListOrganizationsFeatures);
        # empty until something implements EnableOrganizationsRootCredentialsManagement / ...RootSessions.
        self.root_access_features = {}

    def reset(self):
        """Forget everything (moto itself is reset by the caller)."""
        self.roots.clear()
        self.faults.clear()
        self.log.clear()
        self.report_delay = self.default_report_delay
        with self._lock:
            self._used_counters.clear()
            self._reports.clear()
            self._passwords_set.clear()
            self.root_access_features.clear()

    def counters_used(self, key, counters):
        """True if any of these TOTP counters was already accepted for this device (a replay)."""
        with self._lock:
            return bool(self._used_counters.get(key, set()) & set(counters))

    def use_counters(self, key, counters):
        """Remember accepted TOTP counters so the same codes are not accepted twice."""
        with self._lock:
            self._used_counters.setdefault(key, set()).update(counters)

    def password_set(self, account_id, user_id, when=None):
        """Note that a user's console password was set (CreateLoginProfile, UpdateLoginProfile)."""
        with self._lock:
            self._passwords_set[(account_id, user_id)] = time.time() if when is None else when

    def password_set_at(self, account_id, user_id):
        """When the user's password was last set (a Unix time), or None if not through the local AWS."""
        with self._lock:
            return self._passwords_set.get((account_id, user_id))

    def start_report(self, account_id):
        """Note a GenerateCredentialReport call; return STARTED, INPROGRESS or COMPLETE."""
        with self._lock:
            started = self._reports.get(account_id)
            if started is None:
                self._reports[account_id] = time.time()
                return "STARTED"
        return "COMPLETE" if self.report_status(account_id)[0] else "INPROGRESS"

    def report_status(self, account_id):
        """None if no report was ever generated, else (ready?, time it became ready)."""
        with self._lock:
            started = self._reports.get(account_id)
        if started is None:
            return None
        # Readiness is judged when asked, so a test can change report_delay while a report is "generating".
        ready = started + self.report_delay
        return time.time() >= ready, ready
