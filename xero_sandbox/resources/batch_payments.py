"""Batch payments: one bank line that pays several sales invoices (RECBATCH) or bills
(PAYBATCH) from one bank account on one date, each by a payment of its own that names the
batch (``BatchPaymentID`` and ``BatchPayment``, the Payment of Xero's description).

Xero's Batch Payments page, and integrators' notes on it (CData's Xero drivers: "the
AccountId, Date and Reference are required in addition to at least one payment item; the
Payment_InvoiceId and Payment_Amount fields are required"; XeroAPI/Xero-NetStandard#324: a
missing Reference is refused) say what a batch needs. Deleting a batch deletes its payments,
and the invoices are awaiting payment again (Xero Central, quoted in the Xero Developer
community: "Delete the batch payment ... to remove all payments and return the transactions to
awaiting payment status")."""

from ..dates import parse_date
from ..errors import ElementInvalid
from ..money import dec
from .base import Resource, text_field

BATCH_TYPES = {"ACCRECPAYMENT": "RECBATCH", "ACCPAYPAYMENT": "PAYBATCH"}
# "(Non-NZ Only) ... Maximum field length = 18" (Details, in Xero's description; the others'
# lengths are in its schema, which the sandbox checks on every request).
MAX_DETAILS = 18
BANK_DETAILS = ("Particulars", "Code", "Details", "Narrative")
PAYMENT_DETAILS = ("BankAccountNumber", "Particulars", "Details")
ONE_KIND = (
    "The payments of a batch must all be on sales invoices (RECBATCH) or all on bills (PAYBATCH)"
)


class BatchPayments(Resource):
    endpoint = "BatchPayments"
    id_field = "BatchPaymentID"
    label = "Batch Payment"
    presented_flags = ()
    # getBatchPayments declares no ``page``: Xero answers every batch, as to any parameter it
    # does not know.
    pageable = False

    def create(self, ctx, element):
        from . import RESOURCES

        payments = RESOURCES["payments"]
        errors = []
        account = payments.bank_account(ctx, element.get("Account") or {}, errors)
        paid_on = self.date(element, errors)
        if not (element.get("Reference") or "").strip():
            errors.append("A batch payment must have a Reference")
        text_field(element, "Details", MAX_DETAILS, errors)
        members = element.get("Payments")
        if not isinstance(members, list) or not members:
            errors.append("A batch payment must have at least one payment")
        if errors:
            raise ElementInvalid(*errors)
        made = [
            payments.upsert(ctx, self.payment_element(member, account, paid_on), "PUT")
            for member in members
        ]
        kinds = {BATCH_TYPES.get(payment["PaymentType"]) for payment in made}
        if len(kinds) != 1 or None in kinds:
            raise ElementInvalid(ONE_KIND)
        batch = {
            "BatchPaymentID": self.new_id(),
            "Account": {
                "AccountID": account["AccountID"],
                "CurrencyCode": account.get("CurrencyCode") or ctx.org.base_currency,
            },
            "Date": paid_on.isoformat(),
            "Reference": element["Reference"],
            **{field: element[field] for field in BANK_DETAILS if element.get(field)},
            "Type": kinds.pop(),
            "Status": "AUTHORISED",
            "TotalAmount": sum((dec(p["BankAmount"]) for p in made), dec("0.00")),
            "IsReconciled": False,
            "_payment_ids": [payment["PaymentID"] for payment in made],
        }
        for payment, member in zip(made, members, strict=True):
            details = {field: member[field] for field in PAYMENT_DETAILS if member.get(field)}
            stored = ctx.org.get("Payments", payment["PaymentID"])
            ctx.org.put("Payments", dict(stored, **details, **member_of(batch)), "PaymentID")
        return batch

    def date(self, element, errors):
        if not element.get("Date"):
            errors.append("A batch payment must have a Date")
            return None
        try:
            return parse_date(element["Date"])
        except ValueError:
            errors.append("Date is not a valid date")
            return None

    def payment_element(self, member, account, paid_on):
        """A payment of the batch, as PUT /Payments takes it: from the batch's account, on the
        batch's date (a batch is one bank line)."""
        if not isinstance(member, dict):
            return member
        return {
            "Invoice": member.get("Invoice"),
            "Amount": member.get("Amount"),
            "Reference": member.get("Reference", ""),
            "Account": {"AccountID": account["AccountID"]},
            "Date": paid_on.isoformat(),
        }

    def delete(self, ctx, batch):
        """The batch and its payments deleted, each as Payments.remove deletes one."""
        from . import RESOURCES

        if batch["Status"] == "DELETED":
            raise ElementInvalid("This batch payment has already been deleted")
        deleted = dict(batch, Status="DELETED")
        for payment_id in batch["_payment_ids"]:
            payment = ctx.org.get("Payments", payment_id)
            if payment["Status"] == "DELETED":
                continue
            removed = RESOURCES["payments"].remove(ctx, payment)
            ctx.org.put("Payments", dict(removed, **member_of(deleted)), "PaymentID")
        ctx.touch(deleted)
        ctx.org.put(self.endpoint, deleted, self.id_field)
        ctx.history(self, deleted, "Deleted", "Batch payment deleted with its payments.")
        return deleted

    def after_write(self, ctx, obj, previous):
        ctx.history(
            self,
            obj,
            "Created",
            "Batch payment of %s (%d payments)." % (obj["TotalAmount"], len(obj["_payment_ids"])),
        )

    def present(self, ctx, obj, summary=False):
        """The batch with the payments it still holds (none once deleted, as the description's
        deleteBatchPayment example shows)."""
        out = super().present(ctx, obj, summary)
        held = (ctx.org.get("Payments", payment_id) for payment_id in obj["_payment_ids"])
        out["Payments"] = [
            self.present_payment(ctx, payment)
            for payment in held
            if payment and payment["Status"] != "DELETED"
        ]
        return out

    def present_payment(self, ctx, payment):
        """A payment of the batch as the description's examples show one."""
        invoice_id = payment["Invoice"]["InvoiceID"]
        invoice = ctx.org.get("Invoices", invoice_id) or {}
        out = {
            "Invoice": {"InvoiceID": invoice_id, "CurrencyCode": invoice.get("CurrencyCode")},
            "PaymentID": payment["PaymentID"],
            "Amount": payment["Amount"],
            "BankAmount": payment["BankAmount"],
        }
        if payment.get("Reference"):
            out["Reference"] = payment["Reference"]
        return out


def member_of(batch):
    """What a payment of ``batch`` carries of it (the description's getBankTransactions
    example shows the BatchPayment a payment names)."""
    return {
        "BatchPaymentID": batch["BatchPaymentID"],
        "BatchPayment": {
            "BatchPaymentID": batch["BatchPaymentID"],
            "Account": {"AccountID": batch["Account"]["AccountID"]},
            "Date": batch["Date"],
            "Type": batch["Type"],
            "Status": batch["Status"],
            "TotalAmount": batch["TotalAmount"],
            "IsReconciled": batch["IsReconciled"],
        },
    }
