# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from decimal import Decimal
from unittest.mock import patch

import requests

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_engine import requests_log
from .test_mapping import MappingCase


class DocumentCase(MappingCase):
    """A UK company whose accounts and taxes are mapped to the sandbox organisation's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The sandbox's UK organisation keeps its books in pounds.
        gbp = cls.env.ref("base.GBP")
        gbp.active = True
        cls.env.company.currency_id = gbp

    def setUp(self):
        super().setUp()
        self.open_wizard()
        self.map_accounts()
        self.sale_tax = self.mapped_tax("VAT 20% (sales)", 20, "sale", "OUTPUT2")
        self.purchase_tax = self.mapped_tax("VAT 20% (purchases)", 20, "purchase", "INPUT2")
        self.sale_tax_included = self.mapped_tax(
            "VAT 20% incl. (sales)", 20, "sale", "OUTPUT2", price_include_override="tax_included"
        )
        self.reduced_tax = self.mapped_tax("VAT 5% (sales)", 5, "sale", "RROUTPUT")
        self.customer = self.partners(1, name="Cent Customer Ltd")
        self.vendor = self.partners(1, name="Cent Supplies Ltd")

    def mapped_tax(self, name, amount, use, tax_type, **values):
        tax = self.tax(name, amount, use)
        tax.write(dict(values, xero_tax_rate_id=self.xero_rate(tax_type).id))
        return tax

    def move(self, move_type="out_invoice", lines=None, partner=None, **values):
        sales = move_type.startswith("out_")
        partner = partner or (self.customer if sales else self.vendor)
        tax = self.sale_tax if sales else self.purchase_tax
        lines = lines or [{"name": "Consulting", "quantity": 3, "price_unit": 100.0}]
        return self.env["account.move"].create(
            dict(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": "2026-11-20",
                    "invoice_line_ids": [
                        (0, 0, dict({"tax_ids": [(6, 0, tax.ids)]}, **line)) for line in lines
                    ],
                },
                **values,
            )
        )

    def pay_in_xero(self, invoice, amount):
        self.sandbox._call(
            "POST",
            "/sandbox/tenants/%s/Invoices/%s/pay" % (self.tenant["tenantId"], invoice.xero_id),
            json={"amount": amount},
        )

    def held(self, endpoint="Invoices"):
        return self.sandbox.held(self.tenant["tenantId"], endpoint)

    def held_for(self, move):
        endpoint, id_field = (
            ("Invoices", "InvoiceID")
            if move.move_type in ("out_invoice", "in_invoice")
            else ("CreditNotes", "CreditNoteID")
        )
        found = [d for d in self.held(endpoint) if d[id_field] == move.xero_id]
        self.assertEqual(len(found), 1, "Xero holds %s once" % move.name)
        return found[0]

    def assertSameTotals(self, move):
        document = self.held_for(move)
        self.assertEqual(
            tuple(Decimal(str(document[k])) for k in ("SubTotal", "TotalTax", "Total")),
            tuple(
                Decimal("%.2f" % v)
                for v in (move.amount_untaxed, move.amount_tax, move.amount_total)
            ),
            move.name,
        )


@tagged("post_install", "-at_install")
class TestMoveSync(DocumentCase):
    def test_each_kind_goes_where_it_belongs(self):
        moves = (
            self.move("out_invoice")
            | self.move("in_invoice", ref="SUP-0042")
            | self.move("out_refund")
            | self.move("in_refund", ref="SUP-CN-7")
        )
        moves.action_post()
        moves.action_xero_sync()
        self.assertEqual(
            set(moves.mapped("xero_state")), {"synced"}, set(moves.mapped("xero_error"))
        )
        invoice, bill, refund, vendor_refund = moves
        self.assertEqual(
            [self.held_for(m)["Type"] for m in moves],
            ["ACCREC", "ACCPAY", "ACCRECCREDIT", "ACCPAYCREDIT"],
        )
        self.assertEqual(self.held_for(invoice)["InvoiceNumber"], invoice.name)
        # A bill's number in Xero is its vendor's reference (Xero drops a bill's Reference).
        self.assertEqual(self.held_for(bill)["InvoiceNumber"], "SUP-0042")
        self.assertEqual(self.held_for(refund)["CreditNoteNumber"], refund.name)
        self.assertEqual(self.held_for(vendor_refund)["CreditNoteNumber"], "SUP-CN-7")
        self.assertEqual(self.held_for(refund)["DueDate"], str(refund.invoice_date_due))
        for move in moves:
            self.assertSameTotals(move)
            self.assertEqual(self.held_for(move)["Status"], "DRAFT")
            self.assertEqual(move.xero_status, "DRAFT")
            self.assertIn("Sent to Xero", move.message_ids[:1].body)
        self.assertEqual(invoice.xero_number, invoice.name)
        contacts = {c["Name"] for c in self.held_contacts()}
        self.assertEqual(contacts, {"Cent Customer Ltd", "Cent Supplies Ltd"})

    def test_drafts_cancelled_and_journal_entries_are_not_sent(self):
        draft = self.move()
        with self.assertRaisesRegex(UserError, "is a draft: post it"):
            draft.action_xero_sync()
        cancelled = self.move()
        cancelled.button_cancel()
        with self.assertRaisesRegex(UserError, "is cancelled"):
            cancelled.action_xero_sync()
        entry = self.env["account.move"].create({"move_type": "entry"})
        with self.assertRaisesRegex(UserError, "Only invoices, bills and credit notes"):
            entry.action_xero_sync()
        self.assertFalse(self.held())

    def test_posting_sends_automatically_where_the_company_says_so(self):
        self.connection.write({"send_out_invoice": "on_post", "status_out_invoice": "AUTHORISED"})
        automatic = self.move("out_invoice")
        by_hand = self.move("in_invoice", ref="B-1")
        (automatic | by_hand).action_post()
        self.assertEqual(automatic.xero_state, "pending")
        self.assertEqual(by_hand.xero_state, "not_synced")
        self.run_push_cron()
        self.assertEqual(automatic.xero_state, "synced", automatic.xero_error)
        self.assertEqual(self.held_for(automatic)["Status"], "AUTHORISED")
        self.assertEqual(by_hand.xero_state, "not_synced")
        self.assertEqual(len(self.held()), 1)

    def test_a_document_changed_after_sending_updates_the_same_xero_document(self):
        invoice = self.move()
        invoice.action_post()
        invoice.action_xero_sync()
        first_id = invoice.xero_id
        invoice.button_draft()
        invoice.invoice_line_ids[0].price_unit = 120.0
        invoice.action_post()
        self.assertEqual(invoice.xero_state, "pending")
        self.run_push_cron()
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)
        self.assertEqual(invoice.xero_id, first_id)
        self.assertEqual(len(self.held()), 1)
        self.assertEqual(self.held_for(invoice)["Total"], 432.0)
        self.assertSameTotals(invoice)

    def test_a_sales_invoice_xero_already_numbers_is_refused_not_overwritten(self):
        from xero_python.accounting import Contact, Invoice, LineItem

        self.customer.action_xero_sync()
        invoice, changed = self.move(), self.move()
        (invoice | changed).action_post()
        changed.action_xero_sync()
        changed.button_draft()
        changed.invoice_line_ids[0].quantity = 5
        changed.action_post()
        migrated = Invoice(
            type="ACCREC",
            contact=Contact(contact_id=self.customer.xero_id),
            invoice_number=invoice.name,
            line_items=[
                LineItem(description="Migrated", quantity=1, unit_amount=7, account_code="200")
            ],
        )
        [existing] = self.connection._client().save("Invoices", [migrated], "migration")
        [before] = [d for d in self.held() if d["InvoiceID"] == existing.data.invoice_id]
        (invoice | changed).action_xero_sync()
        self.assertEqual(invoice.xero_state, "error")
        self.assertIn("must be unique", invoice.xero_error)
        [after] = [d for d in self.held() if d["InvoiceID"] == existing.data.invoice_id]
        self.assertEqual(after, before)
        self.assertEqual(changed.xero_state, "synced", changed.xero_error)
        self.assertEqual(self.held_for(changed)["Total"], 600.0)

    def test_a_paid_document_is_not_overwritten(self):
        self.connection.status_out_invoice = "AUTHORISED"
        invoice = self.move()
        invoice.action_post()
        invoice.action_xero_sync()
        self.pay_in_xero(invoice, 100.0)
        invoice.button_draft()
        invoice.invoice_line_ids[0].price_unit = 120.0
        invoice.action_post()
        self.run_push_cron()
        self.assertEqual(invoice.xero_state, "error")
        self.assertIn("payment", invoice.xero_error)
        self.assertEqual(self.held_for(invoice)["Total"], 360.0)

    def test_cancelling_deletes_a_draft_and_voids_an_approved_document(self):
        self.connection.status_in_invoice = "AUTHORISED"
        draft = self.move("out_invoice")
        approved = self.move("in_invoice", ref="V-9")
        (draft | approved).action_post()
        (draft | approved).action_xero_sync()
        (draft | approved).button_cancel()
        self.assertEqual(set((draft | approved).mapped("xero_state")), {"pending"})
        self.run_push_cron()
        self.assertEqual(self.held_for(draft)["Status"], "DELETED")
        self.assertEqual(self.held_for(approved)["Status"], "VOIDED")
        self.assertEqual((draft | approved).mapped("xero_status"), ["DELETED", "VOIDED"])
        self.assertEqual(set((draft | approved).mapped("xero_state")), {"synced"})

    def test_cancelling_a_draft_approved_in_xero_since_voids_it(self):
        invoice = self.move()
        invoice.action_post()
        invoice.action_xero_sync()
        self.sandbox.edit(
            self.tenant["tenantId"], "Invoices", invoice.xero_id, {"Status": "AUTHORISED"}
        )
        invoice.button_cancel()
        self.run_push_cron()
        self.run_push_cron()
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)
        self.assertEqual(self.held_for(invoice)["Status"], "VOIDED")

    def test_cancelling_a_document_never_sent_leaves_nothing_pending(self):
        invoice = self.move()
        invoice.action_post()
        invoice._xero_request_send()
        invoice.button_cancel()
        self.assertEqual(invoice.xero_state, "not_synced")
        self.run_push_cron()
        self.assertFalse(self.held())

    def test_cancelling_a_paid_document_leaves_a_clear_error(self):
        self.connection.status_out_invoice = "AUTHORISED"
        invoice = self.move()
        invoice.action_post()
        invoice.action_xero_sync()
        self.pay_in_xero(invoice, 50.0)
        invoice.button_cancel()
        self.run_push_cron()
        self.assertEqual(invoice.xero_state, "error")
        self.assertIn("payment", invoice.xero_error)
        self.assertEqual(self.held_for(invoice)["Status"], "AUTHORISED")

    def test_one_document_in_error_does_not_hold_back_the_others(self):
        unmapped = self.tax("Unmapped 7%", 7, "sale")
        good = self.move()
        bad = self.move(
            lines=[
                {
                    "name": "Odd",
                    "quantity": 1,
                    "price_unit": 10.0,
                    "tax_ids": [(6, 0, unmapped.ids)],
                }
            ]
        )
        (good | bad).action_post()
        (good | bad).action_xero_sync()
        self.assertEqual(good.xero_state, "synced")
        self.assertEqual(bad.xero_state, "error")
        self.assertIn("Unmapped 7%", bad.xero_error)
        self.assertIn("Settings › Xero", bad.xero_error)
        self.assertIn("Line 1", bad.xero_error)
        self.assertEqual(len(self.held()), 1)

    def test_tracking_comes_from_the_analytic_distribution(self):
        plans = self.env["account.analytic.plan"]
        region, department = plans.create({"name": "Region"}), plans.create({"name": "Department"})
        analytic = self.env["account.analytic.account"]
        north = analytic.create({"name": "North", "plan_id": region.id})
        south = analytic.create({"name": "South", "plan_id": region.id})
        sales = analytic.create({"name": "Sales", "plan_id": department.id})
        self.open_wizard()
        tracked = self.move(
            lines=[
                {
                    "name": "Both",
                    "quantity": 1,
                    "price_unit": 10.0,
                    "analytic_distribution": {"%d,%d" % (north.id, sales.id): 100},
                },
                {
                    "name": "Region only",
                    "quantity": 1,
                    "price_unit": 5.0,
                    "analytic_distribution": {str(south.id): 100},
                },
            ]
        )
        split = self.move(
            lines=[
                {
                    "name": "Half and half",
                    "quantity": 1,
                    "price_unit": 10.0,
                    "analytic_distribution": {str(north.id): 50, str(south.id): 50},
                },
            ]
        )
        (tracked | split).action_post()
        (tracked | split).action_xero_sync()
        self.assertEqual(tracked.xero_state, "synced", tracked.xero_error)
        lines = self.held_for(tracked)["LineItems"]
        self.assertEqual(
            sorted((t["Name"], t["Option"]) for t in lines[0]["Tracking"]),
            [("Department", "Sales"), ("Region", "North")],
        )
        self.assertEqual(
            [(t["Name"], t["Option"]) for t in lines[1]["Tracking"]], [("Region", "South")]
        )
        self.assertEqual(split.xero_state, "error")
        self.assertIn("Line 1 (Half and half)", split.xero_error)
        self.assertIn("split the line", split.xero_error)

    def test_section_and_note_lines_go_as_description_lines(self):
        invoice = self.move(
            lines=[
                {"display_type": "line_section", "name": "Phase one"},
                {"name": "Design", "quantity": 2, "price_unit": 50.0},
                {"display_type": "line_note", "name": "Delivered on site"},
            ]
        )
        self.connection.status_out_invoice = "AUTHORISED"
        invoice.action_post()
        invoice.action_xero_sync()
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)
        lines = self.held_for(invoice)["LineItems"]
        self.assertEqual(
            [line["Description"] for line in lines], ["Phase one", "Design", "Delivered on site"]
        )
        self.assertEqual([line["LineAmount"] for line in lines], [0, 100.0, 0])
        self.assertSameTotals(invoice)

    def test_a_foreign_currency_document_carries_odoos_rate(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "name": "2026-11-01",
                "rate": 1.1734,
                "company_id": self.env.company.id,
            }
        )
        invoice = self.move(currency_id=eur.id)
        invoice.action_post()
        invoice.action_xero_sync()
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)
        held = self.held_for(invoice)
        self.assertEqual(held["CurrencyCode"], "EUR")
        self.assertAlmostEqual(float(held["CurrencyRate"]), 1.1734, places=4)
        self.assertSameTotals(invoice)

    def test_a_document_xero_holds_is_cancelled_not_deleted(self):
        invoice = self.move()
        invoice.action_post()
        invoice.action_xero_sync()
        invoice.button_draft()
        with self.assertRaisesRegex(UserError, "are in Xero, or may be"):
            invoice.unlink()

    def test_a_bill_without_vendor_reference_takes_odoos_number(self):
        bill = self.move("in_invoice")
        bill.action_post()
        bill.action_xero_sync()
        self.assertEqual(self.held_for(bill)["InvoiceNumber"], bill.name)

    def test_the_same_vendor_reference_twice_is_refused_as_a_double_entry(self):
        first, second = self.move("in_invoice", ref="DUP-1"), self.move("in_invoice", ref="DUP-1")
        (first | second).action_post()
        (first | second).action_xero_sync()
        self.assertEqual(first.xero_state, "synced")
        self.assertEqual(second.xero_state, "error")
        self.assertIn(first.display_name, second.xero_error)
        self.assertIn("entered twice", second.xero_error)

    def test_taxes_xero_cannot_compute_alike_are_named(self):
        zero_included = self.mapped_tax(
            "0% incl.", 0, "sale", "ZERORATEDOUTPUT", price_include_override="tax_included"
        )
        mixed_with_zero = self.move(
            lines=[
                {"name": "Taxed", "quantity": 1, "price_unit": 10.0},
                {
                    "name": "Zero",
                    "quantity": 1,
                    "price_unit": 4.0,
                    "tax_ids": [(6, 0, zero_included.ids)],
                },
            ]
        )
        wrong_rate = self.mapped_tax("VAT 20% wrongly mapped", 20, "sale", "RROUTPUT")
        misdirected = self.move(
            lines=[
                {
                    "name": "Mapped to 5%",
                    "quantity": 1,
                    "price_unit": 10.0,
                    "tax_ids": [(6, 0, wrong_rate.ids)],
                }
            ]
        )
        (mixed_with_zero | misdirected).action_post()
        (mixed_with_zero | misdirected).action_xero_sync()
        self.assertEqual(mixed_with_zero.xero_state, "synced", mixed_with_zero.xero_error)
        self.assertSameTotals(mixed_with_zero)
        self.assertEqual(misdirected.xero_state, "error")
        self.assertIn("Line 1 (Mapped to 5%)", misdirected.xero_error)
        self.assertIn("VAT 20% wrongly mapped", misdirected.xero_error)
        self.assertIn("Settings › Xero", misdirected.xero_error)

    def test_new_contacts_and_products_go_first_in_batches(self):
        customers = self.env["res.partner"].create(
            [{"name": "Batch Customer %d" % i, "is_company": True} for i in range(3)]
        )
        products = self.env["product.product"].create(
            [
                {
                    "name": "Gadget %d" % i,
                    "default_code": "GAD-%d" % i,
                    "taxes_id": False,
                    "supplier_taxes_id": False,
                }
                for i in range(4)
            ]
        )
        invoices = self.env["account.move"]
        for i, customer in enumerate(customers):
            invoices |= self.move(
                partner=customer,
                lines=[
                    {"product_id": products[i].id, "quantity": 2, "price_unit": 10.0},
                    {"product_id": products[3].id, "quantity": 1, "price_unit": 4.0},
                ],
            )
        invoices.action_post()
        self.sandbox._call("DELETE", "/sandbox/requests")
        invoices.action_xero_sync()
        self.assertEqual(
            set(invoices.mapped("xero_state")), {"synced"}, invoices.mapped("xero_error")
        )
        writes = [r["path"] for r in requests_log(self.sandbox) if r["method"] in ("POST", "PUT")]
        self.assertEqual(writes[:3], ["/Contacts", "/Items", "/Invoices"])
        self.assertEqual(writes.count("/Contacts"), 1)
        self.assertEqual(writes.count("/Items"), 1)
        self.assertEqual(
            [line["ItemCode"] for line in self.held_for(invoices[0])["LineItems"]],
            ["GAD-0", "GAD-3"],
        )
        self.assertEqual(set(products.mapped("xero_state")), {"synced"})

    def test_a_document_xero_refuses_keeps_xeros_reason_and_the_others_go(self):
        product = self.env["product.product"].create(
            {
                "name": "Gone",
                "default_code": "GONE-1",
                "taxes_id": False,
                "supplier_taxes_id": False,
            }
        )
        product.action_xero_sync()
        client = self.connection._client()
        client.accounting.delete_item(self.tenant["tenantId"], product.xero_id)
        good = self.move()
        refused = self.move(lines=[{"product_id": product.id, "quantity": 1, "price_unit": 5.0}])
        (good | refused).action_post()
        (good | refused).action_xero_sync()
        self.assertEqual(good.xero_state, "synced")
        self.assertEqual(refused.xero_state, "error")
        self.assertIn("Xero refused", refused.xero_error)
        self.assertIn("GONE-1", refused.xero_error)
        self.assertEqual([d["InvoiceID"] for d in self.held()], [good.xero_id])

    def attach_files(self, move, count):
        return self.env["ir.attachment"].create(
            [
                {
                    "name": "receipt-%02d.txt" % i,
                    "raw": b"receipt %d" % i,
                    "res_model": "account.move",
                    "res_id": move.id,
                }
                for i in range(count)
            ]
        )

    def uploads(self):
        return [
            r["path"].rsplit("/", 1)[-1]
            for r in requests_log(self.sandbox)
            if r["method"] in ("PUT", "POST") and "/Attachments/" in r["path"]
        ]

    def test_the_trail_the_pdf_and_the_files_go_once(self):
        # Odoo's PDF and the history notes, asked for.
        self.connection.write({"send_odoo_pdf": True, "send_history_notes": True})
        invoice = self.move()
        self.attach_files(invoice, 2)
        invoice.action_post()
        self.sandbox._call("DELETE", "/sandbox/requests")
        invoice.action_xero_sync()
        self.assertFalse(invoice.xero_followup_pending)
        pdf_name = invoice._get_invoice_report_filename()
        self.assertEqual(
            sorted(self.uploads()), sorted([pdf_name, "receipt-00.txt", "receipt-01.txt"])
        )
        client = self.connection._client()
        history = client.accounting.get_invoice_history(self.tenant["tenantId"], invoice.xero_id)
        notes = [r.details for r in history.history_records if r.changes == "Note"]
        self.assertEqual(len(notes), 1)
        self.assertIn(invoice.name, notes[0])
        self.assertIn(self.env.user.name, notes[0])
        # Sent again after a change: a new PDF, one more note, the files not again.
        self.sandbox._call("DELETE", "/sandbox/requests")
        invoice.button_draft()
        invoice.invoice_line_ids[0].quantity = 4
        invoice.action_post()
        invoice.action_xero_sync()
        self.assertEqual(self.uploads(), [pdf_name])
        attachments = client.accounting.get_invoice_attachments(
            self.tenant["tenantId"], invoice.xero_id
        ).attachments
        self.assertEqual(len(attachments), 3)
        # Pressed again with nothing changed: nothing is uploaded.
        self.sandbox._call("DELETE", "/sandbox/requests")
        invoice.action_xero_sync()
        self.assertEqual(self.uploads(), [])

    def test_files_beyond_xeros_ten_stay_in_odoo_with_a_warning(self):
        self.connection.send_odoo_pdf = True  # Odoo's PDF, asked for
        invoice = self.move()
        self.attach_files(invoice, 11)
        invoice.action_post()
        self.sandbox._call("DELETE", "/sandbox/requests")
        invoice.action_xero_sync()
        self.assertEqual(len(self.uploads()), 10)
        self.assertIn("receipt-09.txt, receipt-10.txt", invoice.xero_warning)

    def test_a_pdf_that_cannot_be_rendered_is_a_warning_not_a_lost_send(self):
        self.connection.send_odoo_pdf = True  # Odoo's PDF, asked for
        invoice = self.move()
        invoice.action_post()
        # Odoo has its PDF engine, and still cannot render the report (no engine at all is
        # test_followups_without_pdf_engine's).
        with (
            patch.object(
                type(self.env["ir.actions.report"]), "get_wkhtmltopdf_state", return_value="ok"
            ),
            patch.object(
                type(self.env["account.move"]),
                "_xero_pdf",
                side_effect=UserError("The report cannot be rendered"),
            ),
        ):
            invoice.action_xero_sync()
        self.assertEqual(invoice.xero_state, "synced")
        self.assertTrue(invoice.xero_id)
        self.assertIn("The report cannot be rendered", invoice.xero_warning)
        self.assertFalse(invoice.xero_followup_pending)

    def test_an_organisation_lost_during_the_files_keeps_them_for_later(self):
        self.connection.send_odoo_pdf = True  # Odoo's PDF, asked for
        invoice = self.move()
        invoice.action_post()
        self.sandbox.add_fault(kind="error", status=403, path=".*/Attachments/.*", times=1)
        invoice.action_xero_sync()
        self.assertEqual(invoice.xero_state, "synced")
        self.assertFalse(invoice.xero_warning)
        self.assertTrue(invoice.xero_followup_pending)

    def test_the_trail_and_files_can_be_turned_off(self):
        self.connection.write({"send_history_notes": False, "send_attachments": False})
        invoice = self.move()
        self.attach_files(invoice, 1)
        invoice.action_post()
        self.sandbox._call("DELETE", "/sandbox/requests")
        invoice.action_xero_sync()
        paths = [r["path"] for r in requests_log(self.sandbox)]
        self.assertIn("/Invoices", paths)
        self.assertFalse([p for p in paths if "/Attachments" in p or "/History" in p])

    def test_the_preview_shows_what_would_be_sent_without_calling_xero(self):
        invoice = self.move(
            lines=[
                {"name": "Discounted", "quantity": 3, "price_unit": 9.99, "discount": 12.5},
                {"display_type": "line_note", "name": "Thank you"},
            ]
        )
        self.sandbox._call("DELETE", "/sandbox/requests")
        action = invoice.action_xero_preview()
        preview = self.env[action["res_model"]].browse(action["res_id"])
        self.assertFalse(preview.error)
        for expected in (
            "ACCREC",
            "Cent Customer Ltd",
            "200",
            "OUTPUT2",
            "Discounted",
            "12.5",
            "Thank you",
            "26.22",
            "5.24",
            "31.46",
        ):
            self.assertIn(expected, preview.preview)
        unmapped = self.tax("Unmapped 3%", 3, "sale")
        invoice.invoice_line_ids[0].tax_ids = unmapped
        preview = self.env[action["res_model"]].create(
            {"res_model": "account.move", "res_id": invoice.id}
        )
        self.assertIn("Unmapped 3%", preview.error)
        self.assertIn("Line 1", preview.error)
        self.assertEqual(requests_log(self.sandbox), [])


@tagged("post_install", "-at_install")
class TestMoveNeverTwice(DocumentCase):
    """A write whose answer never came is found in Xero before anything is created again."""

    def kinds(self, count=1):
        """``count`` posted moves of each kind, by kind."""
        kinds = {}
        for kind in ("out_invoice", "in_invoice", "out_refund", "in_refund"):
            kinds[kind] = self.env["account.move"]
            for i in range(count):
                ref = {} if kind.startswith("out_") else {"ref": "SUP-%s-%d" % (kind, i)}
                kinds[kind] |= self.move(kind, **ref)
            kinds[kind].action_post()
        return kinds

    def send_with_answers_lost(self, kinds):
        """Each kind's batch is written in Xero and its answer lost."""
        for kind, moves in kinds.items():
            path = "/Invoices" if kind.endswith("invoice") else "/CreditNotes"
            self.sandbox.add_fault(kind="drop_after_write", method="PUT", path=path, times=1)
            moves.action_xero_sync()
            self.assertEqual(set(moves.mapped("xero_state")), {"pending"})
            self.assertFalse(any(moves.mapped("xero_id")))
        all_moves = self.env["account.move"].union(*kinds.values())
        self.assertEqual(len(self.held("Invoices") + self.held("CreditNotes")), len(all_moves))
        return all_moves

    def assertOnceEach(self, moves):
        self.assertEqual(
            set(moves.mapped("xero_state")), {"synced"}, set(moves.mapped("xero_error"))
        )
        held = self.held("Invoices") + self.held("CreditNotes")
        self.assertEqual(len(held), len(moves))
        for move in moves:
            self.held_for(move)

    def test_a_retry_within_the_key_lifetime(self):
        moves = self.send_with_answers_lost(self.kinds())
        self.run_push_cron()
        self.assertOnceEach(moves)

    def test_a_retry_of_whole_batches_after_xero_forgot_the_key(self):
        moves = self.send_with_answers_lost(self.kinds(count=30))
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.run_push_cron()
        self.assertOnceEach(moves)
        lookups = [
            r
            for r in requests_log(self.sandbox)
            if r["method"] == "GET" and "where" in (r.get("query") or "") and r["status"] == 200
        ]
        # 30 of each kind, 25 numbers per lookup: two lookups per kind.
        self.assertEqual(len(lookups), 8)

    def test_a_crash_after_the_write_leaves_no_trace_but_the_claim(self):
        moves = self.send_with_answers_lost(self.kinds())
        # As if Odoo had crashed: nothing of the lost batches is left but the claims.
        moves._xero_write({"xero_lost_batch": False, "xero_error": False})
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})
        self.run_push_cron()
        self.assertOnceEach(moves)

    def test_cancelled_after_a_lost_answer_is_removed_from_xero(self):
        kinds = self.kinds()
        moves = self.send_with_answers_lost(kinds)
        moves.button_cancel()
        self.assertEqual(set(moves.mapped("xero_state")), {"pending"})
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})
        self.run_push_cron()
        self.assertEqual(
            set(moves.mapped("xero_state")), {"synced"}, set(moves.mapped("xero_error"))
        )
        self.assertEqual({self.held_for(m)["Status"] for m in moves}, {"DELETED"})

    def test_a_document_whose_answer_was_lost_cannot_be_deleted(self):
        moves = self.send_with_answers_lost({"out_invoice": self.kinds()["out_invoice"]})
        moves.button_draft()
        with self.assertRaisesRegex(UserError, "or may be"):
            moves.unlink()

    def test_renamed_after_a_lost_answer_it_is_found_by_its_first_number(self):
        bills = self.send_with_answers_lost({"in_invoice": self.kinds()["in_invoice"]})
        bills.button_draft()
        bills.ref = "SUP-RENAMED"
        bills.action_post()
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})
        self.run_push_cron()
        self.assertOnceEach(bills)
        self.assertEqual(self.held_for(bills)["InvoiceNumber"], "SUP-RENAMED")


