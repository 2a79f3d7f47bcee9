"""From "pay this invoice" in the sandbox to the Odoo invoice showing paid, through Xero's
webhooks, with the demo's default settings (Odoo threaded, one cron thread).

    make demo                                   # Odoo on :8069, the sandbox on :8070
    python3 benchmarks/webhook_latency.py [--runs 5]

Each run sends a new invoice from Odoo, approves it in the sandbox, pays it there, and times
until Odoo shows it paid; it prints each run, the median and the worst, and the Xero calls
each payment cost Odoo. Nothing is asserted: the figures go in notes and reviews.
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
TIMEOUT = 150


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
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    session, info = odoo_admin_session(args.odoo)
    if session is None:
        raise SystemExit("admin/admin does not log in at %s: run `make demo` first" % args.odoo)
    company = info["user_companies"]["current_company"]
    [connection_id] = session.call(
        "xero.connection", "search", [("company_id", "=", company)], limit=1
    )
    session.call("xero.connection", "write", [connection_id], {"webhook_key": KEY})
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
    for run in range(1, args.runs + 1):
        move = send_invoice(session, partner_id)
        invoice_path = "/sandbox/tenants/%s/Invoices/%s" % (tenant, move["xero_id"])
        sandbox_call(args.sandbox, "POST", invoice_path, {"Status": "AUTHORISED"})
        time.sleep(3)  # the approval's own event is applied first
        sandbox_call(args.sandbox, "DELETE", "/sandbox/requests")
        started = time.monotonic()
        sandbox_call(args.sandbox, "POST", invoice_path + "/pay", {"amount": move["amount_total"]})
        waited = wait_until(lambda m=move: payment_state(session, m["id"]) in PAID)
        made = [
            r
            for r in sandbox_call(args.sandbox, "GET", "/sandbox/requests")
            if r.get("tenant") == tenant and r["path"] != "/connections"
        ]
        if waited is None:
            print("run %d: not paid in Odoo after %d s" % (run, TIMEOUT))
            continue
        latencies.append(time.monotonic() - started)
        calls.append(len(made))
        print(
            "run %d: paid in Odoo %.1f s after the payment in the sandbox; %d Xero calls: %s"
            % (
                run,
                latencies[-1],
                len(made),
                ", ".join(r["method"] + " " + r["path"] for r in made),
            )
        )
    if latencies:
        print(
            "webhook latency: %d runs, median %.1f s, worst %.1f s; median %d Xero calls"
            % (
                len(latencies),
                statistics.median(latencies),
                max(latencies),
                statistics.median(calls),
            )
        )


if __name__ == "__main__":
    main()
