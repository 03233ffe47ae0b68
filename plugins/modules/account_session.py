#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: account_session
short_description: Temporary credentials for working in one AWS account (STS AssumeRole)
version_added: 1.0.0
description:
  - Assumes an IAM role in an account with STS C(AssumeRole) and returns the session's temporary credentials in
    RV(sts_creds), in the shape M(amazon.aws.sts_assume_role) returns them, so that later tasks work in that account
    (for example through C(module_defaults)).
  - Unlike M(amazon.aws.sts_assume_role) it supports check mode. C(AssumeRole) changes nothing, so a drift scan
    (C(--check)) gets the same credentials as a real run.
  - RV(connection) holds the connection options for tasks that work in the account (this task's endpoint, region and
    certificate settings, with the session's keys instead of a profile), ready for C(module_defaults).
  - The result always holds credentials, so it is hidden from output and callbacks (as with C(no_log)) whatever the task
    says; register it and pass RV(connection) or RV(sts_creds) on, never print it.
  - The role P(accountguard.aws.account_baseline#role) connects to every account with it.
options:
  role_arn:
    description: The ARN of the role to assume, C(arn:aws:iam::<account id>:role/<path><name>).
    type: str
    required: true
  role_session_name:
    description: The session name CloudTrail records (2 to 64 letters, digits and C(+=,.@_-)).
    type: str
    default: accountguard
  duration_seconds:
    description:
      - How long the credentials are valid, from 900 (15 minutes) to 43200 (12 hours); the role's maximum session
        duration must allow it.
    type: int
    default: 3600
  external_id:
    description: The external id the role's trust policy asks for, if any.
    type: str
  policy:
    description: A session policy (JSON) that further limits what the session may do.
    type: json
  mfa_serial_number:
    description: The serial number (ARN) of the caller's MFA device, when the role's trust policy requires MFA.
    type: str
  mfa_token:
    description:
      - The current six-digit code of O(mfa_serial_number), for example from the P(accountguard.aws.totp#lookup) lookup.
    type: str
extends_documentation_fragment:
  - accountguard.aws.attributes.read_only
  - accountguard.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Needs C(sts:AssumeRole) on the role for the caller, and a trust policy of the role that lets the caller in.
  - One AWS call (AssumeRole), retried with jittered backoff when STS throttles.
seealso:
  - module: amazon.aws.sts_assume_role
author:
  - accountguard.aws maintainers (@accountguard)
"""

EXAMPLES = r"""
- name: Work in a member account through the role AWS Organizations creates there
  accountguard.aws.account_session:
    role_arn: "arn:aws:iam::{{ aws_account_id }}:role/OrganizationAccountAccessRole"
  register: session

- name: Read the root user's MFA state in that account
  accountguard.aws.root_mfa_facts:
    access_key: "{{ session.sts_creds.access_key }}"
    secret_key: "{{ session.sts_creds.secret_key }}"
    session_token: "{{ session.sts_creds.session_token }}"

- name: Or give every task of a block the account's connection
  module_defaults:
    group/accountguard.aws.aws: "{{ session.connection }}"
  block:
    - name: Root user
      accountguard.aws.root_mfa_facts:
"""

RETURN = r"""
account_id:
  description: The account the session works in.
  returned: success
  type: str
  sample: "123456789012"
sts_creds:
  description: The temporary credentials (the result is hidden from output).
  returned: success
  type: dict
  contains:
    access_key:
      description: The access key id.
      type: str
    secret_key:
      description: The secret access key.
      type: str
    session_token:
      description: The session token.
      type: str
    expiration:
      description: When the credentials expire (ISO 8601).
      type: str
      sample: "2026-12-02T12:00:00+00:00"
connection:
  description:
    - The connection options for tasks that work in the account, for C(module_defaults) (the result is hidden from output).
    - C(access_key), C(secret_key) and C(session_token) of the session, and those of C(endpoint_url), C(region),
      C(aws_ca_bundle), C(aws_config) and C(validate_certs=false) that this task was given.
  returned: success
  type: dict
sts_user:
  description: The assumed role user.
  returned: success
  type: dict
  contains:
    arn:
      description: The ARN of the assumed role session.
      type: str
      sample: arn:aws:sts::123456789012:assumed-role/OrganizationAccountAccessRole/accountguard
    assumed_role_id:
      description: The unique id of the assumed role session.
      type: str
"""

from ansible_collections.accountguard.aws.plugins.module_utils import _session
from ansible_collections.accountguard.aws.plugins.module_utils._runner import run_module


def main():
    run_module(_session)


if __name__ == "__main__":
    main()
