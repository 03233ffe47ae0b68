"""The progress callbacks (accountguard.aws.progress beside any stdout callback, accountguard.aws.compact as the
stdout callback): which hosts are accounts, when one is done, when a line is due, and what the lines say."""

import pytest

from ansible import constants as C
from ansible import context
from ansible.module_utils.common.collections import ImmutableDict

from ansible_collections.accountguard.aws.plugins.callback import compact
from ansible_collections.accountguard.aws.plugins.callback import progress as progress_callback
from ansible_collections.accountguard.aws.plugins.plugin_utils import _progress

BASELINE = "accountguard.aws.baseline"


# ---- the counting and the lines ------------------------------------------------------------------

@pytest.mark.parametrize("seconds, text", [(0, "0s"), (59.4, "59s"), (60, "1m00s"), (130, "2m10s"), (3599, "59m59s"),
                                           (3600, "1h00m"), (3840, "1h04m"), (-3, "0s")])
def test_durations_are_short(seconds, text):
    assert _progress.duration(seconds) == text


def run_of(hosts, every=0, interval=30.0):
    progress = _progress.Progress(every, interval, start=100.0)
    progress.add_play(hosts)
    return progress


def test_a_line_every_n_accounts_says_done_failed_left_and_time():
    progress = run_of([f"acct-{n}" for n in range(10)], every=3, interval=0)
    due = []
    for n, status in enumerate(["ok", "changed", "drift", "failed", "ok", "ok", "ok", "ok", "ok", "ok"]):
        progress.finish(f"acct-{n}", status)
        if progress.due(100.0 + 10 * (n + 1)):
            due.append(progress.line(100.0 + 10 * (n + 1)))
    assert due == [
        "accountguard: 3/10 accounts done (2 ok, 1 with drift, 0 failed), 7 left, 30s elapsed, about 1m10s to go",
        "accountguard: 6/10 accounts done (4 ok, 1 with drift, 1 failed), 4 left, 1m00s elapsed, about 40s to go",
        "accountguard: 9/10 accounts done (7 ok, 1 with drift, 1 failed), 1 left, 1m30s elapsed, about 10s to go",
    ]  # the tenth is the closing line's
    assert progress.final_line(205.0) == "accountguard: 10/10 accounts done (8 ok, 1 with drift, 1 failed) in 1m45s"


def test_without_a_count_a_line_about_every_five_percent():
    assert run_of([f"a{n}" for n in range(500)]).step() == 25
    assert run_of([f"a{n}" for n in range(7)]).step() == 1
    assert run_of([f"a{n}" for n in range(500)], every=40).step() == 40


def test_the_heartbeat_comes_after_the_interval_even_when_no_account_finished():
    progress = run_of(["a", "b", "c"], every=100, interval=30)
    assert not progress.due(129.0)
    assert progress.due(130.0)
    assert progress.line(130.0) == "accountguard: 0/3 accounts done (0 ok, 0 with drift, 0 failed), 3 left, 30s elapsed"
    assert not progress.due(159.0)  # counted from the last line
    assert progress.due(160.0)
    assert not run_of(["a"], every=100, interval=0).due(10_000.0)  # 0 turns it off


def test_the_controller_play_is_not_counted_and_hosts_are_counted_once():
    progress = run_of(["a", "b"])
    assert progress.add_play(["localhost"]) == []
    assert progress.add_play(["b", "c"]) == ["c"]
    assert progress.total == 3
    assert not progress.finish("localhost", "failed")
    assert progress.done == 0


def test_a_later_failure_of_a_done_account_counts_it_failed_once():
    progress = run_of(["a", "b"])
    assert progress.finish("a", "ok")
    assert not progress.finish("a", "changed")  # still ok: no new line for it
    assert progress.finish("a", "failed")
    assert not progress.finish("a", "failed")
    assert progress.counts() == {"ok": 0, "drift": 0, "failed": 1}
    assert progress.done == 1


def test_a_run_that_stops_early_says_how_many_were_not_finished():
    progress = run_of(["a", "b", "c"])
    progress.finish("a", "ok")
    assert progress.final_line(161.0) == ("accountguard: 1/3 accounts done (1 ok, 0 with drift, 0 failed) in 1m01s; "
                                          "2 not finished (the run stopped before their baseline ended)")


