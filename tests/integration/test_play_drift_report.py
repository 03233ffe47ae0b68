"""The drift report of playbooks/baseline.yml against the local AWS: the callback accountguard.aws.drift_report
(JSON, JUnit XML, Markdown) through real ansible-playbook runs, and the module accountguard.aws.drift_report_merge.

One account per kind of change made behind the playbook's back (boto3, as an administrator would in the
console): the scan must list exactly the drift those changes cause, nothing for the changes that are not
drift, and nothing once a real run has repaired what it can and root has been fixed by hand."""

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from playbook_helpers import ROOT
from playbook_helpers import PlaybookRunner
from playbook_helpers import baseline_vars
from playbook_helpers import decrypt_yaml
from playbook_helpers import device_serials
from playbook_helpers import write_inventory

BASELINE = ROOT / "playbooks" / "baseline.yml"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
USERS = [
    {"name": "alice"},
    {"name": "bob", "console_access": False, "mfa": False},
]
# Every item of an account at the baseline with USERS (bob's mfa_device says whether an admin without MFA is
# accepted: he has no credential, and the tests' settings accept that).
BASELINE_ITEMS = {
    ("root_mfa", None), ("root_access_keys", None), ("password_policy", None), ("admin_group", None), ("admin_group_policy", None),
    ("user", "alice"), ("group_membership", "alice"), ("login_profile", "alice"), ("mfa_device", "alice"),
    ("user", "bob"), ("group_membership", "bob"), ("login_profile", "bob"), ("mfa_device", "bob"),
}
ROOT_ITEMS = {"root_mfa", "root_access_keys"}
# Items no run repairs: only the root user can, or a change of the settings (bob's MFA).
NOT_REPAIRABLE = {("root_mfa", None), ("root_access_keys", None), ("mfa_device", "bob")}
NEW_PASSWORD = "Chosen-At-First-Sign-In-42!"


# ---- what is done behind the playbook's back, one account each --------------------------------

def mfa_serial(account, user="alice"):
    return f"arn:aws:iam::{account}:mfa/{user}"


def delete_admin_user(aws, account):
    iam = aws.client("iam", account_id=account)
    iam.deactivate_mfa_device(UserName="alice", SerialNumber=mfa_serial(account))
    iam.delete_virtual_mfa_device(SerialNumber=mfa_serial(account))
    iam.delete_login_profile(UserName="alice")
    iam.remove_user_from_group(GroupName="Administrators", UserName="alice")
    iam.delete_user(UserName="alice")


def remove_from_group(aws, account):
    aws.client("iam", account_id=account).remove_user_from_group(GroupName="Administrators", UserName="bob")


def detach_admin_policy(aws, account):
    aws.client("iam", account_id=account).detach_group_policy(GroupName="Administrators", PolicyArn=ADMIN_POLICY)


def delete_login_profile(aws, account):
    aws.client("iam", account_id=account).delete_login_profile(UserName="alice")


def deactivate_mfa(aws, account):
    aws.client("iam", account_id=account).deactivate_mfa_device(UserName="alice", SerialNumber=mfa_serial(account))


def delete_mfa(aws, account):
    deactivate_mfa(aws, account)
    aws.client("iam", account_id=account).delete_virtual_mfa_device(SerialNumber=mfa_serial(account))


def weaken_password_policy(aws, account):
    aws.client("iam", account_id=account).update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True)


def give_bob_an_access_key(aws, account):
    aws.client("iam", account_id=account).create_access_key(UserName="bob")


def delete_bobs_access_keys(aws, account):
    iam = aws.client("iam", account_id=account)
    for key in iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]:
        iam.delete_access_key(UserName="bob", AccessKeyId=key["AccessKeyId"])


def give_bob_console(aws, account):
    aws.client("iam", account_id=account).create_login_profile(UserName="bob", Password="Someone-Else-Set-This-1!")


def turn_root_mfa_off(aws, account):
    aws.control.set_root(account, mfa="none")  # the password stays


def create_root_keys(aws, account):
    aws.control.set_root(account, access_keys=1)  # MFA stays virtual


def add_extra_tag(aws, account):
    aws.client("iam", account_id=account).tag_user(UserName="alice", Tags=[{"Key": "owner", "Value": "someone-else"}])


