"""``workers``: the connector as a business runs it, measured from outside. Odoo is started as
a server with workers (``--workers=3 --max-cron-threads=2``, time limits of 120 s), talked to
over HTTP as its users' browsers do, its scheduled actions every minute, against a sandbox
process that answers every Accounting API call a second late. Two scenarios:

- ``large_org``: an organisation of 5,000 contacts, and 50 new partners to send: do the
  scheduled runs send them, each under the time limit, reading each page of contacts once?
- ``presses``: 600 partners and 300 invoices pending, four people pressing *Sync to Xero* on
  overlapping selections while the scheduled actions run, the access tokens expiring and a
  burst of 429s midway: are Xero's limits kept across workers, is nothing sent twice or lost,
  and does nobody see PostgreSQL's words?

The figures are printed as ``WORKERS <scenario> <name>: <value>`` lines, then each pass mark
and a verdict per scenario; the exit status is 0 only when every pass mark holds. Times are
printed, never asserted.
"""

import argparse
import contextlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from datetime import datetime, timezone

from .common import (
    ADDON,
    DEV_DIR,
    LOCAL,
    fmt_seconds,
    free_port,
    plain_env,
    say,
    spawn_detached,
    step,
    stop_process,
    wait_http,
)
from .demo import connect_demo_company, sandbox_tenant
from .demo_company import apply_mappings, make_company_british
from .odoo_install import empty_odoo_config, odoo_base_cmd, odoo_ready
from .odoo_rpc import OdooSession, RpcError
from .pg import PgCluster
from .requirements import choose_python
from .sandbox import start_sandbox

BASE_DB = "wk_run"  # the addon installed once; each scenario runs on a copy of it
SCENARIOS = ("large_org", "presses")
FIGURE = "WORKERS "
# Odoo kills a request or a scheduled run that lasts longer (seconds).
TIME_LIMIT = 120
SERVER_OPTIONS = [
    "--workers=3",
    "--max-cron-threads=2",
    f"--limit-time-real-cron={TIME_LIMIT}",
    f"--limit-time-real={TIME_LIMIT}",
]
LOG_OPTIONS = [
    "--log-level=warn",
    f"--log-handler=odoo.addons.{ADDON}:INFO",
    "--log-handler=odoo.service.server:INFO",
    "--log-handler=odoo.addons.base.models.ir_cron:INFO",
]
# What a person must never read: PostgreSQL's and its driver's words (the five,
# and what PostgreSQL says of a held lock, an aborted transaction or a bad query).
PG_WORDS = (
    "could not serialize",
    "deadlock",
    "concurrent update",
    "psycopg2",
    "violates",
    "could not obtain lock",
    "canceling statement",
    "current transaction is aborted",
    "duplicate key value",
    "but expression is of type",
    "syntax error at or near",
)
# Words of an error that goes away by itself (the record is sent again later).
TRANSIENT_HINTS = (
    "no answer",
    "look-up",
    "limit",
    "try again",
    "unavailable",
    "timed out",
    "retry",
    "later",
    "another worker",
    "busy",
)
XERO_MINUTE_LIMIT = 60
XERO_CONCURRENT_LIMIT = 5
POLL_SECONDS = 5
# Contacts seeded at each instant of the sandbox's clock.
SEED_CHUNK = 100


CLOCK = {"start": time.monotonic()}


def phase(msg):
    """A step of the run, with the time since the command started."""
    step(f"[{fmt_seconds(time.monotonic() - CLOCK['start'])}] {msg}")


class WorkersFailed(Exception):
    """A step of the run failed before its figures could be read; the message says which."""


def utc_now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def odoo_datetime(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


# --------------------------------------------------------------------------------------------
# reading logs and comparing records (pure: tests/test_devenv_workers.py)

ODOO_LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (?P<pid>\d+) (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>[\w.]+): (?P<msg>.*)$"
)
_JOB = r"Job (?P<name>'[^']*'|\"[^\"]*\") \((?P<id>\d+)\)"
CRON_START = re.compile(_JOB + r" starting$")
CRON_END = re.compile(
    _JOB + r" (?P<status>fully done|partially done|failed) \(#loop (?P<loops>\d+); "
    r"done (?P<done>\S+); remaining (?P<remaining>\S+); duration (?P<duration>[\d.]+)s\)"
)
CRON_TIMED_OUT = re.compile(_JOB + r" timed out$")
WORKER_TIMEOUT = re.compile(r"^(?P<kind>Worker\w*) \((?P<pid>\d+)\) timeout after (?P<limit>\d+)s")
CPU_LIMIT = re.compile(r"^Worker \((?P<pid>\d+)\) CPU time limit")
THREAD_LIMIT = "virtual real time limit"
PG_ERROR_LINE = re.compile(r"\[(?P<pid>\d+)\][^\n]*?\bERROR:\s+(?P<msg>.*)$")


def parse_cron_log(text, prefix="Xero"):
    """What Odoo's log says of the scheduled actions named ``prefix...`` and of the workers
    its watchdog stopped: {"runs": {name: {"started", "ended", "statuses", "durations"}},
    "cron_kills" (cron workers killed at their real-time limit), "cron_cpu_limits" (jobs
    stopped at the CPU-time limit), "thread_kills" (threaded servers), "http_kills",
    "timed_out" (jobs Odoo then gave up on), "killed_jobs", "unfinished", "kill_lines"}.
    A job killed mid-run started and never ended; the one it ran is named in
    ``killed_jobs`` (``""`` for another module's)."""
    result = {
        "runs": {},
        "cron_kills": 0,
        "cron_cpu_limits": 0,
        "thread_kills": 0,
        "http_kills": 0,
        "timed_out": 0,
        "killed_jobs": [],
        "unfinished": [],
        "kill_lines": [],
    }
    running = {}  # worker pid -> the job it started and has not ended ("" if not ours)
    for line in text.splitlines():
        match = ODOO_LOG_LINE.match(line)
        if not match:
            continue
        pid, msg = match["pid"], match["msg"].rstrip()  # Odoo's lines end with a space
        start, end = CRON_START.match(msg), CRON_END.match(msg)
        if start or end:
            name = (start or end)["name"][1:-1]
            ours = name.startswith(prefix)
            if start:
                running[pid] = name if ours else ""
            else:
                running.pop(pid, None)
            if not ours:
                continue
            runs = result["runs"].setdefault(
                name, {"started": 0, "ended": 0, "statuses": Counter(), "durations": []}
            )
            if start:
                runs["started"] += 1
            else:
                runs["ended"] += 1
                runs["statuses"][end["status"]] += 1
                runs["durations"].append(float(end["duration"]))
            continue
        killed, cpu = WORKER_TIMEOUT.match(msg), CPU_LIMIT.match(msg)
        if CRON_TIMED_OUT.match(msg):
            result["timed_out"] += 1
        elif killed:
            if killed["kind"] == "WorkerCron":
                result["cron_kills"] += 1
                if killed["pid"] in running:
                    result["killed_jobs"].append(running.pop(killed["pid"]))
            else:
                result["http_kills"] += 1
        elif cpu and cpu["pid"] in running:
            result["cron_cpu_limits"] += 1
            result["killed_jobs"].append(running[cpu["pid"]])
        elif THREAD_LIMIT in msg:
            result["thread_kills"] += 1
        else:
            continue
        result["kill_lines"].append(line)
    result["unfinished"] = sorted(job for job in running.values() if job)
    return result


