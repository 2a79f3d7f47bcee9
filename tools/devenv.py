#!/usr/bin/env python3
"""Developer commands of xero_connector: ``test``, ``demo``, ``demo-stop`` and ``lint``.

Standard library only, so that it runs with any Python 3.8+ before anything is installed.
The Makefile at the top of the repository calls it; ``python3 tools/devenv.py --help`` lists
the options.

Nothing is created inside the repository: virtualenvs, the PostgreSQL cluster, logs and the
demo state live beside it (``../xero-venv``, ``../.xero-dev/``). Odoo itself is never
installed by this script: it only *finds* an existing Odoo 19.0 install.
"""

import argparse
import ast
import contextlib
import hashlib
import http.cookiejar
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PARENT = REPO.parent
ADDON = "xero_connector"
ODOO_MAJOR = 19
DB_USER = "odoo"  # Odoo refuses to run as the database user "postgres"
TEST_DB = "xero_test"
DEMO_DB = "xero_demo"
VENV_DIR = Path(os.environ.get("XERO_VENV", PARENT / "xero-venv"))
DEV_DIR = Path(os.environ.get("XERO_DEV_DIR", PARENT / ".xero-dev"))
HOW_TO_GET_ODOO = [
    "install Odoo 19.0 Community beside this repository:",
    "  a checkout of the odoo/odoo repository, branch 19.0, at ../odoo-src, and a virtualenv",
    "  at ../odoo-venv where it is installed: python3 -m venv ../odoo-venv &&",
    "  ../odoo-venv/bin/pip install -r ../odoo-src/requirements.txt -e ../odoo-src",
    "  (Debian 12: apt-get install postgresql-15 libpq-dev libldap2-dev libsasl2-dev first);",
    "or point at any Odoo 19 install: make test ARGS='--odoo-bin /path/to/odoo-bin'",
    "  (or ODOO_BIN=...; ODOO_PYTHON=... when its Python is not the one in its shebang).",
]


# --------------------------------------------------------------------------------------------
# small helpers


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


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


def http_status(url, timeout=2.0):
    """Status code of a GET on url, or None when nothing answers."""
    try:
        with _LOCAL.open(url, timeout=timeout) as answer:
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


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
# requirements (single source: setup.py)


def read_requirements(extras=("test",)):
    """INSTALL_REQUIRES plus the given extras, read from setup.py without running it."""
    tree = ast.parse((REPO / "setup.py").read_text())
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("INSTALL_REQUIRES", "EXTRAS_REQUIRE"):
                values[name] = ast.literal_eval(node.value)
    reqs = list(values.get("INSTALL_REQUIRES", []))
    for extra in extras:
        reqs += values.get("EXTRAS_REQUIRE", {}).get(extra, [])
    return reqs


_CHECK_REQS = r"""
import json, sys
import importlib.metadata as md
try:
    from packaging.requirements import Requirement
except ImportError:
    Requirement = None
missing = []
for line in json.loads(sys.argv[1]):
    name = line
    for sep in "<>=!~;[ ":
        name = name.split(sep)[0]
    try:
        version = md.version(name)
    except md.PackageNotFoundError:
        missing.append(line)
        continue
    if Requirement is not None and not Requirement(line).specifier.contains(version, True):
        missing.append(line)
print(json.dumps(missing))
"""


def missing_requirements(python, reqs):
    out = subprocess.run(
        [python, "-c", _CHECK_REQS, json.dumps(reqs)], capture_output=True, text=True
    )
    if out.returncode != 0:
        return list(reqs)
    return json.loads(out.stdout)


