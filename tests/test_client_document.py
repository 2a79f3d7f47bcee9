"""Document amounts that end on Odoo's totals to the cent in Xero (here: the sandbox, which
rounds as Xero does and accepts a line's TaxAmount only within a cent of its own)."""

import random
from decimal import Decimal

import pytest
from xero_python.api_client.serializer import serialize

from xero_client.mappings.common import MappingError
from xero_client.mappings.credit_note import credit_note_to_xero
from xero_client.mappings.document import (
    cents,
    document_to_xero,
    exact_line_tax,
    fold_discount,
    line_amount_types,
    share_tax,
    xero_totals,
)
from xero_client.mappings.invoice import invoice_to_xero
from xero_client.mappings.purchase_order import purchase_order_to_xero

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


# -- a whole document -----------------------------------------------------------------------
def product_line(
    quantity,
    price,
    discount=0,
    amount=None,
    tax_rate=20,
    price_include=False,
    tax_type="OUTPUT2",
    **extra,
):
    quantity, price, discount = Decimal(str(quantity)), Decimal(str(price)), Decimal(str(discount))
    amount = cents(quantity * price * (1 - discount / 100)) if amount is None else Decimal(amount)
    rate = Decimal(str(tax_rate)) if tax_type else Decimal(0)
    if price_include:
        included, untaxed = amount, cents(amount * 100 / (100 + rate))
    else:
        untaxed, included = amount, cents(amount * (100 + rate) / 100)
    return dict(
        {
            "kind": "product",
            "label": "Line 1",
            "description": "Widget",
            "quantity": quantity,
            "price_unit": price,
            "discount": discount,
            "amount": untaxed,
            "amount_included": included,
            "account_code": "200",
            "tax_type": tax_type or "NONE",
            "tax_rate": rate,
            "price_include": None if not tax_type else price_include,
            "item_code": None,
            "tracking": [],
        },
        **extra,
    )


def document(kind, lines, amount_tax=None, **extra):
    untaxed = sum((line["amount"] for line in lines if line["kind"] == "product"), Decimal(0))
    included = sum(
        (line["amount_included"] for line in lines if line["kind"] == "product"), Decimal(0)
    )
    tax = included - untaxed if amount_tax is None else Decimal(amount_tax)
    return dict(
        {
            "kind": kind,
            "label": "INV/1",
            "xero_id": None,
            "contact_id": "c-1",
            "number": "INV/1",
            "reference": None,
            "date": "2026-11-27",
            "due_date": "2026-12-27",
            "currency": "GBP",
            "currency_rate": None,
            "status": "DRAFT",
            "url": None,
            "amount_untaxed": untaxed,
            "amount_tax": tax,
            "amount_total": untaxed + tax,
            "lines": lines,
        },
        **extra,
    )


def test_a_sales_invoice_keeps_its_discount_and_a_bill_folds_it():
    line = product_line(3, "9.99", discount="12.5")
    sales = document_to_xero(document("out_invoice", [line]))
    assert sales["Type"] == "ACCREC"
    assert sales["LineItems"][0]["DiscountRate"] == Decimal("12.5")
    bill = document_to_xero(document("in_invoice", [dict(line, tax_type="INPUT2")]))
    sent = bill["LineItems"][0]
    assert "DiscountRate" not in sent
    assert cents(sent["Quantity"] * sent["UnitAmount"]) == line["amount"] == sent["LineAmount"]
    assert xero_totals(bill) == (Decimal("26.22"), Decimal("5.24"), Decimal("31.46"))


def test_a_discount_that_no_four_decimal_price_can_carry_becomes_one_unit():
    line = product_line("10000", "0.0001", discount=49, amount="0.51")
    sent = document_to_xero(document("in_refund", [line]))["LineItems"][0]
    assert (sent["Quantity"], sent["UnitAmount"]) == (Decimal(1), Decimal("0.51"))
    assert sent["Description"] == "Widget (10000 x 0.0001 less 49%)"


