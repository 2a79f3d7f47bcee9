"""Contacts: unique names, persons, addresses, phones, ARCHIVED status."""

import re

from ..errors import ElementInvalid
from .base import Resource, merged, text_field

EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")
MAX_CONTACT_PERSONS = 5
PLAIN_FIELDS = (
    "ContactNumber",
    "AccountNumber",
    "ContactStatus",
    "Name",
    "FirstName",
    "LastName",
    "CompanyNumber",
    "EmailAddress",
    "BankAccountDetails",
    "TaxNumber",
    "TaxNumberType",
    "AccountsReceivableTaxType",
    "AccountsPayableTaxType",
    "DefaultCurrency",
    "SalesDefaultAccountCode",
    "PurchasesDefaultAccountCode",
    "SalesDefaultLineAmountType",
    "PurchasesDefaultLineAmountType",
    "PaymentTerms",
    "XeroNetworkKey",
)
LIST_FIELDS = ("ContactPersons", "Addresses", "Phones")
# What summaryOnly=true leaves out of a contact (the Contacts page, "Retrieving a smaller
# lightweight response"); the sandbox keeps none of the tracking categories.
SUMMARY_LEFT_OUT = (
    "Addresses",
    "Balances",
    "ContactGroups",
    "ContactPersons",
    "IsCustomer",
    "IsSupplier",
    "PurchasesDefaultAccountCode",
    "PurchasesTrackingCategories",
    "SalesDefaultAccountCode",
    "SalesTrackingCategories",
)