def is_venv_python(python):
    out = subprocess.run(
        [python, "-c", "import sys; print(sys.prefix != sys.base_prefix)"],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip() == "True"


def ensure_requirements(python, what):
    """Install what setup.py asks for into `python` when something is missing.

    Only into a virtualenv: a system Python is left alone and the exact command printed.
    """
    missing = missing_requirements(python, read_requirements())
    if not missing:
        return True
    cmd = [python, "-m", "pip", "install", *missing]
    if not is_venv_python(python):
        say(f"{what} ({python}) lacks: {', '.join(missing)}")
        say(f"install them with: {shlex.join(cmd)}")
        return False
    say(f"{what} ({python}) lacks {', '.join(missing)}: installing them")
    return subprocess.run(cmd).returncode == 0


# --------------------------------------------------------------------------------------------
# Python and Odoo discovery


class OdooInstall:
    def __init__(self, odoo_bin, python, version, addons_paths):
        self.bin = odoo_bin
        self.python = python
        self.version = version
        self.addons_paths = addons_paths
        self.origin = ""

    def __str__(self):
        return f"Odoo {self.version} ({self.bin}, Python {self.python}; {self.origin})"


class OdooMissing(Exception):
    """No usable Odoo 19 install; the message says why."""


_PROBE_ODOO = r"""
import json, os, sys
sys.path.insert(0, sys.argv[1])
import odoo.release
import babel, lxml, passlib, psycopg2, werkzeug  # can this Python run Odoo, not just import it?
pkg = os.path.dirname(os.path.abspath(odoo.release.__file__))
dirs = [os.path.join(os.path.dirname(pkg), "addons"), os.path.join(pkg, "addons")]
dirs = [d for d in dirs if os.path.isfile(os.path.join(d, "account", "__manifest__.py"))]
print(json.dumps({"version": odoo.release.version, "major": odoo.release.version_info[0],
                  "addons": dirs}))
"""


def shebang_python(script):
    """(interpreter named in a script's #! line, whether it goes through /usr/bin/env)."""
    try:
        with open(script, "rb") as handle:
            first = handle.readline().decode(errors="replace").strip()
    except OSError:
        return None, False
    words = first[2:].split() if first.startswith("#!") else []
    if not words:
        return None, False
    if os.path.basename(words[0]) == "env" and len(words) > 1:
        return shutil.which(words[-1]), True
    return words[0], False


def probe_odoo(odoo_bin, python):
    """OdooInstall if `python` imports Odoo (from odoo_bin's folder or its site-packages)."""
    try:
        out = subprocess.run(
            [python, "-c", _PROBE_ODOO, str(Path(odoo_bin).resolve().parent)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    info = json.loads(out.stdout.strip().splitlines()[-1])
    return OdooInstall(str(odoo_bin), python, info["version"], info["addons"]), info["major"]


def candidate_pythons(odoo_bin, first=None):
    """Pythons that may run odoo_bin: $ODOO_PYTHON, its shebang's, venvs beside it, ours."""
    src = Path(odoo_bin).resolve().parent
    shebang, via_env = shebang_python(odoo_bin)
    cands = [
        os.environ.get("ODOO_PYTHON"),
        first,
        None if via_env else shebang,  # a venv's console script names its own Python
        src.parent / "odoo-venv" / "bin" / "python",
        src / "venv" / "bin" / "python",
        src / ".venv" / "bin" / "python",
        shebang,
        sys.executable,
        shutil.which("python3"),
    ]
    seen = []
    for cand in cands:
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK) and str(cand) not in seen:
            seen.append(str(cand))
    return seen


def remembered_odoo_file():
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config_home / "xero-connector" / "odoo.json"


def remember_odoo(install):
    """Note where Odoo was found, so that a clone elsewhere on this machine (CI's) finds it."""
    try:
        path = remembered_odoo_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"odoo_bin": install.bin, "python": install.python}) + "\n")
    except OSError:
        pass


