"""The drift_report callback, driven directly: task results are ansible-core's own CallbackTaskResult (so they have
the shape callbacks really get), with light stand-ins for tasks, hosts, playbook and stats. Results of our modules
across hosts in check and apply mode, failed (rescued) and unreachable hosts, other modules' results (never read,
never shown), and the files it writes."""

import json
import os
import xml.etree.ElementTree as ET

import pytest

from ansible import context
from ansible._internal._task import UnifiedTaskResult
from ansible.executor.task_result import CallbackTaskResult
from ansible.module_utils.common.collections import ImmutableDict

from ansible_collections.accountguard.aws.plugins.callback import drift_report
from ansible_collections.accountguard.aws.plugins.module_utils import _drift
from ansible_collections.accountguard.aws.plugins.module_utils import _root

NAME = "accountguard.aws.drift_report"
PROD = "111111111111"
DEV = "222222222222"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
STS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSTSSECRET"
STS_TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"


# ---- stand-ins -----------------------------------------------------------------------------------

class Task:
    no_log = False

    def __init__(self, action, name, check_mode=False, resolved=None):
        self.action = action
        self.resolved_action = resolved if resolved is not None else action
        self.check_mode = check_mode
        self._name = name

    def get_name(self):
        return self._name


class Host:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name


def callback_result(host, task, result):
    """The CallbackTaskResult ansible-core hands to callbacks, from a result dict as the action returns it (loop items
    under `results`): callbacks see it without the `failed` and `skipped` keys."""
    data = dict(result)
    items = data.pop("results", None)
    unified = UnifiedTaskResult.from_action_result_dict(data)
    if items is not None:
        unified.loop_results = [UnifiedTaskResult.from_action_result_dict(dict(item)) for item in items]
    return CallbackTaskResult(Host(host), task, unified)


class Stats:
    def __init__(self, processed, failures=None, dark=None):
        self.processed = {h: 1 for h in processed}
        self.failures = failures or {}
        self.dark = dark or {}


class Playbook:
    def __init__(self, path):
        self._file_name = path


class Display:
    verbosity = 0

    def __init__(self):
        self.lines = []
        self.warnings = []

    def display(self, msg, *args, **kwargs):
        self.lines.append(msg)

    def warning(self, msg, *args, **kwargs):
        self.warnings.append(msg)


# ---- results of the role's tasks -----------------------------------------------------------------

def root_result(summary, account, device=None):
    return {"changed": False, "ansible_facts": {"root_mfa": _root.root_facts(summary, device, account)}}


ROOT_MFA_ON = {"AccountMFAEnabled": 1, "AccountPasswordPresent": 1}
ROOT_PASSWORD_ONLY = {"AccountPasswordPresent": 1}


def group_result(before_policies=(ADMIN,), exists=True):
    before = {"group_name": "Administrators", "path": "/", "managed_policies": list(before_policies)} if exists else {}
    after = {"group_name": "Administrators", "path": "/", "managed_policies": [ADMIN]}
    return {"changed": before != after, "created": not exists, "group": after, "diff": {"before": before, "after": after}}


def user_sub(name, account, before_groups=("Administrators",), exists=True):
    summary = {"user_name": name, "path": "/", "tags": {}, "permissions_boundary": None, "console_access": True}
    before = dict(summary, groups=list(before_groups)) if exists else {}
    after = dict(summary, groups=["Administrators"])
    return {"changed": before != after, "created": not exists, "user": after, "account_id": account,
            "diff": {"before": before, "after": after}, "item": {"name": name}, "ansible_loop_var": "item"}


def users_result(*subs):
    return {"changed": any(s.get("changed") for s in subs), "results": list(subs), "msg": "All items completed"}


def mfa_sub(name, account, enabled=True):
    serial = f"arn:aws:iam::{account}:mfa/{name}"
    before = {"user_name": name, "mfa_devices": [serial] if enabled else [], "enabled": enabled}
    after = {"user_name": name, "mfa_devices": [serial], "enabled": True}
    return {"changed": not enabled, "user_name": name, "account_id": account, "serial_number": serial, "enabled": enabled,
            "diff": {"before": before, "after": after}, "item": {"name": name}}


