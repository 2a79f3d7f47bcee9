# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A contact is linked on its own only when it is surely the same one: its Xero ID, its name
as Xero compares names, or its tax number. Businesses share email addresses."""

from xero_python.accounting import Contact

from odoo.tests import tagged

from .common import XeroCase

SHARED = "accounts@shared-office.example"


@tagged("post_install", "-at_install")
class TestMatchingContacts(XeroCase):
    def xero_contact(self, name, email=SHARED, tax_number=None):
        """A contact made in Xero itself."""
        contact = Contact(name=name, email_address=email, tax_number=tax_number)
        [result] = self.connection.sudo()._client().save_contacts([contact], "made-in-xero")
        assert result.ok, result.errors
        return str(result.data.contact_id)

    def names_in_xero(self):
        return sorted(c["Name"] for c in self.held_contacts())

    def test_an_email_alone_is_offered_and_never_linked_or_renamed_on_its_own(self):
        connection = self.connection.sudo()
        self.env["res.partner"]._xero_import_contacts(connection)  # the index is fresh
        # Sent a moment ago by another worker, whose link to its partner is not committed
        # yet: the index knows the contact, no partner holds it.
        folder_id = self.xero_contact("S21 Folder Alone Ltd")
        self.env["xero.index"]._keep(
            connection,
            "contact",
            [{"xero_id": folder_id, "name": "S21 Folder Alone Ltd", "email": SHARED}],
        )
        wheel = self.partners(1, name="S21 Wheel Ltd", email=SHARED)
        wheel.action_xero_sync()
        self.assertEqual(wheel.xero_state, "error")
        self.assertFalse(wheel.xero_id)
        self.assertIn("S21 Folder Alone Ltd", wheel.xero_error)
        self.assertEqual(wheel.xero_email_match_name, "S21 Folder Alone Ltd")
        self.assertEqual(self.names_in_xero(), ["S21 Folder Alone Ltd"], "not renamed")
        # Another business at the same address: one click creates it.
        wheel.action_xero_create_new()
        self.assertEqual(wheel.xero_state, "synced")
        self.assertNotEqual(wheel.xero_id, folder_id)
        self.assertEqual(self.names_in_xero(), ["S21 Folder Alone Ltd", "S21 Wheel Ltd"])
        # The same business under another name in Odoo: one click links it.
        folder = self.partners(1, name="S21 Folder Ltd", email=SHARED)
        folder.action_xero_sync()
        self.assertEqual(folder.xero_email_match_id, folder_id)
        folder.action_xero_link_email_match()
        self.assertEqual((folder.xero_state, folder.xero_id), ("synced", folder_id))
        self.assertEqual(len(self.held_contacts()), 2, "linked, not created")

    def test_a_name_or_a_tax_number_is_linked_on_its_own(self):
        by_name = self.xero_contact("Harbour Lights Ltd", email="harbour@lights.example")
        by_tax = self.xero_contact("HL Trading", email=None, tax_number="GB987654321")
        same_name = self.partners(1, name="harbour  LIGHTS ltd", email="other@lights.example")
        same_tax = self.partners(1, name="Harbour Trading Ltd", email=None, vat="GB987654321")
        (same_name | same_tax).action_xero_sync()
        self.assertEqual(same_name.xero_id, by_name)
        self.assertEqual(same_tax.xero_id, by_tax)
        self.assertEqual(len(self.held_contacts()), 2)

    def test_an_imported_contact_with_a_partners_email_is_not_linked_to_it(self):
        shared_inbox = self.partners(1, name="Shared Inbox Ltd", email=SHARED)
        other_id = self.xero_contact("Other Business Ltd")
        self.env["res.partner"]._xero_import_contacts(self.connection.sudo())
        self.assertFalse(shared_inbox.xero_id)
        self.assertEqual(shared_inbox.name, "Shared Inbox Ltd")
        [imported] = self.env["res.partner"].search([("xero_id", "=", other_id)])
        self.assertEqual(imported.name, "Other Business Ltd")
        self.assertIn("Shared Inbox Ltd", imported.xero_warning)
        self.assertIn("merge", imported.xero_warning)
