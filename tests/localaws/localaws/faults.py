"""Injected faults: throttling and IAM's eventual consistency, on demand and reproducibly.

The modules must retry Throttling and the NoSuchEntity / EntityTemporarilyUnmodifiable
that real IAM answers right after a create; moto never does either. A faulted call is
answered here and never reaches moto, so it changes nothing.
"""

import random
import threading

CONFIG_KEYS = ("throttle_fraction", "seed", "throttle_actions", "throttle_nth", "after_create", "hold_after")
MAX_HOLD_SECONDS = 600


def validate(config):
    """Check a fault configuration (PUT /_localaws/faults body); raise ValueError if bad."""
    if not isinstance(config, dict):
        raise ValueError("faults must be a JSON object")
    unknown = set(config) - set(CONFIG_KEYS)
    if unknown:
        raise ValueError(f"unknown fault keys: {', '.join(sorted(unknown))}")
    fraction = config.get("throttle_fraction", 0.0)
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0.0 <= fraction <= 1.0:
        raise ValueError("throttle_fraction must be a number from 0.0 to 1.0")
    seed = config.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError("seed must be an integer")
    actions = config.get("throttle_actions")
    if actions is not None and (not isinstance(actions, list) or not all(isinstance(a, str) for a in actions)):
        raise ValueError("throttle_actions must be a list of action names")
    nth = config.get("throttle_nth", {})
    if not isinstance(nth, dict) or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in nth.values()):
        raise ValueError("throttle_nth must map action names to integers >= 1")
    after = config.get("after_create", {})
    if not isinstance(after, dict) or not all(isinstance(code, str) and code for code in after.values()):
        raise ValueError("after_create must map create action names to error codes")
    hold = config.get("hold_after", {})
    if not isinstance(hold, dict) or not all(
        isinstance(t, (int, float)) and not isinstance(t, bool) and 0 < t <= MAX_HOLD_SECONDS for t in hold.values()
    ):
        raise ValueError(f"hold_after must map action names to seconds (0 < seconds <= {MAX_HOLD_SECONDS})")


class FaultEngine:
    """Decides, per call, whether to answer with an injected error instead of moto."""

    def __init__(self):
        self._lock = threading.Lock()
        self.configure({})

    def configure(self, config):
        """Replace the configuration; counters start again from zero."""
        validate(config)
        with self._lock:
            self._config = dict(config)
            self._rng = random.Random(config.get("seed"))
            self._counts = {}
            self._pending = {}  # account -> (error code, create action that armed it)

    def config(self):
        """The current configuration."""
        with self._lock:
            return dict(self._config)

    def clear(self):
        """No faults."""
        self.configure({})

    def check(self, request):
        """Return the error code to answer this call with, or None to let it through."""
        action = request.action
        if not action:
            return None
        with self._lock:
            config = self._config
            self._counts[action] = self._counts.get(action, 0) + 1
            if config.get("throttle_nth", {}).get(action) == self._counts[action]:
                return "Throttling"
            pending = self._pending.get(request.account)
            if request.service == "iam" and pending and action != pending[1]:
                del self._pending[request.account]
                return pending[0]
            fraction = config.get("throttle_fraction", 0.0)
            actions = config.get("throttle_actions")
            if fraction and (actions is None or action in actions) and self._rng.random() < fraction:
                return "Throttling"
        return None

    def hold_for(self, request, response):
        """Seconds to keep the answer of a successful call back after it took effect (hold_after), else 0.
        Lets a test stop the client in the window between an AWS change and the client learning of it."""
        if not response.ok:
            return 0
        with self._lock:
            return self._config.get("hold_after", {}).get(request.action, 0)

    def observe(self, request, response):
        """After a successful create listed in after_create, arm one error for the account's next IAM call."""
        if request.service != "iam" or not response.ok:
            return
        with self._lock:
            code = self._config.get("after_create", {}).get(request.action)
            if code:
                self._pending[request.account] = (code, request.action)