class Contacts(Resource):
    endpoint = "Contacts"
    id_field = "ContactID"
    label = "Contact"
    webhook_category = "CONTACT"
    error_flag = "HasValidationErrors"
    # "Only retrieved on GET requests for a single contact or when pagination is used" (the
    # Contacts page): a list read without ``page`` leaves them out.
    paged_only_fields = ("Balances",)

    def find(self, ctx, element, method):
        if method == "POST" and not element.get("ContactID") and element.get("ContactNumber"):
            by_number = ctx.org.contact_by_number(element["ContactNumber"])
            if by_number:
                return by_number
        return super().find(ctx, element, method)

    def find_by_natural_key(self, ctx, element):
        return ctx.org.contact_by_name(element.get("Name")) if element.get("Name") else None

    def create(self, ctx, element):
        if not (element.get("Name") or "").strip():
            raise ElementInvalid("The contact name must be specified.")
        contact = {
            "ContactID": self.new_id(),
            "ContactStatus": "ACTIVE",
            "ContactPersons": [],
            "Addresses": [],
            "Phones": [],
            "IsSupplier": False,
            "IsCustomer": False,
            "HasValidationErrors": False,
        }
        return self.apply(ctx, contact, element)

    def update(self, ctx, existing, element):
        return self.apply(ctx, existing, element)

    def apply(self, ctx, existing, element):
        contact = merged(existing, element, PLAIN_FIELDS)
        contact["Name"] = (contact.get("Name") or "").strip()
        errors = []
        self.check_name(ctx, contact, errors)
        text_field(contact, "Name", 255, errors)
        text_field(contact, "AccountNumber", 50, errors)
        text_field(contact, "TaxNumber", 50, errors)
        check_email(contact.get("EmailAddress"), "Email address", errors)
        if "ContactPersons" in element:
            contact["ContactPersons"] = self.persons(element["ContactPersons"], errors)
        if "Addresses" in element:
            contact["Addresses"] = merge_by_type(
                existing["Addresses"], element["Addresses"], "AddressType"
            )
        if "Phones" in element:
            contact["Phones"] = merge_by_type(existing["Phones"], element["Phones"], "PhoneType")
        self.check_contact_number(ctx, contact, errors)
        self.check_account_number(ctx, contact, errors)
        self.check_defaults(ctx, contact, errors)
        if errors:
            raise ElementInvalid(*errors)
        return contact

    def check_name(self, ctx, contact, errors):
        if not contact["Name"]:
            errors.append("The contact name must be specified.")
            return
        if contact.get("ContactStatus") == "ARCHIVED":
            return
        clash = ctx.org.contact_by_name(contact["Name"], exclude_id=contact["ContactID"])
        if clash:
            errors.append(
                "The contact name %s is already assigned to another contact. The "
                "contact name must be unique across all active contacts." % contact["Name"]
            )

    def check_contact_number(self, ctx, contact, errors):
        other = ctx.org.contact_by_number(contact.get("ContactNumber"))
        if other and other["ContactID"] != contact["ContactID"]:
            errors.append(
                "Another contact has this contact number. Please enter a different contact number."
            )

    def check_account_number(self, ctx, contact, errors):
        number = contact.get("AccountNumber")
        if not number:
            return
        others = ctx.org.contacts_with_account_number(number)
        if any(other["ContactID"] != contact["ContactID"] for other in others):
            errors.append(
                "The Account Number already exists. Please enter a different Account Number."
            )

    def check_defaults(self, ctx, contact, errors):
        for field in ("AccountsReceivableTaxType", "AccountsPayableTaxType"):
            if contact.get(field) and not ctx.org.tax_rate(contact[field]):
                errors.append("The TaxType code '%s' does not exist." % contact[field])
        for field in ("SalesDefaultAccountCode", "PurchasesDefaultAccountCode"):
            if contact.get(field) and not ctx.org.account_by_code(contact[field]):
                errors.append("Account code '%s' is not valid." % contact[field])
        currency = contact.get("DefaultCurrency")
        if currency and not ctx.org.currency_enabled(currency):
            errors.append("The currency %s is not enabled for this organisation." % currency)

    def persons(self, persons, errors):
        if len(persons) > MAX_CONTACT_PERSONS:
            errors.append("A contact can have at most %d contact persons" % MAX_CONTACT_PERSONS)
        for person in persons:
            check_email(person.get("EmailAddress"), "Contact person email address", errors)
        return [dict(p) for p in persons[:MAX_CONTACT_PERSONS]]

    def after_write(self, ctx, obj, previous):
        if previous is None:
            ctx.history(self, obj, "Created", "Contact %s created." % obj["Name"])
        elif previous.get("ContactStatus") != obj.get("ContactStatus"):
            ctx.history(
                self,
                obj,
                "Archived" if obj["ContactStatus"] == "ARCHIVED" else "Restored",
                "Contact status set to %s." % obj["ContactStatus"],
            )
        else:
            ctx.history(self, obj, "Edited", "Contact %s updated." % obj["Name"])

    def present(self, ctx, obj, summary=False):
        out = super().present(ctx, obj, summary)
        if summary:
            for field in SUMMARY_LEFT_OUT:
                out.pop(field, None)
        else:
            # Computed when read, never stored: a balance change leaves UpdatedDateUTC alone
            # ("changes to the Balances ... will not trigger a contact to be returned with
            # the Modified-After filter", the Contacts page).
            out["Balances"] = ctx.org.contact_balances(obj["ContactID"], ctx.today)
        return out

    def default_filter(self, obj, query):
        include_archived = query.get("includeArchived", "").lower() == "true"
        return include_archived or obj.get("ContactStatus") != "ARCHIVED"

    def search(self, obj, term):
        term = term.lower()
        return any(
            term in (obj.get(f) or "").lower()
            for f in (
                "Name",
                "FirstName",
                "LastName",
                "ContactNumber",
                "CompanyNumber",
                "EmailAddress",
            )
        )


def check_email(value, label, errors):
    # Xero's EmailAddress: "umlauts not supported".
    if value and not (value.isascii() and EMAIL_RE.match(value)):
        errors.append("%s must be valid." % label)


def merge_by_type(existing, incoming, type_field):
    by_type = {entry.get(type_field): dict(entry) for entry in existing}
    for entry in incoming:
        by_type[entry.get(type_field)] = dict(entry)
    return list(by_type.values())
