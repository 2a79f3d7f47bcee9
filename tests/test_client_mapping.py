"""Pure parts of xero_client: contact mapping, matching, endpoints and deep links, masking."""

import logging
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from xero_python.accounting import Address, Contact, ContactPerson, Phone
from xero_python.api_client.serializer import serialize

from xero_client import XeroClient, XeroEndpoints, mask
from xero_client.mappings import common, contact
from xero_client.mappings.common import MappingError
from xero_client.mappings.contact import (
    contact_from_xero,
    contact_to_xero,
    match_by_email,
    match_existing,
)
from xero_client.masking import get_logger, remember_secret

COMPANY = {
    "id": 7,
    "name": "  Bayside   Club ",
    "is_company": True,
    "email": "ap@bayside.example",
    "phone": "+44 20 7946 0000",
    "mobile": "+44 7700 900123",
    "street": "1 Harbour Road",
    "street2": "Unit 4",
    "city": "Brighton",
    "zip": "BN1 1AA",
    "state": "East Sussex",
    "country": "gb",
    "vat": "GB123456789",
    "ref": "BAY-01",
    "active": True,
    "xero_id": None,
    "children": [
        {"name": "Ann Lee", "email": "ann@bayside.example"},
        {"name": "Raj Patel", "email": "raj@bayside.example"},
    ],
}


def person(**values):
    return dict(
        {"id": 8, "name": "Mary Jane Watson", "is_company": False, "active": True}, **values
    )


# -- partner -> Xero --------------------------------------------------------------------------
def test_a_company_maps_to_every_contact_field():
    contact = contact_to_xero(COMPANY, "ref")
    assert contact.name == "Bayside Club"
    assert (contact.first_name, contact.last_name) == ("", "")
    assert contact.email_address == "ap@bayside.example"
    assert [(p.phone_type, p.phone_number) for p in contact.phones] == [
        ("DEFAULT", "+44 20 7946 0000"),
        ("MOBILE", "+44 7700 900123"),
    ]
    assert [a.address_type for a in contact.addresses] == ["STREET", "POBOX"]
    street = contact.addresses[0]
    assert (
        street.address_line1,
        street.address_line2,
        street.city,
        street.region,
        street.postal_code,
        street.country,
    ) == ("1 Harbour Road", "Unit 4", "Brighton", "East Sussex", "BN1 1AA", "GB")
    assert contact.addresses[1].to_dict() == dict(street.to_dict(), address_type="POBOX")
    assert contact.tax_number == "GB123456789"
    assert contact.account_number == "BAY-01"
    assert contact.contact_status == "ACTIVE"
    assert contact.contact_id is None
    assert [
        (p.first_name, p.last_name, p.email_address, p.include_in_emails)
        for p in contact.contact_persons
    ] == [
        ("Ann", "Lee", "ann@bayside.example", True),
        ("Raj", "Patel", "raj@bayside.example", False),
    ]


def test_a_person_is_split_on_the_last_word_unless_the_partner_has_its_own_split():
    assert (
        contact_to_xero(person(), None).first_name,
        contact_to_xero(person(), None).last_name,
    ) == ("Mary Jane", "Watson")
    own = contact_to_xero(person(firstname="Mary", lastname="Jane Watson"), None)
    assert (own.first_name, own.last_name) == ("Mary", "Jane Watson")
    single = contact_to_xero(person(name="Cher"), None)
    assert (single.first_name, single.last_name) == ("", "Cher")


def test_archived_linked_and_without_account_number():
    contact = contact_to_xero(dict(COMPANY, active=False, xero_id="abc-123"), None)
    assert contact.contact_status == "ARCHIVED"
    assert contact.contact_id == "abc-123"
    assert contact.account_number is None  # not ours to send: Xero's value stays


def test_empty_values_are_sent_as_empty_to_clear_them_in_xero():
    contact = contact_to_xero({"name": "Bare", "is_company": True}, "ref")
    body = contact.to_dict()
    assert body["email_address"] == "" and body["tax_number"] == ""
    assert body["account_number"] == ""
    assert body["contact_persons"] == []
    assert [(p["phone_type"], p["phone_number"]) for p in body["phones"]] == [("DEFAULT", "")]


