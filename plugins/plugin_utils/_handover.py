# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: the one-time hand-over sheet of a user, from its vaulted secrets file.

What the console shows once when it creates an IAM user with a password and a virtual MFA device: the sign-in URL,
the user name, the initial password, and the QR code an authenticator app scans (the otpauth URI of the device's
seed). Here as a PNG of the QR code and a self-contained HTML page (the QR code inline as a data: URI), both written
atomically with mode 0600 into a folder of mode 0700, and, only when asked, the QR code in the terminal.
The QR codes are made with segno (pure Python, no dependency). Never logs or returns a secret.
"""

from __future__ import annotations

import base64
import html
import io
import os
import stat
import tempfile

try:
    import segno
    SEGNO_ERROR = None
except ImportError as e:  # reported by the action plugin with what to install
    segno = None
    SEGNO_ERROR = e


class HandoverError(Exception):
    """A sheet that cannot be made; the message names the user, the account and the file, never a secret."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def qr_code(text):
    """The QR code of `text` (error correction M, as authenticator apps read it reliably)."""
    if segno is None:
        raise HandoverError(f"The hand-over needs the Python library segno on the controller (pip install segno): {SEGNO_ERROR}")
    return segno.make(text, error="m", micro=False)


def png(uri, scale=8):
    buffer = io.BytesIO()
    qr_code(uri).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def terminal(uri):
    """The QR code as text for a terminal (dark on light, two rows per line)."""
    buffer = io.StringIO()
    qr_code(uri).terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()


def page(values, png_bytes):
    """The self-contained HTML sheet. `values`: user_name, account_id, sign_in_url, and where present password
    and serial_number; png_bytes: the QR code, or None without MFA."""
    def e(value):
        return html.escape(str(value), quote=True)

    rows = [("Sign-in URL", f'<a href="{e(values["sign_in_url"])}">{e(values["sign_in_url"])}</a>' if values.get("sign_in_url") else "-"),
            ("Account", e(values.get("account_id") or "-")),
            ("User name", e(values["user_name"]))]
    if values.get("password"):
        rows.append(("Initial password", f'<code>{e(values["password"])}</code> (to be changed at the first sign-in)'))
    else:
        rows.append(("Initial password", "none: this user has no console password"))
    table = "\n".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
    if png_bytes:
        data = base64.b64encode(png_bytes).decode("ascii")
        mfa = (f'<h2>MFA device {e(values.get("serial_number") or "")}</h2>\n<p>Scan this code with the authenticator app '
               f'(it is the device\'s seed):</p>\n<img alt="QR code of the virtual MFA device" src="data:image/png;base64,{data}">')
    else:
        mfa = "<h2>MFA device</h2>\n<p>None: this user has no virtual MFA device.</p>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>AWS sign-in of {e(values["user_name"])}</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:2em auto}}th{{text-align:left;padding-right:1em}}img{{image-rendering:pixelated}}</style>
</head>
<body>
<h1>AWS sign-in of {e(values["user_name"])}</h1>
<p><strong>This page holds secrets.</strong> Hand it over in person or through a channel meant for secrets, then delete it.</p>
<table>
{table}
</table>
{mfa}
</body>
</html>
"""


def check_folder(folder):
    """Create `folder` (and missing parents) with mode 0700; an existing one must be the operator's and private."""
    from ansible_collections.accountguard.aws.plugins.plugin_utils._secrets_file import make_folders

    try:
        make_folders(folder)
        info = os.stat(folder)
    except OSError as e:
        raise HandoverError(f"Cannot create the hand-over folder {folder}: {e.strerror}. Nothing was written.") from None
    if info.st_uid != os.getuid():
        raise HandoverError(f"The hand-over folder {folder} belongs to another user: choose a folder of your own. Nothing was written.")
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise HandoverError(f"The hand-over folder {folder} can be read by others (mode {stat.S_IMODE(info.st_mode):04o}): choose a "
                            f"folder of your own, or chmod 700 it. Nothing was written.")


def write_private(path, data):
    """Write atomically with mode 0600 (a temporary file in the same folder, then a rename). Returns whether the file
    changed (the same content already there: left as it is)."""
    try:
        with open(path, "rb") as handle:
            if handle.read() == data and stat.S_IMODE(os.stat(path).st_mode) == 0o600:
                return False
    except OSError:
        pass
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".", suffix=".tmp")  # created 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True
