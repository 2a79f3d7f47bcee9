"""What a production install needs, and what only the demo and the tests need.

The addon's manifest declares the Python packages it and xero_client (inside its folder)
import, with their bounds (Odoo then names a missing one instead of failing to load, and its
wheel requires them); setup.py installs the same; the sandbox's own needs are the `sandbox`
extra, never a production requirement."""

import ast
import re
import subprocess
import sys
import textwrap

from .test_devenv import REPO, load_devenv

load_devenv()
from devenv import requirements  # noqa: E402

# Imported by the addon but installed with Odoo itself (its requirements.txt).
ODOO_PROVIDES = {
    "odoo",
    "babel",
    "dateutil",
    "lxml",
    "markupsafe",
    "passlib",
    "PIL",
    "psycopg2",
    "pytz",
    "werkzeug",
}
# Import name -> distribution name, where they differ.
DISTRIBUTIONS = {
    "xero_python": "xero-python",
    "yaml": "pyyaml",
    "openapi_schema_validator": "openapi-schema-validator",
}
SANDBOX_ONLY = {"werkzeug", "pyyaml", "jsonschema", "referencing", "openapi-schema-validator"}


def dist_name(requirement):
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def imported_packages(folder, skip=()):
    """Top-level names imported by the .py files under folder (absolute imports only)."""
    found = {}
    for path in sorted((REPO / folder).rglob("*.py")):
        relative = path.relative_to(REPO)
        if any(part in skip for part in relative.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(relative))
    return found


def third_party(found, own=()):
    return {
        DISTRIBUTIONS.get(name, name).lower(): where
        for name, where in found.items()
        if name not in sys.stdlib_module_names and name not in own
    }


def manifest():
    return ast.literal_eval((REPO / "xero_connector" / "__manifest__.py").read_text())


def test_the_manifest_declares_every_package_the_addon_and_its_client_import():
    declared = {dist_name(d) for d in manifest()["external_dependencies"]["python"]}
    used = third_party(imported_packages("xero_connector", skip={"tests"}))
    for name in ODOO_PROVIDES:
        used.pop(name.lower(), None)
    undeclared = {name: where for name, where in used.items() if name not in declared}
    assert not undeclared, f"imported, not in external_dependencies: {undeclared}"
    assert declared <= set(used), f"declared, never imported: {declared - set(used)}"


def test_a_production_install_is_what_the_manifest_declares():
    values = requirements.setup_py_values()
    production = {dist_name(r) for r in values["INSTALL_REQUIRES"]}
    declared = {dist_name(d) for d in manifest()["external_dependencies"]["python"]}
    assert production == declared
    # the same bounds: the addon's wheel requires what the manifest says
    assert values["INSTALL_REQUIRES"] == manifest()["external_dependencies"]["python"]
    assert not production & SANDBOX_ONLY


def test_the_sandbox_needs_only_its_extra():
    values = requirements.setup_py_values()
    allowed = {dist_name(r) for r in values["INSTALL_REQUIRES"] + values["SANDBOX_REQUIRES"]}
    used = third_party(imported_packages("xero_sandbox"), own={"xero_sandbox", "xero_client"})
    assert set(used) <= allowed, {n: w for n, w in used.items() if n not in allowed}
    assert values["EXTRAS_REQUIRE"]["sandbox"] == values["SANDBOX_REQUIRES"]
    assert set(values["SANDBOX_REQUIRES"]) <= set(values["EXTRAS_REQUIRE"]["test"])
    assert {dist_name(r) for r in requirements.read_requirements()} >= SANDBOX_ONLY | {"pytest"}


def test_production_code_never_imports_the_sandbox():
    assert "xero_sandbox" not in imported_packages("xero_connector", skip={"tests"})


def test_the_sandbox_without_its_extra_names_the_command_that_installs_it(tmp_path):
    """`python -m xero_sandbox` where the extra's packages cannot be imported: one line on
    stderr naming the install command, no traceback."""
    import_names = {dist: name for name, dist in DISTRIBUTIONS.items()}
    missing = sorted(import_names.get(dist, dist) for dist in SANDBOX_ONLY)
    (tmp_path / "sitecustomize.py").write_text(
        textwrap.dedent(
            f"""
            import sys

            class NotInstalled:
                @staticmethod
                def find_spec(name, path=None, target=None):
                    if name.split(".")[0] in {missing!r}:
                        raise ModuleNotFoundError("No module named %r" % name, name=name)

            sys.meta_path.insert(0, NotInstalled)
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "xero_sandbox", "--port", "0"],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert "pip install '.[sandbox]'" in line
    assert result.stdout == ""
