"""``test``: the plain-Python tier (pytest), the Odoo tier (odoo-bin --test-tags) and the
worker-mode tier (``workers``: Odoo with workers under load, over HTTP), how their output is
read, and the summary."""

import os
import re
import shlex
import signal
import subprocess
import sys
import threading

from .common import (
    ADDON,
    DEV_DIR,
    ODOO_MAJOR,
    REPO,
    TEST_DB,
    VENV_DIR,
    Timer,
    banner,
    fmt_seconds,
    free_port,
    plain_env,
    say,
    step,
    stop_process,
)
from .odoo_install import (
    HOW_TO_GET_ODOO,
    OdooMissing,
    empty_odoo_config,
    find_odoo,
    odoo_base_cmd,
    odoo_requirements_met,
)
from .pg import PgCluster
from .requirements import choose_python, ensure_requirements
from .sandbox import start_sandbox
from .workers import default_options, print_reports, run_scenarios

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
# running


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


def odoo_test_cmd(odoo, pg, with_demo=False, db=TEST_DB, tags=f"/{ADDON}"):
    """Install the addon on db and run its tests: what OCA's CI runs, plus our logging."""
    cmd = odoo_base_cmd(
        odoo,
        pg,
        db,
        free_port(),
        DEV_DIR / "odoo-data",
        empty_odoo_config(DEV_DIR / "odoo-test.conf"),
    ) + [
        "-i",
        ADDON,
        "--max-cron-threads=0",
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        "--log-level=warn",
        "--log-handler=odoo.tests:INFO",
        "--log-handler=odoo.service.server:INFO",
        f"--log-handler=odoo.addons.{ADDON}:INFO",
    ]
    if with_demo:
        cmd.append("--with-demo")
    return cmd


def external_sandbox_cmd(args):
    """The command of a sandbox process for the Odoo tier, or None: by default the tests
    start a sandbox in Odoo's own process, as they do under Odoo's runner alone."""
    return args.sandbox_cmd or os.environ.get("XERO_SANDBOX_CMD") or None


def run_odoo_tier(odoo, python, args, timer):
    """Install the addon on a fresh database and run its tests against a live sandbox."""
    result = TierResult("Odoo tier")
    result.ran = True
    logs = DEV_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if not odoo_requirements_met(odoo):
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
    env = plain_env()
    env.pop("XERO_SANDBOX_URL", None)  # the tests start their own sandbox...
    try:
        override = external_sandbox_cmd(args)
        if override:  # ... unless one is asked for
            with timer("sandbox start"):
                sandbox_port = free_port()
                try:
                    sandbox = start_sandbox(
                        python, sandbox_port, logs / "sandbox-test.log", override=override
                    )
                except RuntimeError as err:
                    result.note = f"sandbox failed: {str(err).splitlines()[0]}"
                    say(str(err))
                    return result
            env["XERO_SANDBOX_URL"] = f"http://127.0.0.1:{sandbox_port}"
        with timer("fresh database"):
            pg.drop_db(TEST_DB)
        cmd = odoo_test_cmd(odoo, pg, args.with_demo)
        step(f"Odoo tier: {odoo}")
        where = env.get("XERO_SANDBOX_URL") or "started by the tests in Odoo's process"
        say(f"sandbox: {where}")
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


def run_workers_tier(odoo, python, args, timer):
    """The worker-mode run (``workers``) with its default sizes: one test per scenario,
    passed when every pass mark of the scenario holds."""
    result = TierResult("worker-mode tier")
    result.ran = True
    if not odoo_requirements_met(odoo):
        result.note = "the Odoo Python lacks the connector's requirements"
        return result
    step("worker-mode tier: Odoo with --workers=3 --max-cron-threads=2 under load, over HTTP")
    options = default_options(odoo_bin=args.odoo_bin, keep_pg=args.keep_pg)
    try:
        with timer("worker-mode run"):
            reports = run_scenarios(odoo, python, options)
    except (SystemExit, subprocess.CalledProcessError) as err:
        result.note = f"PostgreSQL did not start: {err}"
        say(result.note)
        return result
    print_reports(reports)
    for report, seconds in reports:
        timer.stages.append((f"  {report.scenario}", seconds))
    result.passed = sum(1 for report, _s in reports if report.ok)
    result.failed = len(reports) - result.passed
    result.ok = bool(reports) and result.failed == 0
    failed = [report.scenario for report, _s in reports if not report.ok]
    if failed:
        result.note = f"pass marks missed: {', '.join(failed)} (WORKERS lines above)"
    return result


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

    workers_result = TierResult("worker-mode tier")
    if args.skip_odoo:
        workers_result.note = "--skip-odoo given"
    elif args.skip_workers:
        workers_result.note = "--skip-workers given"
    elif odoo is None:
        workers_result.note = "no Odoo 19 install found"
        banner(
            f"WORKER-MODE TIER SKIPPED: no Odoo {ODOO_MAJOR} install found ({odoo_reason})",
            ["it runs Odoo as a server with workers: the same install as the Odoo tier's"],
        )
    else:
        workers_result = run_workers_tier(odoo, python, args, timer)
    results.append(workers_result)
    if odoo is None and not args.skip_odoo:
        banner("ODOO TIER SKIPPED (see above): only the plain-Python tier ran")
    print_summary(results, timer)  # its last line is the closing `total: ...` line
    return 0 if all(r.ok for r in results if r.ran) else 1
