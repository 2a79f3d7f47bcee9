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
