"""Sandbox actions over HTTP, the HTML view, state kept in a file, the command line."""

import subprocess
import sys
import time

import requests

from xero_sandbox import Sandbox, free_port

from .sandbox_helpers import Raw, authorize


def test_pay_and_part_pay_an_invoice_over_http(sandbox, raw, uk):
    invoice = raw.call(
        "PUT",
        "/Invoices",
        json={
            "Invoices": [
                {
                    "Type": "ACCPAY",
                    "Contact": {"Name": "Supplier"},
                    "Status": "AUTHORISED",
                    "DueDate": "2030-01-31",
                    "LineItems": [
                        {
                            "Description": "Goods",
                            "Quantity": 2,
                            "UnitAmount": 50,
                            "AccountCode": "300",
                        }
                    ],
                }
            ]
        },
    ).json()["Invoices"][0]
    url = "%s/sandbox/tenants/%s/invoices/%s/pay" % (
        sandbox.url,
        uk.tenant_id,
        invoice["InvoiceID"],
    )
    part = requests.post(url, json={"amount": 40}, timeout=5)
    assert part.status_code == 200
    held = uk.get("Invoices", invoice["InvoiceID"])
    assert (held["Status"], float(held["AmountPaid"]), float(held["AmountDue"])) == (
        "AUTHORISED",
        40.0,
        80.0,
    )
    requests.post(url, json={}, timeout=5)
    held = uk.get("Invoices", invoice["InvoiceID"])
    assert (held["Status"], float(held["AmountDue"])) == ("PAID", 0.0)
    too_much = requests.post(url, json={"amount": 1}, timeout=5)
    assert too_much.status_code == 400


def test_limits_and_faults_over_http(sandbox):
    assert (
        requests.put(sandbox.url + "/sandbox/limits", json={"per_minute": 7}, timeout=5).json()[
            "per_minute"
        ]
        == 7
    )
    fault = requests.post(sandbox.url + "/sandbox/faults", json={"kind": "error"}, timeout=5)
    assert fault.status_code == 200 and fault.json()["status"] == 503
    assert (
        requests.post(
            sandbox.url + "/sandbox/faults", json={"kind": "bogus"}, timeout=5
        ).status_code
        == 400
    )
    requests.delete(sandbox.url + "/sandbox/faults", timeout=5)
    assert requests.get(sandbox.url + "/sandbox/faults", timeout=5).json() == []
    assert requests.post(sandbox.url + "/sandbox/reset", json={}, timeout=5).status_code == 200
    assert requests.get(sandbox.url + "/sandbox/limits", timeout=5).json()["per_minute"] == 60


def test_html_view_lists_objects_and_resolves_xero_deep_links(sandbox, raw, uk):
    invoice = raw.call(
        "PUT",
        "/Invoices",
        json={
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"Name": "Viewer Ltd"},
                    "LineItems": [{"Description": "Seen", "Quantity": 1, "UnitAmount": 5}],
                }
            ]
        },
    ).json()["Invoices"][0]
    listing = requests.get("%s/sandbox/ui/%s/invoices" % (sandbox.url, uk.tenant_id), timeout=5)
    assert listing.status_code == 200 and "Viewer Ltd" in listing.text
    link = (
        "%s/organisationlogin/default.aspx?shortcode=%s&redirecturl=/AccountsReceivable/"
        "View.aspx?InvoiceID=%s" % (sandbox.url, uk.short_code, invoice["InvoiceID"])
    )
    page = requests.get(link, timeout=5)
    assert page.status_code == 200
    assert invoice["InvoiceNumber"] in page.text and "Seen" in page.text
    for name in ("contacts", "bills", "purchaseorders", "creditnotes"):
        url = "%s/sandbox/ui/%s/%s" % (sandbox.url, uk.tenant_id, name)
        assert requests.get(url, timeout=5).status_code == 200


