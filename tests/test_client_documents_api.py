"""XeroClient's calls around documents, against the sandbox over HTTP: look-ups by a unique
value, attachments, history notes and online invoice links, with Xero's refusals. Each is one
call, counted in ``limits`` like every other."""

import uuid
from datetime import date, datetime, timezone

import pytest
import requests
from xero_python.accounting import Contact, CreditNote, Invoice, LineItem, PurchaseOrder

from xero_client import RequestRejected, TransientError, XeroClient, XeroEndpoints, XeroError
from xero_client import client as client_module

SCOPE = ["test-db", "account.move"]


@pytest.fixture
def client(sandbox, token, uk):
    return XeroClient(XeroEndpoints.for_host(sandbox.url), token["access_token"], uk.tenant_id)


@pytest.fixture
def customer(client):
    return client.save_contacts([Contact(name="Bayside Club")], SCOPE + ["customer"])[0].data


@pytest.fixture
def supplier(client):
    return client.save_contacts([Contact(name="PowerDirect")], SCOPE + ["supplier"])[0].data


def document(kind, contact, **fields):
    """An invoice or bill of 120.00 (100.00 + 20% VAT)."""
    account = "200" if kind == "ACCREC" else "429"
    return Invoice(
        type=kind,
        contact=Contact(contact_id=contact.contact_id),
        date=date(2024, 5, 1),
        due_date=date(2024, 5, 31),
        line_items=[
            LineItem(description="Widget", quantity=1, unit_amount=100, account_code=account)
        ],
        **fields,
    )


def saved(client, endpoint, elements, scope="docs"):
    results = client.save(endpoint, elements, SCOPE + [scope])
    assert all(r.ok for r in results), [r.errors for r in results]
    return [r.data for r in results]


@pytest.fixture
def approved(client, customer):
    return saved(client, "Invoices", [document("ACCREC", customer, status="AUTHORISED")])[0]


@pytest.fixture
def one_call(client, sandbox):
    """Checks that what runs in the block makes exactly one call, counted in ``limits``."""

    class OneCall:
        def __enter__(self):
            client.get_organisation()
            sandbox.clear_request_log()
            self.day = client.day_limit_remaining
            return self

        def __exit__(self, *exc):
            assert sandbox.calls() == 1
            assert client.day_limit_remaining == self.day - 1
            return False

    return OneCall


# -- find -----------------------------------------------------------------------------------
def test_find_bills_by_contact_and_number_in_one_call(
    client, sandbox, customer, supplier, one_call
):
    bills = saved(
        client,
        "Invoices",
        [document("ACCPAY", supplier, invoice_number="S-" + ref) for ref in "ABC"],
    )
    saved(client, "Invoices", [document("ACCREC", customer, invoice_number="S-A")], "sale")
    contact = 'Contact.ContactID==guid("%s")' % supplier.contact_id
    with one_call():
        found = client.find(
            "Invoices",
            'Type=="ACCPAY" AND ((%s AND InvoiceNumber=="S-A") OR (%s AND InvoiceNumber=="S-C"))'
            % (contact, contact),
        )
    assert sorted(i.invoice_number for i in found) == ["S-A", "S-C"]
    assert {i.invoice_id for i in found} == {bills[0].invoice_id, bills[2].invoice_id}
    assert all(i.line_items[0].description == "Widget" for i in found)  # a page has lines
    log = requests.get(sandbox.url + "/sandbox/requests", timeout=10).json()
    assert "page=1" in log[-1]["query"] and "pageSize=1000" in log[-1]["query"]
    assert client.find("Invoices", 'InvoiceNumber=="nothing like it"') == []


def test_find_by_numbers_ids_and_statuses(client, customer, one_call):
    made = saved(
        client,
        "Invoices",
        [document("ACCREC", customer, invoice_number="INV-%d" % n) for n in range(3)],
    )
    with one_call():
        found = client.find("Invoices", None, invoice_numbers=["INV-0", "INV-2"])
    assert sorted(i.invoice_number for i in found) == ["INV-0", "INV-2"]
    found = client.find("Invoices", None, i_ds=[made[1].invoice_id], statuses=["DRAFT"])
    assert [i.invoice_number for i in found] == ["INV-1"]