def odoo_errors(text):
    """Odoo's ERROR and CRITICAL lines by what they say (numbers and the query left out)."""
    found = Counter()
    for line in text.splitlines():
        match = ODOO_LOG_LINE.match(line)
        if match and match["level"] in ("ERROR", "CRITICAL"):
            message = match["msg"].rstrip().split(": b'")[0].split(': b"')[0]
            found[f"{match['logger']}: {re.sub(r'[0-9]+', 'N', message)[:150]}"] += 1
    return found


def cron_kills(parsed):
    """Scheduled runs stopped by a time limit: a cron worker killed at its real-time limit,
    a job stopped at its CPU-time limit, a cron thread past its limit (threaded servers)."""
    return parsed["cron_kills"] + parsed["cron_cpu_limits"] + parsed["thread_kills"]


def count_pg_errors(text, pids=None):
    """Serialization failures and deadlocks in PostgreSQL's log (``%m [%p] `` prefix), of
    the backends ``pids`` only when given (the cluster may serve other databases)."""
    counts = {"serialization": 0, "deadlock": 0}
    for line in text.splitlines():
        match = PG_ERROR_LINE.search(line)
        if not match or (pids is not None and int(match["pid"]) not in pids):
            continue
        if match["msg"].startswith("could not serialize access"):
            counts["serialization"] += 1
        elif match["msg"].startswith("deadlock detected"):
            counts["deadlock"] += 1
    return counts


def pg_words_in(text):
    """The words of PostgreSQL's in a text a person reads."""
    lowered = (text or "").lower()
    return [word for word in PG_WORDS if word in lowered]


def is_transient(message):
    lowered = (message or "").lower()
    return any(hint in lowered for hint in TRANSIENT_HINTS)


def compare_links(ours, linked, held_ids, before_ids, pending=()):
    """Odoo's records against what the sandbox holds, record by record.

    ``ours``: {Odoo id: Xero ID or False} of the records the run sent; ``linked``: {Odoo id:
    Xero ID} of every Odoo record of the model linked to Xero; ``held_ids``: the IDs of the
    sandbox's objects now; ``before_ids``: those it held before the run; ``pending``: the
    records of ours still waiting to be sent.

    Every record of ours must be linked to an object the sandbox holds and be sent (else
    it is lost: ``unsent``, ``missing``, or ``pending``: its last change is not in Xero),
    and every object made during the run must be linked to
    exactly one Odoo record (else a duplicate: ``orphans``, made and never linked, or
    ``shared``, linked from several records)."""
    held = {str(x).lower() for x in held_ids}
    before = {str(x).lower() for x in before_ids}
    owners = defaultdict(list)
    for odoo_id, xero_id in linked.items():
        if xero_id:
            owners[str(xero_id).lower()].append(odoo_id)
    unsent = sorted(odoo_id for odoo_id, xero_id in ours.items() if not xero_id)
    missing = sorted(
        odoo_id for odoo_id, xero_id in ours.items() if xero_id and xero_id.lower() not in held
    )
    waiting = sorted(
        odoo_id for odoo_id in set(pending) if ours.get(odoo_id) and odoo_id not in missing
    )
    orphans = sorted(xero_id for xero_id in held - before if not owners.get(xero_id))
    shared = {x: sorted(ids) for x, ids in owners.items() if len(ids) > 1 and x in held}
    return {
        "records": len(ours),
        "in_xero": len(ours) - len(unsent) - len(missing),
        "unsent": unsent,
        "missing": missing,
        "pending": waiting,
        "new_in_xero": len(held - before),
        "orphans": orphans,
        "shared": shared,
        "duplicates": len(orphans) + sum(len(ids) - 1 for ids in shared.values()),
        "lost": len(unsent) + len(missing) + len(waiting),
    }


def pending_ids(rows):
    return [row["id"] for row in rows if row["xero_state"] == "pending"]


def repeats(values):
    """How many values repeat one met before (``a a b a`` -> 2)."""
    return sum(n - 1 for n in Counter(v for v in values if v).values() if n > 1)


def overlapping_slice(ids, start, length):
    """``length`` ids from ``start``, going round the end."""
    if not ids:
        return []
    return [ids[(start + k) % len(ids)] for k in range(min(length, len(ids)))]


