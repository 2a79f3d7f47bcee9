# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .xero_sync_mixin import HEALTH_BUCKETS

# Room for the synced models of one connection in the view's ids.
KINDS_PER_CONNECTION = 100
# The list each count opens, with its bulk Retry; another synced model gets its default list.
HEALTH_LIST_VIEWS = {
    "res.partner": "xero_connector.view_partner_xero_health_list",
    "product.product": "xero_connector.view_product_xero_health_list",
    "purchase.order": "xero_connector.view_purchase_order_xero_health_list",
    "account.move": "xero_connector.view_move_xero_health_list",
    "xero.odoo.payment": "xero_connector.view_xero_odoo_payment_list",
}


class XeroSyncHealth(models.Model):
    """One kind of synced record of one connection, with how many of its records are
    pending, waiting for a dependency and in error: a row of the health dashboard, each count
    a click away from its records."""

    _name = "xero.sync.health"
    _description = "Xero sync health of a kind of record"
    _auto = False
    _order = "connection_id, sequence"
    _rec_name = "kind"

    connection_id = fields.Many2one("xero.connection", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    sequence = fields.Integer(readonly=True)
    res_model = fields.Char(string="Model", readonly=True)
    kind = fields.Char(string="Records", compute="_compute_counts")
    pending_count = fields.Integer(string="Pending", compute="_compute_counts")
    waiting_count = fields.Integer(string="Waiting for a dependency", compute="_compute_counts")
    error_count = fields.Integer(string="In error", compute="_compute_counts")

    def init(self):
        models_ = self.env["xero.connection"]._synced_models()
        kinds = SQL(", ").join(SQL("(%s, %s)", index, name) for index, name in enumerate(models_))
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW xero_sync_health AS (
                    SELECT c.id * %s + k.sequence AS id, c.id AS connection_id,
                           c.company_id, k.sequence, k.res_model
                      FROM xero_connection c CROSS JOIN (VALUES %s) AS k(sequence, res_model)
                )""",
                KINDS_PER_CONNECTION,
                kinds,
            )
        )

    def _compute_counts(self):
        for row in self:
            row.kind = row._kind_label()
            if row.res_model not in self.env:
                row.pending_count = row.waiting_count = row.error_count = 0
                continue
            model = row._records_model()
            for bucket, _label in HEALTH_BUCKETS:
                row["%s_count" % bucket] = model.search_count(
                    model._xero_health_domain(row.connection_id.sudo(), bucket)
                )

    def _kind_label(self):
        labels = {
            "res.partner": self.env._("Contacts"),
            "product.product": self.env._("Products"),
            "purchase.order": self.env._("Purchase orders"),
            "account.move": self.env._("Invoices, bills and credit notes"),
            "xero.odoo.payment": self.env._("Payments to Xero"),
        }
        return labels.get(self.res_model) or self.env["ir.model"]._get(self.res_model).name

    def _records_model(self):
        """The records' model, in the connection's company, archived records included (Xero
        must hear of an archiving too)."""
        return (
            self.env[self.res_model].with_company(self.company_id).with_context(active_test=False)
        )

    def action_open_pending(self):
        return self._open_bucket("pending")

    def action_open_waiting(self):
        return self._open_bucket("waiting")

    def action_open_errors(self):
        return self._open_bucket("error")

    def _open_bucket(self, bucket):
        """The records of one count, in a list with a bulk Retry."""
        self.ensure_one()
        model = self._records_model()
        label = dict(HEALTH_BUCKETS)[bucket]
        return {
            "type": "ir.actions.act_window",
            "name": "%s: %s" % (self.kind, label),
            "res_model": self.res_model,
            "views": [(self._health_list_view_id(), "list"), (False, "form")],
            "domain": model._xero_health_domain(self.connection_id.sudo(), bucket),
            "context": {"active_test": False},
        }

    def _health_list_view_id(self):
        xml_id = HEALTH_LIST_VIEWS.get(self.res_model)
        view = xml_id and self.env.ref(xml_id, raise_if_not_found=False)
        return view.id if view else False

    @api.model
    def _for_connection(self, connection):
        return self.search([("connection_id", "=", connection.id)])
