# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .product_product import PRODUCT_SYNCED_FIELDS
from .xero_sync_mixin import XERO_STATES


class ProductTemplate(models.Model):
    _inherit = "product.template"

    # The Xero item is the variant's: shown here for products without variants.
    xero_state = fields.Selection(XERO_STATES, string="Xero status", compute="_compute_xero_fields")
    xero_error = fields.Text(string="Xero error", compute="_compute_xero_fields")
    xero_synced_at = fields.Datetime(string="Last sent to Xero", compute="_compute_xero_fields")
    xero_id = fields.Char(string="Xero ID", compute="_compute_xero_fields")

    @api.depends_context("company")
    @api.depends("product_variant_ids")
    def _compute_xero_fields(self):
        for template in self:
            variant = template.product_variant_ids[:1]
            template.xero_state = variant.xero_state or "not_synced"
            template.xero_error = variant.xero_error
            template.xero_synced_at = variant.xero_synced_at
            template.xero_id = variant.xero_id

    def write(self, vals):
        result = super().write(vals)
        if not self.env.context.get("xero_no_dirty") and set(vals) & set(PRODUCT_SYNCED_FIELDS):
            self.product_variant_ids._xero_mark_dirty()
        return result

    def action_xero_sync(self):
        return self.product_variant_ids.action_xero_sync()