def sts_result():
    return {"changed": False, "sts_creds": {"access_key": "ASIAEXAMPLE", "secret_key": STS_SECRET, "session_token": STS_TOKEN},
            "connection": {"access_key": "ASIAEXAMPLE", "secret_key": STS_SECRET, "session_token": STS_TOKEN, "region": "us-east-1"},
            "sts_user": {"arn": "arn:aws:sts::111111111111:assumed-role/OrganizationAccountAccessRole/x"},
            "msg": f"assumed with secret_key {STS_SECRET}", "note": STS_TOKEN}


def summary_fact(host, account, status, error=None, policy="warn"):
    return {"changed": False, "ansible_facts": {"account_baseline_result": {
        "account": host, "account_id": account, "account_name": f"{host}-name", "check_mode": False, "status": status,
        "error": error, "root_mfa": {"policy": policy, "status": "warn"}, "users": [],
    }}}


# ---- the callback --------------------------------------------------------------------------------

@pytest.fixture
def make_callback(tmp_path, monkeypatch, define_plugin_options):
    monkeypatch.setattr(context, "CLIARGS", ImmutableDict(check=False, diff=True))  # the drift scan's --diff
    define_plugin_options("callback", NAME, drift_report)

    def make(**options):
        display = Display()
        callback = drift_report.CallbackModule(display=display)
        callback._load_name = NAME
        options.setdefault("output_dir", str(tmp_path / "report"))
        callback.set_options(direct=options)
        return callback, display

    return make


class Run:
    """Feeds a callback as the strategy would, and reads back what it wrote."""

    def __init__(self, callback, directory, name="drift-report"):
        self.cb = callback
        self.directory = directory
        self.name = name
        callback.v2_playbook_on_start(Playbook("/srv/playbooks/baseline.yml"))

    def _items(self, host, task, result):
        """As the strategy does for a loop: one item callback per item (by its `failed`), then the task's."""
        for item in result.get("results") or []:
            if item.get("skipped"):
                continue
            send = self.cb.v2_runner_item_on_failed if item.get("failed") else self.cb.v2_runner_item_on_ok
            send(callback_result(host, task, item))

    def ok(self, host, action, result, check=False, name=None):
        task = Task(action, name or action, check)
        self._items(host, task, result)
        self.cb.v2_runner_on_ok(callback_result(host, task, result))

    def failed(self, host, action, result, check=False, name=None, ignore_errors=False):
        task = Task(action, name or action, check)
        self._items(host, task, result)
        self.cb.v2_runner_on_failed(callback_result(host, task, result), ignore_errors=ignore_errors)

    def unreachable(self, host, msg):
        self.cb.v2_runner_on_unreachable(callback_result(host, Task("accountguard.aws.root_mfa_facts", "Root user"), {"unreachable": True, "msg": msg}))

    def end(self, processed, failures=None, dark=None):
        self.cb.v2_playbook_on_stats(Stats(processed, failures, dark))
        return json.loads(self.text("json"))

    def text(self, suffix):
        with open(os.path.join(self.directory, f"{self.name}.{suffix}"), encoding="utf-8") as handle:
            return handle.read()


@pytest.fixture
def run(make_callback, tmp_path):
    callback = make_callback()[0]
    return Run(callback, str(tmp_path / "report"))


def baseline(run, host, account, check, root=None, group=None, users=None, mfa=None):
    """The role's tasks for one account, in order (root: a GetAccountSummary map, MFA on by default)."""
    root = ROOT_MFA_ON if root is None else root
    run.ok(host, "accountguard.aws.account_session", sts_result(), name="Connect - assume the access role in the account")
    run.ok(host, "accountguard.aws.root_mfa_facts", root_result(root, account), check, "Root user - MFA, password, access keys")
    run.ok(host, "accountguard.aws.iam_admin_group", group or group_result(), check, "Admin group with its policies")
    run.ok(host, "accountguard.aws.iam_admin_user", users or users_result(user_sub("alice", account)), check, "Admin users")
    run.ok(host, "accountguard.aws.iam_virtual_mfa", mfa or users_result(mfa_sub("alice", account)), check, "Admin users - virtual MFA")


def statuses(entry):
    return {(i["item"], i["user"]): i["status"] for i in entry["items"]}


