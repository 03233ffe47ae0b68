"""All state the local AWS keeps besides moto's: one object, one reset."""

import threading
import time

from localaws.faults import FaultEngine
from localaws.requestlog import RequestLog
from localaws.rootstate import RootRegistry


class LocalState:
    """Root states, faults, the request log, TOTP replay memory, credential-report timing, when users'
    passwords were set, the organizations' centralized root access features, AssumeRoot's root sessions,
    root credentials deleted through them (key and certificate numbers) and root's deactivated virtual MFA
    devices."""

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
        # organization id -> IAM centralized root access features enabled (ListOrganizationsFeatures,
        # EnableOrganizationsRootCredentialsManagement / ...RootSessions and their Disable calls).
        self.root_access_features = {}
        self.root_sessions = {}  # access key id -> rootsession.RootSession (STS AssumeRoot)
        self._root_retired = {}  # (account, "key" | "cert") -> numbers of root credentials deleted
        self._root_unassigned = {}  # account -> {virtual device name: creation time} deactivated, not deleted

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
            self.root_sessions.clear()
            self._root_retired.clear()
            self._root_unassigned.clear()

    def features(self, organization_id):
        """The centralized root access features enabled for an organization (a frozenset)."""
        with self._lock:
            return frozenset(self.root_access_features.get(organization_id, ()))

    def set_feature(self, organization_id, feature, enabled):
        """Enable or disable one feature of an organization; return the features now enabled."""
        with self._lock:
            features = self.root_access_features.setdefault(organization_id, set())
            if enabled:
                features.add(feature)
            else:
                features.discard(feature)
            return frozenset(features)

    def add_root_session(self, key_id, session):
        """Register the key of an AssumeRoot session."""
        with self._lock:
            self.root_sessions[key_id] = session

    def root_session(self, key_id):
        """The root session of an access key, or None."""
        with self._lock:
            return self.root_sessions.get(key_id or "")

    def retired(self, account_id, kind):
        """The numbers of the root's deleted access keys ("key") or signing certificates ("cert")."""
        with self._lock:
            return frozenset(self._root_retired.get((account_id, kind), ()))

    def retire(self, account_id, kind, number):
        """Note that a root credential was deleted: its number is not used again (until a reset)."""
        with self._lock:
            self._root_retired.setdefault((account_id, kind), set()).add(number)

    def unassigned_root_devices(self, account_id):
        """{name: creation time} of the root's virtual MFA devices that were deactivated and not deleted."""
        with self._lock:
            return dict(self._root_unassigned.get(account_id, {}))

    def keep_unassigned_root_device(self, account_id, name, created, keep=True):
        """Remember (or, keep=False, forget) a deactivated virtual MFA device of the root user."""
        with self._lock:
            devices = self._root_unassigned.setdefault(account_id, {})
            if keep:
                devices[name] = created
            else:
                devices.pop(name, None)

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
