"""SDK round trip for every object type the sandbox keeps.

Every call goes through the official ``xero_python`` SDK (``api`` fixture). Each test checks
both what the SDK deserialized and what the sandbox then holds, so a value that only looks
right on the way back (or only in the store) is caught.
"""

import json
import os
import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from xero_python.accounting import (
    Account,
    Address,
    Allocation,
    Allocations,
    Contact,
    ContactPerson,
    Contacts,
    CreditNote,
    CreditNotes,
    HistoryRecord,
    HistoryRecords,
    Invoice,
    Invoices,
    Item,
    Items,
    LineAmountTypes,
    LineItem,
    LineItemTracking,
    Payment,
    PaymentDelete,
    Phone,
    Purchase,
    PurchaseOrder,
    PurchaseOrders,
)
from xero_python.exceptions import AccountingBadRequestException, ApiException

from xero_sandbox.allocations import TOO_LARGE

INVOICE_DATE = date(2024, 5, 1)
DUE_DATE = date(2024, 5, 31)


# -- helpers --------------------------------------------------------------------------------
def key():
    """A fresh Idempotency-Key for one write."""
    return str(uuid.uuid4())


def d(value):
    """An SDK float (or stored Decimal) as a Decimal, for comparisons to the cent."""
    return Decimal(str(value))


def error_messages(exc):
    body = json.loads(exc.body)
    return [
        e["Message"]
        for element in body.get("Elements", [])
        for e in element.get("ValidationErrors", [])
    ]


def create_contact(api, tenant_id, name, **fields):
    answer = api.create_contacts(
        tenant_id,
        Contacts(contacts=[Contact(name=name, **fields)]),
        summarize_errors=False,
        idempotency_key=key(),
    )
    return answer.contacts[0]


def line(description="Widget", quantity=1, unit_amount=100, account_code="200", **fields):
    return LineItem(
        description=description,
        quantity=quantity,
        unit_amount=unit_amount,
        account_code=account_code,
        **fields,
    )


def create_invoice(api, tenant_id, contact_id, lines=None, status="DRAFT", kind="ACCREC", **fields):
    """One invoice through PUT /Invoices; a bill's default line goes to account 429."""
    fields.setdefault("date", INVOICE_DATE)
    fields.setdefault("due_date", DUE_DATE)
    default = line() if kind == "ACCREC" else line(account_code="429")
    invoice = Invoice(
        type=kind,
        contact=Contact(contact_id=contact_id),
        status=status,
        line_items=lines or [default],
        **fields,
    )
    answer = api.create_invoices(
        tenant_id, Invoices(invoices=[invoice]), summarize_errors=False, idempotency_key=key()
    )
    created = answer.invoices[0]
    assert not created.has_errors, created.validation_errors
    return created


def set_invoice_status(api, tenant_id, invoice_id, status):
    answer = api.update_invoice(
        tenant_id, invoice_id, Invoices(invoices=[Invoice(status=status)]), idempotency_key=key()
    )
    return answer.invoices[0]


def pay(api, tenant_id, invoice_id, amount):
    payment = Payment(
        invoice=Invoice(invoice_id=invoice_id),
        account=Account(code="090"),
        amount=amount,
        date=date(2024, 5, 10),
        reference="Bank transfer",
    )
    return api.create_payment(tenant_id, payment, idempotency_key=key()).payments[0]


def invoice_json(api, tenant_id, invoice_id):
    """GET /Invoices/{id} as JSON, through the SDK without its deserializer."""
    answer = api.get_invoice(tenant_id, invoice_id, _preload_content=False)
    return json.loads(answer.data)["Invoices"][0]


def stored(sandbox, tenant_id, collection, object_id):
    return sandbox.state.org(tenant_id).get(collection, object_id)


@pytest.fixture
def tid(uk):
    return uk.tenant_id


@pytest.fixture
def customer(api, tid):
    return create_contact(api, tid, "Bayside Club")


@pytest.fixture
def authorised_invoice(api, tid, customer):
    """An ACCREC invoice of 120.00 (100.00 + 20% VAT), AUTHORISED."""
    return create_invoice(
        api, tid, customer.contact_id, status="AUTHORISED", lines=[line(tax_type="OUTPUT2")]
    )


@pytest.fixture
def credit_note(api, tid, customer):
    """An AUTHORISED ACCRECCREDIT of 30.00 (25.00 + 20% VAT) for the same customer."""
    note = CreditNote(
        type="ACCRECCREDIT",
        contact=Contact(contact_id=customer.contact_id),
        date=INVOICE_DATE,
        status="AUTHORISED",
        line_items=[line("Refund", 1, 25, tax_type="OUTPUT2")],
    )
    return api.create_credit_notes(
        tid, CreditNotes(credit_notes=[note]), summarize_errors=False, idempotency_key=key()
    ).credit_notes[0]


def allocate(api, tenant_id, credit_note_id, invoice_id, amount):
    allocation = Allocation(
        invoice=Invoice(invoice_id=invoice_id), amount=amount, date=date(2024, 5, 5)
    )
    return api.create_credit_note_allocation(
        tenant_id, credit_note_id, Allocations(allocations=[allocation]), idempotency_key=key()
    ).allocations[0]


