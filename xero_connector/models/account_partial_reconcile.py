# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["xero.odoo.payment"]._note_stale(partials._xero_documents())
        return partials

    def unlink(self):
        self.env["xero.odoo.payment"]._note_stale(self._xero_documents())
        return super().unlink()

    def _xero_documents(self):
        """The journal entries these reconciliations match (documents among them)."""
        return (self.debit_move_id | self.credit_move_id).move_id