def test_results_have_the_shape_callbacks_get():
    failed = callback_result("h", Task("x", "x"), LOOP_FAILURE)
    assert failed.is_failed() is True
    assert "failed" not in failed._result and "failed" not in failed._result["results"][1]
    assert failed._result["results"][1]["msg"] == "IAM user 'bob': AccessDenied"
    skipped = callback_result("h", Task("x", "x"), {"skipped": True, "changed": False, "skip_reason": "Conditional result was False"})
    assert skipped._result == {"changed": False, "skip_reason": "Conditional result was False"}


def test_drift_scan_of_two_accounts(run):
    baseline(run, "prod", PROD, True)
    baseline(run, "dev", DEV, True, root=ROOT_PASSWORD_ONLY, group=group_result(exists=False),
             users=users_result(user_sub("alice", DEV, exists=False), user_sub("bob", DEV, before_groups=[])),
             mfa=users_result(mfa_sub("alice", DEV, enabled=False),
                              {"skipped": True, "changed": False, "skip_reason": "Conditional result was False", "item": {"name": "bob"}}))
    report = run.end(["dev", "prod"])
    assert report["format"] == _drift.FORMAT and report["mode"] == "check"
    assert report["playbooks"] == ["baseline.yml"]
    assert report["clean"] is False
    assert report["totals"]["accounts"] == 2 and report["totals"]["ok"] == 1 and report["totals"]["drift"] == 1
    prod, dev = report["accounts"]["prod"], report["accounts"]["dev"]
    assert (prod["status"], prod["account_id"], prod["error"]) == ("ok", PROD, None)
    assert set(statuses(prod).values()) == {"ok"}
    assert statuses(prod) == {
        ("root_mfa", None): "ok", ("root_access_keys", None): "ok", ("admin_group", None): "ok", ("admin_group_policy", None): "ok",
        ("user", "alice"): "ok", ("group_membership", "alice"): "ok", ("login_profile", "alice"): "ok", ("mfa_device", "alice"): "ok",
    }
    assert (dev["status"], dev["account_id"]) == ("drift", DEV)
    assert statuses(dev) == {
        ("root_mfa", None): "drift", ("root_access_keys", None): "ok", ("admin_group", None): "drift",
        ("user", "alice"): "drift", ("user", "bob"): "ok", ("group_membership", "bob"): "drift", ("login_profile", "bob"): "ok",
        ("mfa_device", "alice"): "drift",
    }
    root_mfa = next(i for i in dev["items"] if i["item"] == "root_mfa")
    assert root_mfa["repairable"] is False and root_mfa["task"] == "Root user - MFA, password, access keys"


def test_apply_run_with_changes_is_clean(run):
    baseline(run, "prod", PROD, False, users=users_result(user_sub("alice", PROD, exists=False)),
             mfa=users_result(mfa_sub("alice", PROD, enabled=False)))
    baseline(run, "dev", DEV, False)
    report = run.end(["prod", "dev"])
    assert report["mode"] == "apply"
    assert report["clean"] is True
    assert report["accounts"]["prod"]["status"] == "changed"
    assert report["accounts"]["dev"]["status"] == "ok"
    assert statuses(report["accounts"]["prod"])["user", "alice"] == "changed"
    assert statuses(report["accounts"]["prod"])["mfa_device", "alice"] == "changed"
    assert report["totals"]["items_changed"] == 2 and report["totals"]["ok"] == 2


def test_failed_host_with_a_rescued_summary(run):
    run.ok("broken", "accountguard.aws.root_mfa_facts", root_result(ROOT_MFA_ON, DEV), name="Root user")
    run.failed("broken", "accountguard.aws.iam_admin_group",
               {"failed": True, "changed": False, "msg": "IAM group 'Administrators': AccessDenied"}, name="Admin group with its policies")
    error = f"account broken ({DEV}): Admin group with its policies: IAM group 'Administrators': AccessDenied"
    run.ok("broken", "ansible.builtin.set_fact", summary_fact("broken", DEV, "failed", error), name="Summary of the failed account")
    baseline(run, "prod", PROD, False)
    # rescued: the failure is not in the stats (account_baseline_defer_failure: true)
    report = run.end(["broken", "prod"])
    broken = report["accounts"]["broken"]
    assert (broken["status"], broken["error"], broken["account_name"], broken["account_id"]) == ("failed", error, "broken-name", DEV)
    assert statuses(broken)["root_mfa", None] == "ok"
    assert report["accounts"]["prod"]["status"] == "ok"
    assert report["clean"] is False
    assert report["totals"]["failed"] == 1 and report["totals"]["ok"] == 1
    junit = ET.fromstring(run.text("xml").split("\n", 1)[1])
    assert junit.find("testsuite[@name='broken']/testcase[@name='account']/error").get("message") == f"broken: {error}"
    # the failed-accounts line names the account once, not again from the error's own "account broken (...)"
    assert f"- broken ({DEV}): Admin group with its policies: IAM group 'Administrators': AccessDenied" in run.text("md").splitlines()
    assert run.text("md").count("broken (") == 2  # its table row and its failed-accounts line


