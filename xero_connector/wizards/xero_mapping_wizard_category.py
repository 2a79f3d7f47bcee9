# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class XeroMappingWizardCategory(models.TransientModel):
    _name = "xero.mapping.wizard.category"
    _description = "Product category to Xero accounts"

    wizard_id = fields.Many2one("xero.mapping.wizard", required=True, ondelete="cascade")
    categ_id = fields.Many2one(
        "product.category", string="Product category", required=True, readonly=True
    )
    xero_sales_account_id = fields.Many2one(
        "xero.account",
        string="Xero sales account",
        domain="[('connection_id', '=', parent.connection_id)]",
    )
    xero_purchase_account_id = fields.Many2one(
        "xero.account",
        string="Xero purchase account",
        domain="[('connection_id', '=', parent.connection_id)]",
    )

    def _apply(self, company):
        for line in self:
            category = line.categ_id.with_company(company)
            values = {
                "xero_sales_account_id": line.xero_sales_account_id.id,
                "xero_purchase_account_id": line.xero_purchase_account_id.id,
            }
            if any(category[k].id != v for k, v in values.items()):
                category.write(values)