def odoo_bin_candidates(explicit):
    """(odoo-bin, where it came from, a Python to try first) in the order of preference."""
    if explicit:
        return [(explicit, "--odoo-bin", None)]
    if os.environ.get("ODOO_BIN"):
        return [(os.environ["ODOO_BIN"], "$ODOO_BIN", None)]
    found = []
    on_path = shutil.which("odoo")
    if on_path:
        found.append((on_path, "odoo on PATH", None))
    found.append((str(PARENT / "odoo-src" / "odoo-bin"), "../odoo-src/odoo-bin", None))
    remembered = remembered_odoo_file()
    try:
        last = json.loads(remembered.read_text())
        found.append((last["odoo_bin"], f"last found ({remembered})", last["python"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return found


def find_odoo(explicit=None):
    """The Odoo 19 install to use, or OdooMissing with the reason."""
    reasons = []
    for odoo_bin, origin, first_python in odoo_bin_candidates(explicit):
        if not os.path.isfile(odoo_bin):
            reasons.append(f"{origin}: {odoo_bin} does not exist")
            continue
        pythons = candidate_pythons(odoo_bin, first_python)
        for python in pythons:
            probed = probe_odoo(odoo_bin, python)
            if probed is None:
                continue
            install, major = probed
            if major != ODOO_MAJOR:
                reasons.append(f"{origin}: {odoo_bin} is Odoo {install.version}, not {ODOO_MAJOR}")
                break
            if not install.addons_paths:
                reasons.append(f"{origin}: {odoo_bin} has no addons folder with 'account'")
                break
            install.origin = origin
            remember_odoo(install)
            return install
        else:
            reasons.append(
                f"{origin}: none of these Pythons imports odoo: {', '.join(pythons) or 'none'}"
            )
    raise OdooMissing("; ".join(reasons))


def venv_python():
    return VENV_DIR / "bin" / "python"


def ensure_venv():
    """Create or refresh ../xero-venv with `pip install -e .[test]`; return its Python."""
    python = venv_python()
    stamp = VENV_DIR / ".xero-stamp"
    digest = hashlib.sha256((REPO / "setup.py").read_bytes() + str(REPO).encode()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == digest:
        return str(python)
    if not python.exists():
        if sys.version_info < (3, 10):  # noqa: UP036 - this script runs on any python3
            raise SystemExit(f"Python 3.10+ is needed to create {VENV_DIR}; set XERO_PYTHON")
        step(f"creating the virtualenv {VENV_DIR}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV_DIR)], check=True)
    step(f"installing the repository into {VENV_DIR} (pip install -e .[test])")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-e", f"{REPO}[test]"], check=True
    )
    stamp.write_text(digest)
    return str(python)


def choose_python(odoo):
    """$XERO_PYTHON, else the Odoo install's Python, else ../xero-venv (created on demand)."""
    if os.environ.get("XERO_PYTHON"):
        return os.environ["XERO_PYTHON"], "$XERO_PYTHON"
    if odoo is not None:
        return odoo.python, "the Odoo install's Python"
    return ensure_venv(), str(VENV_DIR)


def plain_env():
    """Environment with this checkout's plain-Python packages (xero_sandbox, xero_client...)
    first on the path: for pytest, the sandbox, and Odoo, whose addon imports them."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    for name in ("NO_PROXY", "no_proxy"):  # the sandbox is local, whatever proxy is set
        env[name] = ",".join(filter(None, [env.get(name), "127.0.0.1", "localhost"]))
    return env


# --------------------------------------------------------------------------------------------
# results


class TierResult:
    def __init__(self, name):
        self.name = name
        self.ran = False
        self.ok = False
        self.passed = self.failed = self.skipped = 0
        self.note = ""

    def line(self):
        if not self.ran:
            return f"{self.name:<18} SKIPPED  {self.note}"
        state = "PASSED" if self.ok else "FAILED"
        counts = f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"
        return f"{self.name:<18} {state:<8} {counts}{'  - ' + self.note if self.note else ''}"


def parse_pytest_counts(output):
    """Counts from pytest's closing line, e.g. '== 3 passed, 1 failed, 2 skipped in 0.1s =='."""
    counts = {}
    for line in reversed(output.splitlines()):
        if re.search(r"\d+ (passed|failed|error|errors|skipped|deselected)|no tests ran", line):
            for num, word in re.findall(r"(\d+) ([a-z]+)", line):
                counts[word] = int(num)
            break
    return counts


LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): "
    r"(?P<msg>.*)$"
)
RESULT_LINE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests"
)


def parse_odoo_log(output):
    """What an Odoo test run printed: test counts and the lines that mean failure.

    Odoo 19 logs every failed/errored test at ERROR level ('FAIL: ...' / 'ERROR: ...'), and
    at the end `odoo.tests.result: F failed, E error(s) of N tests when loading database`.
    Anything logged at ERROR or CRITICAL (a failing test, a traceback during install, a bad
    data file) counts as a failure, as on Odoo's runbot and OCA's CI.
    """
    result = {"failed": 0, "errors": 0, "total": None, "skipped": 0, "error_lines": []}
    for line in output.splitlines():
        match = LOG_LINE.match(line)
        if not match:
            continue
        level, logger, msg = match["level"], match["logger"], match["msg"]
        if level in ("ERROR", "CRITICAL"):
            result["error_lines"].append(line)
        if logger == "odoo.tests.result":
            counts = RESULT_LINE.search(msg)
            if counts:
                result["failed"] = int(counts["failed"])
                result["errors"] = int(counts["errors"])
                result["total"] = int(counts["total"])
        elif msg.startswith("skipped ") and logger.startswith("odoo.addons."):
            result["skipped"] += 1
    return result


def odoo_tier_verdict(rc, parsed, module_state):
    """(ok, reason) for one Odoo test run."""
    problems = []
    if rc != 0:
        problems.append(f"odoo-bin exited with status {rc}")
    if module_state != "installed":
        problems.append(f"{ADDON} is not installed (state: {module_state or 'absent'})")
    if parsed["total"] is None:
        problems.append("Odoo printed no test result line")
    elif parsed["total"] == 0:
        problems.append("no Odoo test ran")
    if parsed["failed"] or parsed["errors"]:
        problems.append(f"{parsed['failed']} failed, {parsed['errors']} errors")
    if parsed["error_lines"]:
        problems.append(f"{len(parsed['error_lines'])} ERROR/CRITICAL log lines")
    return (not problems), "; ".join(problems)


# --------------------------------------------------------------------------------------------
# PostgreSQL: a private cluster outside the repository


def pg_bindir():
    """Folder of PostgreSQL's server binaries: $PG_BIN, pg_config, or the newest Debian one."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        bindir = Path(out.stdout.strip())
        if (bindir / "initdb").exists():
            return bindir
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if debian:
        return debian[-1].parent
    if shutil.which("initdb"):
        return Path(shutil.which("initdb")).parent
    return None


class PgCluster:
    """A throwaway PostgreSQL cluster: trust auth, superuser `odoo`, unix socket in its folder.

    As root, the server runs as the `postgres` system user (PostgreSQL refuses root).
    """

    def __init__(self, base=None):
        self.bindir = pg_bindir()
        if self.bindir is None:
            raise SystemExit(
                "PostgreSQL server binaries not found (initdb). Install them "
                "(Debian: apt-get install postgresql-15) or set PG_BIN=/path/to/bin."
            )
        self.as_root = os.geteuid() == 0
        self.base = self._pick_base(Path(base) if base else DEV_DIR / "pg")
        self.data = self.base / "data"
        self.sockdir = self.base
        self.logfile = self.base / "postgres.log"
        self.port = None
        self.started_here = False

    # -- location
    def _runas(self):
        return ["runuser", "-u", "postgres", "--"] if self.as_root else []

    def _pick_base(self, wanted):
        """`wanted`, unless the server's user could not reach it or its socket path is too long."""
        reachable = True
        if self.as_root:
            wanted.mkdir(parents=True, exist_ok=True)
            shutil.chown(wanted, "postgres", "postgres")
            reachable = subprocess.run(self._runas() + ["test", "-w", str(wanted)]).returncode == 0
        if reachable and len(str(wanted)) < 80:
            return wanted
        tag = hashlib.sha1(str(wanted).encode()).hexdigest()[:10]
        fallback = Path(tempfile.gettempdir()) / f"xero-pg-{tag}"
        say(f"(PostgreSQL cluster at {fallback}: {wanted} is not usable for the server)")
        return fallback

    # -- commands
    def _server_cmd(self, name, *args):
        return self._runas() + [str(self.bindir / name), *args]

    def client_cmd(self, name, *args, db=None):
        cmd = [str(self.bindir / name), "-h", str(self.sockdir), "-p", str(self.port)]
        cmd += ["-U", DB_USER, *args]
        return cmd + ([db] if db else [])

    def initialised(self):
        return (self.data / "PG_VERSION").exists()

    def init(self):
        if self.initialised():
            return
        step(f"initialising a PostgreSQL cluster in {self.data}")
        self.base.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")
        subprocess.run(
            self._server_cmd(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                DB_USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=self.base,  # a folder the server's user can enter
        )

    def running_port(self):
        """Port of a server already running on this cluster, or None."""
        pidfile = self.data / "postmaster.pid"
        try:
            lines = pidfile.read_text().splitlines()
        except OSError:
            return None
        if len(lines) < 4 or not lines[0].strip().isdigit():
            return None
        if not pid_alive(int(lines[0])):
            return None
        return int(lines[3])

    def start(self):
        """Start the server unless it runs already; remember whether we started it."""
        self.init()
        port = self.running_port()
        if port:
            self.port = port
            say(f"reusing the PostgreSQL server already running on {self.data} (port {port})")
            return
        self.port = free_port()
        opts = (
            f"-p {self.port} -k {self.sockdir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            self._server_cmd(
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.logfile),
                "-w",
                "-t",
                "60",
                "-o",
                opts,
                "start",
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=self.base,
        )
        self.started_here = True
        say(f"PostgreSQL started on port {self.port}, socket in {self.sockdir}")

    def stop(self):
        subprocess.run(
            self._server_cmd("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"),
            stdout=subprocess.DEVNULL,
            cwd=self.base,
        )
        self.started_here = False

    def others_connected(self, db):
        """Whether anything but us is connected to another database than db (the demo...)."""
        try:
            return self.psql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname IS NOT NULL "
                f"AND datname <> '{db}' AND pid <> pg_backend_pid()"
            ) not in ("", "0")
        except RuntimeError:
            return False

    def psql(self, sql, db="postgres"):
        out = subprocess.run(
            self.client_cmd("psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql, db=db),
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip())
        return out.stdout.strip()

    def db_exists(self, db):
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"

    def drop_db(self, db):
        env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
        subprocess.run(self.client_cmd("dropdb", "--if-exists", "--force", db), check=True, env=env)

    def module_state(self, db, module):
        try:
            return self.psql(f"SELECT state FROM ir_module_module WHERE name = '{module}'", db)
        except RuntimeError:
            return None


# --------------------------------------------------------------------------------------------
# sandbox


def sandbox_command(python, port, extra=(), override=None):
    """`python -m xero_sandbox --port P --seed ...`, or the --sandbox-cmd/$XERO_SANDBOX_CMD
    override (a shell-like string where {port} and {python} are replaced)."""
    override = override or os.environ.get("XERO_SANDBOX_CMD")
    if override:
        return shlex.split(override.format(port=port, python=python)) + list(extra)
    return [python, "-m", "xero_sandbox", "--port", str(port), "--seed", *extra]


def start_sandbox(python, port, logfile, extra=(), override=None, timeout=60):
    """Start the sandbox in its own process group and wait for /sandbox/health."""
    cmd = sandbox_command(python, port, extra, override)
    if not override and not os.environ.get("XERO_SANDBOX_CMD"):
        if not (REPO / "xero_sandbox" / "__main__.py").exists():
            raise RuntimeError("xero_sandbox/__main__.py does not exist yet")
    say(f"starting the sandbox: {shlex.join(cmd)}  (log: {logfile})")
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=plain_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/sandbox/health"
    if not wait_http(url, timeout, proc):
        stop_process(proc)
        tail = logfile.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"the sandbox did not answer 200 on {url}:\n{tail}")
    return proc