class TwoCompaniesCase(DocumentCase):
    """A UK company and an Australian one, each connected to its own organisation."""

    def setUp(self):
        super().setUp()
        aud = self.env.ref("base.AUD")
        aud.active = True
        self.company_au = self.env["res.company"].create(
            {"name": "Aussie Pty", "currency_id": aud.id, "country_id": self.env.ref("base.au").id}
        )
        self.env["account.chart.template"].try_loading("generic_coa", company=self.company_au)
        self.company_au.currency_id = aud  # the chart brings its own
        self.env.ref("base.user_admin").company_ids |= self.company_au
        self.env.user.company_ids |= self.company_au
        uk_connection, uk_tenant = self.connection, self.tenant
        au_env = self.env["res.partner"].with_company(self.company_au).env
        self.connection = self._sandbox_connection(au_env)
        self.tenant = self.sandbox.tenant("AU")
        self.connect()
        self.au_connection, self.au_tenant = self.connection, self.tenant
        self.open_wizard()
        self.map_accounts_of(self.au_connection, self.company_au)
        self.au_tax = self.env["account.tax"].create(
            {
                "name": "GST 10%",
                "amount": 10,
                "type_tax_use": "sale",
                "company_id": self.company_au.id,
                "xero_tax_rate_id": self.xero_rate("OUTPUT").id,
            }
        )
        self.connection, self.tenant = uk_connection, uk_tenant

    def map_accounts_of(self, connection, company):
        accounts = self.env["xero.account"].search([("connection_id", "=", connection.id)])
        sales = accounts.filtered(lambda a: a.code == "200")
        product_accounts = (
            self.env["product.template"].with_company(company)._get_product_accounts()
        )
        product_accounts["income"].with_company(company).xero_account_id = sales
        connection.write({"xero_sales_account_id": sales.id})


