# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sync to Xero pressed on records another worker changes at the same moment: the press
leaves them to the scheduled push, in plain words, and never shows PostgreSQL's."""

from psycopg2.errors import SerializationFailure

from odoo import api
from odoo.tests import tagged
from odoo.tools import mute_logger

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

    def test_a_press_after_a_write_to_a_row_changed_elsewhere_is_run_again_by_odoo(self):
        """The request wrote a record another worker changed since it began: the press
        cannot go on in that transaction. It raises the serialization failure, which Odoo
        answers by running the whole request again, never a dead transaction's words."""
        with self.registry.cursor() as press_cr:
            press = self._as_admin(press_cr)["res.partner"].browse(self.partner_id)
            press.read(["name"])
            with self.registry.cursor() as other_cr:
                other = self._env(other_cr)["res.partner"].browse(self.partner_id)
                other.write({"comment": "Changed by another worker"})
            press.write({"color": 3})
            with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                press.action_xero_sync()
            press_cr.rollback()
        with self.registry.cursor() as retry_cr:
            press = self._as_admin(retry_cr)["res.partner"].browse(self.partner_id)
            press.write({"color": 3})
            press.action_xero_sync()
            self.assertEqual(press.xero_state, "synced")

    def tenant_id(self):
        return self.sandbox.tenant("GB")["tenantId"]


@tagged("post_install", "-at_install")
class TestScheduledWorkMeetingAnotherWorker(CommittedWorkersCase):
    def test_a_write_meeting_another_workers_commit_is_left_to_the_next_run(self):
        """What a scheduled run wrote reaches PostgreSQL inside its isolation, where meeting
        another worker's change is caught in plain words, not at a commit outside it."""
        with self.registry.cursor() as cr:
            self.partner_id = self._env(cr)["res.partner"].create({"name": "Busy Ltd"}).id
        self.addCleanup(self._remove, self.partner_id)
        with self.registry.cursor() as run_cr:
            env = self._env(run_cr)
            connection = env["xero.connection"].browse(self.connection_id)
            partner = env["res.partner"].browse(self.partner_id)
            partner.read(["name"])  # the run's snapshot starts here
            with self.registry.cursor() as other_cr:
                self._env(other_cr)["res.partner"].browse(self.partner_id).write(
                    {"comment": "Changed by another worker"}
                )

            def work():
                partner.write({"comment": "Changed by the run"})
                return True

            # Odoo logs the statement PostgreSQL refused; the connector says it in plain words.
            with mute_logger("odoo.sql_db"):
                self.assertFalse(connection._run_isolated(work))
            log = env["xero.sync.log"].search(
                [("connection_id", "=", self.connection_id)], order="id desc", limit=1
            )
            self.assertEqual(log.outcome, "retry")
            self.assertIn("Another Odoo worker", log.message)
            self.assertFalse(connection.last_error)
            # Nothing is left to fail on.
            run_cr.commit()  # pylint: disable=invalid-commit

    def _remove(self, partner_id):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM res_partner WHERE id = %s", (partner_id,))