def press_plan(person, presses, selections, length):
    """What one person presses Sync to Xero on, press by press: (model, ids). ``selections``:
    [(model, ids)], taken in turn. Person ``p`` starts half a selection after person
    ``p - 1``, so that neighbours share half their records, and each next press on a model
    moves two selections on."""
    plan = []
    for press in range(presses):
        model, ids = selections[press % len(selections)]
        turn = press // len(selections)
        start = person * (length // 2) + turn * 2 * length
        plan.append((model, overlapping_slice(ids, start, length)))
    return plan


def describe_answer(answer):
    """A press's answer as a person reads it: the notification's text, or what came back."""
    if answer is True:
        return "sent at once"
    if isinstance(answer, dict):
        params = answer.get("params") or {}
        if params.get("message"):
            return str(params["message"])
        return "action %s" % (answer.get("tag") or answer.get("type") or "?")
    return repr(answer)[:200]


def answer_kind(text):
    """Answers alike once their numbers are left out, for counting."""
    return re.sub(r"\d+", "N", text)[:160]


class Report:
    """A scenario's figures and pass marks, printed as WORKERS lines."""

    def __init__(self, scenario):
        self.scenario = scenario
        self.figures = []
        self.marks = []
        self.problem = ""

    def figure(self, name, value):
        self.figures.append((name, " / ".join(str(value).strip().splitlines())))

    def mark(self, label, ok, detail=""):
        self.marks.append((label, bool(ok), detail))

    @property
    def ok(self):
        return not self.problem and bool(self.marks) and all(ok for _l, ok, _d in self.marks)

    def lines(self):
        out = [f"{FIGURE}{self.scenario} {name}: {value}" for name, value in self.figures]
        for label, ok, detail in self.marks:
            out.append(
                f"{FIGURE}{self.scenario} mark {label}: "
                f"{'PASS' if ok else 'FAIL'}{' (' + detail + ')' if detail else ''}"
            )
        missed = [label for label, ok, _d in self.marks if not ok]
        if self.problem:
            verdict = f"FAILED (did not run to the end: {self.problem})"
        elif missed:
            verdict = f"FAILED ({len(missed)} of {len(self.marks)} pass marks missed)"
        else:
            verdict = f"PASSED (all {len(self.marks)} pass marks hold)"
        out.append(f"{FIGURE}{self.scenario} verdict: {verdict}")
        return out


# --------------------------------------------------------------------------------------------
# the processes and what they answer


class SandboxHttp:
    """The sandbox's own actions, over HTTP."""

    def __init__(self, url):
        self.url = url.rstrip("/")

    def call(self, method, path, body=None, timeout=120):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with LOCAL.open(request, timeout=timeout) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as error:
            detail = error.read()[:300]
            raise WorkersFailed(
                f"the sandbox answered {error.code} to {method} {path}: {detail}"
            ) from None
        return json.loads(raw) if raw else None

    def held(self, tenant_id, collection):
        return self.call("GET", f"/sandbox/tenants/{tenant_id}/data/{collection}")

    def add_objects(self, tenant_id, collection, objects):
        path = f"/sandbox/tenants/{tenant_id}/data/{collection}"
        return self.call("POST", path, {collection: objects})

    def add_fault(self, **fault):
        return self.call("POST", "/sandbox/faults", fault)

    def clear_faults(self):
        return self.call("DELETE", "/sandbox/faults")

    def clear_counts(self):
        return self.call("DELETE", "/sandbox/requests")

    def stats(self, tenant_id):
        tenants = self.call("GET", "/sandbox/stats")["tenants"]
        return tenants.get(tenant_id) or {
            "calls": 0,
            "max_in_flight": 0,
            "max_per_minute": 0,
            "refused": {},
            "refused_total": 0,
            "injected": {},
            "injected_total": 0,
            "gets": {},
        }

    def requests(self):
        return self.call("GET", "/sandbox/requests")

    def expire_tokens(self):
        return self.call("POST", "/sandbox/tokens/expire")


class PgWatch:
    """PostgreSQL's errors of one database during a scenario: the log's end is remembered at
    the start, and the backends of the database are noted every two seconds (the log names a
    backend by its pid only, and the cluster may serve other databases)."""

    def __init__(self, pg, db):
        self.pg = pg
        self.db = db
        self.pids = set()
        self._stop = threading.Event()
        try:
            self.offset = pg.logfile.stat().st_size
        except OSError:
            self.offset = None
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _watch(self):
        while not self._stop.is_set():
            self.note_backends()
            self._stop.wait(2)

    def note_backends(self):
        try:
            out = self.pg.psql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.db}'")
        except (RuntimeError, OSError):
            return
        self.pids.update(int(pid) for pid in out.split() if pid.isdigit())

    def stop(self):
        """{"serialization": n, "deadlock": n} since the start, or None (log unreadable)."""
        self._stop.set()
        self._thread.join(10)
        self.note_backends()
        if self.offset is None:
            return None
        try:
            with open(self.pg.logfile, "rb") as log:
                log.seek(self.offset)
                text = log.read().decode(errors="replace")
        except OSError:
            return None
        return count_pg_errors(text, self.pids)


