"""Webhooks: signed Xero-shaped events for API changes and sandbox actions."""

import json
import re
import threading
from datetime import datetime, timezone

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from xero_sandbox import verify_webhook

KEY = "webhook-key-for-tests"


def xero_utc(dotnet_date):
    """``/Date(1573755038314+0000)/`` as an eventDateUtc: ``2019-11-14T18:10:38.314``."""
    milliseconds = int(re.search(r"\((\d+)", dotnet_date).group(1))
    moment = datetime.fromtimestamp(milliseconds / 1000, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (milliseconds % 1000)


class Receiver:
    """A receiver written the way Xero documents it: verify, then 200 or 401, empty body."""

    def __init__(self, key=KEY):
        self.key = key
        self.events = []
        self.rejected = 0
        self.posts = 0
        self.failing = False  # answer every request with a 503
        self.cookie = None  # a Set-Cookie header on every answer
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = "http://127.0.0.1:%d/xero/webhook" % self.server.socket.getsockname()[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @Request.application
    def app(self, request):
        self.posts += 1
        if self.failing:
            return Response(status=503)
        body = request.get_data()
        if not verify_webhook(self.key, body, request.headers.get("x-xero-signature")):
            self.rejected += 1
            answer = Response(status=401)
        else:
            self.events.extend(json.loads(body)["events"])
            answer = Response(status=200)
        if self.cookie:
            answer.headers["Set-Cookie"] = self.cookie
        return answer


@pytest.fixture
def receiver(sandbox):
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


def test_intent_to_receive_passes_for_a_receiver_that_verifies(sandbox, receiver):
    result = sandbox.webhooks.configure(receiver.url, KEY)
    assert result["status"] == "OK"
    assert result["good_signature"]["status"] == 200
    assert result["bad_signature"]["status"] == 401
    assert receiver.rejected == 1


def test_intent_to_receive_fails_for_a_receiver_that_accepts_anything(sandbox):
    lax = Receiver()
    lax.key = None
    lax.app = Request.application(lambda request: Response(status=200))
    lax.server.app = lax.app
    result = sandbox.webhooks.configure(lax.url, KEY)
    assert result["status"] == "INTENT_TO_RECEIVE_FAILED"
    lax.server.shutdown()


def test_api_changes_and_sandbox_payments_send_signed_events(sandbox, receiver, raw, uk):
    sandbox.webhooks.configure(receiver.url, KEY)
    contact = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Hooked"}]}).json()[
        "Contacts"
    ][0]
    invoice = raw.call(
        "PUT",
        "/Invoices",
        json={
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contact["ContactID"]},
                    "Status": "AUTHORISED",
                    "DueDate": "2030-01-31",
                    "LineItems": [
                        {
                            "Description": "Work",
                            "Quantity": 1,
                            "UnitAmount": 100,
                            "AccountCode": "200",
                        }
                    ],
                }
            ]
        },
    ).json()["Invoices"][0]
    sandbox.actions.pay_invoice(uk.tenant_id, invoice["InvoiceID"])
    assert sandbox.webhooks.flush()
    seen = [(e["eventCategory"], e["eventType"], e["resourceId"]) for e in receiver.events]
    assert ("CONTACT", "CREATE", contact["ContactID"]) in seen
    assert ("INVOICE", "CREATE", invoice["InvoiceID"]) in seen
    assert seen.count(("INVOICE", "UPDATE", invoice["InvoiceID"])) == 1
    event = receiver.events[0]
    assert event["tenantId"] == uk.tenant_id and event["tenantType"] == "ORGANISATION"
    assert event["resourceUrl"].endswith("/api.xro/2.0/Contacts/" + contact["ContactID"])
    # An event's date is the moment of the change, to the millisecond: the UpdatedDateUTC
    # the object then took.
    created = next(e for e in receiver.events if e["resourceId"] == invoice["InvoiceID"])
    assert created["eventDateUtc"] == xero_utc(invoice["UpdatedDateUTC"])


def test_editing_a_contact_in_xero_sends_an_update(sandbox, receiver, raw, uk):
    contact = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Edited"}]}).json()[
        "Contacts"
    ][0]
    sandbox.webhooks.configure(receiver.url, KEY)
    sandbox.actions.edit(
        uk.tenant_id, "contacts", contact["ContactID"], {"EmailAddress": "new@edited.example"}
    )
    assert sandbox.webhooks.flush()
    assert [(e["eventCategory"], e["eventType"]) for e in receiver.events] == [
        ("CONTACT", "UPDATE")
    ]
    assert uk.get("Contacts", contact["ContactID"])["EmailAddress"] == "new@edited.example"


