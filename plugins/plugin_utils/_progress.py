# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How far an organization-wide run is: the accounts done (ok, with drift, failed) and left, as the callbacks
accountguard.aws.progress and accountguard.aws.compact print it. Plain text only: no colour codes, no carriage
returns, so a CI log gets the same lines as a terminal (the callbacks colour them through Ansible's Display,
which colours only a terminal and respects NO_COLOR and ANSIBLE_NOCOLOR).

An account is a host of a play that does not target the controller alone. It is done when the result of its
accountguard.aws.baseline task arrives (the role's one task per account), or when it fails or is unreachable
before that; its status is the one of the baseline's summary (the drift report's: ok, changed, drift, failed).
"""

from __future__ import annotations

import math
import time

from ansible import constants as C
from ansible import context

from ansible_collections.accountguard.aws.plugins.module_utils import _drift

# Statuses as the summary counts them: changed counts as ok (the summary line says "2 ok, 0 with drift, 1 failed").
COUNTED_AS = {"ok": "ok", "changed": "ok", "drift": "drift", "failed": "failed", "unreachable": "failed"}
CONTROLLER_ONLY = frozenset(("localhost", "127.0.0.1", "::1"))
# Set by the stdout callback accountguard.aws.compact, which prints the progress lines itself: the aggregate
# callback accountguard.aws.progress, when enabled too, then stays silent rather than print each line twice.
STDOUT_SAYS_PROGRESS = False
# With no count given, a line about every 5 % of the accounts.
LINES_PER_RUN = 20


def duration(seconds):
    """12s, 2m10s, 1h04m: short, for a log line."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def plural(count, word):
    return f"{count} {word}" + ("" if count == 1 else "s")


def one_line(text):
    """A message as one line of a log: no line break, escape or other control character (an error text may carry
    them), and what the drift report scrubs from errors scrubbed here too."""
    text = "".join(ch if ch.isprintable() else " " for ch in _drift.scrub_text(str(text)))
    return " ".join(text.split())


def is_baseline(action):
    return _drift.ACTIONS.get(action) == "procedure"


def account_line(host, summary=None, error=None):
    """One line for one finished account: its label, status and what needs attention. Never a secret: the summary
    holds none, and an error is scrubbed as the drift report scrubs it."""
    summary = summary if isinstance(summary, dict) else {}
    account_id = summary.get("account_id")
    label = host if not account_id or str(account_id) == host else f"{host} ({account_id})"
    status = summary.get("status") if summary.get("status") in COUNTED_AS else "failed"
    if status == "failed":
        text = str(error or summary.get("error") or "failed")
        for prefix in (f"account {host} ({account_id}): ", f"account {host}: "):
            if text.startswith(prefix):
                text = text[len(prefix):]
                break
        return one_line(f"{label}: FAILED: {text}")
    check = bool(summary.get("check_mode"))
    drift = summary.get("drift") or []
    parts = [f"{status}: " + ", ".join(drift) if status == "drift" and drift else status]
    created = summary.get("users_created") or []
    changed = summary.get("users_changed") or []
    if created:
        parts.append(("users to create: " if check else "users created: ") + ", ".join(created))
    if changed:
        parts.append(("users to change: " if check else "users changed: ") + ", ".join(changed))
    if drift and status != "drift":
        parts.append("drift: " + ", ".join(drift))
    return one_line(f"{label}: " + "; ".join(parts))


class Progress:
    """The run's accounts and their statuses; `due` says when a line is to be printed. Times come from the caller
    (time.monotonic()), so a test drives the clock."""

    def __init__(self, every=0, interval=30.0, start=0.0):
        self.every = max(0, int(every or 0))
        self.interval = float(interval) if interval is not None else 30.0
        self.start = start
        self.accounts = []  # in the order the plays name them
        self._known = set()
        self.status = {}  # host -> ok, changed, drift, failed
        self.secrets_dirs = []
        self._last_line = start
        self._last_done = 0

    # The accounts -----------------------------------------------------------------------------------------
    def add_play(self, hosts):
        """The hosts of a play; a play of the controller alone (the closing localhost play) adds none.
        Returns the hosts that are new to the run."""
        names = [str(h) for h in hosts]
        if not names or set(names) <= CONTROLLER_ONLY:
            return []
        new = [h for h in names if h not in self._known]
        self._known.update(new)
        self.accounts += new
        return new

    def counts(self):
        counts = {"ok": 0, "drift": 0, "failed": 0}
        for host, status in self.status.items():
            if host in self._known:
                counts[COUNTED_AS.get(status, "failed")] += 1
        return counts

    @property
    def total(self):
        return len(self.accounts)

    @property
    def done(self):
        return sum(1 for host in self.status if host in self._known)

    def finish(self, host, status, summary=None):
        """Record that `host` is done with `status`; a later failure of the same host overrides an earlier status.
        Returns True when this changed what is known about the host (its line is worth printing)."""
        if host not in self._known:
            return False
        status = status if status in COUNTED_AS else "failed"
        if isinstance(summary, dict):
            folder = summary.get("secrets_dir")
            if folder and folder not in self.secrets_dirs:
                self.secrets_dirs.append(folder)
        before = self.status.get(host)
        self.status[host] = status
        return COUNTED_AS.get(before) != COUNTED_AS[status]

    def is_account(self, host):
        return host in self._known

    # The lines --------------------------------------------------------------------------------------------
    def step(self):
        """Accounts between two lines: the count given, else about 5 % of the run (at least 1)."""
        if self.every:
            return self.every
        return max(1, math.ceil(self.total / LINES_PER_RUN)) if self.total else 10

    def due(self, now):
        """True when a progress line is due: `step()` more accounts done since the last line, or `interval`
        seconds since it (a heartbeat for a log that would otherwise be silent while long tasks run)."""
        if not self.accounts or self.done >= self.total:
            return False  # the closing line says the rest
        if self.done - self._last_done >= self.step():
            return True
        return self.interval > 0 and now - self._last_line >= self.interval and self.done < self.total

    def line(self, now):
        """accountguard: 120/500 accounts done (117 ok, 0 with drift, 3 failed), 380 left, 2m10s elapsed, about 6m to go"""
        self._last_line, self._last_done = now, self.done
        elapsed = now - self.start
        counts = self.counts()
        left = max(0, self.total - self.done)
        text = (f"accountguard: {self.done}/{plural(self.total, 'account')} done ({counts['ok']} ok, {counts['drift']} with drift, "
                f"{counts['failed']} failed), {left} left, {duration(elapsed)} elapsed")
        if self.done and left and elapsed / self.done * left >= 1:
            text += f", about {duration(elapsed / self.done * left)} to go"
        return text

    def first_line(self, check_mode=False):
        return f"accountguard: {plural(self.total, 'account')} to do" + (" (check mode)" if check_mode else "")

    def final_line(self, now):
        """The closing line, whatever the run did: all done, or how many were never finished."""
        counts = self.counts()
        left = max(0, self.total - self.done)
        text = (f"accountguard: {self.done}/{plural(self.total, 'account')} done ({counts['ok']} ok, {counts['drift']} with drift, "
                f"{counts['failed']} failed) in {duration(now - self.start)}")
        if left:
            text += f"; {left} not finished (the run stopped before their baseline ended)"
        return text

    def failed_accounts(self):
        return [h for h in self.accounts if COUNTED_AS.get(self.status.get(h)) == "failed"]


