# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import datetime, timezone

from odoo import api, fields, models

from ..locking import lock_quietly


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
    finished_at = fields.Datetime(
        string="Last finished",
        readonly=True,
        help="When its last complete run ended: the scheduled action runs it again once its "
        "interval has passed since.",
    )
    last_change_at = fields.Datetime(
        string="Newest change read",
        readonly=True,
        help="Xero's UpdatedDateUTC of the newest change this import has read: the imports "
        "whose changes it implies (Xero's payments, for invoices and credit notes) run when "
        "it is newer than their watermark.",
    )

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
        """Where the import resumes; its ``after`` (the resume point of the last change it
        read, oldest change first: the newest so far) is also the newest change seen."""
        after = (resume or {}).get("after")
        self.write({"resume": resume or False})
        if after:
            self._note_change(datetime.fromisoformat(after[0]))

    def _note_change(self, moment):
        """Xero changed something this import reads at ``moment`` (Xero's UpdatedDateUTC)."""
        if moment.tzinfo:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        if not self.last_change_at or moment > self.last_change_at:
            self.write({"last_change_at": moment})

    def _keep_place(self, resume):
        """Where the import resumes, as the run leaves it; unless another worker took the
        import over since a commit of its pages."""
        if lock_quietly(self):
            self.write({"resume": resume, "last_run_at": fields.Datetime.now()})

    def _still_ours(self, resume):
        """After a commit: whether this transaction holds the import again, as it left it
        (no other worker took it over and moved it on meanwhile)."""
        if not lock_quietly(self):
            return False
        self.invalidate_recordset(["resume"])
        return (self.resume or {}) == json.loads(json.dumps(resume))

    def _finish(self, watermark):
        self.write({"watermark": watermark, "resume": False, "finished_at": fields.Datetime.now()})

    def _changed_since(self, moment):
        """Whether this import read a change of Xero's from ``moment`` on (None: ever). The
        same second counts: Odoo keeps both to the second."""
        return bool(self.last_change_at and (not moment or self.last_change_at >= moment))
