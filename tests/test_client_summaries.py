"""What the partner summary asks Xero for, through XeroClient against the sandbox: contacts
by ID, 40 a call, with their balances; and one year's documents, a thousand a call,
resumable."""

import uuid
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from xero_python.accounting import Contact, CreditNote, Invoice, LineAmountTypes, LineItem

from xero_client import XeroClient, XeroEndpoints, resume_point
from xero_client.client import MAX_IDS, any_of


@pytest.fixture
def client(sandbox, token, uk):
    return XeroClient(XeroEndpoints.for_host(sandbox.url), token["access_token"], uk.tenant_id)


@pytest.fixture
def received(sandbox, monkeypatch):
    """(path, query parameters) of each GET of the Accounting API, as the sandbox read them
    (its request log keeps only the first 500 characters of a query)."""
    seen = []
    handle = sandbox.api.handle

    def recording(request, api_path):
        if request.method == "GET":
            seen.append((api_path, parse_qs(request.query_string.decode())))
        return handle(request, api_path)

    monkeypatch.setattr(sandbox.api, "handle", recording)
    return seen


def reads(received, path):
    return [query for read, query in received if read == path]


def saved_contacts(client, count):
    ids = []
    for start in range(0, count, 50):
        results = client.save_contacts(
            [Contact(name="Customer %03d" % n) for n in range(start, min(start + 50, count))],
            str(uuid.uuid4()),
        )
        ids += [str(r.data.contact_id) for r in results]
    return ids


def line(amount, account="200"):
    return LineItem(description="Work", quantity=1, unit_amount=amount, account_code=account)


def invoice(kind, contact_id, amount, day, status="AUTHORISED", **fields):
    return Invoice(
        type=kind,
        contact=Contact(contact_id=contact_id),
        date=day,
        due_date=day + timedelta(days=30),
        status=status,
        line_amount_types=LineAmountTypes.NOTAX,
        line_items=[line(amount, "200" if kind == "ACCREC" else "300")],
        **fields,
    )


