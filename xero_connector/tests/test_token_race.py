# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two workers refreshing the same token at once, each in its own committed transaction."""

import threading
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

import requests

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import TransactionCase, tagged

from xero_client import oauth

from .common import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, Sandbox, sandbox_url


@tagged("post_install", "-at_install")
class TestRefreshRace(TransactionCase):
    """Real cursors, not the test's: the race only exists between committed transactions."""

    def setUp(self):
        super().setUp()
        self.sandbox = Sandbox(sandbox_url())
        self.sandbox.reset()
        self.connection_id = self._connect_committed()
        self.addCleanup(self._remove_committed)

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

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
            url = connection.action_connect()["url"]
            tenant = self.sandbox.tenant("GB")
            location = requests.get(
                url, params={"tenant": tenant["tenantId"]}, allow_redirects=False, timeout=30
            ).headers["Location"]
            code = parse_qs(urlparse(location).query)["code"][0]
            [authorized] = connection._finish_authorization(code)
            connection._select_tenant(authorized)
            connection.token_id.expires_at = fields.Datetime.now() - timedelta(seconds=1)
            # Xero's side too: a worker that used the old token would get a 401.
            requests.post(self.sandbox.url + "/sandbox/tokens/expire", timeout=30)
            # The race only exists between committed transactions.
            cr.commit()  # pylint: disable=invalid-commit
            return connection.id

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM xero_sync_log WHERE connection_id = %s", (self.connection_id,))
            cr.execute("DELETE FROM xero_connection WHERE id = %s", (self.connection_id,))
            cr.commit()  # pylint: disable=invalid-commit

    def _worker(self, barrier, results):
        try:
            with self.registry.cursor() as cr:
                connection = self._env(cr)["xero.connection"].browse(self.connection_id)
                barrier.wait(timeout=10)
                token = connection._access_token()
                organisation = connection._client().get_organisation()
                results.append((token, organisation.name))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results.append(error)

    def test_two_workers_refreshing_at_once_keep_a_working_connection(self):
        barrier = threading.Barrier(2)
        results = []
        workers = [
            threading.Thread(target=self._worker, args=(barrier, results)) for _index in range(2)
        ]
        # The test runner holds the registry lock while tests run; as in Odoo's own HTTP test
        # mode, the workers look the registry up without it.
        with patch.object(Registry, "_lock", DummyRLock()):
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(60)
        self.assertEqual(len(results), 2)
        for result in results:
            self.assertIsInstance(result, tuple, result)
            self.assertEqual(result[1], "Demo Company (UK)")
        with self.registry.cursor() as cr:
            connection = self._env(cr)["xero.connection"].browse(self.connection_id).sudo()
            self.assertEqual(connection.state, "connected")
            self.assertEqual(
                {token for token, _name in results},
                {connection.access_token},
                "both workers used the token that is stored",
            )
            refreshes = self._env(cr)["xero.sync.log"].search_count(
                [("connection_id", "=", connection.id), ("operation", "=", "refresh_token")]
            )
            self.assertEqual(refreshes, 1, "the second worker used the first one's token")
            # The stored refresh token is the live one: Xero accepts it.
            tokens = oauth.refresh_tokens(
                connection._endpoints(),
                connection.client_id,
                connection.client_secret,
                connection.refresh_token,
            )
            self.assertTrue(tokens.access_token)
