"""XeroClient against the sandbox over HTTP: batches, limits, faults, errors and masking."""

import json
import logging
import threading
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from openapi_schema_validator import oas30_format_checker
from xero_python.accounting import (
    Account,
    Contact,
    CreditNote,
    Invoice,
    Item,
    LineItem,
    Payment,
    Payments,
    Purchase,
    PurchaseOrder,
)

from xero_client import (
    AuthError,
    RateLimited,
    RequestRejected,
    TransientError,
    XeroClient,
    XeroEndpoints,
    resume_point,
    updated_utc,
)
from xero_client.client import MAX_BATCH, build_api_client
from xero_sandbox.dates import parse_http_date
from xero_sandbox.spec import SPEC_DIR, load_document

from .sandbox_helpers import accounting_api, authorize


@pytest.fixture
def endpoints(sandbox):
    return XeroEndpoints.for_host(sandbox.url)


@pytest.fixture
def client(endpoints, token, uk):
    return XeroClient(endpoints, token["access_token"], uk.tenant_id)


def contacts(count, prefix="Customer", **fields):
    return [Contact(name="%s %03d" % (prefix, n), **fields) for n in range(count)]


def batches(elements, size=MAX_BATCH):
    return [elements[i : i + size] for i in range(0, len(elements), size)]


def stored_names(org):
    return sorted(c["Name"] for c in org.all("Contacts"))


def sent_keys(sandbox, method="POST"):
    """The Idempotency-Key of each write, from the sandbox's log of what it received."""
    log = requests.get(sandbox.url + "/sandbox/requests", timeout=10).json()
    return [entry["idempotency_key"] for entry in log if entry["method"] == method]


@pytest.fixture
def received_headers(sandbox, monkeypatch):
    """The headers of each Accounting API call, as the sandbox read them off the wire."""
    seen = []
    handle = sandbox.api.handle

    def recording(request, api_path):
        seen.append(dict(request.headers))
        return handle(request, api_path)

    monkeypatch.setattr(sandbox.api, "handle", recording)
    return seen


# -- reads and limits -------------------------------------------------------------------------
def test_organisation_and_the_limits_read_from_the_headers(client, sandbox):
    assert client.limits == {}
    assert (client.day_limit_remaining, client.minute_limit_remaining) == (None, None)
    organisation = client.get_organisation()
    assert organisation.short_code == "!uk1Dm"
    assert client.limits == {
        "X-MinLimit-Remaining": 59,
        "X-DayLimit-Remaining": 4999,
        "X-AppMinLimit-Remaining": 9999,
    }
    assert (client.day_limit_remaining, client.minute_limit_remaining) == (4999, 59)
    client.get_organisation()
    assert client.limits["X-MinLimit-Remaining"] == 58
    assert (client.day_limit_remaining, client.minute_limit_remaining) == (4998, 58)
    assert sandbox.calls("GET", "Organisation") == 2


def test_contacts_come_in_pages_until_a_short_one(client, sandbox, uk):
    for batch in batches(contacts(120)):
        client.save_contacts(batch, str(uuid.uuid4()))
    sandbox.clear_request_log()
    pages = list(client.iter_pages("Contacts"))
    assert [len(p) for p in pages] == [100, 20]
    assert sandbox.calls("GET", "Contacts") == 2
    assert len({c.contact_id for page in pages for c in page}) == 120


def test_if_modified_since_returns_only_later_changes(client, sandbox):
    client.save_contacts(contacts(3, "Old"), "old-batch")
    sandbox.clock.advance(60)
    threshold = datetime.fromtimestamp(sandbox.clock.time(), tz=timezone.utc)
    sandbox.clock.advance(60)
    client.save_contacts(contacts(2, "New"), "new-batch")
    changed = client.get_contacts(if_modified_since=threshold)
    assert sorted(c.name for c in changed) == ["New 000", "New 001"]
    naive_utc = threshold.replace(tzinfo=None) - timedelta(seconds=1)
    assert len(client.get_contacts(if_modified_since=naive_utc)) == 2