def test_no_events_before_the_handshake_passed(sandbox, receiver, raw):
    raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Silent"}]})
    assert sandbox.webhooks.flush()
    assert receiver.events == []


# -- webhooks as Xero sends them (issue 23, item 7), each over HTTP ---------------------------
# Xero's rules for a delivery URL are on its page "Configuring your server",
# https://developer.xero.com/documentation/webhooks/configuring-your-server.
NO_COOKIES = "There are no cookies in the response headers"


def sandbox_call(sandbox, method, path, body=None):
    return requests.request(method, sandbox.base_url + path, json=body, timeout=30)


def register(sandbox, url):
    answer = sandbox_call(sandbox, "PUT", "/sandbox/webhooks", {"url": url, "key": KEY})
    assert answer.status_code == 200, answer.text
    return answer.json()


def without_timing(answer):
    """An intent-to-receive answer without how long each request took (it varies)."""
    for side in ("good_signature", "bad_signature"):
        if answer.get(side):
            assert answer[side].pop("seconds") < 5
    return answer


def received(receiver):
    return [(e["eventCategory"], e["eventType"], e["resourceId"]) for e in receiver.events]


def new_contact(raw, name):
    answer = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": name}]})
    return answer.json()["Contacts"][0]


def approved_invoice(raw, contact):
    line = {"Description": "Work", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"}
    invoice = {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact["ContactID"]},
        "Status": "AUTHORISED",
        "DueDate": "2030-01-31",
        "LineItems": [line],
    }
    return raw.call("PUT", "/Invoices", json={"Invoices": [invoice]}).json()["Invoices"][0]


def test_every_credit_note_event_carries_its_type_and_status_at_the_time(
    sandbox, receiver, raw, uk
):
    contact = new_contact(raw, "Supplier with credit")
    register(sandbox, receiver.url)
    note = {
        "Type": "ACCPAYCREDIT",
        "Contact": {"ContactID": contact["ContactID"]},
        "Status": "DRAFT",
        "LineItems": [{"Description": "Refund", "UnitAmount": 5, "AccountCode": "300"}],
    }
    made = raw.call("PUT", "/CreditNotes", json={"CreditNotes": [note]})
    assert made.status_code == 200, made.text
    note_id = made.json()["CreditNotes"][0]["CreditNoteID"]
    approval = {"CreditNoteID": note_id, "Status": "AUTHORISED"}
    approved = raw.call("POST", "/CreditNotes", json={"CreditNotes": [approval]})
    assert approved.status_code == 200, approved.text
    approved_invoice(raw, contact)
    assert sandbox.webhooks.flush()
    notes = [e for e in receiver.events if e["eventCategory"] == "CREDITNOTE"]
    assert [(e["eventType"], e["data"]) for e in notes] == [
        ("CREATE", {"Type": "ACCPAYCREDIT", "Status": "DRAFT"}),
        ("UPDATE", {"Type": "ACCPAYCREDIT", "Status": "AUTHORISED"}),
    ]
    assert notes[0]["resourceUrl"] == "%s/CreditNotes/%s" % (sandbox.api_url, note_id)
    assert all("data" not in e for e in receiver.events if e["eventCategory"] != "CREDITNOTE")


def test_a_payment_sends_a_payment_event_as_well_as_its_invoice_update(sandbox, receiver, raw, uk):
    contact = new_contact(raw, "Paying customer")
    invoice = approved_invoice(raw, contact)
    register(sandbox, receiver.url)
    payment = {
        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
        "Account": {"Code": "090"},
        "Amount": 40,
    }
    paid = raw.call("PUT", "/Payments", json={"Payments": [payment]})
    assert paid.status_code == 200, paid.text
    payment_id = paid.json()["Payments"][0]["PaymentID"]
    in_xero = sandbox_call(
        sandbox,
        "POST",
        "/sandbox/tenants/%s/Invoices/%s/pay" % (uk.tenant_id, invoice["InvoiceID"]),
        {"amount": 10},
    )
    assert in_xero.status_code == 200, in_xero.text
    second_id = in_xero.json()["PaymentID"]
    deleted = raw.call("POST", "/Payments/" + payment_id, json={"Status": "DELETED"})
    assert deleted.status_code == 200, deleted.text
    assert sandbox.webhooks.flush()
    invoice_update = ("INVOICE", "UPDATE", invoice["InvoiceID"])
    assert received(receiver) == [
        invoice_update,
        ("PAYMENT", "CREATE", payment_id),
        invoice_update,
        ("PAYMENT", "CREATE", second_id),
        ("PAYMENT", "UPDATE", payment_id),
        invoice_update,
    ]
    event = receiver.events[1]
    assert event["resourceUrl"] == "%s/Payments/%s" % (sandbox.api_url, payment_id)
    assert (event["tenantId"], event["tenantType"]) == (uk.tenant_id, "ORGANISATION")
    assert "data" not in event


