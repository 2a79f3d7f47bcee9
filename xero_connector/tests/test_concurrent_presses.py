# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sync to Xero pressed on records another worker changes at the same moment: the press
leaves them to the scheduled push, in plain words, and never shows PostgreSQL's."""

from odoo import api
from odoo.tests import tagged

from .test_token_race import CommittedWorkersCase


@tagged("post_install", "-at_install")
class TestPressWhileAnotherWorkerWrites(CommittedWorkersCase):
    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            partner = self._env(cr)["res.partner"].create(
                {"name": "Pressed Twice Ltd", "is_company": True}
            )
            self.partner_id = partner.id
        self.addCleanup(self._remove_partner)

    def _remove_partner(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM res_partner WHERE id = %s", (self.partner_id,))

    def _as_admin(self, cr):
        return api.Environment(cr, self.env.ref("base.user_admin").id, {})

    def test_a_press_on_a_record_just_changed_elsewhere_goes_in_the_background(self):
        with self.registry.cursor() as press_cr:
            press = self._as_admin(press_cr)["res.partner"].browse(self.partner_id)
            press.read(["name"])  # the request's snapshot starts here
            with self.registry.cursor() as other_cr:
                other = self._env(other_cr)["res.partner"].browse(self.partner_id)
                other.write({"xero_state": "error", "xero_error": "Changed by another worker"})
            answer = press.action_xero_sync()
        message = answer["params"]["message"]
        self.assertIn("in the background", message)
        for words in ("serialize", "concurrent update", "psycopg2"):
            self.assertNotIn(words, message)
        self.assertFalse(self.sandbox.held(self.tenant_id(), "Contacts"))
        with self.registry.cursor() as cr:
            env = self._env(cr)
            connection = env["xero.connection"].browse(self.connection_id)
            self.assertFalse(connection.last_error)
            env["xero.connection"]._cron_push_pending()
            partner = env["res.partner"].browse(self.partner_id)
            self.assertEqual(partner.xero_state, "synced")
        self.assertEqual(
            [c["Name"] for c in self.sandbox.held(self.tenant_id(), "Contacts")],
            ["Pressed Twice Ltd"],
        )

    def tenant_id(self):
        return self.sandbox.tenant("GB")["tenantId"]