def test_if_modified_since_goes_as_an_rfc_3339_date_time_in_utc(client, received_headers):
    schema = load_document(SPEC_DIR / "xero_accounting.yaml")["components"]["parameters"][
        "ifModifiedSince"
    ]["schema"]
    in_paris = timezone(timedelta(hours=1))
    moments = (
        datetime(2026, 11, 27, 5, 14, 39, 987000),  # naive: UTC, as Odoo's are
        datetime(2026, 11, 27, 5, 14, 39, tzinfo=timezone.utc),
        datetime(2026, 11, 27, 6, 14, 39, tzinfo=in_paris),
    )
    for moment in moments:
        client.get_contacts(if_modified_since=moment)
    list(client.iter_pages("Invoices", if_modified_since=moments[0]))
    client.get_items(if_modified_since=moments[0])
    sent = [headers.get("If-Modified-Since") for headers in received_headers]
    assert sent == ["2026-11-27T05:14:39Z"] * 5
    assert schema["format"] == "date-time"
    assert oas30_format_checker.conforms(sent[0], schema["format"])
    assert not oas30_format_checker.conforms("2026-11-27T05:14:39", schema["format"])
    assert parse_http_date(sent[0]) == moments[1]  # the sandbox reads the same instant


def test_archived_contacts_are_included_unless_asked_otherwise(client):
    client.save_contacts(
        [Contact(name="Gone Ltd", contact_status="ARCHIVED"), Contact(name="Here Ltd")],
        "k-archived",
    )
    assert sorted(c.name for c in client.get_contacts()) == ["Gone Ltd", "Here Ltd"]
    assert [c.name for c in client.get_contacts(include_archived=False)] == ["Here Ltd"]


# -- batch writes -----------------------------------------------------------------------------
def test_120_contacts_go_in_three_calls_with_a_result_per_element(client, sandbox, uk):
    results = []
    for batch in batches(contacts(120)):
        results += client.save_contacts(batch, str(uuid.uuid4()))
    assert sandbox.calls("POST", "Contacts") == 3
    assert len(results) == 120 and all(r.ok for r in results)
    assert [r.index for r in results[:3]] == [0, 1, 2] and results[50].index == 0
    assert results[119].data.name == "Customer 119" and results[119].data.contact_id
    assert len(uk.all("Contacts")) == 120


def test_a_bad_email_fails_its_element_while_the_rest_is_saved(client, uk):
    batch = [
        Contact(name="Good One"),
        Contact(name="Bad Email", email_address="nope"),
        Contact(name="Good Two"),
    ]
    results = client.save_contacts(batch, "k-bad-email")
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].errors == ["Email address must be valid."]
    assert results[1].index == 1
    assert stored_names(uk) == ["Good One", "Good Two"]


def test_more_than_50_elements_or_a_bad_scope_is_refused_before_any_call(client, sandbox):
    with pytest.raises(ValueError):
        client.save_contacts(contacts(51), "scope")
    for scope in (None, "", [], {"not JSON": object()}):
        with pytest.raises(ValueError):
            client.save_contacts(contacts(1), scope)
    with pytest.raises(ValueError):
        client.save("BankTransactions", contacts(1), "scope")
    assert client.save_contacts([], "scope") == []
    assert sandbox.calls() == 0


def test_save_is_generic_over_the_batch_endpoints(client, uk):
    bad_account = Purchase(unit_price=5, account_code="999")
    results = client.save(
        "Items",
        [Item(code="W-1", name="Widget"), Item(code="W-2", name="Bad", sales_details=bad_account)],
        "k-items",
    )
    assert results[0].ok and results[0].data.item_id
    assert not results[1].ok and results[1].errors
    assert [i["Code"] for i in uk.all("Items")] == ["W-1"]


def test_post_updates_by_contact_id(client, uk):
    created = client.save_contacts([Contact(name="Acme")], "k-1")[0].data
    updated = client.save_contacts([Contact(contact_id=created.contact_id, name="Acme Ltd")], "k-2")
    assert updated[0].ok and updated[0].data.contact_id == created.contact_id
    assert stored_names(uk) == ["Acme Ltd"]


# -- idempotency ------------------------------------------------------------------------------
SCOPE = ["db1/company1/tenant1", "res.partner", [[7, 3]]]