def test_account_lines_name_the_account_once_and_say_what_needs_attention():
    ok = {"account_id": "111111111111", "status": "changed", "check_mode": False, "users_created": ["alice"],
          "users_changed": [], "drift": []}
    assert _progress.account_line("prod", ok) == "prod (111111111111): changed; users created: alice"
    drift = {"account_id": "111111111111", "status": "drift", "check_mode": True, "users_created": [],
             "users_changed": ["bob"], "drift": ["MFA device of bob", "root MFA (needs the root user)"]}
    assert _progress.account_line("prod", drift) == ("prod (111111111111): drift: MFA device of bob, root MFA (needs the root user); "
                                                     "users to change: bob")
    # An apply run that repaired what it could: changed, with what only the root user can repair.
    repaired = dict(drift, status="changed", check_mode=False)
    assert _progress.account_line("prod", repaired) == ("prod (111111111111): changed; users changed: bob; drift: MFA device of bob, "
                                                        "root MFA (needs the root user)")
    failed = {"account_id": "222222222222", "status": "failed",
              "error": "account dev (222222222222): Admin users: alice: AccessDenied\n  (the role cannot CreateUser)"}
    assert _progress.account_line("dev", failed) == "dev (222222222222): FAILED: Admin users: alice: AccessDenied (the role cannot CreateUser)"
    assert _progress.account_line("222222222222", {"account_id": "222222222222", "status": "ok"}) == "222222222222: ok"
    assert _progress.account_line("x", None, "unreachable: no route") == "x: FAILED: unreachable: no route"


def test_an_error_with_a_secret_in_it_is_scrubbed():
    line = _progress.account_line("dev", {"status": "failed", "error": "boom: password=Hunter2Hunter2!x and more"})
    assert "Hunter2Hunter2" not in line and line.startswith("dev: FAILED: boom")


# ---- the callbacks, fed as the strategy feeds them ----------------------------------------------

class Host:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name


class Inventory:
    def __init__(self, hosts):
        self.hosts = hosts
        self.asked = []

    def get_hosts(self, pattern, ignore_restrictions=False):
        self.asked.append((pattern, ignore_restrictions))
        return [Host(h) for h in self.hosts.get(pattern, [])]


class VariableManager:
    def __init__(self, inventory):
        self._inventory = inventory


class Play:
    def __init__(self, inventory, pattern):
        self.hosts = pattern
        self._vm = VariableManager(inventory)

    def get_variable_manager(self):
        return self._vm


class Task:
    def __init__(self, action, name=None):
        self.action = self.resolved_action = action
        self._name = name or action

    def get_name(self):
        return self._name


class Result:
    """What the callbacks read of a task result: _host, _task, _result (as drift_report reads them on every core)."""

    def __init__(self, host, action, data, name=None):
        self._host, self._task, self._result = Host(host), Task(action, name), data


class Stats:
    def __init__(self, processed, failures=None, dark=None, changed=None):
        self.processed = {h: 1 for h in processed}
        self.failures, self.dark, self.changed = failures or {}, dark or {}, changed or {}


class Display:
    verbosity = 0

    def __init__(self):
        self.lines = []

    def display(self, msg, color=None, **kwargs):
        self.lines.append((msg, color))

    def warning(self, msg, *args, **kwargs):
        self.lines.append(("[WARNING]: " + msg, None))


@pytest.fixture
def make(monkeypatch, define_plugin_options):
    monkeypatch.setattr(context, "CLIARGS", ImmutableDict(check=True, diff=True))
    monkeypatch.setattr(_progress, "STDOUT_SAYS_PROGRESS", False)
    clock = {"now": 1000.0}
    monkeypatch.setattr(_progress.time, "monotonic", lambda: clock["now"])

    def build(module, name, **options):
        define_plugin_options("callback", name, module)
        display = Display()
        callback = module.CallbackModule(display=display)
        callback._load_name = name
        callback.set_options(direct=options)
        return callback, display

    build.clock = clock
    return build


def summary(host, account, status, **more):
    return {"account": host, "account_id": account, "status": status, "check_mode": True, "users_created": [],
            "users_changed": [], "drift": [], "error": None, **more}


def texts(display):
    return [entry[0] for entry in display.lines]


def test_the_aggregate_callback_counts_baseline_results_and_ignores_other_tasks(make):
    callback, display = make(progress_callback, "accountguard.aws.progress", every=2, interval=0)
    inventory = Inventory({"all": ["a", "b", "c"], "localhost": ["localhost"]})
    callback.v2_playbook_on_play_start(Play(inventory, "all"))
    assert inventory.asked == [("all", True)]  # every batch of `serial` at once
    callback.v2_runner_on_ok(Result("a", "ansible.builtin.set_fact", {"ansible_facts": {}}))
    callback.v2_runner_on_ok(Result("a", BASELINE, {"summary": summary("a", "1", "ok")}))
    callback.v2_runner_on_ok(Result("b", BASELINE, {"summary": summary("b", "2", "drift", drift=["password policy"])}))
    # The role's rescued failure: the result still holds the account's summary.
    callback.v2_runner_on_failed(Result("c", BASELINE, {"msg": "boom", "summary": summary("c", "3", "failed", error="account c (3): boom")}))
    callback.v2_playbook_on_play_start(Play(inventory, "localhost"))  # a closing controller play
    callback.v2_runner_on_failed(Result("c", "ansible.builtin.fail", {"msg": "account c (3): boom"}, "Fail the accounts that failed"))
    callback.v2_playbook_on_stats(Stats(["a", "b", "c", "localhost"], failures={"c": 1}))
    assert texts(display) == [
        "accountguard: 3 accounts to do (check mode)",
        "accountguard: 2/3 accounts done (1 ok, 1 with drift, 0 failed), 1 left, 0s elapsed",
        "accountguard: 3/3 accounts done (1 ok, 1 with drift, 1 failed) in 0s",
    ]
    assert display.lines[-1][1] == C.COLOR_ERROR  # a run with a failed account ends in red (on a terminal)


