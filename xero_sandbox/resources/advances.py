"""Overpayments and prepayments: money received or paid ahead of an invoice or bill, kept as
credit (RemainingCredit) that allocations to the contact's invoices use up.

Xero makes one from a bank transaction of Type RECEIVE- or SPEND-OVERPAYMENT (-PREPAYMENT),
and it shares the transaction's ID: Xero's support says a GET of /BankTransactions with an
overpayment's ID shows it (calcinai/xero-php#889), and the description's getOverpayment
example files the overpayment's attachment under ``banktransaction/{OverpaymentID}``."""

import uuid

from .. import books, documents
from ..allocations import check_allocation
from ..dates import parse_date, to_ms_date
from ..errors import ElementInvalid
from ..money import cents, dec
from .base import Resource, store_settled
from .document import with_current_contact

# The invoice type each side of a bank transaction pays.
INVOICE_TYPES = {"RECEIVE": "ACCREC", "SPEND": "ACCPAY"}
# Xero's refusal of an allocation beyond what is left of a prepayment (quoted by Preno's help
# centre, "Prepayment cannot be allocated as the allocation amount is greater than the amount
# remaining on the Prepayment"); the sandbox words the overpayment's refusal the same way.
TOO_LARGE_FOR_CREDIT = (
    "%(label)s cannot be allocated as the allocation amount is greater than the amount "
    "remaining on the %(label)s"
)


class Advances(Resource):
    """What overpayments and prepayments share; ``Overpayments`` and ``Prepayments`` differ in
    their lines and numbers."""

    # Lists show the lines too, as the description's getOverpayments and getPrepayments
    # examples do (whether Xero drops them from a list without ``page`` is not documented).
    paged_only_fields = ()

    # -- made by a bank transaction ---------------------------------------------------------
    def lines(self, ctx, element, receiving):
        """The transaction's LineAmountTypes and built lines."""
        raise NotImplementedError

    def numbers(self, ctx, transaction):
        """Fields the credit takes besides the transaction's (its number, its reference)."""
        return {}

    def open(self, ctx, transaction):
        """The credit a new bank transaction makes, stored under the transaction's ID."""
        credit = {
            self.id_field: transaction["BankTransactionID"],
            "Type": transaction["Type"],
            "Contact": transaction["Contact"],
            "Date": transaction["Date"],
            "Status": "AUTHORISED",
            "LineAmountTypes": transaction["LineAmountTypes"],
            "LineItems": transaction["LineItems"],
            "SubTotal": transaction["SubTotal"],
            "TotalTax": transaction["TotalTax"],
            "Total": transaction["Total"],
            "CurrencyCode": transaction["CurrencyCode"],
            "CurrencyRate": transaction["CurrencyRate"],
            "RemainingCredit": transaction["Total"],
            "Allocations": [],
            "Payments": [],
        }
        credit.update(self.numbers(ctx, transaction))
        ctx.touch(credit)
        ctx.org.put(self.endpoint, credit, self.id_field)
        ctx.history(
            self,
            credit,
            "Created",
            "%s of %s for %s." % (self.label, credit["Total"], credit["Contact"]["Name"]),
        )
        return credit

    # -- allocations ------------------------------------------------------------------------
    def allocate(self, ctx, credit_id, allocation):
        """Part of the credit applied to an invoice of its contact, as PUT
        /{Overpayments|Prepayments}/{id}/Allocations does: the credit lists the allocation and
        has that much less left, the invoice lists the credit with its AppliedAmount and owes
        that much less. Returns the allocation as Xero answers it."""
        from . import RESOURCES

        org = ctx.org
        credit = org.get(self.endpoint, credit_id)
        if not isinstance(allocation, dict):
            raise ElementInvalid("Each allocation must be an object")
        invoice = org.get("Invoices", (allocation.get("Invoice") or {}).get("InvoiceID"))
        try:
            amount = cents(dec(allocation.get("Amount"), dec(0)))
            on_day = parse_date(allocation["Date"]) if allocation.get("Date") else ctx.today
        except ValueError as exc:
            raise ElementInvalid("The allocation's Amount or Date is not valid") from exc
        self.check_allocation(credit, invoice, amount)
        books.check_unlocked(org, on_day)
        allocation_id = str(uuid.uuid4())
        on_date = on_day.isoformat()
        reference = {"InvoiceID": invoice["InvoiceID"]}
        self.settle_credit(
            ctx,
            credit,
            {
                "AllocationID": allocation_id,
                "Amount": amount,
                "Date": on_date,
                "Invoice": dict(reference, InvoiceNumber=invoice.get("InvoiceNumber", "")),
            },
        )
        self.settle_invoice(
            ctx,
            RESOURCES["invoices"],
            invoice,
            {
                self.id_field: credit[self.id_field],
                "AppliedAmount": amount,
                "Date": on_date,
                "Total": credit["Total"],
            },
        )
        return {
            "AllocationID": allocation_id,
            "Amount": amount,
            "Date": to_ms_date(on_day),
            "Invoice": reference,
            self.label: {self.id_field: credit[self.id_field]},
        }

    def check_allocation(self, credit, invoice, amount):
        check_allocation(
            self.label,
            credit,
            invoice,
            amount,
            INVOICE_TYPES[credit["Type"].split("-")[0]],
            TOO_LARGE_FOR_CREDIT,
        )

    def settle(self, credit):
        used = sum(
            (dec(entry["Amount"]) for key in ("Allocations", "Payments") for entry in credit[key]),
            dec("0.00"),
        )
        credit["RemainingCredit"] = dec(credit["Total"]) - used
        credit["Status"] = "PAID" if credit["RemainingCredit"] == 0 else "AUTHORISED"

    def settle_credit(self, ctx, credit, entry):
        updated = dict(credit, Allocations=credit["Allocations"] + [entry])
        self.settle(updated)
        store_settled(
            ctx,
            self,
            updated,
            "Allocated",
            "%s of %s allocated." % (self.label, entry["Amount"]),
        )

    def settle_invoice(self, ctx, invoices, invoice, entry):
        updated = dict(invoice, **{self.endpoint: invoice.get(self.endpoint, []) + [entry]})
        invoices.settle(ctx, updated)
        if updated["AmountDue"] == 0:
            updated["Status"] = "PAID"
            updated["FullyPaidOnDate"] = entry["Date"]
        store_settled(
            ctx,
            invoices,
            updated,
            "%s Applied" % self.label,
            "%s of %s applied." % (self.label, entry["AppliedAmount"]),
        )

    # -- reads ------------------------------------------------------------------------------
    def filterable(self, ctx, obj):
        return with_current_contact(ctx, obj)

    def present(self, ctx, obj, summary=False):
        return super().present(ctx, with_current_contact(ctx, obj), summary)