def test_the_key_on_the_wire_follows_the_scope_and_the_body(client, sandbox, uk):
    acme = [Contact(name="Acme", email_address="ap@acme.example")]
    client.save_contacts(acme, SCOPE)
    again = client.save_contacts([Contact(name="Acme", email_address="ap@acme.example")], SCOPE)
    client.save_contacts([Contact(name="Acme Ltd", email_address="ap@acme.example")], SCOPE)
    client.save_contacts(acme, ["db1/company2/tenant1", "res.partner", [[7, 3]]])
    first, retried, changed_body, other_scope = sent_keys(sandbox)
    assert retried == first  # Xero answers it from its cache: nothing is created twice
    assert again[0].data.contact_id == uk.all("Contacts")[0]["ContactID"]
    assert len({first, changed_body, other_scope}) == 3
    assert first.startswith("Contacts-") and len(first) <= 128


def test_the_key_covers_the_calls_parameters_too(client, sandbox):
    desk = [Item(code="DESK", name="Desk")]
    client.save("Items", desk, SCOPE)
    client.save_items(desk, SCOPE)  # the same body with unitdp=4
    plain, four_decimals = sent_keys(sandbox)
    assert plain != four_decimals and plain.startswith("Items-")


def test_a_dropped_answer_then_a_retry_in_the_same_scope_creates_no_duplicate(client, sandbox, uk):
    sandbox.faults.add(
        {"kind": "drop_after_write", "method": "POST", "path": "/Contacts", "times": 1}
    )
    with pytest.raises(TransientError):
        client.save_contacts([Contact(name="Once Only", email_address="once@example.com")], SCOPE)
    assert stored_names(uk) == ["Once Only"]  # saved, though the answer never came
    retry = [Contact(name="Once Only", email_address="once@example.com")]
    results = client.save_contacts(retry, SCOPE)
    assert results[0].ok
    assert results[0].data.contact_id == uk.all("Contacts")[0]["ContactID"]
    assert stored_names(uk) == ["Once Only"]
    assert sandbox.calls("POST", "Contacts") == 2
    assert len(set(sent_keys(sandbox))) == 1


def test_a_drop_before_the_write_saves_nothing(client, sandbox, uk):
    sandbox.faults.add({"kind": "drop_before_write", "times": 1})
    with pytest.raises(TransientError):
        client.save_contacts([Contact(name="Never")], "k-drop")
    assert uk.all("Contacts") == []


# -- rate limits: raised, never slept on ------------------------------------------------------
def test_a_429_raises_rate_limited_without_any_hidden_retry(client, sandbox):
    sandbox.faults.add({"kind": "rate_limit", "problem": "minute", "retry_after": 42, "times": 1})
    started = time.monotonic()
    with pytest.raises(RateLimited) as caught:
        client.get_organisation()  # a GET: the one urllib3 would retry after sleeping 42 s
    assert time.monotonic() - started < 2
    error = caught.value
    assert (error.retry_after, error.problem, error.status) == (42, "minute", 429)
    assert not error.is_day_limit and isinstance(error, TransientError)
    assert "42 seconds" in error.message
    assert sandbox.calls("GET", "Organisation") == 1
    assert client.limits["X-MinLimit-Remaining"] == 0
    assert client.limits["X-DayLimit-Remaining"] > 0, "a minute's limit leaves the day's calls"


def test_an_injected_day_limit_spends_the_days_calls_only(client, sandbox):
    sandbox.faults.add({"kind": "rate_limit", "problem": "day", "retry_after": 42, "times": 1})
    with pytest.raises(RateLimited):
        client.get_organisation()
    assert client.limits["X-DayLimit-Remaining"] == 0
    assert client.limits["X-MinLimit-Remaining"] > 0
    with pytest.raises(ValueError, match="problem must be one of"):
        sandbox.faults.add({"kind": "rate_limit", "problem": "hour"})


def test_a_429_on_a_write_is_not_retried_either(client, sandbox, uk):
    sandbox.faults.add({"kind": "rate_limit", "problem": "minute", "retry_after": 42, "times": 1})
    with pytest.raises(RateLimited):
        client.save_contacts([Contact(name="Later")], "k-later")
    assert sandbox.calls("POST", "Contacts") == 1
    assert uk.all("Contacts") == []