class Stage:
    """One scenario's processes: a copy of the installed database, a sandbox process and
    Odoo as a server with workers; and the admin's session."""

    # What another run (tools/devenv/chaos.py) may change: the installed database copied,
    # the prefix of the logs, Odoo's server options and where ports come from.
    base_db = BASE_DB
    log_prefix = "workers"
    server_options = SERVER_OPTIONS

    def __init__(self, name, odoo, python, pg, args):
        self.name = name
        self.odoo = odoo
        self.python = python
        self.pg = pg
        self.args = args
        self.db = f"{self.base_db}_{name}"
        self.logs = DEV_DIR / "logs"
        self.odoo_log = self.logs / f"{self.log_prefix}-odoo-{name}.log"
        self.sandbox_log = self.logs / f"{self.log_prefix}-sandbox-{name}.log"
        self.sandbox_proc = self.odoo_proc = None
        self.sandbox_url = self.odoo_url = None
        self.sandbox = self.session = None
        self.company_id = self.connection_id = self.tenant = None

    # -- lifecycle
    def start(self):
        phase(
            f"{self.name}: database {self.db} (a copy of {self.base_db}), sandbox, "
            "Odoo with workers"
        )
        copy_database(self.pg, self.base_db, self.db)
        port = self.new_port()
        try:
            self.sandbox_proc = start_sandbox(
                self.python, port, self.sandbox_log, self.sandbox_cmd()
            )
        except RuntimeError as err:
            raise WorkersFailed(f"the sandbox did not start: {str(err).splitlines()[0]}") from err
        self.sandbox_url = f"http://127.0.0.1:{port}"
        self.sandbox = SandboxHttp(self.sandbox_url)
        self.tenant = sandbox_tenant(self.sandbox_url)
        self.start_odoo()
        self.session, info = admin_session(self.odoo_url, self.db)
        self.company_id = info["user_companies"]["current_company"]
        changed = make_company_british(self.session, self.company_id)
        say(f"the company is British: {', '.join(changed) or 'already'}")
        self.set_crons(active=False)  # until the scenario starts
        return self

    def new_port(self):
        return free_port()

    def sandbox_cmd(self):
        return self.args.sandbox_cmd

    def start_odoo(self):
        http_port = self.new_port()
        self.odoo_url = f"http://127.0.0.1:{http_port}"
        cmd = (
            odoo_base_cmd(
                self.odoo,
                self.pg,
                self.db,
                http_port,
                DEV_DIR / "odoo-data",
                empty_odoo_config(DEV_DIR / "odoo-workers.conf"),
            )
            + [f"--db-filter=^{self.db}$", f"--gevent-port={self.new_port()}"]
            + self.server_options
            + LOG_OPTIONS
            + [f"--logfile={self.odoo_log}"]
        )
        self.odoo_log.parent.mkdir(parents=True, exist_ok=True)
        self.odoo_log.write_text("")
        env = server_env(self.odoo, self.sandbox_url)
        say(f"starting Odoo with workers on {self.odoo_url} (log: {self.odoo_log})")
        self.odoo_proc = spawn_detached(
            cmd,
            self.logs / f"{self.log_prefix}-odoo-{self.name}-stdout.log",
            env=env,
            append=False,
        )
        if not wait_http(f"{self.odoo_url}/web/login", 180, self.odoo_proc):
            raise WorkersFailed(f"Odoo did not answer on {self.odoo_url}; see {self.odoo_log}")

    def stop(self):
        stop_process(self.odoo_proc, timeout=30)
        stop_process(self.sandbox_proc)
        if not self.args.keep:
            drop_database(self.pg, self.db)

    # -- Odoo's side
    def connect(self):
        connection, _now = connect_demo_company(
            self.session, self.company_id, self.sandbox_url, force=True
        )
        self.connection_id = connection["id"]
        phase(f"{self.name}: the mapping wizard applied (Settings › Xero)")
        taxes, accounts, banks, warning = apply_mappings(self.session, self.connection_id)
        say(f"mapped: {taxes} taxes, {accounts} accounts, {banks} bank accounts {warning or ''}")

    def cron_ids(self):
        rows = self.session.call(
            "ir.model.data",
            "search_read",
            [("module", "=", ADDON), ("model", "=", "ir.cron")],
            ["name", "res_id"],
        )
        return {row["name"]: row["res_id"] for row in rows}

    def set_crons(self, active, now=False):
        """The addon's scheduled actions every minute (from now on: the cron workers are
        woken as Odoo wakes them for a job due now), or stopped."""
        if not active:
            self.stop_crons()
            return
        values = {"active": active, "interval_number": 1, "interval_type": "minutes"}
        if now:
            values["nextcall"] = odoo_datetime(utc_now())
        left = list(self.cron_ids().values())
        deadline = time.monotonic() + TIME_LIMIT + 30
        while left:
            # Odoo refuses to change a scheduled action while it runs: each one in turn,
            # until the running ones have ended.
            for cron_id in list(left):
                try:
                    self.session.call("ir.cron", "write", [cron_id], values)
                    left.remove(cron_id)
                except RpcError as err:
                    if "currently being executed" not in str(err):
                        raise
            if left and time.monotonic() > deadline:
                raise WorkersFailed(f"scheduled actions {left} kept running: not changed")
            if left:
                time.sleep(2)
        if now:
            self.pg.psql(f"SELECT pg_notify('cron_trigger', '{self.db}')")

    def stop_crons(self):
        """The addon's scheduled actions stopped, once the runs under way have ended: a
        cron worker holds the row of the job it runs until the run ends (TIME_LIMIT at
        most, when Odoo kills it), and takes no inactive job after."""
        ids = ",".join(str(i) for i in self.cron_ids().values())
        self.pg.psql(
            f"SET lock_timeout = '{TIME_LIMIT + 30}s';"
            f" UPDATE ir_cron SET active = false WHERE id IN ({ids})",
            db=self.db,
        )

    def log_text(self, offset=0):
        try:
            with open(self.odoo_log, "rb") as log:
                log.seek(offset)
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def log_size(self):
        try:
            return self.odoo_log.stat().st_size
        except OSError:
            return 0

    def runs_since(self, since):
        return self.session.call(
            "xero.run",
            "search_read",
            [("started_at", ">=", odoo_datetime(since))],
            ["action", "started_at", "finished_at", "failure", "outcome", "calls"],
            order="id",
        )

    def connection_values(self):
        return self.session.call(
            "xero.connection", "read", [self.connection_id], ["state", "last_error"]
        )[0]

    def create_partners(self, names, domain):
        ids = []
        for start in range(0, len(names), 100):
            chunk = names[start : start + 100]
            ids += self.session.call(
                "res.partner",
                "create",
                [
                    {
                        "name": name,
                        "is_company": True,
                        "email": "%s@%s" % (re.sub(r"\W+", ".", name.lower()), domain),
                    }
                    for name in chunk
                ],
                timeout=300,
            )
        return ids

    def mark_pending(self, model, ids):
        """Pending, as the button leaves the records it sends later and as posting leaves a
        document its company sends when posted; the scheduled push sends them."""
        for start in range(0, len(ids), 200):
            self.session.call(
                model, "write", ids[start : start + 200], {"xero_state": "pending"}, timeout=300
            )

    def states(self, model, ids):
        rows = []
        for start in range(0, len(ids), 500):
            rows += self.session.call(
                model,
                "read",
                ids[start : start + 500],
                ["xero_state", "xero_id", "xero_error"],
                timeout=120,
            )
        return rows

    def linked(self, model, extra_domain=()):
        rows = self.session.call(
            model,
            "search_read",
            [("xero_id", "!=", False), *extra_domain],
            ["xero_id"],
            context={"active_test": False},
            timeout=120,
        )
        return {row["id"]: row["xero_id"] for row in rows}

    def pg_words_shown_since(self, since):
        """What the scheduled runs and the sync log recorded since ``since`` in PostgreSQL's
        words (people read both in Settings › Xero)."""
        shown = []
        for model, field, date_field in (
            ("xero.run", "failure", "started_at"),
            ("xero.sync.log", "message", "create_date"),
        ):
            rows = self.session.call(
                model,
                "search_read",
                [(date_field, ">=", odoo_datetime(since)), (field, "!=", False)],
                [field],
                timeout=120,
            )
            shown += [f"{model}: {row[field][:200]}" for row in rows if pg_words_in(row[field])]
        return shown


PKG_RESOURCES_STAND_IN = (
    '"""What gevent 22.10 (Odoo 19\'s) imports of pkg_resources, which setuptools 81 and\n'
    'later no longer have: written by tools/devenv/workers.py for Odoo\'s websocket process."""\n'
    "\n"
    "from importlib.metadata import entry_points\n"
    "\n"
    "\n"
    "def iter_entry_points(group, name=None):\n"
    "    return [ep for ep in entry_points(group=group) if name is None or ep.name == name]\n"
)


def server_env(odoo, sandbox_url):
    """Odoo's environment. In prefork mode Odoo starts its websocket process with gevent,
    whose 22.10 imports pkg_resources: where that Python lacks it (setuptools 81 and later),
    that process dies at once and is started again several times a second, taking a core.
    A stand-in of what gevent imports is then put on Odoo's path (outside the repository)."""
    env = dict(plain_env(), XERO_SANDBOX_URL=sandbox_url)
    probe = subprocess.run(
        [odoo.python, "-c", "import pkg_resources"], capture_output=True, env=env
    )
    if probe.returncode != 0:
        shim = DEV_DIR / "workers-shim"
        shim.mkdir(parents=True, exist_ok=True)
        (shim / "pkg_resources.py").write_text(PKG_RESOURCES_STAND_IN)
        env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(shim)])
        say(
            f"(Odoo's Python has no pkg_resources, which gevent needs: a stand-in is on its "
            f"path, {shim}, so that Odoo's websocket process starts)"
        )
    return env


def admin_session(url, db, attempts=10):
    """admin/admin logged in (a worker may still be loading the registry)."""
    for _ in range(attempts):
        session = OdooSession(url)
        info = session.login(db, "admin", "admin")
        if info:
            return session, info
        time.sleep(3)
    raise WorkersFailed(f"admin/admin does not log in to {db} on {url}")


