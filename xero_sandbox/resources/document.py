"""Invoices, credit notes and purchase orders: contact, lines, totals, status rules."""

from .. import books, documents
from ..dates import parse_date
from ..errors import ElementInvalid
from ..money import MAX_AMOUNT, too_large
from .base import Resource, merged

HEADER_FIELDS = (
    "Reference",
    "CurrencyRate",
    "SentToContact",
    "BrandingThemeID",
    "ExpectedPaymentDate",
    "PlannedPaymentDate",
    "Url",
    "InvoiceAddresses",
)
DOCUMENT_DATE_FIELDS = (
    "Date",
    "DueDate",
    "ExpectedPaymentDate",
    "PlannedPaymentDate",
    "DeliveryDate",
    "ExpectedArrivalDate",
)
SUPPLIER_TYPES = ("ACCPAY", "ACCPAYCREDIT")
STATUS_CHANGES = {
    "SUBMITTED": "Submitted",
    "AUTHORISED": "Approved",
    "VOIDED": "Voided",
    "DELETED": "Deleted",
    "BILLED": "Billed",
    "DRAFT": "Edited",
}


class DocumentResource(Resource):
    number_field = None
    number_prefix = None
    # The Types whose numbers are unique among the documents of that Type (None: all of them,
    # for purchase orders), and Xero's refusal of a number already taken.
    unique_number_types = None
    number_taken = None
    transitions = documents.INVOICE_TRANSITIONS
    types = ()
    header_fields = HEADER_FIELDS
    closing_statuses = ("VOIDED", "DELETED")
    # Whether the organisation's lock dates hold it (posted documents: not purchase orders).
    locked_by_date = False
    # The statuses of a document that is in the books (a draft is not, yet).
    posted_statuses = ("AUTHORISED", "PAID", "VOIDED")

    # -- hooks ------------------------------------------------------------------------------
    def sales_side(self, doc):
        return doc.get("Type") in ("ACCREC", "ACCRECCREDIT")

    def numbered_automatically(self, doc):
        return self.sales_side(doc)

    def settle(self, ctx, doc):
        """Amounts that depend on payments and allocations."""

    def locked_reason(self, doc):
        return None

    # -- create / update --------------------------------------------------------------------
    def create(self, ctx, element):
        doc_type = element.get("Type") if self.types else None
        if self.types and doc_type not in self.types:
            raise ElementInvalid("%s Type must be one of %s" % (self.label, ", ".join(self.types)))
        doc = {
            self.id_field: self.new_id(),
            "Status": None,
            "LineItems": [],
            "LineAmountTypes": "Exclusive",
            "CurrencyCode": ctx.org.base_currency,
            "HasErrors": False,
        }
        if doc_type:
            doc["Type"] = doc_type
        return self.apply(ctx, doc, element, creating=True)

    def update(self, ctx, existing, element):
        if self.types and element.get("Type") and element["Type"] != existing["Type"]:
            raise ElementInvalid("The Type of an existing %s cannot be changed" % self.label)
        return self.apply(ctx, existing, element, creating=False)

    def apply(self, ctx, existing, element, creating):
        current = None if creating else existing["Status"]
        wanted = element.get("Status") or current or "DRAFT"
        documents.check_transition(self.transitions, current, wanted, self.label)
        reason = None if creating else self.locked_reason(existing)
        if reason and self.changes_content(existing, element):
            raise ElementInvalid(reason)
        if wanted in self.closing_statuses:
            if reason and wanted == "VOIDED":
                raise ElementInvalid(reason)
            if current in self.posted_statuses:
                self.check_unlocked(ctx, existing)
            return dict(existing, Status=wanted)
        doc = merged(existing, element, self.header_fields + (self.number_field,))
        if doc.get("Type") in SUPPLIER_TYPES:
            # "ACCREC only – additional reference number": Xero drops a bill's Reference
            # without a word (its bills show their InvoiceNumber as "Reference").
            doc.pop("Reference", None)
        doc["Status"] = wanted
        errors = []
        self.apply_contact(ctx, doc, element, errors)
        self.apply_dates(ctx, doc, element, errors)
        self.apply_currency(ctx, doc, element, errors)
        self.apply_line_amount_types(doc, element, errors)
        if errors:
            raise ElementInvalid(*errors)
        if current in self.posted_statuses:
            self.check_unlocked(ctx, existing)  # never moved out of a locked period either
        if wanted in self.posted_statuses or current in self.posted_statuses:
            self.check_unlocked(ctx, doc)
        self.apply_lines(ctx, doc, element)
        self.apply_number(ctx, doc, creating)
        self.check_required(ctx, doc)
        self.settle(ctx, doc)
        return doc

    def changes_content(self, existing, element):
        ignored = {self.id_field, "Status", "Type", "Contact"}
        return any(key not in ignored and element[key] != existing.get(key) for key in element)

    def apply_contact(self, ctx, doc, element, errors):
        if "Contact" not in element:
            if not doc.get("Contact"):
                errors.append("A Contact must be specified for this type of transaction")
            return
        try:
            contact = resolve_contact(ctx, element["Contact"] or {})
        except ElementInvalid as exc:
            errors.extend(exc.messages)
            return
        doc["Contact"] = {
            "ContactID": contact["ContactID"],
            "Name": contact["Name"],
            "ContactStatus": contact.get("ContactStatus", "ACTIVE"),
            "HasValidationErrors": False,
        }

    def apply_dates(self, ctx, doc, element, errors):
        for field in DOCUMENT_DATE_FIELDS:
            if field not in element:
                continue
            if element[field] in (None, ""):
                doc.pop(field, None)
                continue
            try:
                doc[field] = parse_date(element[field]).isoformat()
            except ValueError:
                errors.append("%s is not a valid date" % field)
        doc.setdefault("Date", ctx.today.isoformat())

    def apply_currency(self, ctx, doc, element, errors):
        code = element.get("CurrencyCode") or doc.get("CurrencyCode")
        if not ctx.org.currency_enabled(code):
            errors.append("The currency code %s is not enabled for this organisation." % code)
        if "CurrencyRate" not in element and code != doc.get("CurrencyCode"):
            doc.pop("CurrencyRate", None)  # another currency: the old rate no longer holds
        doc["CurrencyCode"] = code
        try:
            on_day = parse_date(doc["Date"])
        except (KeyError, ValueError):
            on_day = ctx.today
        try:
            doc["CurrencyRate"] = books.currency_rate(
                ctx.org, code, doc.get("CurrencyRate"), on_day
            )
        except ElementInvalid as exc:
            errors.extend(exc.messages)

    def check_unlocked(self, ctx, doc):
        if self.locked_by_date:
            books.check_unlocked(ctx.org, doc.get("Date") or ctx.today.isoformat())

    def apply_line_amount_types(self, doc, element, errors):
        value = element.get("LineAmountTypes", doc.get("LineAmountTypes"))
        if value not in documents.LINE_AMOUNT_TYPES:
            errors.append("LineAmountTypes must be Exclusive, Inclusive or NoTax")
        doc["LineAmountTypes"] = value

    def apply_lines(self, ctx, doc, element):
        lines_in = element["LineItems"] if "LineItems" in element else doc["LineItems"]
        line_ctx = documents.LineContext(
            ctx.org,
            doc.get("Type"),
            doc["Status"],
            doc["LineAmountTypes"],
            ctx.unitdp,
            self.sales_side(doc),
        )
        line_ctx.allows_discount = doc.get("Type") == "ACCREC"
        lines = documents.build_lines(line_ctx, lines_in or [])
        doc.update(documents.totals(lines, doc["LineAmountTypes"]))
        if abs(doc["Total"]) > MAX_AMOUNT:
            raise ElementInvalid(too_large("The Total", doc["Total"]))
        doc["LineItems"] = documents.public_lines(lines)

    def apply_number(self, ctx, doc, creating):
        if doc.get(self.number_field) or not self.numbered_automatically(doc):
            self.check_number_unique(ctx, doc)
            return
        if creating or not doc.get(self.number_field):
            doc[self.number_field] = ctx.org.next_number(self.number_prefix)

    def check_number_unique(self, ctx, doc):
        """Sales invoices, sales credit notes and purchase orders are numbered uniquely (among
        their own Type); bills and supplier credit notes carry the supplier's number, which may
        repeat."""
        number = doc.get(self.number_field)
        doc_type = doc.get("Type")
        if not number or (
            self.unique_number_types is not None and doc_type not in self.unique_number_types
        ):
            return
        holder = ctx.org.number_holder(
            self.endpoint, self.number_field, number, doc_type, self.id_field, doc[self.id_field]
        )
        if holder:
            raise ElementInvalid(self.number_taken)

    def check_required(self, ctx, doc):
        if doc["Status"] in documents.APPROVED_STATUSES and not doc["LineItems"]:
            raise ElementInvalid(
                "A %s must have at least one line item to be approved" % self.label.lower()
            )

    def after_write(self, ctx, obj, previous):
        if previous is None:
            ctx.history(
                self,
                obj,
                "Created",
                "%s %s created for %s."
                % (self.label, obj.get(self.number_field) or "", obj["Contact"]["Name"]),
            )
        elif previous["Status"] != obj["Status"]:
            ctx.history(
                self,
                obj,
                STATUS_CHANGES.get(obj["Status"], "Edited"),
                "%s status changed from %s to %s."
                % (self.label, previous["Status"], obj["Status"]),
            )
        else:
            ctx.history(self, obj, "Edited", "%s updated." % self.label)
        if obj["Status"] in ("AUTHORISED", "PAID"):
            mark_contact_role(ctx, obj)

    def filterable(self, ctx, obj):
        return with_current_contact(ctx, obj)

    def present(self, ctx, obj, summary=False):
        return super().present(ctx, with_current_contact(ctx, obj), summary)


