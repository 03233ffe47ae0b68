"""Cost per account of each module and of the baseline playbook, against the local AWS: controller CPU and AWS calls.

Run with `make bench` (ACCOUNTS=20 FORKS=2 to change the size). Each account is its own host with its
own credentials (an IAM user's access key inside that account), so no STS call muddies the figures.
Prints a table; asserts nothing (speed is measured here, not in timed tests). "child RSS" is the largest
resident size any child process (ansible-playbook, its forks, the modules) reached so far.
"""

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from localaws.server import LocalAWS

ROOT = Path(__file__).resolve().parents[2]
PLAY = """
- name: Benchmark {module}
  hosts: all
  connection: local
  gather_facts: false
  module_defaults:
    group/accountguard.aws.aws:
      endpoint_url: "{{{{ localaws_url }}}}"
      access_key: "{{{{ bench_access_key }}}}"
      secret_key: "{{{{ bench_secret_key }}}}"
      region: us-east-1
  tasks:
    - name: The module under measurement
      {task}
"""
TASKS = {
    # The floor: a trivial module run the same way (playbook start-up, fork, AnsiballZ, python start).
    "ansible.builtin.ping": "ansible.builtin.ping: {}",
    "root_mfa_facts": "accountguard.aws.root_mfa_facts: {}",
    "iam_admin_user": 'accountguard.aws.iam_admin_user: {name: alice, secrets_file: "{{ secrets_dir }}/{{ inventory_hostname }}/alice.yml"}',
    "iam_virtual_mfa": 'accountguard.aws.iam_virtual_mfa: {user_name: alice, secrets_file: "{{ secrets_dir }}/{{ inventory_hostname }}/alice.yml"}',
}


def prepare_accounts(aws, count):
    """An account per host: the admin group exists, and an operator key works inside the account."""
    hosts = {}
    for index in range(count):
        account = f"{100000000000 + index:012d}"
        iam = aws.client("iam", account_id=account)
        iam.create_group(GroupName="Administrators")
        iam.create_user(UserName="bench-operator")
        key = iam.create_access_key(UserName="bench-operator")["AccessKey"]
        hosts[account] = {"bench_access_key": key["AccessKeyId"], "bench_secret_key": key["SecretAccessKey"], "aws_account_id": account}
    return hosts


def run_play(workdir, module, args, env):
    playbook = workdir / f"{module}.yml"
    playbook.write_text(PLAY.format(module=module, task=TASKS[module]))
    return run([str(playbook), *args], env, module)