@pytest.mark.parametrize("mobile", [None, "", "  ", False])
def test_no_mobile_phone_is_sent_without_a_mobile(mobile):
    """Odoo 19 partners have no mobile: an empty MOBILE would erase the one Xero keeps."""
    for partner in (dict(COMPANY, mobile=mobile), {"name": "Bare", "is_company": True}):
        contact = contact_to_xero(partner, None)
        assert [p.phone_type for p in contact.phones] == ["DEFAULT"]


def test_only_filled_sends_nothing_the_partner_lacks():
    partner = {"name": "Bayside Club", "is_company": True, "xero_id": "abc-1", "children": []}
    body = serialize(contact_to_xero(partner, "ref", only_filled=True))
    assert {k: v for k, v in body.items() if not k.startswith("Has")} == {
        "ContactID": "abc-1",
        "Name": "Bayside Club",
        "ContactStatus": "ACTIVE",
    }


def test_only_filled_keeps_what_the_partner_has_and_drops_empty_lines():
    partner = {"name": "Ann Lee", "is_company": False, "phone": "01273 000", "city": "Hove"}
    contact = contact_to_xero(partner, "ref", only_filled=True)
    assert (contact.first_name, contact.last_name) == ("Ann", "Lee")
    assert contact.email_address is None and contact.account_number is None
    assert [(p.phone_type, p.phone_number) for p in contact.phones] == [("DEFAULT", "01273 000")]
    assert [serialize(a) for a in contact.addresses] == [
        {"AddressType": "STREET", "City": "Hove"},
        {"AddressType": "POBOX", "City": "Hove"},
    ]
    assert contact.contact_persons is None


def test_only_filled_changes_nothing_for_a_complete_partner():
    complete = dict(COMPANY, is_company=False, xero_id="abc-1")  # a person: names filled too
    assert contact_to_xero(complete, "ref", only_filled=True).to_dict() == (
        contact_to_xero(complete, "ref").to_dict()
    )


def test_several_emails_keep_the_first_and_persons_stop_at_five():
    children = [{"name": "P%d Smith" % n, "email": "p%d@x.example" % n} for n in range(7)]
    children.insert(0, {"name": "", "email": ""})
    contact = contact_to_xero(
        dict(COMPANY, email="a@x.example; b@x.example", children=children), None
    )
    assert contact.email_address == "a@x.example"
    assert len(contact.contact_persons) == 5
    assert [p.include_in_emails for p in contact.contact_persons] == [True] + [False] * 4


def test_a_value_too_long_for_xero_is_a_mapping_error_naming_the_contact():
    with pytest.raises(MappingError) as caught:
        contact_to_xero(dict(COMPANY, phone="0" * 51), None)
    message = str(caught.value)
    # In a bookkeeper's words: the field as Odoo names it and Xero's limit, not the SDK's.
    assert "Bayside Club" in message and "its phone is 51 characters" in message
    assert "at most 50" in message and "phone_number" not in message
    assert isinstance(caught.value, ValueError)


# -- Xero -> partner --------------------------------------------------------------------------
def test_what_mappings_share_lives_in_common():
    assert contact.MappingError is MappingError
    assert common.clean("  Bayside \n  Club ") == "Bayside Club"
    assert common.text("  Line one\nLine two  ") == "Line one\nLine two"
    assert common.normalised("  ACME   Ltd ") == "acme ltd" and common.normalised(None) == ""
    assert common.unit_price("12.34567") == 12.3457 and common.unit_price(None) == 0
    with pytest.raises(MappingError) as caught:
        common.built_for_xero("[DESK] Desk", int, "not a number")
    assert str(caught.value).startswith("[DESK] Desk cannot be sent to Xero: ")


