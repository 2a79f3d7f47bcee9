# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import XeroCase


@tagged("post_install", "-at_install")
class TestAccess(XeroCase):
    def setUp(self):
        super().setUp()
        self.company_b = self.env["res.company"].create({"name": "Company B"})
        self.connection_b = self.env["xero.connection"]._for_company(self.company_b)
        partner = self.partners(1)
        partner.action_xero_sync()
        self.admin_b = new_test_user(
            self.env,
            "xero_admin_b",
            groups="xero_connector.group_xero_admin,base.group_user",
            company_id=self.company_b.id,
            company_ids=[self.company_b.id],
        )
        self.user_a = new_test_user(
            self.env,
            "xero_user_a",
            groups="xero_connector.group_xero_user,base.group_partner_manager",
        )

    def test_company_b_cannot_see_company_a_connection_or_log(self):
        env_b = self.env(user=self.admin_b)
        self.assertEqual(env_b["xero.connection"].search([]), self.connection_b)
        self.assertFalse(env_b["xero.sync.log"].search([]))
        with self.assertRaises(AccessError):
            self.connection.with_user(self.admin_b).read(["tenant_name"])
        with self.assertRaises(AccessError):
            self.connection.with_user(self.admin_b).action_disconnect()

    def test_tokens_are_for_system_administrators_only(self):
        admin_b = self.connection_b.with_user(self.admin_b)
        with self.assertRaises(AccessError):
            admin_b.read(["access_token"])
        fields_b = admin_b.fields_get()
        self.assertNotIn("refresh_token", fields_b)
        self.assertNotIn("client_secret", fields_b)
        self.assertFalse(self.env["xero.connection"]._fields["access_token"].exportable)

    def test_only_system_administrators_say_where_xero_is(self):
        admin_a = new_test_user(
            self.env,
            "xero_admin_a",
            groups="xero_connector.group_xero_admin,base.group_user",
        )
        connection = self.connection.with_user(admin_a)
        with self.assertRaises(AccessError):
            connection.write({"server_url": "https://elsewhere.example"})
        with self.assertRaises(AccessError):
            connection.write({"state": "connected", "tenant_id": "forged"})
        connection.write({"account_number_source": "id"})
        self.assertEqual(self.connection.account_number_source, "id")

    def test_the_button_keeps_each_record_in_its_own_company(self):
        partner = self.env["res.partner"].create(
            {"name": "B's customer", "is_company": True, "company_id": self.company_b.id}
        )
        partner.action_xero_sync()  # company B is not connected: the record waits
        self.assertEqual(partner.with_company(self.company_b).xero_state, "pending")
        self.assertEqual(partner.with_company(self.env.company).xero_state, "not_synced")

    def test_a_xero_user_syncs_but_does_not_manage(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.user_a)
            .create({"name": "User Made", "is_company": True})
        )
        partner.action_xero_sync()
        self.assertEqual(partner.xero_state, "synced")
        with self.assertRaises(UserError):
            self.connection.with_user(self.user_a).action_disconnect()
        with self.assertRaises(AccessError):
            self.env["xero.sync.log"].with_user(self.user_a).search([])

    def test_without_the_xero_group_nobody_syncs(self):
        plain = new_test_user(self.env, "plain_user", groups="base.group_user")
        partner = self.env["res.partner"].create({"name": "Plain", "is_company": True})
        with self.assertRaises(UserError):
            partner.with_user(plain).action_xero_sync()

    def test_nobody_re_points_a_removal_or_says_it_was_sent(self):
        partner = self.env["res.partner"].create({"name": "Removed Ltd", "is_company": True})
        partner.action_xero_sync()
        removed_id = partner.xero_id
        partner.unlink()
        removal = self.env["xero.removal"].search([("xero_id", "=", removed_id)])
        self.assertEqual(removal.state, "pending")
        kept_id = next(c["ContactID"] for c in self.held_contacts() if c["ContactID"] != removed_id)
        manager = new_test_user(
            self.env, "xero_manager", groups="xero_connector.group_xero_admin,base.group_user"
        )
        changes = [
            {"xero_id": kept_id},
            {"endpoint": "Invoices"},
            {"res_model": "account.move"},
            {"state": "done"},
            {"state": "cancelled"},
        ]
        for user in (self.env.ref("base.user_admin"), manager):
            for values in changes:
                with self.subTest(user=user.login, values=values):
                    with self.assertRaises(AccessError):
                        removal.with_user(user).write(values)
        with self.assertRaises(AccessError):
            removal.sudo().write({"xero_id": kept_id})
        readonly = removal.fields_get(["xero_id", "endpoint", "res_model", "state"], ["readonly"])
        self.assertTrue(all(field["readonly"] for field in readonly.values()))
        self.run_push_cron()
        self.assertEqual((removal.state, removal.xero_id), ("done", removed_id))
        status = {c["ContactID"]: c["ContactStatus"] for c in self.held_contacts()}
        self.assertEqual(status, {removed_id: "ARCHIVED", kept_id: "ACTIVE"})
