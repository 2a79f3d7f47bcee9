"""What every command shares: where things are, how to talk to the person, ports, local
HTTP probes and the processes we start."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
PARENT = REPO.parent
ADDON = "xero_connector"
ODOO_MAJOR = 19
DB_USER = "odoo"  # Odoo refuses to run as the database user "postgres"
TEST_DB = "xero_test"
DEMO_DB = "xero_demo"
VENV_DIR = Path(os.environ.get("XERO_VENV", PARENT / "xero-venv"))
DEV_DIR = Path(os.environ.get("XERO_DEV_DIR", PARENT / ".xero-dev"))


# --------------------------------------------------------------------------------------------
# output


def say(msg=""):
    print(msg, flush=True)


def step(msg):
    say(f"\n==> {msg}")


def banner(title, lines=()):
    bar = "!" * 100
    say(f"\n{bar}\n{bar}\n!!!! {title}")
    for line in lines:
        say(f"!!!!   {line}")
    say(f"{bar}\n{bar}\n")


def fmt_seconds(seconds):
    return f"{int(seconds) // 60}m{seconds % 60:04.1f}s"


class Timer:
    """Collects the duration of named stages for the summary: `with timer("name"): ...`."""

    def __init__(self):
        self.stages = []

    @contextlib.contextmanager
    def __call__(self, name):
        start = time.monotonic()
        try:
            yield
        finally:
            self.stages.append((name, time.monotonic() - start))


# --------------------------------------------------------------------------------------------
# ports and local HTTP


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


def http_status(url, timeout=2.0):
    """Status code of a GET on url, or None when nothing answers."""
    try:
        with LOCAL.open(url, timeout=timeout) as answer:
            return answer.status
    except urllib.error.HTTPError as err:
        return err.code
    except (OSError, ValueError):
        return None


def wait_http(url, timeout, proc=None, want=200):
    """Wait until url answers `want`; False on timeout or when proc dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if http_status(url) == want:
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.3)
    return False


# --------------------------------------------------------------------------------------------
# processes


def stop_process(proc, timeout=15):
    """Stop a process we started (and its process group, which it leads)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def spawn_detached(cmd, logfile, pidfile=None, env=None, cwd=None, append=True):
    """Start cmd in its own process group, its output in logfile (appended to, or replaced
    when not `append`), its pid written to pidfile if given."""
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "ab" if append else "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    if pidfile is not None:
        pidfile.write_text(str(proc.pid))
    return proc


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def plain_env():
    """Environment with this checkout's plain-Python packages (xero_sandbox, and xero_client,
    a link to the addon's own) first on the path: for pytest, the sandbox, and Odoo, whose
    tests start the sandbox (the addon imports its own xero_client, never this one)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    for name in ("NO_PROXY", "no_proxy"):  # the sandbox is local, whatever proxy is set
        env[name] = ",".join(filter(None, [env.get(name), "127.0.0.1", "localhost"]))
    return env