def test_the_day_limit_says_so_and_asks_to_wait_hours(client, sandbox):
    sandbox.actions.set_limits({"per_day": 1})
    client.get_organisation()
    assert client.limits["X-DayLimit-Remaining"] == 0
    with pytest.raises(RateLimited) as caught:
        client.get_contacts()
    error = caught.value
    assert error.is_day_limit and error.problem == "day"
    assert error.retry_after > 3600 * 20
    assert "daily" in error.message and "hours" in error.message


def test_the_sdk_pool_would_retry_and_sleep_on_its_own(sandbox, token, uk):
    """Why disable_retries exists: the bare SDK (even with ``configuration.retries = False``)
    sleeps Retry-After and retries a GET. If this starts failing, the SDK changed."""
    api = accounting_api(sandbox, token)
    api.api_client.rest_client.pool_manager.connection_pool_kw.pop("retries", None)
    sandbox.faults.add({"kind": "rate_limit", "retry_after": 1, "times": 1})
    started = time.monotonic()
    api.get_organisations(uk.tenant_id)
    assert time.monotonic() - started >= 1
    assert sandbox.calls("GET", "Organisation") == 2
    pool_kw = build_api_client("token").rest_client.pool_manager.connection_pool_kw
    assert pool_kw["retries"] is False


# -- transient failures -----------------------------------------------------------------------
@pytest.mark.parametrize("status", [500, 503, 504])
def test_5xx_is_transient_and_tried_once(client, sandbox, status):
    sandbox.faults.add({"kind": "error", "status": status, "times": 1})
    with pytest.raises(TransientError) as caught:
        client.get_organisation()
    assert caught.value.status == status and not isinstance(caught.value, RateLimited)
    assert sandbox.calls("GET", "Organisation") == 1
    assert client.get_organisation().short_code == "!uk1Dm"


def test_a_slow_xero_times_out_quickly(endpoints, token, uk, sandbox):
    client = XeroClient(endpoints, token["access_token"], uk.tenant_id, timeout=(1, 1))
    sandbox.faults.add({"kind": "timeout", "seconds": 5, "times": 1})
    started = time.monotonic()
    with pytest.raises(TransientError) as caught:
        client.get_organisation()
    assert time.monotonic() - started < 3
    assert "in time" in caught.value.message


def test_a_slow_write_times_out_quickly_too(endpoints, token, uk, sandbox):
    client = XeroClient(endpoints, token["access_token"], uk.tenant_id, timeout=1)
    sandbox.faults.add({"kind": "latency", "seconds": 5, "times": 1})
    started = time.monotonic()
    with pytest.raises(TransientError):
        client.save_contacts([Contact(name="Slow")], "k-slow")
    assert time.monotonic() - started < 3


def test_an_unreachable_host_is_transient(token, uk):
    client = XeroClient(
        XeroEndpoints.for_host("http://127.0.0.1:9"),
        token["access_token"],
        uk.tenant_id,
        timeout=(1, 1),
    )
    with pytest.raises(TransientError) as caught:
        client.get_organisation()
    assert "could not be reached" in caught.value.message


# -- refusals ---------------------------------------------------------------------------------
def test_an_expired_access_token_is_an_auth_error_to_refresh(client, sandbox):
    sandbox.clock.advance(1801)
    with pytest.raises(AuthError) as caught:
        client.get_organisation()
    assert caught.value.status == 401 and caught.value.token_expired
    assert "expired" in caught.value.message


def test_a_missing_scope_is_an_auth_error_that_says_so(endpoints, sandbox, uk):
    narrow = authorize(sandbox, scope="openid offline_access accounting.settings")
    client = XeroClient(endpoints, narrow["access_token"], uk.tenant_id)
    assert client.get_organisation()
    with pytest.raises(AuthError) as caught:
        client.get_contacts()
    assert caught.value.reason == "missing_scope" and "scope" in caught.value.message


def test_a_disconnected_organisation_is_an_auth_error(endpoints, token, sandbox):
    client = XeroClient(endpoints, token["access_token"], str(uuid.uuid4()))
    with pytest.raises(AuthError) as caught:
        client.get_organisation()
    assert (caught.value.status, caught.value.reason) == (403, "tenant_disconnected")