@tagged("post_install", "-at_install")
class TestMoveTwoCompanies(TwoCompaniesCase):
    """Each company's documents reach its own organisation."""

    def test_each_company_sends_to_its_organisation(self):
        uk_invoice = self.move()
        au_invoice = (
            self.env["account.move"]
            .with_company(self.company_au)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": self.company_au.id,
                    "partner_id": self.customer.id,
                    "invoice_date": "2026-11-20",
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "GST job",
                                "quantity": 2,
                                "price_unit": 55.0,
                                "tax_ids": [(6, 0, self.au_tax.ids)],
                            },
                        ),
                        (
                            0,
                            0,
                            {
                                "name": "Untaxed fee",
                                "quantity": 1,
                                "price_unit": 7.5,
                                "tax_ids": [(5, 0, 0)],
                            },
                        ),
                    ],
                }
            )
        )
        (uk_invoice | au_invoice).action_post()
        (uk_invoice | au_invoice).action_xero_sync()
        self.assertEqual(
            (uk_invoice | au_invoice).mapped("xero_state"),
            ["synced", "synced"],
            (uk_invoice | au_invoice).mapped("xero_error"),
        )
        au_held = self.sandbox.held(self.au_tenant["tenantId"], "Invoices")
        self.assertEqual([d["InvoiceID"] for d in au_held], [au_invoice.xero_id])
        self.assertEqual(au_held[0]["Total"], 128.5)
        self.assertEqual(au_held[0]["LineItems"][1]["TaxType"], "BASEXCLUDED")
        self.assertEqual([d["InvoiceID"] for d in self.held()], [uk_invoice.xero_id])
        # The customer is a contact in both organisations, with a link per company.
        self.assertEqual(len(self.sandbox.held(self.au_tenant["tenantId"], "Contacts")), 1)
        self.assertNotEqual(
            self.customer.with_company(self.company_au).xero_id,
            self.customer.with_company(self.env.company).xero_id,
        )