def copy_database(pg, source, target):
    """``target`` as a copy of ``source`` (PostgreSQL's template copy) with its filestore."""
    drop_database(pg, target)
    pg.psql(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    filestore = DEV_DIR / "odoo-data" / "filestore"
    if (filestore / source).is_dir():
        shutil.copytree(filestore / source, filestore / target)


def drop_database(pg, db):
    pg.drop_db(db)
    shutil.rmtree(DEV_DIR / "odoo-data" / "filestore" / db, ignore_errors=True)


def install_base(odoo, pg, db=BASE_DB, log_prefix="workers", port=None):
    """The addon installed on a fresh ``db``, without demo data (as the Odoo tier's
    command, without tests)."""
    phase(f"installing {ADDON} on a fresh database {db}")
    drop_database(pg, db)
    cmd = odoo_base_cmd(
        odoo,
        pg,
        db,
        port or free_port(),
        DEV_DIR / "odoo-data",
        empty_odoo_config(DEV_DIR / "odoo-workers.conf"),
    ) + ["-i", ADDON, "--max-cron-threads=0", "--stop-after-init", "--log-level=warn"]
    logfile = DEV_DIR / "logs" / f"{log_prefix}-install.log"
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "w") as log:
        out = subprocess.run(cmd, env=plain_env(), stdout=log, stderr=subprocess.STDOUT)
    if out.returncode != 0 or pg.module_state(db, ADDON) != "installed":
        tail = logfile.read_text(errors="replace")[-2000:]
        raise WorkersFailed(f"installing {ADDON} on {db} failed (see {logfile}):\n{tail}")


# --------------------------------------------------------------------------------------------
# what both scenarios read at the end


def limit_figures(report, stats):
    report.figure("Xero calls admitted", stats["calls"])
    report.figure("most calls in any 60 s", stats["max_per_minute"])
    report.figure("most calls in flight", stats["max_in_flight"])
    report.figure(
        "limiter refusals", f"{stats['refused_total']} {json.dumps(stats.get('refused', {}))}"
    )
    report.figure(
        "injected 429s", f"{stats['injected_total']} {json.dumps(stats.get('injected', {}))}"
    )
    report.figure("GET calls by endpoint", json.dumps(stats.get("gets", {}), sort_keys=True))
    report.mark(
        f"at most {XERO_MINUTE_LIMIT} calls in any 60 s",
        stats["max_per_minute"] <= XERO_MINUTE_LIMIT,
        str(stats["max_per_minute"]),
    )
    report.mark(
        f"at most {XERO_CONCURRENT_LIMIT} calls in flight",
        stats["max_in_flight"] <= XERO_CONCURRENT_LIMIT,
        str(stats["max_in_flight"]),
    )
    report.mark("0 limiter refusals", stats["refused_total"] == 0, str(stats["refused_total"]))


def cron_figures(report, stage, log_offset, since):
    parsed = parse_cron_log(stage.log_text(log_offset))
    for name, runs in sorted(parsed["runs"].items()):
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(runs["statuses"].items()))
        longest = max(runs["durations"], default=0)
        report.figure(
            f"cron runs of {name!r}",
            f"{runs['started']} started, {runs['ended']} ended ({statuses or 'none'}), "
            f"longest {longest:.1f}s",
        )
    durations = [d for runs in parsed["runs"].values() for d in runs["durations"]]
    report.figure("longest cron run (of those that ended)", f"{max(durations, default=0):.1f}s")
    killed = cron_kills(parsed)
    report.figure(
        "cron runs killed",
        f"{killed} (cron workers killed: {parsed['cron_kills']}, CPU time limits: "
        f"{parsed['cron_cpu_limits']}, jobs given up as timed out: {parsed['timed_out']}; "
        f"killed while running: {', '.join(j or 'another job' for j in parsed['killed_jobs'])}"
        f"{'' if parsed['killed_jobs'] else 'none'})",
    )
    report.figure("HTTP workers killed", parsed["http_kills"])
    errors = odoo_errors(stage.log_text(log_offset))
    report.figure("ERROR lines in Odoo's log", sum(errors.values()))
    for message, count in errors.most_common(4):
        report.figure("  logged", f"{count}x {message}")
    if parsed["unfinished"]:
        report.figure("cron runs still running at the end", ", ".join(parsed["unfinished"]))
    for line in parsed["kill_lines"][:5]:
        report.figure("  kill", line[:200])
    try:
        runs = stage.runs_since(since)
    except (RpcError, OSError) as err:
        report.figure("xero.run records", f"unreadable: {err}")
        runs = []
    by_action = Counter(run["action"] for run in runs)
    report.figure(
        "xero.run records", ", ".join(f"{n} {a}" for a, n in sorted(by_action.items())) or "none"
    )
    unended = [run for run in runs if not run["finished_at"]]
    if unended:
        report.figure("xero.run records without an end", len(unended))
    outcomes = Counter(f"{run['action']} {run['outcome']}" for run in runs)
    report.figure("xero.run outcomes", ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())))
    return parsed, killed, runs


def pg_figures(report, counts):
    if counts is None:
        report.figure("PostgreSQL errors", "PostgreSQL's log could not be read")
        report.mark("0 deadlocks", False, "PostgreSQL's log could not be read")
        return
    report.figure("serialization failures (PostgreSQL's log)", counts["serialization"])
    report.figure("deadlocks (PostgreSQL's log)", counts["deadlock"])
    report.mark("0 deadlocks", counts["deadlock"] == 0, str(counts["deadlock"]))


def words_figures(report, stage, since, shown_elsewhere=()):
    connection = stage.connection_values()
    last_error = connection["last_error"] or ""
    report.figure("connection state", connection["state"])
    report.figure("connection's last error", json.dumps(last_error[:300]) if last_error else "none")
    logged = stage.pg_words_shown_since(since)
    shown = list(shown_elsewhere) + logged
    report.figure("PostgreSQL words shown", len(shown))
    for line in shown[:5]:
        report.figure("  shown", line[:200])
    report.mark("0 PostgreSQL words shown", not shown, str(len(shown)))
    report.mark(
        "the connection's last error without PostgreSQL's words",
        not pg_words_in(last_error),
        ", ".join(pg_words_in(last_error)),
    )


def link_figures(report, label, comparison, extra_duplicates=0):
    report.figure(
        f"{label} in Xero",
        f"{comparison['in_xero']}/{comparison['records']} "
        f"(never sent: {len(comparison['unsent'])}, linked to what Xero lacks: "
        f"{len(comparison['missing'])}, sent but pending again: {len(comparison['pending'])})",
    )
    report.figure(
        f"{label}: Xero objects made during the run",
        f"{comparison['new_in_xero']} (linked to no Odoo record: {len(comparison['orphans'])}, "
        f"to several: {len(comparison['shared'])})",
    )
    return comparison["duplicates"] + extra_duplicates, comparison["lost"]


def wait_until(check, minutes, label):
    """Poll ``check()`` (True when done, or a progress text) until done or ``minutes``."""
    deadline = time.monotonic() + minutes * 60
    last_said = 0
    while True:
        try:
            state = check()
        except (RpcError, OSError, ValueError) as err:
            state = f"(poll failed: {str(err)[:120]})"
        if state is True:
            return True
        if time.monotonic() >= deadline:
            say(f"{label}: not done after {minutes} min: {state}")
            return False
        if time.monotonic() - last_said >= 30:
            say(f"{label}: {state}")
            last_said = time.monotonic()
        time.sleep(POLL_SECONDS)


# --------------------------------------------------------------------------------------------
# scenario 1: the first push to a large organisation


