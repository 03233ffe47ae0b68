#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: root_mfa_facts
short_description: Facts about the AWS account root user's MFA and credentials
version_added: 1.0.0
description:
  - Reads whether the account's root user has MFA (virtual or hardware), a password, access keys or
    signing certificates, and whether it meets CIS AWS Foundations Benchmark v7 controls 2.5 (MFA enabled
    for root) and 2.6 (hardware MFA enabled for root).
  - Returns the facts as C(ansible_facts.root_mfa), and the same dictionary as RV(root_mfa).
  - The source of truth is IAM C(GetAccountSummary). When root has MFA, C(ListVirtualMFADevices) tells
    a virtual device from a hardware one; MFA with no virtual device of root's counts as hardware (a
    hardware TOTP token or a FIDO security key).
  - A root user without any credential (no password, access keys or signing certificates, for example
    because the organization manages root access centrally) cannot sign in, so MFA is not applicable and
    both controls are met.
  - The module never changes the account. With O(credential_report=true) it calls
    C(GenerateCredentialReport), which creates a report but changes no setting.
options:
  account_id:
    description:
      - The 12-digit id of the account the credentials belong to.
      - When root has no virtual MFA device and O(credential_report=false), the module otherwise learns the
        account id with STS C(GetCallerIdentity); giving it saves that call.
      - When an AWS answer shows the credentials belong to another account, the module fails rather than
        report facts under the wrong account id.
    type: str
  credential_report:
    description:
      - Also read the root row of the IAM credential report, adding RV(root_mfa.password_last_used),
        RV(root_mfa.access_key_1_last_used), RV(root_mfa.access_key_2_last_used),
        RV(root_mfa.mfa_active) and RV(root_mfa.credential_report_generated).
      - Calls C(GenerateCredentialReport) (AWS reuses a report younger than four hours) and polls
        C(GetCredentialReport) until the report is ready.
    type: bool
    default: false
  credential_report_timeout:
    description:
      - How long, in seconds, to wait for the credential report to be ready before failing.
      - The module polls with jittered exponential backoff (pauses from about one second, up to 16 seconds).
    type: int
    default: 60
extends_documentation_fragment:
  - accountguard.aws.attributes.read_only
  - accountguard.aws.attributes
  - action_common_attributes.facts
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  facts:
    support: full
notes:
  - Needs C(iam:GetAccountSummary) and C(iam:ListVirtualMFADevices); C(sts:GetCallerIdentity) unless
    O(account_id) is given; C(iam:GenerateCredentialReport) and C(iam:GetCredentialReport) with
    O(credential_report=true).
  - If root has both a virtual and a hardware MFA device, RV(root_mfa.mfa_type) is V(virtual) and
    RV(root_mfa.hardware_mfa_compliant) is V(false), as in the CIS audit procedure.
seealso:
  - name: CIS AWS Foundations Benchmark
    description: The benchmark whose controls 2.5 and 2.6 the compliance facts follow.
    link: https://www.cisecurity.org/benchmark/amazon_web_services
  - name: Root user best practices for your AWS account
    description: AWS guidance on protecting and not using the root user.
    link: https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html
author:
  - accountguard maintainers (@accountguard)
"""

EXAMPLES = r"""
- name: Read the root user's MFA state
  accountguard.aws.root_mfa_facts:

- name: Fail when root has credentials but no MFA
  ansible.builtin.assert:
    that: ansible_facts.root_mfa.compliant
    fail_msg: "Account {{ ansible_facts.root_mfa.account_id }}: {{ ansible_facts.root_mfa.findings | join('; ') }}"

- name: Read root facts in an assumed-role session, with last-use dates from the credential report
  accountguard.aws.root_mfa_facts:
    access_key: "{{ assumed.sts_creds.access_key }}"
    secret_key: "{{ assumed.sts_creds.secret_key }}"
    session_token: "{{ assumed.sts_creds.session_token }}"
    account_id: "123456789012"
    credential_report: true
    credential_report_timeout: 120
  register: root

- name: Show when root last signed in
  ansible.builtin.debug:
    msg: "root password last used: {{ root.root_mfa.password_last_used | default('never', true) }}"
"""

RETURN = r"""
root_mfa:
  description:
    - Facts about the root user; the same dictionary is set as C(ansible_facts.root_mfa).
  returned: success
  type: dict
  contains:
    account_id:
      description: The 12-digit id of the account.
      returned: success
      type: str
      sample: "123456789012"
    mfa_enabled:
      description: Whether the root user has an MFA device (IAM C(AccountMFAEnabled)).
      returned: success
      type: bool
      sample: true
    mfa_type:
      description:
        - V(virtual) when root has a virtual MFA device, V(hardware) when root has MFA but no virtual device
          (a hardware TOTP token or a FIDO security key), V(none) without MFA.
      returned: success
      type: str
      choices: [virtual, hardware, none]
      sample: virtual
    virtual_mfa_serial:
      description: The serial number (ARN) of root's virtual MFA device; V(null) unless RV(root_mfa.mfa_type=virtual).
      returned: success
      type: str
      sample: arn:aws:iam::123456789012:mfa/root-account-mfa-device
    password_present:
      description: Whether the root user has a console password.
      returned: success
      type: bool
      sample: true
    access_keys_present:
      description: Whether the root user has access keys.
      returned: success
      type: bool
      sample: false
    signing_certificates_present:
      description: Whether the root user has X.509 signing certificates.
      returned: success
      type: bool
      sample: false
    credentials_present:
      description: Whether the root user has any credential (password, access keys or signing certificates).
      returned: success
      type: bool
      sample: true
    mfa_applicable:
      description: Whether MFA matters for root; V(false) when root has no credentials at all.
      returned: success
      type: bool
      sample: true
    compliant:
      description: CIS AWS Foundations v7 control 2.5 is met; root has MFA, or no credentials at all.
      returned: success
      type: bool
      sample: true
    hardware_mfa_compliant:
      description: CIS AWS Foundations v7 control 2.6 is met; root has hardware MFA, or no credentials at all.
      returned: success
      type: bool
      sample: false
    findings:
      description: Human-readable problems found, most serious first; empty when there is none.
      returned: success
      type: list
      elements: str
      sample: ["root user has a password but no MFA", "root user has access keys"]
    password_last_used:
      description:
        - When the root password was last used (ISO 8601), from the credential report.
        - V(null) when root has no password or the password was never used.
      returned: when O(credential_report=true)
      type: str
      sample: "2025-01-31T09:12:45+00:00"
    access_key_1_last_used:
      description: When root's first access key was last used (ISO 8601); V(null) when there is none or it was never used.
      returned: when O(credential_report=true)
      type: str
      sample: "2025-01-31T09:12:00+00:00"
    access_key_2_last_used:
      description: When root's second access key was last used (ISO 8601); V(null) when there is none or it was never used.
      returned: when O(credential_report=true)
      type: str
      sample: null
    mfa_active:
      description: Whether the credential report shows an active MFA device for root.
      returned: when O(credential_report=true)
      type: bool
      sample: true
    credential_report_generated:
      description: When the credential report that was read had been generated (ISO 8601).
      returned: when O(credential_report=true)
      type: str
      sample: "2025-02-01T10:00:00+00:00"
"""

from ansible_collections.accountguard.aws.plugins.module_utils import _root
from ansible_collections.accountguard.aws.plugins.module_utils._runner import run_module


def main():
    run_module(_root)


if __name__ == "__main__":
    main()
