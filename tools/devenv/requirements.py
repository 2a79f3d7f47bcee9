"""The Python packages the repository needs (single source: setup.py), and the Python that
runs the tests."""

import ast
import hashlib
import json
import os
import shlex
import subprocess
import sys

from .common import REPO, VENV_DIR, say, step

# What the tests need: the sandbox (an extra: production installs leave it out) and pytest.
TEST_EXTRAS = ("sandbox", "test")


def _literal(node, names):
    """ast.literal_eval, plus names assigned earlier in the file and `list + list`."""
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal(node.left, names) + _literal(node.right, names)
    if isinstance(node, ast.Dict):
        return {
            _literal(node.keys[i], names): _literal(node.values[i], names)
            for i in range(len(node.keys))
        }
    if isinstance(node, ast.List):
        return [_literal(element, names) for element in node.elts]
    return ast.literal_eval(node)


def setup_py_values(path=None):
    """The top-level UPPER_CASE assignments of setup.py, read without running it."""
    tree = ast.parse((path or REPO / "setup.py").read_text())
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.isupper():
                try:
                    values[name] = _literal(node.value, values)
                except ValueError:
                    continue
    return values


def read_requirements(extras=TEST_EXTRAS, path=None):
    """INSTALL_REQUIRES plus the given extras (each requirement once), read from setup.py."""
    values = setup_py_values(path)
    reqs = list(values.get("INSTALL_REQUIRES", []))
    for extra in extras:
        reqs += values.get("EXTRAS_REQUIRE", {}).get(extra, [])
    return list(dict.fromkeys(reqs))


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
    """Install what setup.py asks for (with the sandbox and test extras) into `python` when
    something is missing.

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


def venv_python():
    return VENV_DIR / "bin" / "python"


def ensure_venv():
    """Create or refresh ../xero-venv with `pip install -e .[sandbox,test]`; return its
    Python."""
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
    extras = ",".join(TEST_EXTRAS)
    step(f"installing the repository into {VENV_DIR} (pip install -e .[{extras}])")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-e", f"{REPO}[{extras}]"], check=True
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
