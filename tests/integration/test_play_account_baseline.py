"""playbooks/baseline.yml and the account_baseline role against the local AWS: many accounts, through
ansible-playbook, checked independently with boto3 and Ansible's vault library."""

import re
import subprocess
import time

import pytest
import yaml

from playbook_helpers import ROOT
from playbook_helpers import appears
from playbook_helpers import baseline_vars
from playbook_helpers import codes_between
from playbook_helpers import decrypt_yaml
from playbook_helpers import kill_tree
from playbook_helpers import device_serials
from playbook_helpers import recaps
from playbook_helpers import seed_is_the_devices
from playbook_helpers import summary_lines
from playbook_helpers import write_inventory

BASELINE = ROOT / "playbooks" / "baseline.yml"
ACCOUNTS = {f"acct-{n}": f"21000000000{n}" for n in range(1, 6)}
USERS = [
    {"name": "alice", "tags": {"team": "platform"}},
    {"name": "bob", "console_access": False, "mfa": False},
]
SECRET_KEYS = {"user_name", "account_id", "sign_in_url", "password", "serial_number", "seed", "otpauth_uri"}


def baseline(playbook, inventory, *args, users=None, check=True, vault=True, **more_vars):
    extra = baseline_vars(playbook, USERS if users is None else users, **more_vars)
    return playbook.run(BASELINE, *args, inventory=inventory, check=check, vault=vault, extra_vars=extra)


def secrets_file(playbook, account, user):
    return playbook.secrets_dir / account / f"{user}.yml"


def stored(playbook, account, user="alice"):
    return decrypt_yaml(secrets_file(playbook, account, user), playbook.vault_password_file)


def assert_account_at_baseline(aws, playbook, account):
    iam = aws.client("iam", account_id=account)
    group = iam.get_group(GroupName="Administrators")
    assert sorted(u["UserName"] for u in group["Users"]) == ["alice", "bob"]
    policies = [p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName="Administrators")["AttachedPolicies"]]
    assert policies == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is True
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_login_profile(UserName="bob")
    assert {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName="alice")["Tags"]} == {"managed-by": "accountguard", "team": "platform"}
    serial = f"arn:aws:iam::{account}:mfa/alice"
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="alice")["MFADevices"]] == [serial]
    assert iam.list_mfa_devices(UserName="bob")["MFADevices"] == []
    assert device_serials(iam) == [serial]  # no orphaned device
    path = secrets_file(playbook, account, "alice")
    assert path.read_bytes().startswith(b"$ANSIBLE_VAULT;1.1;AES256")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    values = stored(playbook, account)
    assert set(values) == SECRET_KEYS
    assert values["account_id"] == account and values["serial_number"] == serial
    assert values["sign_in_url"] == f"https://{account}.signin.aws.amazon.com/console"
    seed_is_the_devices(iam, values["seed"], serial, "alice")
    assert not secrets_file(playbook, account, "bob").exists()  # no console, no MFA: no secret at all


def test_five_accounts_reach_the_baseline_then_stay_there(playbook, aws, tmp_path, way):
    roots = {"210000000001": {"mfa": "virtual"}, "210000000002": {"mfa": "hardware"}, "210000000003": {"credentials": False}}
    for account, state in roots.items():
        aws.control.set_root(account, **state)
    inventory = write_inventory(tmp_path, ACCOUNTS)

    first = baseline(playbook, inventory, "--forks", "3")
    counters = recaps(first)
    assert set(counters) == set(ACCOUNTS)
    assert all(c["changed"] == 1 and c["failed"] == 0 for c in counters.values()), counters  # the one baseline task
    for account in ACCOUNTS.values():
        assert_account_at_baseline(aws, playbook, account)
    lines = summary_lines(first)
    assert "acct-1 (210000000001): changed; root MFA virtual (ok); users created: alice, bob, changed: -, unchanged: -; MFA enabled: alice" in lines
    assert any(line.startswith("acct-3 (210000000003): changed; root MFA none (not applicable)") for line in lines)
    # Root with a password and no MFA is drift that no run repairs, in apply mode too: the line says it as the report does.
    assert ("acct-4 (210000000004): drift; root MFA none (warn: root user has a password but no MFA); users created: alice, bob, "
            "changed: -, unchanged: -; MFA enabled: alice; drift: root MFA (needs the root user)") in lines
    assert "5 accounts: 3 ok, 2 with drift, 0 failed; 3 changed by this run" in lines

    again = baseline(playbook, inventory, "--forks", "3")
    assert all(c["changed"] == 0 and c["failed"] == 0 for c in recaps(again).values())
    assert "5 accounts: 3 ok, 2 with drift, 0 failed; 0 changed by this run" in summary_lines(again)

    aws.control.clear_requests()
    scan = baseline(playbook, inventory, "--check", "--diff", "--forks", "3", vault=False)
    assert all(c["changed"] == 0 and c["failed"] == 0 for c in recaps(scan).values())
    assert aws.control.mutating_requests() == []


