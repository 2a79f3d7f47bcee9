"""Lines, totals and status rules shared by invoices, credit notes and purchase orders."""

from .errors import ElementInvalid
from .money import (
    MAX_AMOUNT,
    cents,
    dec,
    round_to,
    tax_in_inclusive,
    tax_on_exclusive,
    too_large,
)

LINE_AMOUNT_TYPES = {"Exclusive", "Inclusive", "NoTax"}
MAX_TRACKING_PER_LINE = 2
TAX_TOLERANCE = dec("0.01")

INVOICE_TRANSITIONS = {
    None: {"DRAFT", "SUBMITTED", "AUTHORISED"},
    "DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "SUBMITTED": {"SUBMITTED", "DRAFT", "AUTHORISED", "DELETED"},
    "AUTHORISED": {"AUTHORISED", "VOIDED"},
    "PAID": set(),
    "VOIDED": set(),
    "DELETED": set(),
}

PURCHASE_ORDER_TRANSITIONS = {
    None: {"DRAFT", "SUBMITTED", "AUTHORISED"},
    "DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "SUBMITTED": {"SUBMITTED", "DRAFT", "AUTHORISED", "DELETED"},
    "AUTHORISED": {"AUTHORISED", "SUBMITTED", "DRAFT", "BILLED", "DELETED"},
    "BILLED": {"BILLED", "AUTHORISED"},
    "DELETED": set(),
}

# What makes a line more than a description (see description_only).
FIGURE_FIELDS = ("Quantity", "UnitAmount", "LineAmount", "ItemCode", "AccountCode", "AccountID")
APPROVED_STATUSES = {"SUBMITTED", "AUTHORISED", "PAID", "BILLED"}


def check_transition(transitions, current, wanted, label):
    if wanted in transitions.get(current, set()):
        return
    if current is None:
        raise ElementInvalid("%s not of valid status for creation" % label)
    raise ElementInvalid("%s not of valid status for modification" % label)


class LineContext:
    """What line validation needs to know about the document and the organisation."""

    def __init__(self, org, doc_type, status, line_amount_types, unitdp, sales_side):
        self.org = org
        self.doc_type = doc_type
        self.status = status
        self.line_amount_types = line_amount_types
        self.unitdp = unitdp
        self.sales_side = sales_side
        self.allows_discount = doc_type == "ACCREC"


def build_lines(ctx, lines_in):
    if not isinstance(lines_in, list):
        raise ElementInvalid("LineItems must be a list")
    errors, lines = [], []
    for position, line_in in enumerate(lines_in, 1):
        try:
            lines.append(build_line(ctx, line_in, position))
        except ElementInvalid as exc:
            errors.extend(exc.messages)
    if errors:
        raise ElementInvalid(*errors)
    return lines


