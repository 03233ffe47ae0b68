"""playbooks/baseline.yml through `ansible-runner run`, as AWX and Automation Platform run a job: a private data
dir with project/, inventory/ and env/, one artifacts folder per job ident. The drift report must land in the
job's own artifacts folder (ansible-runner exports it as AWX_ISOLATED_DATA_DIR), two jobs must keep their own
reports, and no artifact (job_events, stdout, command, ...) may hold a secret."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from playbook_helpers import ROOT
from playbook_helpers import baseline_vars
from playbook_helpers import decrypt_yaml

ACCOUNT = "230000000001"
HOST = "acct-runner"
USERS = [{"name": "alice"}, {"name": "bob", "console_access": False, "mfa": False}]
RUNNER = Path(sys.executable).parent / "ansible-runner"


def private_data_dir(playbook, tmp_path):
    """A private data dir as AWX lays one out for a job: the project with the playbook, the inventory, the job's
    extra variables and environment (the callback enabled as a job template's settings would)."""
    pdd = tmp_path / "job"
    shutil.copytree(ROOT / "playbooks", pdd / "project")  # a project that carries the collection's playbook
    (pdd / "inventory").mkdir()
    (pdd / "inventory" / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {HOST: {"aws_account_id": ACCOUNT}}}}))
    (pdd / "env").mkdir()
    (pdd / "env" / "extravars").write_text(yaml.safe_dump(baseline_vars(playbook, USERS)))
    (pdd / "env" / "envvars").write_text(yaml.safe_dump({"ANSIBLE_CALLBACKS_ENABLED": "accountguard.aws.drift_report"}))
    return pdd


def runner_env(playbook):
    env = playbook.env()
    for key in ("ACCOUNTGUARD_DRIFT_REPORT_DIR", "ACCOUNTGUARD_DRIFT_REPORT_NAME", "AWX_ISOLATED_DATA_DIR", "ANSIBLE_CALLBACKS_ENABLED"):
        env.pop(key, None)
    return env


def run_job(playbook, pdd, ident, cmdline):
    cmd = [str(RUNNER), "run", str(pdd), "-p", "baseline.yml", "--ident", ident, "--cmdline", cmdline]
    proc = subprocess.run(cmd, env=runner_env(playbook), cwd=pdd / "project", capture_output=True, text=True, timeout=600, check=False)
    artifacts = pdd / "artifacts" / ident
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert (artifacts / "rc").read_text().strip() == "0" and (artifacts / "status").read_text().strip() == "successful"
    return proc, artifacts


def artifact_texts(pdd):
    """Every file ansible-runner and the run left in the artifacts folders, as text."""
    for path in sorted((pdd / "artifacts").rglob("*")):
        if path.is_file():
            yield path, path.read_bytes().decode("utf-8", "replace")


def test_the_drift_report_of_each_job_lands_in_its_artifacts_and_no_artifact_holds_a_secret(playbook, aws, tmp_path):
    aws.control.set_root(ACCOUNT, mfa="virtual")
    pdd = private_data_dir(playbook, tmp_path)
    vault = f"--vault-password-file {playbook.vault_password_file}"

    applied_proc, applied_dir = run_job(playbook, pdd, "job-1-apply", vault)
    scanned_proc, scanned_dir = run_job(playbook, pdd, "job-2-scan", "--check --diff")

    applied = json.loads((applied_dir / "drift-report" / "drift-report.json").read_text())
    scanned = json.loads((scanned_dir / "drift-report" / "drift-report.json").read_text())
    assert applied["mode"] == "apply" and applied["totals"]["items_changed"] > 0
    assert scanned["mode"] == "check" and scanned["clean"] is True and scanned["totals"]["items_changed"] == 0
    assert set(applied["accounts"]) == set(scanned["accounts"]) == {HOST}
    for folder in (applied_dir, scanned_dir):
        assert sorted(os.listdir(folder / "drift-report")) == ["drift-report.json", "drift-report.md", "drift-report.xml"]
    # ansible-runner's stdout (what AWX shows) says where the report is; nothing went to the project or the cwd.
    assert f"{scanned_dir / 'drift-report' / 'drift-report.json'}" in scanned_proc.stdout
    assert not (pdd / "project" / "drift-report").exists() and not (pdd / "drift-report").exists()
    assert list((applied_dir / "job_events").glob("*.json")), "ansible-runner wrote no job events"

    stored = decrypt_yaml(playbook.secrets_dir / ACCOUNT / "alice.yml", playbook.vault_password_file)
    secrets = {stored["password"], stored["seed"], stored["seed"].lower(), stored["otpauth_uri"],
               playbook.vault_password_file.read_text().strip()}
    texts = list(artifact_texts(pdd))
    assert len(texts) > 10
    for path, text in texts:
        for secret in secrets:
            assert secret not in text, f"a secret in the artifact {path.relative_to(pdd)}"
    for secret in secrets:
        assert secret not in applied_proc.stdout + applied_proc.stderr + scanned_proc.stdout + scanned_proc.stderr