def test_a_revoked_token_is_an_auth_error(client, sandbox):
    sandbox.state.access_tokens[client.api_client.configuration.oauth2_token._value[7:]][
        "revoked"
    ] = True
    with pytest.raises(AuthError) as caught:
        client.get_organisation()
    assert caught.value.reason == "token_invalid"


def test_a_bad_request_as_a_whole_is_rejected_with_its_reasons(client):
    with pytest.raises(RequestRejected) as caught:
        client.get_contacts(where='Name=="unterminated')
    error = caught.value
    assert error.status == 400 and error.validation_errors
    assert error.validation_errors[0] in error.message


def test_an_unknown_record_is_rejected_as_not_found(client):
    with pytest.raises(RequestRejected) as caught:
        client.call("get_contact", str(uuid.uuid4()))
    assert caught.value.status == 404


# -- one object by its ID --------------------------------------------------------------------
XERO_NOT_FOUND = "The document with the supplied id was not found for this endpoint"


class FakeXero(BaseHTTPRequestHandler):
    """Answers every GET with the status and body the test sets on the server."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = self.server.body.encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", self.server.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_xero():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeXero)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_get_by_id_reads_one_object_in_one_call(client, sandbox):
    acme = client.save_contacts([Contact(name="Acme")], "k-acme")[0].data
    desk = client.save_items([Item(code="DESK", name="Desk")], "k-desk")[0].data
    sandbox.clear_request_log()
    assert client.get_contact(acme.contact_id).name == "Acme"
    assert client.get_by_id("Items", desk.item_id, unitdp=4).code == "DESK"
    assert sandbox.calls("GET", "Contacts/{id}") == 1 and sandbox.calls() == 2


def test_get_by_id_is_none_when_xero_has_no_such_object(client, sandbox):
    assert client.get_contact(str(uuid.uuid4())) is None
    assert client.get_by_id("Invoices", str(uuid.uuid4())) is None
    assert sandbox.calls() == 2


@pytest.mark.parametrize(
    "content_type, body",
    [
        (
            "application/json",
            json.dumps({"Title": "NotFound", "Status": 404, "Detail": XERO_NOT_FOUND}),
        ),
        ("text/plain", XERO_NOT_FOUND),
    ],
)
def test_get_by_id_is_none_on_xeros_own_not_found_answer(fake_xero, content_type, body):
    fake_xero.status, fake_xero.content_type, fake_xero.body = 404, content_type, body
    client = XeroClient(
        XeroEndpoints.for_host("http://127.0.0.1:%d" % fake_xero.server_port), "AT-x", "T"
    )
    assert client.get_contact(str(uuid.uuid4())) is None


def test_get_by_id_raises_every_other_failure(client, sandbox):
    sandbox.faults.add({"kind": "error", "status": 503, "times": 1})
    with pytest.raises(TransientError):
        client.get_contact(str(uuid.uuid4()))
    sandbox.clock.advance(1801)
    with pytest.raises(AuthError):
        client.get_contact(str(uuid.uuid4()))
    with pytest.raises(ValueError):
        client.get_by_id("BankTransactions", str(uuid.uuid4()))


# -- pages ------------------------------------------------------------------------------------
DAY = date(2026, 5, 4)


def three_of_each_paged_collection(client):
    """3 contacts, 3 authorised invoices with a payment each, 3 credit notes, 3 orders."""
    names = [Contact(name=name) for name in ("Bayside Club", "Harbour Ltd", "Quay Co")]
    customer = Contact(contact_id=client.save_contacts(names, "k-contacts")[0].data.contact_id)
    sale = LineItem(description="Widget", quantity=1, unit_amount=100, account_code="200")
    invoice = Invoice(
        type="ACCREC",
        contact=customer,
        status="AUTHORISED",
        date=DAY,
        due_date=DAY,
        line_items=[sale],
    )
    invoices = client.save("Invoices", [invoice] * 3, "k-invoices")
    note = CreditNote(type="ACCRECCREDIT", contact=customer, date=DAY, line_items=[sale])
    chair = LineItem(description="Chair", quantity=1, unit_amount=10, account_code="300")
    order = PurchaseOrder(contact=customer, date=DAY, line_items=[chair])
    written = invoices + client.save("CreditNotes", [note] * 3, "k-notes")
    written += client.save("PurchaseOrders", [order] * 3, "k-orders")
    assert all(result.ok for result in written)
    payments = [
        Payment(
            invoice=Invoice(invoice_id=result.data.invoice_id),
            account=Account(code="090"),
            amount=10,
            date=DAY,
        )
        for result in invoices
    ]
    client.call("create_payments", Payments(payments=payments), idempotency_key="k-payments")


@pytest.mark.parametrize(
    "endpoint, id_field, id_attribute",
    [
        ("Contacts", "ContactID", "contact_id"),
        ("Invoices", "InvoiceID", "invoice_id"),
        ("CreditNotes", "CreditNoteID", "credit_note_id"),
        ("Payments", "PaymentID", "payment_id"),
        ("PurchaseOrders", "PurchaseOrderID", "purchase_order_id"),
    ],
)
def test_iter_pages_reads_a_collection_until_a_short_page(
    client, sandbox, uk, endpoint, id_field, id_attribute
):
    three_of_each_paged_collection(client)
    sandbox.clear_request_log()
    pages = list(client.iter_pages(endpoint, page_size=2))
    assert [len(page) for page in pages] == [2, 1]
    assert sandbox.calls("GET", endpoint) == 2
    read = {str(getattr(o, id_attribute)) for page in pages for o in page}
    assert read == {o[id_field] for o in uk.all(endpoint)}


def test_iter_pages_starts_where_asked_and_filters(client, sandbox):
    three_of_each_paged_collection(client)
    sandbox.clear_request_log()
    assert [len(p) for p in client.iter_pages("Invoices", page_size=2, start_page=2)] == [1]
    assert sandbox.calls("GET", "Invoices") == 1
    assert list(client.iter_pages("Invoices", where='Type=="ACCPAY"')) == []
    paid = list(client.iter_pages("Invoices", where="AmountPaid>0", page_size=2))
    assert [len(p) for p in paid] == [2, 1]
    with pytest.raises(ValueError):
        list(client.iter_pages("PurchaseOrders", where='Status=="DRAFT"'))
    with pytest.raises(ValueError):
        list(client.iter_pages("Items"))
    assert sandbox.calls("GET") == 4


# -- changes, resumed from the last object handled --------------------------------------------
def save_at_instants(client, sandbox, sizes, prefix="Batch"):
    """One call per batch, a few seconds apart: a batch's contacts share one UpdatedDateUTC."""
    for number, size in enumerate(sizes):
        sandbox.clock.advance(5)
        client.save_contacts(
            contacts(size, "%s %d" % (prefix, number)), "k-%s-%d" % (prefix, number)
        )


