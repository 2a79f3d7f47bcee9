"""tools/devenv as a package: it runs with the standard library alone, as the Makefile runs
it, and says loudly when the Odoo tier did not run."""

import subprocess
import sys
from types import SimpleNamespace

from .test_devenv import PACKAGE, REPO, load_devenv
from .test_devenv_packaging import imported_packages

load_devenv()
from devenv import cli, odoo_install, requirements, tiers  # noqa: E402


def test_the_package_imports_only_the_standard_library():
    found = imported_packages(PACKAGE.relative_to(REPO))
    for name, path in found.items():
        assert name in sys.stdlib_module_names or name == "devenv", (path, name)


def test_it_runs_as_the_makefile_runs_it_without_site_packages():
    out = subprocess.run(
        [sys.executable, "-S", "tools/devenv", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    for command in ("test", "demo", "demo-stop", "lint"):
        assert command in out.stdout
    assert "$(PYTHON) tools/devenv" in (REPO / "Makefile").read_text()


def test_the_command_line_keeps_its_options():
    args = cli.build_parser().parse_args(
        ["test", "--skip-odoo", "--keep-pg", "--odoo-timeout", "5", "--", "-k", "spec"]
    )
    assert args.func is tiers.cmd_test
    assert (args.skip_odoo, args.keep_pg, args.odoo_timeout) == (True, True, 5)
    assert args.pytest_args == ["-k", "spec"]
    demo = cli.build_parser().parse_args(["demo", "--fresh", "--http-port", "9000"])
    assert (demo.fresh, demo.http_port, demo.sandbox_port) == (True, 9000, 8070)


def fake_plain_tier(python, timer, pytest_args=()):
    result = tiers.TierResult("plain Python tier")
    result.ran = result.ok = True
    result.passed = 3
    return result


def test_a_skipped_odoo_tier_is_said_loudly(monkeypatch, capsys):
    def no_odoo(explicit=None):
        raise odoo_install.OdooMissing("../odoo-src/odoo-bin: /nowhere/odoo-bin does not exist")

    monkeypatch.setattr(tiers, "find_odoo", no_odoo)
    monkeypatch.setattr(tiers, "choose_python", lambda odoo: (sys.executable, "$XERO_PYTHON"))
    monkeypatch.setattr(tiers, "ensure_requirements", lambda python, what: True)
    monkeypatch.setattr(tiers, "run_plain_tier", fake_plain_tier)
    args = cli.build_parser().parse_args(["test"])
    assert tiers.cmd_test(args) == 0  # the plain tier passed, and it is all that could run
    out = capsys.readouterr().out
    assert "WORKER-MODE TIER SKIPPED: no Odoo 19 install found" in out
    assert "worker-mode tier   SKIPPED  no Odoo 19 install found" in out
    assert "!" * 100 in out
    assert "ODOO TIER SKIPPED: no Odoo 19 install found (../odoo-src/odoo-bin: " in out
    assert "ODOO TIER SKIPPED (see above): only the plain-Python tier ran" in out
    assert "Odoo tier          SKIPPED  no Odoo 19 install found" in out
    assert out.rstrip().splitlines()[-1] == "total: 3 passed, 0 failed, 0 skipped"


def test_skip_odoo_is_no_alarm(monkeypatch, capsys):
    monkeypatch.setattr(tiers, "choose_python", lambda odoo: (sys.executable, "$XERO_PYTHON"))
    monkeypatch.setattr(tiers, "ensure_requirements", lambda python, what: True)
    monkeypatch.setattr(tiers, "run_plain_tier", fake_plain_tier)
    assert tiers.cmd_test(cli.build_parser().parse_args(["test", "--skip-odoo"])) == 0
    out = capsys.readouterr().out
    assert "ODOO TIER SKIPPED" not in out
    assert "SKIPPED  --skip-odoo given" in out


def test_requirements_read_names_and_sums(tmp_path):
    setup_py = tmp_path / "setup.py"
    setup_py.write_text(
        "from setuptools import setup\n"
        'INSTALL_REQUIRES = ["a>=1"]\n'
        'EXTRA = ["b", "c"]\n'
        'EXTRAS_REQUIRE = {"one": EXTRA, "two": EXTRA + ["d"]}\n'
        "setup(name='x')\n"
    )
    assert requirements.read_requirements(("one", "two"), path=setup_py) == ["a>=1", "b", "c", "d"]
    assert requirements.read_requirements((), path=setup_py) == ["a>=1"]


def test_the_odoo_test_command_is_odoos_own_runner(tmp_path, monkeypatch):
    monkeypatch.setattr(tiers, "DEV_DIR", tmp_path)
    odoo = odoo_install.OdooInstall("/odoo/odoo-bin", "/venv/python", "19.0", ["/odoo/addons"])
    pg = SimpleNamespace(sockdir=tmp_path, port=5432)
    cmd = tiers.odoo_test_cmd(odoo, pg)
    assert cmd[:2] == ["/venv/python", "/odoo/odoo-bin"]
    for arg in ("--test-enable", "--test-tags=/xero_connector", "--stop-after-init"):
        assert arg in cmd
    assert cmd[cmd.index("-i") + 1] == "xero_connector"
    assert f"--addons-path=/odoo/addons,{REPO}" in cmd


def test_the_odoo_tests_start_their_own_sandbox_unless_told(monkeypatch):
    monkeypatch.delenv("XERO_SANDBOX_CMD", raising=False)
    parse = cli.build_parser().parse_args
    assert tiers.external_sandbox_cmd(parse(["test"])) is None
    given = parse(["test", "--sandbox-cmd", "{python} -m xero_sandbox --port {port}"])
    assert tiers.external_sandbox_cmd(given) == "{python} -m xero_sandbox --port {port}"
    monkeypatch.setenv("XERO_SANDBOX_CMD", "my-sandbox --port {port}")
    assert tiers.external_sandbox_cmd(parse(["test"])) == "my-sandbox --port {port}"


def test_bench_keeps_the_figures_the_benchmark_prints():
    from devenv import bench

    output = (
        "2026-11-27 07:00:00,000 1 INFO xero_bench odoo.addons.xero_connector: starting\n"
        "XERO-BENCHMARK 1000 new partners: 1000 synced, 21 Xero calls\n"
        "noise XERO-BENCHMARK 1000 products: 20 calls\n"
    )
    assert bench.figures(output) == [
        "1000 new partners: 1000 synced, 21 Xero calls",
        "1000 products: 20 calls",
    ]
    args = cli.build_parser().parse_args(["bench", "--keep-pg"])
    assert args.func is bench.cmd_bench and args.keep_pg
    assert "bench:" in (REPO / "Makefile").read_text()
