"""Text Xero cannot store: an element holding a control character or an emoji is refused on
its own, the others of the batch go; tabs and line breaks in a description are kept."""

import pytest

from xero_sandbox.encoding import storable, unstorable_text

EMOJI = "\U0001f31e"


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Plain Traders", True),
        ("Line one\n\tLine two\r\n", True),
        ("Zoë & Søren, Ōsaka 大阪", True),
        ("Bell\x07 Traders", False),
        ("Nul\x00", False),
        ("Unit\x1fseparator", False),
        ("Sunny " + EMOJI, False),
        ("Not a character \ufffe", False),
    ],
)
def test_what_xero_can_store(text, kept):
    assert storable(text) is kept


def test_each_field_holding_one_is_named_once():
    element = {
        "Name": "Bell\x07",
        "LineItems": [{"Description": "ok"}, {"Description": EMOJI}, {"Description": "\x01"}],
    }
    assert unstorable_text(element) == [
        "Name contains a character that is not valid",
        "Description contains a character that is not valid",
    ]


def test_a_contact_with_a_control_character_fails_alone(raw, uk):
    body = {"Contacts": [{"Name": "Good One"}, {"Name": "Bell\x07 Ltd"}, {"Name": EMOJI}]}
    answer = raw.call("POST", "/Contacts", params={"summarizeErrors": "false"}, json=body)
    assert answer.status_code == 200
    elements = answer.json()["Contacts"]
    assert [e["StatusAttributeString"] for e in elements] == ["OK", "ERROR", "ERROR"]
    assert elements[1]["ValidationErrors"] == [
        {"Message": "Name contains a character that is not valid"}
    ]
    assert [c["Name"] for c in uk.all("Contacts")] == ["Good One"]


def test_a_line_description_with_a_control_character_is_refused(raw, uk):
    raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Buyer"}]})
    [contact] = uk.all("Contacts")

    def invoice(description):
        return {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact["ContactID"]},
            "LineItems": [
                {
                    "Description": description,
                    "Quantity": 1,
                    "UnitAmount": 10,
                    "AccountCode": "200",
                    "TaxType": "NONE",
                }
            ],
        }

    body = {"Invoices": [invoice("Two\nlines\tand a tab"), invoice("Vertical\x0btab")]}
    answer = raw.call("POST", "/Invoices", params={"summarizeErrors": "false"}, json=body)
    elements = answer.json()["Invoices"]
    assert [e["StatusAttributeString"] for e in elements] == ["OK", "ERROR"]
    assert elements[1]["ValidationErrors"] == [
        {"Message": "Description contains a character that is not valid"}
    ]
    [kept] = uk.all("Invoices")
    assert kept["LineItems"][0]["Description"] == "Two\nlines\tand a tab"


def test_an_email_with_accented_letters_is_refused(raw, uk):
    body = {"Contacts": [{"Name": "Umlaut Traders", "EmailAddress": "jürgen@müller.de"}]}
    answer = raw.call("POST", "/Contacts", params={"summarizeErrors": "false"}, json=body)
    [element] = answer.json()["Contacts"]
    assert element["ValidationErrors"] == [{"Message": "Email address must be valid."}]