def test_updated_utc_is_an_aware_utc_datetime_to_the_millisecond(client, uk):
    saved = client.save_contacts([Contact(name="Acme")], "k-acme")[0].data
    moment = updated_utc(client.get_contact(saved.contact_id))
    assert moment.tzinfo is timezone.utc
    assert abs(moment.timestamp() - uk.all("Contacts")[0]["_updated"]) < 0.001
    assert resume_point("Contacts", saved) == (moment, saved.contact_id.lower())
    assert updated_utc(Contact(name="Never saved")) is None


def test_iter_changes_never_ends_a_page_inside_an_instant(client, sandbox):
    save_at_instants(client, sandbox, (5, 3, 4))
    pages = list(client.iter_changes("Contacts", page_size=4, include_archived=True))
    batches = [{c.name[:7] for c in page} for page in pages]
    for number, batch in enumerate(batches):
        for other in batches[number + 1 :]:
            assert not batch & other, "an instant split across pages"
    everything = [c.contact_id for page in pages for c in page]
    assert len(set(everything)) == 12
    first_batch = [c for page in pages for c in page if c.name.startswith("Batch 0")]
    after = resume_point("Contacts", first_batch[-1])
    rest = client.iter_changes("Contacts", after=after, page_size=4, include_archived=True)
    assert [c.contact_id for page in rest for c in page] == everything[5:]