def test_contact_from_xero_reads_phones_addresses_and_persons():
    contact = Contact(
        contact_id="c-1",
        name="Harbour Cafe",
        email_address="hi@cafe.example",
        contact_status="ARCHIVED",
        tax_number="123",
        account_number="HC",
        phones=[
            Phone(
                phone_type="DEFAULT",
                phone_country_code="44",
                phone_area_code="20",
                phone_number="7946 0001",
            ),
            Phone(phone_type="MOBILE", phone_number=""),
        ],
        addresses=[
            Address(address_type="STREET"),
            Address(
                address_type="POBOX",
                address_line1="PO Box 9",
                city="Hove",
                postal_code="BN3",
                country="United Kingdom",
            ),
        ],
        contact_persons=[
            ContactPerson(first_name="Ann", last_name="Lee", email_address="ann@cafe.example")
        ],
    )
    values = contact_from_xero(contact)
    assert values == {
        "name": "Harbour Cafe",
        "is_company": True,
        "email": "hi@cafe.example",
        "phone": "+44 20 7946 0001",
        "mobile": False,
        "street": "PO Box 9",
        "street2": False,
        "city": "Hove",
        "state": False,
        "zip": "BN3",
        "country_code": False,
        "vat": "123",
        "ref": "HC",
        "active": False,
        "xero_id": "c-1",
        "children": [{"name": "Ann Lee", "email": "ann@cafe.example"}],
    }


@pytest.mark.parametrize(
    "first, last, is_company",
    [("Ann", "Lee", False), ("", "Lee", False), ("Ann", None, False), ("", "", True)],
)
def test_a_contact_with_a_first_or_last_name_is_a_person(first, last, is_company):
    contact = Contact(contact_id="c-2", name="Ann Lee", first_name=first, last_name=last)
    assert contact_from_xero(contact)["is_company"] is is_company


def test_round_trip_through_the_sandbox(sandbox, token, uk):
    client = XeroClient(XeroEndpoints.for_host(sandbox.url), token["access_token"], uk.tenant_id)
    result = client.save_contacts([contact_to_xero(COMPANY, "ref")], "k-round-trip")[0]
    assert result.ok, result.errors
    fetched = client.get_contacts(ids=[result.data.contact_id])[0]
    values = contact_from_xero(fetched)
    assert values["xero_id"] == result.data.contact_id
    expected = {
        "name": "Bayside Club",
        "is_company": True,
        "email": COMPANY["email"],
        "phone": COMPANY["phone"],
        "mobile": COMPANY["mobile"],
        "street": COMPANY["street"],
        "street2": COMPANY["street2"],
        "city": COMPANY["city"],
        "state": COMPANY["state"],
        "zip": COMPANY["zip"],
        "country_code": "GB",
        "vat": COMPANY["vat"],
        "ref": COMPANY["ref"],
        "active": True,
        "children": [{"name": c["name"], "email": c["email"]} for c in COMPANY["children"]],
    }
    assert {k: values[k] for k in expected} == expected
    again = contact_to_xero(dict(COMPANY, xero_id=values["xero_id"], active=False), "ref")
    assert client.save_contacts([again], "k-round-trip-2")[0].ok
    assert [c["ContactStatus"] for c in uk.all("Contacts")] == ["ARCHIVED"]


# -- matching ---------------------------------------------------------------------------------
def test_match_existing_prefers_id_then_name_then_tax_number_never_email_alone():
    by_name = Contact(contact_id="1", name="BAYSIDE  club")
    by_email = Contact(contact_id="2", name="Other", email_address="AP@bayside.example")
    by_vat = Contact(contact_id="3", name="Third", tax_number="GB123456789")
    candidates = [by_vat, by_email, by_name]
    assert match_existing(COMPANY, candidates) is by_name
    assert match_existing(dict(COMPANY, name="New name"), candidates) is by_vat
    assert match_existing(dict(COMPANY, name="New", vat=None), candidates) is None
    assert match_by_email(dict(COMPANY, name="New", vat=None), candidates) is by_email
    assert match_by_email(dict(COMPANY, email=""), candidates) is None
    assert match_existing(dict(COMPANY, xero_id="2"), candidates) is by_email
    assert match_existing({"name": "Nobody", "email": "", "vat": None}, candidates) is None
    assert (
        match_existing({"name": "", "email": "", "vat": ""}, [Contact(name="", email_address="")])
        is None
    )


