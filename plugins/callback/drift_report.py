# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: drift_report
type: aggregate
short_description: Writes a drift report (JSON, JUnit XML, Markdown) of an account baseline run
version_added: 1.0.0
description:
  - At the end of a run of C(accountguard.aws.baseline) (or of any play using the role C(accountguard.aws.account_baseline)
    or the modules of this collection), writes one report of every account (host) and baseline item.
  - 'Baseline items per account: V(root_mfa), V(root_access_keys), V(password_policy) (where the baseline manages it),
    V(admin_group), V(admin_group_policy), V(account_alias) and V(budget) (where the baseline manages them); per admin
    user: V(user), V(group_membership), V(login_profile), V(mfa_device).
    An item is V(ok), V(drift) (check mode: a real run would change it), V(changed) (a real run changed it) or
    V(failed). A root user without MFA (while it has credentials), with virtual MFA where hardware is required, or with
    access keys is V(drift) in any mode, with C(repairable: false): only the root user can fix it. So is an admin user
    without MFA (the V(mfa_device) item of a user with C(mfa: false)), unless the settings accept it for a user without
    any credential.'
  - When a user is missing altogether, its V(user) item holds the whole user and no separate V(group_membership) or
    V(login_profile) item is listed for it.
  - Accounts that failed or were unreachable are listed with the error. An account's status is the worst of its items'
    (or failed); for C(accountguard.aws.baseline) the items and the status are those of its summary (the fact
    C(account_baseline_result)), so the summary lines of the playbook and the report always agree.
  - 'Files, in O(output_dir): C(<name>.json) (the report: C(clean), C(totals), C(accounts.<host>.items) with
    before/after from the diff), C(<name>.xml) (JUnit: one testsuite per account, one testcase per account and item;
    drift is a failure, a failed item or account an error) and C(<name>.md) (a table of accounts by items).'
  - Run the drift scan with C(--check --diff); before/after come from the diff. Without C(--diff) a changed item is
    still reported, without before/after.
  - The report never holds a secret. The modules never return passwords, seeds or codes, and on top of that keys that
    carry secrets are dropped from every copied value, at any verbosity. Task results of other modules are not read.
  - It works with any number of forks. A run split into slices (AWX job slicing, C(--limit) batches) writes one report
    per run; give each its own O(output_dir) or O(name) and merge them with M(accountguard.aws.drift_report_merge).
  - Fail a pipeline on drift with a one-liner that exits non-zero when the report holds any drift or failed account,
    and zero otherwise (see EXAMPLES). A report of no account at all (an empty inventory or C(--limit)) is not clean.
requirements:
  - Enabled with C(callbacks_enabled = accountguard.aws.drift_report) in the C([defaults]) section of ansible.cfg,
    or with C(ANSIBLE_CALLBACKS_ENABLED=accountguard.aws.drift_report) in the environment.
options:
  output_dir:
    description:
      - The folder of the report files; created if needed. A relative path is relative to the current folder.
      - When not given, C(drift-report) in the job's artifacts folder under ansible-runner, and so under AWX and
        Automation Platform (the folder C(<private_data_dir>/artifacts/<ident>) that ansible-runner gives the run in
        the environment variable C(AWX_ISOLATED_DATA_DIR)), so each job keeps its own report; elsewhere C(drift-report)
        in the current folder.
    type: path
    env:
      - name: ACCOUNTGUARD_DRIFT_REPORT_DIR
    ini:
      - section: callback_drift_report
        key: output_dir
  name:
    description: The file name of the report files, without extension. Give each slice of a run its own name or folder.
    type: str
    default: drift-report
    env:
      - name: ACCOUNTGUARD_DRIFT_REPORT_NAME
    ini:
      - section: callback_drift_report
        key: name
  formats:
    env:
      - name: ACCOUNTGUARD_DRIFT_REPORT_FORMATS
    ini:
      - section: callback_drift_report
        key: formats
extends_documentation_fragment:
  - accountguard.aws.attributes.report_formats
