"""Odoo's payments as Xero payments: the mapping (pure), and the client's batch create and
per-payment delete against the sandbox over HTTP, with Xero's refusals per payment."""

from datetime import date
from decimal import Decimal

import pytest
from xero_python.accounting import Contact, CurrencyCode, Invoice, LineAmountTypes, LineItem

from xero_client import XeroClient, XeroEndpoints
from xero_client.mappings.common import MappingError
from xero_client.mappings.payment import payment_to_xero, rate_booking

SCOPE = ["test-db", "account.payment"]


@pytest.fixture
def client(sandbox, token, uk):
    return XeroClient(XeroEndpoints.for_host(sandbox.url), token["access_token"], uk.tenant_id)


def approved_invoice(client, total=100, currency="GBP", rate=None):
    contact = client.save_contacts([Contact(name="Payer %s %s" % (total, currency))], SCOPE)[0]
    invoice = Invoice(
        type="ACCREC",
        contact=Contact(contact_id=contact.data.contact_id),
        date=date(2026, 11, 2),
        due_date=date(2026, 11, 30),
        status="AUTHORISED",
        line_amount_types=LineAmountTypes.NOTAX,
        currency_code=CurrencyCode(currency),
        currency_rate=rate,
        line_items=[
            LineItem(description="Work", quantity=1, unit_amount=total, account_code="200")
        ],
    )
    [result] = client.save("Invoices", [invoice], SCOPE + ["invoice", total, currency])
    assert result.ok, result.errors
    return result.data


def values(invoice, amount, **extra):
    return dict(
        {
            "label": "PBNK1/2026/00001",
            "endpoint": "Invoices",
            "document_id": str(invoice.invoice_id),
            "account_code": "090",
            "date": date(2026, 11, 20),
            "amount": amount,
            "reference": "PBNK1/2026/00001  Invoice INV/2026/00001",
        },
        **extra,
    )


def test_payments_go_in_one_call_and_delete_one_by_one(client, sandbox, uk):
    first, second = approved_invoice(client, 100), approved_invoice(client, 250)
    calls = sandbox.state.call_counts.copy()
    payments = [payment_to_xero(values(first, 100)), payment_to_xero(values(second, 40.5))]
    results = client.save("Payments", payments, SCOPE + ["pay"], create_only=True)
    assert [r.ok for r in results] == [True, True]
    assert sum(sandbox.state.call_counts.values()) - sum(calls.values()) == 1
    held = {p["PaymentID"]: p for p in sandbox.actions.held(uk.tenant_id, "Payments")}
    paid = held[str(results[1].data.payment_id)]
    assert (paid["Amount"], paid["Reference"]) == (40.5, "PBNK1/2026/00001 Invoice INV/2026/00001")
    deleted = client.delete_payments([str(r.data.payment_id) for r in results], SCOPE + ["del"])
    assert [r.ok for r in deleted] == [True, True]
    statuses = {p["Status"] for p in sandbox.actions.held(uk.tenant_id, "Payments")}
    assert statuses == {"DELETED"}


def test_a_refused_payment_leaves_the_others_and_says_why(client, sandbox, uk):
    invoice = approved_invoice(client, 100)
    results = client.save(
        "Payments",
        [payment_to_xero(values(invoice, 150)), payment_to_xero(values(invoice, 60))],
        SCOPE + ["refused"],
        create_only=True,
    )
    assert [r.ok for r in results] == [False, True]
    assert results[0].errors == ["Payment amount exceeds the amount outstanding on this document"]
    payment_id = str(results[1].data.payment_id)
    # The same deletion again is the same request: Xero answers it from its idempotency cache.
    assert [r.ok for r in client.delete_payments([payment_id] * 2, SCOPE + ["once"])] == [True] * 2
    [again] = client.delete_payments([payment_id], SCOPE + ["another"])
    assert not again.ok and again.errors == ["This payment has already been deleted"]


def test_a_foreign_payment_books_odoos_amount_in_the_base_currency(client, sandbox, uk):
    invoice = approved_invoice(client, 1000, "EUR", rate=1.15)
    payment = payment_to_xero(values(invoice, 1000, amount_in_company_currency=857.63))
    [result] = client.save("Payments", [payment], SCOPE + ["eur"], create_only=True)
    assert result.ok, result.errors
    [held] = sandbox.actions.held(uk.tenant_id, "Payments")
    assert Decimal(str(held["BankAmount"])) == Decimal("857.63")
    assert Decimal(str(held["Amount"])) / Decimal(str(held["CurrencyRate"])) == pytest.approx(
        Decimal("857.63"), abs=Decimal("0.005")
    )


def test_a_base_currency_payment_sends_no_rate():
    payment = payment_to_xero(
        {
            "label": "P1",
            "endpoint": "CreditNotes",
            "document_id": "0f8c3c3a-3a52-4a63-9a1c-1b5a7a0a9d11",
            "account_code": "090",
            "date": date(2026, 11, 20),
            "amount": 12.345,
            "reference": None,
        }
    )
    assert payment.currency_rate is None and payment.invoice is None
    assert (payment.credit_note.credit_note_id, payment.amount) == (
        "0f8c3c3a-3a52-4a63-9a1c-1b5a7a0a9d11",
        12.35,
    )


def test_a_payment_of_nothing_is_refused_with_its_label():
    with pytest.raises(MappingError, match="P9 cannot be sent to Xero"):
        payment_to_xero(
            {
                "label": "P9",
                "endpoint": "Invoices",
                "document_id": "0f8c3c3a-3a52-4a63-9a1c-1b5a7a0a9d11",
                "account_code": "090",
                "date": date(2026, 11, 20),
                "amount": 0,
            }
        )


@pytest.mark.parametrize(
    ("amount", "booked"),
    [("100", "86.96"), ("1000", "857.63"), ("12345.67", "10500.01"), ("0.5", "0.43")],
)
def test_the_rate_books_odoos_amount_to_the_cent(amount, booked):
    rate = rate_booking(Decimal(amount), Decimal(booked))
    assert rate == rate.quantize(Decimal("0.000001"))
    assert (Decimal(amount) / rate).quantize(Decimal("0.01")) == Decimal(booked)


def test_for_large_amounts_the_nearest_rate_is_taken():
    # One step of a 6-decimal rate moves 9,876,543.21 EUR by about 7 pounds: no rate hits the
    # cent; the nearest one is within one step.
    amount, booked = Decimal("9876543.21"), Decimal("8500000.00")
    rate = rate_booking(amount, booked)
    assert abs(amount / rate - booked) < amount / rate - amount / (rate + Decimal("0.000001"))