# -- settings -------------------------------------------------------------------------------
def test_organisation_carries_its_short_code(api, uk, au):
    for org, code, country in ((uk, "!uk1Dm", "GB"), (au, "!au2Dm", "AU")):
        organisation = api.get_organisations(org.tenant_id).organisations[0]
        assert organisation.short_code == code == org.short_code
        assert organisation.organisation_id == org.tenant_id
        assert organisation.country_code.value == country


def test_accounts_list_filter_and_get_one(api, sandbox, tid):
    accounts = api.get_accounts(tid).accounts
    by_code = {a.code: a for a in accounts}
    assert {"090", "200", "800"} <= set(by_code)
    assert by_code["200"].type.value == "REVENUE"
    assert by_code["200"].tax_type == "OUTPUT2"
    banks = api.get_accounts(tid, where='Type=="BANK"').accounts
    assert [a.code for a in banks] == ["090"]
    one = api.get_account(tid, by_code["200"].account_id).accounts[0]
    assert one.name == "Sales"
    assert sandbox.state.org(tid).account_by_code("200")["AccountID"] == one.account_id


def test_tax_rates_differ_between_uk_and_au(api, uk, au):
    uk_rates = {r.tax_type: r for r in api.get_tax_rates(uk.tenant_id).tax_rates}
    au_rates = {r.tax_type: r for r in api.get_tax_rates(au.tenant_id).tax_rates}
    assert d(uk_rates["OUTPUT2"].effective_rate) == 20
    assert uk_rates["OUTPUT2"].tax_components[0].rate == 20
    assert "OUTPUT" not in uk_rates
    assert d(au_rates["OUTPUT"].effective_rate) == 10
    assert "OUTPUT2" not in au_rates
    assert uk.tax_rate("OUTPUT2")["EffectiveRate"] == 20
    assert au.tax_rate("OUTPUT")["EffectiveRate"] == 10


def test_tracking_categories_carry_their_options(api, uk):
    categories = {c.name: c for c in api.get_tracking_categories(uk.tenant_id).tracking_categories}
    assert set(categories) == {"Region", "Department"}
    region = categories["Region"]
    assert [o.name for o in region.options] == ["North", "South", "East", "West"]
    assert all(o.status == "ACTIVE" for o in region.options)
    one = api.get_tracking_category(uk.tenant_id, region.tracking_category_id)
    assert (
        one.tracking_categories[0].options[0].tracking_option_id
        == (uk.tracking_category(name="Region")["Options"][0]["TrackingOptionID"])
    )


def test_currencies_per_organisation(api, uk, au):
    uk_codes = [c.code.value for c in api.get_currencies(uk.tenant_id).currencies]
    au_codes = [c.code.value for c in api.get_currencies(au.tenant_id).currencies]
    assert uk_codes == ["GBP", "EUR", "USD"]
    assert au_codes == ["AUD", "NZD", "USD"]
    assert [c["Code"] for c in uk.settings["Currencies"]] == uk_codes


# -- items ----------------------------------------------------------------------------------
def test_item_create_update_by_code_and_get(api, sandbox, tid):
    item = Item(
        code="DESK-01",
        name="Standing desk",
        description="Oak standing desk",
        sales_details=Purchase(unit_price=450, account_code="200", tax_type="OUTPUT2"),
        purchase_details=Purchase(unit_price=300, account_code="300"),
    )
    created = api.create_items(
        tid, Items(items=[item]), summarize_errors=False, idempotency_key=key()
    ).items[0]
    assert created.item_id and d(created.sales_details.unit_price) == 450
    update = Item(
        code="DESK-01",
        name="Standing desk XL",
        sales_details=Purchase(unit_price=499.5, account_code="200"),
    )
    updated = api.update_or_create_items(
        tid, Items(items=[update]), summarize_errors=False, idempotency_key=key()
    ).items[0]
    assert updated.item_id == created.item_id
    fetched = api.get_item(tid, created.item_id).items[0]
    assert fetched.name == "Standing desk XL"
    assert d(fetched.sales_details.unit_price) == Decimal("499.5")
    assert d(fetched.purchase_details.unit_price) == 300
    held = stored(sandbox, tid, "Items", created.item_id)
    assert held["Name"] == "Standing desk XL" and held["SalesDetails"]["UnitPrice"] == Decimal(
        "499.5"
    )
    assert len(sandbox.state.org(tid).all("Items")) == 1


def test_item_with_unknown_account_reports_element_errors(api, sandbox, tid):
    items = Items(
        items=[
            Item(code="OK-1", name="Fine"),
            Item(code="BAD-1", sales_details=Purchase(account_code="999")),
        ]
    )
    answer = api.create_items(tid, items, summarize_errors=False, idempotency_key=key())
    good, bad = answer.items
    assert good.item_id and not good.validation_errors
    assert bad.validation_errors[0].message == "SalesDetails: Account code '999' is not valid."
    assert [i["Code"] for i in sandbox.state.org(tid).all("Items")] == ["OK-1"]


