"""``chaos``: thousands of operations through Odoo run as a business runs it (``--workers=2
--max-cron-threads=2``), against a sandbox process that keeps its state in a file, while
faults are injected in turn and then together: 429 storms of Xero's minute and day limits,
5xx answers, timeouts and latency, connections dropped after Xero applied the write, ``kill
-9`` of the cron worker sending a batch, Sync to Xero pressed on the records the scheduled
push sends, access tokens expiring mid-batch with several workers renewing them at once, and
the sandbox restarted (its state kept) mid-run.

At the end Odoo's records and the sandbox's objects are compared one by one: every record
the run made is in Xero once, with its last change (an edit, a cancel, a payment), every
object the run made in Xero is linked from one Odoo record, and every payment made in Xero
is in Odoo. The last line is ``chaos: N operations, F faults, D duplicates, L lost``; the
exit status is 0 only with 0 duplicates, 0 lost and Xero's limits kept (5 calls in flight
and 60 a minute per organisation, as the sandbox saw them).

The pure parts (comparisons, counts, the last line) are tested in tests/test_devenv_chaos.py.
"""

import argparse
import contextlib
import json
import os
import random
import signal
import threading
import time
import traceback
from collections import Counter, defaultdict
from datetime import datetime

from .common import DEV_DIR, fmt_seconds, port_in_use, say, stop_process
from .odoo_install import odoo_ready
from .odoo_rpc import RpcError
from .pg import PgCluster
from .requirements import choose_python
from .sandbox import start_sandbox
from .workers import (
    CLOCK,
    CRON_END,
    CRON_START,
    ODOO_LOG_LINE,
    TIME_LIMIT,
    XERO_CONCURRENT_LIMIT,
    XERO_MINUTE_LIMIT,
    PgWatch,
    Stage,
    WorkersFailed,
    admin_session,
    compare_links,
    cron_kills,
    drop_database,
    install_base,
    is_transient,
    odoo_errors,
    parse_cron_log,
    pg_words_in,
    phase,
    utc_now,
)

BASE_DB = "ch_base"  # the addon installed once; the run works on a copy, ch_base_run
PORTS = range(18100, 18200)
LAST_LINE = "chaos: {operations} operations, {faults} faults, {duplicates} duplicates, {lost} lost"
SERVER_OPTIONS = [
    "--workers=2",
    "--max-cron-threads=2",
    f"--limit-time-real-cron={TIME_LIMIT}",
    f"--limit-time-real={TIME_LIMIT}",
]
# The faults, in turn (one a round), then all together; a full run goes round them 3 times.
PHASES = (
    "calm",
    "minute_429",
    "errors_5xx",
    "timeouts",
    "drop_after_write",
    "kill_worker",
    "presses_vs_push",
    "tokens",
    "day_limit",
    "sandbox_restart",
    "together",
)
# Records made per round: (partners, products, invoices, bills, customer credit notes,
# vendor credit notes, purchase orders); edits, cancels and payments act on earlier rounds.
SIZES = {
    "small": {
        "cycles": 1,
        "round_seconds": 6,
        "make": (6, 3, 6, 3, 2, 2, 2),
        "edits": (3, 2, 2),
        "cancels": (1, 1),
        "odoo_payments": 2,
        "xero_payments": 2,
        "drain_minutes": 4,
        "latency": 0.2,
    },
    "full": {
        "cycles": 3,
        "round_seconds": 30,
        "make": (40, 10, 40, 20, 8, 6, 10),
        "edits": (15, 5, 8),
        "cancels": (4, 2),
        "odoo_payments": 12,
        "xero_payments": 10,
        "drain_minutes": 12,
        "latency": 0.3,
    },
}
DOCUMENT_KINDS = ("out_invoice", "in_invoice", "out_refund", "in_refund")
WRITE_PATHS = "/(Contacts|Items|Invoices|CreditNotes|PurchaseOrders|Payments)"
DAY_RETRY_AFTER = 3 * 3600
# What Xero holds for each Odoo state of a document sent as approved.
XERO_STATUS_OF = {
    "posted": ("AUTHORISED", "PAID"),
    "cancel": ("VOIDED", "DELETED"),
}
PO_STATUS_OF = {"purchase": ("AUTHORISED", "BILLED"), "cancel": ("DELETED",)}


# --------------------------------------------------------------------------------------------
# pure parts (tests/test_devenv_chaos.py)


def last_line(operations, faults, duplicates, lost):
    return LAST_LINE.format(operations=operations, faults=faults, duplicates=duplicates, lost=lost)


def merge_stats(lives):
    """One organisation's ``GET /sandbox/stats`` figures over the sandbox's lives (a restart
    starts them again): calls and refusals added up, the highest in flight and per minute."""
    merged = {
        "calls": 0,
        "max_in_flight": 0,
        "max_per_minute": 0,
        "refused": Counter(),
        "injected": Counter(),
        "gets": Counter(),
    }
    for stats in lives:
        merged["calls"] += stats.get("calls", 0)
        merged["max_in_flight"] = max(merged["max_in_flight"], stats.get("max_in_flight", 0))
        merged["max_per_minute"] = max(merged["max_per_minute"], stats.get("max_per_minute", 0))
        for key in ("refused", "injected", "gets"):
            merged[key].update({k: v for k, v in (stats.get(key) or {}).items() if v})
    merged["refused_total"] = sum(merged["refused"].values())
    merged["injected_total"] = sum(merged["injected"].values())
    return merged


def admitted(entry):
    """Whether the sandbox's limiter let a logged call through: not refused by it (a 429
    without an injected fault) nor before it (no token, no connection)."""
    if entry.get("fault"):
        return True
    return entry.get("status") not in (429, 401, 403)


def busiest_minute(entries, span=60):
    """The most admitted calls of the request logs ``entries`` (several lives of the
    sandbox) that began within any ``span`` seconds: the minute around a restart included."""
    starts = sorted(
        e["at"] - (e.get("duration_ms") or 0) / 1000.0
        for e in entries
        if admitted(e) and e.get("at") is not None
    )
    best = first = 0
    for last, moment in enumerate(starts):
        while starts[first] <= moment - span:
            first += 1
        best = max(best, last - first + 1)
    return best


def add_counts(total, counts):
    for name, count in (counts or {}).items():
        total[name] += count
    return total


def job_runs(text, prefix="Xero"):
    """{worker pid: (job name, the log line that started it)} of the scheduled actions named
    ``prefix...`` started in the Odoo log ``text`` and not ended (a worker runs one job at a
    time: the line tells one run of it from the next)."""
    running = {}
    for line in text.splitlines():
        match = ODOO_LOG_LINE.match(line)
        if not match:
            continue
        msg = match["msg"].rstrip()
        start, end = CRON_START.match(msg), CRON_END.match(msg)
        if start and start["name"][1:-1].startswith(prefix):
            running[int(match["pid"])] = (start["name"][1:-1], line.strip())
        elif end or start:
            running.pop(int(match["pid"]), None)
    return running