def test_payment_prepayment_and_unknown_category_events_on_demand(sandbox, receiver, uk):
    register(sandbox, receiver.url)
    payment_id = "0b0b2bd7-3f4f-4a43-9b89-7e1b9b1f1a11"
    sent = sandbox_call(
        sandbox,
        "POST",
        "/sandbox/webhooks/send",
        {"tenantId": uk.tenant_id, "category": "PAYMENT", "resourceId": payment_id},
    )
    assert sent.status_code == 200, sent.text
    event = sent.json()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}", event.pop("eventDateUtc"))
    assert event == {
        "resourceUrl": "%s/Payments/%s" % (sandbox.api_url, payment_id),
        "resourceId": payment_id,
        "eventType": "CREATE",
        "eventCategory": "PAYMENT",
        "tenantId": uk.tenant_id,
        "tenantType": "ORGANISATION",
    }
    prepayment = sandbox_call(
        sandbox,
        "POST",
        "/sandbox/webhooks/send",
        {
            "tenantId": uk.tenant_id,
            "category": "PREPAYMENT",
            "eventType": "UPDATE",
            "data": {"Status": "PAID"},
        },
    ).json()
    assert prepayment["resourceUrl"] == "%s/Prepayments/%s" % (
        sandbox.api_url,
        prepayment["resourceId"],
    )
    assert prepayment["data"] == {
        "Type": "RECEIVE-PREPAYMENT",
        "Status": "PAID",
        "UpdatedDateUTCString": prepayment["eventDateUtc"][:19],
    }
    unknown = sandbox_call(
        sandbox,
        "POST",
        "/sandbox/webhooks/send",
        {"tenantId": uk.tenant_id, "category": "QUOTE", "data": {"Status": "SENT"}},
    ).json()
    assert (unknown["eventCategory"], unknown["data"]) == ("QUOTE", {"Status": "SENT"})
    assert sandbox.webhooks.flush()
    assert received(receiver) == [
        ("PAYMENT", "CREATE", payment_id),
        ("PREPAYMENT", "UPDATE", prepayment["resourceId"]),
        ("QUOTE", "CREATE", unknown["resourceId"]),
    ]
    assert receiver.events[1:] == [prepayment, unknown]


def test_events_on_demand_are_refused_when_they_cannot_be_sent(sandbox, receiver, uk):
    send = {"tenantId": uk.tenant_id, "category": "PAYMENT"}
    answer = sandbox_call(sandbox, "POST", "/sandbox/webhooks/send", send)
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "error": "The webhook's status is NOT_SET: "
            "nothing is sent until an intent to receive passes"
        },
    )
    register(sandbox, receiver.url)
    refusals = [
        (
            dict(send, category="CREDITNOTE"),
            "CREDITNOTE events come from changes: make one through the API or a sandbox action",
        ),
        (dict(send, eventType="DELETE"), "eventType must be CREATE or UPDATE"),
        (dict(send, data=["Status"]), "data must be an object"),
        (dict(send, category="pay ment"), "category must be a name in capitals, like PAYMENT"),
        (dict(send, tenantId="nobody"), "Unknown tenant nobody"),
    ]
    for body, message in refusals:
        answer = sandbox_call(sandbox, "POST", "/sandbox/webhooks/send", body)
        assert (answer.status_code, answer.json()) == (400, {"error": message})
    assert sandbox.webhooks.flush()
    assert receiver.events == []