def test_drift_scan_of_new_accounts_reports_each_change_once_and_writes_nothing(playbook, aws, tmp_path):
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNTS["acct-1"], "acct-2": ACCOUNTS["acct-2"]})
    aws.control.clear_requests()
    scan = baseline(playbook, inventory, "--check", "--diff", vault=False)
    assert aws.control.mutating_requests() == []
    assert not playbook.secrets_dir.exists()
    for host in ("acct-1", "acct-2"):
        assert recaps(scan)[host]["changed"] == 1
        assert scan.stdout.count(f"changed: [{host}]\n") == 1
    # One diff per pending change and account: the password policy, the group, each user, alice's device (bob has no MFA).
    headers = [line for line in scan.stdout.splitlines() if line.startswith("--- before: ")]
    assert sorted(headers) == sorted(2 * [
        "--- before: Account password policy",
        "--- before: Admin group with its policies",
        "--- before: Admin users - console access, password to change at first sign-in, kept in Ansible Vault: alice",
        "--- before: Admin users - console access, password to change at first sign-in, kept in Ansible Vault: bob",
        "--- before: Admin users - virtual MFA device, seed stored in Ansible Vault before the device is enabled: alice",
    ])
    assert scan.stdout.count("+++ after: create virtual MFA device /alice and enable it for the new user alice") == 2
    assert "2 accounts: 0 ok, 2 with drift, 0 failed" in summary_lines(scan)


def test_one_failing_account_never_stops_the_others(playbook, aws, tmp_path):
    aws.control.set_root(ACCOUNTS["acct-2"], mfa="none")
    for account in (ACCOUNTS["acct-1"], ACCOUNTS["acct-3"]):
        aws.control.set_root(account, mfa="virtual")
    inventory = write_inventory(tmp_path, {h: ACCOUNTS[h] for h in ("acct-1", "acct-2", "acct-3")})
    aws.control.clear_requests()
    proc = baseline(playbook, inventory, "--forks", "2", check=False, account_baseline_root_mfa="require")
    assert proc.returncode == 2
    counters = recaps(proc)
    assert counters["acct-2"]["failed"] == 1 and counters["acct-2"]["changed"] == 0
    assert counters["acct-1"]["failed"] == 0 and counters["acct-3"]["failed"] == 0
    assert aws.control.mutating_requests(account=ACCOUNTS["acct-2"]) == []
    for account in (ACCOUNTS["acct-1"], ACCOUNTS["acct-3"]):
        assert_account_at_baseline(aws, playbook, account)
    failed = [line for line in summary_lines(proc) if line.startswith("acct-2")]
    assert failed == [
        "acct-2 (210000000002): FAILED: the root user has credentials but no MFA (root user has a password but no MFA). "
        "root_mfa (account_baseline_root_mfa) is 'require', so nothing was changed in this account. Enabling root MFA needs the "
        "root user; until then set it to 'warn' for this account."
    ]
    assert "3 accounts: 2 ok, 0 with drift, 1 failed; 2 changed by this run" in summary_lines(proc)


def test_bad_input_names_the_account_and_item_and_changes_nothing(playbook, aws, tmp_path):
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNTS["acct-1"]})
    aws.control.clear_requests()
    proc = baseline(playbook, inventory, check=False, users=[{"name": "alice"}, {"name": "bad name!"}])
    assert proc.returncode == 2
    assert ('acct-1 (210000000001): FAILED: admin_users (account_baseline_admin_users) has invalid IAM user names ("bad name!": '
            "1 to 64 letters, digits and + = , . @ _ -). Nothing was changed.") in summary_lines(proc)
    dup = baseline(playbook, inventory, check=False, users=[{"name": "alice"}, {"name": "alice"}])
    assert ("acct-1 (210000000001): FAILED: admin_users (account_baseline_admin_users) names alice more than once. "
            "Nothing was changed.") in summary_lines(dup)
    bad_policy = baseline(playbook, inventory, check=False, account_baseline_admin_group_policies=["arn:aws:iam::aws:policy/NoSuchPolicy"])
    line = [x for x in summary_lines(bad_policy) if x.startswith("acct-1")][0]
    assert line.startswith("acct-1 (210000000001): FAILED: Admin group with its policies:")
    assert "NoSuchPolicy" in line
    assert aws.control.mutating_requests() == []