def running_jobs(text, prefix="Xero"):
    """{worker pid: job name} of the scheduled actions named ``prefix...`` started in the
    Odoo log ``text`` and not ended."""
    return {pid: name for pid, (name, _line) in job_runs(text, prefix).items()}


def busy_push(runs, first_seen, now, live, least=1.0):
    """The pid of a worker running the push for at least ``least`` seconds (its calls to
    Xero under way: in the middle of a batch), or None. ``runs``: job_runs(); ``first_seen``:
    {start line: when the driver first saw it}, kept up to date here; ``live(pid)``: whether
    the pid is a live worker of ours (a worker killed earlier never ended its job in the
    log)."""
    busy = None
    for pid, (name, line) in runs.items():
        if not name.startswith("Xero: send"):
            continue
        seen = first_seen.setdefault(line, now)
        if now - seen >= least and live(pid):
            busy = pid
    return busy


def still_running(before, after):
    """The runs of ``before`` (job_runs() at one moment) still running in ``after``."""
    return {pid: run for pid, run in before.items() if after.get(pid) == run}


def mismatches(pairs):
    """``pairs``: [(label, what Odoo holds, what Xero holds)]: the labels where they differ."""
    return [label for label, ours, theirs in pairs if ours != theirs]


def status_matches(odoo_state, xero_status, table):
    return xero_status in table.get(odoo_state, ())


def compare_payments(odoo_sent, imported, made_in_xero, held, before_ids):
    """Payments both ways, one by one.

    ``odoo_sent``: {xero.odoo.payment id: Xero PaymentID or False} of the active payments Odoo
    sent; ``imported``: {xero.payment id: Xero PaymentID} Odoo read from Xero; ``made_in_xero``:
    PaymentIDs a Xero user made during the run; ``held``: {PaymentID: Status} of the sandbox;
    ``before_ids``: the PaymentIDs it held before.

    Lost: a payment of Odoo's not in Xero (``unsent``, ``missing``), one made in Xero that
    Odoo never read (``unread``). Duplicates: a live Xero payment made during the run that
    no Odoo record names (``orphans``), or that several name (``shared``)."""
    held_lower = {str(k).lower(): v for k, v in held.items()}
    before = {str(x).lower() for x in before_ids}
    owners = defaultdict(list)
    for key, xero_id in list(odoo_sent.items()):
        if xero_id:
            owners[xero_id.lower()].append(f"odoo:{key}")
    for key, xero_id in imported.items():
        if xero_id:
            owners[xero_id.lower()].append(f"xero:{key}")
    unsent = sorted(k for k, x in odoo_sent.items() if not x)
    missing = sorted(
        k for k, x in odoo_sent.items() if x and held_lower.get(x.lower()) != "AUTHORISED"
    )
    unread = sorted(x for x in made_in_xero if not owners.get(x.lower()))
    live_new = {x for x, status in held_lower.items() if status != "DELETED" and x not in before}
    orphans = sorted(x for x in live_new if not owners.get(x))
    shared = {x: ids for x, ids in owners.items() if x in held_lower and len(set(ids)) > 1}
    return {
        "unsent": unsent,
        "missing": missing,
        "unread": unread,
        "orphans": orphans,
        "shared": shared,
        "duplicates": len(orphans) + sum(len(ids) - 1 for ids in shared.values()),
        "lost": len(unsent) + len(missing) + len(unread),
    }


def error_reasons(rows, label):
    """Records left in error, grouped by reason: [(reason, [label id, ...])]."""
    grouped = defaultdict(list)
    for row in rows:
        grouped[(row.get("xero_error") or "no reason given").strip()[:240]].append(
            f"{label} {row['id']}"
        )
    return sorted(grouped.items(), key=lambda item: -len(item[1]))


# --------------------------------------------------------------------------------------------
# the processes