def test_failed_host_counted_in_the_stats_takes_the_summary_error(run):
    error = "account broken: Admin users: IAM user 'bob': AccessDenied"
    run.failed("broken", "accountguard.aws.iam_admin_user", {
        "failed": True, "changed": False, "msg": "One or more items failed",
        "results": [user_sub("alice", DEV), {"failed": True, "changed": False, "msg": "IAM user 'bob': AccessDenied", "item": {"name": "bob"}}],
    }, name="Admin users")
    run.ok("broken", "ansible.builtin.set_fact", summary_fact("broken", DEV, "failed", error))
    run.failed("broken", "ansible.builtin.fail", {"failed": True, "msg": error}, name="Fail the accounts that failed")
    report = run.end(["broken"], failures={"broken": 1})
    broken = report["accounts"]["broken"]
    assert (broken["status"], broken["error"]) == ("failed", error)
    assert statuses(broken)["user", "alice"] == "ok"


def test_failed_host_without_summary(run):
    run.failed("solo", "accountguard.aws.iam_admin_group", {"failed": True, "changed": False, "msg": "AccessDenied"}, name="Admin group")
    report = run.end(["solo"], failures={"solo": 1})
    assert report["accounts"]["solo"]["status"] == "failed"
    assert report["accounts"]["solo"]["error"] == "Admin group: AccessDenied"


def test_ignored_failure_is_not_an_account_error(run):
    run.failed("prod", "accountguard.aws.iam_virtual_mfa", {"failed": True, "user_name": "alice", "msg": "throttled"},
               name="MFA", ignore_errors=True)
    report = run.end(["prod"])
    assert report["accounts"]["prod"]["error"] is None


LOOP_FAILURE = {"failed": True, "changed": False, "msg": "One or more items failed", "results": [
    user_sub("alice", DEV),
    {"failed": True, "changed": False, "msg": "IAM user 'bob': AccessDenied", "item": {"name": "bob"}},
]}


# ansible-core 2.21 hands callbacks results without the `failed` key (top level and loop items alike): the callback
# knows a failure from the callback method, and each loop item's from its own item callback.
@pytest.mark.parametrize("action, result, ignore_errors, failed_item", [
    ("accountguard.aws.iam_admin_group", {"failed": True, "changed": False, "msg": "AccessDenied"}, False, ("admin_group", None)),
    ("accountguard.aws.iam_admin_user", LOOP_FAILURE, False, ("user", "bob")),
    ("accountguard.aws.iam_virtual_mfa", {"failed": True, "changed": False, "user_name": "alice", "msg": "throttled"}, True,
     ("mfa_device", "alice")),
], ids=["group", "user-loop-item", "mfa-ignored"])
def test_failed_result_of_our_module_is_a_failed_item(run, action, result, ignore_errors, failed_item):
    run.failed("broken", action, result, name="the task", ignore_errors=ignore_errors)
    report = run.end(["broken"], failures={} if ignore_errors else {"broken": 1})
    broken = report["accounts"]["broken"]
    assert [(i["item"], i["user"]) for i in broken["items"] if i["status"] == "failed"] == [failed_item]
    assert broken["status"] == "failed"
    assert report["totals"]["items_failed"] == 1
    junit = ET.fromstring(run.text("xml").split("\n", 1)[1])
    name = f"{failed_item[0]} [{failed_item[1]}]" if failed_item[1] else failed_item[0]
    assert junit.find(f"testsuite[@name='broken']/testcase[@name='{name}']/error") is not None


