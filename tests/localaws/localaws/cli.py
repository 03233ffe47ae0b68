"""``python -m localaws serve|start|stop --state-dir DIR``: run the local AWS as its own process.

The state directory is the contract with scripts, molecule and CI: ``url`` (written once
the server listens), ``pid`` (written by ``start``), ``requests.jsonl`` (one JSON line per
AWS call) and ``server.log`` (the background server's output).
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from localaws.client import Control, ControlError

PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


class StateDir:
    """The files of one server's state directory."""

    def __init__(self, path):
        self.path = Path(path).resolve()
        self.url = self.path / "url"
        self.pid = self.path / "pid"
        self.requests = self.path / "requests.jsonl"
        self.log = self.path / "server.log"


def _write_atomic(path, text):
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _read(path):
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


def _alive(pid):
    """True if the process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _is_ours(pid):
    """True if pid is a running ``localaws serve`` (not some process that reused the number)."""
    if not _alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the pid file
    return b"localaws" in cmdline and b"serve" in cmdline


def _healthy(url):
    try:
        return Control(url, timeout=2).health()
    except ControlError:
        return False


def serve(args):
    """Serve in the foreground until SIGTERM or SIGINT."""
    from localaws.server import LocalAWS

    files = StateDir(args.state_dir)
    files.path.mkdir(parents=True, exist_ok=True)
    if os.environ.get("MOTO_ACCOUNT_ID"):
        print("localaws: warning: MOTO_ACCOUNT_ID is set; every call will use that account, AssumeRole included", file=sys.stderr)
    stopping = threading.Event()

    def request_stop(signum, frame):
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    aws = LocalAWS(port=args.port, log_path=str(files.requests), report_delay=args.report_delay, quiet=False)
    aws.start()
    try:
        _write_atomic(files.url, aws.url + "\n")
        print(f"localaws: listening on {aws.url}", flush=True)
        while not stopping.wait(0.5):
            pass
    finally:
        aws.stop()
        if _read(files.url) == aws.url:
            files.url.unlink(missing_ok=True)
        print("localaws: stopped", flush=True)
    return 0


class StartError(Exception):
    """The background server did not start; the message says why (with the end of its log)."""


def start_background(state_dir, port=0, report_delay=1.0, timeout=30.0):
    """Start ``serve`` in a process of its own (or find the one already serving state_dir); return its URL."""
    files = StateDir(state_dir)
    files.path.mkdir(parents=True, exist_ok=True)
    pid = _read(files.pid)
    if pid and pid.isdigit() and _is_ours(int(pid)):
        url = _read(files.url)
        if url and _healthy(url):
            return url
        raise StartError(f"a server (pid {pid}) is running for {files.path} but does not answer; run stop first")
    files.url.unlink(missing_ok=True)
    files.pid.unlink(missing_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_PARENT, env.get("PYTHONPATH")) if p)
    command = [
        sys.executable, "-m", "localaws", "serve", "--state-dir", str(files.path),
        "--port", str(port), "--report-delay", str(report_delay),
    ]
    with open(files.log, "ab") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartError(f"server exited with code {process.returncode}; see {files.log}:\n{_tail(files.log)}")
        url = _read(files.url)
        if url and _healthy(url):
            _write_atomic(files.pid, f"{process.pid}\n")
            return url
        time.sleep(0.1)
    process.kill()
    process.wait()
    raise StartError(f"server did not answer within {timeout:.0f} s; see {files.log}:\n{_tail(files.log)}")


def start(args):
    """Start ``serve`` in the background and print its URL once it answers."""
    try:
        print(start_background(args.state_dir, port=args.port, report_delay=args.report_delay, timeout=args.timeout))
    except StartError as error:
        print(f"localaws: {error}", file=sys.stderr)
        return 1
    return 0


def _tail(path, lines=20):
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_background(state_dir, timeout=30.0):
    """Stop the background server of state_dir (SIGTERM, then SIGKILL) and remove its pid and url files; False if
    it would not stop."""
    files = StateDir(state_dir)
    pid = _read(files.pid)
    if pid and pid.isdigit() and _is_ours(int(pid)):
        pid = int(pid)
        for signum, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if not _alive(pid):
                break
        if _alive(pid):
            return False
    files.pid.unlink(missing_ok=True)
    files.url.unlink(missing_ok=True)
    return True


def stop(args):
    """Stop the background server (SIGTERM, then SIGKILL) and remove its pid and url files."""
    if not stop_background(args.state_dir, timeout=args.timeout):
        print(f"localaws: pid {_read(StateDir(args.state_dir).pid)} did not stop", file=sys.stderr)
        return 1
    return 0


def build_parser():
    """The argument parser."""
    parser = argparse.ArgumentParser(prog="python -m localaws", description="Local AWS endpoint (moto + IAM extensions) on 127.0.0.1.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, func, text in (
        ("serve", serve, "serve in the foreground"),
        ("start", start, "start serve in the background and print the URL"),
        ("stop", stop, "stop the background server"),
    ):
        command = commands.add_parser(name, help=text)
        command.set_defaults(func=func)
        command.add_argument("--state-dir", required=True, help="directory for url, pid, requests.jsonl and server.log")
        if name != "stop":
            command.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default 0: any free port)")
            command.add_argument("--report-delay", type=float, default=1.0, help="seconds until a credential report is ready")
        if name != "serve":
            command.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the server")
    return parser


def main(argv=None):
    """Run one command; return its exit code."""
    args = build_parser().parse_args(argv)
    return args.func(args)
