# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the collection's AWS modules, and what the other parts must know about each.

Written once here and read by the others: the drift report takes its module roles from it, and
tests/unit/test_catalog.py fails when a module is missing from the action group (meta/runtime.yml), the
role's per-action connection defaults, or has no action plugin built on plugin_utils/_aws_action.py.
Pure standard library, so that any module can ship it.
"""

from __future__ import annotations

COLLECTION = "accountguard.aws"

# name -> what it is for the rest of the collection:
#   drift: the role its results play in the drift report (None: not read by the report at all; the
#          credentials account_session returns must never reach a report);
#   role:  whether the role account_baseline calls it (it then must have connection defaults there).
AWS_MODULES = {
    "account_session": {"drift": None, "role": True},
    "root_mfa_facts": {"drift": "root", "role": True},
    "iam_admin_group": {"drift": "group", "role": True},
    "iam_admin_user": {"drift": "user", "role": True},
    "iam_virtual_mfa": {"drift": "mfa", "role": True},
}


def fqcn(name):
    return f"{COLLECTION}.{name}"


def drift_roles():
    """{resolved FQCN: drift role} of the modules whose results the drift report reads."""
    return {fqcn(name): meta["drift"] for name, meta in AWS_MODULES.items() if meta["drift"]}
