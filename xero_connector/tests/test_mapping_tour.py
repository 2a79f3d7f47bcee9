# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import XeroCase


@tagged("post_install", "-at_install")
class TestMappingTour(XeroCase):
    def test_correct_a_tax_mapping_in_the_wizard(self):
        tax = self.env["account.tax"].create(
            {"name": "20% S", "amount": 20, "amount_type": "percent", "type_tax_use": "sale"}
        )
        self.start_tour(
            "/odoo/settings#xero_connector", "xero_connector_mapping_wizard", login="admin"
        )
        self.assertEqual(tax.xero_tax_rate_id.tax_type, "ZERORATEDOUTPUT")
        self.assertEqual(tax.xero_tax_match, "manual")

    def test_choose_the_journal_of_a_xero_bank_account_in_the_wizard(self):
        company = self.env.company
        bank_account = self.env["res.partner.bank"].create(
            {"acc_number": "12 34 56 78", "partner_id": company.partner_id.id}
        )
        journals = self.env["account.journal"].create(
            [
                {"name": "Main account", "code": "XMA", "type": "bank"},
                {"name": "Petty cash", "code": "XPC", "type": "cash"},
            ]
        )
        journals[0].bank_account_id = bank_account
        self.start_tour(
            "/odoo/settings#xero_connector", "xero_connector_mapping_wizard_bank", login="admin"
        )
        self.assertFalse(journals[0].xero_bank_account_id)
        self.assertEqual(journals[1].xero_bank_account_id.code, "090")
        self.assertEqual(journals[1].xero_bank_account_match, "manual")