def chaos_port(taken=set()):  # noqa: B006 - the ports handed out by this process
    """A free port of PORTS (this run's share of the machine)."""
    for port in PORTS:
        if port not in taken and not port_in_use(port):
            taken.add(port)
            return port
    raise WorkersFailed(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


class ChaosStage(Stage):
    base_db = BASE_DB
    log_prefix = "chaos"
    server_options = SERVER_OPTIONS

    def __init__(self, odoo, python, pg, args):
        super().__init__("run", odoo, python, pg, args)
        self.state_file = DEV_DIR / "chaos-sandbox-state.json"
        self.lives = []  # per sandbox life: (stats per tenant, call counts, request log)
        self.restarts = 0

    def new_port(self):
        return chaos_port()

    def sandbox_cmd(self):
        return "{python} -m xero_sandbox --port {port} --seed --state %s" % self.state_file

    def start(self):
        with contextlib.suppress(FileNotFoundError):
            self.state_file.unlink()
        return super().start()

    def note_life(self):
        """What this life of the sandbox saw, kept before a restart (it starts again empty)."""
        stats = self.sandbox.call("GET", "/sandbox/stats")["tenants"]
        counts = self.sandbox.call("GET", "/sandbox/calls")
        log = self.sandbox.requests()
        self.lives.append((stats, counts, log))

    def restart_sandbox(self, gap=3):
        self.note_life()
        port = int(self.sandbox_url.rsplit(":", 1)[1])
        stop_process(self.sandbox_proc)
        time.sleep(gap)  # Odoo's calls meet a closed port meanwhile
        self.restarts += 1
        log = self.logs / f"chaos-sandbox-{self.name}-{self.restarts + 1}.log"
        self.sandbox_proc = start_sandbox(self.python, port, log, self.sandbox_cmd())

    def kick_crons(self):
        """Wake the push and the import now, as Odoo's _trigger does."""
        ids = [
            cron_id
            for name, cron_id in self.cron_ids().items()
            if name in ("ir_cron_xero_push", "ir_cron_xero_import")
        ]
        values = ", ".join(f"({i}, now() at time zone 'utc')" for i in ids)
        self.pg.psql(f"INSERT INTO ir_cron_trigger (cron_id, call_at) VALUES {values}", self.db)
        # Odoo's cron workers listen on the database "postgres".
        self.pg.psql(f"SELECT pg_notify('cron_trigger', '{self.db}')")

    def worker_of_ours(self, pid):
        """Whether ``pid`` is a worker of the Odoo server this run started."""
        try:
            with open(f"/proc/{pid}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        return parent == self.odoo_proc.pid


# --------------------------------------------------------------------------------------------
# the run


class Chaos:
    def __init__(self, stage, args):
        self.stage = stage
        self.args = args
        self.size = SIZES[args.size]
        self.session = stage.session
        self.tenant_id = stage.tenant["tenantId"]
        self.ops = Counter()
        self.faults = Counter()
        self.notes = []  # what each fault did, in plain words
        self.marks = []  # (label, ok, detail)
        self.lock = threading.Lock()
        self.rng = random.Random(7)
        self.made = defaultdict(list)  # kind -> ids of records the run made
        self.rounds = []  # per round: {kind: ids}
        self.cancelled = set()
        self.paid_in_odoo = set()
        self.paid_in_xero = set()
        self.xero_payment_ids = []
        self.stop_pressing = threading.Event()
        self.press_answers = Counter()
        self.shown = []  # PostgreSQL's words met by a person
        self.day_limit_checks = []
        self.round_made = threading.Event()  # the round's documents are made and posted
        self.quiet = threading.Event()  # the presser waits

    # -- bookkeeping
    def op(self, kind, count=1):
        with self.lock:
            self.ops[kind] += count

    def fault(self, kind, count=1, note=None):
        with self.lock:
            self.faults[kind] += count
            if note:
                self.notes.append(note)

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("timeout", 300)
        return self.session.call(model, method, *args, **kwargs)

    def sandbox_call(self, *args, wait=60):
        """A call to the sandbox's own API, as a Xero user's act: one that meets the sandbox
        restarting (another thread restarts it) waits for it to be back."""
        deadline = time.monotonic() + wait
        while True:
            try:
                return self.stage.sandbox.call(*args)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)

    # -- setup
    def prepare(self):
        stage = self.stage
        stage.connect()
        self.call(
            "xero.connection",
            "write",
            [stage.connection_id],
            {
                "push_every_minutes": 0,
                "send_out_invoice": "on_post",
                "send_in_invoice": "on_post",
                "send_out_refund": "on_post",
                "send_in_refund": "on_post",
                "status_out_invoice": "AUTHORISED",
                "status_in_invoice": "AUTHORISED",
                "status_out_refund": "AUTHORISED",
                "status_in_refund": "AUTHORISED",
                "send_purchase_order": "on_confirm",
                "status_purchase_order": "AUTHORISED",
                "send_attachments": False,
                "day_call_limit": 5000,
            },
        )
        company = [("company_id", "=", stage.company_id)]
        self.sale_tax = self.call(
            "account.tax", "search", company + [("name", "=", "VAT 20% (sales)")], limit=1
        )
        self.purchase_tax = self.call(
            "account.tax", "search", company + [("name", "=", "VAT 20% (purchases)")], limit=1
        )
        self.bank_journal = self.call(
            "account.journal", "search", company + [("type", "=", "bank")], limit=1
        )[0]
        self.before = {
            collection: {o[key] for o in stage.sandbox.held(self.tenant_id, collection)}
            for collection, key in COLLECTIONS.items()
        }

    # -- what people do
    def press(self, model, ids, session=None):
        """Sync to Xero on ``ids``: the answer as a person reads it."""
        if not ids:
            return None
        try:
            answer = (session or self.session).call(model, "action_xero_sync", ids, timeout=300)
            text = "sent" if answer is True else json.dumps(answer)[:300]
        except RpcError as err:
            text = f"refused: {err}"
        except OSError as err:
            text = f"no answer: {err}"
        self.op("press Sync to Xero", len(ids))
        with self.lock:
            self.press_answers[text[:120]] += 1
            if pg_words_in(text):
                self.shown.append(f"press on {model}: {text[:200]}")
        return text

    def make_partners(self, rnd, count, press=True):
        ids = self.call(
            "res.partner",
            "create",
            [
                {
                    "name": f"CH R{rnd:02d} Customer {i:03d} {self.rng.randrange(10**6):06d}",
                    "is_company": True,
                    "email": f"r{rnd}c{i}@chaos.example",
                }
                for i in range(count)
            ],
        )
        self.op("create contact", len(ids))
        self.made["res.partner"] += ids
        if press:
            for start in range(0, len(ids), 25):
                self.press("res.partner", ids[start : start + 25])
        return ids

    def make_products(self, rnd, count):
        ids = self.call(
            "product.product",
            "create",
            [
                {
                    "name": f"CH Item R{rnd:02d}-{i:03d}",
                    "default_code": f"CH-{rnd:02d}-{i:03d}",
                    "list_price": 10 + i,
                    "standard_price": 5 + i,
                    "taxes_id": False,
                    "supplier_taxes_id": False,
                }
                for i in range(count)
            ],
        )
        self.op("create item", len(ids))
        self.made["product.product"] += ids
        self.press("product.product", ids)
        return ids

    def make_moves(self, rnd, kind, count, partners, products):
        sales = kind.startswith("out_")
        tax = self.sale_tax if sales else self.purchase_tax
        today = utc_now().date().isoformat()
        values = []
        for i in range(count):
            line = {"name": f"Chaos work {i}", "quantity": 1 + i % 3, "price_unit": 40 + i}
            if products and i % 2:
                line["product_id"] = products[i % len(products)]
            if tax:
                line["tax_ids"] = [(6, 0, tax)]
            value = {
                "move_type": kind,
                "partner_id": partners[i % len(partners)],
                "invoice_date": today,
                "invoice_line_ids": [(0, 0, line)],
            }
            if not sales:
                value["ref"] = f"CH-{kind}-{rnd:02d}-{i:03d}"
            values.append(value)
        ids = self.call("account.move", "create", values)
        self.op(f"create {kind}", len(ids))
        self.call("account.move", "action_post", ids)
        self.op(f"post {kind}", len(ids))
        self.made[kind] += ids
        return ids

    def make_orders(self, rnd, count, partners, products):
        ids = []
        for i in range(count):
            ids.append(
                self.call(
                    "purchase.order",
                    "create",
                    {
                        "partner_id": partners[i % len(partners)],
                        "partner_ref": f"CH-PO-{rnd:02d}-{i:03d}",
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": products[i % len(products)],
                                    "name": f"Chaos order line {i}",
                                    "product_qty": 2 + i % 4,
                                    "price_unit": 12.5 + i,
                                    "tax_ids": [(6, 0, self.purchase_tax)],
                                },
                            )
                        ],
                    },
                )
            )
        self.op("create purchase order", len(ids))
        self.call("purchase.order", "button_confirm", ids)
        self.op("confirm purchase order", len(ids))
        self.made["purchase.order"] += ids
        return ids

    def edits(self, earlier):
        partners_n, products_n, moves_n = self.size["edits"]
        for pid in earlier.get("res.partner", [])[:partners_n]:
            self.call("res.partner", "write", [pid], {"email": f"edited{pid}@chaos.example"})
            self.op("edit contact")
        for pid in earlier.get("product.product", [])[:products_n]:
            self.call("product.product", "write", [pid], {"list_price": 100 + pid % 50})
            self.op("edit item")
        invoices = [i for i in earlier.get("out_invoice", []) if i not in self.cancelled][:moves_n]
        for move_id in invoices:
            try:
                self.call("account.move", "button_draft", [move_id])
                line = self.call("account.move", "read", [move_id], ["invoice_line_ids"])[0][
                    "invoice_line_ids"
                ][0]
                self.call(
                    "account.move",
                    "write",
                    [move_id],
                    {"invoice_line_ids": [(1, line, {"price_unit": 77 + move_id % 20})]},
                )
                self.call("account.move", "action_post", [move_id])
                self.op("edit invoice")
            except RpcError as err:
                self.note_refusal("edit invoice", err)
        return set(invoices)

    def cancels(self, earlier, edited):
        moves_n, orders_n = self.size["cancels"]
        candidates = [i for i in earlier.get("out_invoice", []) if i not in edited]
        candidates += earlier.get("in_invoice", [])
        for move_id in candidates[-moves_n:]:
            try:
                self.call("account.move", "button_cancel", [move_id])
                self.cancelled.add(move_id)
                self.op("cancel document")
            except RpcError as err:
                self.note_refusal("cancel document", err)
        for order_id in earlier.get("purchase.order", [])[-orders_n:]:
            try:
                self.call("purchase.order", "button_cancel", [order_id])
                self.cancelled.add(("po", order_id))
                self.op("cancel purchase order")
            except RpcError as err:
                self.note_refusal("cancel purchase order", err)

    def note_refusal(self, what, err):
        text = str(err)
        with self.lock:
            self.press_answers[f"{what} refused: {text[:100]}"] += 1
            if pg_words_in(text):
                self.shown.append(f"{what}: {text[:200]}")

    def odoo_payments(self, earlier, edited):
        count = self.size["odoo_payments"]
        candidates = [
            i
            for i in earlier.get("out_invoice", []) + earlier.get("in_invoice", [])
            if i not in self.cancelled and i not in edited and i not in self.paid_in_xero
        ]
        for move_id in candidates[:count]:
            context = {
                "active_model": "account.move",
                "active_ids": [move_id],
                "dont_redirect_to_payments": True,
            }
            try:
                wizard = self.call(
                    "account.payment.register",
                    "create",
                    {"journal_id": self.bank_journal},
                    context=context,
                )
                self.call(
                    "account.payment.register",
                    "action_create_payments",
                    [wizard],
                    context=context,
                )
                self.paid_in_odoo.add(move_id)
                self.op("payment made in Odoo")
            except RpcError as err:
                self.note_refusal("payment made in Odoo", err)

    def xero_payments(self, earlier, edited):
        count = self.size["xero_payments"]
        candidates = [
            i
            for i in earlier.get("out_invoice", []) + earlier.get("in_invoice", [])
            if i not in self.cancelled and i not in edited and i not in self.paid_in_odoo
        ][::-1]
        rows = self.call("account.move", "read", candidates, ["xero_id", "xero_state"])
        done = 0
        for row in rows:
            if done >= count:
                break
            if not row["xero_id"] or row["xero_state"] != "synced":
                continue
            try:
                payment = self.sandbox_call(
                    "POST",
                    f"/sandbox/tenants/{self.tenant_id}/Invoices/{row['xero_id']}/pay",
                    {},
                )
            except WorkersFailed as err:
                self.note_refusal("payment made in Xero", err)
                continue
            self.paid_in_xero.add(row["id"])
            self.xero_payment_ids.append(payment["PaymentID"])
            self.op("payment made in Xero")
            done += 1

    def import_now(self):
        try:
            self.call("xero.connection", "action_import_changes", [self.stage.connection_id])
            self.op("import pressed")
        except (RpcError, OSError) as err:
            self.note_refusal("Import changes now", err)

    # -- a round
    def run_round(self, rnd, name):
        partners_n, products_n, inv_n, bill_n, outref_n, inref_n, po_n = self.size["make"]
        earlier = self.rounds[-1] if self.rounds else {}
        made = {}
        made["res.partner"] = self.make_partners(rnd, partners_n)
        # Documents also go to contacts never pressed: they go as their dependencies.
        unpressed = self.make_partners(rnd + 100, max(2, partners_n // 4), press=False)
        customers = unpressed + made["res.partner"]
        made["product.product"] = self.make_products(rnd, products_n)
        for kind, count in zip(DOCUMENT_KINDS, (inv_n, bill_n, outref_n, inref_n), strict=True):
            made[kind] = self.make_moves(rnd, kind, count, customers, made["product.product"])
        self.round_made.set()
        made["purchase.order"] = self.make_orders(rnd, po_n, customers, made["product.product"])
        edited = self.edits(earlier)
        self.cancels(earlier, edited)
        self.odoo_payments(earlier, edited)
        self.xero_payments(earlier, edited)
        if rnd % 3 == 2:
            self.import_now()
        self.rounds.append(made)

    # -- the faults
    def count_hits(self):
        """The faults the sandbox answered with, counted before they are replaced or lost
        in a restart."""
        for fault in self.stage.sandbox.call("GET", "/sandbox/faults") or []:
            if fault["kind"] != "latency" and fault["hits"]:
                label = fault["kind"] + (
                    f" ({fault['problem']})" if fault["kind"] == "rate_limit" else ""
                )
                self.fault(label, fault["hits"])

    def set_faults(self, faults):
        """The sandbox answers with these faults, then the round's latency (the sandbox
        applies the first fault that matches a call)."""
        sandbox = self.stage.sandbox
        self.count_hits()
        sandbox.clear_faults()
        for fault in faults:
            sandbox.add_fault(**fault)
        if self.size["latency"]:
            sandbox.add_fault(kind="latency", seconds=self.size["latency"], path="/.*")

    def wait_for_push(self, seconds=90, least=1.0):
        """The pid of a cron worker of ours that has been running the push for ``least``
        seconds (its calls to Xero under way), once one has: the log is read every 0.2 s,
        the push woken every second."""
        deadline = time.monotonic() + seconds
        first_seen = {}
        kicked = 0
        while time.monotonic() < deadline:
            runs = job_runs(self.stage.log_text(self.log_offset))
            pid = busy_push(runs, first_seen, time.monotonic(), self.stage.worker_of_ours, least)
            if pid is not None:
                return pid
            if time.monotonic() - kicked > 1:
                self.stage.kick_crons()
                kicked = time.monotonic()
            time.sleep(0.2)
        return None

    def kill_worker(self):
        """``kill -9`` of the cron worker in the middle of a batch: once documents of the
        round wait to go, the first push seen running for a second (each call takes the
        round's latency) is killed."""
        self.round_made.wait(120)
        # Nobody presses meanwhile: the push, not a press, sends what waits.
        self.quiet.set()
        try:
            pid = self.wait_for_push()
        finally:
            self.quiet.clear()
        if pid is None:
            self.notes.append("kill -9: no push ran within 90 s, nothing killed")
            return
        if not self.stage.worker_of_ours(pid):
            self.notes.append(f"kill -9: {pid} is not a worker of this run's Odoo, left alone")
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
            self.fault("kill -9 of the cron worker sending a batch", 1)
            say(f"  kill -9 of cron worker {pid}, in the middle of the push")

    def expire_tokens(self, mid_batch=True):
        if mid_batch:
            self.wait_for_push(30)
            time.sleep(1)
        self.stage.sandbox.expire_tokens()
        self.fault("access tokens expired mid-batch", 1)
        # Two people press at once while the push renews: several workers renew together.
        pending = (
            self.call(
                "account.move",
                "search",
                [("id", "in", self.all_moves()), ("xero_state", "=", "pending")],
                limit=20,
            )
            or self.made["res.partner"][-10:]
        )
        halves = [pending[: len(pending) // 2], pending[len(pending) // 2 :]]
        model = "account.move" if pending and pending[0] in self.all_moves() else "res.partner"
        threads = [
            threading.Thread(target=self.press_in_session, args=(model, half), daemon=True)
            for half in halves
            if half
        ]
        self.stage.kick_crons()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        self.fault("workers renewing the same token at once", 1)

    def press_in_session(self, model, ids):
        session, _info = admin_session(self.stage.odoo_url, self.stage.db)
        return self.press(model, ids, session=session)

    def day_limit(self):
        """Xero's day limit met: as Xero does, every call is refused (429, Retry-After of
        hours) until the connection notes it. The note must reschedule the sends hours
        ahead, and no run may sleep on it: the runs under way when it is noted end."""
        stage = self.stage
        self.set_faults(
            [
                {
                    "kind": "rate_limit",
                    "problem": "day",
                    "retry_after": DAY_RETRY_AFTER,
                    "path": "/.*",
                }
            ]
        )
        # A few contacts edited: someone presses Sync to Xero on some, the push sends the
        # others, and the limit is met now (Odoo calls Xero only for what changed). The press
        # must answer at once, not after the Retry-After.
        contacts = self.made["res.partner"][-6:]
        for pid in contacts:
            self.call("res.partner", "write", [pid], {"email": f"day{pid}@chaos.example"})
            self.op("edit contact")
        pressed = {}

        def press():
            began = time.monotonic()
            pressed["answer"] = self.press_in_session("res.partner", contacts[:3])
            pressed["seconds"] = time.monotonic() - began

        presser = threading.Thread(target=press, daemon=True)
        presser.start()
        stage.kick_crons()
        began = time.monotonic()
        until = None
        while time.monotonic() - began < 90:
            values = self.call(
                "xero.connection", "read", [stage.connection_id], ["rate_limited_until"]
            )[0]
            moment = values["rate_limited_until"]
            if moment and (datetime_of(moment) - utc_now()).total_seconds() > 600:
                until = moment
                break
            stage.kick_crons()
            time.sleep(1)
        noticed = time.monotonic() - began
        if until is None:
            self.count_hits()
            self.day_limit_checks.append(
                ("Xero's day limit noted", False, "no Retry-After of hours noted in 90 s")
            )
            self.set_faults([])
            return
        ahead = (datetime_of(until) - utc_now()).total_seconds()
        # A run that slept on the Retry-After would still be running in an hour: those under
        # way when the limit is noted, and those woken since, end within the minute.
        at_note = job_runs(stage.log_text(self.log_offset))
        stage.kick_crons()
        waited = time.monotonic()
        left = at_note
        while time.monotonic() - waited < 60:
            now_running = job_runs(stage.log_text(self.log_offset))
            left = {
                pid: run
                for pid, run in still_running(at_note, now_running).items()
                if stage.worker_of_ours(pid)
            }
            if not left:
                break
            time.sleep(1)
        presser.join(60)
        self.count_hits()
        self.set_faults([])
        self.day_limit_checks.append(
            (
                "Sync to Xero answers at once on a day limit",
                pressed.get("seconds", 999) < 60,
                f"answered in {pressed.get('seconds', 999):.0f} s: "
                f"{str(pressed.get('answer'))[:100]}",
            )
        )
        self.day_limit_checks.append(
            (
                "a day-limit Retry-After of hours reschedules",
                ahead > 3600,
                f"next run in {ahead / 3600:.1f} h, noted {noticed:.0f} s after the limit met",
            )
        )
        self.day_limit_checks.append(
            (
                "no run sleeps on a day limit",
                not left,
                f"{len(at_note)} Xero runs under way at the note; "
                f"{len(left)} still running {time.monotonic() - waited:.0f} s later"
                + (f": {sorted(name for name, _l in left.values())}" if left else ""),
            )
        )
        self.notes.append(
            f"day limit: the connection waits {ahead / 3600:.1f} h; the driver then skips "
            "the hours (Xero answers again, the connection's noted end cleared, as if they "
            "had passed)"
        )
        self.call("xero.connection", "write", [stage.connection_id], {"rate_limited_until": False})

    def restart(self):
        self.count_hits()
        self.stage.restart_sandbox()
        self.fault("sandbox restarted (state kept)", 1)
        self.set_faults([])

    def phase_faults(self, name):
        """The sandbox's faults of a round, and what the round does besides (a thread)."""
        storm = {
            "kind": "rate_limit",
            "problem": "minute",
            "retry_after": 4,
            "times": 12,
            "path": "/.*",
        }
        errors = [
            {"kind": "error", "status": 503, "times": 3, "path": "/.*"},
            {"kind": "error", "status": 500, "times": 2, "method": "PUT", "path": WRITE_PATHS},
        ]
        timeouts = [
            {"kind": "timeout", "seconds": 32, "times": 1, "path": "/.*"},
            {"kind": "latency", "seconds": 2.5, "times": 8, "path": "/.*"},
        ]
        drops = [
            {"kind": "drop_after_write", "times": 2, "method": "PUT", "path": WRITE_PATHS},
            {"kind": "drop_after_write", "times": 2, "method": "POST", "path": WRITE_PATHS},
        ]
        if name == "minute_429":
            return [storm], None
        if name == "errors_5xx":
            return errors, None
        if name == "timeouts":
            return timeouts, None
        if name == "drop_after_write":
            return drops, None
        if name == "kill_worker":
            return [{"kind": "latency", "seconds": 1.0, "path": "/.*"}], self.kill_worker
        if name == "presses_vs_push":
            return [{"kind": "latency", "seconds": 0.8, "path": "/.*"}], self.press_the_push
        if name == "tokens":
            return [{"kind": "latency", "seconds": 0.8, "path": "/.*"}], self.expire_tokens
        if name == "sandbox_restart":
            return [], self.restart
        if name == "together":
            # A minute-limit storm stops the pushes for its Retry-After: it comes once the
            # worker is killed (see together).
            latency = {"kind": "latency", "seconds": 1.0, "path": "/.*"}
            return [*errors, *drops, timeouts[0], latency], self.together
        return [], None

    def together(self):
        """Every fault in one round: 5xx answers, dropped connections and a timeout from its
        start, the worker killed in the middle of a push, tokens expired while people press,
        the sandbox restarted, then a minute-limit storm, 5xx answers and dropped connections
        again (a restart forgets the faults; a timeout so late would hold up the end)."""
        self.kill_worker()
        self.expire_tokens(mid_batch=False)
        self.restart()
        storm = {
            "kind": "rate_limit",
            "problem": "minute",
            "retry_after": 4,
            "times": 6,
            "skip": 4,
            "path": "/.*",
        }
        faults, _extra = self.phase_faults("errors_5xx")
        self.set_faults(
            [storm, *faults, {"kind": "drop_after_write", "times": 2, "path": WRITE_PATHS}]
        )

    def press_the_push(self):
        """Sync to Xero pressed on the very records the push is sending."""
        self.wait_for_push(30)
        pending = self.call(
            "account.move",
            "search",
            [("id", "in", self.all_moves()), ("xero_state", "=", "pending")],
            limit=30,
        )
        for start in range(0, len(pending), 10):
            self.press_in_session("account.move", pending[start : start + 10])
        self.fault("Sync to Xero pressed on what the push sends", 1)

    def all_moves(self):
        return [i for kind in DOCUMENT_KINDS for i in self.made[kind]]

    def presser(self):
        """Someone presses Sync to Xero, now and then, on documents waiting to go."""
        try:
            session, _info = admin_session(self.stage.odoo_url, self.stage.db)
        except WorkersFailed:
            return
        while not self.stop_pressing.wait(self.rng.uniform(2, 5)):
            if self.quiet.is_set():
                continue
            try:
                ids = session.call(
                    "account.move",
                    "search",
                    [("id", "in", self.all_moves()[-200:]), ("xero_state", "=", "pending")],
                    limit=8,
                )
            except (RpcError, OSError):
                continue
            self.press("account.move", ids, session=session)

    # -- the whole run
    def run(self):
        stage = self.stage
        self.prepare()
        stage.sandbox.clear_counts()
        self.set_faults([])
        self.since = utc_now()
        self.log_offset = stage.log_size()
        self.watch = PgWatch(stage.pg, stage.db).start()
        stage.set_crons(active=True, now=True)
        presser = threading.Thread(target=self.presser, daemon=True)
        presser.start()
        plan = [name for _cycle in range(self.size["cycles"]) for name in PHASES]
        self.began = time.monotonic()
        for rnd, name in enumerate(plan):
            phase(f"round {rnd + 1}/{len(plan)}: {name.replace('_', ' ')}")
            started = time.monotonic()
            self.round_made.clear()
            if name == "day_limit":
                self.set_faults([])
                self.run_round(rnd, name)
                self.day_limit()
            else:
                faults, extra = self.phase_faults(name)
                self.set_faults(faults)
                thread = threading.Thread(target=self.guarded, args=(extra,), daemon=True)
                if extra:
                    thread.start()
                self.run_round(rnd, name)
                if extra:
                    thread.join(600)
            stage.kick_crons()
            while time.monotonic() - started < self.size["round_seconds"]:
                time.sleep(2)
            say(f"  {sum(self.ops.values())} operations so far")
        self.stop_pressing.set()
        presser.join(60)
        self.size_latency_off()
        self.drain()

    def guarded(self, work):
        try:
            work()
        except Exception as err:  # noqa: BLE001 - a fault that failed is said, the run goes on
            self.notes.append(f"{getattr(work, '__name__', work)} failed: {err}")
            say(traceback.format_exc())

    def size_latency_off(self):
        self.count_hits()
        self.stage.sandbox.clear_faults()

    def drain(self):
        """Until nothing of ours waits (the scheduled actions alone), then an import of what
        changed in Xero, then until nothing waits again."""
        phase("the faults stop: the scheduled actions send what waits")
        self.call(
            "xero.connection", "write", [self.stage.connection_id], {"rate_limited_until": False}
        )
        deadline = time.monotonic() + self.size["drain_minutes"] * 60
        last = 0
        while time.monotonic() < deadline:
            waiting = self.waiting()
            if not waiting:
                break
            if time.monotonic() - last > 20:
                say(f"  waiting: {waiting}")
                last = time.monotonic()
            self.stage.kick_crons()
            time.sleep(5)
        self.drained_in = time.monotonic() - self.began
        self.waiting_at_end = self.waiting()
        # A scheduled import holding one of the imports would have the button skip it (that
        # worker reads it), and might then be rolled back by another worker: stopped first.
        phase("the scheduled actions stop once their runs end")
        self.stage.set_crons(active=False)
        phase("the import of what changed in Xero (Import changes now), twice")
        self.import_now()
        time.sleep(3)
        self.import_now()

    def waiting(self):
        """{model: records pending or in an error that may pass}."""
        waiting = {}
        for model, ids in self.models_of_ours().items():
            rows = self.read_states(model, ids)
            count = sum(
                1
                for r in rows
                if r["xero_state"] == "pending"
                or (r["xero_state"] == "error" and is_transient(r["xero_error"]))
            )
            if count:
                waiting[model] = count
        return waiting

    def models_of_ours(self):
        return {
            "res.partner": self.made["res.partner"],
            "product.product": self.made["product.product"],
            "account.move": self.all_moves(),
            "purchase.order": self.made["purchase.order"],
            "xero.odoo.payment": self.odoo_payment_ids(),
        }

    def odoo_payment_ids(self):
        return self.call(
            "xero.odoo.payment",
            "search",
            [("move_id", "in", self.all_moves())],
            context={"active_test": False},
        )

    def read_states(self, model, ids, extra=()):
        rows = []
        for start in range(0, len(ids), 500):
            rows += self.call(
                model,
                "read",
                ids[start : start + 500],
                ["xero_state", "xero_id", "xero_error", *extra],
                context={"active_test": False},
            )
        return rows


COLLECTIONS = {
    "Contacts": "ContactID",
    "Items": "ItemID",
    "Invoices": "InvoiceID",
    "CreditNotes": "CreditNoteID",
    "PurchaseOrders": "PurchaseOrderID",
    "Payments": "PaymentID",
}


def datetime_of(value):
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")


# --------------------------------------------------------------------------------------------
# the comparison and the figures


def compare_all(chaos):
    """Every record of the run against the sandbox: ({kind: comparison}, [stale changes])."""
    stage, tid = chaos.stage, chaos.tenant_id
    held = {c: stage.sandbox.held(tid, c) for c in COLLECTIONS}
    by_id = {c: {str(o[k]).lower(): o for o in held[c]} for c, k in COLLECTIONS.items()}
    results, stale = {}, []

    def check(label, model, ids, collection, extra_fields=(), domain=()):
        rows = chaos.read_states(model, ids, extra_fields)
        sendable = {r["id"]: r["xero_id"] for r in rows if not skip_record(model, r)}
        linked = stage.linked(model, list(domain))
        results[label] = compare_links(
            sendable,
            linked,
            by_id[collection].keys(),
            {str(x).lower() for x in chaos.before[collection]},
            [r["id"] for r in rows if r["xero_state"] == "pending" and r["id"] in sendable],
        )
        return rows

    partners = check("contacts", "res.partner", chaos.made["res.partner"], "Contacts", ["email"])
    for row in partners:
        xero = by_id["Contacts"].get(str(row["xero_id"]).lower()) if row["xero_id"] else None
        if xero and (xero.get("EmailAddress") or "").lower() != (row["email"] or "").lower():
            stale.append(
                f"contact {row['id']}: email {row['email']!r} in Odoo, "
                f"{xero.get('EmailAddress')!r} in Xero"
            )
    products = check(
        "items", "product.product", chaos.made["product.product"], "Items", ["lst_price"]
    )
    for row in products:
        xero = by_id["Items"].get(str(row["xero_id"]).lower()) if row["xero_id"] else None
        price = ((xero or {}).get("SalesDetails") or {}).get("UnitPrice")
        if xero and price is not None and round(float(price), 2) != round(row["lst_price"], 2):
            stale.append(f"item {row['id']}: price {row['lst_price']} in Odoo, {price} in Xero")
    move_fields = ["state", "amount_total", "amount_residual", "move_type", "payment_state"]
    for kinds, collection, label in (
        (("out_invoice", "in_invoice"), "Invoices", "invoices and bills"),
        (("out_refund", "in_refund"), "CreditNotes", "credit notes"),
    ):
        ids = [i for k in kinds for i in chaos.made[k]]
        rows = check(
            label, "account.move", ids, collection, move_fields, [("move_type", "in", list(kinds))]
        )
        for row in rows:
            xero = by_id[collection].get(str(row["xero_id"]).lower()) if row["xero_id"] else None
            if not xero:
                continue
            if not status_matches(row["state"], xero.get("Status"), XERO_STATUS_OF):
                stale.append(
                    f"{row['move_type']} {row['id']}: {row['state']} in Odoo, "
                    f"{xero.get('Status')} in Xero"
                )
            elif row["state"] == "posted":
                if round(float(xero.get("Total", 0)), 2) != round(row["amount_total"], 2):
                    stale.append(
                        f"{row['move_type']} {row['id']}: total {row['amount_total']} "
                        f"in Odoo, {xero.get('Total')} in Xero"
                    )
                elif collection == "Invoices" and round(
                    float(xero.get("AmountDue", 0)), 2
                ) != round(row["amount_residual"], 2):
                    stale.append(
                        f"{row['move_type']} {row['id']}: {row['amount_residual']} "
                        f"due in Odoo, {xero.get('AmountDue')} in Xero"
                    )
    orders = check(
        "purchase orders",
        "purchase.order",
        chaos.made["purchase.order"],
        "PurchaseOrders",
        ["state"],
    )
    for row in orders:
        xero = by_id["PurchaseOrders"].get(str(row["xero_id"]).lower()) if row["xero_id"] else None
        if xero and not status_matches(row["state"], xero.get("Status"), PO_STATUS_OF):
            stale.append(
                f"purchase order {row['id']}: {row['state']} in Odoo, {xero.get('Status')} in Xero"
            )
    sent = chaos.call(
        "xero.odoo.payment",
        "search_read",
        [("id", "in", chaos.odoo_payment_ids()), ("active", "=", True)],
        ["xero_id", "xero_state"],
        context={"active_test": False},
    )
    imported = chaos.call(
        "xero.payment",
        "search_read",
        [("xero_id", "!=", False)],
        ["xero_id"],
        context={"active_test": False},
    )
    results["payments"] = compare_payments(
        {r["id"]: r["xero_id"] for r in sent},
        {r["id"]: r["xero_id"] for r in imported},
        chaos.xero_payment_ids,
        {p["PaymentID"]: p.get("Status") for p in held["Payments"]},
        chaos.before["Payments"],
    )
    # Names and numbers Xero should hold once.
    names = Counter((c.get("Name") or "").strip().lower() for c in held["Contacts"])
    results["same names"] = sorted(n for n, k in names.items() if k > 1 and n)
    return results, stale


def skip_record(model, row):
    """A record the run made that is not expected in Xero: a document cancelled before it
    was ever sent."""
    if model in ("account.move",) and row.get("state") == "cancel" and not row["xero_id"]:
        return True
    return model == "purchase.order" and row.get("state") == "cancel" and not row["xero_id"]


def errors_left(chaos):
    reasons = []
    labels = {
        "res.partner": "contact",
        "product.product": "item",
        "account.move": "document",
        "purchase.order": "purchase order",
        "xero.odoo.payment": "payment",
    }
    for model, ids in chaos.models_of_ours().items():
        rows = [r for r in chaos.read_states(model, ids) if r["xero_state"] == "error"]
        reasons += error_reasons(rows, labels[model])
    return reasons


def report(chaos, results, stale, took):  # noqa: C901 - one figure after another
    stage = chaos.stage
    stage.note_life()
    tenants = defaultdict(list)
    calls = Counter()
    entries = []
    for stats, counts, log in stage.lives:
        for tenant_id, figures in stats.items():
            tenants[tenant_id].append(figures)
        add_counts(calls, counts)
        entries += log
    per_org = {tid: merge_stats(lives) for tid, lives in tenants.items()}
    ours = per_org.get(chaos.tenant_id) or merge_stats([])
    duplicates = sum(r["duplicates"] for k, r in results.items() if k != "same names")
    duplicates += len(results["same names"])
    lost_records = sum(r["lost"] for k, r in results.items() if k != "same names")
    lost = lost_records + len(stale)
    operations = sum(chaos.ops.values())
    faults = sum(chaos.faults.values())
    parsed = parse_cron_log(stage.log_text(chaos.log_offset))
    pg_counts = chaos.watch.stop()
    errors = errors_left(chaos)
    connection = stage.connection_values()

    say("\n" + "=" * 100)
    say(f"CHAOS ({chaos.args.size}: {' '.join(SERVER_OPTIONS)}), {fmt_seconds(took)}")
    say(f"operations: {operations}")
    for kind, count in sorted(chaos.ops.items()):
        say(f"  {kind}: {count}")
    say(f"faults injected: {faults}")
    for kind, count in sorted(chaos.faults.items()):
        say(f"  {kind}: {count}")
    for note in chaos.notes:
        say(f"  note: {note}")
    say("answers to people (presses and the like):")
    for text, count in chaos.press_answers.most_common(8):
        say(f"  {count}x {text}")
    say("records compared with the sandbox, one by one:")
    for label, result in results.items():
        if label == "same names":
            continue
        details = ", ".join(
            f"{key} {len(value)}"
            for key, value in result.items()
            if isinstance(value, (list, dict)) and key not in ("records",)
        )
        say(
            f"  {label}: {result.get('in_xero', '-')}/{result.get('records', '-')} in Xero; "
            f"duplicates {result['duplicates']}, lost {result['lost']} ({details})"
        )
        for key in ("unsent", "missing", "pending", "orphans", "shared", "unread"):
            if result.get(key):
                say(f"    {key}: {list(result[key])[:10]}")
    say(
        f"  contact names held twice in Xero: {len(results['same names'])} "
        f"{results['same names'][:5]}"
    )
    say(f"  changes of Odoo's not in Xero (an edit, a cancel, a payment): {len(stale)}")
    for line in stale[:15]:
        say(f"    {line}")
    say(f"duplicates: {duplicates}")
    say(f"lost: {lost} ({lost_records} records, {len(stale)} changes)")
    say(f"records left in error: {sum(len(ids) for _r, ids in errors)}")
    for reason, ids in errors:
        say(f"  {len(ids)}x {reason} ({', '.join(ids[:6])}{'...' if len(ids) > 6 else ''})")
    say(
        f"waiting when the drain ended: {chaos.waiting_at_end or 'nothing'} "
        f"(after {fmt_seconds(chaos.drained_in)} of the run)"
    )
    say("Xero calls by kind (every life of the sandbox):")
    for name, count in sorted(calls.items()):
        say(f"  {name}: {count}")
    say("Xero's limits, per organisation, as the sandbox saw them:")
    busiest_across = busiest_minute(entries)
    for tenant_id, figures in sorted(per_org.items()):
        say(
            f"  {tenant_id}: {figures['calls']} calls admitted, at most "
            f"{figures['max_in_flight']} in flight, at most {figures['max_per_minute']} in "
            f"any 60 s; limiter refusals {figures['refused_total']} "
            f"{dict(figures['refused'])}, injected 429s {dict(figures['injected'])}"
        )
    say(
        f"  most calls begun in any 60 s across the sandbox's restarts (from its request "
        f"logs): {busiest_across}"
    )
    killed = cron_kills(parsed)
    say(
        f"cron runs killed at their time limit: {killed}; ERROR lines in Odoo's log: "
        f"{sum(odoo_errors(stage.log_text(chaos.log_offset)).values())}"
    )
    for message, count in odoo_errors(stage.log_text(chaos.log_offset)).most_common(5):
        say(f"  {count}x {message}")
    if pg_counts:
        say(
            f"PostgreSQL: {pg_counts['serialization']} serialization failures, "
            f"{pg_counts['deadlock']} deadlocks"
        )
    shown = list(chaos.shown) + stage.pg_words_shown_since(chaos.since)
    say(f"PostgreSQL's words shown to a person: {len(shown)}")
    for line in shown[:5]:
        say(f"  {line}")
    last_error = (connection["last_error"] or "none")[:200]
    say(f"connection: {connection['state']}; last error: {last_error}")
    marks = [
        ("0 duplicates", duplicates == 0, str(duplicates)),
        ("0 lost", lost == 0, str(lost)),
        (
            f"at most {XERO_CONCURRENT_LIMIT} calls in flight per organisation",
            all(f["max_in_flight"] <= XERO_CONCURRENT_LIMIT for f in per_org.values()),
            str(max((f["max_in_flight"] for f in per_org.values()), default=0)),
        ),
        (
            f"at most {XERO_MINUTE_LIMIT} calls in any 60 s per organisation",
            all(f["max_per_minute"] <= XERO_MINUTE_LIMIT for f in per_org.values())
            and busiest_across <= XERO_MINUTE_LIMIT,
            f"{max((f['max_per_minute'] for f in per_org.values()), default=0)}, "
            f"{busiest_across} across restarts",
        ),
        ("0 limiter refusals", ours["refused_total"] == 0, str(ours["refused_total"])),
        ("no cron run killed at its time limit", killed == 0, str(killed)),
        ("0 PostgreSQL words shown", not shown, str(len(shown))),
        ("the connection still connected", connection["state"] == "connected", connection["state"]),
        *chaos.day_limit_checks,
    ]
    for label, ok, detail in marks:
        say(f"mark {label}: {'PASS' if ok else 'FAIL'} ({detail})")
    say("=" * 100)
    say(last_line(operations, faults, duplicates, lost))
    return all(ok for _l, ok, _d in marks)


# --------------------------------------------------------------------------------------------
# the command


def add_chaos_options(parser):
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument(
        "--reuse-base",
        action="store_true",
        help=f"use {BASE_DB} as it is when the addon is installed there (no fresh install)",
    )
    parser.add_argument("--odoo-bin", default=None, help="Odoo 19 odoo-bin (as for test)")
    parser.add_argument("--sandbox-cmd", default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="before comparing, add a contact in the sandbox directly (as a duplicate "
        "would be): the run must then fail",
    )
    return parser


def cmd_chaos(args):
    CLOCK["start"] = time.monotonic()
    odoo = odoo_ready(args.odoo_bin, "CHAOS RUN NOT STARTED: no Odoo install found")
    if odoo is None:
        return 2
    python = choose_python(odoo)[0]
    pg = PgCluster()
    pg.start()
    began = time.monotonic()
    stage = ChaosStage(odoo, python, pg, args)
    ok = False
    try:
        if not (args.reuse_base and pg.module_state(BASE_DB, "xero_connector") == "installed"):
            install_base(odoo, pg, BASE_DB, "chaos", chaos_port())
        stage.start()
        chaos = Chaos(stage, args)
        try:
            chaos.run()
        finally:
            chaos.stop_pressing.set()
        if args.self_check:
            say("self-check: a contact added in the sandbox directly, linked to no record")
            stage.sandbox.add_objects(
                chaos.tenant_id, "Contacts", [{"Name": "CH Self-check duplicate"}]
            )
        phase("comparing Odoo's records with the sandbox's, one by one")
        results, stale = compare_all(chaos)
        ok = report(chaos, results, stale, time.monotonic() - began)
    except (WorkersFailed, RpcError, OSError) as err:
        say(f"!!!! the chaos run stopped: {err}")
        say(traceback.format_exc())
        say(f"     see {stage.odoo_log} and {stage.sandbox_log}")
        say(last_line(0, 0, "?", "?"))
    finally:
        with contextlib.suppress(Exception):
            stage.stop()
        if not args.keep and not args.reuse_base:
            drop_database(pg, BASE_DB)
    return 0 if ok else 1