def test_find_credit_notes(client, supplier, one_call):
    note = CreditNote(
        type="ACCPAYCREDIT",
        contact=Contact(contact_id=supplier.contact_id),
        credit_note_number="SUP-CN-0007",
        line_items=[LineItem(description="Back", quantity=1, unit_amount=5, account_code="429")],
    )
    made = saved(client, "CreditNotes", [note])[0]
    with one_call():
        found = client.find("CreditNotes", 'CreditNoteNumber=="SUP-CN-0007"')
    assert [c.credit_note_id for c in found] == [made.credit_note_id]


def test_find_refuses_what_it_could_not_answer_whole(client, sandbox, supplier, monkeypatch):
    saved(client, "Invoices", [document("ACCPAY", supplier, invoice_number="R")] * 3)
    monkeypatch.setattr(client_module, "MAX_PAGE_SIZE", 3)
    with pytest.raises(XeroError, match="3 or more Invoices in Xero match"):
        client.find("Invoices", 'InvoiceNumber=="R"')
    sandbox.clear_request_log()
    with pytest.raises(ValueError, match="Xero does not filter PurchaseOrders with where"):
        client.find("PurchaseOrders", 'Reference=="R"')
    assert sandbox.calls() == 0


def test_find_with_a_filter_xero_cannot_read_is_rejected(client):
    with pytest.raises(RequestRejected) as caught:
        client.find("Invoices", 'Reference=="unclosed')
    assert caught.value.status == 400 and "where filter" in caught.value.message


# -- attachments ----------------------------------------------------------------------------
def test_attach_a_file_to_an_invoice(client, sandbox, uk, approved, one_call):
    content = b"%PDF-1.4 the invoice as Odoo printed it"
    with one_call():
        attachment = client.attach("Invoices", approved.invoice_id, "INV-0001.pdf", content, True)
    assert (attachment.file_name, attachment.mime_type, attachment.content_length) == (
        "INV-0001.pdf",
        "application/pdf",
        len(content),
    )
    assert attachment.include_online is True and attachment.attachment_id
    (held,) = uk.attachments_of("Invoices", approved.invoice_id)
    assert (held["_content"], held["IncludeOnline"]) == (content, True)


def test_attach_to_credit_notes_and_purchase_orders(client, uk, customer, supplier):
    note = CreditNote(
        type="ACCRECCREDIT",
        contact=Contact(contact_id=customer.contact_id),
        line_items=[LineItem(description="Back", quantity=1, unit_amount=5, account_code="200")],
    )
    note = saved(client, "CreditNotes", [note])[0]
    client.attach("CreditNotes", note.credit_note_id, "refund.txt", b"why", include_online=True)
    order = PurchaseOrder(
        contact=Contact(contact_id=supplier.contact_id),
        line_items=[LineItem(description="Desk", quantity=1, unit_amount=5, account_code="429")],
    )
    order = saved(client, "PurchaseOrders", [order])[0]
    client.attach("PurchaseOrders", order.purchase_order_id, "quote.txt", b"as quoted")
    assert [a["FileName"] for a in uk.attachments_of("CreditNotes", note.credit_note_id)] == [
        "refund.txt"
    ]
    held = uk.attachments_of("PurchaseOrders", order.purchase_order_id)
    assert [(a["FileName"], a["IncludeOnline"]) for a in held] == [("quote.txt", False)]
    with pytest.raises(ValueError, match="Xero shows no files of PurchaseOrders online"):
        client.attach("PurchaseOrders", order.purchase_order_id, "x.txt", b"x", True)
    with pytest.raises(ValueError, match="attach works on"):
        client.attach("Items", str(uuid.uuid4()), "x.txt", b"x")


def test_the_eleventh_file_and_an_unknown_document_are_refused(client, uk, approved):
    for number in range(10):
        client.attach("Invoices", approved.invoice_id, "page%d.txt" % number, b"%d" % number)
    with pytest.raises(RequestRejected) as caught:
        client.attach("Invoices", approved.invoice_id, "page10.txt", b"one more")
    assert caught.value.status == 400
    assert caught.value.validation_errors == [
        "The maximum number of attachments (10) for this document has been reached"
    ]
    assert len(uk.attachments_of("Invoices", approved.invoice_id)) == 10
    with pytest.raises(RequestRejected) as caught:
        client.attach("Invoices", str(uuid.uuid4()), "x.txt", b"x")
    assert caught.value.status == 404


