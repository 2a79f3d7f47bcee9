# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo.tests import tagged

from .test_move_sync import DocumentCase


@tagged("post_install", "-at_install")
class TestMoveTour(DocumentCase):
    def test_post_an_invoice_and_sync_it_from_its_form(self):
        invoice = self.move("out_invoice")
        self.assertEqual((invoice.state, invoice.xero_state), ("draft", "not_synced"))
        self.start_tour(
            "/odoo/action-account.action_move_out_invoice_type/%d" % invoice.id,
            "xero_connector_move_sync",
            login="admin",
        )
        invoice.invalidate_recordset()
        # The tour posted it and its button sent it: nothing here did either.
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)
        self.assertEqual(invoice.xero_number, invoice.name)
        invoices = self.held()
        self.assertEqual(len(invoices), 1, "Xero holds exactly one invoice")
        held = self.held_for(invoice)
        self.assertEqual(held, invoices[0])
        self.assertEqual(
            (held["Type"], held["InvoiceNumber"], held["Status"]),
            ("ACCREC", invoice.name, "DRAFT"),
        )
        self.assertEqual(Decimal(str(held["Total"])), Decimal("%.2f" % invoice.amount_total))
        self.assertEqual(Decimal(str(held["Total"])), Decimal("360.00"))