# -- contacts -------------------------------------------------------------------------------
def full_contact(name="Ridgeway University"):
    return Contact(
        name=name,
        account_number="ACC-42",
        tax_number="GB123456789",
        email_address="accounts@ridgeway.example",
        contact_persons=[
            ContactPerson(
                first_name="Ann",
                last_name="Lee",
                email_address="ann@ridgeway.example",
                include_in_emails=True,
            )
        ],
        addresses=[
            Address(
                address_type="POBOX",
                address_line1="PO Box 1",
                city="Leeds",
                postal_code="LS1 1AA",
                country="United Kingdom",
            )
        ],
        phones=[Phone(phone_type="DEFAULT", phone_number="5550100", phone_area_code="0113")],
    )


def test_contact_create_with_persons_addresses_and_phones(api, sandbox, tid):
    created = api.create_contacts(
        tid, Contacts(contacts=[full_contact()]), summarize_errors=False, idempotency_key=key()
    ).contacts[0]
    fetched = api.get_contact(tid, created.contact_id).contacts[0]
    for contact in (created, fetched):
        assert contact.account_number == "ACC-42"
        assert contact.tax_number == "GB123456789"
        assert contact.contact_persons[0].email_address == "ann@ridgeway.example"
        assert contact.contact_persons[0].include_in_emails is True
        assert contact.addresses[0].address_type == "POBOX"
        assert contact.addresses[0].city == "Leeds"
        assert contact.phones[0].phone_number == "5550100"
        assert contact.contact_status == "ACTIVE"
    held = stored(sandbox, tid, "Contacts", created.contact_id)
    assert held["ContactPersons"][0]["FirstName"] == "Ann"
    assert held["Addresses"][0]["PostalCode"] == "LS1 1AA"
    assert held["Phones"][0]["PhoneAreaCode"] == "0113"


def test_contact_update_changes_fields_and_keeps_the_rest(api, sandbox, tid):
    created = create_contact(
        api,
        tid,
        "Ridgeway University",
        account_number="ACC-42",
        phones=[Phone(phone_type="DEFAULT", phone_number="5550100")],
    )
    change = Contact(
        name="Ridgeway Uni",
        tax_number="GB987654321",
        phones=[Phone(phone_type="MOBILE", phone_number="07700900")],
    )
    updated = api.update_contact(
        tid, created.contact_id, Contacts(contacts=[change]), idempotency_key=key()
    ).contacts[0]
    assert updated.contact_id == created.contact_id
    assert updated.name == "Ridgeway Uni" and updated.account_number == "ACC-42"
    assert {p.phone_type: p.phone_number for p in updated.phones} == {
        "DEFAULT": "5550100",
        "MOBILE": "07700900",
    }
    held = stored(sandbox, tid, "Contacts", created.contact_id)
    assert (held["Name"], held["TaxNumber"]) == ("Ridgeway Uni", "GB987654321")
    assert len(sandbox.state.org(tid).all("Contacts")) == 1


def test_archived_contact_leaves_the_default_list(api, sandbox, tid):
    keep = create_contact(api, tid, "Keep Ltd")
    gone = create_contact(api, tid, "Gone Ltd")
    archived = api.update_contact(
        tid,
        gone.contact_id,
        Contacts(contacts=[Contact(contact_status="ARCHIVED")]),
        idempotency_key=key(),
    ).contacts[0]
    assert archived.contact_status == "ARCHIVED"
    assert stored(sandbox, tid, "Contacts", gone.contact_id)["ContactStatus"] == "ARCHIVED"
    default = [c.contact_id for c in api.get_contacts(tid).contacts]
    assert default == [keep.contact_id]
    everything = {c.contact_id for c in api.get_contacts(tid, include_archived=True).contacts}
    assert everything == {keep.contact_id, gone.contact_id}


def test_renamed_contact_shows_its_new_name_on_invoices(api, sandbox, tid, customer):
    invoice = create_invoice(api, tid, customer.contact_id)
    api.update_contact(
        tid,
        customer.contact_id,
        Contacts(contacts=[Contact(name="Bayside")]),
        idempotency_key=key(),
    )
    assert stored(sandbox, tid, "Contacts", customer.contact_id)["Name"] == "Bayside"
    fetched = api.get_invoice(tid, invoice.invoice_id).invoices[0]
    assert fetched.contact.name == "Bayside"


def test_duplicate_contact_name_is_an_element_error(api, sandbox, tid):
    create_contact(api, tid, "Bayside Club")
    answer = api.create_contacts(
        tid,
        Contacts(contacts=[Contact(name="Bayside Club")]),
        summarize_errors=False,
        idempotency_key=key(),
    )
    element = answer.contacts[0]
    assert element.has_validation_errors is True
    assert "already assigned to another contact" in element.validation_errors[0].message
    assert len(sandbox.state.org(tid).all("Contacts")) == 1


