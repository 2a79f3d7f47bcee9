"""Overpayments and prepayments applied to an invoice in Xero's screens (a sandbox action):
the invoice lists them, counts them as credited and owes that much less."""

import pytest

from xero_sandbox.actions import ActionError


def approved_invoice(raw, total=100):
    contact = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Prepaid Ltd"}]}).json()[
        "Contacts"
    ][0]
    return raw.call(
        "PUT",
        "/Invoices",
        json={
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contact["ContactID"]},
                    "Status": "AUTHORISED",
                    "DueDate": "2030-01-31",
                    "LineAmountTypes": "NoTax",
                    "LineItems": [
                        {
                            "Description": "Work",
                            "Quantity": 1,
                            "UnitAmount": total,
                            "AccountCode": "200",
                        }
                    ],
                }
            ]
        },
    ).json()["Invoices"][0]


def test_a_prepayment_applied_lowers_what_is_due_and_shows_on_the_invoice(sandbox, raw, uk):
    invoice = approved_invoice(raw)
    sandbox.actions.apply_credit(uk.tenant_id, invoice["InvoiceID"], "Prepayments", 30)
    read = raw.call("GET", "/Invoices/%s" % invoice["InvoiceID"]).json()["Invoices"][0]
    assert (read["AmountCredited"], read["AmountDue"], read["Status"]) == (30, 70, "AUTHORISED")
    [prepayment] = read["Prepayments"]
    assert prepayment["AppliedAmount"] == 30 and prepayment["PrepaymentID"]
    sandbox.actions.apply_credit(uk.tenant_id, invoice["InvoiceID"], "Overpayments", None)
    read = raw.call("GET", "/Invoices/%s" % invoice["InvoiceID"]).json()["Invoices"][0]
    assert (read["AmountDue"], read["Status"]) == (0, "PAID")
    assert read["Overpayments"][0]["AppliedAmount"] == 70


def test_more_than_is_due_is_refused(sandbox, raw, uk):
    invoice = approved_invoice(raw)
    with pytest.raises(ActionError):
        sandbox.actions.apply_credit(uk.tenant_id, invoice["InvoiceID"], "Prepayments", 101)


def test_unit_amounts_come_to_2_decimals_unless_the_read_asks_for_4(raw):
    invoice = approved_invoice(raw)
    raw.call(
        "POST",
        "/Invoices?unitdp=4",
        json={
            "Invoices": [
                {
                    "InvoiceID": invoice["InvoiceID"],
                    "LineItems": [
                        {
                            "Description": "Bolts",
                            "Quantity": 1000,
                            "UnitAmount": 0.1234,
                            "AccountCode": "200",
                        }
                    ],
                }
            ]
        },
    )
    path = "/Invoices/%s" % invoice["InvoiceID"]
    [two] = raw.call("GET", path).json()["Invoices"]
    [four] = raw.call("GET", path + "?unitdp=4").json()["Invoices"]
    assert (two["LineItems"][0]["UnitAmount"], four["LineItems"][0]["UnitAmount"]) == (0.12, 0.1234)
    listed = raw.call("GET", "/Invoices?page=1").json()["Invoices"]
    assert [
        i["LineItems"][0]["UnitAmount"] for i in listed if i["InvoiceID"] == invoice["InvoiceID"]
    ] == [0.12]
