# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Xero's rate limit, noted by one worker, holds for every worker whatever becomes of the
transaction that met it."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .test_token_race import CommittedWorkersCase


@tagged("post_install", "-at_install")
class TestRateLimitNote(CommittedWorkersCase):
    def _noted_end(self):
        with self.registry.cursor() as cr:
            return self._env(cr)["xero.connection"].browse(self.connection_id).rate_limited_until

    def test_a_note_outlives_the_rollback_of_the_transaction_that_met_the_limit(self):
        with self.registry.cursor() as cr:
            connection = self._env(cr)["xero.connection"].browse(self.connection_id)
            connection.read(["rate_limited_until"])  # the transaction's snapshot starts here
            until = connection._note_rate_limit(120)
            self.assertTrue(connection._is_rate_limited(), "the caller knows at once")
            self.assertIn("sending resumes at", connection._rate_limit_message())
            cr.rollback()  # e.g. a serialization failure of its own writes
        self.assertEqual(self._noted_end(), until.replace(microsecond=0))
        with self.registry.cursor() as cr:
            other = self._env(cr)["xero.connection"].browse(self.connection_id)
            self.assertTrue(other._is_rate_limited(), "another worker waits too")

    def test_the_later_end_wins_whoever_notes_last(self):
        with self.registry.cursor() as cr:
            first = self._env(cr)["xero.connection"].browse(self.connection_id)
            first.read(["rate_limited_until"])
            long_end = first._note_rate_limit(3 * 3600)  # a day limit: hours
            with self.registry.cursor() as other_cr:
                other = self._env(other_cr)["xero.connection"].browse(self.connection_id)
                other._note_rate_limit(30)  # a minute limit met after it
                self.assertGreater(other._rate_limit_end(), fields.Datetime.now())
        end = self._noted_end()
        self.assertEqual(end, long_end.replace(microsecond=0))
        self.assertGreater(end, fields.Datetime.now() + timedelta(hours=2))

    def test_a_note_while_the_caller_holds_the_connection_is_kept_in_its_transaction(self):
        with self.registry.cursor() as cr:
            connection = self._env(cr)["xero.connection"].browse(self.connection_id)
            connection.write({"last_error": "held by this transaction"})
            connection.flush_recordset()
            until = connection._note_rate_limit(60)
            self.assertTrue(connection._is_rate_limited())
        self.assertEqual(self._noted_end(), until.replace(microsecond=0))
