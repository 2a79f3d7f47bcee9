# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Workers renewing, expiring, storing and forgetting one connection's tokens at once, each in
its own committed transaction, against the sandbox over HTTP."""

import random
import threading
import time
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

import requests

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import TransactionCase, tagged

from ..models.xero_connection import XeroNeedsReconnect
from ..xero_client import oauth
from .common import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, Sandbox, sandbox_url

ROUNDS = 60
WORKERS = 3
# Round r releases its workers (1 + r % 12) * STEP_SECONDS apart: a renewal takes a few
# milliseconds, so over the rounds some worker comes just as another one commits it.
STEP_SECONDS = 0.001


class CommittedWorkersCase(TransactionCase):
    """Real cursors, not the test's: races only exist between committed transactions. A
    connection committed for the test, removed after it, and workers in threads."""

    def setUp(self):
        super().setUp()
        self.sandbox = Sandbox(sandbox_url())
        self.sandbox.reset()
        # Many rounds of calls: the per-minute limit is not what this test is about.
        self.sandbox.set_limits(refresh_grace_seconds=0, per_minute=10000)
        self.connection_id = self._connect_committed()
        self.addCleanup(self._remove_committed)
        # The test runner holds the registry lock while tests run; as in Odoo's own HTTP test
        # mode, the workers look the registry up without it.
        lock = patch.object(Registry, "_lock", DummyRLock())
        lock.start()
        self.addCleanup(lock.stop)

    def _env(self, cr):
        # As a scheduled action runs.
        return api.Environment(cr, SUPERUSER_ID, {}, su=True)

    def _authorization_code(self, connection):
        url = connection.action_connect()["url"]
        tenant = self.sandbox.tenant("GB")
        location = requests.get(
            url, params={"tenant": tenant["tenantId"]}, allow_redirects=False, timeout=30
        ).headers["Location"]
        return parse_qs(urlparse(location).query)["code"][0]

    def _connect_committed(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            connection = env["xero.connection"]._for_company(env.ref("base.main_company"))
            connection.write(
                {
                    "server_url": self.sandbox.url,
                    "client_id": SANDBOX_CLIENT_ID,
                    "client_secret": SANDBOX_CLIENT_SECRET,
                }
            )
            code = self._authorization_code(connection)
            [authorized] = connection._finish_authorization(code)
            connection._select_tenant(authorized)
            connection.minute_call_limit = 10000  # as the sandbox's, above
            # The race only exists between committed transactions.
            cr.commit()  # pylint: disable=invalid-commit
            return connection.id

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM xero_sync_log WHERE connection_id = %s", (self.connection_id,))
            cr.execute("DELETE FROM xero_connection WHERE id = %s", (self.connection_id,))
            cr.commit()  # pylint: disable=invalid-commit

    def _expire_everywhere(self):
        """The stored token expires, and Xero's side too: a worker that used the old token
        would get a 401."""
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE xero_token SET expires_at = %s WHERE connection_id = %s",
                (fields.Datetime.now() - timedelta(seconds=1), self.connection_id),
            )
        requests.post(self.sandbox.url + "/sandbox/tokens/expire", timeout=30)

    def _stored(self):
        with self.registry.cursor() as cr:
            connection = self._env(cr)["xero.connection"].browse(self.connection_id)
            refreshes = self._env(cr)["xero.sync.log"].search_count(
                [("connection_id", "=", connection.id), ("operation", "=", "refresh_token")]
            )
            return {
                "state": connection.state,
                "last_error": connection.last_error,
                "access_token": connection.access_token,
                "refresh_token": connection.refresh_token,
                "refreshes": refreshes,
            }

    def _in_own_transaction(self, work, results, barrier=None, delay=0.0):
        """Run ``work(connection)`` in a transaction of its own, as a worker would."""
        try:
            with self.registry.cursor() as cr:
                connection = self._env(cr)["xero.connection"].browse(self.connection_id)
                cr.execute("SELECT 1")  # the transaction's snapshot starts here
                if barrier:
                    barrier.wait(timeout=10)
                time.sleep(delay)
                results.append(work(connection))
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            results.append(error)

    def _run_together(self, works, step=0.0):
        """One worker per work, released together, the i-th ``i * step`` seconds (give or take
        two milliseconds) after the first: over the rounds, some reach Xero just as another one
        commits its renewal."""
        barrier = threading.Barrier(len(works))
        results = []
        threads = [
            threading.Thread(
                target=self._in_own_transaction,
                args=(work, results, barrier, index * step + random.uniform(0, 0.002)),  # noqa: S311
            )
            for index, work in enumerate(works)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        return results


@tagged("post_install", "-at_install")
class TestRefreshRace(CommittedWorkersCase):
    """The sandbox refuses a spent refresh token at once (no grace period), as Xero does once
    its grace period is over: a rotation lost by one worker shows as invalid_grant."""

    @staticmethod
    def _use_the_api(connection):
        token = connection._access_token()
        return token, connection._client().get_organisation().name

    def test_workers_refreshing_at_once_keep_a_working_connection(self):
        for round_ in range(ROUNDS):
            self._expire_everywhere()
            before = self._stored()
            results = self._run_together(
                [self._use_the_api] * WORKERS, step=(1 + round_ % 12) * STEP_SECONDS
            )
            self.assertEqual(len(results), WORKERS, "round %s" % round_)
            for result in results:
                self.assertIsInstance(result, tuple, "round %s: %r" % (round_, result))
                self.assertEqual(result[1], "Demo Company (UK)")
            after = self._stored()
            self.assertEqual(
                after["state"], "connected", "round %s: %s" % (round_, after["last_error"])
            )
            self.assertEqual(
                {token for token, _name in results},
                {after["access_token"]},
                "round %s: every worker used the token that is stored" % round_,
            )
            self.assertEqual(
                after["refreshes"] - before["refreshes"],
                1,
                "round %s: one worker renewed, the others used its token" % round_,
            )
            self.assertNotEqual(after["refresh_token"], before["refresh_token"])
        # The stored refresh token is the live one: Xero accepts it.
        tokens = oauth.refresh_tokens(
            self._endpoints(),
            SANDBOX_CLIENT_ID,
            SANDBOX_CLIENT_SECRET,
            self._stored()["refresh_token"],
        )
        self.assertTrue(tokens.access_token)

    def _endpoints(self):
        with self.registry.cursor() as cr:
            return self._env(cr)["xero.connection"].browse(self.connection_id)._endpoints()

    def test_a_refused_token_is_renewed_while_others_renew_it_too(self):
        """A worker whose call Xero refused (401) expires the token and renews it in the same
        transaction, while other workers renew it too."""

        def refused_then_retried(connection):
            first = connection._access_token()
            connection._expire_access_token()
            return connection._access_token(), connection._client().get_organisation().name, first

        for round_ in range(10):
            self._expire_everywhere()
            started = time.monotonic()
            results = self._run_together(
                [refused_then_retried] + [self._use_the_api] * (WORKERS - 1),
                step=round_ * 2 * STEP_SECONDS,
            )
            self.assertLess(time.monotonic() - started, 10, "round %s: nobody waited" % round_)
            for result in results:
                self.assertIsInstance(result, tuple, "round %s: %r" % (round_, result))
                self.assertEqual(result[1], "Demo Company (UK)")
            retried = next(r for r in results if len(r) == 3)
            self.assertNotEqual(retried[0], retried[2], "the refused token was renewed")
            after = self._stored()
            self.assertEqual(after["state"], "connected")
            self.assertEqual(retried[0], after["access_token"])

    def _hold_open_while(self, first, second):
        """Run ``first`` in a transaction kept open until ``second``, in another worker, is
        done (at most 5 seconds); return both results and whether ``second`` finished while
        the first transaction was still open."""
        first_results, second_results, waited = [], [], []
        done, started = threading.Event(), threading.Event()

        def hold(connection):
            outcome = first(connection)
            started.set()
            # True when the second worker finished while this transaction was open.
            waited.append(done.wait(5))
            return outcome

        holder = threading.Thread(target=self._in_own_transaction, args=(hold, first_results))
        holder.start()
        started.wait(10)  # the first worker is in the middle of its transaction
        self._in_own_transaction(second, second_results)
        done.set()
        holder.join(30)
        return first_results, second_results, waited == [True]

    def test_disconnecting_does_not_keep_other_workers_waiting(self):
        self._expire_everywhere()
        first, second, while_open = self._hold_open_while(
            lambda connection: connection.action_disconnect(), self._use_the_api
        )
        self.assertEqual(first, [True])
        self.assertTrue(while_open, "the other worker did not wait for the disconnect")
        [outcome] = second
        # It renewed before the tokens were forgotten, or found none left.
        self.assertTrue(
            isinstance(outcome, XeroNeedsReconnect)
            or (isinstance(outcome, tuple) and outcome[1] == "Demo Company (UK)"),
            outcome,
        )
        stored = self._stored()
        self.assertEqual(stored["state"], "disconnected")
        self.assertFalse(stored["access_token"] or stored["refresh_token"])

    def test_reconnecting_does_not_keep_other_workers_waiting(self):
        with self.registry.cursor() as cr:
            code = self._authorization_code(
                self._env(cr)["xero.connection"].browse(self.connection_id)
            )
        self._expire_everywhere()

        def reconnect(connection):
            tenants = connection._finish_authorization(code)
            return [t["tenantName"] for t in tenants], connection._access_token()

        first, second, while_open = self._hold_open_while(reconnect, self._use_the_api)
        self.assertEqual(len(first), 1, first)
        self.assertIsInstance(first[0], tuple, first)
        tenants, new_token = first[0]
        self.assertEqual(tenants, ["Demo Company (UK)"])
        self.assertTrue(while_open, "the other worker did not wait for the reconnect")
        self.assertIsInstance(second[0], tuple, second)
        self.assertEqual(second[0][1], "Demo Company (UK)")
        stored = self._stored()
        self.assertEqual(stored["state"], "connected")
        self.assertEqual(stored["access_token"], new_token, "the new authorisation is kept")
        # Its refresh token is the live one.
        tokens = oauth.refresh_tokens(
            self._endpoints(), SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, stored["refresh_token"]
        )
        self.assertTrue(tokens.access_token)


@tagged("post_install", "-at_install")
class TestLostAuthorisation(CommittedWorkersCase):
    def test_a_refused_refresh_token_is_remembered_though_the_caller_rolls_back(self):
        """A button that meets a dead refresh token shows the error, and its transaction
        rolls back: the connection still says it must be reconnected, and the next attempt
        spends no call on the dead token."""
        self._expire_everywhere()
        refusals = []

        def refused(*args, **kwargs):
            refusals.append(1)
            raise oauth.OAuthError("invalid_grant")

        results = []
        with patch.object(oauth, "refresh_tokens", refused):
            self._in_own_transaction(lambda connection: connection._client(), results)
            self.assertIsInstance(results[-1], XeroNeedsReconnect)
            stored = self._stored()
            self.assertEqual(stored["state"], "needs_reconnect")
            self.assertIn("invalid_grant", stored["last_error"])
            self._in_own_transaction(lambda connection: connection._client(), results)
            self.assertIsInstance(results[-1], XeroNeedsReconnect)
        self.assertEqual(len(refusals), 1, "the dead token was tried once")


@tagged("post_install", "-at_install")
class TestConnectAndSendInOneTransaction(CommittedWorkersCase):
    """A server action or an import script connects a company and sends in one go: the
    claims Odoo commits on a cursor of their own cannot see that uncommitted connection."""

    def test_a_company_connected_and_sent_in_one_transaction(self):
        tenant = self.sandbox.tenant("AU")
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env["res.company"].create({"name": "One Go Pty Ltd"})
            connection = env["xero.connection"]._for_company(company)
            connection.write(
                {
                    "server_url": self.sandbox.url,
                    "client_id": SANDBOX_CLIENT_ID,
                    "client_secret": SANDBOX_CLIENT_SECRET,
                }
            )
            url = connection.action_connect()["url"]
            location = requests.get(
                url, params={"tenant": tenant["tenantId"]}, allow_redirects=False, timeout=30
            ).headers["Location"]
            code = parse_qs(urlparse(location).query)["code"][0]
            [authorized] = connection._finish_authorization(code)
            connection._select_tenant(authorized)
            partner = env["res.partner"].create(
                {"name": "One Go Supplies", "is_company": True, "company_id": company.id}
            )
            partner.with_company(company).action_xero_sync()
            self.assertEqual(partner.with_company(company).xero_state, "synced")
            cr.rollback()
        held = self.sandbox.held(tenant["tenantId"], "Contacts")
        self.assertEqual([c["Name"] for c in held], ["One Go Supplies"])


@tagged("post_install", "-at_install")
class TestCountedInTransactionsOfTheirOwn(CommittedWorkersCase):
    """Xero's calls and the scheduled runs are written in transactions of their own: a run
    that fails and rolls back still shows, with the calls it made."""

    def test_a_run_that_fails_midway_shows_with_its_calls(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            connection = env["xero.connection"].browse(self.connection_id)
            with (
                self.assertRaises(RuntimeError),
                env["xero.run"]._recording(connection, "push") as recorded,
            ):
                recorded._client().get_organisation()
                raise RuntimeError("killed midway")
            cr.rollback()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            calls = env["xero.call"].search(
                [("connection_id", "=", self.connection_id), ("run_id", "!=", False)]
            )
            self.assertEqual(calls.mapped("operation"), ["get_organisations"])
            self.assertEqual(calls.status, 200)
            run = calls.run_id
            self.assertEqual((run.action, run.outcome, run.calls), ("push", "error", 1))
            self.assertIn("killed midway", run.summary)