class Overpayments(Advances):
    endpoint = "Overpayments"
    id_field = "OverpaymentID"
    label = "Overpayment"

    def lines(self, ctx, element, receiving):
        """An overpayment's lines go to Accounts Receivable (received) or Payable (spent),
        without tax: "You can't change the Account or Tax Rate fields" (Xero Central, "Record
        an overpaid invoice or bill during bank reconciliation"), and the description's
        getOverpayment example shows its line on account 800 with TaxType NONE, NoTax. The
        sandbox sets them whatever the request says."""
        control = system_account(ctx.org, "DEBTORS" if receiving else "CREDITORS")
        lines_in = [
            {k: v for k, v in line.items() if k not in ("AccountCode", "AccountID", "TaxType")}
            if isinstance(line, dict)
            else line
            for line in element.get("LineItems") or []
        ]
        line_ctx = documents.LineContext(ctx.org, None, None, "NoTax", ctx.unitdp, receiving)
        lines = documents.build_lines(line_ctx, lines_in)
        for line in lines:
            line.update(AccountCode=control["Code"], AccountID=control["AccountID"])
        return "NoTax", lines

    def numbers(self, ctx, transaction):
        reference = transaction.get("Reference")
        return {"Reference": reference} if reference else {}

    def default_filter(self, obj, query):
        """``References``: a comma-separated list (getOverpayments)."""
        wanted = {r.strip() for r in (query.get("References") or "").split(",") if r.strip()}
        return not wanted or obj.get("Reference") in wanted


class Prepayments(Advances):
    endpoint = "Prepayments"
    id_field = "PrepaymentID"
    label = "Prepayment"

    def lines(self, ctx, element, receiving):
        """A prepayment's lines are those of an approved invoice or bill: accounts and tax,
        as the description's getPrepayment example shows them (account 200, OUTPUT2)."""
        line_amount_types = element.get("LineAmountTypes") or "Exclusive"
        if line_amount_types not in documents.LINE_AMOUNT_TYPES:
            raise ElementInvalid("LineAmountTypes must be Exclusive, Inclusive or NoTax")
        line_ctx = documents.LineContext(
            ctx.org, None, "AUTHORISED", line_amount_types, ctx.unitdp, receiving
        )
        return line_amount_types, documents.build_lines(line_ctx, element.get("LineItems") or [])

    def numbers(self, ctx, transaction):
        """A received prepayment is numbered as an invoice, and its Reference is that number:
        "Returns Invoice number for prepayment receive document only"; "Reference field isn't
        available" (the Prepayment of Xero's description, and its getPrepayments example)."""
        if transaction["Type"] != "RECEIVE-PREPAYMENT":
            return {}
        from . import RESOURCES

        number = ctx.org.next_number(RESOURCES["invoices"].number_prefix)
        return {"InvoiceNumber": number, "Reference": number}


def system_account(org, kind):
    """The organisation's account of SystemAccount ``kind`` (DEBTORS, CREDITORS...)."""
    return next(a for a in org.settings["Accounts"] if a.get("SystemAccount") == kind)