def test_failed_loop_items_are_named_in_the_account_error(run):
    run.failed("solo", "accountguard.aws.iam_admin_user", LOOP_FAILURE, name="Admin users")
    report = run.end(["solo"], failures={"solo": 1})
    assert report["accounts"]["solo"]["error"] == "Admin users: bob: IAM user 'bob': AccessDenied"


def test_unreachable_host(run):
    baseline(run, "prod", PROD, True)
    run.unreachable("gone", "Failed to connect to the host via ssh")
    report = run.end(["prod", "gone"], dark={"gone": 1})
    gone = report["accounts"]["gone"]
    assert (gone["status"], gone["error"], gone["items"]) == ("unreachable", "unreachable: Failed to connect to the host via ssh", [])
    assert report["totals"]["failed"] == 1 and report["clean"] is False
    error = ET.fromstring(run.text("xml").split("\n", 1)[1]).find("testsuite[@name='gone']/testcase[@name='account']/error")
    assert error.get("type") == "unreachable"
    assert "| gone | **unreachable** |" in run.text("md")


@pytest.mark.parametrize("session", ["accountguard.aws.account_session", "amazon.aws.sts_assume_role"])
def test_other_modules_are_never_read(run, session):
    run.ok("prod", session, sts_result(), name="Connect")
    run.failed("prod", session, dict(sts_result(), failed=True, msg=f"denied; secret_key={STS_SECRET}"),
               name="Connect", ignore_errors=True)
    run.ok("prod", "ansible.builtin.debug", {"msg": f"token {STS_TOKEN}", "changed": False}, name="Debug")
    run.ok("prod", "ansible.builtin.set_fact", {"ansible_facts": {"other": STS_SECRET}, "changed": False})
    baseline(run, "prod", PROD, True)
    report = run.end(["prod"])
    assert {i["task"] for i in report["accounts"]["prod"]["items"]} == {
        "Root user - MFA, password, access keys", "Admin group with its policies", "Admin users", "Admin users - virtual MFA"}
    for suffix in ("json", "xml", "md"):
        text = run.text(suffix)
        assert STS_SECRET not in text and STS_TOKEN not in text and "ASIAEXAMPLE" not in text and "sts_creds" not in text


def test_secret_in_a_failure_message_is_hidden(run):
    run.failed("prod", "amazon.aws.sts_assume_role", {"failed": True, "msg": f"AccessDenied (session_token={STS_TOKEN})"}, name="Connect")
    report = run.end(["prod"], failures={"prod": 1})
    assert report["accounts"]["prod"]["error"].startswith("Connect: AccessDenied (session_token=[hidden]")
    assert all(STS_TOKEN not in run.text(s) for s in ("json", "xml", "md"))


def test_root_policy_from_the_summary(run):
    run.ok("prod", "accountguard.aws.root_mfa_facts", root_result(ROOT_PASSWORD_ONLY, PROD), name="Root user")
    run.ok("prod", "ansible.builtin.set_fact", summary_fact("prod", PROD, "ok", policy="ignore"))
    run.ok("dev", "accountguard.aws.root_mfa_facts", root_result(ROOT_PASSWORD_ONLY, DEV), name="Root user")
    report = run.end(["prod", "dev"])
    assert statuses(report["accounts"]["prod"])["root_mfa", None] == "ok"
    assert statuses(report["accounts"]["dev"])["root_mfa", None] == "drift"


def test_action_is_recognised_by_its_resolved_name(run):
    # written short (with `collections:`): Ansible resolves it to the FQCN
    run.cb.v2_runner_on_ok(callback_result("prod", Task("iam_admin_group", "Group", True, resolved="accountguard.aws.iam_admin_group"),
                                           group_result(exists=False)))
    # no resolved name (older callers): the action as written
    run.cb.v2_runner_on_ok(callback_result("dev", Task("accountguard.aws.iam_admin_group", "Group", True, resolved=""), group_result(exists=False)))
    # another collection's module of the same short name
    run.cb.v2_runner_on_ok(callback_result("test", Task("iam_admin_group", "Group", True, resolved="other.aws.iam_admin_group"),
                                           group_result(exists=False)))
    report = run.end(["prod", "dev", "test"])
    assert statuses(report["accounts"]["prod"]) == {("admin_group", None): "drift"}
    assert statuses(report["accounts"]["dev"]) == {("admin_group", None): "drift"}
    assert report["accounts"]["test"]["items"] == []