def test_iter_changes_never_asks_for_page_2_of_a_moving_list(client, sandbox):
    """More objects at one instant than a page: the same point is asked again for a larger
    page, so an object edited meanwhile cannot shift another one out of reach."""
    save_at_instants(client, sandbox, (5, 2))
    sandbox.clear_request_log()
    pages = list(client.iter_changes("Contacts", page_size=3, include_archived=True))
    assert sum(len(page) for page in pages) == 7
    asked = [r["query"] for r in sandbox.state.request_log if r["method"] == "GET"]
    assert all("page=1" in query for query in asked), asked


def test_iter_changes_resumes_after_a_kept_point_and_reads_nothing_twice(client, sandbox):
    save_at_instants(client, sandbox, (1,) * 7, "Shop")
    first = next(client.iter_changes("Contacts", page_size=3))
    moment, contact_id = resume_point("Contacts", first[-1])
    kept = json.loads(json.dumps([moment.isoformat(), contact_id]))  # e.g. in a JSON field
    resumed = client.iter_changes("Contacts", after=kept)
    names = [c.name for page in [first, *resumed] for c in page]
    assert names == ["Shop %d 000" % n for n in range(7)]


def test_iter_changes_says_which_page_is_the_last(client, sandbox):
    save_at_instants(client, sandbox, (1,) * 7, "Shop")
    pages = list(client.iter_changes("Contacts", page_size=3))
    assert sum(len(page) for page in pages) == 7
    assert [page.last for page in pages] == [False] * (len(pages) - 1) + [True]


def test_iter_changes_stops_before_the_call_past_max_calls(client, sandbox):
    save_at_instants(client, sandbox, (1,) * 7, "Shop")
    sandbox.clear_request_log()
    pages = client.iter_changes("Contacts", page_size=3, max_calls=2)
    read = []
    with pytest.raises(StopIteration) as end:
        while True:
            read.append(next(pages))
    assert end.value.value is False, "not every change was read"
    assert len(read) == 2
    assert sum(len(page) for page in read) < 7
    assert len([r for r in sandbox.state.request_log if r["method"] == "GET"]) == 2
    everything = client.iter_changes("Contacts", page_size=3, max_calls=20)
    with pytest.raises(StopIteration) as end:
        while True:
            next(everything)
    assert end.value.value is True


def test_iter_changes_loses_nothing_when_an_object_changes_meanwhile(client, sandbox):
    save_at_instants(client, sandbox, (1,) * 6, "Shop")
    reader = client.iter_changes("Contacts", page_size=2)
    first = next(reader)
    sandbox.clock.advance(5)
    client.save_contacts([Contact(contact_id=first[0].contact_id, name="Renamed")], "k-rename")
    names = [c.name for page in [first, *reader] for c in page]
    assert names == ["Shop %d 000" % n for n in range(6)] + ["Renamed"]