# -- endpoints and deep links -----------------------------------------------------------------
def test_endpoints_default_to_xero_and_follow_a_host():
    xero = XeroEndpoints()
    assert xero.token_url == "https://identity.xero.com/connect/token"
    assert xero.api_url == "https://api.xero.com/api.xro/2.0"
    local = XeroEndpoints.for_host("http://127.0.0.1:8765/")
    assert local == XeroEndpoints(
        authorize_url="http://127.0.0.1:8765/identity/connect/authorize",
        token_url="http://127.0.0.1:8765/connect/token",
        revoke_url="http://127.0.0.1:8765/connect/revocation",
        connections_url="http://127.0.0.1:8765/connections",
        api_url="http://127.0.0.1:8765/api.xro/2.0",
        web_url="http://127.0.0.1:8765",
    )


@pytest.mark.parametrize(
    "kind, path",
    [
        ("contact", "/Contacts/View/ID1"),
        ("invoice", "/AccountsReceivable/View.aspx?InvoiceID=ID1"),
        ("bill", "/AccountsPayable/View.aspx?InvoiceID=ID1"),
        ("purchase_order", "/Accounts/Payable/PurchaseOrders/View/ID1"),
        ("credit_note", "/AccountsReceivable/ViewCreditNote.aspx?creditNoteID=ID1"),
        ("bill_credit_note", "/AccountsPayable/ViewCreditNote.aspx?creditNoteID=ID1"),
    ],
)
def test_deep_links(kind, path):
    link = XeroEndpoints().deep_link("!uk1Dm", kind, "ID1")
    parsed = urlparse(link)
    assert link.startswith("https://go.xero.com/organisationlogin/default.aspx?shortcode=!uk1Dm&")
    assert parse_qs(parsed.query) == {"shortcode": ["!uk1Dm"], "redirecturl": [path]}


def test_an_unknown_deep_link_kind_is_refused():
    with pytest.raises(ValueError):
        XeroEndpoints().deep_link("!x", "payment", "ID1")


def test_a_sandbox_deep_link_opens_the_object(sandbox, token, uk):
    client = XeroClient(XeroEndpoints.for_host(sandbox.url), token["access_token"], uk.tenant_id)
    contact_id = client.save_contacts([Contact(name="Linked")], "k-link")[0].data.contact_id
    link = XeroEndpoints.for_host(sandbox.url).deep_link(uk.short_code, "contact", contact_id)
    answer = requests.get(link, allow_redirects=False, timeout=10)
    assert answer.status_code in (301, 302, 303)
    assert contact_id in answer.headers["Location"]


# -- masking ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, secret",
    [
        ("Authorization: Bearer abc.DEF-123_x", "abc.DEF-123_x"),
        ("Authorization: Basic Q0lEOlNFQ1JFVA==", "Q0lEOlNFQ1JFVA=="),
        ("{'Authorization': 'Basic Q0lEOlNFQ1JFVA=='}", "Q0lEOlNFQ1JFVA=="),
        ('{"access_token": "at-1", "refresh_token":"rt-1", "expires_in": 1800}', "at-1"),
        ('{"access_token": "at-1", "refresh_token":"rt-1", "expires_in": 1800}', "rt-1"),
        ("{'client_secret': 'sh-1', 'id_token': 'jwt'}", "sh-1"),
        ("grant_type=refresh_token&refresh_token=rt-2&client_secret=sh-2", "rt-2"),
        ("grant_type=refresh_token&refresh_token=rt-2&client_secret=sh-2", "sh-2"),
        ("http://localhost/callback?code=c0de-9&state=s1", "c0de-9"),
        ("token is eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl here", "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"),
    ],
)
def test_mask_hides_tokens_and_secrets(text, secret):
    masked = mask(text)
    assert secret not in masked and "***" in masked


def test_mask_keeps_what_is_not_a_secret():
    text = 'POST /Contacts 200 {"Code": "200", "AccountCode": "400"} state=s1 Basic plan'
    assert mask(text) == text
    assert mask(None) is None


def test_a_remembered_secret_is_masked_anywhere():
    remember_secret("naked-secret-value-42")
    assert mask("oops naked-secret-value-42 leaked") == "oops *** leaked"


def test_the_package_loggers_mask_their_arguments(caplog):
    caplog.set_level(logging.DEBUG)
    get_logger("xero_client.test").info("refresh with %s", "refresh_token=rt-secret-9")
    assert "rt-secret-9" not in caplog.text and "refresh_token=***" in caplog.text
