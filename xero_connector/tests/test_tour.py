# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import XeroCase


@tagged("post_install", "-at_install")
class TestPartnerTour(XeroCase):
    def test_sync_a_partner_from_its_form(self):
        partner = self.env["res.partner"].create(
            {"name": "Tour Traders", "is_company": True, "email": "tour@traders.example"}
        )
        self.start_tour(
            "/odoo/action-base.action_partner_form/%d" % partner.id,
            "xero_connector_partner_sync",
            login="admin",
        )
        partner.invalidate_recordset()
        self.assertEqual(partner.xero_state, "synced")
        self.assertEqual([c["Name"] for c in self.held_contacts()], ["Tour Traders"])


@tagged("post_install", "-at_install")
class TestSyncHealthTour(XeroCase):
    def test_follow_a_count_of_the_dashboard_and_retry_in_bulk(self):
        partners = self.env["res.partner"].create(
            [{"name": "Health %s Ltd" % n, "is_company": True} for n in ("One", "Two")]
        )
        # As a refusal by Xero left them (a transient one, cured since).
        partners._xero_write(
            {"xero_state": "error", "xero_error": "Xero refused the contact: try again."}
        )
        self.start_tour(
            "/odoo",
            "xero_connector_sync_health",
            login="admin",
        )
        partners.invalidate_recordset()
        self.assertEqual(set(partners.mapped("xero_state")), {"synced"})
        self.assertEqual(
            sorted(c["Name"] for c in self.held_contacts()), ["Health One Ltd", "Health Two Ltd"]
        )