# -- invoices: lines and totals -------------------------------------------------------------
def test_accrec_lines_round_trip_with_item_tracking_and_discount(api, sandbox, tid, customer):
    api.create_items(
        tid, Items(items=[Item(code="CONSULT", name="Consulting hour")]), idempotency_key=key()
    )
    tracked = line(
        description="Advice",
        quantity=3,
        unit_amount=19.99,
        tax_type="OUTPUT2",
        item_code="CONSULT",
        discount_rate=10,
        tracking=[LineItemTracking(name="Region", option="North")],
    )
    created = create_invoice(api, tid, customer.contact_id, lines=[tracked])
    # 3 x 19.99 = 59.97, less 10% = 53.973 -> 53.97; VAT 20% = 10.794 -> 10.79
    fetched = api.get_invoice(tid, created.invoice_id).invoices[0]
    for invoice in (created, fetched):
        item = invoice.line_items[0]
        assert (item.account_code, item.tax_type, item.item_code) == ("200", "OUTPUT2", "CONSULT")
        assert (item.tracking[0].name, item.tracking[0].option) == ("Region", "North")
        assert d(item.discount_rate) == 10 and d(item.line_amount) == Decimal("53.97")
        assert d(item.tax_amount) == Decimal("10.79")
        assert (d(invoice.sub_total), d(invoice.total_tax), d(invoice.total)) == (
            Decimal("53.97"),
            Decimal("10.79"),
            Decimal("64.76"),
        )
        assert invoice.type == "ACCREC" and invoice.invoice_number == "INV-0001"
    held = stored(sandbox, tid, "Invoices", created.invoice_id)
    assert held["LineItems"][0]["Tracking"][0]["Option"] == "North"
    assert held["Total"] == Decimal("64.76") and held["AmountDue"] == Decimal("64.76")


def test_accpay_bill_round_trip(api, sandbox, tid):
    supplier = create_contact(api, tid, "PowerDirect")
    bill = create_invoice(
        api,
        tid,
        supplier.contact_id,
        kind="ACCPAY",
        status="AUTHORISED",
        invoice_number="PD-7781",
        reference="May power",
        lines=[line("Electricity", 1, 250, "445", tax_type="INPUT2")],
    )
    assert bill.type == "ACCPAY" and bill.invoice_number == "PD-7781"
    assert (d(bill.total_tax), d(bill.total)) == (Decimal("50.00"), Decimal("300.00"))
    held = stored(sandbox, tid, "Invoices", bill.invoice_id)
    # Xero keeps a Reference on sales documents only: a bill's is dropped.
    assert (held["Type"], held["Status"], held.get("Reference")) == (
        "ACCPAY",
        "AUTHORISED",
        None,
    )
    assert stored(sandbox, tid, "Contacts", supplier.contact_id)["IsSupplier"] is True


def test_discount_on_a_bill_is_rejected(api, tid):
    supplier = create_contact(api, tid, "PowerDirect")
    bill = Invoice(
        type="ACCPAY",
        contact=Contact(contact_id=supplier.contact_id),
        line_items=[line(account_code="445", discount_rate=5)],
    )
    with pytest.raises(AccountingBadRequestException) as caught:
        api.create_invoices(tid, Invoices(invoices=[bill]), idempotency_key=key())
    assert caught.value.status == 400
    assert error_messages(caught.value) == [
        "Discounts can only be applied to sales invoices (line item 1)"
    ]


@pytest.mark.parametrize(
    ("org_name", "tax_type", "amount"),
    [
        ("au", "OUTPUT", 1.25),  # 10% of 1.25 = 0.125 per line
        ("uk", "RROUTPUT", 2.50),  # 5% of 2.50 = 0.125 per line
    ],
)
def test_exclusive_tax_rounds_per_line_then_sums(api, sandbox, request, org_name, tax_type, amount):
    tenant_id = request.getfixturevalue(org_name).tenant_id
    contact = create_contact(api, tenant_id, "Rounding Pty")
    lines = [line("Line %d" % n, 1, amount, tax_type=tax_type) for n in range(3)]
    invoice = create_invoice(
        api, tenant_id, contact.contact_id, lines=lines, line_amount_types=LineAmountTypes.EXCLUSIVE
    )
    # 0.125 rounds to 0.13 on each line: 0.39, not round(0.375) = 0.38 nor 0.37
    assert [d(li.tax_amount) for li in invoice.line_items] == [Decimal("0.13")] * 3
    expected = (d(amount) * 3, Decimal("0.39"), d(amount) * 3 + Decimal("0.39"))
    assert (d(invoice.sub_total), d(invoice.total_tax), d(invoice.total)) == expected
    held = stored(sandbox, tenant_id, "Invoices", invoice.invoice_id)
    assert (held["SubTotal"], held["TotalTax"], held["Total"]) == expected


def test_inclusive_totals_take_tax_out_of_each_line(api, sandbox, au):
    contact = create_contact(api, au.tenant_id, "Inclusive Pty")
    lines = [line("Line %d" % n, 1, 10, tax_type="OUTPUT") for n in range(3)]
    invoice = create_invoice(
        api,
        au.tenant_id,
        contact.contact_id,
        lines=lines,
        line_amount_types=LineAmountTypes.INCLUSIVE,
    )
    # 10.00 - 10.00 / 1.1 = 0.9090.. -> 0.91 per line; 2.73 in all; SubTotal 27.27
    assert invoice.line_amount_types.value == "Inclusive"
    assert [d(li.line_amount) for li in invoice.line_items] == [Decimal("10.00")] * 3
    assert (d(invoice.sub_total), d(invoice.total_tax), d(invoice.total)) == (
        Decimal("27.27"),
        Decimal("2.73"),
        Decimal("30.00"),
    )
    held = stored(sandbox, au.tenant_id, "Invoices", invoice.invoice_id)
    assert [li["TaxAmount"] for li in held["LineItems"]] == [Decimal("0.91")] * 3


