"""Bank transactions that make an overpayment or a prepayment (Types RECEIVE-OVERPAYMENT,
SPEND-OVERPAYMENT, RECEIVE-PREPAYMENT and SPEND-PREPAYMENT): money in or out of a bank
account, for a contact, kept as credit by the overpayment or prepayment it makes. Other
Types (plain RECEIVE and SPEND, transfers) are not emulated: see ``payment_handlers``."""

from .. import books, documents
from ..dates import parse_date
from ..errors import ElementInvalid
from .base import Resource
from .document import resolve_contact, with_current_contact

# Each Type the sandbox keeps, and the RESOURCES key of the credit it makes.
ADVANCE_TYPES = {
    "RECEIVE-OVERPAYMENT": "overpayments",
    "SPEND-OVERPAYMENT": "overpayments",
    "RECEIVE-PREPAYMENT": "prepayments",
    "SPEND-PREPAYMENT": "prepayments",
}
# The BankTransaction of Xero's description, on CurrencyRate.
CURRENCY_ON_OVERPAYMENTS_ONLY = "Setting currency is only supported on overpayments."


class BankTransactions(Resource):
    endpoint = "BankTransactions"
    id_field = "BankTransactionID"
    label = "Bank Transaction"
    # Lists show the lines too: xero-python cannot read a BankTransaction without LineItems.
    paged_only_fields = ()

    def create(self, ctx, element):
        from . import RESOURCES

        kind = ADVANCE_TYPES.get(element.get("Type"))
        if not kind:
            raise ElementInvalid(
                "The sandbox keeps bank transactions of Type %s only" % ", ".join(ADVANCE_TYPES)
            )
        advances = RESOURCES[kind]
        receiving = element["Type"].startswith("RECEIVE")
        errors = []
        contact = self.contact(ctx, element, errors)
        account = self.bank_account(ctx, element.get("BankAccount") or {}, errors)
        on_day = self.date(ctx, element, errors)
        if element.get("Status") not in (None, "AUTHORISED"):
            errors.append("A bank transaction can only be created AUTHORISED")
        currency, rate = self.currency(ctx, element, account, kind, on_day, errors)
        if errors:
            raise ElementInvalid(*errors)
        books.check_unlocked(ctx.org, on_day)
        line_amount_types, lines = advances.lines(ctx, element, receiving)
        figures = documents.totals(lines, line_amount_types)
        totals = {field: figures[field] for field in ("SubTotal", "TotalTax", "Total")}
        if totals["Total"] <= 0:
            raise ElementInvalid("The Total of a bank transaction must be greater than zero")
        transaction = {
            "BankTransactionID": self.new_id(),
            "Type": element["Type"],
            "Contact": contact,
            "BankAccount": {
                "AccountID": account["AccountID"],
                "Code": account["Code"],
                "Name": account["Name"],
            },
            "Date": on_day.isoformat(),
            "IsReconciled": bool(element.get("IsReconciled", False)),
            "CurrencyCode": currency,
            "CurrencyRate": rate,
            "Status": "AUTHORISED",
            "LineAmountTypes": line_amount_types,
            "LineItems": documents.public_lines(lines),
            **totals,
        }
        # "Reference ... Only supported for SPEND and RECEIVE transactions": a prepayment has
        # none; Xero's overpayments show the one they were made with.
        if kind == "overpayments" and element.get("Reference"):
            transaction["Reference"] = element["Reference"]
        advances.open(ctx, transaction)
        transaction[advances.id_field] = transaction["BankTransactionID"]
        return transaction

    def contact(self, ctx, element, errors):
        try:
            contact = resolve_contact(ctx, element.get("Contact") or {})
        except ElementInvalid as exc:
            errors.extend(exc.messages)
            return None
        return {
            "ContactID": contact["ContactID"],
            "Name": contact["Name"],
            "ContactStatus": contact.get("ContactStatus", "ACTIVE"),
            "HasValidationErrors": False,
        }

    def bank_account(self, ctx, reference, errors):
        account = (
            ctx.org.account_by_id(reference["AccountID"])
            if reference.get("AccountID")
            else ctx.org.account_by_code(reference.get("Code"))
        )
        if not account or account["Type"] != "BANK" or account["Status"] != "ACTIVE":
            errors.append("The BankAccount must be an active bank account of the organisation")
            return None
        return account

    def date(self, ctx, element, errors):
        try:
            return parse_date(element["Date"]) if element.get("Date") else ctx.today
        except ValueError:
            errors.append("Date is not a valid date")
            return ctx.today

    def currency(self, ctx, element, account, kind, on_day, errors):
        """The transaction's currency and rate: the bank account's currency unless an
        overpayment sets another, at the rate sent or the day rate."""
        bank_currency = (account or {}).get("CurrencyCode") or ctx.org.base_currency
        code = element.get("CurrencyCode") or bank_currency
        if code != bank_currency and kind != "overpayments":
            errors.append(CURRENCY_ON_OVERPAYMENTS_ONLY)
        if not ctx.org.currency_enabled(code):
            errors.append("The currency code %s is not enabled for this organisation." % code)
            return code, None
        try:
            return code, books.currency_rate(ctx.org, code, element.get("CurrencyRate"), on_day)
        except ElementInvalid as exc:
            errors.extend(exc.messages)
            return code, None

    def filterable(self, ctx, obj):
        return with_current_contact(ctx, obj)

    def present(self, ctx, obj, summary=False):
        return super().present(ctx, with_current_contact(ctx, obj), summary)