def test_per_account_lines_and_a_failure_before_the_baseline(make):
    callback, display = make(progress_callback, "accountguard.aws.progress", per_account=True, every=10, interval=0)
    callback.v2_playbook_on_play_start(Play(Inventory({"all": ["a", "b"]}), "all"))
    callback.v2_runner_on_failed(Result("a", "ansible.builtin.set_fact", {"msg": "'x' is undefined"}, "Inventory"))
    callback.v2_runner_on_failed(Result("b", "ansible.builtin.debug", {"msg": "ignored"}), ignore_errors=True)
    callback.v2_runner_on_unreachable(Result("b", BASELINE, {"msg": "no route"}))
    assert texts(display)[1:] == ["a: FAILED: Inventory: 'x' is undefined", "b: FAILED: unreachable: no route"]


def test_a_playbook_without_the_baseline_takes_the_status_from_the_recap(make):
    callback, display = make(progress_callback, "accountguard.aws.progress", interval=0)
    callback.v2_playbook_on_play_start(Play(Inventory({"all": ["a", "b", "c", "d"]}), "all"))
    callback.v2_playbook_on_stats(Stats(["a", "b", "c"], failures={"a": 1}, changed={"b": 2}))
    # check mode: changed is drift; d never ran.
    assert texts(display)[-1] == ("accountguard: 3/4 accounts done (1 ok, 1 with drift, 1 failed) in 0s; "
                                  "1 not finished (the run stopped before their baseline ended)")


def test_the_heartbeat_is_checked_as_tasks_start(make):
    callback, display = make(progress_callback, "accountguard.aws.progress", every=100, interval=30)
    callback.v2_playbook_on_play_start(Play(Inventory({"all": ["a", "b"]}), "all"))
    callback.v2_playbook_on_task_start(Task("x"), False)
    make.clock["now"] += 31
    callback.v2_playbook_on_task_start(Task("y"), False)
    assert texts(display) == ["accountguard: 2 accounts to do (check mode)",
                              "accountguard: 0/2 accounts done (0 ok, 0 with drift, 0 failed), 2 left, 31s elapsed"]


def test_compact_prints_one_line_per_account_no_task_lines_and_silences_the_aggregate(make):
    stdout, out = make(compact, "accountguard.aws.compact", every=1, interval=0)
    aggregate, beside = make(progress_callback, "accountguard.aws.progress", every=1, interval=0)
    inventory = Inventory({"all": ["a", "b"], "localhost": ["localhost"]})
    for callback in (stdout, aggregate):
        callback.v2_playbook_on_play_start(Play(inventory, "all"))
        callback.v2_playbook_on_task_start(Task(BASELINE, "Baseline"), False)
        callback.v2_runner_on_ok(Result("a", BASELINE, {"summary": summary("a", "1", "ok", secrets_dir="/s")}))
        callback.v2_runner_on_ok(Result("a", "ansible.builtin.debug", {"msg": ["a: ok"]}))
        callback.v2_runner_on_failed(Result("b", BASELINE, {"summary": summary("b", "2", "failed", error="account b (2): Admin users: bob: denied")}))
        callback.v2_playbook_on_play_start(Play(inventory, "localhost"))
        callback.v2_runner_on_failed(Result("localhost", "ansible.builtin.command", {"msg": "non-zero return code"}, "Merge"))
        callback.v2_playbook_on_stats(Stats(["a", "b", "localhost"], failures={"b": 1, "localhost": 1}))
    assert beside.lines == []
    assert texts(out) == [
        "accountguard: 2 accounts to do (check mode)",
        "a (1): ok",
        "accountguard: 1/2 accounts done (1 ok, 0 with drift, 0 failed), 1 left, 0s elapsed",
        "b (2): FAILED: Admin users: bob: denied",
        "localhost: FAILED: Merge: non-zero return code",
        "accountguard: 2/2 accounts done (1 ok, 0 with drift, 1 failed) in 0s",
        "accountguard: failed accounts: b",
        "accountguard: secrets stored by this run are in /s (Ansible Vault files, <account id>/<user>.yml)",
    ]
    assert dict(out.lines)["b (2): FAILED: Admin users: bob: denied"] == C.COLOR_ERROR


def test_no_line_holds_a_control_character(make):
    callback, display = make(compact, "accountguard.aws.compact", every=1, interval=0)
    callback.v2_playbook_on_play_start(Play(Inventory({"all": ["a"]}), "all"))
    callback.v2_runner_on_failed(Result("a", BASELINE, {"summary": summary("a", "1", "failed", error="x\r\n\x1b[31my\ttab")}))
    callback.v2_playbook_on_stats(Stats(["a"], failures={"a": 1}))
    for line in texts(display):
        assert not any(ord(ch) < 32 for ch in line), repr(line)
