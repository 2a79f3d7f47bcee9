# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Xero's limits of an organisation (5 calls in flight, 60 a minute) held by every worker's
calls together, through PostgreSQL, before Xero has to refuse any: workers in threads, each
in transactions of its own, against the sandbox over HTTP."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..xero_client.errors import RateLimited
from .test_token_race import CommittedWorkersCase

WORKERS = 8
CALLS_EACH = 3


@tagged("post_install", "-at_install")
class TestLimitsAcrossWorkers(CommittedWorkersCase):
    def setUp(self):
        super().setUp()
        # Xero's own limits, as the sandbox applies them.
        self.sandbox.set_limits(per_minute=60, concurrent=5)
        with self.registry.cursor() as cr:
            self._env(cr)["xero.connection"].browse(self.connection_id).minute_call_limit = 60
        self.sandbox._call("DELETE", "/sandbox/requests")  # and the calls connecting made

    def _calls_made_before(self, moments, **values):
        """Calls of the connection's, answered at these moments (as other workers made)."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            connection = env["xero.connection"].browse(self.connection_id)
            for moment in moments:
                env["xero.call"].create(
                    {
                        "connection_id": connection.id,
                        "company_id": connection.company_id.id,
                        "called_at": moment,
                        "operation": "get_contacts",
                        "status": 200,
                        **values,
                    }
                )

    def _organisation_calls_seen(self):
        return self.sandbox.calls().get("GET Organisation", 0)

    def _call_once(self):
        with self.registry.cursor() as cr:
            connection = self._env(cr)["xero.connection"].browse(self.connection_id)
            return connection._client().get_organisation()

    def test_workers_together_keep_five_calls_in_flight(self):
        """Eight workers calling at once, each call a second long at Xero: none is refused
        for too many calls at once (the sandbox refuses a sixth, as Xero does)."""
        self.sandbox.add_fault(kind="latency", seconds=1, path="/Organisation")

        def three_calls(connection):
            refused = []
            for _call in range(CALLS_EACH):
                try:
                    connection._client().get_organisation()
                except RateLimited as error:
                    refused.append(error.problem)
            return refused

        results = self._run_together([three_calls] * WORKERS)
        self.assertEqual(len(results), WORKERS)
        self.assertEqual(results, [[]] * WORKERS, "no call refused, no worker failed")
        self.assertEqual(self._organisation_calls_seen(), WORKERS * CALLS_EACH)

    def test_a_minute_full_of_other_workers_calls_waits_before_xero_refuses(self):
        now = fields.Datetime.now()
        self._calls_made_before([now - timedelta(seconds=5)] * 60)
        with self.assertRaises(RateLimited) as caught:
            self._call_once()
        self.assertEqual(caught.exception.problem, "minute")
        self.assertGreaterEqual(caught.exception.retry_after, 50)
        self.assertEqual(self._organisation_calls_seen(), 0, "the call never reached Xero")

    def test_a_call_waits_for_the_oldest_of_the_minute_to_age_out(self):
        now = fields.Datetime.now()
        self._calls_made_before([now - timedelta(seconds=59)] * 60)
        organisation = self._call_once()
        self.assertTrue(organisation.name)
        self.assertEqual(self._organisation_calls_seen(), 1)

    def test_xero_saying_none_left_this_minute_waits(self):
        """Calls made by another program with the same app (another Odoo database, a
        script) are Xero's to count: X-MinLimit-Remaining says what is left."""
        self._calls_made_before([fields.Datetime.now()], minute_calls_left=0)
        with self.assertRaises(RateLimited):
            self._call_once()
        self.assertEqual(self._organisation_calls_seen(), 0)

    def test_xero_saying_some_left_goes(self):
        self._calls_made_before([fields.Datetime.now()], minute_calls_left=2)
        self._call_once()
        self.assertEqual(self._organisation_calls_seen(), 1)

    def test_calls_of_another_organisation_leave_this_one_free(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            other = env["xero.connection"]._for_company(
                env["res.company"].create({"name": "Other Xero company"})
            )
            other_id = other.id
            company_id = other.company_id.id
        self.addCleanup(self._remove_company, other_id, company_id)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            for _call in range(60):
                env["xero.call"].create(
                    {
                        "connection_id": other_id,
                        "company_id": company_id,
                        "called_at": fields.Datetime.now(),
                        "status": 200,
                    }
                )
        self._call_once()
        self.assertEqual(self._organisation_calls_seen(), 1)

    def _remove_company(self, connection_id, company_id):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM xero_connection WHERE id = %s", (connection_id,))
            cr.execute("DELETE FROM res_company WHERE id = %s", (company_id,))
