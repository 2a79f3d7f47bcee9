"""Items (products): unique codes, sales and purchase details checked against the chart."""

from ..documents import account_usable
from ..errors import ElementInvalid
from ..money import dec, round_to
from .base import Resource, merged, text_field

# Which side of an item a tax rate must apply to.
SIDE_FLAGS = {"SalesDetails": "CanApplyToRevenue", "PurchaseDetails": "CanApplyToExpenses"}

FIELDS = (
    "Code",
    "Name",
    "IsSold",
    "IsPurchased",
    "Description",
    "PurchaseDescription",
    "PurchaseDetails",
    "SalesDetails",
    "IsTrackedAsInventory",
    "InventoryAssetAccountCode",
)


class Items(Resource):
    endpoint = "Items"
    id_field = "ItemID"
    label = "Item"
    error_flag = "HasValidationErrors"
    presented_flags = ()

    def find_by_natural_key(self, ctx, element):
        return ctx.org.item_by_code(element.get("Code")) if element.get("Code") else None

    def create(self, ctx, element):
        if not element.get("Code"):
            raise ElementInvalid("Item Code must be specified")
        if ctx.org.item_by_code(element["Code"]):
            raise ElementInvalid(code_taken(element["Code"]))
        item = {
            "ItemID": self.new_id(),
            "IsSold": True,
            "IsPurchased": True,
            "IsTrackedAsInventory": False,
        }
        return self.apply(ctx, item, element)

    def update(self, ctx, existing, element):
        return self.apply(ctx, existing, element)

    def apply(self, ctx, existing, element):
        item = merged(existing, element, FIELDS)
        errors = []
        text_field(item, "Code", 30, errors)
        text_field(item, "Name", 50, errors)
        text_field(item, "Description", 4000, errors)
        text_field(item, "PurchaseDescription", 4000, errors)
        clash = ctx.org.item_by_code(item.get("Code"))
        if clash and clash["ItemID"] != item["ItemID"]:
            errors.append(code_taken(item["Code"]))
        for side in ("SalesDetails", "PurchaseDetails"):
            if item.get(side):
                item[side] = dict(item[side])
                self.check_details(ctx, item[side], side, errors)
        if errors:
            raise ElementInvalid(*errors)
        item.setdefault("Name", item["Code"])
        return item

    def check_details(self, ctx, details, side, errors):
        if details.get("UnitPrice") is not None:
            try:
                details["UnitPrice"] = round_to(dec(details["UnitPrice"]), ctx.unitdp)
            except ValueError:
                errors.append("%s: UnitPrice must be a number" % side)
        code = details.get("AccountCode")
        if code and not account_usable(ctx.org.account_by_code(code)):
            errors.append("%s: Account code '%s' is not valid." % (side, code))
        tax_type = details.get("TaxType")
        rate = tax_type and ctx.org.tax_rate(tax_type)
        if tax_type and not (
            rate and rate["Status"] == "ACTIVE" and rate.get(SIDE_FLAGS[side], True)
        ):
            errors.append(
                "%s: The TaxType code '%s' does not exist or cannot be used with this type of "
                "transaction." % (side, tax_type)
            )

    def after_write(self, ctx, obj, previous):
        ctx.history(
            self,
            obj,
            "Created" if previous is None else "Edited",
            "Item %s %s." % (obj["Code"], "created" if previous is None else "updated"),
        )


def code_taken(code):
    return "Price List Item with Code '%s' already exists" % code
