# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class XeroImportCursor(models.Model):
    """How far one kind of import from Xero (contacts, items, invoices...) has gone for one
    connection: the watermark the next run asks ``If-Modified-Since``, and where an
    unfinished run resumes."""

    _name = "xero.import.cursor"
    _description = "Xero import progress"
    _order = "connection_id, name"

    connection_id = fields.Many2one(
        "xero.connection", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    name = fields.Char(string="Import", required=True)
    watermark = fields.Datetime(
        string="Imported up to",
        readonly=True,
        help="Xero changes after this moment are fetched by the next import.",
    )
    resume = fields.Json(readonly=True, help="Where the unfinished import resumes.")
    last_run_at = fields.Datetime(readonly=True)

    _name_unique = models.Constraint(
        "unique(connection_id, name)", "One progress record per connection and import."
    )

    @api.model
    def _for(self, connection, name):
        cursor = self.sudo().search(
            [("connection_id", "=", connection.id), ("name", "=", name)], limit=1
        )
        return cursor or self.sudo().create({"connection_id": connection.id, "name": name})

    def _keep_resume(self, resume):
        self.write({"resume": resume or False})

    def _finish(self, watermark):
        self.write({"watermark": watermark, "resume": False})
