# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import XeroCase


@tagged("post_install", "-at_install")
class TestPartnerToXero(XeroCase):
    def test_a_partner_reaches_xero_with_its_details(self):
        belgium = self.env.ref("base.be")
        partner = self.env["res.partner"].create(
            {
                "name": "Brussels Bakery",
                "is_company": True,
                "email": "hello@bakery.example",
                "phone": "+32 2 123 45 67",
                "street": "Rue Haute 1",
                "street2": "Bte 2",
                "city": "Bruxelles",
                "zip": "1000",
                "country_id": belgium.id,
                "vat": "BE0477472701",
                "ref": "CUST-77",
            }
        )
        self.env["res.partner"].create(
            {
                "name": "Anna Baker",
                "parent_id": partner.id,
                "type": "contact",
                "email": "anna@bakery.example",
            }
        )
        partner.action_xero_sync()
        self.assertEqual(partner.xero_state, "synced")
        self.assertFalse(partner.xero_error)
        self.assertTrue(partner.xero_synced_at)
        [held] = self.held_contacts()
        self.assertEqual(held["ContactID"], partner.xero_id)
        self.assertEqual(held["Name"], "Brussels Bakery")
        self.assertEqual(held["EmailAddress"], "hello@bakery.example")
        self.assertEqual(held["TaxNumber"], "BE0477472701")
        self.assertEqual(held["AccountNumber"], "CUST-77")
        self.assertIn("Rue Haute 1", [a.get("AddressLine1") for a in held["Addresses"]])
        self.assertIn("+32 2 123 45 67", [p.get("PhoneNumber") for p in held["Phones"]])
        self.assertEqual(
            [(p["FirstName"], p["LastName"], p["EmailAddress"]) for p in held["ContactPersons"]],
            [("Anna", "Baker", "anna@bakery.example")],
        )
        self.assertIn("shortcode=%s" % self.tenant["shortCode"], partner.xero_url)
        self.assertIn(partner.xero_id, partner.xero_url)

    def test_120_partners_are_sent_in_3_write_calls(self):
        partners = self.partners(120)
        partners.action_xero_sync()
        self.run_push_cron()
        self.assertEqual(set(partners.mapped("xero_state")), {"synced"})
        self.assertEqual(self.sandbox.calls().get("POST Contacts"), 3)
        held = self.held_contacts()
        self.assertEqual(len(held), 120)
        self.assertEqual({c["ContactID"] for c in held}, set(partners.mapped("xero_id")))

    def test_a_429_mid_batch_sends_the_rest_later_without_duplicates(self):
        partners = self.partners(120)
        self.sandbox.add_fault(
            kind="rate_limit",
            method="POST",
            path="/Contacts",
            skip=1,
            times=1,
            problem="minute",
            retry_after=60,
        )
        partners.action_xero_sync()
        self.run_push_cron()
        connection = self.connection
        connection.invalidate_recordset()
        self.assertGreater(connection.rate_limited_until, fields.Datetime.now())
        self.assertEqual(len(partners.filtered(lambda p: p.xero_state == "synced")), 50)
        waiting = partners.filtered(lambda p: p.xero_state == "pending")
        self.assertEqual(len(waiting), 70)
        self.assertIn("rate limit", waiting[0].xero_error)
        self.assertEqual(len(self.held_contacts()), 50)
        self.assertTrue(self.env["xero.sync.log"].search([("outcome", "=", "rate_limited")]))
        connection.rate_limited_until = fields.Datetime.now() - timedelta(seconds=1)
        self.run_push_cron()
        self.assertEqual(set(partners.mapped("xero_state")), {"synced"})
        held = self.held_contacts()
        self.assertEqual(len(held), 120)
        self.assertEqual(len({c["Name"] for c in held}), 120)

    def test_a_connection_dropped_after_the_write_is_retried_without_duplicate(self):
        partners = self.partners(3)
        self.sandbox.add_fault(kind="drop_after_write", method="POST", path="/Contacts", times=1)
        partners.action_xero_sync()
        self.assertEqual(set(partners.mapped("xero_state")), {"pending"})
        self.assertEqual(len(self.held_contacts()), 3, "Xero applied the write")
        self.run_push_cron()
        self.assertEqual(set(partners.mapped("xero_state")), {"synced"})
        held = self.held_contacts()
        self.assertEqual(len(held), 3)
        self.assertEqual({c["ContactID"] for c in held}, set(partners.mapped("xero_id")))

    def test_an_invalid_email_fails_alone_with_a_clear_message(self):
        partners = self.partners(5)
        bad = partners[2]
        bad.email = "not-an-email"
        partners.action_xero_sync()
        self.assertEqual(bad.xero_state, "error")
        self.assertIn("Email address must be valid", bad.xero_error)
        self.assertIn(bad.name, bad.xero_error)
        self.assertEqual(set((partners - bad).mapped("xero_state")), {"synced"})
        self.assertEqual(len(self.held_contacts()), 4)
        log = self.env["xero.sync.log"].search(
            [("res_id", "=", bad.id), ("res_model", "=", "res.partner")]
        )
        self.assertEqual(log.outcome, "error")
        bad.email = "fixed@example.com"
        bad.action_xero_sync()
        self.assertEqual(bad.xero_state, "synced")

    def test_changing_a_synced_field_makes_it_pending_again(self):
        partner = self.partners(1)
        partner.action_xero_sync()
        revision = partner.xero_revision
        partner.comment = "Not sent to Xero"
        self.assertEqual(partner.xero_state, "synced")
        partner.email = "changed@example.com"
        self.assertEqual(partner.xero_state, "pending")
        self.assertGreater(partner.xero_revision, revision)
        self.run_push_cron()
        self.assertEqual(partner.xero_state, "synced")
        self.assertEqual(self.held_contacts()[0]["EmailAddress"], "changed@example.com")

    def test_an_archived_partner_is_archived_in_xero(self):
        partner = self.partners(1)
        partner.action_xero_sync()
        partner.active = False
        self.assertEqual(partner.xero_state, "pending")
        self.run_push_cron()
        self.assertEqual(self.held_contacts()[0]["ContactStatus"], "ARCHIVED")
        self.assertEqual(partner.xero_state, "synced")

    def test_a_contact_deleted_in_xero_is_sent_again(self):
        partner = self.partners(1)
        partner.action_xero_sync()
        partner._xero_write({"xero_id": "0b5c4fd8-1f49-4a4e-9d1e-5a3f4c2b1a00"})  # gone in Xero
        partner.email = "still@here.example"
        self.run_push_cron()
        self.assertEqual(partner.xero_state, "error")
        self.assertIn("no longer has", partner.xero_error)
        self.assertFalse(partner.xero_id)
        partner.action_xero_sync()
        self.assertEqual(partner.xero_state, "synced")
        self.assertEqual([c["ContactID"] for c in self.held_contacts()], [partner.xero_id])

    def test_a_person_is_sent_with_first_and_last_name(self):
        person = self.env["res.partner"].create({"name": "Grace Hopper", "is_company": False})
        person.action_xero_sync()
        held = self.held_contacts()[0]
        self.assertEqual((held["FirstName"], held["LastName"]), ("Grace", "Hopper"))


