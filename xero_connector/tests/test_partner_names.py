# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Names that differ only by spaces (or case) are one name, as Xero compares them."""

from xero_python.accounting import Contact, ContactPerson

from odoo.tests import tagged

from .common import XeroCase


@tagged("post_install", "-at_install")
class TestPartnerNames(XeroCase):
    def xero_contact(self, name, **values):
        """A contact made in Xero (not from Odoo); returns its ContactID."""
        [result] = self.connection._client().save(
            "Contacts", [Contact(name=name, **values)], ["made in Xero", name]
        )
        self.assertTrue(result.ok, result.errors)
        return str(result.data.contact_id)

    def partners_named_like(self, words):
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("name", "=ilike", "%" + "%".join(words.split()) + "%")])
        )

    def assert_import_links(self, odoo_name):
        contact_id = self.xero_contact("Blue Harbour Trading")
        partner = self.env["res.partner"].create({"name": odoo_name, "is_company": True})
        self.connection.action_import_contacts()
        self.assertEqual(partner.xero_id, contact_id)
        self.assertEqual(partner.xero_state, "synced", partner.xero_error)
        self.assertEqual(
            self.partners_named_like("Blue Harbour Trading"), partner, "no partner created"
        )
        partner.email = "accounts@blueharbour.example"
        self.run_push_cron()
        self.assertEqual(partner.xero_state, "synced", partner.xero_error)
        self.assertFalse(partner.xero_error)
        [held] = self.held_contacts()
        self.assertEqual(held["ContactID"], contact_id)
        self.assertEqual(held["EmailAddress"], "accounts@blueharbour.example")

    def test_import_links_a_partner_whose_name_has_trailing_spaces(self):
        self.assert_import_links("Blue Harbour Trading   ")

    def test_import_links_a_partner_whose_name_has_doubled_spaces_and_another_case(self):
        self.assert_import_links("Blue  Harbour trading")

    def test_import_links_names_that_differ_by_case_beyond_ascii(self):
        """Case folded as Python folds it, in the database's query too (whose lower() leaves
        non-ASCII letters alone under the C locale, and knows no ß = ss)."""
        for xero_name, odoo_name in (
            ("Straße Bau GmbH", "STRASSE BAU GMBH"),
            ("Café Noir Ltd", "CAFÉ NOIR LTD"),
        ):
            contact_id = self.xero_contact(xero_name)
            partner = self.env["res.partner"].create({"name": odoo_name, "is_company": True})
            self.connection.action_import_contacts()
            self.assertEqual(partner.xero_id, contact_id, odoo_name)
            self.assertEqual(self.partners_named_like(odoo_name.split()[-2]), partner)

    def test_import_names_a_partner_of_the_same_email_typed_with_spaces_and_capitals(self):
        contact_id = self.xero_contact(
            "Blue Harbour Trading Ltd", email_address="accounts@blueharbour.example"
        )
        partner = self.env["res.partner"].create(
            {"name": "Blue Harbour", "email": " Accounts@BlueHarbour.example "}
        )
        self.connection.action_import_contacts()
        # An email alone is no proof: a partner of its own, which names the other.
        self.assertFalse(partner.xero_id)
        imported = self.env["res.partner"].search([("xero_id", "=", contact_id)])
        self.assertEqual(imported.name, "Blue Harbour Trading Ltd")
        self.assertIn("Blue Harbour", imported.xero_warning)

    def test_sending_a_name_with_trailing_spaces_links_to_the_xero_contact(self):
        contact_id = self.xero_contact("Blue Harbour Trading")
        partner = self.env["res.partner"].create(
            {"name": "Blue Harbour Trading  ", "is_company": True}
        )
        partner.action_xero_sync()
        self.assertEqual(partner.xero_state, "synced", partner.xero_error)
        self.assertEqual(partner.xero_id, contact_id)
        self.assertEqual([c["ContactID"] for c in self.held_contacts()], [contact_id])

    def test_two_new_partners_whose_names_differ_by_spaces_are_one_name(self):
        first, second = self.env["res.partner"].create(
            [
                {"name": "Delta  Traders", "is_company": True},
                {"name": "delta traders ", "is_company": True},
            ]
        )
        (first | second).action_xero_sync()
        self.assertEqual(first.xero_state, "synced")
        self.assertEqual(second.xero_state, "error")
        self.assertFalse(second.xero_id)
        self.assertIn("'%s' (ID %s)" % (first.display_name, first.id), second.xero_error)
        self.assertEqual([c["ContactID"] for c in self.held_contacts()], [first.xero_id])

    def test_import_adds_no_second_contact_person_whose_name_differs_by_spaces(self):
        contact_id = self.xero_contact(
            "Blue Harbour Trading",
            contact_persons=[ContactPerson(first_name="Ann", last_name="Lee")],
        )
        partner = self.env["res.partner"].create({"name": "Blue Harbour Trading"})
        self.env["res.partner"].create(
            {"name": "ann  Lee ", "parent_id": partner.id, "type": "contact"}
        )
        self.connection.action_import_contacts()
        self.assertEqual(partner.xero_id, contact_id)
        self.assertEqual(partner.child_ids.mapped("name"), ["ann  Lee "])