def test_an_invoice_is_approved_and_paid_in_the_html_view(sandbox, raw, uk):
    """What a person does in Xero's screens, in the sandbox's pages: Approve on a draft,
    then Pay on the approved invoice, into the organisation's bank account."""
    invoice = raw.call(
        "PUT",
        "/Invoices",
        json={
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"Name": "Payer Ltd"},
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
    assert invoice["Status"] == "DRAFT"
    page_url = "%s/sandbox/ui/%s/invoices/%s" % (sandbox.url, uk.tenant_id, invoice["InvoiceID"])
    page = requests.get(page_url, timeout=5).text
    assert 'action="%s/approve"' % page_url[len(sandbox.url) :] in page
    assert "/pay" not in page, "a draft cannot be paid"

    approved = requests.post(page_url + "/approve", allow_redirects=False, timeout=5)
    assert (approved.status_code, approved.headers["Location"]) == (
        303,
        page_url[len(sandbox.url) :],
    )
    assert uk.get("Invoices", invoice["InvoiceID"])["Status"] == "AUTHORISED"
    page = requests.get(page_url, timeout=5).text
    assert "/approve" not in page
    assert 'action="%s/pay"' % page_url[len(sandbox.url) :] in page

    part = requests.post(page_url + "/pay", data={"amount": "20"}, allow_redirects=False, timeout=5)
    assert part.status_code == 303
    held = uk.get("Invoices", invoice["InvoiceID"])
    assert (held["Status"], float(held["AmountDue"])) == ("AUTHORISED", invoice["Total"] - 20)
    requests.post(page_url + "/pay", data={"amount": ""}, timeout=5)  # the amount due
    held = uk.get("Invoices", invoice["InvoiceID"])
    assert (held["Status"], float(held["AmountDue"])) == ("PAID", 0.0)
    payments = [p for p in uk.all("Payments") if p["Invoice"]["InvoiceID"] == invoice["InvoiceID"]]
    assert {p["Account"]["Code"] for p in payments} == {"090"}

    refused = requests.post(page_url + "/pay", data={"amount": "1"}, timeout=5)
    assert refused.status_code == 400 and "text/html" in refused.headers["Content-Type"]
    assert "<p>Payments can only be made against Authorised documents</p>" in refused.text


def test_state_file_keeps_data_and_tokens_across_restarts(tmp_path):
    state_file = str(tmp_path / "sandbox.json")
    first = Sandbox(state_file=state_file).start()
    token = authorize(first)
    tenant = first.tenant_ids()[0]
    Raw(first, token, tenant).call("PUT", "/Contacts", json={"Contacts": [{"Name": "Kept"}]})
    first.stop()
    second = Sandbox(state_file=state_file).start()
    try:
        answer = Raw(second, token, tenant).call("GET", "/Contacts")
        assert answer.status_code == 200
        assert [c["Name"] for c in answer.json()["Contacts"]] == ["Kept"]
    finally:
        second.stop()


def test_state_file_keeps_every_organisations_writes_and_the_settings(tmp_path):
    state_file = str(tmp_path / "sandbox.json")
    first = Sandbox(state_file=state_file).start()
    token = authorize(first)
    for tenant, name in zip(first.tenant_ids(), ("Kept in one", "Kept in two"), strict=True):
        Raw(first, token, tenant).call("PUT", "/Contacts", json={"Contacts": [{"Name": name}]})
    first.actions.set_limits({"idempotency_seconds": 90})
    first.state.save()
    first.stop()
    second = Sandbox(state_file=state_file)
    held = {tid: [c["Name"] for c in org.all("Contacts")] for tid, org in second.state.orgs.items()}
    assert sorted(held.values()) == [["Kept in one"], ["Kept in two"]]
    assert second.actions.limits()["idempotency_seconds"] == 90
    assert second.state.orgs[first.tenant_ids()[0]].contact_by_name("kept in one ")
    explicit = Sandbox(state_file=state_file, idempotency_seconds=15)
    assert explicit.actions.limits()["idempotency_seconds"] == 15


def test_command_line_starts_a_seeded_sandbox(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xero_sandbox",
            "--port",
            str(port),
            "--seed",
            "--idempotency-seconds",
            "42",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                health = requests.get("http://127.0.0.1:%d/sandbox/health" % port, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert health.json() == {"status": "ok", "tenants": 2}
        tenants = requests.get("http://127.0.0.1:%d/sandbox/tenants" % port, timeout=5).json()
        assert all(t["counts"]["Contacts"] >= 5 for t in tenants)
        limits = requests.get("http://127.0.0.1:%d/sandbox/limits" % port, timeout=5).json()
        assert limits["idempotency_seconds"] == 42
    finally:
        process.terminate()
        process.wait(10)
