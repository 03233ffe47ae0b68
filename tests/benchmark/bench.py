"""Controller CPU per account of the baseline, side by side with the same checks built from amazon.aws modules.

Run with `make bench`. Two parts, against the local AWS (served from a thread of this process, so its CPU is
not counted as controller CPU; its time is in every wall figure):

1. Side by side in one run, over ACCOUNTS accounts (default 10) with USERS admin users each (default 2), FORKS
   forks (default 2), every account reached through AssumeRole as users run it: playbooks/baseline.yml (first
   apply, steady apply, the converged drift scan with the drift report callback, and the same scan with every
   task forced into a module process, as before the worker path), the same checks built from amazon.aws modules
   (sts_assume_role, aws_caller_info, iam_group with users and policies, iam_user and iam_mfa_device_info per
   user, all --check), one amazon.aws module task (aws_caller_info) and ansible.builtin.ping.
2. An organization of ORG_ACCOUNTS accounts (default 1000; 0 skips it) listed by the aws_organizations inventory
   plugin, ORG_FORKS forks (default 20): first apply, then the drift scan with the report callback on; wall time,
   controller CPU, peak RSS of the ansible-playbook process and AWS calls per account.

"Controller CPU" is the user+system time of ansible-playbook and every process it started (workers, modules).
Prints figures and the issue's targets next to them; asserts nothing (speed is measured here, not in tests).
"""

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import boto3
import yaml

from localaws.server import LocalAWS

ROOT = Path(__file__).resolve().parents[2]
OPERATOR = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "bench-any-secret", "AWS_DEFAULT_REGION": "us-east-1"}
MANAGEMENT_ACCOUNT = "123456789012"  # the local AWS's default account: the operator's, where AssumeRole is logged
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"

# The checks of the drift scan, built from amazon.aws modules as a user without this collection would.
PEER = """
- name: The baseline's checks from amazon.aws modules
  hosts: all
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    conn: {endpoint_url: "{{ localaws_url }}", region: us-east-1}
  module_defaults:
    group/aws: "{{ conn }}"
  tasks:
    - name: Assume the access role (sts_assume_role has no check mode)
      amazon.aws.sts_assume_role:
        role_arn: "arn:aws:iam::{{ aws_account_id }}:role/OrganizationAccountAccessRole"
        role_session_name: peer
      check_mode: false
      no_log: true
      register: sts
    - name: With the account's credentials
      module_defaults:
        group/aws: "{{ conn | combine({'access_key': sts.sts_creds.access_key, 'secret_key': sts.sts_creds.secret_key,
                                       'session_token': sts.sts_creds.session_token}) }}"
      block:
        - name: Account
          amazon.aws.aws_caller_info:
        - name: Admin group, its members and policies
          amazon.aws.iam_group:
            name: Administrators
            state: present
            users: "{{ users }}"
            managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
        - name: Admin users
          amazon.aws.iam_user:
            name: "{{ item }}"
            state: present
          loop: "{{ users }}"
        - name: Their MFA devices
          amazon.aws.iam_mfa_device_info:
            user_name: "{{ item }}"
          loop: "{{ users }}"
"""
ONE_TASK = """
- name: One task per account
  hosts: all
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
  tasks:
    - name: The task
      {task}
"""


class Peak:
    """Samples the peak resident size (VmHWM) of one process until it ends."""

    def __init__(self, pid):
        self.pid = pid
        self.kib = 0
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self):
        status = Path(f"/proc/{self.pid}/status")
        while True:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.kib = max(self.kib, int(line.split()[1]))
            except (OSError, ValueError):
                return
            time.sleep(0.2)


