"""The root user's credentials per account, set by tests because no API can set them.

Real IAM reports the root user's MFA, password, access keys and signing certificates
(GetAccountSummary, ListVirtualMFADevices, the credential report), but only a human at
the console can change them. Tests set them here to exercise root_mfa_facts.
"""

import re
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone

ACCOUNT_RE = re.compile(r"^\d{12}$")
MFA_KINDS = ("none", "virtual", "hardware")
DEFAULT_DEVICE_NAME = "root-account-mfa-device"


@dataclass(frozen=True)
class RootState:
    """What the root user of one account has. Defaults: a password, nothing else."""

    mfa: str = "none"
    password: bool = True
    access_keys: int = 0
    signing_certificates: bool = False
    virtual_device_name: str = DEFAULT_DEVICE_NAME
    # The last console sign-in with the root password (ISO 8601, UTC), or None: never signed in. Only a
    # test can say that one happened; the credential report shows it (no_information otherwise).
    password_last_used: str | None = None
    # When the current MFA setting was made: the EnableDate of the root's virtual device.
    mfa_since: float = field(default_factory=time.time, compare=False)

    def to_dict(self):
        """The public shape (GET /_localaws/root/<account>)."""
        data = asdict(self)
        data.pop("mfa_since")
        return data

    def updated(self, body):
        """Return a new state with a partial update applied; raise ValueError on bad input.

        ``{"credentials": false}`` removes every root credential, as for an account whose
        root access AWS Organizations manages centrally; ``true`` restores the defaults.
        Other keys in the same body apply on top.
        """
        if not isinstance(body, dict):
            raise ValueError("root state must be a JSON object")
        unknown = set(body) - set(self.to_dict()) - {"credentials"}
        if unknown:
            raise ValueError(f"unknown root state keys: {', '.join(sorted(unknown))}")
        state = self
        if "credentials" in body:
            if not isinstance(body["credentials"], bool):
                raise ValueError("credentials must be a boolean")
            state = RootState() if body["credentials"] else RootState(password=False)
        changes = {key: value for key, value in body.items() if key != "credentials"}
        _validate(changes)
        if changes.get("mfa", state.mfa) != state.mfa or "credentials" in body:
            changes["mfa_since"] = time.time()
        return replace(state, **changes)


def _validate(changes):
    if "mfa" in changes and changes["mfa"] not in MFA_KINDS:
        raise ValueError(f"mfa must be one of {', '.join(MFA_KINDS)}")
    for key in ("password", "signing_certificates"):
        if key in changes and not isinstance(changes[key], bool):
            raise ValueError(f"{key} must be a boolean")
    keys = changes.get("access_keys", 0)
    if isinstance(keys, bool) or not isinstance(keys, int) or not 0 <= keys <= 2:
        raise ValueError("access_keys must be an integer from 0 to 2")
    name = changes.get("virtual_device_name", DEFAULT_DEVICE_NAME)
    if not isinstance(name, str) or not re.match(r"^[\w+=,.@-]{1,226}$", name):
        raise ValueError("virtual_device_name must be a valid IAM MFA device name")
    if changes.get("password_last_used") is not None:
        changes["password_last_used"] = _utc_iso(changes["password_last_used"])


def _utc_iso(value):
    """An ISO 8601 time as the credential report writes it (2026-01-31T09:12:45+00:00); naive means UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError("password_last_used must be an ISO 8601 time such as 2026-01-31T09:12:45Z, or null") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class RootRegistry:
    """Root states of every account; accounts never set have the default state."""

    def __init__(self):
        self._lock = threading.Lock()
        self._states = {}

    def get(self, account_id):
        """The root state of an account."""
        with self._lock:
            return self._states.get(account_id) or RootState()

    def update(self, account_id, body):
        """Apply a partial update and return the new state (ValueError on bad input)."""
        if not ACCOUNT_RE.match(account_id or ""):
            raise ValueError("account id must be 12 digits")
        with self._lock:
            state = (self._states.get(account_id) or RootState()).updated(body)
            self._states[account_id] = state
            return state

    def clear(self):
        """Forget every account's state."""
        with self._lock:
            self._states.clear()
