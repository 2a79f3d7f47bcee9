"""Odoo partner values <-> Xero contacts (pure functions, no I/O).

A partner is a dict of plain values: id, name, is_company, firstname, lastname, email, phone,
mobile, street, street2, city, zip, state (name), country (ISO code), vat, ref, active, xero_id
and children (a list of {name, email}).

Every field we own is sent even when empty ("" clears it in Xero; the SDK drops None), so
clearing a value in Odoo clears it in Xero too. Two exceptions: the MOBILE phone is sent only
when the partner has a mobile (Odoo 19 partners have none, and Xero keeps its own), and
``only_filled`` leaves out every empty value, for the first send to a Xero contact that Odoo
links to: what Xero knows and Odoo does not is kept.
"""

import re

from xero_python.accounting import Address, Contact, ContactPerson, Phone

# Plain Python: the addon translates these messages (see ..i18n).
# pylint: disable=prefer-env-translation
from ..i18n import _, message_of

# MappingError's home is .common; Odoo code still imports it from here.
from .common import (  # noqa: F401
    MappingError,
    built_for_xero,
    check_text,
    clean,
    normalised,
    shown,
)

MAX_CONTACT_PERSONS = 5
# Xero's limits (its API description: "max length = ..."), by the partner's value, with the
# name a bookkeeper knows the field by in Odoo (a dict: Odoo's export reads tuples badly).
LIMITS = {
    "name": (_("name"), 255),
    "vat": (_("Tax ID"), 50),
    "phone": (_("phone"), 50),
    "mobile": (_("mobile"), 50),
    "street": (_("street"), 500),
    "street2": (_("second street line"), 500),
    "city": (_("city"), 255),
    "state": (_("state"), 255),
    "zip": (_("ZIP"), 50),
    "country": (_("country"), 50),
}
MAX_EMAIL = 255
MAX_ACCOUNT_NUMBER = 50
# One address, as Xero takes it: no spaces or list separators, a domain with a dot, and ASCII
# only ("umlauts not supported", Xero's description of EmailAddress).
EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")
CONTACT_TEXT_FIELDS = ("first_name", "last_name", "email_address", "tax_number", "account_number")
ADDRESS_TEXT_FIELDS = ("address_line1", "address_line2", "city", "region", "postal_code", "country")


def contact_to_xero(partner, account_number_field, only_filled=False):
    """A Xero ``Contact`` for a partner; MappingError names what Xero would not accept.

    ``only_filled``: send only the values the partner has, clearing nothing in Xero."""
    label = shown(clean(partner.get("name"))) or "The contact"
    contact = built_for_xero(label, build_contact, partner, account_number_field)
    return drop_empty(contact) if only_filled else contact


def build_contact(partner, account_number_field):
    check_contact(partner, account_number_field)
    name = clean(partner.get("name"))
    first, last = ("", "") if partner.get("is_company") else person_names(partner, name)
    contact = Contact(
        name=name,
        first_name=first,
        last_name=last,
        email_address=first_email(partner.get("email")),
        phones=phones(partner),
        addresses=[address(partner, "STREET"), address(partner, "POBOX")],
        tax_number=clean(partner.get("vat")),
        contact_status="ACTIVE" if partner.get("active", True) else "ARCHIVED",
        contact_persons=contact_persons(partner.get("children") or []),
    )
    if account_number_field:
        contact.account_number = clean(partner.get(account_number_field))
    if partner.get("xero_id"):
        contact.contact_id = partner["xero_id"]
    return contact


def check_contact(partner, account_number_field):
    """A ValueError, in a bookkeeper's words, for what Xero would refuse of the partner: a
    missing name, a text over Xero's limit or holding characters Xero refuses, an email
    address Xero does not take; the same for its contact persons."""
    if not clean(partner.get("name")):
        raise ValueError(_("it has no name, and Xero needs one: give the contact a name."))
    for key, (field, limit) in LIMITS.items():
        check_text(field, clean(partner.get(key)), limit)
    if account_number_field:
        check_text(_("reference"), clean(partner.get(account_number_field)), MAX_ACCOUNT_NUMBER)
    check_email(_("email"), first_email(partner.get("email")))
    for child in partner.get("children") or []:
        person = clean(child.get("name"))
        try:
            check_text(_("name"), person)
            check_email(_("email"), first_email(child.get("email")))
        except ValueError as error:
            problem = message_of(error)
            raise ValueError(
                _(
                    "its contact person %(person)s cannot go: %(problem)s",
                    person=shown(person),
                    problem=problem,
                )
                if person
                else _("its contact person without name cannot go: %(problem)s", problem=problem)
            ) from None


def check_email(field, email):
    """``email`` (one address) unless Xero would refuse it."""
    check_text(field, email, MAX_EMAIL)
    if email and not (email.isascii() and EMAIL_RE.match(email)):
        # Xero's own words first, so they read the same as when Xero refuses it.
        raise ValueError(
            _(
                "Email address must be valid, and its %(field)s '%(email)s' is not one Xero "
                "takes: write one address such as name@example.com, without spaces or accented "
                "letters.",
                field=field,
                email=email,
            )
        )
    return email


def phones(partner):
    """The DEFAULT phone, even empty; the MOBILE one only when the partner has a mobile."""
    found = [Phone(phone_type="DEFAULT", phone_number=clean(partner.get("phone")))]
    if clean(partner.get("mobile")):
        found.append(Phone(phone_type="MOBILE", phone_number=clean(partner.get("mobile"))))
    return found