def test_a_run_of_failed_deliveries_disables_the_webhook_until_an_intent_passes(
    sandbox, receiver, raw
):
    settings = sandbox_call(
        sandbox, "PUT", "/sandbox/webhooks/settings", {"failures_before_disabled": 2}
    )
    assert settings.status_code == 200, settings.text
    register(sandbox, receiver.url)
    receiver.failing = True
    first = new_contact(raw, "Lost while the receiver is down")
    assert sandbox.webhooks.flush()
    status = sandbox_call(sandbox, "GET", "/sandbox/webhooks").json()
    assert status == {
        "url": receiver.url,
        "status": "DISABLED",
        "reason": "2 delivery attempts in a row failed. Xero retries for 24 hours, then: "
        '"After 24 hours the webhook will be disabled and needs to be re-enabled."',
        "failed_attempts": 2,
        "failures_before_disabled": 2,
        "require_https": False,
        "deliveries": [{"events": 1, "attempts": [503, 503], "delivered": False}],
    }
    receiver.failing = False
    posts = receiver.posts
    new_contact(raw, "Made while disabled")
    assert sandbox.webhooks.flush()
    assert receiver.posts == posts  # nothing more is sent, not even a retry
    intent = sandbox_call(sandbox, "POST", "/sandbox/webhooks/intent").json()
    assert intent["status"] == "OK"
    after = new_contact(raw, "After the intent passed")
    assert sandbox.webhooks.flush()
    assert received(receiver) == [("CONTACT", "CREATE", after["ContactID"])]
    assert first["ContactID"] not in {e["resourceId"] for e in receiver.events}
    status = sandbox_call(sandbox, "GET", "/sandbox/webhooks").json()
    assert (status["status"], status["failed_attempts"], "reason" in status) == ("OK", 0, False)


def test_the_failures_before_disabled_setting_defaults_to_4_and_refuses_bad_values(sandbox):
    status = sandbox_call(sandbox, "GET", "/sandbox/webhooks").json()
    assert (status["status"], status["failures_before_disabled"]) == ("NOT_SET", 4)
    refused = sandbox_call(
        sandbox, "PUT", "/sandbox/webhooks/settings", {"failures_before_disabled": 0}
    )
    assert (refused.status_code, refused.json()) == (
        400,
        {"error": "failures_before_disabled must be a whole number of at least 1"},
    )
    unknown = sandbox_call(sandbox, "PUT", "/sandbox/webhooks/settings", {"retries": 3})
    assert (unknown.status_code, unknown.json()) == (
        400,
        {"error": "Webhook settings: failures_before_disabled, require_https"},
    )


def test_intent_to_receive_fails_when_an_answer_sets_a_cookie(sandbox, receiver):
    receiver.cookie = "session_id=abc; Path=/"
    answer = without_timing(register(sandbox, receiver.url))
    assert answer == {
        "status": "INTENT_TO_RECEIVE_FAILED",
        "unmet": [NO_COOKIES],
        "good_signature": {"status": 200, "body": "", "sets_cookie": True},
        "bad_signature": {"status": 401, "body": "", "sets_cookie": True},
    }
    receiver.cookie = None
    intent = without_timing(sandbox_call(sandbox, "POST", "/sandbox/webhooks/intent").json())
    assert intent == {
        "status": "OK",
        "unmet": [],
        "good_signature": {"status": 200, "body": "", "sets_cookie": False},
        "bad_signature": {"status": 401, "body": "", "sets_cookie": False},
    }


def test_a_delivery_answered_with_a_cookie_is_a_failed_one(sandbox, receiver, raw):
    sandbox_call(sandbox, "PUT", "/sandbox/webhooks/settings", {"failures_before_disabled": 1})
    register(sandbox, receiver.url)
    receiver.cookie = "session_id=abc; Path=/"
    new_contact(raw, "Answered with a cookie")
    assert sandbox.webhooks.flush()
    status = sandbox_call(sandbox, "GET", "/sandbox/webhooks").json()
    assert status["status"] == "DISABLED"
    assert status["deliveries"] == [{"events": 1, "attempts": [200], "delivered": False}]


def test_the_sandbox_can_be_told_to_require_https(sandbox, receiver):
    settings = sandbox_call(sandbox, "PUT", "/sandbox/webhooks/settings", {"require_https": True})
    assert settings.json()["require_https"] is True
    answer = sandbox_call(sandbox, "PUT", "/sandbox/webhooks", {"url": receiver.url, "key": KEY})
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "error": "The delivery URL must use https. Xero: "
            '"It uses HTTPS on the standard 443 port"'
        },
    )
    assert receiver.posts == 0
    assert sandbox_call(sandbox, "GET", "/sandbox/webhooks").json()["status"] == "NOT_SET"
    secure = "https://127.0.0.1:%d/xero/webhook" % receiver.server.socket.getsockname()[1]
    answer = without_timing(register(sandbox, secure))
    assert answer["status"] == "INTENT_TO_RECEIVE_FAILED"  # saved, then no TLS handshake
