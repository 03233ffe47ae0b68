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
#   step:  whether accountguard.aws.baseline runs it as a step of the procedure (and gives it the account's
#          session).
AWS_MODULES = {
    "account_session": {"drift": None, "step": True},
    "root_mfa_facts": {"drift": "root", "step": True},
    "iam_root_credentials": {"drift": "root_credentials", "step": True},
    "iam_root_access": {"drift": None, "step": False},
    "iam_password_policy": {"drift": "password_policy", "step": True},
    "iam_admin_group": {"drift": "group", "step": True},
    "iam_admin_user": {"drift": "user", "step": True},
    "iam_virtual_mfa": {"drift": "mfa", "step": True},
    "account_alias": {"drift": "account_alias", "step": True},
    "budget": {"drift": "budget", "step": True},
}

# The procedure of one account (plugin_utils/_procedure.py): a module of its own that runs the steps above in
# one task. The role account_baseline calls it; the drift report reads its steps.
PROCEDURE = "baseline"


def fqcn(name):
    return f"{COLLECTION}.{name}"


def drift_roles():
    """{resolved FQCN: drift role} of the modules whose results the drift report reads."""
    roles = {fqcn(name): meta["drift"] for name, meta in AWS_MODULES.items() if meta["drift"]}
    roles[fqcn(PROCEDURE)] = "procedure"
    return roles


def steps():
    return [name for name, meta in AWS_MODULES.items() if meta["step"]]