def change_initial_password(aws, account):
    aws.client("iam", account_id=account).update_login_profile(UserName="alice", Password=NEW_PASSWORD, PasswordResetRequired=False)


def add_tags_and_group(aws, account):
    iam = aws.client("iam", account_id=account)
    iam.create_group(GroupName="Readers")
    iam.add_user_to_group(GroupName="Readers", UserName="alice")
    iam.tag_user(UserName="alice", Tags=[{"Key": "cost-center", "Value": "42"}])


def remove_root_credentials(aws, account):
    aws.control.set_root(account, credentials=False)


def no_change(aws, account):
    pass


# host: (change, the (item, user) drift a scan must report)
CASES = {
    "acct-user-deleted": (delete_admin_user, {("user", "alice"), ("mfa_device", "alice")}),
    "acct-left-group": (remove_from_group, {("group_membership", "bob")}),
    "acct-policy-detached": (detach_admin_policy, {("admin_group_policy", None)}),
    "acct-profile-deleted": (delete_login_profile, {("login_profile", "alice")}),
    "acct-mfa-deactivated": (deactivate_mfa, {("mfa_device", "alice")}),
    "acct-mfa-deleted": (delete_mfa, {("mfa_device", "alice")}),
    # The run takes the console password away, so bob stays an admin without any credential (accepted here).
    "acct-bob-console": (give_bob_console, {("login_profile", "bob")}),
    # An access key it does not take away: bob is an admin who can call AWS without MFA, a finding no run repairs.
    "acct-bob-key": (give_bob_an_access_key, {("mfa_device", "bob")}),
    "acct-password-policy": (weaken_password_policy, {("password_policy", None)}),
    "acct-root-mfa-off": (turn_root_mfa_off, {("root_mfa", None)}),
    "acct-root-keys": (create_root_keys, {("root_access_keys", None)}),
    "acct-exclusive-tags": (add_extra_tag, {("user", "alice")}),
    "acct-password-changed": (change_initial_password, set()),
    "acct-extra-tags-group": (add_tags_and_group, set()),
    "acct-root-no-credentials": (remove_root_credentials, set()),
    "acct-untouched": (no_change, set()),
}
ACCOUNTS = {host: f"2200000000{n:02d}" for n, host in enumerate(CASES, start=1)}
HOSTVARS = {"acct-exclusive-tags": {"account_baseline_exclusive_tags": True}}
EXPECTED_DRIFT = {(host, item, user) for host, (_change, drift) in CASES.items() for item, user in drift}
DRIFT_ACCOUNTS = {host for host, _item, _user in EXPECTED_DRIFT}


# ---- running the playbook with the callback ------------------------------------------------------

class ReportingRunner(PlaybookRunner):
    """A PlaybookRunner whose runs write a drift report into `report_dir` (named `report_name`, or the default)."""

    report_dir = None
    report_name = None

    def env(self):
        env = super().env()
        env["ANSIBLE_CALLBACKS_ENABLED"] = "accountguard.aws.drift_report"
        env["ACCOUNTGUARD_DRIFT_REPORT_DIR"] = str(self.report_dir)
        env.pop("ACCOUNTGUARD_DRIFT_REPORT_NAME", None)
        if self.report_name:
            env["ACCOUNTGUARD_DRIFT_REPORT_NAME"] = self.report_name
        return env


@pytest.fixture
def playbook(aws, tmp_path, request):
    params = getattr(request.node, "callspec", None)
    return ReportingRunner(aws, tmp_path, module_process=bool(params) and params.params.get("way") == "module")


def baseline(playbook, inventory, report_dir, *args, name=None, check=False, vault=True):
    """A run of the baseline playbook; returns (process, report dict, report folder)."""
    playbook.report_dir, playbook.report_name = report_dir, name
    extra = baseline_vars(playbook, USERS)
    if check:
        args = ("--check", "--diff") + args
    proc = playbook.run(BASELINE, *args, inventory=inventory, vault=vault, extra_vars=extra)
    path = Path(report_dir) / f"{name or 'drift-report'}.json"
    report = json.loads(path.read_text())
    said = [line for line in proc.stdout.splitlines() if line.startswith("Drift report: ")]
    assert len(said) == 1 and str(path) in said[0], proc.stdout[-3000:]
    assert ("(clean)" if report["clean"] else "(NOT clean)") in said[0]
    for suffix in ("json", "xml", "md"):
        assert oct(path.with_suffix(f".{suffix}").stat().st_mode & 0o777) == "0o644"
    return proc, report, Path(report_dir)