# -- secrets stay out of logs and errors ------------------------------------------------------
def test_no_token_reaches_the_log_or_an_error(endpoints, token, uk, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    client = XeroClient(endpoints, token["access_token"], uk.tenant_id)
    client.get_organisation()
    sandbox.faults.add({"kind": "error", "status": 503, "times": 1})
    with pytest.raises(TransientError) as failed:
        client.get_organisation()
    sandbox.clock.advance(1801)
    with pytest.raises(AuthError) as expired:
        client.get_organisation()
    logging.getLogger("xero_client.client").info(
        "leak? Authorization: Bearer %s", token["access_token"]
    )
    assert "Xero get_organisations" in caplog.text
    for secret in (token["access_token"], token["refresh_token"]):
        assert secret not in caplog.text
        assert secret not in str(failed.value) and secret not in str(expired.value)
    assert "Bearer ***" in caplog.text


def test_a_callers_own_logger_gets_masked_lines_too(endpoints, token, uk, caplog):
    caplog.set_level(logging.DEBUG, logger="odoo.addons.xero_connector")
    own = logging.getLogger("odoo.addons.xero_connector")
    client = XeroClient(endpoints, token["access_token"], uk.tenant_id, logger=own)
    client.get_organisation()
    assert any(r.name == "odoo.addons.xero_connector" for r in caplog.records)
    assert token["access_token"] not in caplog.text


def test_iter_changes_reads_more_than_a_page_changed_at_one_instant_by_page_numbers(
    client, sandbox, monkeypatch
):
    """A bulk action in Xero changed more objects within a second than its largest page:
    the import is not stuck on them for ever, it reads that window page by page."""
    monkeypatch.setattr("xero_client.client.MAX_PAGE_SIZE", 4)
    save_at_instants(client, sandbox, (9, 2))
    pages = list(client.iter_changes("Contacts", page_size=2, include_archived=True))
    names = [c.name for page in pages for c in page]
    assert len(names) == len(set(names)) == 11
    for page in pages:
        points = [resume_point("Contacts", c) for c in page]
        assert points == sorted(points)
    assert [page.window_page for page in pages][-3:] == [1, 2, 3]
    assert pages[-1].last


def read_window(client, page_size=2, **resume):
    pages = client.iter_changes("Contacts", page_size=page_size, include_archived=True, **resume)
    read = []
    try:
        while True:
            read.append(next(pages))
    except StopIteration as end:
        return read, end.value


def window_ids(client):
    return {c.contact_id for page in client.iter_changes("Contacts") for c in page}


def test_a_window_read_by_page_numbers_resumes_after_its_kept_page(client, sandbox, monkeypatch):
    """A run that stops inside a bulk window (a press's one call, the run's time) goes on
    from the page after the one it kept, never from the window's start."""
    monkeypatch.setattr("xero_client.client.MAX_PAGE_SIZE", 4)
    save_at_instants(client, sandbox, (13, 2))
    read, finished = read_window(client, max_calls=3)
    assert finished is False
    assert [page.window_page for page in read] == [1]
    sandbox.clear_request_log()
    rest, finished = read_window(client, window_page=1)
    assert finished is True and rest[-1].last
    asked = [r["query"] for r in sandbox.state.request_log if r["method"] == "GET"]
    assert len(asked) == 3
    for number, query in zip((2, 3, 4), asked, strict=True):
        assert "page=%d&" % number in query + "&"
        assert "order=ContactID" in query
    assert {c.contact_id for page in [*read, *rest] for c in page} == window_ids(client)


def test_a_window_read_one_page_a_run_moves_on_each_run(client, sandbox, monkeypatch):
    monkeypatch.setattr("xero_client.client.MAX_PAGE_SIZE", 4)
    save_at_instants(client, sandbox, (13, 2))
    kept, seen = None, set()
    for _run in range(8):
        # A press reads two pages at most: the one that finds the window, and one of it.
        read, finished = read_window(client, page_size=4, max_calls=2, window_page=kept)
        for page in read:
            kept = page.window_page or kept
            seen |= {c.contact_id for c in page}
        if finished:
            break
    assert finished is True
    assert seen == window_ids(client)


def test_a_window_loses_none_edited_between_two_of_its_pages(client, sandbox, monkeypatch):
    """Objects of the window edited while it is read, within one run or between two (however
    many): in the order of their IDs they keep their places, none slips past the reading."""
    monkeypatch.setattr("xero_client.client.MAX_PAGE_SIZE", 4)
    save_at_instants(client, sandbox, (13, 2))
    everyone = window_ids(client)
    pages = client.iter_changes("Contacts", page_size=2, include_archived=True)
    read = []
    while not read:
        read = [page for page in [next(pages)] if page.window_page]
    sandbox.clock.advance(5)
    edited = [Contact(contact_id=c.contact_id, name=c.name + " edited") for c in read[0]]
    client.save_contacts(edited, "k-edit-window-1")
    read.append(next(pages))
    rest, _finished = read_window(client, window_page=read[-1].window_page)
    sandbox.clock.advance(5)
    client.save_contacts(
        [Contact(contact_id=c.contact_id, name=c.name + " again") for c in read[1]], "k-edit-2"
    )
    rest, finished = read_window(client, window_page=read[-1].window_page)
    assert finished is True
    assert {c.contact_id for page in [*read, *rest] for c in page} == everyone