def test_wrong_vault_password_stops_the_account_and_leaves_files_untouched(playbook, aws, tmp_path):
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNTS["acct-1"]})
    baseline(playbook, inventory)
    before = secrets_file(playbook, ACCOUNTS["acct-1"], "alice").read_bytes()
    playbook.vault_password_file.write_text("not-the-password\n")
    aws.control.clear_requests()
    # carol is new: her file would be the first written with the other password in that folder.
    proc = baseline(playbook, inventory, check=False, users=USERS + [{"name": "carol"}])
    assert proc.returncode == 2
    line = [x for x in summary_lines(proc) if x.startswith("acct-1")][0]
    assert line.startswith("acct-1 (210000000001): FAILED: Admin users")
    assert "alice: The secrets file" in line and "cannot be decrypted with the vault secret(s) given" in line
    assert "carol: The secrets folder" in line and "holds alice.yml, which the vault secret(s) given cannot decrypt" in line
    assert secrets_file(playbook, ACCOUNTS["acct-1"], "alice").read_bytes() == before
    assert not secrets_file(playbook, ACCOUNTS["acct-1"], "carol").exists()
    assert aws.control.mutating_requests() == []


def test_without_a_vault_secret_nothing_that_yields_a_secret_is_created(playbook, aws, tmp_path):
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNTS["acct-1"]})
    aws.control.clear_requests()
    proc = baseline(playbook, inventory, check=False, vault=False, users=[{"name": "alice"}])
    assert proc.returncode == 2
    line = [x for x in summary_lines(proc) if x.startswith("acct-1")][0]
    assert line.startswith("acct-1 (210000000001): FAILED: Admin users")
    assert "alice: No vault secret is configured, so the secrets of user alice in account 210000000001 could not be stored" in line
    assert aws.control.mutating_requests() == []  # not even the admin group: the account stops before its first write
    assert not playbook.secrets_dir.exists()


def test_removed_user_is_deleted_with_its_secrets_file(playbook, aws, tmp_path):
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNTS["acct-1"]})
    baseline(playbook, inventory, users=[{"name": "alice"}])
    assert secrets_file(playbook, ACCOUNTS["acct-1"], "alice").exists()
    gone = baseline(playbook, inventory, users=[{"name": "alice", "state": "absent"}])
    assert recaps(gone)["acct-1"]["changed"] == 1  # the user (with its device) and its file, in the one task
    iam = aws.client("iam", account_id=ACCOUNTS["acct-1"])
    assert [u["UserName"] for u in iam.list_users()["Users"]] == []
    assert device_serials(iam) == []
    assert not secrets_file(playbook, ACCOUNTS["acct-1"], "alice").exists()


def test_host_without_account_id_uses_the_given_credentials(playbook, aws, tmp_path):
    path = tmp_path / "mgmt.yml"
    path.write_text(yaml.safe_dump({"all": {"hosts": {"management": {}}}}))
    baseline(playbook, path, users=[{"name": "alice"}])
    iam = aws.client("iam")  # the default account of the local AWS: the credentials' own
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice"]
    assert stored(playbook, "123456789012")["user_name"] == "alice"


def test_run_stopped_between_storing_a_seed_and_enabling_its_device_converges(playbook, aws, tmp_path, way):
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNTS["acct-1"], "acct-2": ACCOUNTS["acct-2"]})
    # Every EnableMFADevice fails: the seeds are stored, the devices exist, none is enabled.
    aws.control.set_faults(throttle_fraction=1.0, throttle_actions=["EnableMFADevice"])
    broken = baseline(playbook, inventory, check=False)
    assert broken.returncode == 2
    seeds = {}
    for account in (ACCOUNTS["acct-1"], ACCOUNTS["acct-2"]):
        iam = aws.client("iam", account_id=account)
        assert device_serials(iam, "Unassigned") == [f"arn:aws:iam::{account}:mfa/alice"]
        seeds[account] = stored(playbook, account)["seed"]
    aws.control.clear_faults()
    aws.control.clear_requests()
    baseline(playbook, inventory)
    assert sorted(r["action"] for r in aws.control.mutating_requests() if "MFA" in r["action"]) == ["EnableMFADevice"] * 2
    for account, seed in seeds.items():
        assert_account_at_baseline(aws, playbook, account)
        assert stored(playbook, account)["seed"] == seed  # the stored seed's device, not a new one