# --------------------------------------------------------------------------------------------
# Odoo


def odoo_base_cmd(odoo, pg, db, http_port, data_dir, config_file):
    return [
        odoo.python,
        odoo.bin,
        f"--config={config_file}",
        "-d",
        db,
        f"--addons-path={','.join(odoo.addons_paths + [str(REPO)])}",
        f"--data-dir={data_dir}",
        "--db_host",
        str(pg.sockdir),
        "--db_port",
        str(pg.port),
        "--db_user",
        DB_USER,
        "--http-interface=127.0.0.1",
        "--http-port",
        str(http_port),
    ]


def empty_odoo_config(path):
    """A config file of our own, so that a ~/.odoorc cannot change what runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text("[options]\n")
    return path


def run_streaming(cmd, env, logfile, cwd=None, timeout=None):
    """Run cmd, echoing its output live and keeping it in logfile; (rc, output).

    After `timeout` seconds the command (its whole process group) is killed: rc is then -9.
    """
    chunks = []
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "w") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        watchdog = None
        if timeout:
            watchdog = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
            watchdog.daemon = True
            watchdog.start()
        try:
            for line in proc.stdout:
                sys.stdout.write(line)
                sys.stdout.flush()
                log.write(line)
                chunks.append(line)
            rc = proc.wait()
        except KeyboardInterrupt:
            stop_process(proc)
            raise
        finally:
            if watchdog:
                watchdog.cancel()
    if timeout and rc == -signal.SIGKILL:
        chunks.append(f"\n(killed after {timeout} s)\n")
        say(f"\n!!!! killed after {timeout} s")
    return rc, "".join(chunks)


# --------------------------------------------------------------------------------------------
# test tiers


def run_plain_tier(python, timer, pytest_args=()):
    result = TierResult("plain Python tier")
    step(f"plain-Python tier: pytest tests/ with {python}")
    cmd = [python, "-m", "pytest", "tests/", *pytest_args]
    with timer("plain tier (pytest)"):
        rc, output = run_streaming(cmd, plain_env(), DEV_DIR / "logs" / "pytest.log", cwd=REPO)
    counts = parse_pytest_counts(output)
    result.ran = True
    result.passed = counts.get("passed", 0)
    result.failed = counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    result.skipped = counts.get("skipped", 0)
    result.ok = rc == 0
    if rc == 5:
        result.note = "pytest collected no test"
    elif rc != 0:
        result.note = f"pytest exited with status {rc}"
    return result


def run_odoo_tier(odoo, python, args, timer):
    """Install the addon on a fresh database and run its tests against a live sandbox."""
    result = TierResult("Odoo tier")
    result.ran = True
    logs = DEV_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if not ensure_requirements(odoo.python, "the Odoo install's Python"):
        result.note = "the Odoo Python lacks the connector's requirements"
        return result
    try:
        pg = PgCluster()
        with timer("PostgreSQL start"):
            pg.start()
    except (SystemExit, subprocess.CalledProcessError) as err:
        result.note = f"PostgreSQL did not start: {err}"
        say(result.note)
        return result
    sandbox = None
    try:
        with timer("sandbox start"):
            sandbox_port = free_port()
            try:
                sandbox = start_sandbox(
                    python, sandbox_port, logs / "sandbox-test.log", override=args.sandbox_cmd
                )
            except RuntimeError as err:
                result.note = f"sandbox failed: {str(err).splitlines()[0]}"
                say(str(err))
                return result
        with timer("fresh database"):
            pg.drop_db(TEST_DB)
        env = dict(plain_env(), XERO_SANDBOX_URL=f"http://127.0.0.1:{sandbox_port}")
        cmd = odoo_base_cmd(
            odoo,
            pg,
            TEST_DB,
            free_port(),
            DEV_DIR / "odoo-data",
            empty_odoo_config(DEV_DIR / "odoo-test.conf"),
        ) + [
            "-i",
            ADDON,
            "--max-cron-threads=0",
            "--test-enable",
            f"--test-tags=/{ADDON}",
            "--stop-after-init",
            "--log-level=warn",
            "--log-handler=odoo.tests:INFO",
            "--log-handler=odoo.service.server:INFO",
            f"--log-handler=odoo.addons.{ADDON}:INFO",
        ]
        if args.with_demo:
            cmd.append("--with-demo")
        step(f"Odoo tier: {odoo}")
        say(shlex.join(cmd))
        with timer("Odoo install + tests"):
            rc, output = run_streaming(
                cmd, env, logs / "odoo-test.log", timeout=args.odoo_timeout * 60
            )
        parsed = parse_odoo_log(output)
        state = pg.module_state(TEST_DB, ADDON)
        result.ok, result.note = odoo_tier_verdict(rc, parsed, state)
        total = parsed["total"] or 0
        result.failed = parsed["failed"] + parsed["errors"]
        result.skipped = parsed["skipped"]
        result.passed = max(total - result.failed - result.skipped, 0)
        if parsed["error_lines"]:
            say("\nERROR/CRITICAL lines of the Odoo run:")
            for line in parsed["error_lines"][:40]:
                say(f"  {line[:300]}")
        say(f"(full Odoo log: {logs / 'odoo-test.log'})")
        return result
    finally:
        stop_process(sandbox)
        if pg.started_here and not args.keep_pg:
            if pg.others_connected(TEST_DB):
                say("PostgreSQL left running: another program (the demo?) uses it now")
            else:
                pg.stop()


def print_summary(results, timer):
    say("\n" + "=" * 100)
    say("SUMMARY")
    for res in results:
        say(f"  {res.line()}")
    say("timings:")
    for name, seconds in timer.stages:
        say(f"  {name:<28} {fmt_seconds(seconds)}")
    ran = [r for r in results if r.ran]
    passed = sum(r.passed for r in ran)
    failed = sum(r.failed for r in ran)
    failed += sum(1 for r in ran if not r.ok and r.failed == 0)  # a tier that broke by itself
    skipped = sum(r.skipped for r in ran)
    say("=" * 100)
    say(f"total: {passed} passed, {failed} failed, {skipped} skipped")


def cmd_test(args):
    timer = Timer()
    results = []
    odoo, odoo_reason = None, None
    if not args.skip_odoo:
        try:
            odoo = find_odoo(args.odoo_bin)
        except OdooMissing as err:
            odoo_reason = str(err)
    python, origin = choose_python(odoo)
    say(f"test Python: {python} ({origin})")
    if origin != str(VENV_DIR) and not ensure_requirements(python, "the test Python"):
        return 2
    results.append(run_plain_tier(python, timer, args.pytest_args))

    odoo_result = TierResult("Odoo tier")
    if args.skip_odoo:
        odoo_result.note = "--skip-odoo given"
    elif odoo is None:
        odoo_result.note = "no Odoo 19 install found"
        banner(
            f"ODOO TIER SKIPPED: no Odoo {ODOO_MAJOR} install found ({odoo_reason})",
            ["to run it, " + HOW_TO_GET_ODOO[0], *HOW_TO_GET_ODOO[1:]],
        )
    else:
        odoo_result = run_odoo_tier(odoo, python, args, timer)
    results.append(odoo_result)
    if odoo is None and not args.skip_odoo:
        banner("ODOO TIER SKIPPED (see above): only the plain-Python tier ran")
    print_summary(results, timer)  # its last line is the closing `total: ...` line
    return 0 if all(r.ok for r in results if r.ran) else 1


# --------------------------------------------------------------------------------------------
# demo


def read_pid(path):
    """The pid in path if that process is still ours (its command line names DEV_DIR)."""
    try:
        pid = int(path.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, ValueError):
        return None
    return pid if str(DEV_DIR) in cmdline else None


def spawn_detached(cmd, logfile, pidfile, env=None, cwd=None):
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "ab") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    pidfile.write_text(str(proc.pid))
    return proc


class RpcError(Exception):
    """Odoo answered a JSON-RPC call with an error; the message is Odoo's."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx then comes back as an HTTPError carrying its Location