def scan(playbook, inventory, report_dir, *args, name=None):
    return baseline(playbook, inventory, report_dir, "--forks", "3", *args, name=name, check=True, vault=False)


# ---- reading reports -----------------------------------------------------------------------------

def items_with(report, status):
    return {(host, i["item"], i["user"]) for host, a in report["accounts"].items() for i in a["items"] if i["status"] == status}


def item(report, host, kind, user=None):
    found = [i for i in report["accounts"][host]["items"] if i["item"] == kind and i["user"] == user]
    assert len(found) == 1, report["accounts"][host]["items"]
    return found[0]


def item_keys(report, host):
    return {(i["item"], i["user"]) for i in report["accounts"][host]["items"]}


def junit_failures(path):
    """(testsuite, testcase) of every failure, the error count and the testcase count of a JUnit file."""
    suites = ET.parse(path).getroot()
    assert suites.tag == "testsuites"
    failures, errors, cases = set(), 0, 0
    for suite in suites.iter("testsuite"):
        for case in suite.iter("testcase"):
            cases += 1
            assert case.get("classname") == suite.get("name")
            if case.find("failure") is not None:
                failures.add((suite.get("name"), case.get("name")))
            errors += len(list(case.iter("error")))
        assert int(suite.get("failures")) == len([f for f in failures if f[0] == suite.get("name")])
    assert int(suites.get("tests")) == cases and int(suites.get("failures")) == len(failures)
    return failures, errors, cases


def case_name(kind, user):
    return f"{kind} [{user}]" if user else kind


def gate(report_path):
    """Exit codes of the documented pipeline gates: (jq or None, python3)."""
    jq = shutil.which("jq")
    jq_rc = subprocess.run([jq, "-e", ".clean", str(report_path)], capture_output=True, check=False).returncode if jq else None
    code = "import json,sys; sys.exit(not json.load(open(sys.argv[1]))['clean'])"
    py_rc = subprocess.run(["python3", "-c", code, str(report_path)], capture_output=True, check=False).returncode
    return jq_rc, py_rc


def assert_clean(report, accounts):
    assert report["clean"] is True
    assert set(report["accounts"]) == set(accounts)
    for host, entry in report["accounts"].items():
        assert entry["status"] == "ok" and entry["account_id"] == accounts[host]
        assert {i["status"] for i in entry["items"]} == {"ok"}, entry
        assert item_keys(report, host) == BASELINE_ITEMS
    assert report["totals"]["items"] == len(accounts) * len(BASELINE_ITEMS)
    assert report["totals"]["drift"] == report["totals"]["failed"] == report["totals"]["items_drift"] == 0


def secrets(playbook, accounts):
    """The vaulted values of every alice in `accounts` (password, seed, otpauth URI)."""
    values = set()
    for account in accounts.values():
        stored = decrypt_yaml(playbook.secrets_dir / account / "alice.yml", playbook.vault_password_file)
        values |= {stored["password"], stored["seed"], stored["seed"].lower(), stored["otpauth_uri"]}
    return values