class ProgressEvents:
    """The callback events both callbacks count accounts from (listed before CallbackBase in the callback's bases).
    The callback has the options every, interval and per_account, and prints with _progress_say(text, color)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._progress = None
        self._progress_started = False

    def _progress_options(self):
        return {name: self.get_option(name) for name in ("every", "interval", "per_account")}

    def _progress_state(self):
        if self._progress is None:
            options = self._progress_options()
            self._progress = Progress(options["every"], options["interval"], start=time.monotonic())
        return self._progress

    def v2_playbook_on_play_start(self, play):
        progress = self._progress_state()
        try:
            # The play's hosts with --limit, all batches of `serial` at once (ignore_restrictions).
            hosts = play.get_variable_manager()._inventory.get_hosts(play.hosts, ignore_restrictions=True)
        except Exception:  # pylint: disable=broad-except  # a progress line is never worth failing a run
            hosts = []
        if progress.add_play([h.get_name() for h in hosts]) and not self._progress_started:
            self._progress_started = True
            self._progress_say(progress.first_line(bool(context.CLIARGS.get("check"))), None)

    def _progress_tick(self):
        progress = self._progress_state()
        now = time.monotonic()
        if progress.due(now):
            self._progress_say(progress.line(now), C.COLOR_VERBOSE)

    def _progress_finish(self, host, status, summary=None, error=None):
        progress = self._progress_state()
        if progress.finish(host, status, summary) and self._progress_options()["per_account"]:
            color = {"ok": C.COLOR_OK, "changed": C.COLOR_CHANGED, "drift": C.COLOR_CHANGED}.get(status, C.COLOR_ERROR)
            self._progress_say(account_line(host, summary if summary else {"status": status}, error), color)
        self._progress_tick()

    @staticmethod
    def _action(result):
        task = result._task
        return getattr(task, "resolved_action", None) or task.action

    def _progress_result(self, result, failed=False, ignore_errors=False):
        host = result._host.get_name()
        data = result._result if isinstance(result._result, dict) else {}
        if is_baseline(self._action(result)):
            summary = data.get("summary") if isinstance(data.get("summary"), dict) else None
            status = (summary or {}).get("status") or ("failed" if failed else "ok")
            error = data.get("msg") if status == "failed" else None
            return self._progress_finish(host, status, summary, error)
        if failed and not ignore_errors:
            label = result._task.get_name()
            return self._progress_finish(host, "failed", None, f"{label}: {data.get('msg') or 'failed'}")
        return self._progress_tick()

    def v2_runner_on_ok(self, result):
        self._progress_result(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._progress_result(result, failed=True, ignore_errors=ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._progress_tick()

    def v2_runner_on_unreachable(self, result):
        data = result._result if isinstance(result._result, dict) else {}
        self._progress_finish(result._host.get_name(), "failed", None, f"unreachable: {data.get('msg') or 'no reason given'}")

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._progress_tick()

    def v2_playbook_on_stats(self, stats):
        progress = self._progress_state()
        check = bool(context.CLIARGS.get("check"))
        for host in progress.accounts:
            if host in progress.status or host not in stats.processed:
                continue
            # A play without the baseline task: the host's status from the recap (changed in check mode is drift).
            if stats.failures.get(host) or stats.dark.get(host):
                status = "failed"
            elif stats.changed.get(host):
                status = "drift" if check else "changed"
            else:
                status = "ok"
            self._progress_finish(host, status)
        if progress.accounts:
            counts = progress.counts()
            color = C.COLOR_ERROR if counts["failed"] else C.COLOR_CHANGED if counts["drift"] else C.COLOR_OK
            self._progress_say(progress.final_line(time.monotonic()), color)
