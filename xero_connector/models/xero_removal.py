# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..client_text import client_text
from ..xero_client.errors import RateLimited, RequestRejected, XeroError

REMOVAL_STATES = [
    ("pending", "Pending"),
    ("done", "Done"),
    ("error", "Error"),
    ("cancelled", "Cancelled"),
]
# What Xero hears, and whether it has: the connector's own to write (see _write_outcome).
SENT_FIELDS = {"connection_id", "res_model", "endpoint", "xero_id", "state"}


class XeroRemoval(models.Model):
    """A record deleted in Odoo whose Xero object must be archived, voided or deleted: the
    record is gone, so what Xero must hear is kept here until it has heard it.

    Nobody re-points a removal at another Xero object, nor says it was done: what is sent and
    its state are written by the connector alone, whatever the user's rights."""

    _name = "xero.removal"
    _description = "Xero removal to send"
    _order = "id"

    connection_id = fields.Many2one(
        "xero.connection", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    res_model = fields.Char(string="Model", required=True, readonly=True)
    record_name = fields.Char(string="Record", readonly=True)
    endpoint = fields.Char(required=True, readonly=True)
    xero_id = fields.Char(string="Xero ID", required=True, readonly=True)
    state = fields.Selection(
        REMOVAL_STATES, default="pending", required=True, readonly=True, index=True
    )
    error = fields.Text(readonly=True)

    def write(self, vals):
        if SENT_FIELDS & set(vals) and not (
            self.env.su and self.env.context.get("xero_removal_outcome")
        ):
            raise AccessError(
                self.env._(
                    "What a removal sends to Xero, and its status, are the Xero connector's "
                    "to write: nobody may change %(fields)s.",
                    fields=", ".join(sorted(SENT_FIELDS & set(vals))),
                )
            )
        return super().write(vals)

    def _write_outcome(self, values):
        """The connector's own writes of what Xero answered (and of a removal no longer to
        send): the only way a removal's state changes."""
        return self.sudo().with_context(xero_removal_outcome=True).write(values)

    @api.model
    def _queue(self, records_by_connection):
        """``{connection: [(record, route, xero_id), ...]}`` -> pending removals."""
        self.sudo().create(
            [
                {
                    "connection_id": connection.id,
                    "res_model": record._name,
                    "record_name": record.display_name,
                    "endpoint": route.endpoint,
                    "xero_id": xero_id,
                }
                for connection, entries in records_by_connection.items()
                for record, route, xero_id in entries
            ]
        )

    @api.model
    def _cancel_for(self, connection, xero_ids):
        """Xero objects an Odoo record is linked to again are no longer to be removed."""
        if xero_ids:
            self.sudo().search(
                [
                    ("connection_id", "=", connection.id),
                    ("xero_id", "in", xero_ids),
                    ("state", "=", "pending"),
                ]
            )._write_outcome({"state": "cancelled"})

    @api.model
    def _removed_ids(self, connection, xero_ids):
        """Those of these Xero objects whose Odoo record was deleted."""
        removals = self.sudo().search(
            [
                ("connection_id", "=", connection.id),
                ("xero_id", "in", list(xero_ids)),
                ("state", "in", ("pending", "done")),
            ]
        )
        return set(removals.mapped("xero_id"))

    def _send(self, connection):
        """One write to Xero for these removals (one model and endpoint, at most 50). False:
        stop for now."""
        model = self.env[self[:1].res_model]
        payloads = [model._xero_removal_payload(r.endpoint, r.xero_id) for r in self]
        started = time.monotonic()
        try:
            client = connection._client()
            results = client.save(
                self[:1].endpoint,
                payloads,
                [connection._idempotency_scope(), self._name, sorted(self.ids)],
                **model._xero_save_params(),
            )
        except RateLimited as error:
            connection._note_rate_limit(error.retry_after)
            return False
        except RequestRejected as error:
            self._write_outcome({"state": "error", "error": client_text(self.env, error)})
            return True
        except (XeroError, UserError) as error:
            connection._set_error(getattr(error, "message", None) or str(error))
            return False
        duration = time.monotonic() - started
        for removal, result in zip(self, results, strict=True):
            removal._apply_result(connection, result, duration / len(self))
        return True

    def _apply_result(self, connection, result, duration):
        message = False if result.ok else " ".join(client_text(self.env, e) for e in result.errors)
        self._write_outcome({"state": "done" if result.ok else "error", "error": message})
        self.env["xero.sync.log"]._record(
            connection,
            "remove",
            "success" if result.ok else "error",
            message
            or self.env._("%(record)s, deleted in Odoo, removed in Xero.", record=self.record_name),
            duration=duration,
        )