@pytest.mark.parametrize("check, modes, expected", [
    (True, [True], "check"), (False, [False], "apply"), (False, [True, False], "mixed"), (True, [], "check"), (False, [], "apply"),
])
def test_mode(run, monkeypatch, check, modes, expected):
    monkeypatch.setattr(context, "CLIARGS", ImmutableDict(check=check, diff=True))
    for i, task_check in enumerate(modes):
        run.ok("prod", "accountguard.aws.iam_admin_group", group_result(), task_check, name=f"group {i}")
    assert run.end(["prod"])["mode"] == expected


def test_files_written_with_the_given_name_and_formats(make_callback, tmp_path):
    out = tmp_path / "out" / "slices"
    callback, display = make_callback(output_dir=str(out), name="slice-2", formats=["json", "markdown"])
    run = Run(callback, str(out), "slice-2")
    baseline(run, "prod", PROD, True)
    report = run.end(["prod"])
    assert sorted(os.listdir(out)) == ["slice-2.json", "slice-2.md"]
    assert report["accounts"]["prod"]["status"] == "ok"
    assert display.lines == [f"Drift report: 1 account, 0 with drift, 0 failed (clean): {out}/slice-2.json, {out}/slice-2.md"]
    assert display.warnings == []


def test_a_run_without_diff_is_warned_about(make_callback, tmp_path, monkeypatch):
    monkeypatch.setattr(context, "CLIARGS", ImmutableDict(check=True, diff=False))
    callback, display = make_callback(output_dir=str(tmp_path))
    run = Run(callback, str(tmp_path))
    baseline(run, "prod", PROD, True)
    run.end(["prod"])
    assert len(display.warnings) == 1 and "no --diff" in display.warnings[0]


