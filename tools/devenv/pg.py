"""PostgreSQL: a private, throwaway cluster outside the repository (``DEV_DIR/pg``)."""

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .common import DB_USER, DEV_DIR, free_port, pid_alive, say, step


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