def with_current_contact(ctx, doc):
    """Documents show their contact as it is now, as Xero does after a rename."""
    contact = ctx.org.get("Contacts", doc["Contact"]["ContactID"])
    if not contact:
        return doc
    return dict(
        doc,
        Contact=dict(
            doc["Contact"],
            Name=contact["Name"],
            ContactStatus=contact.get("ContactStatus", "ACTIVE"),
        ),
    )


def resolve_contact(ctx, reference):
    org = ctx.org
    if reference.get("ContactID"):
        contact = org.get("Contacts", reference["ContactID"])
        if not contact:
            raise ElementInvalid("The Contact with the specified ContactID could not be found")
        return contact
    if reference.get("ContactNumber"):
        contact = org.contact_by_number(reference["ContactNumber"])
        if contact:
            return contact
    if not (reference.get("Name") or "").strip():
        raise ElementInvalid("A Contact must be specified for this type of transaction")
    contact = org.contact_by_name(reference["Name"])
    if contact:
        return contact
    from . import RESOURCES

    return RESOURCES["contacts"].upsert(ctx, {"Name": reference["Name"].strip()}, "PUT")


def mark_contact_role(ctx, doc):
    contact = ctx.org.get("Contacts", doc["Contact"]["ContactID"])
    if not contact:
        return
    role = "IsCustomer" if doc.get("Type", "ACCPAY").startswith("ACCREC") else "IsSupplier"
    if not contact.get(role):
        ctx.org.put("Contacts", dict(contact, **{role: True}), "ContactID")
