"""Tests of tools/devenv/: how the test command reads pytest's and Odoo's output, finds Odoo
and its requirements, and how the command line is put together."""

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "tools" / "devenv"


def load_devenv():
    """tools/devenv as the package `devenv` (tools/ is not a package, and `tools` may be
    taken on sys.path)."""
    if "devenv" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "devenv", PACKAGE / "__init__.py", submodule_search_locations=[str(PACKAGE)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["devenv"] = module
        spec.loader.exec_module(module)
    return sys.modules["devenv"]


load_devenv()
from devenv import (  # noqa: E402
    common,
    odoo_install,
    requirements,
    tiers,
)

PASSING_RUN = """\
2026-11-22 03:10:01,100 4242 INFO xero_test odoo.modules.loading: loading 1 modules...
2026-11-22 03:12:40,100 4242 WARNING xero_test odoo.addons.base.models.ir_model: something
2026-11-22 03:12:41,100 4242 INFO xero_test odoo.service.server: Starting post tests
2026-11-22 03:12:41,200 4242 INFO xero_test odoo.addons.xero_connector.tests.test_a: \
Starting TestA.test_one ...
2026-11-22 03:12:41,300 4242 INFO xero_test odoo.addons.xero_connector.tests.test_a: \
skipped TestA.test_two : no sandbox
2026-11-22 03:12:41,400 4242 INFO xero_test odoo.service.server: 3 post-tests in 0.20s
2026-11-22 03:12:41,500 4242 INFO xero_test odoo.tests.stats: xero_connector: 3 tests 0.20s
2026-11-22 03:12:41,600 4242 INFO xero_test odoo.tests.result: 0 failed, 0 error(s) of 3 tests \
when loading database 'xero_test'
"""

FAILING_RUN = """\
2026-11-22 03:12:41,200 4242 INFO xero_test odoo.addons.xero_connector.tests.test_a: \
Starting TestA.test_one ...
2026-11-22 03:12:41,250 4242 ERROR xero_test odoo.addons.xero_connector.tests.test_a: \
FAIL: TestA.test_one
Traceback (most recent call last):
AssertionError: 1 != 2
2026-11-22 03:12:41,600 4242 ERROR xero_test odoo.tests.result: 1 failed, 0 error(s) of 2 tests \
when loading database 'xero_test'
"""


def test_parse_odoo_log_passing_run():
    parsed = tiers.parse_odoo_log(PASSING_RUN)
    assert (parsed["failed"], parsed["errors"], parsed["total"]) == (0, 0, 3)
    assert parsed["skipped"] == 1
    assert parsed["error_lines"] == []
    assert tiers.odoo_tier_verdict(0, parsed, "installed") == (True, "")


def test_parse_odoo_log_failing_run():
    parsed = tiers.parse_odoo_log(FAILING_RUN)
    assert (parsed["failed"], parsed["errors"], parsed["total"]) == (1, 0, 2)
    assert len(parsed["error_lines"]) == 2
    ok, reason = tiers.odoo_tier_verdict(1, parsed, "installed")
    assert not ok
    assert "status 1" in reason and "1 failed" in reason


@pytest.mark.parametrize(
    "rc, output, state, expected",
    [
        (255, "", None, "exited with status 255"),  # registry failed to load
        (0, "", "uninstalled", "not installed"),  # e.g. a missing external dependency
        (0, PASSING_RUN.replace("of 3 tests", "of 0 tests"), "installed", "no Odoo test ran"),
        (0, "", "installed", "no test result line"),
    ],
)
def test_odoo_tier_verdict_catches_silent_failures(rc, output, state, expected):
    ok, reason = tiers.odoo_tier_verdict(rc, tiers.parse_odoo_log(output), state)
    assert not ok
    assert expected in reason


def test_an_error_logged_outside_tests_fails_the_tier():
    output = PASSING_RUN + (
        "2026-11-22 03:12:42,000 4242 ERROR xero_test odoo.modules.registry: "
        "Failed to load registry\n"
    )
    ok, reason = tiers.odoo_tier_verdict(0, tiers.parse_odoo_log(output), "installed")
    assert not ok
    assert "1 ERROR/CRITICAL" in reason


@pytest.mark.parametrize(
    "line, counts",
    [
        ("===== 12 passed, 2 skipped in 0.53s =====", {"passed": 12, "skipped": 2}),
        ("== 1 failed, 3 passed, 1 error in 1.00s ==", {"failed": 1, "passed": 3, "error": 1}),
        ("===== no tests ran in 0.01s =====", {}),
    ],
)
def test_parse_pytest_counts(line, counts):
    assert tiers.parse_pytest_counts(f"collected stuff\n{line}\n") == counts


def test_requirements_come_from_setup_py():
    reqs = requirements.read_requirements()
    names = {r.split(">")[0].split("<")[0].split("=")[0].lower() for r in reqs}
    assert {"xero-python", "requests", "werkzeug", "pyyaml", "pytest"} <= names


def test_shebang_python_resolves_env(tmp_path):
    script = tmp_path / "odoo-bin"
    script.write_text("#!/usr/bin/env python3\nprint()\n")
    assert odoo_install.shebang_python(script) == (odoo_install.shutil.which("python3"), True)
    script.write_text("#!/opt/odoo/venv/bin/python\n")
    assert odoo_install.shebang_python(script) == ("/opt/odoo/venv/bin/python", False)


def test_find_odoo_reports_why_it_found_nothing(tmp_path):
    with pytest.raises(odoo_install.OdooMissing, match="does not exist"):
        odoo_install.find_odoo(str(tmp_path / "no-odoo-bin"))


def test_free_port_is_bindable():
    port = common.free_port()
    assert 1024 < port < 65536
    assert not common.port_in_use(port)
