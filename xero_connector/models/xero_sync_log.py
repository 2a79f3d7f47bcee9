# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

from ..client_text import client_text
from ..xero_client.masking import mask

LOG_RETENTION_DAYS = 180
OPERATIONS = [
    ("create", "Create"),
    ("update", "Update"),
    ("import", "Import"),
    ("link", "Link to existing"),
    ("remove", "Remove"),
    ("connect", "Connect"),
    ("disconnect", "Disconnect"),
    ("refresh_token", "Token refresh"),
]
OUTCOMES = [
    ("success", "Success"),
    ("error", "Error"),
    ("rate_limited", "Rate limited"),
    ("retry", "Will retry"),
]


class XeroSyncLog(models.Model):
    _name = "xero.sync.log"
    _description = "Xero Sync Log"
    _order = "id desc"
    _check_company_auto = True

    connection_id = fields.Many2one("xero.connection", index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", index=True, required=True)
    res_model = fields.Char(string="Model", index=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model")
    record_name = fields.Char(string="Record")
    operation = fields.Selection(OPERATIONS, required=True, index=True)
    outcome = fields.Selection(OUTCOMES, required=True, index=True)
    message = fields.Text()
    duration_ms = fields.Integer(string="Duration (ms)")
    xero_id = fields.Char(string="Xero ID")
    run_id = fields.Many2one("xero.run", index="btree_not_null", ondelete="set null")

    @api.model
    def _record(
        self,
        connection,
        operation,
        outcome,
        message=None,
        records=None,
        duration=0.0,
        xero_ids=None,
    ):
        """Log one exchange, once per record when it concerns records. Never a secret."""
        if not records:
            return self.sudo().create(self._row(connection, operation, outcome, message, duration))
        xero_ids = xero_ids or {}
        return self._record_each(
            connection,
            [(record, operation, xero_ids.get(record.id), message) for record in records],
            duration,
            outcome,
        )

    @api.model
    def _record_each(self, connection, entries, duration=0.0, outcome="success"):
        """Log a batch in one statement: ``entries`` are (record, operation, xero id,
        message) tuples."""
        if not entries:
            return self
        return self.sudo().create(
            [
                dict(
                    self._row(connection, operation, outcome, message, duration),
                    res_model=record._name,
                    res_id=record.id,
                    record_name=record.display_name,
                    xero_id=xero_id or False,
                )
                for record, operation, xero_id, message in entries
            ]
        )

    @api.model
    def _row(self, connection, operation, outcome, message, duration):
        return {
            "connection_id": connection.id,
            "company_id": connection.company_id.id,
            "operation": operation,
            "outcome": outcome,
            "message": client_text(self.env, mask(message)) if message else False,
            "duration_ms": int(duration * 1000),
            "run_id": self._run_seen(),
        }

    @api.model
    def _run_seen(self):
        """The run of the context, if this transaction sees its row: a run begun after this
        transaction's snapshot (PostgreSQL's repeatable read) cannot be referred to from it."""
        run_id = self.env.context.get("xero_run_id")
        if not run_id:
            return False
        seen = self.env.cr.cache.setdefault("xero_runs_seen", set())
        if run_id not in seen and self.env["xero.run"].sudo().browse(run_id).exists():
            seen.add(run_id)  # a later snapshot of this cursor sees it too
        return run_id if run_id in seen else False

    @api.autovacuum
    def _gc_old_entries(self):
        """Keep the log readable: entries older than LOG_RETENTION_DAYS go."""
        limit = fields.Datetime.now() - timedelta(days=LOG_RETENTION_DAYS)
        self.sudo().search([("create_date", "<", limit)]).unlink()

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
