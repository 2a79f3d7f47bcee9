"""What a Xero document says, and what changed between two readings of it."""

from datetime import date
from decimal import Decimal

from xero_python.accounting import Contact, CreditNote, Invoice, LineItem, LineItemTracking

from xero_client.document_content import content_of, differences


def invoice(**changes):
    lines = changes.pop(
        "lines",
        [
            LineItem(
                description="Consulting",
                quantity=Decimal("3.0000"),
                unit_amount=Decimal("100.00"),
                account_code="200",
                tax_type="OUTPUT2",
                tax_amount=Decimal("60.00"),
                line_amount=Decimal("300.00"),
                tracking=[LineItemTracking(name="Region", option="North")],
            )
        ],
    )
    values = dict(
        type="ACCREC",
        contact=Contact(contact_id="8d3f3c4a-9a39-4bb0-a2a6-0d5b4f1c1e01"),
        date=date(2026, 11, 20),
        currency_code="GBP",
        line_amount_types="Exclusive",
        sub_total=Decimal("300.00"),
        total_tax=Decimal("60.00"),
        total=Decimal("360.00"),
        line_items=lines,
    )
    values.update(changes)
    return Invoice(**values)


def test_the_same_document_read_again_has_no_differences():
    sent = content_of(invoice())
    assert differences(sent, content_of(invoice(amount_due=Decimal("0"), status="PAID"))) == []


def test_amounts_compare_by_value_not_by_their_zeros():
    sent = content_of(invoice(total=Decimal("360.00")))
    assert differences(sent, content_of(invoice(total=Decimal("360")))) == []


def test_an_edited_line_and_total_are_named():
    edited = invoice(
        total=Decimal("480.00"),
        sub_total=Decimal("400.00"),
        total_tax=Decimal("80.00"),
        lines=[
            LineItem(
                description="Consulting",
                quantity=Decimal("4.0000"),
                unit_amount=Decimal("100.00"),
                account_code="200",
                tax_type="OUTPUT2",
                tax_amount=Decimal("80.00"),
                line_amount=Decimal("400.00"),
                tracking=[LineItemTracking(name="Region", option="South")],
            )
        ],
    )
    found = differences(content_of(invoice()), content_of(edited))
    assert "total 360 → 480" in found
    assert "line 1 quantity 3 → 4" in found
    assert "line 1 tracking Region: North → Region: South" in found
    assert len(found) == 7  # subtotal, tax, total; quantity, tax, amount, tracking of line 1


def test_an_added_line_another_contact_and_date_are_named():
    lines = invoice().line_items + [LineItem(description="Travel", line_amount=Decimal("20"))]
    edited = invoice(
        contact=Contact(contact_id="00000000-0000-0000-0000-000000000002"),
        date=date(2026, 11, 21),
        lines=lines,
    )
    found = differences(content_of(invoice()), content_of(edited))
    assert "1 lines → 2" in found
    assert "date 2026-11-20 → 2026-11-21" in found
    assert any(f.startswith("contact ") for f in found)


def test_a_credit_note_reads_the_same_way():
    note = CreditNote(
        type="ACCRECCREDIT",
        contact=Contact(contact_id="8d3f3c4a-9a39-4bb0-a2a6-0d5b4f1c1e01"),
        date=date(2026, 11, 20),
        currency_code="GBP",
        line_amount_types="Exclusive",
        sub_total=Decimal("50"),
        total_tax=Decimal("10"),
        total=Decimal("60"),
        line_items=[LineItem(description="Refund", line_amount=Decimal("50"))],
    )
    content = content_of(note)
    assert content["totals"] == {"sub_total": "50", "total_tax": "10", "total": "60"}
    assert differences(content, content_of(note)) == []
