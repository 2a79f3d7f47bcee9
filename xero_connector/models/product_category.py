# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    xero_sales_account_id = fields.Many2one(
        "xero.account",
        string="Xero sales account",
        company_dependent=True,
        copy=False,
        help="Xero account of this category's sales, before the income account's mapping.",
    )
    xero_purchase_account_id = fields.Many2one(
        "xero.account",
        string="Xero purchase account",
        company_dependent=True,
        copy=False,
        help="Xero account of this category's purchases, before the expense account's mapping.",
    )