@tagged("post_install", "-at_install")
class TestMoveCosts(DocumentCase):
    def queries_to_send(self, count, lines):
        """SQL queries to send ``count`` posted invoices of ``lines`` lines, their contact
        already in Xero, with no history note or files (calls of their own)."""
        self.connection.write({"send_history_notes": False, "send_attachments": False})
        moves = self.env["account.move"]
        for i in range(count):
            moves |= self.move(
                lines=[
                    {"name": "Line %d" % j, "quantity": j + 1, "price_unit": 9.99 + i}
                    for j in range(lines)
                ]
            )
        moves.action_post()
        self.customer.action_xero_sync()
        moves._xero_write({"xero_state": "pending"})
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        moves._xero_send_all(self.connection)
        self.env.flush_all()
        self.assertEqual(set(moves.mapped("xero_state")), {"synced"}, moves.mapped("xero_error"))
        return self.env.cr.sql_log_count - before

    def test_sql_queries_per_batch_grow_with_neither_documents_nor_lines(self):
        counts = {
            (count, lines): self.queries_to_send(count, lines)
            for count, lines in ((10, 1), (50, 1), (10, 5))
        }
        logging.getLogger(__name__).info("SQL queries per batch of documents: %s", counts)
        self.assertLessEqual(counts[(50, 1)], counts[(10, 1)] + 5, counts)
        self.assertLessEqual(counts[(10, 5)], counts[(10, 1)] + 5, counts)