def drop_empty(contact):
    """The contact without its empty values: the SDK does not send None, so Xero keeps them."""
    for attribute in CONTACT_TEXT_FIELDS:
        if getattr(contact, attribute) == "":
            setattr(contact, attribute, None)
    contact.phones = [p for p in contact.phones or [] if p.phone_number] or None
    contact.addresses = [a for a in contact.addresses or [] if drop_empty_address(a)] or None
    contact.contact_persons = contact.contact_persons or None
    return contact


def drop_empty_address(address):
    """The address without its empty lines, or None when nothing is left but its type."""
    for attribute in ADDRESS_TEXT_FIELDS:
        if getattr(address, attribute) == "":
            setattr(address, attribute, None)
    return address if any(getattr(address, a) for a in ADDRESS_TEXT_FIELDS) else None


def person_names(partner, name):
    """(FirstName, LastName): the partner's own split if it has one, else the last word of the
    name is the last name."""
    first, last = clean(partner.get("firstname")), clean(partner.get("lastname"))
    if first or last:
        return first, last
    return split_name(name)


def split_name(name):
    words = name.split()
    if len(words) < 2:
        return "", name
    return " ".join(words[:-1]), words[-1]


def first_email(value):
    """Odoo allows "a@x.com, b@y.com"; Xero takes one address."""
    text = clean(value).replace(";", ",")
    return text.split(",")[0].strip()


def address(partner, kind):
    return Address(
        address_type=kind,
        address_line1=clean(partner.get("street")),
        address_line2=clean(partner.get("street2")),
        city=clean(partner.get("city")),
        region=clean(partner.get("state")),
        postal_code=clean(partner.get("zip")),
        country=clean(partner.get("country")).upper(),
    )


def contact_persons(children):
    persons = []
    for child in children:
        name, email = clean(child.get("name")), first_email(child.get("email"))
        if not (name or email):
            continue
        first, last = split_name(name)
        persons.append(
            ContactPerson(
                first_name=first, last_name=last, email_address=email, include_in_emails=not persons
            )
        )
        if len(persons) == MAX_CONTACT_PERSONS:
            break
    return persons


# -- import -----------------------------------------------------------------------------------
def contact_from_xero(contact):
    """Plain values for an Odoo partner from a Xero ``Contact`` (the inverse of the above).

    A contact with a FirstName or LastName is a person, any other a company."""
    street = best_address(contact.addresses or [])
    country = clean(street and street.country)
    return {
        "name": clean(contact.name),
        "is_company": not (clean(contact.first_name) or clean(contact.last_name)),
        "email": clean(contact.email_address) or False,
        "phone": phone_of(contact.phones, "DEFAULT") or False,
        "mobile": phone_of(contact.phones, "MOBILE") or False,
        "street": clean(street and street.address_line1) or False,
        "street2": clean(street and street.address_line2) or False,
        "city": clean(street and street.city) or False,
        "state": clean(street and street.region) or False,
        "zip": clean(street and street.postal_code) or False,
        "country_code": country.upper() if is_country_code(country) else False,
        "vat": clean(contact.tax_number) or False,
        "ref": clean(contact.account_number) or False,
        "active": contact_status(contact) != "ARCHIVED",
        "xero_id": contact.contact_id or None,
        "children": [
            {
                "name": clean(" ".join(filter(None, (p.first_name, p.last_name)))),
                "email": clean(p.email_address) or False,
            }
            for p in contact.contact_persons or []
        ],
    }


def best_address(addresses):
    """The STREET address if it has anything in it, else the POBOX one."""
    by_type = {a.address_type: a for a in addresses}
    for kind in ("STREET", "POBOX"):
        found = by_type.get(kind)
        if found and any((found.address_line1, found.city, found.postal_code, found.country)):
            return found
    return None


def phone_of(phones, kind):
    for phone in phones or []:
        if phone.phone_type == kind and phone.phone_number:
            code = clean(phone.phone_country_code)
            if code and not code.startswith("+"):
                code = "+" + code
            return " ".join(
                filter(None, (code, clean(phone.phone_area_code), clean(phone.phone_number)))
            )
    return ""


def is_country_code(value):
    return len(value) == 2 and value.isalpha()


def contact_status(contact):
    status = contact.contact_status
    return getattr(status, "value", status)


# -- matching ---------------------------------------------------------------------------------
def match_existing(partner, candidates):
    """The Xero contact that is surely this partner: same ContactID, else same name as Xero
    compares names (case and spaces aside), else same tax number. Never by email alone:
    businesses share addresses (info@, their bookkeeper's, a head office's)."""
    if partner.get("xero_id"):
        wanted_id = partner["xero_id"].lower()
        for candidate in candidates:
            if (candidate.contact_id or "").lower() == wanted_id:
                return candidate
    for key, attribute in (("name", "name"), ("vat", "tax_number")):
        found = first_with(candidates, attribute, normalised(partner.get(key)))
        if found:
            return found
    return None


def match_by_email(partner, candidates):
    """The Xero contact with this partner's email, to offer to a person: perhaps the same
    business, perhaps another one at the same address."""
    return first_with(candidates, "email_address", normalised(first_email(partner.get("email"))))


def first_with(candidates, attribute, value):
    """The first candidate whose ``attribute``, compared as Xero compares names, is
    ``value`` (None for no value)."""
    if not value:
        return None
    for candidate in candidates:
        if normalised(getattr(candidate, attribute, None)) == value:
            return candidate
    return None