def merge(playbook, src, dest):
    """The documented ad-hoc merge, with the venv's ansible and the runs' environment."""
    ansible = str(Path(sys.executable).parent / "ansible")
    cmd = [ansible, "localhost", "-m", "accountguard.aws.drift_report_merge", "-a", f"src={src} dest={dest}"]
    proc = subprocess.run(cmd, env=playbook.env(), capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((Path(dest) / "drift-report.json").read_text())


# ---- the tests -----------------------------------------------------------------------------------

def test_one_account_applied_then_scanned_clean(playbook, aws, tmp_path, way):
    # The baseline's apply and drift scan of one account, with its report: the short round the compatibility stage
    # (scripts/compat.sh) runs on every claimed ansible-core, both ways.
    host, account = "acct-one", "220000000099"
    aws.control.set_root(account, mfa="virtual")
    inventory = write_inventory(tmp_path, {host: account})
    applied = baseline(playbook, inventory, tmp_path / "apply")[1]
    assert applied["mode"] == "apply" and applied["clean"] is True
    assert applied["totals"]["items_changed"] > 0 and items_with(applied, "drift") == set()
    assert device_serials(aws.client("iam", account_id=account), "Assigned") == [mfa_serial(account)]
    aws.control.clear_requests()
    clean = scan(playbook, inventory, tmp_path / "scan")[1]
    assert clean["mode"] == "check"
    assert_clean(clean, {host: account})
    assert aws.control.mutating_requests() == []


def test_drift_report_lists_exactly_the_drift_then_is_clean_after_repair(playbook, aws, tmp_path):
    reports = tmp_path / "reports"
    for account in ACCOUNTS.values():
        aws.control.set_root(account, mfa="virtual")
    inventory = write_inventory(tmp_path, ACCOUNTS, **HOSTVARS)
    applied = baseline(playbook, inventory, reports / "apply", "--forks", "3")[1]
    assert applied["mode"] == "apply" and applied["clean"] is True
    assert applied["totals"]["items_changed"] > 0 and items_with(applied, "drift") == set()
    known_secrets = secrets(playbook, ACCOUNTS) | {NEW_PASSWORD}

    aws.control.clear_requests()
    clean = scan(playbook, inventory, reports / "clean")[1]
    assert clean["mode"] == "check"
    assert_clean(clean, ACCOUNTS)
    assert aws.control.mutating_requests() == []

    for host, (change, _drift) in CASES.items():
        change(aws, ACCOUNTS[host])
    aws.control.clear_requests()
    drift, drift_dir = scan(playbook, inventory, reports / "drift")[1:]
    assert aws.control.mutating_requests() == []
    assert_drift_report(drift)
    assert_drift_junit(drift_dir / "drift-report.xml", drift)
    assert_markdown(drift_dir / "drift-report.md", drift)
    jq_rc, py_rc = gate(drift_dir / "drift-report.json")
    assert py_rc != 0 and jq_rc in (None, 1)

    assert_slices_merge(playbook, inventory, tmp_path, drift)

    repair = baseline(playbook, inventory, reports / "repair", "--diff", "--forks", "3", "-vvvv")[1]
    assert_repair_report(repair)
    known_secrets |= secrets(playbook, ACCOUNTS)
    assert_repaired_in_aws(aws)

    for host in ("acct-root-mfa-off", "acct-root-keys"):
        aws.control.set_root(ACCOUNTS[host], mfa="virtual", access_keys=0)  # what only the root user can do
    delete_bobs_access_keys(aws, ACCOUNTS["acct-bob-key"])  # what the settings leave to a person
    aws.control.clear_requests()
    final, final_dir = scan(playbook, inventory, reports / "final")[1:]
    assert aws.control.mutating_requests() == []
    assert_clean(final, ACCOUNTS)
    assert junit_failures(final_dir / "drift-report.xml") == (set(), 0, len(ACCOUNTS) * len(BASELINE_ITEMS))
    assert gate(final_dir / "drift-report.json") in ((0, 0), (None, 0))

    assert_no_secret_in_reports(tmp_path, known_secrets)


def assert_drift_report(report):
    assert report["clean"] is False and report["mode"] == "check"
    assert items_with(report, "drift") == EXPECTED_DRIFT
    assert items_with(report, "failed") == items_with(report, "changed") == set()
    for host, entry in report["accounts"].items():
        assert entry["account_id"] == ACCOUNTS[host] and entry["error"] is None
        assert entry["status"] == ("drift" if host in DRIFT_ACCOUNTS else "ok"), (host, entry)
        for i in entry["items"]:
            assert i["repairable"] is ((i["item"], i["user"]) not in NOT_REPAIRABLE), i
        if host != "acct-user-deleted":
            assert item_keys(report, host) == BASELINE_ITEMS, host
    # A missing user is one item holding the whole user: no group_membership / login_profile of its own.
    assert item_keys(report, "acct-user-deleted") == BASELINE_ITEMS - {("group_membership", "alice"), ("login_profile", "alice")}
    totals = report["totals"]
    assert totals["accounts"] == len(ACCOUNTS) and totals["drift"] == len(DRIFT_ACCOUNTS)
    assert totals["ok"] == len(ACCOUNTS) - len(DRIFT_ACCOUNTS) and totals["failed"] == 0
    assert totals["items_drift"] == len(EXPECTED_DRIFT)
    assert totals["items"] == sum(len(a["items"]) for a in report["accounts"].values())

    missing = item(report, "acct-user-deleted", "user", "alice")
    assert missing["before"] is None and missing["after"]["user_name"] == "alice"
    assert missing["after"]["groups"] == ["Administrators"] and missing["after"]["console_access"] is True
    assert item(report, "acct-left-group", "group_membership", "bob")["before"] == {"groups": []}
    assert item(report, "acct-left-group", "group_membership", "bob")["after"] == {"groups": ["Administrators"]}
    policy = item(report, "acct-policy-detached", "admin_group_policy")
    assert (policy["before"], policy["after"]) == ({"managed_policies": []}, {"managed_policies": [ADMIN_POLICY]})
    profile = item(report, "acct-profile-deleted", "login_profile", "alice")
    assert (profile["before"], profile["after"]) == ({"console_access": False}, {"console_access": True})
    console = item(report, "acct-bob-console", "login_profile", "bob")
    assert (console["before"], console["after"]) == ({"console_access": True}, {"console_access": False})
    assert "administrator without MFA (mfa: false) and it has 1 active access key(s)" in item(report, "acct-bob-key", "mfa_device", "bob")["message"]
    policy = item(report, "acct-password-policy", "password_policy")
    # Only the fields that differ from the role's CIS policy.
    assert policy["before"] == {"minimum_password_length": 8, "require_numbers": False, "require_uppercase_characters": False,
                                "require_lowercase_characters": False, "allow_users_to_change_password": False,
                                "max_password_age": 0, "password_reuse_prevention": 0}, policy
    assert policy["after"]["minimum_password_length"] == 14 and policy["after"]["password_reuse_prevention"] == 24
    # The unassigned device is named in `after`; a deleted one is not there yet, hence its path and name.
    for host, after in (("acct-mfa-deactivated", mfa_serial(ACCOUNTS["acct-mfa-deactivated"])), ("acct-mfa-deleted", "/alice")):
        device = item(report, host, "mfa_device", "alice")
        assert device["before"]["mfa_devices"] == [] and device["after"]["mfa_devices"] == [after], device
    tags = item(report, "acct-exclusive-tags", "user", "alice")
    assert tags["before"]["tags"] == {"managed-by": "accountguard", "owner": "someone-else"}
    assert tags["after"]["tags"] == {"managed-by": "accountguard"}
    root_mfa = item(report, "acct-root-mfa-off", "root_mfa")
    assert root_mfa["before"]["mfa_enabled"] is False and root_mfa["before"]["password_present"] is True
    assert root_mfa["after"] == {"mfa_enabled": True} and "Needs the root user" in root_mfa["message"]
    keys = item(report, "acct-root-keys", "root_access_keys")
    assert (keys["before"], keys["after"]) == ({"access_keys_present": True}, {"access_keys_present": False})
    assert "not applicable" in item(report, "acct-root-no-credentials", "root_mfa")["message"]


def assert_drift_junit(path, report):
    failures, errors, cases = junit_failures(path)
    assert failures == {(host, case_name(kind, user)) for host, kind, user in EXPECTED_DRIFT}
    assert errors == 0 and cases == report["totals"]["items"]
    suites = {s.get("name"): s for s in ET.parse(path).getroot().iter("testsuite")}
    assert set(suites) == set(ACCOUNTS)
    for host, suite in suites.items():
        assert suite.find("properties/property[@name='account_id']").get("value") == ACCOUNTS[host]


def assert_markdown(path, report):
    rows = [line for line in path.read_text().splitlines() if line.startswith("| acct-")]
    assert len(rows) == len(ACCOUNTS)
    for host, account in ACCOUNTS.items():
        row = [r for r in rows if r.startswith(f"| {host} ({account}) |")]
        assert len(row) == 1
        assert ("| **drift** |" in row[0]) is (host in DRIFT_ACCOUNTS), row[0]
    assert f"{len(ACCOUNTS)} accounts, {report['totals']['ok']} ok, {len(DRIFT_ACCOUNTS)} with drift, 0 failed" in path.read_text()


def assert_slices_merge(playbook, inventory, tmp_path, full):
    """Two --limit slices of the scan (one folder, a name each), merged: the same report as one scan."""
    hosts = sorted(ACCOUNTS)
    halves = (hosts[: len(hosts) // 2], hosts[len(hosts) // 2:])
    slices = []
    playbook.aws.control.clear_requests()
    for n, half in enumerate(halves, start=1):
        report = scan(playbook, inventory, tmp_path / "slices", "--limit", ",".join(half), name=f"slice-{n}")[1]
        assert set(report["accounts"]) == set(half)
        slices.append(report)
    assert playbook.aws.control.mutating_requests() == []
    merged = merge(playbook, tmp_path / "slices", tmp_path / "merged")
    assert set(merged["accounts"]) == set(ACCOUNTS)
    assert "duplicates" not in merged and len(merged["sources"]) == 2
    for s in slices:
        for host, entry in s["accounts"].items():
            assert merged["accounts"][host] == entry
    assert items_with(merged, "drift") == items_with(full, "drift") == EXPECTED_DRIFT
    for key in ("accounts", "ok", "drift", "failed", "items", "items_drift"):
        assert merged["totals"][key] == sum(s["totals"][key] for s in slices) == full["totals"][key], key
    assert merged["clean"] is False and merged["mode"] == "check"
    failures, errors, cases = junit_failures(tmp_path / "merged" / "drift-report.xml")
    assert failures == {(host, case_name(kind, user)) for host, kind, user in EXPECTED_DRIFT}
    assert errors == 0 and cases == merged["totals"]["items"]


def assert_repair_report(report):
    """A real run: what it repaired is changed; the findings only a person can fix stay drift, not repairable."""
    root = {d for d in EXPECTED_DRIFT if (d[1], d[2]) in NOT_REPAIRABLE}
    assert report["mode"] == "apply" and report["clean"] is False
    assert items_with(report, "changed") == EXPECTED_DRIFT - root
    assert items_with(report, "drift") == root
    assert all(item(report, host, kind, user)["repairable"] is False for host, kind, user in root)
    assert items_with(report, "failed") == set()
    for host, entry in report["accounts"].items():
        status = "drift" if host in {h for h, _kind, _user in root} else "changed" if host in DRIFT_ACCOUNTS else "ok"
        assert entry["status"] == status, (host, entry)
    assert report["totals"]["drift"] == len(root) and report["totals"]["items_changed"] == len(EXPECTED_DRIFT - root)


def assert_repaired_in_aws(aws):
    """Independent of the modules: the repairs the report claims are in IAM."""
    for host in DRIFT_ACCOUNTS - {"acct-root-mfa-off", "acct-root-keys"}:
        account = ACCOUNTS[host]
        iam = aws.client("iam", account_id=account)
        assert sorted(u["UserName"] for u in iam.get_group(GroupName="Administrators")["Users"]) == ["alice", "bob"], host
        policies = [p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName="Administrators")["AttachedPolicies"]]
        assert policies == [ADMIN_POLICY], host
        assert iam.get_login_profile(UserName="alice")["LoginProfile"]
        with pytest.raises(iam.exceptions.NoSuchEntityException):
            iam.get_login_profile(UserName="bob")
        assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="alice")["MFADevices"]] == [mfa_serial(account)], host
        assert device_serials(iam) == [mfa_serial(account)], host
    policy = aws.client("iam", account_id=ACCOUNTS["acct-password-policy"]).get_account_password_policy()["PasswordPolicy"]
    assert (policy["MinimumPasswordLength"], policy["PasswordReusePrevention"], policy["MaxPasswordAge"]) == (14, 24, 90)
    assert all(policy[k] for k in ("RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters", "RequireLowercaseCharacters"))
    tags = aws.client("iam", account_id=ACCOUNTS["acct-exclusive-tags"]).list_user_tags(UserName="alice")["Tags"]
    assert tags == [{"Key": "managed-by", "Value": "accountguard"}]


def assert_no_secret_in_reports(tmp_path, known_secrets):
    files = [p for p in tmp_path.rglob("*") if p.suffix in (".json", ".xml", ".md") and p.is_file()]
    assert len(files) == 8 * 3  # apply, clean, drift, 2 slices, merged, repair, final
    assert all(len(value) >= 8 for value in known_secrets)
    for path in files:
        text = path.read_text()
        assert "otpauth://" not in text, path
        for value in known_secrets:
            assert value not in text, f"a secret is in {path}"