def run_large_org(stage, args, report):
    sandbox, tenant_id = stage.sandbox, stage.tenant["tenantId"]
    phase(f"large_org: {args.contacts} contacts into {stage.tenant['name']}")
    # Contacts are added over time in an organisation: SEED_CHUNK at each instant, a second
    # apart on the sandbox's clock (a thousand changed in one second is read otherwise).
    for start in range(0, args.contacts, SEED_CHUNK):
        sandbox.add_objects(
            tenant_id,
            "Contacts",
            [
                {"Name": "Large Org Contact %05d" % i, "EmailAddress": "c%05d@large.example" % i}
                for i in range(start, min(start + SEED_CHUNK, args.contacts))
            ],
        )
        sandbox.call("POST", "/sandbox/clock", {"advance": 1})
    before = {c["ContactID"] for c in sandbox.held(tenant_id, "Contacts")}
    held = len(before)
    # A full page holds its last instant back for the next one: SEED_CHUNK fewer a page.
    pages = math.ceil(held / (args.page_size - SEED_CHUNK))
    sandbox.add_fault(kind="latency", seconds=args.latency, path="/.*")
    sandbox.clear_counts()
    since = utc_now()
    began = time.monotonic()
    watch = PgWatch(stage.pg, stage.db).start()
    log_offset = stage.log_size()
    phase(f"large_org: connecting ({args.latency:g} s per Xero call from now on)")
    stage.connect()
    names = ["WK Large Org New Partner %02d" % i for i in range(1, args.new_partners + 1)]
    ids = stage.create_partners(names, "wk-large.example")
    stage.mark_pending("res.partner", ids)
    stage.set_crons(active=True, now=True)
    pending_at = time.monotonic()
    phase(f"large_org: {len(ids)} new partners pending; the scheduled actions run every minute")

    def all_sent():
        rows = stage.states("res.partner", ids)
        done = sum(1 for r in rows if r["xero_state"] == "synced" and r["xero_id"])
        return True if done == len(ids) else f"{done}/{len(ids)} partners synced"

    finished = wait_until(all_sent, args.wait_minutes, "large_org")
    sent_after = time.monotonic() - pending_at
    pg_counts = watch.stop()

    rows = stage.states("res.partner", ids)
    synced = [r for r in rows if r["xero_state"] == "synced" and r["xero_id"]]
    report.figure("contacts in the organisation", held)
    report.figure("new partners", len(ids))
    report.figure(
        "partners' final states",
        ", ".join(f"{n} {s}" for s, n in sorted(Counter(r["xero_state"] for r in rows).items())),
    )
    errors = Counter((r["xero_error"] or "")[:160] for r in rows if r["xero_error"])
    for message, count in errors.most_common(3):
        report.figure("  partners' error", f"{count}x {message}")
    report.figure(
        "seconds until all were sent" if finished else "seconds waited (not all sent)",
        round(sent_after),
    )
    _parsed, killed, runs = cron_figures(report, stage, log_offset, since)
    pushes = [r for r in runs if r["action"] == "push"]
    report.figure("push runs while sending", len(pushes))
    stats = sandbox.stats(tenant_id)
    contact_gets = stats.get("gets", {}).get("Contacts", 0)
    report.figure(
        "GET /Contacts calls (pages of the organisation)",
        f"{contact_gets} ({pages} pages of {args.page_size})",
    )
    entries = sandbox.requests()
    reads = contact_reads(entries)
    page_reads = sum(count for kind, count in reads.items() if kind.startswith("page"))
    report.figure("GET /Contacts reads", json.dumps(reads))
    report.figure(
        "GET /Contacts reads at (s after the connection)",
        " ".join(str(round(at)) for at in contact_read_times(entries, stats_since(sandbox))),
    )
    limit_figures(report, stats)
    pg_figures(report, pg_counts)
    comparison = compare_links(
        {r["id"]: r["xero_id"] for r in rows},
        stage.linked("res.partner"),
        [c["ContactID"] for c in sandbox.held(tenant_id, "Contacts")],
        before,
        pending_ids(rows),
    )
    duplicates, lost = link_figures(report, "partners", comparison)
    report.figure("duplicates", duplicates)
    report.figure("lost", lost)
    words_figures(report, stage, since)
    report.figure("scenario seconds (from the connection)", round(time.monotonic() - began))
    report.mark(
        f"all {len(ids)} partners synced", len(synced) == len(ids), f"{len(synced)}/{len(ids)}"
    )
    report.mark("no cron run killed", killed == 0, str(killed))
    report.mark(
        "pages of contacts read at most pages + 1",
        page_reads <= pages + 1,
        f"{page_reads} for {pages} pages",
    )
    report.mark("0 duplicates", duplicates == 0, str(duplicates))
    report.mark("0 lost", lost == 0, str(lost))


def stats_since(sandbox):
    return sandbox.call("GET", "/sandbox/stats")["since"]


def contact_read_times(entries, since):
    """When (sandbox seconds after ``since``) each GET /Contacts list read was answered."""
    return [
        entry["at"] - since
        for entry in entries
        if entry["method"] == "GET"
        and entry["path"].strip("/").lower() == "contacts"
        and entry.get("at") is not None
    ]


def contact_reads(entries):
    """The GET /Contacts list reads of the sandbox's request log, by kind: a look-up of some
    contacts by their IDs, or a page (``page N``) of the organisation's contacts."""
    reads = Counter()
    for entry in entries:
        if entry["method"] != "GET" or entry["path"].strip("/").lower() != "contacts":
            continue
        query = urllib.parse.parse_qs(entry.get("query") or "")
        if query.get("IDs"):
            reads["look-up by IDs"] += 1
        else:
            where = " (filtered)" if query.get("where") else ""
            reads[f"page {(query.get('page') or ['1'])[0]}{where}"] += 1
    return dict(sorted(reads.items()))


# --------------------------------------------------------------------------------------------
# scenario 2: four people pressing Sync to Xero while the scheduled actions run


class Press:
    def __init__(self, person, model, count, seconds, answer=None, error=None):
        self.person = person
        self.model = model
        self.count = count
        self.seconds = seconds
        self.answer = answer
        self.error = error

    @property
    def text(self):
        return self.error if self.error is not None else self.answer


def press_away(person, url, db, plan, pause, timeout, presses, started):
    """One person: logged in on their own, pressing Sync to Xero as planned."""
    rng = random.Random(person)
    time.sleep(person * 0.7)
    try:
        session, _info = admin_session(url, db)
    except WorkersFailed as err:
        presses.append(Press(person, "-", 0, 0, error=f"no session: {err}"))
        return
    for model, ids in plan:
        time.sleep(rng.uniform(*pause))
        moment = time.monotonic()
        try:
            answer = session.call(model, "action_xero_sync", ids, timeout=timeout)
            press = Press(person, model, len(ids), 0, answer=describe_answer(answer))
        except RpcError as err:
            press = Press(person, model, len(ids), 0, error=f"error: {err}")
        except OSError as err:  # the worker killed, or no answer in time
            press = Press(person, model, len(ids), 0, error=f"no answer: {err}")
        press.seconds = time.monotonic() - moment
        say(
            f"  person {person + 1} pressed Sync to Xero on {len(ids)} {model} at "
            f"+{moment - started:.0f}s: {press.text[:100]} ({press.seconds:.1f}s)"
        )
        presses.append(press)


