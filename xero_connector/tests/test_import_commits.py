# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An import that fails keeps what the imports before it did, from the Settings button (a
request, over HTTP) as from the scheduled action: each import commits its own progress."""

from unittest.mock import patch

from odoo.tests import tagged

from .common import XeroCase

CONNECTION_LOGGER = "odoo.addons.xero_connector.models.xero_connection"


def broken_import(records, connection):
    raise RuntimeError("This import broke.")


@tagged("post_install", "-at_install")
class TestImportsCommitTheirProgress(XeroCase):
    def _seed(self):
        return True

    def break_import(self, model_name, method):
        """The import fails in a way no import catches (a bug, a lost database connection):
        the run goes on after rolling its work back."""
        return patch.object(type(self.env[model_name]), method, broken_import)

    def assertContactsImported(self):
        self.env.invalidate_all()
        held = self.held_contacts()
        imported = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("xero_id", "in", [c["ContactID"] for c in held])])
        )
        self.assertEqual(len(imported), len(held), "the contacts' import is kept")
        self.assertTrue(self.connection._import_cursor("contacts").watermark)

    def test_a_failing_import_keeps_what_the_earlier_ones_of_the_click_imported(self):
        self.authenticate("admin", "admin")
        self.env.flush_all()
        with (
            self.break_import("product.product", "_xero_import_items"),
            self.assertLogs(CONNECTION_LOGGER, "ERROR"),
        ):
            action = self.make_jsonrpc_request(
                "/web/dataset/call_button/xero.connection/action_import_changes",
                {
                    "model": "xero.connection",
                    "method": "action_import_changes",
                    "args": [[self.connection.id]],
                    "kwargs": {},
                },
            )
        self.assertEqual(action["params"]["type"], "success")
        self.assertContactsImported()
        self.assertFalse(self.connection._import_cursor("items").watermark)
        self.assertTrue(
            self.connection._import_cursor("partner_summaries").watermark,
            "the imports after the failed one ran",
        )
        failures = self.env["xero.sync.log"].search([("outcome", "=", "error")])
        self.assertEqual(failures.mapped("message"), ["This import broke."])

    def test_the_scheduled_import_commits_each_import_as_it_ends(self):
        """The items import commits nothing on its own (one call): a later import that fails
        must not roll it back, nor the end of the contacts' one."""
        with (
            self.break_import("purchase.order", "_xero_import_purchase_orders"),
            self.assertLogs(CONNECTION_LOGGER, "ERROR"),
        ):
            self.env.ref("xero_connector.ir_cron_xero_import").method_direct_trigger()
        self.assertContactsImported()
        self.assertTrue(self.connection._import_cursor("items").watermark)
