"""playbooks/handover.yml: the one-time hand-over sheet from the vault, through real ansible-playbook runs. The QR
code is decoded with an independent decoder (OpenCV), its codes computed by an independent TOTP library (pyotp)
and proven against the local AWS; the files' modes and the output's silence are checked."""

import base64
import os
import re
import time
from html import unescape

import cv2
import numpy
import pyotp
import pytest

from playbook_helpers import ROOT
from playbook_helpers import decrypt_yaml
from playbook_helpers import recap

HANDOVER = ROOT / "playbooks" / "handover.yml"
ACCOUNT = "123456789012"  # the account of the targets' credentials


@pytest.fixture
def secrets(playbook):
    """alice at the baseline (role target, account alias acme-handover), and her secrets as the vault holds them."""
    playbook.run("account_baseline.yml", extra_vars={"account_baseline_account_alias": "acme-handover"})
    return decrypt_yaml(playbook.secrets_dir / ACCOUNT / "alice.yml", playbook.vault_password_file)


def handover(playbook, *args, check=True, **extra):
    return playbook.run(HANDOVER, *args, check=check, extra_vars={"account": ACCOUNT, "user": "alice", **extra})


def decode_qr(png_bytes):
    """The text of the PNG's QR code, by OpenCV's decoders. The classic QRCodeDetector finds no code in some valid
    ones: with segno's PNGs of random otpauth URIs it failed on 90 of 2,000 (the Aruco-based detector on none), so a
    test with a random seed failed about once in 22 runs. The Aruco one first, the classic one if it finds nothing."""
    image = cv2.imdecode(numpy.frombuffer(png_bytes, dtype=numpy.uint8), cv2.IMREAD_GRAYSCALE)
    for detector in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()):
        text, _points, _code = detector.detectAndDecode(image)
        if text:
            return text
    return ""


def secret_values(values):
    seed = values["seed"]
    return [values["password"], seed, values["otpauth_uri"], seed.lower(), seed[:16]]


def assert_silent(text, values):
    for secret in secret_values(values):
        assert secret not in text


def test_the_sheet_decodes_to_the_vaults_uri_whose_codes_aws_accepts(playbook, aws, secrets):
    out = handover(playbook)
    folder = playbook.secrets_dir / "handover" / ACCOUNT
    png, page = folder / "alice.png", folder / "alice.html"
    assert f"Hand-over sheet of user alice in account {ACCOUNT} written to {page}, {png}. These files hold secrets" in out.stdout, out.stdout
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct(png.stat().st_mode & 0o777) == oct(page.stat().st_mode & 0o777) == "0o600"

    uri = decode_qr(png.read_bytes())
    assert uri == secrets["otpauth_uri"]
    html = page.read_text()
    inline = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html).group(1)
    assert decode_qr(base64.b64decode(inline)) == secrets["otpauth_uri"]
    assert unescape(re.search(r"<code>(.*?)</code>", html).group(1)) == secrets["password"]
    assert "https://acme-handover.signin.aws.amazon.com/console" in html and ">alice<" in html
    assert "<script" not in html and "http" not in html.replace("https://acme-handover.signin.aws.amazon.com/console", "")

    # Two consecutive codes of the decoded URI, by pyotp, are accepted by the local AWS for alice's device.
    totp = pyotp.parse_uri(uri)
    now = int(time.time()) // 30
    iam = aws.client("iam")
    iam.resync_mfa_device(UserName="alice", SerialNumber=secrets["serial_number"], AuthenticationCode1=totp.at((now + 1) * 30),
                          AuthenticationCode2=totp.at((now + 2) * 30))
    assert_silent(out.stdout + out.stderr + playbook.log_path.read_text(), secrets)

    # The same sheet again: no change.
    assert recap(handover(playbook))["changed"] == 0


def test_the_qr_code_is_shown_only_when_asked_for_that_user(playbook, secrets):
    quiet = handover(playbook, "-vvv", show_qr_for="bob")
    assert "QR code of the MFA device" not in quiet.stdout
    assert_silent(quiet.stdout + quiet.stderr, secrets)
    shown = handover(playbook, show_qr_for="alice")
    assert "QR code of the MFA device of user alice" in shown.stdout
    assert "\u2580" in shown.stdout or "\u2584" in shown.stdout or "\u2588" in shown.stdout  # the code's half blocks
    assert_silent(shown.stdout, secrets)  # the code, not the seed or the password in text
    assert "QR code of the MFA device" not in playbook.log_path.read_text()  # on the screen only


def test_a_folder_of_the_operators_choice_and_check_mode(playbook, secrets, tmp_path):
    dest = tmp_path / "for-alice"
    scan = handover(playbook, "--check", handover_dir=str(dest))
    assert recap(scan)["changed"] == 1 and not dest.exists()
    assert f"would be written to {dest}/alice.html" in scan.stdout
    handover(playbook, handover_dir=str(dest))
    assert sorted(os.listdir(dest)) == ["alice.html", "alice.png"]
    assert decode_qr((dest / "alice.png").read_bytes()) == secrets["otpauth_uri"]
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    refused = handover(playbook, check=False, handover_dir=str(shared))
    assert recap(refused)["failed"] == 1
    assert f"The hand-over folder {shared} can be read by others (mode 0755)" in refused.stdout, refused.stdout
    assert os.listdir(shared) == []


def test_unknown_users_accounts_and_a_wrong_vault_fail_clearly(playbook, secrets):
    missing = handover(playbook, check=False, user="nobody")
    assert recap(missing)["failed"] == 1
    assert f"There is no secrets file of user nobody in account {ACCOUNT}" in missing.stdout, missing.stdout
    host = handover(playbook, check=False, account="prod-web")
    assert recap(host)["failed"] == 1 and "The inventory has no host prod-web." in host.stdout, host.stdout
    playbook.vault_password_file.write_text("not-the-vault-password\n")
    wrong = handover(playbook, check=False)
    assert recap(wrong)["failed"] == 1 and "cannot be decrypted with the vault secret(s) given" in wrong.stdout, wrong.stdout
    assert_silent(missing.stdout + host.stdout + wrong.stdout, secrets)