def disrupt(stage, args, started, said):
    """Midway: the access tokens expire and Xero answers a burst of 429s."""
    time.sleep(max(0, started + args.disrupt_after - time.monotonic()))
    stage.sandbox.expire_tokens()
    # The sandbox applies the first fault that matches a call: the burst goes before the
    # latency, which comes back once the burst is spent.
    stage.sandbox.clear_faults()
    stage.sandbox.add_fault(
        kind="rate_limit",
        problem="minute",
        times=args.burst,
        retry_after=args.burst_retry_after,
        path="/.*",
    )
    stage.sandbox.add_fault(kind="latency", seconds=args.latency, path="/.*")
    said.append(time.monotonic() - started)
    say(
        f"  +{time.monotonic() - started:.0f}s: access tokens expired, the next {args.burst} "
        f"calls answered 429 (Retry-After {args.burst_retry_after} s)"
    )
    # Xero's minute limit is over when its Retry-After is: what is left of the burst goes.
    time.sleep(args.burst_retry_after)
    left = sum(
        f["times"] or 0
        for f in stage.sandbox.call("GET", "/sandbox/faults")
        if f["kind"] == "rate_limit"
    )
    stage.sandbox.clear_faults()
    stage.sandbox.add_fault(kind="latency", seconds=args.latency, path="/.*")
    said.append(args.burst - left)
    say(
        f"  +{time.monotonic() - started:.0f}s: the burst is over ({args.burst - left} of its "
        f"{args.burst} 429s answered)"
    )


def create_invoices(stage, partner_ids, count):
    """Posted customer invoices of one line each, with the company's mapped sales VAT."""
    taxes = stage.session.call(
        "account.tax",
        "search",
        [
            ("company_id", "=", stage.company_id),
            ("type_tax_use", "=", "sale"),
            ("name", "=", "VAT 20% (sales)"),
        ],
        limit=1,
    )
    line = {"name": "Consulting", "quantity": 1}
    if taxes:
        line["tax_ids"] = [(6, 0, taxes)]
    today = utc_now().date().isoformat()
    ids = []
    for start in range(0, count, 50):
        chunk = range(start, min(start + 50, count))
        made = stage.session.call(
            "account.move",
            "create",
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner_ids[i % len(partner_ids)],
                    "invoice_date": today,
                    "invoice_line_ids": [(0, 0, dict(line, price_unit=100 + i))],
                }
                for i in chunk
            ],
            timeout=300,
        )
        stage.session.call("account.move", "action_post", made, timeout=300)
        ids += made
    return ids