def build_line(ctx, line_in, position):
    errors = []
    item = resolve_item(ctx, line_in, errors)
    description = line_in.get("Description") or (item and item_description(item, ctx))
    if not description and not item:
        errors.append("Description needs to be specified for line item %d" % position)
    quantity, unit_amount, line_amount = line_figures(ctx, line_in, item, position, errors)
    account = resolve_account(ctx, line_in, item, position, errors)
    tax_type, rate = resolve_tax(ctx, line_in, item, account, position, errors)
    tracking = resolve_tracking(ctx, line_in.get("Tracking") or [], errors)
    discount_rate = dec(line_in.get("DiscountRate"))
    discount_amount = dec(line_in.get("DiscountAmount"))
    if discount_rate is not None and not 0 <= discount_rate <= 100:
        errors.append("The discount rate of line item %d must be between 0 and 100" % position)
    if discount_amount is not None and discount_amount < 0:
        errors.append("The discount amount of line item %d must not be negative" % position)
    if (discount_rate or discount_amount) and not ctx.allows_discount:
        errors.append("Discounts can only be applied to sales invoices (line item %d)" % position)
    if errors:
        raise ElementInvalid(*errors)
    gross = quantity * unit_amount
    discount = discount_of(gross, discount_rate, discount_amount)
    computed = cents(gross - discount)
    if abs(computed) > MAX_AMOUNT:
        raise ElementInvalid(too_large("The LineAmount of line item %d" % position, computed))
    if line_amount is not None and abs(line_amount - computed) > TAX_TOLERANCE:
        raise ElementInvalid(
            "The LineAmount %s of line item %d does not match Quantity x UnitAmount less "
            "discount (%s)" % (line_amount, position, computed)
        )
    tax_amount = line_tax(ctx, computed, rate, dec(line_in.get("TaxAmount")), position)
    line = {
        "LineItemID": line_in.get("LineItemID") or new_id(),
        "Description": description or "",
        "Quantity": quantity,
        "UnitAmount": unit_amount,
        "LineAmount": computed,
        "TaxAmount": tax_amount,
        "Tracking": tracking,
    }
    if item:
        line["ItemCode"] = item["Code"]
        line["Item"] = {"ItemID": item["ItemID"], "Code": item["Code"], "Name": item.get("Name")}
    if account:
        line["AccountCode"] = account["Code"]
        line["AccountID"] = account["AccountID"]
    if tax_type:
        line["TaxType"] = tax_type
    if discount_rate:
        line["DiscountRate"] = discount_rate
    if discount_amount:
        line["DiscountAmount"] = discount_amount
    line["_discount"] = cents(discount)
    return line


def new_id():
    import uuid

    return str(uuid.uuid4())


def item_description(item, ctx):
    if ctx.sales_side:
        return item.get("Description")
    return item.get("PurchaseDescription") or item.get("Description")


def resolve_item(ctx, line_in, errors):
    code = line_in.get("ItemCode")
    if not code:
        return None
    item = ctx.org.item_by_code(code)
    if not item:
        errors.append("Item code '%s' is not valid" % code)
    return item


def item_details(item, ctx):
    if not item:
        return {}
    return item.get("SalesDetails" if ctx.sales_side else "PurchaseDetails") or {}


def line_figures(ctx, line_in, item, position, errors):
    try:
        quantity = dec(line_in.get("Quantity"))
        unit_amount = dec(line_in.get("UnitAmount"))
        line_amount = dec(line_in.get("LineAmount"))
    except ValueError:
        errors.append("Line item %d has an amount that is not a number" % position)
        return dec(0), dec(0), None
    if unit_amount is None:
        unit_amount = dec(item_details(item, ctx).get("UnitPrice"))
    if quantity is None:
        quantity = dec(1) if (unit_amount is not None or line_amount is not None) else dec(0)
    if unit_amount is None:
        unit_amount = line_amount / quantity if (line_amount is not None and quantity) else dec(0)
    return round_to(quantity, 4), round_to(unit_amount, ctx.unitdp), line_amount


def discount_of(gross, rate, amount):
    if rate:
        return gross * rate / 100
    return amount or dec(0)


def resolve_account(ctx, line_in, item, position, errors):
    code = line_in.get("AccountCode") or item_details(item, ctx).get("AccountCode")
    account_id = line_in.get("AccountID")
    account = None
    if account_id:
        account = ctx.org.account_by_id(account_id)
    elif code:
        account = ctx.org.account_by_code(code)
    if (code or account_id) and not account_usable(account):
        errors.append(
            "Account code '%s' is not a valid code for this document." % (code or account_id)
        )
        return None
    if not account and ctx.status in APPROVED_STATUSES and not description_only(line_in):
        errors.append(
            "Account code must be specified for line item %d of an approved document" % position
        )
    return account


def description_only(line_in):
    """A line with a Description and nothing else: a heading or note, which Xero takes on an
    approved document too ("A line item with just a description (i.e no unit amount or
    quantity) can be created by specifying just a Description element", the Invoices page).
    It adds nothing to the totals and needs no account."""
    return all(line_in.get(field) in (None, "") for field in FIGURE_FIELDS)