def test_an_upload_whose_answer_was_lost_is_not_uploaded_twice(client, sandbox, uk, approved):
    sandbox.faults.add(
        {"kind": "drop_after_write", "method": "PUT", "path": "/Invoices/.*", "times": 1}
    )
    with pytest.raises(TransientError):
        client.attach("Invoices", approved.invoice_id, "scan.txt", b"scanned")
    history = len(uk.history_of("Invoices", approved.invoice_id))
    again = client.attach("Invoices", approved.invoice_id, "scan.txt", b"scanned")
    (held,) = uk.attachments_of("Invoices", approved.invoice_id)
    assert again.attachment_id == held["AttachmentID"]
    assert len(uk.history_of("Invoices", approved.invoice_id)) == history  # a replay
    log = requests.get(sandbox.url + "/sandbox/requests", timeout=10).json()
    puts = [e for e in log if e["method"] == "PUT"]
    assert len({e["idempotency_key"] for e in puts}) == 1 and puts[-1].get("replayed")


# -- history notes --------------------------------------------------------------------------
def test_add_a_history_note(client, uk, approved, one_call):
    details = "Sent from Odoo: INV/2024/00007 by Mitchell Admin"
    with one_call():
        record = client.add_history_note("Invoices", approved.invoice_id, details)
    assert (record.changes, record.details, record.user) == ("Note", details, "System Generated")
    held = uk.history_of("Invoices", approved.invoice_id)[-1]
    assert (held["Changes"], held["Details"]) == ("Note", details)


def test_history_notes_xero_refuses(client, uk, approved, customer):
    assert client.add_history_note("Invoices", approved.invoice_id, "x" * 250).details == "x" * 250
    before = len(uk.history_of("Invoices", approved.invoice_id))
    with pytest.raises(RequestRejected) as caught:
        client.add_history_note("Invoices", approved.invoice_id, "x" * 251)
    assert caught.value.validation_errors == [
        "The history note cannot be longer than 250 characters"
    ]
    with pytest.raises(RequestRejected) as caught:
        client.add_history_note("Invoices", str(uuid.uuid4()), "lost")
    assert caught.value.validation_errors == [
        "The document with the supplied id was not found for this endpoint."
    ]
    assert len(uk.history_of("Invoices", approved.invoice_id)) == before
    record = client.add_history_note("Contacts", customer.contact_id, "Synced from Odoo")
    assert record.details == "Synced from Odoo"


def test_a_note_whose_answer_was_lost_is_not_added_twice(client, sandbox, uk, approved):
    sandbox.faults.add(
        {"kind": "drop_after_write", "method": "PUT", "path": ".*/History", "times": 1}
    )
    with pytest.raises(TransientError):
        client.add_history_note("Invoices", approved.invoice_id, "Sent", idempotency_scope=[7, 1])
    client.add_history_note("Invoices", approved.invoice_id, "Sent", idempotency_scope=[7, 1])
    notes = [h for h in uk.history_of("Invoices", approved.invoice_id) if h["Changes"] == "Note"]
    assert len(notes) == 1
    # Another scope (the next revision sent) is another note.
    client.add_history_note("Invoices", approved.invoice_id, "Sent", idempotency_scope=[7, 2])
    notes = [h for h in uk.history_of("Invoices", approved.invoice_id) if h["Changes"] == "Note"]
    assert len(notes) == 2


# -- online invoices ------------------------------------------------------------------------
def test_online_invoice_url_of_an_approved_invoice(client, approved, one_call):
    with one_call():
        url = client.online_invoice_url(approved.invoice_id)
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and approved.invoice_number in page.text


def test_online_invoice_url_refusals(client, customer, supplier, one_call):
    draft, bill = saved(
        client,
        "Invoices",
        [document("ACCREC", customer), document("ACCPAY", supplier, status="AUTHORISED")],
    )
    with one_call(), pytest.raises(RequestRejected) as caught:
        client.online_invoice_url(draft.invoice_id)
    assert caught.value.status == 400
    assert caught.value.validation_errors == [
        "An online invoice cannot be retrieved for an invoice with status DRAFT: only approved "
        "invoices can be viewed online"
    ]
    with pytest.raises(RequestRejected, match="only available for sales invoices"):
        client.online_invoice_url(bill.invoice_id)
    assert client.online_invoice_url(str(uuid.uuid4())) is None


