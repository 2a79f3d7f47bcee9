# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models import res_partner
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
        cron = self.env.ref("xero_connector.ir_cron_xero_push")
        wake_up = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).mapped("call_at")
        self.assertIn(connection.rate_limited_until, wake_up, "rescheduled at Retry-After")
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

    def test_a_push_keeps_the_mobile_number_held_in_xero(self):
        partner = self.partners(1)
        partner.action_xero_sync()
        self.sandbox.edit(
            self.tenant["tenantId"],
            "contacts",
            partner.xero_id,
            {"Phones": [{"PhoneType": "MOBILE", "PhoneNumber": "07700 900123"}]},
        )
        partner.write({"phone": "01273 000000", "email": "changed@example.com"})
        self.run_push_cron()
        self.assertEqual(partner.xero_state, "synced")
        phones = {p["PhoneType"]: p.get("PhoneNumber") for p in self.held_contacts()[0]["Phones"]}
        self.assertEqual(phones.get("MOBILE"), "07700 900123")
        self.assertEqual(phones.get("DEFAULT"), "01273 000000")


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
        # An email alone is no proof: the import made Xero's PowerDirect a partner of its
        # own, naming Power Direct Ltd for a person to merge; until then they are two.
        power_direct = self.env["res.partner"].search([("xero_id", "=", before["PowerDirect"])])
        self.assertEqual(power_direct.name, "PowerDirect")
        self.assertIn("Power Direct Ltd", power_direct.xero_warning)
        self.assertEqual(by_email.xero_state, "synced")
        self.assertNotEqual(by_email.xero_id, before["PowerDirect"])
        self.assertEqual(self.held_contact("PowerDirect")["ContactID"], before["PowerDirect"])
        self.assertEqual(len(self.held_contacts()), len(before) + 1)
        operations = (
            self.env["xero.sync.log"]
            .search([("res_model", "=", "res.partner"), ("res_id", "=", by_name.id)])
            .mapped("operation")
        )
        self.assertEqual(operations, ["link"])

    def held_contact(self, name):
        return next(c for c in self.held_contacts() if c["Name"] == name)

    def edit_contact(self, name, changes):
        contact_id = self.held_contact(name)["ContactID"]
        self.sandbox.edit(self.tenant["tenantId"], "contacts", contact_id, changes)
        return contact_id

    def imported(self, *contact_ids):
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("xero_id", "in", list(contact_ids))])
        )

    def test_linking_a_bare_partner_keeps_what_xero_holds(self):
        seeded = self.held_contact("Bayside Club")
        partner = self.env["res.partner"].create({"name": "Bayside Club", "is_company": True})
        partner.action_xero_sync()
        self.assertEqual(partner.xero_id, seeded["ContactID"])
        self.assertEqual(partner.xero_state, "synced")
        held = self.held_contact("Bayside Club")
        self.assertEqual(held["EmailAddress"], "secretary@baysideclub.example")
        self.assertEqual(held["AccountNumber"], "CUST-001")
        self.assertEqual(held["Addresses"], seeded["Addresses"])
        self.assertEqual(held["Phones"], seeded["Phones"])
        # Once linked, every update sends everything: a value cleared in Odoo is cleared in Xero.
        partner.email = "new@baysideclub.example"
        self.run_push_cron()
        self.assertEqual(self.held_contact("Bayside Club")["EmailAddress"], partner.email)
        partner.email = False
        self.run_push_cron()
        self.assertFalse(self.held_contact("Bayside Club").get("EmailAddress"))

    def test_import_fills_only_what_an_existing_partner_lacks(self):
        partner = self.env["res.partner"].create(
            {"name": "Ridgeway University", "is_company": False, "email": "ar@ridgeway.example"}
        )
        self.connection.action_import_contacts()
        self.assertEqual(partner.xero_id, self.held_contact("Ridgeway University")["ContactID"])
        self.assertEqual(partner.email, "ar@ridgeway.example")
        self.assertEqual(partner.phone, "555 0100")
        self.assertEqual((partner.street, partner.city), ("1 Demo Street", "Demo City"))
        self.assertEqual(partner.ref, "CUST-002")
        self.assertFalse(partner.is_company, "is_company is Odoo's own")

    def test_a_contact_with_a_first_or_last_name_is_imported_as_a_person(self):
        person_id = self.edit_contact(
            "Marine Systems", {"Name": "Grace Hopper", "FirstName": "Grace", "LastName": "Hopper"}
        )
        self.connection.action_import_contacts()
        self.assertFalse(self.imported(person_id).is_company)
        self.assertTrue(self.imported(self.held_contact("PowerDirect")["ContactID"]).is_company)

    def test_import_links_no_partner_of_another_company_a_user_or_a_company(self):
        other = self.env["res.company"].create({"name": "Other"})
        elsewhere = self.env["res.partner"].create(
            {"name": "Bayside Club", "is_company": True, "company_id": other.id}
        )
        user = self.env["res.users"].create({"name": "Office Supplies Co", "login": "osc"})
        self.env.company.partner_id.email = "info@marinesystems.example"
        self.connection.action_import_contacts()
        for name, partner in (
            ("Bayside Club", elsewhere),
            ("Office Supplies Co", user.partner_id),
            ("Marine Systems", self.env.company.partner_id),
        ):
            self.assertFalse(partner.xero_id, name)
            imported = self.imported(self.held_contact(name)["ContactID"])
            self.assertEqual(len(imported), 1, name)
            self.assertNotEqual(imported, partner, name)
            self.assertFalse(imported.company_id, name)

    def test_a_contact_odoo_refuses_is_logged_and_the_others_imported(self):
        refused_id = self.held_contact("PowerDirect")["ContactID"]
        partner_class = type(self.env["res.partner"])
        import_children = partner_class._xero_import_children

        def refuse_powerdirect(partner, children):
            if partner.name == "PowerDirect":  # once the partner is created: rolled back
                raise ValidationError("PowerDirect is refused")  # pylint: disable=translation-required
            return import_children(partner, children)

        with patch.object(partner_class, "_xero_import_children", refuse_powerdirect):
            answer = self.connection.action_import_contacts()
        self.assertEqual(answer["params"]["type"], "success")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "PowerDirect")]))
        self.assertFalse(self.imported(refused_id))
        others = [c["ContactID"] for c in self.held_contacts() if c["ContactID"] != refused_id]
        self.assertEqual(len(self.imported(*others)), len(others))
        self.assertTrue(self.watermark(), "the watermark advances")
        error = self.env["xero.sync.log"].search(
            [("operation", "=", "import"), ("outcome", "=", "error")]
        )
        self.assertEqual(len(error), 1)
        self.assertIn("PowerDirect", error.message)
        self.assertIn("PowerDirect is refused", error.message)

    def test_importing_a_contact_with_persons_leaves_it_synced(self):
        contact_id = self.edit_contact(
            "Bayside Club",
            {"ContactPersons": [{"FirstName": "Ann", "LastName": "Lee", "EmailAddress": ""}]},
        )
        self.connection.action_import_contacts()
        partner = self.imported(contact_id)
        self.assertEqual(partner.child_ids.mapped("name"), ["Ann Lee"])
        self.assertEqual(partner.xero_state, "synced")

    def watermark(self):
        self.env.invalidate_all()
        return self.connection._import_cursor("contacts").watermark

    def test_an_interrupted_import_resumes_after_the_last_change_it_imported(self):
        """A 503 on page 2; meanwhile a contact of page 1 is edited in Xero, so the list moves
        by one: the resumed import still gets every contact."""
        from xero_python.accounting import Contact

        client = self.connection._client()
        for batch in range(3):
            client.save(
                "Contacts",
                [Contact(name="Bulk %d-%02d" % (batch, i)) for i in range(50)],
                "bulk-%d" % batch,
            )
        held = self.held_contacts()
        self.assertEqual(len(held), 155)
        self.sandbox.add_fault(kind="error", method="GET", path="/Contacts", skip=1, times=1)
        # Pages of 100 rather than Xero's largest, 1,000: three pages of these 155.
        with patch.object(res_partner, "CONTACT_PAGE_SIZE", 100):
            self.env["xero.connection"]._cron_import()
        linked = self.env["res.partner"].search_count([("xero_id", "!=", False)])
        self.assertTrue(0 < linked < 155, "the first page was imported, not the rest")
        self.assertFalse(self.watermark(), "an unfinished import does not move the watermark")
        first_page = self.env["res.partner"].search([("xero_id", "!=", False)], order="id")
        self.edit_contact(first_page[0].name, {"EmailAddress": "moved@example.com"})
        with patch.object(res_partner, "CONTACT_PAGE_SIZE", 100):
            self.env["xero.connection"]._cron_import()
        imported = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("xero_id", "in", [c["ContactID"] for c in held])])
        )
        self.assertEqual(len(imported), 155, "no contact skipped")
        self.assertEqual(first_page[0].email, "moved@example.com")
        self.assertTrue(self.watermark())
        self.assertFalse(self.connection._import_cursor("contacts").resume)

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
        self.env["xero.connection"]._cron_import()
        partner = self.env["res.partner"].search([("xero_id", "=", bayside["ContactID"])])
        self.assertNotEqual(partner.email, "new-secretary@baysideclub.example", "daily")
        # The scheduled import asks for the contacts changed once a day.
        real_now = fields.Datetime.now
        a_day_later = staticmethod(lambda *_a: real_now() + timedelta(days=1))
        with patch.object(fields.Datetime, "now", a_day_later):
            self.env["xero.connection"]._cron_import()
        self.assertEqual(partner.email, "new-secretary@baysideclub.example")
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        self.assertEqual(partner.xero_state, "synced", "an import does not bounce back")
