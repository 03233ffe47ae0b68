#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: drift_report_merge
version_added: 1.0.0
short_description: Merge the drift reports of several runs (slices) into one
description:
  - Reads the JSON drift reports written by the P(accountguard.aws.drift_report#callback) callback, for example one
    per slice of an AWX sliced job or per C(--limit) batch, and writes one report of all their accounts in the same
    formats (JSON, JUnit XML, Markdown).
  - An account found in more than one report is taken from the newest report and listed under C(duplicates).
  - 'From the command line: C(ansible localhost -m accountguard.aws.drift_report_merge -a "src=slices/ dest=merged").'
  - Reports only hold what the callback wrote, which never includes a secret.
author:
  - accountguard.aws maintainers (@accountguard)
options:
  src:
    description:
      - Report files (C(.json)), or folders whose C(*.json) drift reports are all read. Relative paths are relative to
        the current folder of the module (use absolute paths in playbooks).
      - A file that is not a drift report is an error naming it, and nothing is written. In a folder, other
        JSON files are skipped.
    type: list
    elements: path
    required: true
  dest:
    description: The folder of the merged report files; created if needed.
    type: path
    required: true
  name:
    description: The file name of the merged report files, without extension.
    type: str
    default: drift-report
extends_documentation_fragment:
  - accountguard.aws.attributes.report_formats
attributes:
  check_mode:
    support: full
    description: Reads and merges the reports and returns the totals, without writing any file.
  diff_mode:
    support: none
    description: Writes report files; there is nothing to show as a diff.
  platform:
    platforms: posix
    support: full
    description: Runs where the reports are, normally the controller (C(localhost)).
"""

EXAMPLES = r"""
# Each slice wrote its report with its own name (ACCOUNTGUARD_DRIFT_REPORT_NAME=slice-1, slice-2, ...) in one folder:
#   ansible localhost -m accountguard.aws.drift_report_merge -a "src=drift-report dest=drift-report-all"
#   jq -e .clean drift-report-all/drift-report.json

- name: Merge the reports of two slices
  accountguard.aws.drift_report_merge:
    src:
      - /var/reports/slice-1/drift-report.json
      - /var/reports/slice-2/drift-report.json
    dest: /var/reports/all
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
clean:
  description: True when no account of the merged report has drift or failed.
  type: bool
  returned: always
  sample: false
totals:
  description:
    - Counts of the merged report (accounts, ok, changed, drift, failed, items, items_drift, items_changed, items_failed).
    - C(ok) counts the accounts without drift or failure, C(changed) those of them a real run changed.
  type: dict
  returned: always
  sample: {accounts: 12, ok: 10, changed: 0, drift: 1, failed: 1, items: 96, items_drift: 2, items_changed: 0, items_failed: 0}
reports:
  description: The report files read.
  type: list
  elements: str
  returned: always
duplicates:
  description: Accounts found in more than one report (the newest report's entry was kept).
  type: list
  elements: str
  returned: always
files:
  description: The files written (none in check mode).
  type: list
  elements: str
  returned: always
"""

import glob
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.accountguard.aws.plugins.module_utils import _drift


def _report_files(src, skip=None):
    files = []
    for path in src:
        if os.path.isdir(path):
            files += [(p, False) for p in sorted(glob.glob(os.path.join(path, "*.json"))) if os.path.abspath(p) != skip]
        else:
            files.append((path, True))
    return files


def read_reports(src, skip=None):
    """[(path, report)]; raises ReportError for a named file that is not a report (or a missing one). `skip`: a file
    that a folder listing leaves out (the merged report itself, when it is written into a folder it reads)."""
    reports = []
    for path, named in _report_files(src, skip):
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as e:
            raise _drift.ReportError(f"Cannot read the drift report {path}: {e.strerror}.") from None
        try:
            reports.append((path, _drift.load_report(text, path)))
        except _drift.ReportError:
            if named:
                raise
    if not reports:
        raise _drift.ReportError(f"No drift report found in {', '.join(src)}.")
    return reports


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type="list", elements="path", required=True),
            dest=dict(type="path", required=True),
            name=dict(type="str", default="drift-report"),
            formats=dict(type="list", elements="str", default=list(_drift.RENDERERS), choices=list(_drift.RENDERERS)),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        reports = read_reports(params["src"], os.path.abspath(os.path.join(params["dest"], params["name"] + ".json")))
    except _drift.ReportError as e:
        module.fail_json(msg=f"{e} Nothing was written.")
    merged = _drift.merge_reports(reports)
    files = []
    if not module.check_mode:
        try:
            files = _drift.write_report(merged, params["dest"], params["name"], params["formats"])
        except OSError as e:
            module.fail_json(msg=f"Cannot write the merged drift report to {params['dest']}: {e}.")
    module.exit_json(
        changed=not module.check_mode,
        clean=merged["clean"],
        totals=merged["totals"],
        reports=[path for path, _report in reports],
        duplicates=merged.get("duplicates", []),
        files=files,
    )


if __name__ == "__main__":
    main()