def test_tax_included_prices_go_inclusive_and_text_lines_as_descriptions():
    lines = [
        {"kind": "text", "label": "Line 1", "description": "Phase one"},
        product_line(1, "12.00", price_include=True),
    ]
    payload = document_to_xero(document("out_invoice", lines))
    assert payload["LineAmountTypes"] == "Inclusive"
    assert payload["LineItems"][0] == {"Description": "Phase one"}
    assert xero_totals(payload) == (Decimal("10.00"), Decimal("2.00"), Decimal("12.00"))


def test_inclusive_lines_that_no_longer_add_up_go_exclusive_to_the_cent():
    """Three lines of 0.10 tax included at 5%: Odoo rounding the tax once for the document
    makes 0.30 + 0.01 = 0.31, more than the lines' 0.30 with tax."""
    lines = [
        dict(product_line(1, "0.10", price_include=True, tax_rate=5, tax_type="RROUTPUT"))
        for _ in range(3)
    ]
    for line in lines:
        line["amount"] = Decimal("0.10")
    doc = document("out_invoice", lines, amount_tax="0.01")
    doc["amount_untaxed"], doc["amount_total"] = Decimal("0.30"), Decimal("0.31")
    payload = document_to_xero(doc)
    assert payload["LineAmountTypes"] == "Exclusive"
    assert xero_totals(payload) == (Decimal("0.30"), Decimal("0.01"), Decimal("0.31"))


def test_a_document_without_tax_and_in_another_currency():
    line = product_line(2, "7.50", tax_type=None)
    payload = document_to_xero(document("out_refund", [line], currency="EUR", currency_rate=1.17))
    assert payload["Type"] == "ACCRECCREDIT"
    assert payload["CreditNoteNumber"] == "INV/1"
    assert payload["LineAmountTypes"] == "NoTax"
    assert (payload["CurrencyCode"], payload["CurrencyRate"]) == ("EUR", 1.17)
    assert "TaxAmount" not in payload["LineItems"][0]


def test_totals_that_would_differ_from_odoos_are_refused():
    doc = document("out_invoice", [product_line(1, "10.00")])
    doc["amount_total"] += Decimal("0.01")
    with pytest.raises(MappingError, match="Xero's totals would be"):
        document_to_xero(doc)


def test_the_sdk_models_carry_what_the_payload_says():
    doc = document("in_invoice", [product_line(3, "9.99", discount="12.5", tax_type="INPUT2")])
    doc.update(number="SUP-7", reference="BILL/1", xero_id="b-1")
    payload, invoice = invoice_to_xero(doc)
    body = serialize(invoice)
    assert (body["Type"], body["InvoiceNumber"], body["Reference"], body["InvoiceID"]) == (
        "ACCPAY",
        "SUP-7",
        "BILL/1",
        "b-1",
    )
    assert body["LineItems"][0]["TaxAmount"] == float(payload["LineItems"][0]["TaxAmount"])
    _payload, note = credit_note_to_xero(dict(doc, kind="in_refund", xero_id=None))
    assert serialize(note)["CreditNoteNumber"] == "SUP-7"
    with pytest.raises(MappingError, match="cannot be sent to Xero"):
        invoice_to_xero(dict(doc, currency="XXX"))


def test_a_purchase_order_has_no_type_and_prices_to_two_decimals():
    """Xero's purchase orders take no unitdp: a discount is folded into a 2-decimal price."""
    line = product_line(3, "12.5", discount=10, tax_type="INPUT2")
    doc = document("purchase_order", [line], delivery_date="2026-12-04", reference="VQ-1")
    payload, order = purchase_order_to_xero(doc)
    assert "Type" not in payload
    assert (payload["PurchaseOrderNumber"], payload["DeliveryDate"]) == ("INV/1", "2026-12-04")
    sent = payload["LineItems"][0]
    assert sent["UnitAmount"] == sent["UnitAmount"].quantize(Decimal("0.01"))
    assert cents(sent["Quantity"] * sent["UnitAmount"]) == sent["LineAmount"] == Decimal("33.75")
    body = serialize(order)
    assert (body["PurchaseOrderNumber"], body["Reference"]) == ("INV/1", "VQ-1")
