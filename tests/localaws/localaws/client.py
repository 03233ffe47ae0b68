"""A thin client for the control endpoints, on urllib alone so it works in any test or script."""

import json
import urllib.error
import urllib.request
from urllib.parse import quote


class ControlError(RuntimeError):
    """A control endpoint refused a request or could not be reached."""


class Control:
    """Drive a running local AWS: reset it, set root state, inject faults, read the request log."""

    def __init__(self, url, timeout=10.0):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _call(self, method, path, payload=None, timeout=None):
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(f"{self.url}/_localaws/{path}", data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            try:
                detail = json.loads(detail).get("error", detail)
            except (ValueError, AttributeError):
                pass
            raise ControlError(f"{method} /_localaws/{path}: HTTP {exc.code}: {detail}") from exc
        except urllib.error.URLError as exc:
            raise ControlError(f"local AWS at {self.url} is not reachable: {exc.reason}") from exc

    def health(self):
        """True if the server answers."""
        return bool(self._call("GET", "health").get("ok"))

    def reset(self):
        """Reset moto and all local state (root states, faults, request log, TOTP replay memory).
        Resetting many account backends takes a while on a busy machine, hence the longer timeout."""
        self._call("POST", "reset", timeout=max(self.timeout, 120))

    def set_root(self, account_id, **state):
        """Update an account's root user state (mfa, password, access_keys, signing_certificates,
        virtual_device_name, or credentials=False); return the full new state."""
        return self._call("PUT", f"root/{quote(str(account_id))}", state)

    def get_root(self, account_id):
        """An account's root user state."""
        return self._call("GET", f"root/{quote(str(account_id))}")

    def requests(self, clear=False):
        """The request log, oldest first; with ``clear`` it is emptied in the same step."""
        return self._call("GET", "requests?clear=true" if clear else "requests")

    def clear_requests(self):
        """Empty the request log."""
        self._call("DELETE", "requests")

    def mutating_requests(self, account=None):
        """The logged calls that could have changed something (optionally of one account)."""
        return [r for r in self.requests() if r["mutating"] and (account is None or r["account"] == account)]

    def password_matches(self, account_id, user, password):
        """Whether `password` is the user's console password (yes or no; the password is never handed out)."""
        return self._call("POST", "password-check", {"account": str(account_id), "user": user, "password": password})["matches"]

    def set_report_delay(self, seconds):
        """How long a credential report takes to generate (until the next reset)."""
        return self._call("PUT", "settings", {"report_delay": seconds})

    def set_faults(self, **config):
        """Replace the fault configuration (throttle_fraction, seed, throttle_actions, throttle_nth, after_create)."""
        return self._call("PUT", "faults", config)

    def get_faults(self):
        """The current fault configuration."""
        return self._call("GET", "faults")

    def clear_faults(self):
        """No more faults."""
        self._call("DELETE", "faults")
