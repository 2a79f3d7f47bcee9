"""Webhooks: signed Xero-shaped events for API changes and sandbox actions."""

import json
import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from xero_sandbox import verify_webhook

KEY = "webhook-key-for-tests"


class Receiver:
    """A receiver written the way Xero documents it: verify, then 200 or 401, empty body."""

    def __init__(self, key=KEY):
        self.key = key
        self.events = []
        self.rejected = 0
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = "http://127.0.0.1:%d/xero/webhook" % self.server.socket.getsockname()[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @Request.application
    def app(self, request):
        body = request.get_data()
        if not verify_webhook(self.key, body, request.headers.get("x-xero-signature")):
            self.rejected += 1
            return Response(status=401)
        self.events.extend(json.loads(body)["events"])
        return Response(status=200)


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
