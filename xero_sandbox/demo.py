"""Demo contacts, items and documents for ``--seed``, so the HTML view and a first sync have
something real to show."""

from datetime import timedelta

from .clock import Clock
from .resources import RESOURCES
from .resources.base import Context
from .seed import DEMO_CONTACTS, DEMO_ITEMS, seed_id


def seed_demo_data(org):
    ctx = Context(org, Clock())
    tenant = org.tenant_id
    for name, email, number in DEMO_CONTACTS:
        element = {
            "ContactID": None,
            "Name": name,
            "EmailAddress": email,
            "Addresses": [
                {
                    "AddressType": "STREET",
                    "AddressLine1": "1 Demo Street",
                    "City": "Demo City",
                    "Country": org.settings["Organisation"]["CountryCode"],
                }
            ],
            "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "555 0100"}],
        }
        if number:
            element["AccountNumber"] = number
        contact = RESOURCES["contacts"].create(ctx, element)
        contact["ContactID"] = seed_id(tenant, "contact", name)
        ctx.touch(contact)
        org.put("Contacts", contact, "ContactID")
    out_tax = org.settings["Accounts"][1]["TaxType"]
    in_tax = org.settings["Accounts"][4]["TaxType"]
    for code, name, sale, cost in DEMO_ITEMS:
        item = {
            "Code": code,
            "Name": name,
            "Description": name,
            "SalesDetails": {"UnitPrice": sale, "AccountCode": "200", "TaxType": out_tax},
        }
        if cost:
            item["PurchaseDetails"] = {"UnitPrice": cost, "AccountCode": "300", "TaxType": in_tax}
        RESOURCES["items"].upsert(ctx, item, "PUT")
    due = (ctx.today + timedelta(days=30)).isoformat()
    documents = [
        (
            "invoices",
            {
                "Type": "ACCREC",
                "Contact": {"Name": "Bayside Club"},
                "Status": "AUTHORISED",
                "DueDate": due,
                "Reference": "Demo sale",
                "LineItems": [{"ItemCode": "DESK-01", "Quantity": 2}],
            },
        ),
        (
            "invoices",
            {
                "Type": "ACCPAY",
                "Contact": {"Name": "PowerDirect"},
                "Status": "AUTHORISED",
                "DueDate": due,
                "InvoiceNumber": "PD-7781",
                "LineItems": [
                    {
                        "Description": "Electricity",
                        "Quantity": 1,
                        "UnitAmount": "240.50",
                        "AccountCode": "445",
                    }
                ],
            },
        ),
        (
            "purchaseorders",
            {
                "Contact": {"Name": "Office Supplies Co"},
                "Status": "AUTHORISED",
                "LineItems": [{"ItemCode": "CHAIR-01", "Quantity": 4}],
            },
        ),
        (
            "creditnotes",
            {
                "Type": "ACCRECCREDIT",
                "Contact": {"Name": "Ridgeway University"},
                "Status": "DRAFT",
                "LineItems": [{"ItemCode": "CONSULT", "Quantity": 1}],
            },
        ),
    ]
    for resource, element in documents:
        RESOURCES[resource].upsert(ctx, element, "PUT")
