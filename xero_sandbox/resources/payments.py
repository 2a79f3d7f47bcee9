"""Payments against invoices and credit notes; they move AmountDue, AmountPaid and Status."""

from .. import books
from ..dates import parse_date
from ..errors import ElementInvalid
from ..money import cents, dec
from .base import Resource

# Xero's refusals, in the words Xero's staff and integrators quote them (Xero Developer
# community answers on payments; the issue that asked for them lists the sources).
NOT_AUTHORISED = "Payments can only be made against Authorised documents"
ACCOUNT_INVALID = "Account type is invalid for making a payment to/from"
AMOUNT_EXCEEDS = "Payment amount exceeds the amount outstanding on this document"
IN_A_BATCH = "Payments within a batch cannot be deleted."

PAYMENT_TYPES = {
    "ACCREC": "ACCRECPAYMENT",
    "ACCPAY": "ACCPAYPAYMENT",
    "ACCRECCREDIT": "ARCREDITPAYMENT",
    "ACCPAYCREDIT": "APCREDITPAYMENT",
}


class Payments(Resource):
    endpoint = "Payments"
    id_field = "PaymentID"
    label = "Payment"
    webhook_category = "PAYMENT"
    error_flag = "HasValidationErrors"
    presented_flags = ()

    def find(self, ctx, element, method):
        if element.get("PaymentID"):
            raise ElementInvalid(
                "Payments cannot be edited; delete the payment and create a new one instead"
            )

    def create(self, ctx, element):
        errors = []
        target, endpoint = self.target_document(ctx, element, errors)
        account = self.bank_account(ctx, element.get("Account") or {}, errors)
        amount = self.amount(element, errors)
        try:
            paid_on = parse_date(element["Date"]) if element.get("Date") else ctx.today
        except ValueError:
            errors.append("Date is not a valid date")
            paid_on = ctx.today
        if errors:
            raise ElementInvalid(*errors)
        self.check_payable(target, endpoint, amount)
        books.check_unlocked(ctx.org, paid_on)
        rate = books.currency_rate(
            ctx.org, target["CurrencyCode"], element.get("CurrencyRate"), paid_on
        )
        payment = {
            "PaymentID": self.new_id(),
            "Date": paid_on.isoformat(),
            "Amount": amount,
            "BankAmount": self.bank_amount(ctx, target, account, amount, rate),
            "Reference": element.get("Reference", ""),
            "CurrencyRate": rate,
            "PaymentType": PAYMENT_TYPES[target["Type"]],
            "Status": "AUTHORISED",
            "IsReconciled": bool(element.get("IsReconciled", False)),
            "HasAccount": True,
            "HasValidationErrors": False,
            "Account": {"AccountID": account["AccountID"], "Code": account["Code"]},
        }
        payment.update(self.document_reference(target, endpoint))
        self.apply_to_document(ctx, target, endpoint, payment, +1)
        return payment

    def bank_amount(self, ctx, doc, account, amount, rate):
        """The amount in the bank account's currency: the document's amount when both are in
        one currency, else its value in the base currency (``Amount / CurrencyRate``). A bank
        account in a third currency cannot pay the document."""
        bank_currency = account.get("CurrencyCode") or ctx.org.base_currency
        if bank_currency == doc["CurrencyCode"]:
            return amount
        if bank_currency != ctx.org.base_currency:
            raise ElementInvalid(
                "The bank account's currency (%s) must be the document's currency (%s) or "
                "the base currency" % (bank_currency, doc["CurrencyCode"])
            )
        return cents(amount / rate)

    def target_document(self, ctx, element, errors):
        org = ctx.org
        # Xero's description also takes the document's number at the top of the payment.
        invoice_ref = element.get("Invoice") or (
            element.get("InvoiceNumber") and {"InvoiceNumber": element["InvoiceNumber"]}
        )
        credit_ref = element.get("CreditNote") or (
            element.get("CreditNoteNumber") and {"CreditNoteNumber": element["CreditNoteNumber"]}
        )
        if invoice_ref:
            doc = org.get("Invoices", invoice_ref.get("InvoiceID")) or (
                invoice_ref.get("InvoiceNumber")
                and org.invoice_by_number(invoice_ref["InvoiceNumber"])
            )
            if doc:
                return doc, "Invoices"
            errors.append("Invoice could not be found")
        elif credit_ref:
            doc = org.get("CreditNotes", credit_ref.get("CreditNoteID"))
            number = credit_ref.get("CreditNoteNumber")
            if not doc and number:
                doc = org.first(
                    "CreditNotes", "number", number, lambda c: c.get("CreditNoteNumber") == number
                )
            if doc:
                return doc, "CreditNotes"
            errors.append("Credit note could not be found")
        else:
            errors.append("A payment must be applied to an Invoice or a CreditNote")
        return None, None

    def bank_account(self, ctx, reference, errors):
        account = (
            ctx.org.account_by_id(reference["AccountID"])
            if reference.get("AccountID")
            else ctx.org.account_by_code(reference.get("Code"))
        )
        if not account or not (account["Type"] == "BANK" or account["EnablePaymentsToAccount"]):
            errors.append(ACCOUNT_INVALID)
            return None
        return account

    def amount(self, element, errors):
        try:
            amount = cents(dec(element.get("Amount"), dec(0)))
        except ValueError:
            amount = dec(0)
        if amount <= 0:
            errors.append("Payment amount must be greater than zero")
        return amount

    def check_payable(self, doc, endpoint, amount):
        if doc["Status"] != "AUTHORISED":
            raise ElementInvalid(NOT_AUTHORISED)
        outstanding = dec(doc["AmountDue"] if endpoint == "Invoices" else doc["RemainingCredit"])
        if amount > outstanding:
            raise ElementInvalid(AMOUNT_EXCEEDS)

    def document_reference(self, doc, endpoint):
        if endpoint == "Invoices":
            return {
                "Invoice": {
                    "InvoiceID": doc["InvoiceID"],
                    "InvoiceNumber": doc.get("InvoiceNumber", ""),
                    "Type": doc["Type"],
                    "Contact": doc["Contact"],
                },
                "InvoiceNumber": doc.get("InvoiceNumber", ""),
            }
        # A refund of a credit note names it as its Invoice, with the credit note's type
        # (the official description's getPayments example, ARCREDITPAYMENT).
        return {
            "Invoice": {
                "InvoiceID": doc["CreditNoteID"],
                "InvoiceNumber": doc.get("CreditNoteNumber", ""),
                "Type": doc["Type"],
                "Contact": doc["Contact"],
            },
            "InvoiceNumber": doc.get("CreditNoteNumber", ""),
        }

    def apply_to_document(self, ctx, doc, endpoint, payment, sign):
        from . import RESOURCES

        resource = RESOURCES[endpoint.lower()]
        updated = dict(doc)
        entry = {
            "PaymentID": payment["PaymentID"],
            "Date": payment["Date"],
            "Amount": payment["Amount"],
            "Reference": payment["Reference"],
            "CurrencyRate": payment["CurrencyRate"],
            "HasAccount": True,
            "HasValidationErrors": False,
        }
        if sign > 0:
            updated["Payments"] = list(doc.get("Payments", [])) + [entry]
        else:
            updated["Payments"] = [
                p for p in doc.get("Payments", []) if p["PaymentID"] != payment["PaymentID"]
            ]
        resource.settle(ctx, updated)
        outstanding = updated["AmountDue"] if endpoint == "Invoices" else updated["RemainingCredit"]
        before = doc["Status"]
        if outstanding == 0:
            updated["Status"] = "PAID"
            updated["FullyPaidOnDate"] = payment["Date"]
        elif before == "PAID":
            updated["Status"] = "AUTHORISED"
            updated.pop("FullyPaidOnDate", None)
        ctx.touch(updated)
        ctx.org.put(endpoint, updated, resource.id_field)
        ctx.event(resource, updated, False)
        verb = "Payment received" if sign > 0 else "Payment deleted"
        ctx.history(
            resource,
            updated,
            "Paid" if updated["Status"] == "PAID" else "Edited",
            "%s of %s on %s." % (verb, payment["Amount"], payment["Date"]),
        )

    def delete(self, ctx, payment):
        """A payment deleted on its own (POST /Payments/{id}); a batch's go with their batch."""
        if payment["Status"] == "DELETED":
            raise ElementInvalid("This payment has already been deleted")
        if payment.get("BatchPaymentID"):
            raise ElementInvalid(IN_A_BATCH)
        return self.remove(ctx, payment)

    def remove(self, ctx, payment):
        """The payment deleted, and its amount due again on its document."""
        books.check_unlocked(ctx.org, payment["Date"])
        paid = payment["Invoice"]
        credit_note = paid["Type"] in ("ACCRECCREDIT", "ACCPAYCREDIT")
        endpoint = "CreditNotes" if credit_note else "Invoices"
        doc_id = paid["InvoiceID"]
        doc = ctx.org.get(endpoint, doc_id)
        deleted = dict(payment, Status="DELETED")
        ctx.touch(deleted)
        ctx.org.put("Payments", deleted, "PaymentID")
        ctx.event(self, deleted, False)
        if doc:
            self.apply_to_document(ctx, doc, endpoint, payment, -1)
        return deleted