def test_contacts_by_id_come_forty_a_call_with_their_balances(client, received):
    ids = saved_contacts(client, 85)
    owing = ids[41]
    client.save(
        "Invoices",
        [invoice("ACCREC", owing, 75, date.today() - timedelta(days=60))],
        str(uuid.uuid4()),
    )
    unknown = str(uuid.uuid4())
    received.clear()
    batches = list(client.iter_contacts_by_ids([*ids, ids[0].upper(), unknown]))
    assert [len(batch) for batch, _found in batches] == [40, 40, 6]
    assert [len(found) for _batch, found in batches] == [40, 40, 5], "the unknown one is left out"
    queries = reads(received, "/Contacts")
    assert len(queries) == 3 == -(-86 // MAX_IDS)
    assert all(q["page"] == ["1"] and len(q["IDs"][0].split(",")) <= 40 for q in queries)
    assert "summaryOnly" not in queries[0]
    contacts = {str(c.contact_id): c for _batch, found in batches for c in found}
    assert set(contacts) == set(ids)
    receivable = contacts[owing].balances.accounts_receivable
    assert (Decimal(str(receivable.outstanding)), Decimal(str(receivable.overdue))) == (75, 75)
    assert contacts[ids[0]].balances.accounts_payable.outstanding == 0


def test_contacts_by_id_take_at_most_forty_a_call(client):
    for size in (0, 41):
        with pytest.raises(ValueError):
            list(client.iter_contacts_by_ids(["a"], batch_size=size))
    assert list(client.iter_contacts_by_ids([])) == []


def test_a_years_sales_documents_come_in_one_call_and_resume(client, sandbox, received):
    customer, supplier = saved_contacts(client, 2)
    this_year = date(date.today().year, 1, 1)
    wanted = [
        invoice("ACCREC", customer, 100, this_year),
        invoice("ACCREC", customer, 200, this_year + timedelta(days=40)),
    ]
    unwanted = [
        invoice("ACCREC", customer, 300, this_year - timedelta(days=1)),  # last year
        invoice("ACCREC", customer, 400, this_year, status="DRAFT"),
        invoice("ACCPAY", supplier, 500, this_year, invoice_number="B-1"),
    ]
    client.save("Invoices", wanted[:1] + unwanted, str(uuid.uuid4()))
    sandbox.clock.advance(5)
    client.save("Invoices", wanted[1:], str(uuid.uuid4()))
    received.clear()
    pages = list(
        client.iter_documents(
            "Invoices",
            types=("ACCREC",),
            date_from=this_year,
            statuses=("AUTHORISED", "PAID"),
            summary_only=True,
        )
    )
    assert [sorted(d.sub_total for d in page) for page in pages] == [[100, 200]]
    (query,) = reads(received, "/Invoices")
    assert query["where"] == ['Type=="ACCREC" AND Date>=DateTime(%d,01,01)' % this_year.year], (
        "Xero's optimised filters: Type and Date with AND"
    )
    assert query["Statuses"] == ["AUTHORISED,PAID"]
    assert (query["page"], query["pageSize"], query["summaryOnly"]) == (["1"], ["1000"], ["True"])
    first = min(pages[0], key=lambda d: d.sub_total)
    rest = list(
        client.iter_documents(
            "Invoices",
            types=("ACCREC",),
            date_from=this_year,
            statuses=("AUTHORISED", "PAID"),
            after=resume_point("Invoices", first),
        )
    )
    assert [[d.sub_total for d in page] for page in rest] == [[200]]


def test_a_documents_reading_stops_at_its_calls_and_resumes_at_a_window_page(client, received):
    (customer,) = saved_contacts(client, 1)
    this_year = date(date.today().year, 1, 1)
    client.save("Invoices", [invoice("ACCREC", customer, 100, this_year)], str(uuid.uuid4()))
    received.clear()
    reading = client.iter_documents("Invoices", types=("ACCREC",), max_calls=0)
    with pytest.raises(StopIteration) as end:
        next(reading)
    assert end.value.value is False
    assert reads(received, "/Invoices") == []
    pages = list(client.iter_documents("Invoices", types=("ACCREC",), window_page=1))
    assert [(page.window_page, page.last, len(page)) for page in pages] == [(2, True, 0)]
    (query,) = reads(received, "/Invoices")
    assert (query["page"], query["order"]) == (["2"], ["InvoiceID ASC"])
    assert query["where"] == ['Type=="ACCREC"']


def test_credit_notes_filter_their_statuses_in_where(client, received):
    (customer,) = saved_contacts(client, 1)
    this_year = date(date.today().year, 1, 1)
    client.save(
        "CreditNotes",
        [
            CreditNote(
                type=kind,
                contact=Contact(contact_id=customer),
                date=this_year,
                status=status,
                line_amount_types=LineAmountTypes.NOTAX,
                line_items=[line(amount)],
                **({"credit_note_number": "S-1"} if kind == "ACCPAYCREDIT" else {}),
            )
            for kind, status, amount in (
                ("ACCRECCREDIT", "AUTHORISED", 10),
                ("ACCRECCREDIT", "DRAFT", 20),
                ("ACCPAYCREDIT", "AUTHORISED", 30),
            )
        ],
        str(uuid.uuid4()),
    )
    received.clear()
    pages = list(
        client.iter_documents(
            "CreditNotes",
            types=("ACCRECCREDIT",),
            date_from=this_year,
            statuses=("AUTHORISED", "PAID"),
        )
    )
    assert [[d.sub_total for d in page] for page in pages] == [[10]]
    (query,) = reads(received, "/CreditNotes")
    assert query["where"] == [
        'Type=="ACCRECCREDIT" AND Date>=DateTime(%d,01,01) AND '
        '(Status=="AUTHORISED" OR Status=="PAID")' % this_year.year
    ]
    with pytest.raises(ValueError):
        client.iter_documents("CreditNotes", summary_only=True)


def test_where_conditions_take_codes_only():
    assert any_of("Type", ["ACCREC"]) == 'Type=="ACCREC"'
    assert any_of("Type", ["A", "B"]) == '(Type=="A" OR Type=="B")'
    with pytest.raises(ValueError):
        any_of("Type", ['ACCREC" OR 1==1 OR Type=="'])