def test_no_tax_totals(api, sandbox, tid, customer):
    lines = [line("A", 2, 12.345), line("B", 1, 0.01)]
    invoice = create_invoice(
        api, tid, customer.contact_id, lines=lines, line_amount_types=LineAmountTypes.NOTAX
    )
    # without unitdp=4 the unit amount is kept to 2 decimals: 2 x 12.35 + 0.01 = 24.71
    held = stored(sandbox, tid, "Invoices", invoice.invoice_id)
    assert invoice.line_amount_types.value == "NoTax"
    assert d(invoice.total_tax) == 0 and held["TotalTax"] == 0
    assert d(invoice.total) == d(invoice.sub_total) == held["Total"]
    assert held["Total"] == Decimal("24.71")


# -- invoices: status changes ---------------------------------------------------------------
def test_status_goes_draft_submitted_authorised(api, sandbox, tid, customer):
    invoice = create_invoice(api, tid, customer.contact_id)
    assert invoice.status == "DRAFT"
    for status in ("SUBMITTED", "AUTHORISED"):
        changed = set_invoice_status(api, tid, invoice.invoice_id, status)
        assert changed.status == status
        assert stored(sandbox, tid, "Invoices", invoice.invoice_id)["Status"] == status
    assert api.get_invoice(tid, invoice.invoice_id).invoices[0].status == "AUTHORISED"


def test_authorised_invoice_can_be_voided(api, sandbox, tid, authorised_invoice):
    voided = set_invoice_status(api, tid, authorised_invoice.invoice_id, "VOIDED")
    assert voided.status == "VOIDED"
    held = stored(sandbox, tid, "Invoices", authorised_invoice.invoice_id)
    assert held["Status"] == "VOIDED"


def test_authorised_invoice_cannot_go_back_to_draft(api, sandbox, tid, authorised_invoice):
    with pytest.raises(AccountingBadRequestException) as caught:
        set_invoice_status(api, tid, authorised_invoice.invoice_id, "DRAFT")
    assert caught.value.status == 400
    assert error_messages(caught.value) == ["Invoice not of valid status for modification"]
    held = stored(sandbox, tid, "Invoices", authorised_invoice.invoice_id)
    assert held["Status"] == "AUTHORISED"


def test_paid_invoice_cannot_be_edited(api, sandbox, tid, authorised_invoice):
    pay(api, tid, authorised_invoice.invoice_id, 120)
    edit = Invoice(reference="changed after payment")
    with pytest.raises(AccountingBadRequestException) as caught:
        api.update_invoice(
            tid, authorised_invoice.invoice_id, Invoices(invoices=[edit]), idempotency_key=key()
        )
    assert caught.value.status == 400
    assert error_messages(caught.value) == ["Invoice not of valid status for modification"]
    held = stored(sandbox, tid, "Invoices", authorised_invoice.invoice_id)
    assert held["Status"] == "PAID" and "Reference" not in held


def test_part_paid_invoice_lines_cannot_be_changed(api, sandbox, tid, authorised_invoice):
    pay(api, tid, authorised_invoice.invoice_id, 50)
    edit = Invoice(line_items=[line(unit_amount=500, tax_type="OUTPUT2")])
    with pytest.raises(AccountingBadRequestException) as caught:
        api.update_invoice(
            tid, authorised_invoice.invoice_id, Invoices(invoices=[edit]), idempotency_key=key()
        )
    assert error_messages(caught.value) == [
        "This document cannot be edited as it has a payment or credit note allocated to it."
    ]
    held = stored(sandbox, tid, "Invoices", authorised_invoice.invoice_id)
    assert (held["Total"], held["AmountDue"]) == (Decimal("120.00"), Decimal("70.00"))


def test_unsummarized_batch_keeps_the_good_invoice(api, sandbox, tid, customer):
    good = Invoice(
        type="ACCREC", contact=Contact(contact_id=customer.contact_id), line_items=[line()]
    )
    bad = Invoice(
        type="ACCREC",
        contact=Contact(contact_id=customer.contact_id),
        line_items=[line(account_code="999")],
    )
    answer = api.create_invoices(
        tid, Invoices(invoices=[good, bad]), summarize_errors=False, idempotency_key=key()
    )
    ok, failed = answer.invoices
    assert ok.status_attribute_string == "OK" and not ok.has_errors
    assert failed.has_errors is True
    assert failed.validation_errors[0].message == (
        "Account code '999' is not a valid code for this document."
    )
    assert [i["InvoiceID"] for i in sandbox.state.org(tid).all("Invoices")] == [ok.invoice_id]