class Bench:
    def __init__(self, aws, workdir, forks):
        self.aws = aws
        self.workdir = workdir
        self.forks = forks
        self.vault = workdir / "vault-pass"
        self.vault.write_text("benchmark-vault-password\n")
        self.rows = {}

    def env(self, **more):
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"), ANSIBLE_NOCOLOR="1",
                   ANSIBLE_DEPRECATION_WARNINGS="0", ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_RETRY_FILES_ENABLED="0", **OPERATOR)
        env.pop("ACCOUNTGUARD_AWS_MODULE_PROCESS", None)
        env.update({k: str(v) for k, v in more.items()})
        return env

    def play(self, label, args, accounts, env=None, forks=None, expect_failed=0):
        """One ansible-playbook run: prints and returns its figures."""
        self.aws.state.log.clear()
        print(f"  running: {label} ...", flush=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        aws_before = time.process_time()
        start = time.monotonic()
        cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "--forks", str(forks or self.forks), *args]
        with open(self.workdir / "last-run.log", "w") as log:
            proc = subprocess.Popen(cmd, env=env or self.env(), stdout=log, stderr=subprocess.STDOUT)
            peak = Peak(proc.pid)
            code = proc.wait()
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if code not in (0, 2) or (code == 2 and not expect_failed):
            raise SystemExit(f"{label} failed (exit {code}):\n{(self.workdir / 'last-run.log').read_text()[-4000:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        records = self.aws.state.log.records(clear=True)
        calls = collections.Counter(r["action"] for r in records if r["account"] in accounts or r["account"] == MANAGEMENT_ACCOUNT)
        row = {"label": label, "wall": wall, "cpu": cpu, "per_account": cpu / len(accounts), "accounts": len(accounts),
               "calls": sum(calls.values()) / len(accounts), "by_action": calls, "peak_mib": peak.kib / 1024,
               "local_aws_cpu": time.process_time() - aws_before}
        self.rows[label] = row
        print(f"    {row['per_account']:.3f} s CPU per account ({cpu:.1f} s for {len(accounts)}), {wall:.1f} s wall, "
              f"{row['calls']:.1f} AWS calls per account, peak RSS of ansible-playbook {row['peak_mib']:.0f} MiB", flush=True)
        return row

    def write(self, name, text):
        path = self.workdir / name
        path.write_text(text)
        return str(path)


def static_inventory(bench, accounts):
    hosts = {f"acct-{a}": {"aws_account_id": a} for a in accounts}
    return bench.write("accounts.json", json.dumps({"all": {"hosts": hosts}}))


def baseline_args(bench, inventory, users, secrets):
    extra = {"account_baseline_admin_users": [{"name": u} for u in users], "account_baseline_aws_endpoint_url": bench.aws.url,
             "account_baseline_aws_region": "us-east-1", "account_baseline_secrets_dir": str(secrets), "account_baseline_root_mfa": "ignore"}
    return [str(ROOT / "playbooks" / "baseline.yml"), "-i", inventory, "-e", json.dumps(extra)]


def side_by_side(bench, count, users):
    accounts = [f"{200000000000 + n:012d}" for n in range(count)]
    inventory = static_inventory(bench, accounts)
    base = baseline_args(bench, inventory, users, bench.workdir / "secrets")
    vault = ["--vault-password-file", str(bench.vault)]
    report_env = bench.env(ANSIBLE_CALLBACKS_ENABLED="accountguard.aws.drift_report", ACCOUNTGUARD_DRIFT_REPORT_DIR=bench.workdir / "reports")
    print(f"\n1. Side by side: {count} accounts, {len(users)} admin users each, {bench.forks} forks, {os.cpu_count()} cores")
    first = bench.play("ours: first apply", base + vault, accounts)
    bench.play("ours: steady apply", base + vault, accounts)
    scan = bench.play("ours: drift scan", base + ["--check", "--diff"], accounts, env=report_env)
    report = json.loads((bench.workdir / "reports" / "drift-report.json").read_text())
    print(f"    drift report: {report['totals']['accounts']} accounts, {report['totals']['items']} items, "
          f"{report['totals']['items_drift']} in drift, clean={report['clean']}")
    forced = bench.play("ours: drift scan, module processes", base + ["--check", "--diff"], accounts,
                        env=bench.env(ANSIBLE_CALLBACKS_ENABLED="accountguard.aws.drift_report", ACCOUNTGUARD_DRIFT_REPORT_DIR=bench.workdir / "reports-forced",
                                      ACCOUNTGUARD_AWS_MODULE_PROCESS="1"))
    peer_args = [bench.write("peer.yml", PEER), "-i", inventory, "--check", "-e", json.dumps({"localaws_url": bench.aws.url, "users": list(users)})]
    peer = bench.play("amazon.aws peer --check", peer_args, accounts)
    one = bench.play("one amazon.aws task", [bench.write("one.yml", ONE_TASK.format(task="amazon.aws.aws_caller_info: {endpoint_url: \"{{ localaws_url }}\"}")),
                                             "-i", inventory, "-e", f"localaws_url={bench.aws.url}"], accounts)
    ping = bench.play("ansible.builtin.ping", [bench.write("ping.yml", ONE_TASK.format(task="ansible.builtin.ping:")), "-i", inventory], accounts)

    print(f"\n   {'run':<38} {'CPU s/account':>13} {'AWS calls/account':>18}")
    for row in (first, bench.rows["ours: steady apply"], scan, forced, peer, one, ping):
        print(f"   {row['label']:<38} {row['per_account']:>13.3f} {row['calls']:>18.1f}")
    per_user = 4
    print(f"\n   AWS calls of the converged scan per account: {', '.join(f'{a} {n / count:g}' for a, n in sorted(scan['by_action'].items()))}")
    print(f"   peer / ours (drift scan):               {peer['per_account'] / scan['per_account']:.1f}x   (target: at least 5x)")
    print(f"   ours / one amazon.aws task:             {scan['per_account'] / one['per_account']:.2f}   (target: at most 0.5)")
    print(f"   first apply / one amazon.aws task:      {first['per_account'] / one['per_account']:.2f}   (target: at most 2)")
    print(f"   module processes / worker (drift scan): {forced['per_account'] / scan['per_account']:.1f}x")
    # 4 per account (AssumeRole, GetAccountSummary, GetGroup, ListAttachedGroupPolicies), 1 for the password policy the
    # role manages by default (GetAccountPasswordPolicy, since issue 11), 4 per admin user.
    print(f"   AWS calls per converged account:        {scan['calls']:.1f}   (target: at most {4 + 1 + per_user * len(users)})")


def organization(bench, count, users, forks):
    print(f"\n2. An organization of {count} accounts, {len(users)} admin users each, {forks} forks, {os.cpu_count()} cores")
    start = time.monotonic()
    org = boto3.client("organizations", endpoint_url=bench.aws.url, region_name="us-east-1",
                       aws_access_key_id=OPERATOR["AWS_ACCESS_KEY_ID"], aws_secret_access_key=OPERATOR["AWS_SECRET_ACCESS_KEY"])
    org.create_organization(FeatureSet="ALL")
    accounts = set()
    for n in range(count):
        status = org.create_account(AccountName=f"member-{n:04d}", Email=f"member-{n:04d}@example.com")["CreateAccountStatus"]
        accounts.add(org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"])
    print(f"  the local AWS created the organization in {time.monotonic() - start:.1f} s", flush=True)
    inventory = bench.write("org.aws_organizations.yml", yaml.safe_dump({
        "plugin": "accountguard.aws.aws_organizations", "endpoint_url": bench.aws.url, "region": "us-east-1",
        "exclude_management_account": True}))
    base = baseline_args(bench, inventory, users, bench.workdir / "org-secrets")
    apply = bench.play(f"organization: first apply ({count})", base + ["--vault-password-file", str(bench.vault)], accounts, forks=forks)
    scan = bench.play(f"organization: drift scan ({count})", base + ["--check", "--diff"], accounts, forks=forks,
                      env=bench.env(ANSIBLE_CALLBACKS_ENABLED="accountguard.aws.drift_report", ACCOUNTGUARD_DRIFT_REPORT_DIR=bench.workdir / "org-reports"))
    report = json.loads((bench.workdir / "org-reports" / "drift-report.json").read_text())
    print(f"\n   drift scan of {count} accounts: {scan['wall'] / 60:.1f} min wall (target: at most 10), {scan['cpu']:.0f} s controller CPU "
          f"({scan['per_account']:.3f} s per account), local AWS {scan['local_aws_cpu']:.0f} s CPU, "
          f"peak RSS of ansible-playbook {scan['peak_mib']:.0f} MiB, {scan['calls']:.1f} AWS calls per account")
    print(f"   its report: {report['totals']['accounts']} accounts, {report['totals']['items']} items, {report['totals']['items_drift']} in drift, "
          f"{report['totals']['failed']} failed")
    print(f"   first apply of {count} accounts: {apply['wall'] / 60:.1f} min wall, {apply['cpu']:.0f} s controller CPU "
          f"({apply['per_account']:.3f} s per account), peak RSS {apply['peak_mib']:.0f} MiB, {apply['calls']:.1f} AWS calls per account")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=int(os.environ.get("ACCOUNTS", 10)))
    parser.add_argument("--users", type=int, default=int(os.environ.get("USERS", 2)))
    parser.add_argument("--forks", type=int, default=int(os.environ.get("FORKS", 2)))
    parser.add_argument("--org-accounts", type=int, default=int(os.environ.get("ORG_ACCOUNTS", 1000)))
    parser.add_argument("--org-forks", type=int, default=int(os.environ.get("ORG_FORKS", 20)))
    opts = parser.parse_args()
    users = [f"admin{n + 1}" for n in range(opts.users)]
    with LocalAWS() as aws, tempfile.TemporaryDirectory(prefix="accountguard-bench-") as tmp:
        bench = Bench(aws, Path(tmp), opts.forks)
        if opts.accounts:
            side_by_side(bench, opts.accounts, users)
        if opts.org_accounts:
            organization(bench, opts.org_accounts, users, opts.org_forks)


if __name__ == "__main__":
    main()
