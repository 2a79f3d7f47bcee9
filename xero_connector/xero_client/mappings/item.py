"""Odoo product values <-> Xero items (pure functions, no I/O).

A product is a dict of plain values: code (default_code), name, description_sale,
description_purchase, list_price, standard_price, sale_ok, purchase_ok, sales_account_code,
purchase_account_code, sales_tax_type, purchase_tax_type and xero_id.

Descriptions are sent even when empty ("" clears them in Xero). An empty account code or tax
type is left out (the SDK drops None), so Xero keeps its own. Prices keep 4 decimals: save
items with ``unitdp=4`` (``XeroClient.save_items``) or Xero rounds them to 2.
"""

from xero_python.accounting import Item, Purchase

# Plain Python: the addon translates these messages (see ..i18n).
# pylint: disable=prefer-env-translation
from ..i18n import _
from .common import built_for_xero, check_text, clean, text, unit_price

MAX_CODE = 30
MAX_NAME = 50
MAX_DESCRIPTION = 4000


def item_to_xero(product):
    """A Xero ``Item`` for a product; MappingError names the product and what Xero refuses."""
    return built_for_xero(product_label(product), build_item, product)


def build_item(product):
    code, name = checked_code(product), checked_name(product)
    item = Item(
        code=code,
        name=name,
        description=check_text(
            _("sales description"),
            text(product.get("description_sale")),
            MAX_DESCRIPTION,
            multiline=True,
        ),
        purchase_description=check_text(
            _("purchase description"),
            text(product.get("description_purchase")),
            MAX_DESCRIPTION,
            multiline=True,
        ),
        is_sold=bool(product.get("sale_ok")),
        is_purchased=bool(product.get("purchase_ok")),
    )
    if product.get("sale_ok"):
        item.sales_details = details(product, "list_price", "sales_account_code", "sales_tax_type")
    if product.get("purchase_ok"):
        item.purchase_details = details(
            product, "standard_price", "purchase_account_code", "purchase_tax_type"
        )
    if product.get("xero_id"):
        item.item_id = product["xero_id"]
    return item


def checked_code(product):
    code = str(product.get("code") or "").strip()
    if not code:
        raise ValueError(_("it has no Internal Reference, which Xero needs as the item code."))
    if len(code) > MAX_CODE:
        raise ValueError(
            _(
                "its Internal Reference '%(code)s' is longer than the %(max)s characters Xero "
                "allows.",
                code=code,
                max=MAX_CODE,
            )
        )
    return check_text(_("Internal Reference"), code)


def checked_name(product):
    name = clean(product.get("name"))
    if len(name) > MAX_NAME:
        raise ValueError(
            _(
                "its name is longer than the %(max)s characters Xero allows: shorten it.",
                max=MAX_NAME,
            )
        )
    return check_text(_("name"), name)


def details(product, price_key, account_key, tax_key):
    return Purchase(
        unit_price=unit_price(product.get(price_key)),
        account_code=clean(product.get(account_key)) or None,
        tax_type=clean(product.get(tax_key)) or None,
    )


def product_label(product):
    name, code = clean(product.get("name")), clean(product.get("code"))
    if name and code:
        return "[%s] %s" % (code, name)
    return name or code or "The product"


# -- import -----------------------------------------------------------------------------------
def item_from_xero(item):
    """Plain values for an Odoo product from a Xero ``Item`` (the inverse of the above).

    A price is None when Xero has no details for that side: leave Odoo's price as it is.
    """
    sales, purchases = item.sales_details, item.purchase_details
    return {
        "code": (item.code or "").strip(),
        "name": clean(item.name),
        "description_sale": text(item.description) or False,
        "description_purchase": text(item.purchase_description) or False,
        "list_price": price_of(sales),
        "standard_price": price_of(purchases),
        "sale_ok": item.is_sold is not False,
        "purchase_ok": item.is_purchased is not False,
        "sales_account_code": clean(sales and sales.account_code) or False,
        "purchase_account_code": clean(purchases and purchases.account_code) or False,
        "sales_tax_type": clean(sales and sales.tax_type) or False,
        "purchase_tax_type": clean(purchases and purchases.tax_type) or False,
        "xero_id": item.item_id or None,
    }


def price_of(side_details):
    if side_details is None or side_details.unit_price is None:
        return None
    return unit_price(side_details.unit_price)