# -- credit notes ---------------------------------------------------------------------------
def test_credit_note_allocated_to_an_invoice(api, sandbox, tid, credit_note, authorised_invoice):
    assert credit_note.type == "ACCRECCREDIT" and credit_note.credit_note_number == "CN-0001"
    assert (d(credit_note.total), d(credit_note.remaining_credit)) == (Decimal(30), Decimal(30))
    made = allocate(api, tid, credit_note.credit_note_id, authorised_invoice.invoice_id, 30)
    assert d(made.amount) == 30 and made.invoice.invoice_id == authorised_invoice.invoice_id
    assert made.date == date(2024, 5, 5)
    invoice = invoice_json(api, tid, authorised_invoice.invoice_id)
    assert (invoice["AmountCredited"], invoice["AmountDue"]) == (30, 90)
    assert invoice["CreditNotes"][0]["CreditNoteID"] == credit_note.credit_note_id
    held = stored(sandbox, tid, "CreditNotes", credit_note.credit_note_id)
    assert (held["RemainingCredit"], held["Status"]) == (0, "PAID")
    held = stored(sandbox, tid, "Invoices", authorised_invoice.invoice_id)
    assert (held["AmountDue"], held["Status"]) == (90, "AUTHORISED")


def test_allocation_beyond_the_remaining_credit_is_rejected(
    api, sandbox, tid, credit_note, authorised_invoice
):
    with pytest.raises(AccountingBadRequestException) as caught:
        allocate(api, tid, credit_note.credit_note_id, authorised_invoice.invoice_id, 30.01)
    assert caught.value.status == 400
    assert error_messages(caught.value)[0] == TOO_LARGE % {"label": "Credit Note"}
    held = stored(sandbox, tid, "CreditNotes", credit_note.credit_note_id)
    assert (held["RemainingCredit"], held["Allocations"]) == (30, [])


def test_sdk_reads_back_an_invoice_with_a_credit_note(api, tid, credit_note, authorised_invoice):
    allocate(api, tid, credit_note.credit_note_id, authorised_invoice.invoice_id, 30)
    invoice = api.get_invoice(tid, authorised_invoice.invoice_id).invoices[0]
    assert invoice.credit_notes[0].date == date(2024, 5, 5)
    note = api.get_credit_note(tid, credit_note.credit_note_id).credit_notes[0]
    assert note.allocations[0].date == date(2024, 5, 5)


# -- purchase orders ------------------------------------------------------------------------
def test_purchase_order_create_update_status_and_get(api, sandbox, tid):
    supplier = create_contact(api, tid, "Office Supplies Co")
    order = PurchaseOrder(
        contact=Contact(contact_id=supplier.contact_id),
        date=INVOICE_DATE,
        delivery_date=DUE_DATE,
        reference="Chairs",
        line_items=[line("Chair", 4, 110, "300", tax_type="INPUT2")],
    )
    created = api.create_purchase_orders(
        tid, PurchaseOrders(purchase_orders=[order]), summarize_errors=False, idempotency_key=key()
    ).purchase_orders[0]
    assert created.status == "DRAFT" and created.purchase_order_number == "PO-0001"
    assert (d(created.total_tax), d(created.total)) == (Decimal("88.00"), Decimal("528.00"))
    change = PurchaseOrder(status="AUTHORISED")
    updated = api.update_purchase_order(
        tid,
        created.purchase_order_id,
        PurchaseOrders(purchase_orders=[change]),
        idempotency_key=key(),
    ).purchase_orders[0]
    assert updated.status == "AUTHORISED"
    fetched = api.get_purchase_order(tid, created.purchase_order_id).purchase_orders[0]
    assert (fetched.status, fetched.reference) == ("AUTHORISED", "Chairs")
    assert fetched.delivery_date == DUE_DATE
    held = stored(sandbox, tid, "PurchaseOrders", created.purchase_order_id)
    assert (held["Status"], held["Total"]) == ("AUTHORISED", Decimal("528.00"))


# -- payments -------------------------------------------------------------------------------
def test_partial_then_full_payment_marks_the_invoice_paid(api, sandbox, tid, authorised_invoice):
    invoice_id = authorised_invoice.invoice_id
    first = pay(api, tid, invoice_id, 20.5)
    assert (d(first.amount), first.status, first.payment_type) == (
        Decimal("20.5"),
        "AUTHORISED",
        "ACCRECPAYMENT",
    )
    assert first.invoice.invoice_id == invoice_id and first.date == date(2024, 5, 10)
    partly = invoice_json(api, tid, invoice_id)
    assert (partly["Status"], partly["AmountPaid"], partly["AmountDue"]) == (
        "AUTHORISED",
        20.5,
        99.5,
    )
    pay(api, tid, invoice_id, 99.5)
    paid = invoice_json(api, tid, invoice_id)
    assert (paid["Status"], paid["AmountPaid"], paid["AmountDue"]) == ("PAID", 120, 0)
    assert len(paid["Payments"]) == 2
    held = stored(sandbox, tid, "Invoices", invoice_id)
    assert (held["Status"], held["AmountPaid"], held["AmountDue"]) == ("PAID", 120, 0)
    assert stored(sandbox, tid, "Payments", first.payment_id)["Amount"] == Decimal("20.50")
    assert d(api.get_payment(tid, first.payment_id).payments[0].amount) == Decimal("20.5")