def test_run_killed_between_creating_a_device_and_storing_its_seed_converges(playbook, aws, tmp_path, way):
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNTS["acct-1"]})
    account = ACCOUNTS["acct-1"]
    # The device is created, but its answer (with the seed) is held back while the run is killed.
    aws.control.set_faults(hold_after={"CreateVirtualMFADevice": 120})
    cmd = playbook.command(BASELINE, inventory=inventory, extra_vars=baseline_vars(playbook, USERS))
    proc = subprocess.Popen(cmd, env=playbook.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not [r for r in aws.control.requests() if r["action"] == "CreateVirtualMFADevice"]:
            assert proc.poll() is None, "the run ended before it created the device"
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        kill_tree(proc.pid)
        proc.wait()
    aws.control.clear_faults()
    iam = aws.client("iam", account_id=account)
    assert device_serials(iam, "Unassigned") == [f"arn:aws:iam::{account}:mfa/alice"]  # the orphan
    assert "seed" not in stored(playbook, account)  # its seed never reached the controller
    aws.control.clear_requests()
    baseline(playbook, inventory)
    mfa_calls = [r["action"] for r in aws.control.mutating_requests() if "MFA" in r["action"]]
    assert mfa_calls == ["DeleteVirtualMFADevice", "CreateVirtualMFADevice", "EnableMFADevice"]
    assert_account_at_baseline(aws, playbook, account)


def test_no_secret_in_output_or_log_at_vvvv(playbook, aws, tmp_path, way):
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNTS["acct-1"], "acct-2": ACCOUNTS["acct-2"]})
    start = time.time()
    out = baseline(playbook, inventory, "-vvvv", "--diff")
    again = baseline(playbook, inventory, "-vvvv", "--check", "--diff")
    end = time.time()
    log = playbook.log_path.read_text()
    texts = (out.stdout, out.stderr, again.stdout, again.stderr, log)
    # The steps ran the way this test asked for (-vvv says which).
    assert ("accountguard.aws.iam_admin_user: running as a module process" in out.stdout) == (way == "module")
    assert ("accountguard.aws.iam_admin_user: running in the controller's worker" in out.stdout) == (way == "worker")
    assert "secrets_stored" in out.stdout  # the run did store secrets, and said so
    for account in (ACCOUNTS["acct-1"], ACCOUNTS["acct-2"]):
        values = stored(playbook, account)
        codes = codes_between(values["seed"], start, end)
        for text in texts:
            assert values["password"] not in text
            assert values["seed"] not in text and values["seed"].lower() not in text
            assert values["otpauth_uri"] not in text
            for c in codes:
                assert not appears(c, text), f"code {c} leaked"
    for text in texts:
        assert "sts_creds" not in text  # the assumed role's session credentials are never shown
        assert not re.search(r"\bASIA[A-Z0-9]{12,}", text)  # nor a session's access key id
        assert "sealed_secret" not in text


def test_the_plays_module_defaults_reach_the_role(playbook, aws, tmp_path):
    # No AWS settings in the environment: endpoint, keys and region come from the play's module_defaults only.
    inventory = write_inventory(tmp_path, {"acct-1": ACCOUNTS["acct-1"]})
    env = {k: v for k, v in playbook.env().items() if not k.startswith("AWS_")}
    proc = subprocess.run(playbook.command("account_baseline.yml", inventory=inventory), env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert recaps(proc)["acct-1"]["changed"] == 1
    assert stored(playbook, ACCOUNTS["acct-1"])["user_name"] == "alice"
    sts = [r for r in aws.control.requests() if r["action"] == "AssumeRole"]
    assert [r["params"]["RoleArn"] for r in sts] == [f"arn:aws:iam::{ACCOUNTS['acct-1']}:role/OrganizationAccountAccessRole"]
