# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
import uuid
from datetime import date, timedelta
from unittest.mock import patch

from xero_python.accounting import Contact, CurrencyCode, Invoice, LineAmountTypes, LineItem

from odoo import fields
from odoo.tests import tagged

from .test_engine import requests_log
from .test_move_balances import MoneyBackCase

FIGURES = (
    "xero_receivable_outstanding",
    "xero_receivable_overdue",
    "xero_payable_outstanding",
    "xero_payable_overdue",
    "xero_last_invoice_date",
    "xero_sales_this_year",
)


@tagged("post_install", "-at_install")
class TestPartnerSummary(MoneyBackCase):
    """The partner summary on the contact's Xero tab: Xero's balances and this year's sales,
    refreshed by the hourly import, at one call per 40 contacts whose documents changed."""

    def setUp(self):
        super().setUp()
        self.today = fields.Date.context_today(self.env["res.partner"])

    def dated(self, move_type="out_invoice", days=0, due=30, **values):
        day = self.today + timedelta(days=days)
        return self.move(
            move_type,
            invoice_date=day,
            invoice_date_due=day + timedelta(days=due),
            **values,
        )

    def in_xero(self, partners, amount, day, due=30, kind="ACCREC", status="AUTHORISED", **fields):
        """An invoice made in Xero, not in Odoo, for each of ``partners``, of one line of
        ``amount`` (no tax); their IDs."""
        results = self.connection._client().save(
            "Invoices",
            [
                Invoice(
                    type=kind,
                    contact=Contact(contact_id=partner.xero_id),
                    date=day,
                    due_date=day + timedelta(days=due),
                    status=status,
                    line_amount_types=LineAmountTypes.NOTAX,
                    line_items=[
                        LineItem(
                            description="Made in Xero",
                            quantity=1,
                            unit_amount=amount,
                            account_code="200" if kind == "ACCREC" else "300",
                        )
                    ],
                    **fields,
                )
                for partner in partners
            ],
            str(uuid.uuid4()),
        )
        self.assertTrue(all(r.ok for r in results), [r.errors for r in results])
        return [str(r.data.invoice_id) for r in results]

    def void_in_xero(self, invoice_id):
        self.sandbox.edit(self.tenant["tenantId"], "Invoices", invoice_id, {"Status": "VOIDED"})

    def summary(self, partner):
        return tuple(partner[f] for f in FIGURES)

    def forget_requests(self):
        self.sandbox._call("DELETE", "/sandbox/requests")

    def balance_reads(self):
        """The summary's reads of contacts: by ID, or every contact a thousand a page (the
        contacts import asks for what changed, oldest change first, and no IDs)."""
        return [
            r
            for r in requests_log(self.sandbox)
            if r["method"] == "GET"
            and r["path"] == "/Contacts"
            and "order=UpdatedDateUTC" not in r["query"]
            and ("IDs=" in r["query"] or "pageSize=1000" in r["query"])
        ]

    def backfill_reads(self):
        """The first refresh's reads of documents: open invoices in summaries, this year's
        paid sales invoices in summaries, this year's sales credit notes."""
        return [
            r
            for r in requests_log(self.sandbox)
            if r["method"] == "GET"
            and r["path"] in ("/Invoices", "/CreditNotes")
            and ("summaryOnly=True" in r["query"] or "where=Type" in r["query"])
        ]

    def advance_clocks(self, days):
        """Move Xero's clock (the sandbox's) and Odoo's."""
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": days * 86400})
        now = fields.Datetime.now
        self.startPatcher(
            patch.object(fields.Datetime, "now", lambda *args: now() + timedelta(days=days))
        )

    # -- tests --------------------------------------------------------------------------------
    def test_the_summary_shows_what_xero_says_of_the_contact(self):
        customer, vendor = self.customer, self.vendor
        late, current, refund, bill = self.sent(
            self.dated(days=-20, due=15),  # 360.00, overdue
            self.dated(days=-2, due=25),  # 360.00, 100.00 paid in Xero
            self.dated(
                "out_refund", days=-1, lines=[{"name": "Refund", "quantity": 1, "price_unit": 50}]
            ),  # 60.00 of credit left
            self.dated("in_invoice", days=-10, due=5, ref="SUP-77"),  # 360.00 overdue
        )
        self.pay_in_xero(current, 100)
        [made_in_xero] = self.in_xero(customer, 200, self.today)
        self.in_xero(customer, 1000, self.today + timedelta(days=3), status="DRAFT")
        last_year = date(self.today.year - 1, 12, 15)
        self.in_xero(customer, 500, last_year)  # still due: overdue, but last year's sales
        self.forget_requests()
        self.run_import_cron()
        self.assertEqual(
            self.summary(customer),
            (1260, 860, 0, 0, self.today, 750),
            "owed: 360 + 260 + 200 + 500 - 60 of credit; overdue: 360 + 500; "
            "sales: 300 + 300 + 200 - 50, tax excluded",
        )
        self.assertEqual(self.summary(vendor), (0, 0, 360, 360, False, 0))
        self.assertTrue(customer.xero_summary_at)
        self.assertFalse(customer.xero_summary_pending)
        self.assertEqual(len(self.backfill_reads()), 3, "the first run's backfill: 3 calls")

        self.pay_in_xero(late, 360)
        self.void_in_xero(made_in_xero)
        self.forget_requests()
        self.run_import_cron()
        self.assertEqual(
            self.summary(customer),
            (700, 500, 0, 0, current.invoice_date, 550),
            "the voided invoice counts no more",
        )
        self.assertEqual(len(self.balance_reads()), 1, "one call for the touched contact")
        self.assertNotIn(vendor.xero_id, self.balance_reads()[0]["query"])
        self.assertEqual(self.backfill_reads(), [], "the backfill runs once")

        self.forget_requests()
        self.run_import_cron()
        self.assertEqual(self.balance_reads(), [], "nothing changed: no call")
        self.assertEqual(self.summary(customer), (700, 500, 0, 0, current.invoice_date, 550))
        self.assertEqual((refund.xero_status, bill.xero_status), ("AUTHORISED", "AUTHORISED"))

    def test_a_document_read_twice_counts_once(self):
        invoice = self.sent(self.dated())
        self.run_import_cron()
        self.assertEqual(self.customer.xero_sales_this_year, 300)
        page = self.connection._client().find("Invoices", None, i_ds=[invoice.xero_id])
        partners = self.env["res.partner"]
        for _i in range(2):
            partners._xero_note_documents(self.connection, "Invoices", page)
        self.assertEqual(
            self.env["xero.contact.document"].search_count(
                [("connection_id", "=", self.connection.id), ("xero_id", "=", invoice.xero_id)]
            ),
            1,
        )
        self.assertFalse(self.customer.xero_summary_pending, "nothing changed: nothing to read")
        self.forget_requests()
        self.run_import_cron()
        self.assertEqual(self.customer.xero_sales_this_year, 300)
        self.assertEqual(self.balance_reads(), [])

    def test_sales_in_another_currency_count_in_the_companys(self):
        self.sent(self.dated())
        # 100.00 euros at 1.25 euros to the pound: 80.00 pounds.
        self.in_xero(
            self.customer, 100, self.today, currency_code=CurrencyCode.EUR, currency_rate=1.25
        )
        self.run_import_cron()
        self.assertEqual(self.summary(self.customer)[:2], (440, 0))
        self.assertEqual(self.customer.xero_sales_this_year, 380)

    def test_an_invoice_that_falls_overdue_is_read_again(self):
        self.sent(self.dated(due=1))
        self.run_import_cron()
        self.assertEqual(self.summary(self.customer)[:2], (360, 0))
        self.advance_clocks(3)
        self.forget_requests()
        self.run_import_cron()
        self.assertEqual(self.summary(self.customer)[:2], (360, 360))
        self.assertEqual(len(self.balance_reads()), 1)
        self.forget_requests()
        self.run_import_cron()
        self.assertEqual(self.balance_reads(), [], "read once when it fell overdue")

    def test_one_call_per_forty_contacts_touched(self):
        customers = self.partners(45)
        customers.action_xero_sync()
        self.run_import_cron()
        self.assertTrue(all(customers.mapped("xero_summary_at")), "read by the contacts import")
        # Xero's index knows of thousands of contacts: reading them all would cost more.
        self.env["xero.index"]._keep(
            self.connection,
            "contact",
            [{"xero_id": str(uuid.uuid4()), "name": "Other %d" % i} for i in range(2000)],
        )
        self.in_xero(customers, 10, self.today)
        self.forget_requests()
        self.run_import_cron()
        reads = self.balance_reads()
        self.assertEqual(len(reads), 2, "45 contacts: ceil(45 / 40) calls")
        self.assertTrue(all("IDs=" in r["query"] for r in reads))
        self.assertEqual(set(customers.mapped("xero_receivable_outstanding")), {10})
        self.assertEqual(set(customers.mapped("xero_sales_this_year")), {10})

    def test_many_contacts_are_read_a_thousand_a_call_when_that_is_cheaper(self):
        customers = self.partners(45)
        customers.action_xero_sync()
        self.run_import_cron()
        self.in_xero(customers, 10, self.today)
        self.forget_requests()
        self.run_import_cron()
        reads = self.balance_reads()
        self.assertEqual(len(reads), 1, "the organisation's 47 contacts in one page, not 2 calls")
        self.assertNotIn("IDs=", reads[0]["query"])
        self.assertEqual(set(customers.mapped("xero_receivable_outstanding")), {10})

    def test_balances_stop_at_the_runs_share_of_time_as_every_import_does(self):
        """The balances ride the page loop of every import: a run that has used its share of
        the cron worker's time stops after a batch; the next run reads the rest."""
        customers = self.partners(45)
        customers.action_xero_sync()
        self.run_import_cron()
        self.env["xero.index"]._keep(
            self.connection,
            "contact",
            [{"xero_id": str(uuid.uuid4()), "name": "Other %d" % i} for i in range(2000)],
        )
        customers.write({"xero_summary_pending": True})
        self.forget_requests()
        late = {"cron_end_time": time.monotonic() - 1000}
        summaries = self.env["res.partner"].with_context(**late)
        summaries._xero_refresh_summaries(self.connection)
        self.assertEqual(len(self.balance_reads()), 1, "one batch, then the run stops")
        self.assertEqual(len(customers.filtered("xero_summary_pending")), 5)
        summaries._xero_refresh_summaries(self.connection)
        self.assertEqual(len(self.balance_reads()), 2)
        self.assertFalse(customers.filtered("xero_summary_pending"))

    def test_the_backfill_resumes_after_a_rate_limit(self):
        self.sent(self.dated())
        self.in_xero(self.customer, 200, self.today)
        self.sandbox.add_fault(
            kind="rate_limit", method="GET", path="/CreditNotes", skip=1, times=1, retry_after=60
        )
        self.forget_requests()
        self.run_import_cron()
        self.assertTrue(self.connection.rate_limited_until)
        self.connection.rate_limited_until = False  # Retry-After has passed
        self.run_import_cron()
        self.assertEqual(self.summary(self.customer)[:2], (560, 0))
        self.assertEqual(self.customer.xero_sales_this_year, 500)
        invoice_reads = [r for r in self.backfill_reads() if r["path"] == "/Invoices"]
        self.assertEqual(len(invoice_reads), 2, "the invoices' backfill is not read again")

    def test_a_new_year_starts_sales_again_without_a_call(self):
        self.sent(self.dated(due=90))
        self.run_import_cron()
        self.assertEqual(self.customer.xero_sales_this_year, 300)
        next_year = fields.Datetime.now().replace(year=self.today.year + 1, month=1, day=2)
        partner_class = type(self.env["res.partner"])
        with patch.object(partner_class, "_xero_summary_now", lambda model: next_year):
            self.forget_requests()
            self.env["res.partner"]._xero_refresh_summaries(self.connection)
        self.env.invalidate_all()
        self.assertEqual(self.customer.xero_sales_this_year, 0)
        self.assertEqual(self.customer.xero_last_invoice_date, self.today)
        self.assertEqual(self.balance_reads(), [])

    def test_a_contact_imported_from_xero_comes_with_its_balances(self):
        client = self.connection._client()
        [result] = client.save("Contacts", [Contact(name="Made in Xero Ltd")], str(uuid.uuid4()))
        made = self.env["res.partner"].new({"xero_id": str(result.data.contact_id)})
        self.in_xero(made, 80, self.today, due=-1)
        self.forget_requests()
        self.env["res.partner"]._xero_import_contacts(self.connection)
        self.env.invalidate_all()
        partner = self.env["res.partner"].search([("name", "=", "Made in Xero Ltd")])
        self.assertEqual(self.summary(partner)[:4], (80, 80, 0, 0))
        self.assertTrue(partner.xero_summary_at)
        self.assertEqual(self.balance_reads(), [], "the import's own read carries them")

    def test_another_organisation_forgets_the_summaries(self):
        self.sent(self.dated())
        self.run_import_cron()
        self.assertTrue(self.customer.xero_summary_at)
        self.env["res.partner"]._xero_forget_summaries(self.connection)
        self.env.invalidate_all()
        self.assertEqual(self.summary(self.customer), (0, 0, 0, 0, False, 0))
        self.assertFalse(self.customer.xero_summary_at)
        self.assertFalse(
            self.env["xero.contact.document"].search([("connection_id", "=", self.connection.id)])
        )

    def test_the_xero_tab_shows_the_summary(self):
        self.sent(self.dated())
        self.run_import_cron()
        arch = self.env["res.partner"].get_views([(False, "form")])["views"]["form"]["arch"]
        for field in FIGURES + ("xero_summary_at",):
            self.assertIn('name="%s"' % field, arch)