def test_default_files(make_callback, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    callback, display = make_callback(output_dir="drift-report")
    baseline(Run(callback, "drift-report"), "prod", PROD, True)
    callback.v2_playbook_on_stats(Stats(["prod"]))
    assert sorted(os.listdir(tmp_path / "drift-report")) == ["drift-report.json", "drift-report.md", "drift-report.xml"]
    assert "(clean)" in display.lines[0]


@pytest.mark.parametrize("given", [False, True], ids=["default", "given"])
def test_under_ansible_runner_the_report_goes_to_the_jobs_artifacts_unless_a_folder_is_given(make_callback, tmp_path, monkeypatch, given):
    # ansible-runner (and so AWX) exports each job's own artifacts folder as AWX_ISOLATED_DATA_DIR.
    monkeypatch.chdir(tmp_path)
    artifacts = tmp_path / "private" / "artifacts" / "job-7"
    monkeypatch.setenv("AWX_ISOLATED_DATA_DIR", str(artifacts))
    folder = tmp_path / "given" if given else artifacts / "drift-report"
    callback, display = make_callback(output_dir=str(tmp_path / "given") if given else None)
    baseline(Run(callback, str(folder)), "prod", PROD, True)
    callback.v2_playbook_on_stats(Stats(["prod"]))
    assert sorted(os.listdir(folder)) == ["drift-report.json", "drift-report.md", "drift-report.xml"]
    assert str(folder) in display.lines[0]
    assert not (tmp_path / "drift-report").exists()
    assert (artifacts / "drift-report").exists() is not given


def test_without_ansible_runner_the_default_folder_is_the_current_one(make_callback, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AWX_ISOLATED_DATA_DIR", raising=False)
    callback = make_callback(output_dir=None)[0]
    baseline(Run(callback, "drift-report"), "prod", PROD, True)
    callback.v2_playbook_on_stats(Stats(["prod"]))
    assert (tmp_path / "drift-report" / "drift-report.json").exists()


def test_unwritable_output_dir_is_a_warning(make_callback, tmp_path):
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    callback, display = make_callback(output_dir=str(tmp_path / "file" / "report"))
    callback.v2_playbook_on_stats(Stats(["prod"]))
    assert len(display.warnings) == 1 and "cannot write the report" in display.warnings[0]
    assert display.lines == []


def test_host_without_our_results_is_listed_ok(run):
    report = run.end(["prod"])
    assert report["accounts"]["prod"] == {"account": "prod", "account_id": None, "account_name": None, "status": "ok",
                                          "error": None, "items": []}


# ---- accountguard.aws.baseline: one task whose steps are the role's modules ----------------------

def procedure_result(account, check, root=None, group=None, users=None, mfa=None, failed=None):
    """What accountguard.aws.baseline returns for the same step results as baseline() feeds one by one."""
    root = ROOT_MFA_ON if root is None else root
    steps = [{"step": "connect", "task": "Connect", "module": "accountguard.aws.account_session", "user": None, "failed": False,
              "result": {"changed": False, "account_id": account}},
             {"step": "root", "task": "Root user - MFA, password, access keys", "module": "accountguard.aws.root_mfa_facts", "user": None,
              "failed": False, "result": root_result(root, account)},
             {"step": "group", "task": "Admin group with its policies", "module": "accountguard.aws.iam_admin_group", "user": None,
              "failed": False, "result": group or group_result()}]
    for kind, task, module, loop in (("users", "Admin users", "iam_admin_user", users or users_result(user_sub("alice", account))),
                                     ("mfa", "Admin users - virtual MFA", "iam_virtual_mfa", mfa or users_result(mfa_sub("alice", account)))):
        for sub in loop["results"]:
            if sub.get("skipped"):
                continue
            result = {k: v for k, v in sub.items() if k not in ("item", "ansible_loop_var")}
            steps.append({"step": kind, "task": task, "module": f"accountguard.aws.{module}", "user": sub["item"]["name"],
                          "failed": bool(sub.get("failed")), "result": result})
    summary = {"account": "x", "account_id": account, "account_name": None, "check_mode": check, "status": "failed" if failed else "ok",
               "error": failed, "root_mfa": {"policy": "warn", "status": "ok"}, "users": []}
    result = {"changed": any(s["result"].get("changed") for s in steps), "account_id": account, "steps": steps, "summary": summary,
              "ansible_facts": {"account_baseline_result": summary, "root_mfa": steps[1]["result"]["ansible_facts"]["root_mfa"]}}
    if failed:
        result.update(failed=True, msg=failed)
    return result


def without_tasks(entry):
    return [{k: v for k, v in item.items() if k != "task"} for item in entry["items"]]


@pytest.mark.parametrize("check", [True, False], ids=["check", "apply"])
def test_the_baseline_task_is_read_as_its_steps(make_callback, tmp_path, check):
    parts = {"root": ROOT_PASSWORD_ONLY, "group": group_result(exists=False),
             "users": users_result(user_sub("alice", DEV, exists=False), user_sub("bob", DEV, before_groups=[])),
             "mfa": users_result(mfa_sub("alice", DEV, enabled=False))}
    one_by_one = Run(make_callback(output_dir=str(tmp_path / "a"))[0], str(tmp_path / "a"))
    baseline(one_by_one, "dev", DEV, check, **parts)
    expected = one_by_one.end(["dev"])["accounts"]["dev"]
    in_one = Run(make_callback(output_dir=str(tmp_path / "b"))[0], str(tmp_path / "b"))
    in_one.ok("dev", "accountguard.aws.baseline", procedure_result(DEV, check, **parts), check, "Baseline")
    got = in_one.end(["dev"])["accounts"]["dev"]
    assert without_tasks(got) == without_tasks(expected)
    assert (got["status"], got["account_id"]) == (expected["status"], DEV)
    tasks = {"Root user - MFA, password, access keys", "Admin group with its policies", "Admin users", "Admin users - virtual MFA"}
    assert {i["task"] for i in got["items"]} == tasks


def test_a_failed_baseline_task_reports_its_failed_step_and_error(run):
    failure = {"changed": False, "failed": True, "msg": "IAM user 'bob': AccessDenied", "item": {"name": "bob"}}
    message = f"account prod ({PROD}): Admin users: bob: IAM user 'bob': AccessDenied"
    result = procedure_result(PROD, False, users=users_result(user_sub("alice", PROD), failure), failed=message)
    run.failed("prod", "accountguard.aws.baseline", result, name="Baseline")
    entry = run.end(["prod"], failures={"prod": 1})["accounts"]["prod"]
    assert entry["status"] == "failed" and entry["error"] == message
    assert statuses(entry)[("user", "bob")] == "failed" and statuses(entry)[("user", "alice")] == "ok"
    assert ("mfa_device", "bob") not in statuses(entry)