def test_sdk_reads_back_an_invoice_with_a_payment(api, tid, authorised_invoice):
    pay(api, tid, authorised_invoice.invoice_id, 20)
    listed = api.get_invoices(tid).invoices
    assert listed[0].payments[0].date == date(2024, 5, 10)
    invoice = api.get_invoice(tid, authorised_invoice.invoice_id).invoices[0]
    assert invoice.payments[0].date == date(2024, 5, 10)


def test_overpayment_is_rejected(api, sandbox, tid, authorised_invoice):
    with pytest.raises(AccountingBadRequestException) as caught:
        pay(api, tid, authorised_invoice.invoice_id, 120.01)
    assert error_messages(caught.value) == [
        "Payment amount exceeds the amount outstanding on this document"
    ]
    assert sandbox.state.org(tid).all("Payments") == []


def test_deleting_a_payment_reopens_the_invoice(api, sandbox, tid, authorised_invoice):
    invoice_id = authorised_invoice.invoice_id
    payment = pay(api, tid, invoice_id, 120)
    assert stored(sandbox, tid, "Invoices", invoice_id)["Status"] == "PAID"
    deleted = api.delete_payment(
        tid, payment.payment_id, PaymentDelete(status="DELETED"), idempotency_key=key()
    ).payments[0]
    assert deleted.status == "DELETED"
    invoice = api.get_invoice(tid, invoice_id).invoices[0]
    assert (invoice.status, d(invoice.amount_paid), d(invoice.amount_due)) == (
        "AUTHORISED",
        Decimal(0),
        Decimal(120),
    )
    assert invoice.payments == []
    held = stored(sandbox, tid, "Invoices", invoice_id)
    assert (held["Status"], held["Payments"]) == ("AUTHORISED", [])
    assert stored(sandbox, tid, "Payments", payment.payment_id)["Status"] == "DELETED"


# -- attachments ----------------------------------------------------------------------------
def test_invoice_attachment_upload_list_and_download(api, sandbox, tid, authorised_invoice):
    invoice_id = authorised_invoice.invoice_id
    content = b"receipt line 1\nreceipt line 2\n"
    added = api.create_invoice_attachment_by_file_name(
        tid, invoice_id, "receipt.txt", content, idempotency_key=key()
    ).attachments[0]
    assert (added.file_name, added.mime_type, added.content_length) == (
        "receipt.txt",
        "text/plain",
        len(content),
    )
    listed = api.get_invoice_attachments(tid, invoice_id).attachments
    assert [a.attachment_id for a in listed] == [added.attachment_id]
    path = api.get_invoice_attachment_by_file_name(tid, invoice_id, "receipt.txt", "text/plain")
    try:
        with open(path, "rb") as stream:
            assert stream.read() == content
    finally:
        os.remove(path)
    held = sandbox.state.org(tid).attachments_of("Invoices", invoice_id)
    assert [a["_content"] for a in held] == [content]
    assert api.get_invoice(tid, invoice_id).invoices[0].has_attachments is True


def test_eleventh_attachment_is_rejected(api, sandbox, tid, authorised_invoice):
    invoice_id = authorised_invoice.invoice_id
    for number in range(10):
        api.create_invoice_attachment_by_file_name(
            tid, invoice_id, "scan%d.txt" % number, b"page %d" % number, idempotency_key=key()
        )
    with pytest.raises(AccountingBadRequestException) as caught:
        api.create_invoice_attachment_by_file_name(
            tid, invoice_id, "scan10.txt", b"one more", idempotency_key=key()
        )
    assert caught.value.status == 400
    assert error_messages(caught.value) == [
        "The maximum number of attachments (10) for this document has been reached"
    ]
    assert len(sandbox.state.org(tid).attachments_of("Invoices", invoice_id)) == 10


# -- history --------------------------------------------------------------------------------
def test_invoice_history_note_round_trip(api, sandbox, tid, authorised_invoice):
    invoice_id = authorised_invoice.invoice_id
    note = HistoryRecords(history_records=[HistoryRecord(details="Called the customer")])
    added = api.create_invoice_history(tid, invoice_id, note, idempotency_key=key()).history_records
    assert [(r.changes, r.details) for r in added] == [("Note", "Called the customer")]
    records = api.get_invoice_history(tid, invoice_id).history_records
    assert {"Created", "Note"} <= {r.changes for r in records}
    note = next(r for r in records if r.changes == "Note")
    assert (note.details, note.user) == ("Called the customer", added[0].user)
    assert isinstance(note.date_utc, datetime)
    held = sandbox.state.org(tid).history_of("Invoices", invoice_id)
    assert held[-1]["Details"] == "Called the customer" and held[-1]["Changes"] == "Note"