notes:
  - The report files are written when the playbook ends (also when accounts failed). A run killed before its end
    writes none, so a missing report file means an incomplete run.
seealso:
  - module: accountguard.aws.drift_report_merge
"""

EXAMPLES = r"""
# ansible.cfg
#   [defaults]
#   callbacks_enabled = accountguard.aws.drift_report
#   [callback_drift_report]
#   output_dir = reports
#
# The nightly drift scan, then fail the pipeline on drift or failure (jq, or Python without jq):
#   ANSIBLE_CALLBACKS_ENABLED=accountguard.aws.drift_report \
#     ansible-playbook -i org.aws_organizations.yml accountguard.aws.baseline --check --diff
#   jq -e .clean drift-report/drift-report.json
#   python3 -c 'import json,sys; sys.exit(not json.load(open(sys.argv[1]))["clean"])' drift-report/drift-report.json
#
# A run in slices: one report name per slice, then one merged report.
#   ACCOUNTGUARD_DRIFT_REPORT_NAME=slice-1 ansible-playbook ... --limit 'ou_Prod' --check --diff
#   ACCOUNTGUARD_DRIFT_REPORT_NAME=slice-2 ansible-playbook ... --limit '!ou_Prod' --check --diff
#   ansible localhost -m accountguard.aws.drift_report_merge -a "src=drift-report dest=drift-report-all"
#   jq -e .clean drift-report-all/drift-report.json
"""

import os

from ansible import context
from ansible.plugins.callback import CallbackBase

from ansible_collections.accountguard.aws.plugins.module_utils import _drift


# The folder ansible-runner (and so AWX and Automation Platform) gives each run for its artifacts
# (<private_data_dir>/artifacts/<ident>, or /runner/artifacts/<ident> inside an execution environment).
RUNNER_ARTIFACTS_ENV = "AWX_ISOLATED_DATA_DIR"
DEFAULT_FOLDER = "drift-report"


def report_folder(output_dir, environ):
    """The report's folder: the one given, else drift-report in the run's artifacts folder, else in the current one."""
    if output_dir:
        return output_dir
    artifacts = environ.get(RUNNER_ARTIFACTS_ENV)
    return os.path.join(artifacts, DEFAULT_FOLDER) if artifacts else DEFAULT_FOLDER


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "accountguard.aws.drift_report"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._accounts = {}
        self._playbooks = []
        self._modes = set()

    def _account(self, host):
        return self._accounts.setdefault(host, {
            "items": [], "root": None, "root_task": None, "summary": None,
            "account_id": None, "error": None, "unreachable": False, "failed_items": [],
        })

    def v2_playbook_on_start(self, playbook):
        self._playbooks.append(os.path.basename(playbook._file_name))

    def _check_mode(self, task):
        value = getattr(task, "check_mode", None)
        return bool(value) if isinstance(value, bool) else bool(context.CLIARGS.get("check", False))

    def _record(self, result, failed=False):
        task = result._task
        action = getattr(task, "resolved_action", None) or task.action
        self._read(result._host.get_name(), action, result._result, task.get_name(), self._check_mode(task), failed)

    def _read(self, host, action, data, name, check, failed):
        """What one result of `action` says about the account `host`."""
        account = self._account(host)
        facts = data.get("ansible_facts") or {}
        if action not in _drift.ACTIONS:
            if isinstance(facts.get("account_baseline_result"), dict):
                account["summary"] = facts["account_baseline_result"]
            return
        self._modes.add("check" if check else "apply")
        role = _drift.ACTIONS[action]
        if role == "procedure":
            # accountguard.aws.baseline: one task. Its summary holds the account's items, built from its steps' results by
            # the same functions this report uses (so the summary and the report never disagree).
            summary = data.get("summary")
            if isinstance(summary, dict):
                account["summary"] = summary
                if isinstance(summary.get("items"), list):
                    account["items"] += summary["items"]
                    account["account_id"] = summary.get("account_id") or account["account_id"]
                    return
            # A summary without items: the steps' results, read as the steps' own tasks would be.
            for step in data.get("steps") or []:
                step_result = step.get("result") or {}
                if step.get("user") and "item" not in step_result:
                    step_result = dict(step_result, item={"name": step["user"]})  # as a loop item of the step's task
                self._read(host, step.get("module"), step_result, step.get("task") or name, check, bool(step.get("failed")))
            return
        if role == "root":
            if isinstance(facts.get("root_mfa"), dict):
                account["root"], account["root_task"] = facts["root_mfa"], name
                account["account_id"] = facts["root_mfa"].get("account_id") or account["account_id"]
            return
        if isinstance(data.get("results"), list):
            return  # a loop: each item was recorded by the item callbacks, which know whether it failed
        account["items"] += _drift.task_items(action, data, check, name, failed)
        account["account_id"] = account["account_id"] or data.get("account_id")

    def v2_runner_on_ok(self, result):
        self._record(result)
        self._account(result._host.get_name())["failed_items"] = []

    def v2_runner_item_on_ok(self, result):
        self._record(result)

    def v2_runner_item_on_failed(self, result):
        self._record(result, failed=True)
        item = _drift._loop_name(result._result) or result._result.get("_ansible_item_label") or "?"
        self._account(result._host.get_name())["failed_items"].append(f"{item}: {result._result.get('msg') or 'failed'}")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True)
        account = self._account(result._host.get_name())
        problems, account["failed_items"] = account["failed_items"], []
        if ignore_errors:
            return
        text = " | ".join(problems) or result._result.get("msg") or "failed"
        account["error"] = f"{result._task.get_name()}: {text}"

    def v2_runner_on_unreachable(self, result):
        account = self._account(result._host.get_name())
        account["unreachable"] = True
        account["error"] = f"unreachable: {result._result.get('msg') or 'no reason given'}"

    def v2_playbook_on_stats(self, stats):
        entries = []
        for host in sorted(set(self._accounts) | set(stats.processed)):
            account = self._account(host)
            summary = account["summary"] or {}
            root_settings = summary.get("root_mfa") or {}
            items = list(account["items"])
            if account["root"] is not None:
                # The role's defaults where no summary says otherwise.
                items = _drift.root_items(account["root"], root_settings.get("policy") or "warn", account["root_task"],
                                          root_settings.get("required_type") or "any") + items
            error = None
            if account["unreachable"] or stats.failures.get(host) or stats.dark.get(host):
                error = account["error"] or "failed"
            if summary.get("status") == "failed":
                error = summary.get("error") or account["error"] or "failed"
            entries.append(_drift.account_entry(
                host, items, account["account_id"] or summary.get("account_id"), summary.get("account_name"),
                error, account["unreachable"] or bool(stats.dark.get(host)),
            ))
        modes = self._modes or {"check" if context.CLIARGS.get("check") else "apply"}
        mode = next(iter(modes)) if len(modes) == 1 else "mixed"
        report = _drift.build_report(entries, mode, self._playbooks)
        directory = os.path.abspath(os.path.expanduser(report_folder(self.get_option("output_dir"), os.environ)))
        try:
            paths = _drift.write_report(report, directory, self.get_option("name"), self.get_option("formats"))
        except OSError as e:
            self._display.warning(f"accountguard.aws.drift_report: cannot write the report to {directory}: {e}")
            return
        if not context.CLIARGS.get("diff", False):
            self._display.warning(
                "accountguard.aws.drift_report: this run had no --diff, so users and the admin group are reported as whole "
                "items without before/after; run the drift scan with --check --diff."
            )
        totals = report["totals"]
        self._display.display(
            f"Drift report: {totals['accounts']} account{'' if totals['accounts'] == 1 else 's'}, {totals['drift']} with drift, "
            f"{totals['failed']} failed"
            f" ({'clean' if report['clean'] else 'NOT clean'}): {', '.join(paths)}"
        )
