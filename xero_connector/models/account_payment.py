# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    xero_id = fields.Char(
        string="Xero payment ID",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The Xero payment this Odoo payment records.",
    )

    _xero_id_unique = models.UniqueIndex(
        "(company_id, xero_id) WHERE xero_id IS NOT NULL",
        "A Xero payment is recorded once in Odoo.",
    )