def test_history_note_over_250_characters_is_rejected(api, sandbox, tid, authorised_invoice):
    invoice_id = authorised_invoice.invoice_id
    before = len(sandbox.state.org(tid).history_of("Invoices", invoice_id))
    note = HistoryRecords(history_records=[HistoryRecord(details="x" * 251)])
    with pytest.raises(AccountingBadRequestException) as caught:
        api.create_invoice_history(tid, invoice_id, note, idempotency_key=key())
    assert error_messages(caught.value) == ["The history note cannot be longer than 250 characters"]
    assert len(sandbox.state.org(tid).history_of("Invoices", invoice_id)) == before


# -- reads ----------------------------------------------------------------------------------
def test_invoices_come_in_pages(api, tid, customer):
    made = [
        create_invoice(api, tid, customer.contact_id, reference="R%d" % n).invoice_id
        for n in range(5)
    ]
    first = api.get_invoices(tid, page=1, page_size=2, order="InvoiceNumber")
    last = api.get_invoices(tid, page=3, page_size=2, order="InvoiceNumber")
    assert [i.invoice_id for i in first.invoices] == made[:2]
    assert [i.invoice_id for i in last.invoices] == made[4:]
    assert first.invoices[0].line_items, "paged reads carry the lines"
    assert (first.pagination.page_count, first.pagination.item_count) == (3, 5)
    assert api.get_invoices(tid, page=4, page_size=2).invoices == []


def test_if_modified_since_returns_only_later_changes(api, sandbox, tid, customer):
    old = create_invoice(api, tid, customer.contact_id)
    sandbox.clock.advance(5)
    threshold = sandbox.clock.now()
    sandbox.clock.advance(5)
    new = create_invoice(api, tid, customer.contact_id)
    since = api.get_invoices(tid, if_modified_since=threshold).invoices
    assert [i.invoice_id for i in since] == [new.invoice_id]
    set_invoice_status(api, tid, old.invoice_id, "SUBMITTED")
    since = {i.invoice_id for i in api.get_invoices(tid, if_modified_since=threshold).invoices}
    assert since == {old.invoice_id, new.invoice_id}
    assert stored(sandbox, tid, "Invoices", old.invoice_id)["_updated"] > threshold.timestamp()


def test_invoices_filtered_by_ids_statuses_and_contacts(api, tid, customer):
    other = create_contact(api, tid, "Marine Systems")
    draft = create_invoice(api, tid, customer.contact_id)
    approved = create_invoice(api, tid, customer.contact_id, status="AUTHORISED")
    theirs = create_invoice(api, tid, other.contact_id, status="AUTHORISED")
    by_ids = api.get_invoices(tid, i_ds=[draft.invoice_id, theirs.invoice_id]).invoices
    assert {i.invoice_id for i in by_ids} == {draft.invoice_id, theirs.invoice_id}
    by_status = api.get_invoices(tid, statuses=["AUTHORISED"]).invoices
    assert {i.invoice_id for i in by_status} == {approved.invoice_id, theirs.invoice_id}
    by_contact = api.get_invoices(tid, contact_i_ds=[other.contact_id]).invoices
    assert [i.invoice_id for i in by_contact] == [theirs.invoice_id]
    both = api.get_invoices(
        tid, statuses=["DRAFT", "AUTHORISED"], contact_i_ds=[customer.contact_id]
    ).invoices
    assert {i.invoice_id for i in both} == {draft.invoice_id, approved.invoice_id}


def test_where_filters_on_contacts_and_invoices(api, tid, customer):
    supplier = create_contact(api, tid, "PowerDirect")
    named = api.get_contacts(tid, where='Name=="PowerDirect"').contacts
    assert [c.contact_id for c in named] == [supplier.contact_id]
    create_invoice(api, tid, supplier.contact_id, kind="ACCPAY")
    bill = create_invoice(api, tid, supplier.contact_id, kind="ACCPAY", status="AUTHORISED")
    create_invoice(api, tid, customer.contact_id, status="AUTHORISED")
    found = api.get_invoices(tid, where='Type=="ACCPAY" AND Status=="AUTHORISED"').invoices
    assert [i.invoice_id for i in found] == [bill.invoice_id]


def test_where_filter_on_a_nested_field_and_a_date(api, tid, customer):
    early = create_invoice(api, tid, customer.contact_id, date=date(2024, 1, 15))
    create_invoice(api, tid, customer.contact_id)
    where = 'Contact.ContactID==guid("%s") AND Date<DateTime(2024,02,01)' % customer.contact_id
    found = api.get_invoices(tid, where=where).invoices
    assert [i.invoice_id for i in found] == [early.invoice_id]


# -- idempotency and errors -----------------------------------------------------------------
def test_same_idempotency_key_creates_once(api, sandbox, tid):
    same = key()
    contacts = Contacts(contacts=[Contact(name="Once Only")])
    first = api.create_contacts(tid, contacts, idempotency_key=same).contacts[0]
    again = api.create_contacts(tid, contacts, idempotency_key=same).contacts[0]
    assert again.contact_id == first.contact_id
    assert len(sandbox.state.org(tid).all("Contacts")) == 1


def test_unknown_invoice_is_not_found(api, tid):
    with pytest.raises(ApiException) as caught:
        api.get_invoice(tid, str(uuid.uuid4()))
    assert caught.value.status == 404
