"""Figures for the sandbox and the client layer: how long Xero-shaped work takes here.

    python benchmarks/sandbox_and_client.py

Prints one line per measurement. Nothing is asserted: the figures go in notes and reviews.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xero_python.accounting import Contact  # noqa: E402

from tests.sandbox_helpers import Raw, authorize  # noqa: E402
from xero_client.client import XeroClient  # noqa: E402
from xero_client.endpoints import XeroEndpoints  # noqa: E402
from xero_client.mappings.item import item_to_xero  # noqa: E402
from xero_sandbox import Sandbox  # noqa: E402


def timed(fn, repeat):
    samples = []
    for _index in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def report(label, median_ms, max_ms, extra=""):
    print("%-58s median %7.1f ms   max %7.1f ms %s" % (label, median_ms, max_ms, extra))


def main():
    sandbox = Sandbox(seed=True).start()
    sandbox.actions.set_limits({"per_minute": 100000, "per_day": 1000000})
    token = authorize(sandbox)
    tenant = next(t for t, o in sandbox.state.orgs.items() if o.name.endswith("(UK)"))
    raw = Raw(sandbox, token, tenant)
    client = XeroClient(XeroEndpoints.for_host(sandbox.url), token["access_token"], tenant)

    report("GET /Organisation (raw HTTP)", *timed(lambda: raw.call("GET", "/Organisation"), 50))
    report("GET /Organisation (xero-python SDK)", *timed(client.get_organisation, 50))

    counter = iter(range(10**6))

    def save_contacts():
        batch = next(counter)
        contacts = [
            Contact(name="Bench %d-%d" % (batch, i), email_address="b%d@x.example" % i)
            for i in range(50)
        ]
        client.save("Contacts", contacts, ["bench", "c", batch])

    report("POST /Contacts, 50 contacts per call (SDK)", *timed(save_contacts, 20))

    def save_items():
        batch = next(counter)
        items = [
            item_to_xero(
                {
                    "code": "B%d-%d" % (batch, i),
                    "name": "Item %d" % i,
                    "list_price": 12.5,
                    "standard_price": 7.25,
                    "sale_ok": True,
                    "purchase_ok": True,
                    "sales_account_code": "200",
                    "purchase_account_code": "300",
                    "sales_tax_type": "OUTPUT2",
                    "purchase_tax_type": "INPUT2",
                }
            )
            for i in range(50)
        ]
        client.save("Items", items, ["bench", "i", batch], unitdp=4)

    report("POST /Items, 50 items per call (SDK)", *timed(save_items, 20))

    def invoice_batch():
        raw.call(
            "PUT",
            "/Invoices",
            json={
                "Invoices": [
                    {
                        "Type": "ACCREC",
                        "Contact": {"Name": "Bench customer"},
                        "Status": "AUTHORISED",
                        "DueDate": "2030-01-31",
                        "LineItems": [
                            {
                                "Description": "Line %d" % n,
                                "Quantity": 3,
                                "UnitAmount": 10.33,
                                "AccountCode": "200",
                                "TaxType": "OUTPUT2",
                                "DiscountRate": 5,
                            }
                            for n in range(5)
                        ],
                    }
                    for _ in range(50)
                ]
            },
        )

    report("PUT /Invoices, 50 invoices x 5 lines (raw HTTP)", *timed(invoice_batch, 10))
    held = len(sandbox.state.org(tenant).all("Contacts"))
    report(
        "GET /Contacts page of 100 (%d held)" % held,
        *timed(lambda: client.get_contacts(page=1), 20),
    )
    idempotent = ["bench", "replay", 1]
    contacts = [Contact(name="Replay %d" % i) for i in range(50)]
    client.save("Contacts", contacts, idempotent)
    report(
        "Idempotent replay of a 50-contact POST",
        *timed(lambda: client.save("Contacts", contacts, idempotent), 20),
    )
    sandbox.stop()


if __name__ == "__main__":
    main()