def run(args, env, label):
    """ansible-playbook with `args`: (wall seconds, CPU seconds of all child processes, largest child RSS)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), *args],
                          env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=int(os.environ.get("ACCOUNTS", 10)))
    parser.add_argument("--forks", type=int, default=int(os.environ.get("FORKS", 2)))
    opts = parser.parse_args()
    with LocalAWS() as aws, tempfile.TemporaryDirectory(prefix="accountguard-bench-") as tmp:
        workdir = Path(tmp)
        hosts = prepare_accounts(aws, opts.accounts)
        inventory = workdir / "inventory.json"
        inventory.write_text(json.dumps({"all": {"hosts": hosts}}))
        (workdir / "vault-pass").write_text("benchmark-vault-password\n")
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                   ANSIBLE_FORKS=str(opts.forks), ANSIBLE_NOCOLOR="1", ANSIBLE_DEPRECATION_WARNINGS="0")
        args = ["-i", str(inventory), "-e", f"localaws_url={aws.url}", "-e", f"secrets_dir={workdir / 'secrets'}",
                "--vault-password-file", str(workdir / "vault-pass")]
        print(f"{opts.accounts} accounts, {opts.forks} forks, {os.cpu_count()} cores; figures per account are per module task, then per playbook run")
        print(f"{'module':<16} {'run':<14} {'wall s':>7} {'CPU s':>7} {'CPU s/acct':>10} {'calls/acct':>10} {'child RSS MB':>12}  AWS calls per account")
        measure_modules(aws, opts, hosts, workdir, args, env)
        measure_playbook(aws, opts, workdir, env)
        measure_report_scale(workdir)


def measure_report_scale(workdir, accounts=500, users=2):
    """The drift report's own cost at organization scale, without AWS: build, render and write a report of
    `accounts` accounts (one item in drift per 50 accounts), then merge it from two slices."""
    sys.path.insert(0, str(ROOT / ".cache" / "collections"))
    from ansible_collections.accountguard.aws.plugins.module_utils import _drift

    def item(kind, user=None, drift=False):
        return {"item": kind, "user": user, "status": "drift" if drift else "ok", "repairable": True}

    entries = []
    for n in range(accounts):
        items = [item(k) for k in _drift.ACCOUNT_ITEMS]
        items += [item(k, f"user{u}", drift=(n % 50 == 0 and k == "mfa_device")) for u in range(users) for k in _drift.USER_ITEMS]
        entries.append(_drift.account_entry(f"acct-{n:04d}", items, f"{300000000000 + n:012d}"))
    start = time.process_time()
    report = _drift.build_report(entries, "check")
    paths = _drift.write_report(report, str(workdir / "scale"), "all")
    built = time.process_time() - start
    halves = [(f"slice-{i}", _drift.build_report(entries[i::2], "check")) for i in (0, 1)]
    start = time.process_time()
    merged = _drift.merge_reports(halves)
    merge_cpu = time.process_time() - start
    sizes = ", ".join(f"{Path(p).suffix} {Path(p).stat().st_size / 1024:.0f} KiB" for p in paths)
    print()
    print(f"drift report of {accounts} accounts x {len(_drift.ACCOUNT_ITEMS) + users * len(_drift.USER_ITEMS)} items: "
          f"build+write {built * 1000:.0f} ms CPU ({sizes}); merge of 2 slices {merge_cpu * 1000:.0f} ms CPU, "
          f"{merged['totals']['accounts']} accounts, {merged['totals']['items_drift']} in drift")


def report(label, name, wall, cpu, rss, aws, accounts, count):
    actions = collections.Counter(r["action"] for r in aws.control.requests() if r["account"] in accounts)
    per_account = {a: round(n / count, 1) for a, n in sorted(actions.items())}
    total = sum(actions.values()) / count
    print(f"{label:<16} {name:<14} {wall:>7.1f} {cpu:>7.1f} {cpu / count:>10.2f} {total:>10.1f} {rss / 1024:>12.0f}  "
          + ", ".join(f"{a} {n:g}" for a, n in per_account.items()))


def measure_playbook(aws, opts, workdir, env):
    """playbooks/baseline.yml over fresh accounts reached through AssumeRole, as users run it: one admin
    user with console access and MFA per account."""
    accounts = [f"{200000000000 + index:012d}" for index in range(opts.accounts)]
    inventory = workdir / "org.json"
    inventory.write_text(json.dumps({"all": {"hosts": {f"acct-{a}": {"aws_account_id": a} for a in accounts}}}))
    extra = {"account_baseline_admin_users": [{"name": "alice"}], "account_baseline_aws_endpoint_url": aws.url,
             "account_baseline_aws_region": "us-east-1", "account_baseline_secrets_dir": str(workdir / "org-secrets")}
    env = dict(env, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="bench-any-secret")
    args = [str(ROOT / "playbooks" / "baseline.yml"), "-i", str(inventory), "-e", json.dumps(extra)]
    print()
    print("playbooks/baseline.yml, per account: AssumeRole, root facts, admin group, alice, alice's MFA device, summary")
    report_env = dict(env, ANSIBLE_CALLBACKS_ENABLED="accountguard.aws.drift_report", ACCOUNTGUARD_DRIFT_REPORT_DIR=str(workdir / "reports"))
    for name in ("first", "steady", "check", "check+report"):
        aws.control.clear_requests()
        more = ["--check", "--diff"] if name.startswith("check") else ["--vault-password-file", str(workdir / "vault-pass")]
        wall, cpu, rss = run(args + more, report_env if name == "check+report" else env, "baseline.yml")
        # AssumeRole is logged in the calling (management) account: count it too.
        report("baseline.yml", name, wall, cpu, rss, aws, set(accounts) | {"123456789012"}, opts.accounts)


def measure_modules(aws, opts, hosts, workdir, args, env):
    for module, runs in (("ansible.builtin.ping", ("baseline",)), ("root_mfa_facts", ("read",)), ("iam_admin_user", ("first", "steady", "check")),
                         ("iam_virtual_mfa", ("first", "steady", "check"))):
        for name in runs:
            aws.control.clear_requests()
            wall, cpu, rss = run_play(workdir, module, args + (["--check"] if name == "check" else []), env)
            report(module, name, wall, cpu, rss, aws, set(hosts), opts.accounts)


if __name__ == "__main__":
    main()
