# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from xero_client.mappings.item import item_from_xero, item_to_xero

from .xero_sync_mixin import XERO_STATES, XeroDataError

PRODUCT_SYNCED_FIELDS = (
    "default_code",
    "name",
    "description_sale",
    "description_purchase",
    "list_price",
    "standard_price",
    "sale_ok",
    "purchase_ok",
    "taxes_id",
    "supplier_taxes_id",
    "categ_id",
    "active",
    "property_account_income_id",
    "property_account_expense_id",
)


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "xero.sync.mixin"]

    _xero_endpoint = "Items"
    _xero_id_field = "ItemID"
    _xero_link_kind = None  # Xero has no deep link to an item
    _xero_synced_fields = PRODUCT_SYNCED_FIELDS

    # Products are usually shared by the companies, each with its own organisation.
    xero_id = fields.Char(company_dependent=True)
    xero_state = fields.Selection(XERO_STATES, company_dependent=True, default="not_synced")
    xero_synced_at = fields.Datetime(company_dependent=True)
    xero_error = fields.Text(company_dependent=True)

    # -- Odoo to Xero ---------------------------------------------------------------------
    def _xero_save_params(self):
        return {"unitdp": 4}  # unit prices to 4 decimals, as Odoo keeps them

    def _xero_prepare(self, connection):
        self.ensure_one()
        if not self.default_code:
            raise XeroDataError(
                self.env._(
                    "Product '%(product)s' has no Internal Reference: Xero items need a code.",
                    product=self.display_name,
                )
            )
        return item_to_xero(self._xero_values(connection))

    def _xero_values(self, connection):
        product = self.with_company(connection.company_id)
        mapping = self.env["xero.mapping"]
        accounts = product.product_tmpl_id._get_product_accounts()
        values = {
            "code": product.default_code,
            "name": product.name,
            "description_sale": product.description_sale or "",
            "description_purchase": product.description_purchase or "",
            "list_price": product.lst_price,
            "standard_price": product.standard_price,
            "sale_ok": product.sale_ok,
            "purchase_ok": product.purchase_ok,
            "xero_id": product.xero_id or None,
            "sales_account_code": None,
            "purchase_account_code": None,
            "sales_tax_type": None,
            "purchase_tax_type": None,
        }
        if product.sale_ok:
            values["sales_account_code"] = mapping._account_code(
                connection, "sale", accounts.get("income"), product.categ_id
            )
            values["sales_tax_type"] = mapping._tax_type(connection, product.taxes_id)
        if product.purchase_ok:
            values["purchase_account_code"] = mapping._account_code(
                connection, "purchase", accounts.get("expense"), product.categ_id
            )
            values["purchase_tax_type"] = mapping._tax_type(connection, product.supplier_taxes_id)
        return values

    def _xero_link_existing(self, connection, client, payloads):
        """Before creating, link to the Xero item with the same code."""
        new = self.filtered(lambda p: not p.xero_id)
        if not new:
            return self.browse()
        found = {item.code.strip(): item for item in client.find_items(new.mapped("default_code"))}
        linked = self.browse()
        for product in new:
            item = found.get((product.default_code or "").strip())
            if item:
                payloads[product.id].item_id = item.item_id
                linked |= product
        return linked

    # -- Xero to Odoo ---------------------------------------------------------------------
    @api.model
    def _xero_import_items(self, connection):
        """Import the organisation's items changed since the last run, linked by code."""
        products = self.with_company(connection.company_id).with_context(
            xero_no_dirty=True, active_test=False
        )

        def import_since(since, resume):
            items = connection._client().get_items(if_modified_since=since)
            for item in items:
                products._xero_import_item(item_from_xero(item))
            return len(items), True

        return self._xero_import(connection, "items_imported_at", import_since, self.env._("items"))

    def _xero_import_item(self, values):
        product = self.search([("xero_id", "=", values["xero_id"])], limit=1) or self.search(
            [("default_code", "=", values["code"])], limit=1
        )
        if product and product.xero_state == "pending":
            return product  # Odoo has unsent changes: they win, and go to Xero next
        vals = {
            "default_code": values["code"],
            "name": values["name"] or values["code"],
            "description_sale": values.get("description_sale") or False,
            "description_purchase": values.get("description_purchase") or False,
            "sale_ok": values.get("sale_ok", True),
            "purchase_ok": values.get("purchase_ok", True),
        }
        if values.get("list_price") is not None:
            vals["list_price"] = values["list_price"]
        if values.get("standard_price") is not None:
            vals["standard_price"] = values["standard_price"]
        if product:
            product.write(vals)
        else:
            product = self.create(dict(vals, type="consu"))
        product._xero_write(
            {
                "xero_id": values["xero_id"],
                "xero_state": "synced",
                "xero_error": False,
                "xero_synced_at": fields.Datetime.now(),
            }
        )
        return product
