"""Finding an Odoo 19 install (its odoo-bin and a Python that runs it), and the command
line that runs it on our PostgreSQL with this repository on its addons path."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .common import DB_USER, ODOO_MAJOR, PARENT, REPO, banner
from .requirements import ensure_requirements

HOW_TO_GET_ODOO = [
    "install Odoo 19.0 Community beside this repository:",
    "  a checkout of the odoo/odoo repository, branch 19.0, at ../odoo-src, and a virtualenv",
    "  at ../odoo-venv where it is installed: python3 -m venv ../odoo-venv &&",
    "  ../odoo-venv/bin/pip install -r ../odoo-src/requirements.txt -e ../odoo-src",
    "  (Debian 12: apt-get install postgresql-15 libpq-dev libldap2-dev libsasl2-dev first);",
    "or point at any Odoo 19 install: make test ARGS='--odoo-bin /path/to/odoo-bin'",
    "  (or ODOO_BIN=...; ODOO_PYTHON=... when its Python is not the one in its shebang).",
]


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


def odoo_requirements_met(odoo):
    """Whether the Odoo install's Python has what setup.py asks for (installed if not)."""
    return ensure_requirements(odoo.python, "the Odoo install's Python")


def odoo_ready(odoo_bin, title):
    """The Odoo install to use, its Python with our requirements; None (after a banner
    `title (why)` when no install is found) when it cannot be used."""
    try:
        odoo = find_odoo(odoo_bin)
    except OdooMissing as err:
        banner(f"{title} ({err})", HOW_TO_GET_ODOO)
        return None
    return odoo if odoo_requirements_met(odoo) else None


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
