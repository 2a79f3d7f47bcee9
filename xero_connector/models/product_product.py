# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import timedelta

from odoo import api, fields, models

from ..xero_client.mappings.item import item_from_xero, item_to_xero
from ..xero_client.routes import ITEMS
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

    _xero_route = ITEMS
    _xero_index_import = ("items", "_xero_import_items")
    _xero_synced_fields = PRODUCT_SYNCED_FIELDS

    # Products are usually shared by the companies, each with its own organisation.
    xero_id = fields.Char(company_dependent=True)
    xero_state = fields.Selection(XERO_STATES, company_dependent=True, default="not_synced")
    xero_waiting = fields.Boolean(company_dependent=True)
    xero_synced_at = fields.Datetime(company_dependent=True)
    xero_error = fields.Text(company_dependent=True)
    xero_warning = fields.Text(company_dependent=True)
    xero_lost_batch = fields.Char(company_dependent=True)

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

    def _xero_link_existing(self, connection, payloads):
        """Before creating, link to the Xero item with the same code (from the index of
        Xero's items). An item is linked to one product per company: a second product with
        the same code is refused, not merged into the first one's item."""
        new = self.filtered(lambda p: not p.xero_id)
        if not new:
            return self.browse(), {}
        codes = {p.id: (p.default_code or "").strip() for p in new}
        found = {
            row.code_key: row.xero_id
            for row in self.env["xero.index"]._find(connection, "item", codes=codes.values())
        }
        holders = self._xero_holders(connection, list(found.values()))
        linked, refused, codes_in_batch = self.browse(), {}, {}
        for product in new:
            code = codes[product.id]
            first = codes_in_batch.setdefault(code, product)
            holder = holders.get(found.get(code)) or (first if first != product else None)
            if holder and holder != product:
                refused[product.id] = self.env._(
                    "The code %(code)s of '%(product)s' is already the Xero item of "
                    "'%(holder)s': Xero item codes are unique. Give one of them another "
                    "Internal Reference.",
                    code=code,
                    product=product.display_name,
                    holder=holder.display_name,
                )
            elif code in found:
                payloads[product.id].item_id = found[code]
                linked |= product
        return linked, refused

    def _xero_natural_key(self):
        return (self.default_code or "").strip() or None

    def _xero_index_rows(self, results):
        return "item", [
            {"xero_id": str(item.item_id), "code": item.code} for item in results.values()
        ]

    # -- Xero to Odoo ---------------------------------------------------------------------
    @api.model
    def _xero_import_items(self, connection):
        """Import the organisation's items changed since the last run, linked by code to the
        products of the connection's company (or of none)."""
        products = self.with_company(connection.company_id).with_context(
            xero_no_dirty=True, active_test=False
        )

        def import_since(since, resume):
            """Xero's items come in one call, so once a day they all come: the index then
            forgets the items deleted in Xero (changes alone never tell)."""
            if since and since < fields.Datetime.now() - timedelta(days=1):
                since = None
            client = connection._client()
            items = client.get_items(if_modified_since=since)
            index = self.env["xero.index"]
            rows = [{"xero_id": str(item.item_id), "code": item.code} for item in items]
            if since is None:
                index._forget(connection, "item", keep=[row["xero_id"] for row in rows])
            index._keep(connection, "item", rows)
            for item in items:
                products._xero_import_item(connection, item_from_xero(item))
            return len(items), True

        return self._xero_import(connection, "items", import_since, self.env._("items"))

    def _xero_import_item(self, connection, values):
        company_domain = [("company_id", "in", [False, connection.company_id.id])]
        product = self.search(
            [("xero_id", "=", values["xero_id"]), *company_domain], limit=1
        ) or self.search(
            [("default_code", "=", values["code"]), ("xero_id", "=", False), *company_domain],
            limit=1,
        )
        if product and product.xero_state in ("pending", "error"):
            return product  # Odoo may have unsent changes: they win, and go to Xero next
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
            product = self.create(dict(vals, type="consu", company_id=False))
        product._xero_write(
            {
                "xero_id": values["xero_id"],
                "xero_state": "synced",
                "xero_error": False,
                "xero_synced_at": fields.Datetime.now(),
            }
        )
        return product