def account_usable(account):
    return bool(account) and account["Status"] == "ACTIVE" and not account.get("SystemAccount")


def resolve_tax(ctx, line_in, item, account, position, errors):
    if ctx.line_amount_types == "NoTax":
        return line_in.get("TaxType") or "NONE", dec(0)
    tax_type = (
        line_in.get("TaxType")
        or item_details(item, ctx).get("TaxType")
        or (account or {}).get("TaxType")
    )
    if not tax_type:
        return None, dec(0)
    tax_rate = ctx.org.tax_rate(tax_type)
    if not tax_rate or tax_rate["Status"] != "ACTIVE" or not tax_applies(tax_rate, ctx):
        errors.append(
            "The TaxType code '%s' does not exist or cannot be used with this type of "
            "transaction." % tax_type
        )
        return None, dec(0)
    return tax_type, dec(tax_rate["EffectiveRate"])


def tax_applies(tax_rate, ctx):
    flag = "CanApplyToRevenue" if ctx.sales_side else "CanApplyToExpenses"
    return tax_rate.get(flag, True)


def line_tax(ctx, line_amount, rate, given, position):
    if ctx.line_amount_types == "Inclusive":
        computed = tax_in_inclusive(line_amount, rate)
    elif ctx.line_amount_types == "NoTax":
        computed = dec("0.00")
    else:
        computed = tax_on_exclusive(line_amount, rate)
    if given is None:
        return computed
    if abs(cents(given) - computed) > TAX_TOLERANCE:
        raise ElementInvalid(
            "The TaxAmount %s of line item %d differs from the calculated tax %s by more than "
            "the allowed rounding" % (given, position, computed)
        )
    return cents(given)


def resolve_tracking(ctx, tracking_in, errors):
    if len(tracking_in) > MAX_TRACKING_PER_LINE:
        errors.append("A line item can have at most %d tracking categories" % MAX_TRACKING_PER_LINE)
        return []
    tracking = []
    for entry in tracking_in:
        category = ctx.org.tracking_category(entry.get("TrackingCategoryID"), entry.get("Name"))
        if not category or category["Status"] != "ACTIVE":
            errors.append(
                "The TrackingCategory '%s' does not exist."
                % (entry.get("Name") or entry.get("TrackingCategoryID"))
            )
            continue
        option = find_option(category, entry.get("TrackingOptionID"), entry.get("Option"))
        if not option or option["Status"] != "ACTIVE":
            errors.append(
                "The TrackingOption '%s' does not exist for TrackingCategory '%s'."
                % (entry.get("Option") or entry.get("TrackingOptionID"), category["Name"])
            )
            continue
        tracking.append(
            {
                "TrackingCategoryID": category["TrackingCategoryID"],
                "TrackingOptionID": option["TrackingOptionID"],
                "Name": category["Name"],
                "Option": option["Name"],
            }
        )
    return tracking


def find_option(category, option_id, name):
    for option in category["Options"]:
        if option_id and option["TrackingOptionID"] == option_id:
            return option
        if name and not option_id and option["Name"].lower() == str(name).lower():
            return option
    return None


def totals(lines, line_amount_types):
    """SubTotal, TotalTax, Total and TotalDiscount from built lines."""
    total_tax = sum((line["TaxAmount"] for line in lines), dec("0.00"))
    amounts = sum((line["LineAmount"] for line in lines), dec("0.00"))
    subtotal = amounts - total_tax if line_amount_types == "Inclusive" else amounts
    discount = sum((line["_discount"] for line in lines), dec("0.00"))
    return {
        "SubTotal": cents(subtotal),
        "TotalTax": cents(total_tax),
        "Total": cents(subtotal + total_tax),
        "TotalDiscount": cents(discount),
    }


def public_lines(lines):
    return [{k: v for k, v in line.items() if not k.startswith("_")} for line in lines]