@tagged("post_install", "-at_install")
class TestMoveLostAnswers(DocumentCase):
    """Documents whose answer was lost, then cancelled, reposted, corrected or looked up."""

    def lose(self, moves, path="/Invoices"):
        # Documents new to Xero are created with PUT.
        self.sandbox.add_fault(kind="drop_after_write", method="PUT", path=path, times=1)
        moves.action_xero_sync()
        self.assertEqual(set(moves.mapped("xero_state")), {"pending"})
        self.assertFalse(any(moves.mapped("xero_id")))

    def forget_key(self):
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})

    def test_cancelled_then_posted_again_after_a_lost_answer_stays_in_xero(self):
        """Lost answer; cancel; reset to draft; post again (send by hand)."""
        invoice = self.move()
        invoice.action_post()
        self.lose(invoice)
        invoice.button_cancel()
        self.assertEqual(invoice.xero_operation, "remove")
        invoice.button_draft()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.forget_key()
        self.run_push_cron()
        self.assertNotEqual(
            [d["Status"] for d in self.held()],
            ["DELETED"],
            "a posted invoice's Xero document deleted: Odoo %s/%s/%s %r"
            % (
                invoice.xero_state,
                invoice.xero_operation,
                invoice.xero_status,
                invoice.xero_error,
            ),
        )

    def test_a_refused_lookup_keeps_the_claim_and_a_retry_finds_it(self):
        bill = self.move("in_invoice", ref="SUP-LOOKUP")
        other = self.move("in_invoice", ref="SUP-OTHER")
        bill.action_post()
        other.action_post()
        self.lose(bill)
        # As after a crash: only the claim says the write may have happened.
        bill._xero_write({"xero_lost_batch": False})
        self.forget_key()
        # Xero refuses the lookup (e.g. a QueryParseException on the where filter).
        self.sandbox.add_fault(kind="error", status=400, method="GET", path="/Invoices", times=1)
        (bill | other).action_xero_sync()
        refused = (bill.xero_state, bill.xero_error, other.xero_state, other.xero_error)
        self.forget_key()
        (bill | other).filtered(lambda m: m.xero_state == "error").action_xero_sync()
        numbers = sorted(d["InvoiceNumber"] for d in self.held())
        self.assertEqual(
            numbers,
            ["SUP-LOOKUP", "SUP-OTHER"],
            "after the refused lookup: %r" % (refused,),
        )

    def test_a_refused_lookup_does_not_hold_back_the_others(self):
        bill = self.move("in_invoice", ref="SUP-LOOKUP")
        other = self.move("in_invoice", ref="SUP-OTHER")
        (bill | other).action_post()
        self.lose(bill)
        bill._xero_write({"xero_lost_batch": False})
        self.sandbox.add_fault(kind="error", status=400, method="GET", path="/Invoices", times=1)
        (bill | other).action_xero_sync()
        self.assertEqual(other.xero_state, "synced", other.xero_error)

    def test_the_bookkeepers_bill_of_the_same_number_is_not_taken(self):
        from datetime import date

        from xero_python.accounting import Contact, Invoice, LineItem

        self.vendor.action_xero_sync()
        client = self.connection._client()
        manual = client.save(
            "Invoices",
            [
                Invoice(
                    type="ACCPAY",
                    contact=Contact(contact_id=self.vendor.xero_id),
                    date=date(2026, 11, 1),
                    due_date=date(2026, 12, 1),
                    invoice_number="SUP-77",
                    status="AUTHORISED",
                    line_items=[
                        LineItem(
                            description="Entered in Xero",
                            quantity=1,
                            unit_amount=100,
                            account_code="429",
                        )
                    ],
                )
            ],
            "bookkeeper",
        )[0]
        self.assertTrue(manual.ok, manual.errors)
        manual = manual.data
        manual_id = str(manual.invoice_id).lower()
        held = {d["InvoiceID"].lower(): d for d in self.held()}
        self.assertIn(manual_id, held, held.keys())
        manual_total = held[manual_id]["Total"]
        bill = self.move("in_invoice", ref="SUP-77")
        bill.action_post()
        self.lose(bill)
        self.forget_key()
        self.run_push_cron()
        held = {d["InvoiceID"].lower(): d for d in self.held()}
        self.assertEqual(len(held), 2)
        self.assertNotEqual(
            bill.xero_id.lower(),
            manual_id,
            "Odoo linked the bookkeeper's bill (total %s before, %s now; status %s)"
            % (manual_total, held[manual_id]["Total"], held[manual_id]["Status"]),
        )
        self.assertEqual(held[manual_id]["Total"], manual_total, "and overwrote it")

    def test_a_cancelled_bill_does_not_block_its_correction(self):
        self.connection.status_in_invoice = "AUTHORISED"
        wrong = self.move("in_invoice", ref="SUP-2026-5")
        wrong.action_post()
        wrong.action_xero_sync()
        wrong.button_cancel()
        self.run_push_cron()
        self.assertEqual(self.held_for(wrong)["Status"], "VOIDED")
        self.assertFalse(wrong.duplicated_ref_ids)
        corrected = self.move(
            "in_invoice",
            ref="SUP-2026-5",
            lines=[{"name": "Right", "quantity": 1, "price_unit": 90}],
        )
        corrected.action_post()
        self.assertFalse(corrected.duplicated_ref_ids, "Odoo sees no duplicate")
        corrected.action_xero_sync()
        self.assertEqual(corrected.xero_state, "synced", corrected.xero_error)

    def test_a_cancelled_document_waits_for_no_contact(self):
        invoice = self.move()
        invoice.action_post()
        invoice.action_xero_sync()
        self.assertEqual(invoice.xero_state, "synced")
        invoice.button_draft()
        # A contact Xero refuses ("Email address must be valid.").
        invoice.partner_id = self.partners(1, name="Refused Customer Ltd", email="not an email")
        invoice.button_cancel()
        self.run_push_cron()
        self.run_push_cron()
        self.assertEqual(
            self.held_for(invoice)["Status"],
            "DELETED",
            "Odoo: %s %r" % (invoice.xero_state, invoice.xero_error),
        )

    def test_two_vendors_one_reference_after_a_lost_answer(self):
        second = self.partners(1, name="Other Supplies Ltd")
        bills = self.move("in_invoice", ref='R"1|\\x') | self.move(
            "in_invoice", ref='R"1|\\x', partner=second
        )
        bills.action_post()
        self.lose(bills)
        bills._xero_write({"xero_lost_batch": False})
        self.forget_key()
        self.run_push_cron()
        self.assertEqual(set(bills.mapped("xero_state")), {"synced"}, bills.mapped("xero_error"))
        self.assertEqual(len(self.held()), 2)
        self.assertEqual(len(set(bills.mapped("xero_id"))), 2)

    def test_a_rate_limit_during_the_lookup(self):
        bill = self.move("in_invoice", ref="SUP-RL")
        bill.action_post()
        self.lose(bill)
        self.forget_key()
        self.sandbox.add_fault(
            kind="rate_limit", status=429, method="GET", path="/Invoices", times=1
        )
        self.run_push_cron()
        self.assertEqual(bill.xero_state, "pending", bill.xero_error)
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 120})
        self.connection.sudo().write({"rate_limited_until": False})
        self.run_push_cron()
        self.assertEqual(bill.xero_state, "synced", bill.xero_error)
        self.assertEqual(len(self.held()), 1)

    def test_long_vendor_references_after_a_lost_answer(self):
        """The look-up names contacts and dates, not the typed references: however long
        they are, the filter stays short."""
        bills = self.env["account.move"]
        for i in range(25):
            bills |= self.move(
                "in_invoice", ref="%02d-%s" % (i, "Delivery note / site / order " * 3)
            )
        bills.action_post()
        self.lose(bills)
        bills._xero_write({"xero_lost_batch": False})
        self.forget_key()
        self.run_push_cron()
        self.assertEqual(
            set(bills.mapped("xero_state")), {"synced"}, set(bills.mapped("xero_error"))
        )
        self.assertEqual(len(self.held()), 25)

    def test_voided_in_xero_then_cancelled_in_odoo(self):
        invoice = self.move()
        invoice.action_post()
        invoice.action_xero_sync()
        tenant = self.tenant["tenantId"]
        self.sandbox.edit(tenant, "Invoices", invoice.xero_id, {"Status": "AUTHORISED"})
        self.sandbox.edit(tenant, "Invoices", invoice.xero_id, {"Status": "VOIDED"})
        invoice.button_cancel()
        self.run_push_cron()
        self.run_push_cron()
        self.assertEqual(self.held_for(invoice)["Status"], "VOIDED")
        self.assertEqual(
            (invoice.xero_state, invoice.xero_status),
            ("synced", "VOIDED"),
            invoice.xero_error,
        )

    def test_a_bill_whose_vendor_changed_after_a_lost_answer(self):
        bill = self.move("in_invoice", ref="SUP-MOVED")
        bill.action_post()
        self.lose(bill)
        bill.button_draft()
        bill.partner_id = self.partners(1, name="Right Supplier Ltd")
        bill.action_post()
        self.forget_key()
        self.run_push_cron()
        self.assertEqual(bill.xero_state, "synced", bill.xero_error)
        self.assertEqual(len(self.held()), 1)
        self.assertEqual(self.held_for(bill)["Contact"]["Name"], "Right Supplier Ltd")