class OdooSession:
    """One logged-in user of an Odoo server over HTTP: JSON-RPC and plain GETs that share
    the session cookie (what a browser would do), redirects not followed."""

    def __init__(self, url):
        self.url = url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.cookies),
            _NoRedirect,
        )

    def get(self, url, timeout=60):
        """(status, headers, body) of a GET, a redirect included (not followed)."""
        try:
            with self.opener.open(url, timeout=timeout) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers, answer.read()

    def rpc(self, path, params, timeout=120):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(
            self.url + path, data=body, headers={"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=timeout) as answer:
            reply = json.loads(answer.read())
        if reply.get("error"):
            error = reply["error"]
            raise RpcError(error.get("data", {}).get("message") or error.get("message"))
        return reply.get("result")

    def login(self, db, login, password):
        """Open the session; returns Odoo's session info (None when the login is refused)."""
        try:
            info = self.rpc(
                "/web/session/authenticate", {"db": db, "login": login, "password": password}
            )
        except (OSError, ValueError, RpcError):
            return None
        return info if info and info.get("uid") else None

    def call(self, model, method, *args, **kwargs):
        """`model.method(*args, **kwargs)` through /web/dataset/call_kw, as the web client."""
        params = {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        return self.rpc(f"/web/dataset/call_kw/{model}.{method}", params)

    @property
    def session_id(self):
        return next((c.value for c in self.cookies if c.name == "session_id"), None)


def odoo_admin_session(odoo_url, db=DEMO_DB):
    """An OdooSession logged in as admin/admin and its session info, or (None, None)."""
    session = OdooSession(odoo_url)
    info = session.login(db, "admin", "admin")
    return (session, info) if info else (None, None)


SANDBOX_APP = {"client_id": "sandbox-client", "client_secret": "sandbox-secret"}
CONNECTION_FIELDS = ["state", "server_url", "tenant_id", "tenant_name", "last_error"]


def sandbox_tenant(sandbox_url, country="GB"):
    """The sandbox organisation of a country, from its /sandbox/tenants list."""
    with _LOCAL.open(f"{sandbox_url}/sandbox/tenants", timeout=30) as answer:
        tenants = json.loads(answer.read())
    for tenant in tenants:
        if tenant.get("country") == country:
            return tenant
    raise RuntimeError(f"the sandbox on {sandbox_url} has no organisation in {country}")


def company_connection(session, company_id, sandbox_url):
    """The company's xero.connection (created if missing) pointing at the sandbox's app."""
    values = dict(SANDBOX_APP, server_url=sandbox_url)
    ids = session.call("xero.connection", "search", [("company_id", "=", company_id)], limit=1)
    if not ids:
        # Opening Settings creates the company's connection, as it does for a person.
        session.call("res.config.settings", "default_get", [])
        ids = session.call("xero.connection", "search", [("company_id", "=", company_id)], limit=1)
    current = session.call("xero.connection", "read", ids, ["server_url", "client_id"])[0]
    if current["server_url"] != sandbox_url or current["client_id"] != SANDBOX_APP["client_id"]:
        session.call("xero.connection", "write", ids, values)
    return ids[0]


def read_connection(session, connection_id):
    return session.call("xero.connection", "read", [connection_id], CONNECTION_FIELDS)[0]


def authorize_in_sandbox(session, connection_id, tenant_id):
    """The OAuth code flow as a browser runs it: Odoo's Connect button gives the sandbox's
    authorize page, which (told the organisation) redirects to Odoo's callback, opened with
    the Odoo session's cookie. Returns the callback's status."""
    action = session.call("xero.connection", "action_connect", [connection_id])
    separator = "&" if "?" in action["url"] else "?"
    status, headers, body = session.get(f"{action['url']}{separator}tenant={tenant_id}")
    if status not in (302, 303) or not headers.get("Location"):
        raise RuntimeError(f"the sandbox's authorize page answered {status}: {body[:300]!r}")
    # The callback's host is Odoo's web.base.url: open it where our session cookie lives.
    callback = urllib.parse.urlsplit(headers["Location"])
    status, _headers, body = session.get(f"{session.url}{callback.path}?{callback.query}")
    if status not in (302, 303):
        raise RuntimeError(f"Odoo's OAuth callback answered {status}: {body[:300]!r}")
    return status


def connect_demo_company(session, company_id, sandbox_url, force=False):
    """Connect the company to the sandbox's UK organisation unless it already is (`force`:
    even then, e.g. when the sandbox started without its state and lost the tokens).

    Returns (connection values, whether this run connected it)."""
    tenant = sandbox_tenant(sandbox_url)
    session.call("ir.config_parameter", "set_param", "xero_connector.server_url", sandbox_url)
    connection_id = company_connection(session, company_id, sandbox_url)
    connection = read_connection(session, connection_id)
    if (
        not force
        and connection["state"] == "connected"
        and connection["tenant_id"] == tenant["tenantId"]
    ):
        return connection, False
    step(f'connecting the demo company to "{tenant["name"]}" in the sandbox (OAuth code flow)')
    authorize_in_sandbox(session, connection_id, tenant["tenantId"])
    connection = read_connection(session, connection_id)
    if connection["state"] != "connected":
        raise RuntimeError(
            f"the connection is '{connection['state']}' after the OAuth flow: "
            f"{connection['last_error'] or 'no error recorded'}"
        )
    return connection, True


def addon_digest():
    """Digest of the addon's files: when it changed, the demo database needs `-u`."""
    digest = hashlib.sha256()
    for path in sorted((REPO / ADDON).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(REPO)).encode() + path.read_bytes())
    return digest.hexdigest()


def cmd_demo(args):
    demo = DEV_DIR / "demo"
    demo.mkdir(parents=True, exist_ok=True)
    try:
        odoo = find_odoo(args.odoo_bin)
    except OdooMissing as err:
        banner(f"DEMO NOT STARTED: no Odoo {ODOO_MAJOR} install found ({err})", HOW_TO_GET_ODOO)
        return 2
    if not ensure_requirements(odoo.python, "the Odoo install's Python"):
        return 2
    python = os.environ.get("XERO_PYTHON", odoo.python)
    pg = PgCluster()
    pg.start()  # left running: `make demo-stop` stops it
    if args.fresh:
        start_demo_over(demo, pg)

    sandbox_url = f"http://127.0.0.1:{args.sandbox_port}"
    sandbox_state = demo / "sandbox.json"
    new_sandbox_state = False  # a sandbox without its state knows none of Odoo's tokens
    if http_status(f"{sandbox_url}/sandbox/health") == 200:
        say(f"reusing the sandbox already answering on {sandbox_url}")
    else:
        new_sandbox_state = not sandbox_state.exists()
        cmd = sandbox_command(
            python, args.sandbox_port, ["--state", str(sandbox_state)], args.sandbox_cmd
        )
        say(f"starting the sandbox: {shlex.join(cmd)}")
        proc = spawn_detached(cmd, demo / "sandbox.log", demo / "sandbox.pid", plain_env(), REPO)
        if not wait_http(f"{sandbox_url}/sandbox/health", 60, proc):
            say(f"the sandbox did not start; see {demo / 'sandbox.log'}")
            return 1

    odoo_url = f"http://127.0.0.1:{args.http_port}"
    had_database = pg.db_exists(DEMO_DB)
    if read_pid(demo / "odoo.pid") and http_status(f"{odoo_url}/web/login") == 200:
        say(f"reusing the Odoo server already running on {odoo_url}")
    else:
        if port_in_use(args.http_port):
            say(f"port {args.http_port} is taken by another program: stop it or pass --http-port")
            return 1
        env = dict(plain_env(), XERO_SANDBOX_URL=sandbox_url)
        base = odoo_base_cmd(
            odoo,
            pg,
            DEMO_DB,
            args.http_port,
            DEV_DIR / "odoo-data",
            empty_odoo_config(DEV_DIR / "odoo-demo.conf"),
        )
        state = pg.module_state(DEMO_DB, ADDON) if had_database else None
        digest_file = demo / "addon.sha256"
        changed = not digest_file.exists() or digest_file.read_text() != addon_digest()
        init = ["-u", ADDON] if args.update or changed else []
        if state != "installed":  # first run, or a first run that broke off
            init = ["-i", ADDON, "--with-demo"]
        if init:
            doing = "updating" if init[0] == "-u" else "installing"
            step(f"{doing} {ADDON} on the database {DEMO_DB} (a few minutes the first time)")
            out = subprocess.run(
                base + init + ["--stop-after-init", "--max-cron-threads=0", "--log-level=warn"],
                env=env,
            )
            if out.returncode != 0 or pg.module_state(DEMO_DB, ADDON) != "installed":
                say(f"installing {ADDON} on {DEMO_DB} failed (see above)")
                return 1
            digest_file.write_text(addon_digest())
        cmd = base + [
            f"--db-filter=^{DEMO_DB}$",
            "--max-cron-threads=1",
            f"--logfile={demo / 'odoo.log'}",
        ]
        step(f"starting Odoo on {odoo_url} (log: {demo / 'odoo.log'})")
        proc = spawn_detached(cmd, demo / "odoo-stdout.log", demo / "odoo.pid", env)
        if not wait_http(f"{odoo_url}/web/login", 180, proc):
            say(f"Odoo did not answer on {odoo_url}/web/login; see {demo / 'odoo.log'}")
            return 1
    session, info = odoo_admin_session(odoo_url)
    if session is None:
        say(f"!!!! Odoo runs, but admin/admin does not log in to {DEMO_DB}: was it changed?")
        return 1
    company = info["user_companies"]["current_company"]
    try:
        connection, connected_now = connect_demo_company(
            session, company, sandbox_url, force=new_sandbox_state
        )
        if new_sandbox_state and had_database:
            say(
                "note: the sandbox started without its saved state: the contacts Odoo sent "
                "before are not in it, and syncing them again fails. "
                "`make demo ARGS=--fresh` starts both over."
            )
    except (OSError, ValueError, KeyError, RpcError, RuntimeError) as err:
        say(f"!!!! connecting the demo company to the sandbox failed: {err}")
        say(f"     see {demo / 'odoo.log'} and {demo / 'sandbox.log'}")
        return 1
    how = "connected it now" if connected_now else "already connected: reused"
    print_demo_banner(odoo_url, sandbox_url, demo, connection["tenant_name"], how)
    return 0


def print_demo_banner(odoo_url, sandbox_url, demo, tenant_name, how):
    say("\n" + "=" * 78)
    say(f"  Odoo:     {odoo_url}/odoo   (login: admin  password: admin)")
    say(f'  Xero:     the company is connected to "{tenant_name}" in the sandbox ({how})')
    say(f"  Sandbox:  {sandbox_url}/sandbox/ui   (what the organisations hold)")
    say(f"  Settings: {odoo_url}/odoo/settings#xero_connector")
    say(f"  State and logs: {demo}/")
    say("  Stop everything with: make demo-stop")
    say("=" * 78)


def stop_demo_servers(demo):
    """Stop the demo's Odoo and sandbox (the processes named in their pid files)."""
    for name in ("odoo", "sandbox"):
        pid = read_pid(demo / f"{name}.pid")
        if pid:
            say(f"stopping {name} (pid {pid})")
            os.killpg(pid, signal.SIGTERM)
            for _ in range(50):
                if not pid_alive(pid):
                    break
                time.sleep(0.2)
        (demo / f"{name}.pid").unlink(missing_ok=True)


def start_demo_over(demo, pg):
    """`demo --fresh`: a new demo database and a sandbox without saved state."""
    step(f"starting over: dropping the database {DEMO_DB} and the sandbox's saved state")
    stop_demo_servers(demo)
    pg.drop_db(DEMO_DB)
    for name in ("sandbox.json", "addon.sha256"):
        (demo / name).unlink(missing_ok=True)


def cmd_demo_stop(args):
    demo = DEV_DIR / "demo"
    stop_demo_servers(demo)
    pg = PgCluster()
    pg.port = pg.running_port()
    if pg.port and pg.others_connected(""):
        say("PostgreSQL left running: another program (a test run?) uses it")
    elif pg.port:
        say("stopping PostgreSQL")
        pg.stop()
    return 0


# --------------------------------------------------------------------------------------------
# lint


def file_digests(files):
    digests = {}
    for name in files:
        try:
            digests[name] = hashlib.sha256((REPO / name).read_bytes()).hexdigest()
        except OSError:
            digests[name] = None
    return digests


def cmd_lint(args):
    """pre-commit on every file of the repository (tracked or new), from a tool venv."""
    tools = DEV_DIR / "lint-venv"
    precommit = tools / "bin" / "pre-commit"
    if not precommit.exists():
        step(f"installing pre-commit into {tools}")
        subprocess.run([sys.executable, "-m", "venv", str(tools)], check=True)
        subprocess.run(
            [str(tools / "bin" / "pip"), "install", "--quiet", "pre-commit>=3.5,<5"], check=True
        )
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    before = file_digests(files)
    cmd = [str(precommit), "run", "--show-diff-on-failure", "--color=never", "--files", *files]
    rc = subprocess.run(cmd, cwd=REPO).returncode
    # pre-commit only notices the changes its fixers make to files git already tracks
    changed = [name for name, digest in file_digests(files).items() if digest != before[name]]
    if changed:
        say(f"\nthe hooks changed {len(changed)} file(s): {', '.join(changed)}")
        rc = rc or 1
    return rc


# --------------------------------------------------------------------------------------------


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def add_odoo_bin(p):
        p.add_argument(
            "--odoo-bin",
            default=None,
            help="Odoo 19 odoo-bin (default: $ODOO_BIN, odoo on PATH, ../odoo-src/odoo-bin)",
        )
        p.add_argument(
            "--sandbox-cmd",
            default=None,
            help="command starting the sandbox "
            "instead of `python -m xero_sandbox --port {port} --seed` "
            "({port} and {python} are replaced; also $XERO_SANDBOX_CMD)",
        )

    test = sub.add_parser("test", help="run both test tiers")
    add_odoo_bin(test)
    test.add_argument("--skip-odoo", action="store_true", help="run the plain tier only")
    test.add_argument("--keep-pg", action="store_true", help="leave PostgreSQL running")
    test.add_argument("--with-demo", action="store_true", help="load Odoo demo data")
    test.add_argument(
        "--odoo-timeout", type=int, default=45, help="minutes before the Odoo run is killed"
    )
    test.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")
    test.set_defaults(func=cmd_test)

    demo = sub.add_parser("demo", help="start PostgreSQL, the sandbox and Odoo for a person")
    add_odoo_bin(demo)
    demo.add_argument("--http-port", type=int, default=8069)
    demo.add_argument("--sandbox-port", type=int, default=8070)
    demo.add_argument(
        "--fresh",
        action="store_true",
        help=f"start over: drop the database {DEMO_DB} and the sandbox's saved state first",
    )
    demo.add_argument(
        "--update",
        action="store_true",
        help=f"update {ADDON} (-u) first (automatic when its "
        "files changed since the last install or update)",
    )
    demo.set_defaults(func=cmd_demo)

    stop = sub.add_parser("demo-stop", help="stop what `demo` started")
    stop.set_defaults(func=cmd_demo_stop)

    lint = sub.add_parser("lint", help="pre-commit on all files")
    lint.set_defaults(func=cmd_lint)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        say("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
