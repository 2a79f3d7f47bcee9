"""From "pay this invoice" in the sandbox to the Odoo invoice showing paid, through Xero's
webhooks, with the demo's default settings (Odoo threaded, one cron thread).

    make demo                                   # Odoo on :8069, the sandbox on :8070
    python3 benchmarks/webhook_latency.py [--runs 5]

Each run sends a new invoice from Odoo (approved: the company sends its invoices approved for
the run), pays it in the sandbox, and times until Odoo shows it paid; it prints each run, the
median and the worst, and the Xero calls each payment cost Odoo. Odoo applies Xero's events
at once up to 3 times in 10 minutes, then at most every 2 minutes: the runs (3 by default)
are the payments of someone working in Xero after a quiet spell, and one more run, right
after them, shows a payment in a busy stretch. Nothing is asserted: the figures go in notes
and reviews.
"""

import argparse
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from devenv.odoo_rpc import odoo_admin_session  # noqa: E402

KEY = "webhook-latency-benchmark-key"
PAID = ("paid", "in_payment")
TIMEOUT = 240


def sandbox_call(sandbox_url, method, path, body=None):
    request = urllib.request.Request(
        sandbox_url + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"null")


def wait_until(condition, timeout=TIMEOUT, step=0.1):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(step)
    return None


def send_invoice(session, partner_id):
    [move_id] = session.call(
        "account.move",
        "create",
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner_id,
                "invoice_line_ids": [
                    (0, 0, {"name": "Webhook latency", "quantity": 1, "price_unit": 120.0})
                ],
            }
        ],
    )
    session.call("account.move", "action_post", [move_id])
    session.call("account.move", "action_xero_sync", [move_id])
    [move] = session.call(
        "account.move", "read", [move_id], ["xero_id", "xero_state", "xero_error", "amount_total"]
    )
    if move["xero_state"] != "synced":
        raise SystemExit("The invoice did not reach the sandbox: %s" % move["xero_error"])
    return move


def listing(requests):
    return ", ".join("%s %s" % (r["method"], r["path"]) for r in requests)


def payment_state(session, move_id):
    return session.call("account.move", "read", [move_id], ["payment_state"])[0]["payment_state"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--odoo", default="http://127.0.0.1:8069")
    parser.add_argument("--sandbox", default="http://127.0.0.1:8070")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    session, info = odoo_admin_session(args.odoo)
    if session is None:
        raise SystemExit("admin/admin does not log in at %s: run `make demo` first" % args.odoo)
    company = info["user_companies"]["current_company"]
    [connection_id] = session.call(
        "xero.connection", "search", [("company_id", "=", company)], limit=1
    )
    before = session.call("xero.connection", "read", [connection_id], ["status_out_invoice"])[0]
    session.call(
        "xero.connection",
        "write",
        [connection_id],
        {"webhook_key": KEY, "status_out_invoice": "AUTHORISED"},
    )
    tenant = session.call("xero.connection", "read", [connection_id], ["tenant_id"])[0]["tenant_id"]
    hook = sandbox_call(
        args.sandbox, "PUT", "/sandbox/webhooks", {"url": args.odoo + "/xero/webhooks", "key": KEY}
    )
    print("intent to receive: %s %s" % (hook["status"], hook.get("unmet") or ""))
    if hook["status"] != "OK":
        raise SystemExit(1)
    [partner_id] = session.call(
        "res.partner", "search", [("is_company", "=", True), ("customer_rank", ">", 0)], limit=1
    ) or session.call("res.partner", "search", [("is_company", "=", True)], limit=1)
    latencies, calls = [], []
    try:
        for run in range(1, args.runs + 2):
            timed = one_run(args, session, tenant, partner_id)
            if timed is None:
                print("run %d: not paid in Odoo after %d s" % (run, TIMEOUT))
                continue
            waited, made = timed
            busy = run > args.runs
            if not busy:
                latencies.append(waited)
                calls.append(len(made))
            print(
                "%s %d: paid in Odoo %.1f s after the payment in the sandbox; %d Xero calls: %s"
                % (
                    "busy stretch, run" if busy else "run",
                    run,
                    waited,
                    len(made),
                    ", ".join(r["method"] + " " + r["path"] for r in made),
                )
            )
    finally:
        session.call(
            "xero.connection",
            "write",
            [connection_id],
            {"status_out_invoice": before["status_out_invoice"]},
        )
    if latencies:
        print(
            "webhook latency after a quiet spell: %d runs, median %.1f s, worst %.1f s; "
            "median %d Xero calls"
            % (
                len(latencies),
                statistics.median(latencies),
                max(latencies),
                statistics.median(calls),
            )
        )


def one_run(args, session, tenant, partner_id):
    """An invoice sent from Odoo, paid in the sandbox: (seconds until Odoo shows it paid, the
    Xero calls Odoo made meanwhile), or None when it did not within TIMEOUT."""
    move = send_invoice(session, partner_id)
    invoice_path = "/sandbox/tenants/%s/Invoices/%s" % (tenant, move["xero_id"])
    time.sleep(1)  # the send's own events come first (they cost nothing)
    sandbox_call(args.sandbox, "DELETE", "/sandbox/requests")
    started = time.monotonic()
    sandbox_call(args.sandbox, "POST", invoice_path + "/pay", {"amount": move["amount_total"]})
    waited = wait_until(lambda: payment_state(session, move["id"]) in PAID)
    made = [
        r
        for r in sandbox_call(args.sandbox, "GET", "/sandbox/requests")
        if r.get("tenant") == tenant and r["path"] != "/connections"
    ]
    if waited is None:
        return None
    return time.monotonic() - started, made


if __name__ == "__main__":
    main()