@tagged("post_install", "-at_install")
class TestOnlineInvoice(DocumentCase):
    """Xero's online invoice of an approved sales invoice: asked of Xero at the first click
    of its button (one call), never when the invoice is sent."""

    def setUp(self):
        super().setUp()
        self.connection.write(
            {"status_out_invoice": "AUTHORISED", "status_in_invoice": "AUTHORISED"}
        )

    def sent(self, move_type="out_invoice", **values):
        move = self.move(move_type, **values)
        move.action_post()
        move.action_xero_sync()
        self.assertEqual(move.xero_state, "synced", move.xero_error)
        return move

    def clear_log(self):
        self.sandbox._call("DELETE", "/sandbox/requests")

    def online_calls(self):
        return [r["path"] for r in requests_log(self.sandbox) if "/OnlineInvoice" in r["path"]]

    def refusal(self, invoice):
        """The UserError message of a click on the button that Xero refuses."""
        with self.assertRaises(UserError) as caught:
            invoice.action_xero_open_online_invoice()
        return str(caught.exception)

    def test_sending_an_approved_invoice_asks_for_no_online_invoice(self):
        self.connection.write(
            {"send_history_notes": False, "send_attachments": False, "send_odoo_pdf": False}
        )
        invoice = self.move()
        invoice.action_post()
        self.clear_log()
        invoice.action_xero_sync()
        self.assertEqual(invoice.xero_status, "AUTHORISED")
        self.assertEqual(self.online_calls(), [])
        self.assertFalse(invoice.xero_online_url)
        self.assertFalse(invoice.xero_followup_pending, "no follow-up left for the link")
        self.assertEqual(invoice._xero_followup_calls(self.connection), 0)
        self.run_push_cron()
        self.assertEqual(self.online_calls(), [], "nor later, by the scheduled action")

    def test_the_button_asks_xero_once_then_opens_the_stored_link(self):
        invoice = self.sent()
        self.clear_log()
        action = invoice.action_xero_open_online_invoice()
        self.assertEqual(self.online_calls(), ["/Invoices/%s/OnlineInvoice" % invoice.xero_id])
        self.assertEqual(
            action, {"type": "ir.actions.act_url", "url": invoice.xero_online_url, "target": "new"}
        )
        given = self.connection._client().online_invoice_url(invoice.xero_id)
        self.assertEqual(invoice.xero_online_url, given, "the address the sandbox gives")
        self.assertEqual(requests.get(invoice.xero_online_url, timeout=30).status_code, 200)
        # Later clicks: the stored link, no call.
        self.clear_log()
        self.assertEqual(invoice.action_xero_open_online_invoice(), action)
        self.assertEqual(requests_log(self.sandbox), [])

    def test_a_paid_invoice_has_the_button_too(self):
        invoice = self.sent()
        self.pay_in_xero(invoice, invoice.amount_total)
        invoice._xero_write({"xero_status": "PAID"})  # as the import stores it
        url = invoice.action_xero_open_online_invoice()["url"]
        self.assertTrue(url.startswith(self.sandbox.url + "/in/"), url)

    def test_xero_errors_give_a_user_error_and_store_nothing(self):
        invoice = self.sent()
        token = self.connection.sudo().access_token
        self.assertTrue(token)
        path = "^/Invoices/.*/OnlineInvoice"
        faults = [
            ({"kind": "error", "status": 500}, "unavailable right now"),
            ({"kind": "rate_limit", "retry_after": 120}, "call limit"),
            ({"kind": "error", "status": 403}, "no longer connected"),
            ({"kind": "error", "status": 400}, "rejected the request"),
        ]
        for fault, said in faults:
            with self.subTest(fault=fault):
                self.sandbox.add_fault(method="GET", path=path, times=5, **fault)
                message = self.refusal(invoice)
                self.assertIn(invoice.name, message)
                self.assertIn(said, message)
                self.assertNotIn(token, message)
                self.assertFalse(invoice.xero_online_url)
                self.sandbox._call("DELETE", "/sandbox/faults")
        # Xero answers again: the click gets the link.
        self.assertTrue(invoice.action_xero_open_online_invoice()["url"])

    def test_an_invoice_xero_has_no_online_invoice_for_gives_a_user_error(self):
        invoice = self.sent()
        invoice._xero_write({"xero_id": "00000000-0000-4000-8000-000000000000"})  # not in Xero
        self.clear_log()
        self.assertIn("Xero has no online invoice", self.refusal(invoice))
        self.assertEqual(len(self.online_calls()), 1)
        self.assertFalse(invoice.xero_online_url)

    def test_only_approved_customer_invoices_in_xero_have_one(self):
        bill = self.sent("in_invoice", ref="B-77")
        self.connection.status_out_invoice = "DRAFT"
        draft = self.sent()
        unsent = self.move()
        unsent.action_post()
        self.clear_log()
        for move in (bill, draft, unsent):
            with self.subTest(move=move.display_name):
                self.assertIn("not one", self.refusal(move))
        self.assertEqual(requests_log(self.sandbox), [], "Xero is not asked")

    def test_who_may_open_it_is_who_may_sync(self):
        invoice = self.sent()
        clerk = new_test_user(self.env, "online_clerk", groups="account.group_account_invoice")
        with self.assertRaises(AccessError):
            invoice.with_user(clerk).action_xero_open_online_invoice()
        xero_user = new_test_user(
            self.env,
            "online_xero_user",
            groups="xero_connector.group_xero_user,account.group_account_invoice",
        )
        action = invoice.with_user(xero_user).action_xero_open_online_invoice()
        self.assertEqual(action["url"], invoice.xero_online_url)
        self.assertTrue(invoice.xero_online_url)