@tagged("post_install", "-at_install")
class TestNoDuplicates(XeroCase):
    def _seed(self):
        return True

    def test_existing_xero_contacts_are_linked_not_duplicated(self):
        before = {c["Name"]: c["ContactID"] for c in self.held_contacts()}
        by_name = self.env["res.partner"].create({"name": "Bayside Club", "is_company": True})
        by_email = self.env["res.partner"].create(
            {"name": "Power Direct Ltd", "is_company": True, "email": "billing@powerdirect.example"}
        )
        (by_name | by_email).action_xero_sync()
        self.assertEqual(by_name.xero_id, before["Bayside Club"])
        self.assertEqual(by_email.xero_id, before["PowerDirect"])
        self.assertEqual(len(self.held_contacts()), len(before))
        operations = (
            self.env["xero.sync.log"]
            .search([("res_model", "=", "res.partner"), ("res_id", "in", (by_name | by_email).ids)])
            .mapped("operation")
        )
        self.assertEqual(operations, ["link", "link"])

    def test_import_creates_partners_once_and_then_only_what_changed(self):
        existing = self.env["res.partner"].create({"name": "Marine Systems", "is_company": True})
        imported = self.connection.action_import_contacts()
        self.assertEqual(imported["params"]["type"], "success")
        held = self.held_contacts()
        partners = self.env["res.partner"].search(
            [("xero_id", "in", [c["ContactID"] for c in held])]
        )
        self.assertEqual(len(partners), len(held))
        self.assertIn(existing, partners, "linked by name, not duplicated")
        self.assertEqual(set(partners.mapped("xero_state")), {"synced"})
        count = self.env["res.partner"].search_count([])
        self.connection.action_import_contacts()
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        bayside = next(c for c in held if c["Name"] == "Bayside Club")
        self.sandbox.edit(
            self.tenant["tenantId"],
            "contacts",
            bayside["ContactID"],
            {"EmailAddress": "new-secretary@baysideclub.example"},
        )
        self.env["xero.connection"]._cron_import_contacts()
        partner = self.env["res.partner"].search([("xero_id", "=", bayside["ContactID"])])
        self.assertEqual(partner.email, "new-secretary@baysideclub.example")
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        self.assertEqual(partner.xero_state, "synced", "an import does not bounce back")
