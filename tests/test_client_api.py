"""XeroClient against the sandbox over HTTP: batches, limits, faults, errors and masking."""

import logging
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from xero_python.accounting import Contact, Item, Purchase

from xero_client import (
    AuthError,
    RateLimited,
    RequestRejected,
    TransientError,
    XeroClient,
    XeroEndpoints,
    idempotency_key,
)
from xero_client.client import MAX_BATCH, build_api_client

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


# -- reads and limits -------------------------------------------------------------------------
def test_organisation_and_the_limits_read_from_the_headers(client, sandbox):
    organisation = client.get_organisation()
    assert organisation.short_code == "!uk1Dm"
    assert client.limits == {
        "X-MinLimit-Remaining": 59,
        "X-DayLimit-Remaining": 4999,
        "X-AppMinLimit-Remaining": 9999,
    }
    client.get_organisation()
    assert client.limits["X-MinLimit-Remaining"] == 58
    assert sandbox.calls("GET", "Organisation") == 2


def test_contacts_come_in_pages_until_a_short_one(client, sandbox, uk):
    for batch in batches(contacts(120)):
        client.save_contacts(batch, str(uuid.uuid4()))
    sandbox.clear_request_log()
    pages = list(client.iter_contacts())
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


def test_more_than_50_elements_or_a_bad_key_is_refused_before_any_call(client, sandbox):
    with pytest.raises(ValueError):
        client.save_contacts(contacts(51), "k")
    with pytest.raises(ValueError):
        client.save_contacts(contacts(1), "k" * 129)
    with pytest.raises(ValueError):
        client.save("BankTransactions", contacts(1), "k")
    assert client.save_contacts([], "k") == []
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
def test_a_dropped_answer_then_a_retry_with_the_same_key_creates_no_duplicate(client, sandbox, uk):
    sandbox.faults.add(
        {"kind": "drop_after_write", "method": "POST", "path": "/Contacts", "times": 1}
    )
    batch = [Contact(name="Once Only", email_address="once@example.com")]
    key = idempotency_key("db1-company1", "res.partner", [(7, 3)])
    with pytest.raises(TransientError):
        client.save_contacts(batch, key)
    assert stored_names(uk) == ["Once Only"]  # saved, though the answer never came
    results = client.save_contacts(batch, key)
    assert results[0].ok
    assert results[0].data.contact_id == uk.all("Contacts")[0]["ContactID"]
    assert stored_names(uk) == ["Once Only"]
    assert sandbox.calls("POST", "Contacts") == 2


def test_a_drop_before_the_write_saves_nothing(client, sandbox, uk):
    sandbox.faults.add({"kind": "drop_before_write", "times": 1})
    with pytest.raises(TransientError):
        client.save_contacts([Contact(name="Never")], "k-drop")
    assert uk.all("Contacts") == []


def test_idempotency_keys_are_deterministic_and_short():
    key = idempotency_key("db-uuid-1/company-1", "res.partner", [(1, 5), (2, 9)])
    assert key == idempotency_key("db-uuid-1/company-1", "res.partner", [(2, 9), (1, 5)])
    assert key != idempotency_key("db-uuid-1/company-1", "res.partner", [(1, 5), (2, 10)])
    assert key != idempotency_key("db-uuid-1/company-1", "res.partner", [(1, 5)])
    assert key != idempotency_key("db-uuid-1/company-2", "res.partner", [(1, 5), (2, 9)])
    assert key != idempotency_key("db-uuid-1/company-1", "account.move", [(1, 5), (2, 9)])
    assert key.startswith("res.partner-")
    long_key = idempotency_key("c" * 500, "x" * 300, [(n, n) for n in range(1000)])
    assert len(long_key) <= 128 and len(key) <= 128


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


# -- find_contacts ----------------------------------------------------------------------------
def test_find_contacts_is_one_call_and_copes_with_quotes(client, sandbox):
    client.save_contacts(
        [
            Contact(name='Bob\'s "Best" Bikes'),
            Contact(name="Acme Ltd"),
            Contact(name="Mail Only", email_address="ap@mail.example"),
            Contact(name="Taxed", tax_number="GB123456789"),
            Contact(name="Bob's Bikes Annex"),
            Contact(name="Unrelated"),
        ],
        "k-seed",
    )
    sandbox.clear_request_log()
    found = client.find_contacts(
        names=['bob\'s  "best" bikes', "ACME LTD", "Nobody"],
        emails=["AP@mail.example"],
        tax_numbers=["GB123456789"],
    )
    assert sandbox.calls("GET", "Contacts") == 1
    assert sorted(c.name for c in found) == [
        "Acme Ltd",
        'Bob\'s "Best" Bikes',
        "Mail Only",
        "Taxed",
    ]


def test_find_contacts_splits_a_long_filter(client, sandbox):
    for batch in batches(contacts(90, "Shop")):
        client.save_contacts(batch, str(uuid.uuid4()))
    sandbox.clear_request_log()
    found = client.find_contacts(names=["Shop %03d" % n for n in range(85)])
    assert len(found) == 85
    assert sandbox.calls("GET", "Contacts") == 3  # 40 + 40 + 5 terms
    assert client.find_contacts() == []


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
