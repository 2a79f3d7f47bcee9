"""What Xero would refuse of a contact or an item is a MappingError in a bookkeeper's words:
the field as Odoo names it, Xero's limit, what to do; never the SDK's attribute names."""

import re

import pytest

from xero_client.mappings.common import MappingError, text_problem
from xero_client.mappings.contact import contact_to_xero
from xero_client.mappings.item import item_to_xero

EMOJI = "\U0001f31e"
JARGON = re.compile(r"`|Invalid value for|\b[a-z]+_[a-z_]+\b")


@pytest.mark.parametrize(
    "text, max_length, multiline, problem",
    [
        ("Plain", 5, False, None),
        ("Plain!", 5, False, ("length", 6)),
        ("Tab\there", None, False, ("control", 4)),
        ("Tab\there", None, True, None),
        ("Bell\x07", None, True, ("control", 5)),
        ("Sun " + EMOJI, None, True, ("unkept", (5, EMOJI))),
        ("Zoë Ōsaka 大阪", 20, False, None),
        ("", 1, False, None),
    ],
)
def test_text_problems(text, max_length, multiline, problem):
    assert text_problem(text, max_length, multiline) == problem


COMPANY = {"name": "Bayside Club", "is_company": True, "email": "info@bayside.example"}


@pytest.mark.parametrize(
    "values, words",
    [
        ({"name": " "}, ["no name"]),
        ({"name": "N" * 256}, ["name is 256 characters", "at most 255", "NNN…"]),
        ({"name": "Bell\x07 Club"}, ["Bell? Club", "name", "control character", "retype"]),
        ({"name": "Sun %s Club" % EMOJI}, ["name", EMOJI, "remove"]),
        ({"email": "info.bayside.example"}, ["email 'info.bayside.example'", "name@example"]),
        ({"email": "jürgen@müller.de"}, ["email 'jürgen@müller.de'", "accented"]),
        ({"email": "two words@bayside.example"}, ["without spaces"]),
        ({"vat": "V" * 51}, ["Tax ID is 51 characters", "at most 50"]),
        ({"street": "s" * 501}, ["street is 501 characters", "at most 500"]),
        ({"zip": "Z" * 51}, ["ZIP is 51 characters"]),
        ({"ref": "R" * 51}, ["reference is 51 characters"]),
        (
            {"children": [{"name": "Bob Clerk", "email": "bob at example"}]},
            ["contact person Bob Clerk", "email 'bob at example'"],
        ),
        ({"children": [{"name": "Bob\x1b", "email": None}]}, ["contact person Bob?", "control"]),
    ],
)
def test_what_xero_refuses_of_a_contact_is_said_in_plain_words(values, words):
    with pytest.raises(MappingError) as caught:
        contact_to_xero(dict(COMPANY, **values), "ref")
    message = str(caught.value)
    for word in words:
        assert word in message
    assert "cannot be sent to Xero" in message
    assert not JARGON.search(message), message


@pytest.mark.parametrize(
    "values",
    [
        {"name": "N" * 255},
        {"vat": "NOT A VAT 42"},  # free text to Xero: no format is checked
        {"email": "a@x.example, b@y.example"},  # the first one goes
        {"email": "o'brien+accounts@bayside.example"},
        {"name": "Zoë & Søren Ōsaka 大阪"},
    ],
)
def test_what_xero_takes_goes(values):
    contact = contact_to_xero(dict(COMPANY, **values), "ref")
    assert contact.name == dict(COMPANY, **values)["name"]


def product(**values):
    return dict({"code": "DESK-1", "name": "Standing desk", "sale_ok": True}, **values)


@pytest.mark.parametrize(
    "values, words",
    [
        ({"name": "Desk\x1b"}, ["name", "control character"]),
        ({"code": "DESK\x07"}, ["Internal Reference", "control character"]),
        ({"description_sale": "Sunny " + EMOJI}, ["sales description", EMOJI]),
        ({"description_purchase": "p" * 4001}, ["purchase description is 4001", "at most 4000"]),
        ({"name": "N" * 51}, ["50 characters", "shorten"]),
    ],
)
def test_what_xero_refuses_of_an_item_is_said_in_plain_words(values, words):
    with pytest.raises(MappingError) as caught:
        item_to_xero(product(**values))
    message = str(caught.value)
    for word in words:
        assert word in message
    assert not JARGON.search(message), message


def test_a_description_on_several_lines_goes():
    item = item_to_xero(product(description_sale="One\n\tTwo"))
    assert item.description == "One\n\tTwo"
