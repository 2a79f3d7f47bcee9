"""Document amounts that end on Odoo's totals to the cent in Xero (here: the sandbox, which
rounds as Xero does and accepts a line's TaxAmount only within a cent of its own)."""

import random
from decimal import Decimal

import pytest

from xero_client.mappings.common import MappingError
from xero_client.mappings.document import (
    cents,
    exact_line_tax,
    fold_discount,
    line_amount_types,
    share_tax,
)

SALES_RATES = {Decimal(20): "OUTPUT2", Decimal(5): "RROUTPUT", Decimal(0): "ZERORATEDOUTPUT"}
PURCHASE_RATES = {Decimal(20): "INPUT2", Decimal(5): "RRINPUT", Decimal(0): "ZERORATEDINPUT"}
DOCUMENTS = 240


def test_one_kind_of_tax_per_document():
    assert line_amount_types([]) == "NoTax"
    assert line_amount_types([False, False]) == "Exclusive"
    assert line_amount_types([True]) == "Inclusive"
    with pytest.raises(MappingError, match="one or the other"):
        line_amount_types([True, False])


def test_tax_rounded_once_for_the_document_is_shared_out_to_the_cent():
    """Three lines of 0.10 at 5%: per line Xero makes 0.01 each (0.03), Odoo rounding
    globally makes 0.02. The lines carry 0.01, 0.01 and 0.00."""
    lines = [(Decimal("0.10"), Decimal(5))] * 3
    shares = share_tax(lines, Decimal("0.02"), "Exclusive")
    assert sum(shares) == Decimal("0.02")
    assert sorted(shares) == [Decimal("0.00"), Decimal("0.01"), Decimal("0.01")]


def test_a_tax_total_no_sharing_can_reach_is_refused():
    with pytest.raises(MappingError, match="cannot be shared out"):
        share_tax([(Decimal("10.00"), Decimal(20))], Decimal("2.05"), "Exclusive")


def odoo_totals(lines, amount_types, rounding):
    """What Odoo computes: its tax per line rounded, or per tax over the document."""
    if rounding == "round_per_line":
        tax = sum((cents(exact_line_tax(a, r, amount_types)) for a, r in lines), Decimal(0))
    else:
        by_rate = {}
        for amount, rate in lines:
            by_rate[rate] = by_rate.get(rate, Decimal(0)) + exact_line_tax(
                amount, rate, amount_types
            )
        tax = sum((cents(v) for v in by_rate.values()), Decimal(0))
    amounts = sum((a for a, _r in lines), Decimal(0))
    untaxed = amounts - tax if amount_types == "Inclusive" else amounts
    return untaxed, tax, untaxed + tax


def awkward_line(rng):
    quantity = Decimal(rng.choice(["1", "3", "7", "0.333", "2.5", "12", "1.75", "99", "0.01"]))
    price = Decimal(rng.randint(1, 999999)) / Decimal(rng.choice([100, 1000, 10000]))
    discount = Decimal(rng.choice([0, 0, 0, 5, 12.5, 33.33, 50]))
    rate = rng.choice(list(SALES_RATES))
    return quantity, price, discount, rate


def generated_documents(seed=20261127):
    rng = random.Random(seed)
    for number in range(DOCUMENTS):
        kind = "ACCREC" if number % 2 == 0 else "ACCPAY"
        amount_types = rng.choice(["Exclusive", "Inclusive"])
        rounding = rng.choice(["round_per_line", "round_globally"])
        lines = [awkward_line(rng) for _ in range(rng.randint(1, 8))]
        yield number, kind, amount_types, rounding, lines


def xero_lines(kind, amount_types, lines, tax_total_of):
    """Invoice lines as the connector will send them; bills take no discount."""
    sent, amounts = [], []
    for quantity, price, discount, rate in lines:
        line_amount = cents(quantity * price * (1 - discount / 100))
        line = {"Description": "Line", "Quantity": float(quantity), "AccountCode": "200"}
        if kind == "ACCREC":
            line.update(UnitAmount=float(price), DiscountRate=float(discount))
        else:
            quantity, unit, _folded = fold_discount(quantity, price, discount, line_amount)
            line.update(Quantity=float(quantity), UnitAmount=float(unit), AccountCode="300")
        rates = SALES_RATES if kind == "ACCREC" else PURCHASE_RATES
        line["TaxType"] = rates[rate]
        sent.append(line)
        amounts.append((line_amount, rate))
    tax = tax_total_of(amounts)
    for line, share in zip(sent, share_tax(amounts, tax, amount_types), strict=True):
        line["TaxAmount"] = float(share)
    return sent, amounts


def test_240_awkward_documents_end_on_odoos_totals_to_the_cent(raw, uk):
    contact = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Cent Ltd"}]}).json()
    contact_id = contact["Contacts"][0]["ContactID"]
    expected, documents = [], []
    for number, kind, amount_types, rounding, lines in generated_documents():
        totals = {}

        def tax_total_of(amounts, amount_types=amount_types, rounding=rounding, totals=totals):
            totals["odoo"] = odoo_totals(amounts, amount_types, rounding)
            return totals["odoo"][1]

        sent, _amounts = xero_lines(kind, amount_types, lines, tax_total_of)
        documents.append(
            {
                "Type": kind,
                "Contact": {"ContactID": contact_id},
                "InvoiceNumber": "CENT-%03d" % number,
                "LineAmountTypes": amount_types,
                "LineItems": sent,
                "Date": "2026-11-27",
                "DueDate": "2026-12-27",
            }
        )
        expected.append(totals["odoo"])
    held = []
    for start in range(0, len(documents), 50):
        answer = raw.call(
            "PUT",
            "/Invoices",
            params={"unitdp": 4},
            json={"Invoices": documents[start : start + 50]},
        )
        assert answer.status_code == 200, answer.text[:500]
        held += answer.json()["Invoices"]
    assert len(held) == DOCUMENTS
    for invoice, (untaxed, tax, total) in zip(held, expected, strict=True):
        figures = tuple(Decimal(str(invoice[k])) for k in ("SubTotal", "TotalTax", "Total"))
        assert figures == (untaxed, tax, total), invoice["InvoiceNumber"]


@pytest.mark.parametrize("seed", range(5))
def test_a_folded_discount_keeps_the_line_to_the_cent(seed):
    rng = random.Random(seed)
    for _ in range(400):
        quantity, price, discount, _rate = awkward_line(rng)
        line_amount = cents(quantity * price * (1 - discount / 100))
        sent_quantity, unit, folded = fold_discount(quantity, price, discount, line_amount)
        assert cents(sent_quantity * unit) == line_amount
        assert unit == unit.quantize(Decimal("0.0001"))
        assert folded == (sent_quantity != quantity)