# -- create only ----------------------------------------------------------------------------
def test_create_only_refuses_a_number_xero_has_where_save_would_overwrite_it(
    client, sandbox, customer
):
    [first] = saved(client, "Invoices", [document("ACCREC", customer, invoice_number="INV-9")])
    again = document("ACCREC", customer, invoice_number="INV-9", reference="Odoo's")
    [refused] = client.save("Invoices", [again], SCOPE + ["put"], create_only=True)
    assert not refused.ok and "must be unique" in " ".join(refused.errors)
    log = requests.get(sandbox.url + "/sandbox/requests", timeout=10).json()
    assert log[-1]["method"] == "PUT"
    [updated] = client.save("Invoices", [again], SCOPE + ["post"])
    assert updated.ok and updated.data.invoice_id == first.invoice_id  # POST: by its number
    assert updated.data.reference == "Odoo's"


# -- purchase orders by date ----------------------------------------------------------------
@pytest.fixture
def dated_orders(client, supplier):
    """Purchase orders by number: PO-D1..PO-D5 dated in May 2024 (PO-D3 deleted), PO-D0 on
    30 April and PO-D6 on 1 June."""
    days = [(4, 30), (5, 1), (5, 5), (5, 10), (5, 20), (5, 31), (6, 1)]
    made = {}
    for index, (month, day) in enumerate(days):
        number = "PO-D%d" % index
        order = PurchaseOrder(
            contact=Contact(contact_id=supplier.contact_id),
            purchase_order_number=number,
            date=date(2024, month, day),
            status="AUTHORISED",
            line_items=[
                LineItem(description="Bolts", quantity=1, unit_amount=5, account_code="429")
            ],
        )
        [made[number]] = saved(client, "PurchaseOrders", [order], number)
    deleted = PurchaseOrder(purchase_order_id=made["PO-D3"].purchase_order_id, status="DELETED")
    assert saved(client, "PurchaseOrders", [deleted], "delete")[0].status == "DELETED"
    return made


def test_purchase_orders_by_date_reads_every_page_one_call_each(client, sandbox, dated_orders):
    sandbox.clear_request_log()
    found = client.get_purchase_orders_by_date(date(2024, 5, 1), date(2024, 5, 31), page_size=2)
    assert sorted(o.purchase_order_number for o in found) == ["PO-D1", "PO-D2", "PO-D4", "PO-D5"]
    assert all(o.line_items for o in found)
    queries = [entry["query"] for entry in sandbox.state.request_log]
    assert sandbox.calls("GET", "PurchaseOrders") == 3  # 2 + 2 + an empty page: 4 // 2 + 1
    assert queries == [
        "DateFrom=2024-05-01&DateTo=2024-05-31&page=%d&pageSize=2" % page for page in (1, 2, 3)
    ]
    sandbox.clear_request_log()
    assert len(client.get_purchase_orders_by_date(date(2024, 5, 1), date(2024, 5, 31))) == 4
    assert sandbox.calls() == 1  # a short first page: one call


def test_purchase_orders_by_date_bounds_and_status(client, dated_orders):
    def numbers(*args, **kwargs):
        return sorted(
            o.purchase_order_number for o in client.get_purchase_orders_by_date(*args, **kwargs)
        )

    may_31 = datetime(2024, 5, 31, 23, 59, tzinfo=timezone.utc)  # a datetime: its day
    assert numbers("2024-05-05", may_31) == ["PO-D2", "PO-D4", "PO-D5"]
    assert numbers(date(2024, 5, 31), date(2024, 5, 31)) == ["PO-D5"]
    assert numbers(date_to=date(2024, 5, 1)) == ["PO-D0", "PO-D1"]
    assert numbers(date_from=date(2024, 5, 31)) == ["PO-D5", "PO-D6"]
    assert numbers("2024-05-01", "2024-05-31", status="DELETED") == ["PO-D3"]
    assert numbers("2024-05-01", "2024-05-31", status="DRAFT") == []
    assert numbers(date(2025, 1, 1), date(2025, 12, 31)) == []
    assert len(numbers()) == 6  # no bounds: every order but the deleted one


def test_purchase_orders_by_a_malformed_date_are_refused(client, sandbox, one_call):
    with one_call(), pytest.raises(RequestRejected) as caught:
        client.get_purchase_orders_by_date("31/05/2024", "2024-06-30")
    assert caught.value.status == 400
    assert "DateFrom could not be parsed as a date" in caught.value.message