def run_presses(stage, args, report):
    sandbox, tenant_id = stage.sandbox, stage.tenant["tenantId"]
    phase("presses: connecting the company")
    stage.connect()
    stage.session.call(
        "xero.connection", "write", [stage.connection_id], {"send_out_invoice": "on_post"}
    )
    phase(f"presses: {args.partners} partners and {args.invoices} posted invoices, all pending")
    names = ["WK Presses Customer %04d" % i for i in range(1, args.partners + 1)]
    partner_ids = stage.create_partners(names, "wk-presses.example")
    invoice_ids = create_invoices(stage, partner_ids, args.invoices)
    stage.mark_pending("res.partner", partner_ids)
    pending = stage.session.call(
        "account.move", "search_count", [("id", "in", invoice_ids), ("xero_state", "=", "pending")]
    )
    if pending != len(invoice_ids):
        stage.mark_pending("account.move", invoice_ids)
    before = {
        "Contacts": {c["ContactID"] for c in sandbox.held(tenant_id, "Contacts")},
        "Invoices": {i["InvoiceID"] for i in sandbox.held(tenant_id, "Invoices")},
    }
    sandbox.add_fault(kind="latency", seconds=args.latency, path="/.*")
    sandbox.clear_counts()
    since = utc_now()
    watch = PgWatch(stage.pg, stage.db).start()
    log_offset = stage.log_size()
    stage.set_crons(active=True, now=True)
    started = time.monotonic()
    phase(
        f"presses: {args.people} people press Sync to Xero {args.presses} times each on "
        f"{args.slice} records; {args.latency:g} s per Xero call; crons every minute"
    )
    selections = [("res.partner", partner_ids), ("account.move", invoice_ids)]
    presses, threads, disrupted = [], [], []
    for person in range(args.people):
        plan = press_plan(person, args.presses, selections, args.slice)
        thread = threading.Thread(
            target=press_away,
            args=(
                person,
                stage.odoo_url,
                stage.db,
                plan,
                (1, args.pause),
                args.press_timeout,
                presses,
                started,
            ),
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    disruptor = threading.Thread(
        target=disrupt, args=(stage, args, started, disrupted), daemon=True
    )
    disruptor.start()
    for thread in threads:
        thread.join()
    presses_done = time.monotonic() - started
    phase("presses: waiting until nothing is pending")

    def drained():
        rows = stage.states("res.partner", partner_ids) + stage.states("account.move", invoice_ids)
        waiting = sum(1 for r in rows if r["xero_state"] == "pending")
        transient = sum(
            1 for r in rows if r["xero_state"] == "error" and is_transient(r["xero_error"])
        )
        if not waiting and not transient:
            return True
        return f"{waiting} pending, {transient} in error that may pass"

    finished = wait_until(drained, args.wait_minutes, "presses")
    total = time.monotonic() - started
    disruptor.join()  # it came at its time, whether the presses were over or not
    pg_counts = watch.stop()

    partners = stage.states("res.partner", partner_ids)
    invoices = stage.states("account.move", invoice_ids)
    report.figure("records", f"{len(partner_ids)} partners, {len(invoice_ids)} invoices")
    report.figure(
        "presses",
        f"{len(presses)} by {args.people} people in {presses_done:.0f}s "
        f"(slowest {max((p.seconds for p in presses), default=0):.1f}s)",
    )
    kinds = Counter(answer_kind(p.text) for p in presses)
    for kind, count in kinds.most_common(8):
        report.figure("  answered", f"{count}x {kind}")
    shown = [f"press: {p.text[:200]}" for p in presses if pg_words_in(p.text)]
    for label, rows in (("partner", partners), ("invoice", invoices)):
        shown += [f"{label}: {r['xero_error'][:200]}" for r in rows if pg_words_in(r["xero_error"])]
    report.figure(
        "midway",
        f"at +{disrupted[0]:.0f}s tokens expired and a burst of 429s for "
        f"{args.burst_retry_after}s ({disrupted[1]} answered, at most {args.burst})"
        if len(disrupted) > 1
        else "not reached",
    )
    report.figure(
        "seconds until nothing was pending" if finished else "seconds waited (still pending)",
        round(total),
    )
    for label, rows in (("partners", partners), ("invoices", invoices)):
        states = Counter(r["xero_state"] for r in rows)
        report.figure(
            f"{label}' final states", ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
        )
        errors = Counter((r["xero_error"] or "")[:160] for r in rows if r["xero_error"])
        for message, count in errors.most_common(3):
            report.figure(f"  {label}' error", f"{count}x {message}")
    cron_figures(report, stage, log_offset, since)
    stats = sandbox.stats(tenant_id)
    limit_figures(report, stats)
    pg_figures(report, pg_counts)
    contacts = sandbox.held(tenant_id, "Contacts")
    xero_invoices = sandbox.held(tenant_id, "Invoices")
    contact_check = compare_links(
        {r["id"]: r["xero_id"] for r in partners},
        stage.linked("res.partner"),
        [c["ContactID"] for c in contacts],
        before["Contacts"],
        pending_ids(partners),
    )
    invoice_check = compare_links(
        {r["id"]: r["xero_id"] for r in invoices},
        stage.linked("account.move", [("move_type", "in", ["out_invoice", "in_invoice"])]),
        [i["InvoiceID"] for i in xero_invoices],
        before["Invoices"],
        pending_ids(invoices),
    )
    same_names = repeats(c.get("Name", "").strip().lower() for c in contacts)
    same_numbers = repeats(
        i.get("InvoiceNumber") for i in xero_invoices if i.get("Type") == "ACCREC"
    )
    report.figure("contacts of the same name in Xero", same_names)
    report.figure("invoice numbers twice in Xero", same_numbers)
    dup_p, lost_p = link_figures(report, "partners", contact_check)
    dup_i, lost_i = link_figures(report, "invoices", invoice_check)
    duplicates = dup_p + dup_i + same_names + same_numbers
    lost = lost_p + lost_i
    report.figure("duplicates", duplicates)
    report.figure("lost", lost)
    words_figures(report, stage, since, shown)
    report.mark("0 duplicates", duplicates == 0, str(duplicates))
    report.mark("0 lost", lost == 0, str(lost))


# --------------------------------------------------------------------------------------------
# the command


def add_workers_options(parser):
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="run this scenario (repeatable; default: all)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"keep the databases ({BASE_DB} and {BASE_DB}_<scenario>) to look at afterwards",
    )
    parser.add_argument("--keep-pg", action="store_true", help="leave PostgreSQL running")
    parser.add_argument("--odoo-bin", default=None, help="Odoo 19 odoo-bin (as for test)")
    parser.add_argument(
        "--sandbox-cmd",
        default=None,
        help="command starting the sandbox ({port} and {python} are replaced)",
    )
    sizes = parser.add_argument_group("sizes")
    sizes.add_argument("--latency", type=float, default=1.0, help="seconds per Xero call")
    sizes.add_argument(
        "--wait-minutes",
        type=float,
        default=2.5,
        help="longest wait for the records to go, per scenario",
    )
    sizes.add_argument("--contacts", type=int, default=5000, help="large_org: contacts in Xero")
    sizes.add_argument("--new-partners", type=int, default=50, help="large_org: partners to send")
    sizes.add_argument(
        "--page-size", type=int, default=1000, help="large_org: contacts a page of Xero"
    )
    sizes.add_argument("--partners", type=int, default=600, help="presses: partners pending")
    sizes.add_argument("--invoices", type=int, default=300, help="presses: invoices pending")
    sizes.add_argument("--people", type=int, default=4, help="presses: people pressing")
    sizes.add_argument("--presses", type=int, default=4, help="presses: presses per person")
    sizes.add_argument("--slice", type=int, default=60, help="presses: records per press")
    sizes.add_argument(
        "--pause", type=float, default=8.0, help="presses: most seconds between two presses"
    )
    sizes.add_argument(
        "--press-timeout", type=float, default=150, help="presses: seconds a press is waited for"
    )
    sizes.add_argument(
        "--disrupt-after", type=float, default=20, help="presses: seconds before the disruption"
    )
    sizes.add_argument("--burst", type=int, default=10, help="presses: 429s in the burst")
    sizes.add_argument(
        "--burst-retry-after", type=int, default=30, help="presses: the 429s' Retry-After"
    )
    return parser


def default_options(**overrides):
    """The options of `workers` as `make test`'s tier runs it."""
    args = add_workers_options(argparse.ArgumentParser()).parse_args([])
    for name, value in overrides.items():
        setattr(args, name, value)
    return args


RUNNERS = {"large_org": run_large_org, "presses": run_presses}


def run_scenarios(odoo, python, args, timer=None):
    """Every scenario asked for: [(Report, seconds)], the addon installed once first."""
    pg = PgCluster()
    pg.start()
    reports = []
    try:
        try:
            install_base(odoo, pg)
        except WorkersFailed as err:
            for name in args.scenario or SCENARIOS:
                report = Report(name)
                report.problem = str(err).splitlines()[0]
                reports.append((report, 0.0))
            say(f"!!!! {err}")
            return reports
        for name in args.scenario or SCENARIOS:
            reports.append(run_one(name, odoo, python, pg, args))
    finally:
        if not args.keep:
            drop_database(pg, BASE_DB)
        if pg.started_here and not args.keep_pg:
            if pg.others_connected(BASE_DB):
                say("PostgreSQL left running: another program uses it now")
            else:
                pg.stop()
    return reports


def run_one(name, odoo, python, pg, args):
    report = Report(name)
    began = time.monotonic()
    stage = Stage(name, odoo, python, pg, args)
    try:
        stage.start()
        RUNNERS[name](stage, args, report)
    except Exception as err:  # noqa: BLE001 - whatever stopped it, the next scenario runs
        report.problem = str(err).splitlines()[0][:300] if str(err) else type(err).__name__
        say(f"!!!! {name}: {err}")
        if not isinstance(err, (WorkersFailed, RpcError, OSError)):
            say(traceback.format_exc())
        say(f"     see {stage.odoo_log} and {stage.sandbox_log}")
    finally:
        with contextlib.suppress(Exception):
            stage.stop()
    seconds = time.monotonic() - began
    report.figure("took (setup included)", fmt_seconds(seconds))
    say("")
    for line in report.lines():
        say(line)
    return report, seconds


def print_reports(reports):
    say("\n" + "=" * 100)
    say("WORKER MODE (--workers=3 --max-cron-threads=2, 120 s limits)")
    for report, _seconds in reports:
        for line in report.lines():
            say(line)
    say("=" * 100)


def cmd_workers(args):
    CLOCK["start"] = time.monotonic()
    odoo = odoo_ready(args.odoo_bin, "WORKER-MODE RUN NOT STARTED: no Odoo install found")
    if odoo is None:
        return 2
    python = choose_python(odoo)[0]
    reports = run_scenarios(odoo, python, args)
    print_reports(reports)
    return 0 if reports and all(report.ok for report, _s in reports) else 1
