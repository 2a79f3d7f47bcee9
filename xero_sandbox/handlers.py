"""The Accounting API operations, by the spec's operationId."""

import mimetypes
import re
import uuid
from datetime import date

from . import allocations, books
from .dates import parse_date, parse_http_date, to_ms_date
from .encoding import unstorable_text
from .errors import (
    ElementInvalid,
    XeroError,
    not_found,
    problem,
    query_parse_error,
    single_validation_error,
    validation_exception,
)
from .html_view import ONLINE_STATUSES, online_invoice_token
from .money import cents, dec, round_to
from .payment_handlers import PAYMENT_HANDLERS, apply_allocations
from .pdf import document_lines, document_pdf
from .resources import RESOURCES
from .resources.base import Context, store_settled
from .where import WhereError, compile_where

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_NOTE_LENGTH = 250
UNITDP_ENDPOINTS = {"Invoices", "CreditNotes", "BankTransactions", "Overpayments", "Prepayments"}
ATTACHMENT_ENDPOINTS = {"Invoices", "CreditNotes", "PurchaseOrders", "Contacts"}
HISTORY_ENDPOINTS = {"Invoices", "CreditNotes", "PurchaseOrders", "Contacts", "Items", "Payments"}
SETTINGS_LISTS = {
    "getAccounts": "Accounts",
    "getTaxRates": "TaxRates",
    "getTrackingCategories": "TrackingCategories",
    "getCurrencies": "Currencies",
}
LINES_ONLY_WHEN_PAGED = {"Invoices", "CreditNotes"}
# The lists whose description declares DateFrom and DateTo (getPurchaseOrders; Quotes too,
# which the sandbox does not emulate). Elsewhere Xero ignores them, as any unknown query
# parameter, and so does the sandbox: a filter Xero would not apply must not seem to work.
DATE_FILTERED = {"PurchaseOrders"}
ISO_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Xero's answer to a note for an unknown document (the spec's createXHistory examples).
NO_SUCH_DOCUMENT = "The document with the supplied id was not found for this endpoint."
# A document read with "Accept: application/pdf" is the spec's getXAsPdf operation: its
# ``x-path`` is the document's own path (the ``/pdf`` suffix is only the generator's way to
# tell the two apart; the SDK and Xero use the plain path).
PDF_OPERATIONS = {
    "Invoices": "getInvoiceAsPdf",
    "CreditNotes": "getCreditNoteAsPdf",
    "PurchaseOrders": "getPurchaseOrderAsPdf",
}
PDF_MEDIA_TYPE = "application/pdf"
PDF_TITLES = {
    "ACCREC": "INVOICE",
    "ACCPAY": "BILL",
    "ACCRECCREDIT": "CREDIT NOTE",
    "ACCPAYCREDIT": "SUPPLIER CREDIT NOTE",
    None: "PURCHASE ORDER",
}
# Xero's refusal of DELETE /Items/{ItemID} (the spec's 400 example for deleteItem).
ITEM_NOT_DELETED = "The specified item could not be deleted"


class Call:
    """What a handler gets: the request, its operation, the organisation and a Context."""

    def __init__(self, request, operation, org, clock, body):
        self.request = request
        self.operation = operation
        self.org = org
        self.body = body
        unitdp = int(request.args.get("unitdp") or 2)
        self.ctx = Context(org, clock, unitdp=min(max(unitdp, 2), 4))
        self.writes = False

    @property
    def args(self):
        return self.request.args

    @property
    def path_params(self):
        return self.operation.path_params

    @property
    def endpoint(self):
        return self.operation.path_template.strip("/").split("/")[0]

    def envelope(self, key, items, extra=None):
        payload = {
            "Id": str(uuid.uuid4()),
            "Status": "OK",
            "ProviderName": "Xero Sandbox",
            "DateTimeUTC": to_ms_date(self.ctx.now),
            key: items,
        }
        payload.update(extra or {})
        return payload


# -- reads --------------------------------------------------------------------------------
def list_objects(call):
    resource = RESOURCES[call.endpoint.lower()]
    objects = select(call, resource, call.org.all(resource.endpoint))
    objects = ordered(call, objects)
    page, page_size = paging(call) if resource.pageable else (None, None)
    extra = {}
    if page:
        total = len(objects)
        extra["pagination"] = {
            "page": page,
            "pageSize": page_size,
            "pageCount": -(-total // page_size),
            "itemCount": total,
        }
        objects = objects[(page - 1) * page_size : page * page_size]
    summary = call.args.get("summaryOnly", "").lower() == "true"
    presented = [resource.present(call.ctx, obj, summary=summary) for obj in objects]
    round_unit_amounts(call, resource, presented)
    if not page and resource.endpoint in LINES_ONLY_WHEN_PAGED:
        for item in presented:
            item.pop("LineItems", None)
    if not page:
        for item in presented:
            for field in resource.paged_only_fields:
                item.pop(field, None)
    return 200, call.envelope(resource.endpoint, presented, extra)


def select(call, resource, objects):
    args = call.args
    ids = split_list(args.get("IDs"))
    if ids:
        objects = [o for o in objects if o[resource.id_field] in ids]
    else:
        objects = [o for o in objects if resource.default_filter(o, args)]
    since = call.request.headers.get("If-Modified-Since")
    if since:
        try:
            threshold = parse_http_date(since).timestamp()
        except (TypeError, ValueError) as exc:
            raise single_validation_error("If-Modified-Since is not a valid date") from exc
        objects = [o for o in objects if o["_updated"] > threshold]
    objects = filter_by_lists(args, objects)
    if resource.endpoint in DATE_FILTERED:
        objects = filter_by_dates(args, objects)
    if args.get("searchTerm") and hasattr(resource, "search"):
        objects = [o for o in objects if resource.search(o, args["searchTerm"])]
    if args.get("where"):
        predicate = where_predicate(args["where"])
        objects = [o for o in objects if predicate(resource.filterable(call.ctx, o))]
    return objects


def round_unit_amounts(call, resource, presented):
    """Xero gives documents' unit amounts to 2 decimals unless the read asks unitdp=4
    (the unitdp parameter of getInvoices, getCreditNotes and their by-ID reads)."""
    if resource.endpoint not in UNITDP_ENDPOINTS or call.ctx.unitdp >= 4:
        return
    for document in presented:
        for line in document.get("LineItems") or []:
            if line.get("UnitAmount") is not None:
                line["UnitAmount"] = round_to(dec(line["UnitAmount"]), call.ctx.unitdp)


def where_predicate(text):
    """A ``where`` filter as a predicate; what Xero cannot parse or compare is a 400."""
    try:
        predicate = compile_where(text)
    except WhereError as exc:
        raise query_parse_error(str(exc)) from exc

    def test(obj):
        try:
            return predicate(obj)
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise query_parse_error("The where filter cannot compare its values: %s" % exc) from exc

    return test


def filter_by_lists(args, objects):
    statuses = split_list(args.get("Statuses") or args.get("Status"), lower=False)
    if statuses:
        objects = [o for o in objects if o.get("Status") in statuses]
    contact_ids = split_list(args.get("ContactIDs"))
    if contact_ids:
        objects = [o for o in objects if o.get("Contact", {}).get("ContactID") in contact_ids]
    numbers = split_list(args.get("InvoiceNumbers"), lower=False)
    if numbers:
        objects = [o for o in objects if o.get("InvoiceNumber") in numbers]
    return objects


def filter_by_dates(args, objects):
    """The objects dated (``Date``) from ``DateFrom`` to ``DateTo``, both days included.

    What Xero answers to a malformed date is not documented: the description only shows
    ``DateFrom=2015-12-01&DateTo=2015-12-31``, and Xero refuses a report date it cannot
    parse with a 400 ValidationException (XeroAPI/Xero-Net#137). The sandbox takes the
    documented ``YYYY-MM-DD`` only and refuses anything else, an impossible day included,
    with that 400: never kinder than Xero. An empty value filters nothing."""
    bounds = {}
    for name in ("DateFrom", "DateTo"):
        value = args.get(name)
        if not value:
            continue
        try:
            if not ISO_DAY_RE.fullmatch(value):
                raise ValueError(value)
            bounds[name] = date.fromisoformat(value).isoformat()
        except ValueError:
            raise single_validation_error(
                "%s could not be parsed as a date: use YYYY-MM-DD" % name
            ) from None
    if "DateFrom" in bounds:
        objects = [o for o in objects if o.get("Date", "") >= bounds["DateFrom"]]
    if "DateTo" in bounds:
        objects = [o for o in objects if o.get("Date", "") <= bounds["DateTo"]]
    return objects


def ordered(call, objects):
    order = (call.args.get("order") or "").strip()
    if not order:
        return objects
    field, _, direction = order.partition(" ")
    key = "_updated" if field == "UpdatedDateUTC" else field
    return sorted(
        objects, key=lambda o: sort_key(o.get(key)), reverse=direction.strip().upper() == "DESC"
    )


def sort_key(value):
    """Nothing first, then booleans, numbers and text: any two keys compare."""
    if value is None:
        return (0, 0, "")
    if isinstance(value, bool):
        return (1, int(value), "")
    if isinstance(value, (int, float)) or hasattr(value, "quantize"):
        return (2, dec(value), "")
    return (3, 0, str(value).lower())


def paging(call):
    if not call.args.get("page"):
        return None, None
    page = max(1, int(call.args["page"]))
    page_size = int(call.args.get("pageSize") or DEFAULT_PAGE_SIZE)
    return page, max(1, min(page_size, MAX_PAGE_SIZE))


def split_list(value, lower=True):
    if not value:
        return set()
    return {v.strip().lower() if lower else v.strip() for v in value.split(",") if v.strip()}


def get_one(call):
    resource = RESOURCES[call.endpoint.lower()]
    obj = find_by_path(call, resource)
    if resource.endpoint in PDF_OPERATIONS and wants_pdf(call.request):
        return 200, document_as_pdf(call, resource, obj)
    presented = [resource.present(call.ctx, obj)]
    round_unit_amounts(call, resource, presented)
    return 200, call.envelope(resource.endpoint, presented)


def wants_pdf(request):
    """Whether the Accept header prefers a PDF to JSON (the SDK's get_invoice_as_pdf sends
    ``Accept: application/pdf``; no Accept header, or ``*/*``, means JSON)."""
    best = request.accept_mimetypes.best_match(("application/json", PDF_MEDIA_TYPE))
    return best == PDF_MEDIA_TYPE


def document_as_pdf(call, resource, obj):
    doc = resource.filterable(call.ctx, obj)
    title = PDF_TITLES[doc.get("Type")]
    lines = document_lines(title, doc, resource.number_field, call.org.name)
    return RawBody(document_pdf(lines), PDF_MEDIA_TYPE, PDF_OPERATIONS[resource.endpoint])


def pdf_path(call):
    """``/Invoices/{InvoiceID}/pdf`` is not one of Xero's paths (see PDF_OPERATIONS): 404."""
    raise not_found()


def get_online_invoice(call):
    """Xero gives online invoices for approved sales invoices only ("you cannot retrieve an
    online invoice url for DRAFT invoices", the Invoices page of its documentation); awaiting
    approval and deleted ones are refused too, never kinder than Xero: nothing in them is
    for the customer yet."""
    invoice = find_by_path(call, RESOURCES["invoices"])
    if invoice["Type"] != "ACCREC":
        raise single_validation_error(
            "Online invoices are only available for sales invoices (ACCREC), not bills"
        )
    if invoice["Status"] not in ONLINE_STATUSES:
        raise single_validation_error(
            "An online invoice cannot be retrieved for an invoice with status %s: "
            "only approved invoices can be viewed online" % invoice["Status"]
        )
    url = "%s/in/%s" % (
        call.request.host_url.rstrip("/"),
        online_invoice_token(call.org.tenant_id, invoice["InvoiceID"]),
    )
    return 200, call.envelope("OnlineInvoices", [{"OnlineInvoiceUrl": url}])


def find_by_path(call, resource):
    """The object the path names, or Xero's plain 404."""
    obj = lookup_by_path(call, resource)
    if not obj:
        raise not_found()
    return obj


def lookup_by_path(call, resource):
    value = next(iter(call.path_params.values()))
    obj = call.org.get(resource.endpoint, value)
    if not obj and resource.endpoint == "Contacts":
        obj = call.org.contact_by_number(value)
    if not obj and resource.endpoint == "PurchaseOrders":
        obj = call.org.first(
            "PurchaseOrders", "number", value, lambda p: p.get("PurchaseOrderNumber") == value
        )
    if not obj and resource.endpoint == "Invoices":
        obj = call.org.invoice_by_number(value)
    return obj


def get_organisation(call):
    return 200, call.envelope("Organisations", [call.org.settings["Organisation"]])


def get_settings_list(call):
    key = SETTINGS_LISTS[call.operation.operation_id]
    items = call.org.settings[key]
    if key == "TrackingCategories" and call.args.get("includeArchived", "").lower() != "true":
        items = [
            dict(c, Options=[o for o in c["Options"] if o["Status"] == "ACTIVE"])
            for c in items
            if c["Status"] == "ACTIVE"
        ]
    if call.args.get("where"):
        predicate = where_predicate(call.args["where"])
        items = [i for i in items if predicate(i)]
    return 200, call.envelope(key, items)


def get_account(call):
    account = call.org.account_by_id(call.path_params["AccountID"])
    if not account:
        raise not_found()
    return 200, call.envelope("Accounts", [account])


def get_tracking_category(call):
    category = call.org.tracking_category(call.path_params["TrackingCategoryID"])
    if not category:
        raise not_found()
    return 200, call.envelope("TrackingCategories", [category])


# -- writes -------------------------------------------------------------------------------
def write_batch(call):
    resource = RESOURCES[call.endpoint.lower()]
    elements = call.body.get(resource.endpoint)
    # createPayment takes one Payment, on an invoice or on a credit note (a refund).
    single = call.body.keys() & {"Invoice", "CreditNote", "InvoiceNumber", "CreditNoteNumber"}
    if elements is None and resource.endpoint == "Payments" and single:
        elements = [call.body]
    if not isinstance(elements, list):
        raise single_validation_error("The request body must carry a %s list" % resource.endpoint)
    if "{" in call.operation.path_template:
        target = find_by_path(call, resource)
        elements = [dict(e, **{resource.id_field: target[resource.id_field]}) for e in elements]
    summarize = call.args.get("summarizeErrors", "true").lower() != "false"
    return apply_batch(call, resource, elements, call.request.method, summarize)


def apply_batch(call, resource, elements, method, summarize):
    org, ctx = call.org, call.ctx
    org.begin()
    outcomes, failed = [], False
    try:
        for element in elements:
            savepoint, events = org.savepoint(), len(ctx.events)
            try:
                unstorable = unstorable_text(element)
                if unstorable:
                    raise ElementInvalid(*unstorable)
                outcomes.append((True, resource.upsert(ctx, element, method)))
            except ElementInvalid as exc:
                org.rollback_to(savepoint)
                del ctx.events[events:]
                outcomes.append((False, resource.error_element(element, exc.messages)))
                failed = True
        if failed and summarize:
            org.rollback_to(0)
            ctx.events.clear()
            raise validation_exception(
                [element_for_summary(resource, ok, value) for ok, value in outcomes]
            )
    finally:
        org.end()
    call.writes = True
    presented = []
    for ok, value in outcomes:
        if ok:
            value = resource.present(ctx, org.get(resource.endpoint, value[resource.id_field]))
            value["StatusAttributeString"] = "OK"
        presented.append(value)
    return 200, call.envelope(resource.endpoint, presented)


def element_for_summary(resource, ok, value):
    if not ok:
        return value
    return {resource.id_field: value[resource.id_field], "ValidationErrors": []}


# Xero's answer to a payment update that carries more than its Status (Xero Developer
# community answers: "Only Status accepted for updates."), and its documented body for a
# deletion, {"Payments": [{"Status": "DELETED"}]}, beside the description's PaymentDelete.
ONLY_STATUS = "Only Status accepted for updates."


def delete_payment(call):
    resource = RESOURCES["payments"]
    payment = find_by_path(call, resource)
    change = payment_change(call.body, payment["PaymentID"])
    if set(change) - {"Status"}:
        raise single_validation_error(ONLY_STATUS)
    if (change.get("Status") or "").upper() != "DELETED":
        raise single_validation_error("Only Status DELETED can be set on an existing payment")
    return delete_object(call, resource, payment)


def delete_object(call, resource, obj):
    """``resource.delete`` of ``obj``, all or nothing; its refusal is Xero's 400."""
    call.org.begin()
    try:
        deleted = resource.delete(call.ctx, obj)
    except ElementInvalid as exc:
        call.org.rollback_to(0)
        raise single_validation_error(exc.messages[0]) from exc
    finally:
        call.org.end()
    call.writes = True
    return 200, call.envelope(resource.endpoint, [resource.present(call.ctx, deleted)])


def payment_change(body, payment_id):
    """What a POST /Payments/{id} asks to change: the body itself, or the one element of its
    ``Payments`` list (whose PaymentID, if any, must be the path's)."""
    if "Payments" not in body:
        body = dict(body)
        if str(body.pop("PaymentID", payment_id)).lower() != payment_id.lower():
            raise single_validation_error(ONLY_STATUS)
        return body
    elements = body["Payments"]
    if not isinstance(elements, list) or len(elements) != 1 or not isinstance(elements[0], dict):
        raise single_validation_error(ONLY_STATUS)
    element = dict(elements[0])
    if str(element.pop("PaymentID", payment_id)).lower() != payment_id.lower():
        raise single_validation_error(ONLY_STATUS)
    return dict({k: v for k, v in body.items() if k != "Payments"}, **element)


def create_allocation(call):
    """PUT /CreditNotes/{id}/Allocations: each allocation applied, or refused with Xero's
    words (see ``payment_handlers.apply_allocations``)."""
    credit_note = find_by_path(call, RESOURCES["creditnotes"])
    return apply_allocations(call, lambda allocation: allocate(call, credit_note, allocation))


def refused_allocation(allocation, messages):
    echoed = dict(allocation) if isinstance(allocation, dict) else {}
    echoed["ValidationErrors"] = [{"Message": m} for m in messages]
    echoed["StatusAttributeString"] = "ERROR"
    return echoed


def allocate(call, credit_note, allocation):
    org, ctx = call.org, call.ctx
    credit_note = org.get("CreditNotes", credit_note["CreditNoteID"])
    invoice = org.get("Invoices", (allocation.get("Invoice") or {}).get("InvoiceID"))
    amount = cents(dec(allocation.get("Amount"), dec(0)))
    check_allocation(credit_note, invoice, amount)
    allocation_id = str(uuid.uuid4())
    try:
        on_date = (
            parse_date(allocation["Date"]).isoformat()
            if allocation.get("Date")
            else ctx.today.isoformat()
        )
    except ValueError:
        raise ElementInvalid("Date is not a valid date") from None
    books.check_unlocked(org, on_date)
    credit_entry = {
        "AllocationID": allocation_id,
        "Amount": amount,
        "Date": on_date,
        "Invoice": {
            "InvoiceID": invoice["InvoiceID"],
            "InvoiceNumber": invoice.get("InvoiceNumber", ""),
        },
    }
    invoice_entry = {
        "CreditNoteID": credit_note["CreditNoteID"],
        "AppliedAmount": amount,
        "CreditNoteNumber": credit_note.get("CreditNoteNumber", ""),
        "Total": credit_note["Total"],
        "Date": on_date,
    }
    settle_both(ctx, credit_note, "CreditNotes", "Allocations", credit_entry, "RemainingCredit")
    settle_both(ctx, invoice, "Invoices", "CreditNotes", invoice_entry, "AmountDue")
    return {
        "AllocationID": allocation_id,
        "Amount": amount,
        "Date": to_ms_date(parse_date(on_date)),
        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
        "CreditNote": {"CreditNoteID": credit_note["CreditNoteID"]},
    }


def check_allocation(credit_note, invoice, amount):
    allocations.check_allocation(
        "Credit Note", credit_note, invoice, amount, credit_note["Type"].replace("CREDIT", "")
    )


def settle_both(ctx, doc, endpoint, list_field, entry, outstanding_field):
    resource = RESOURCES[endpoint.lower()]
    updated = dict(doc, **{list_field: list(doc.get(list_field, [])) + [entry]})
    resource.settle(ctx, updated)
    if updated[outstanding_field] == 0:
        updated["Status"] = "PAID"
        updated["FullyPaidOnDate"] = entry["Date"]
    store_settled(
        ctx,
        resource,
        updated,
        "Credit Note Applied",
        "Credit of %s allocated." % entry.get("Amount", entry.get("AppliedAmount")),
    )


def delete_allocation(call):
    """DELETE /CreditNotes/{id}/Allocations/{AllocationID}: the credit goes back to the credit
    note and the amount back to the invoice (a PAID one is AUTHORISED again).

    Xero answers an ``Allocations`` collection holding the deleted allocation with
    ``IsDeleted: true``, not the single ``Allocation`` its description declares
    (XeroAPI/xero-php-oauth2#341; xero-python's delete_credit_note_allocations fails to read
    it, XeroAPI/xero-python#159): the answer is checked against the collection's schema, as
    createCreditNoteAllocation declares it."""
    credit_note = find_by_path(call, RESOURCES["creditnotes"])
    wanted = call.path_params["AllocationID"].lower()
    entry = next((a for a in credit_note["Allocations"] if a["AllocationID"] == wanted), None)
    if not entry:
        raise not_found()
    org, ctx = call.org, call.ctx
    invoice = org.get("Invoices", entry["Invoice"]["InvoiceID"])
    locked = books.lock_errors(org, entry["Date"])
    if locked:
        raise single_validation_error(locked[0])
    org.begin()
    try:
        unsettle(
            ctx,
            credit_note,
            "CreditNotes",
            "Allocations",
            lambda a: a["AllocationID"] == wanted,
            "RemainingCredit",
        )
        unsettle(
            ctx,
            invoice,
            "Invoices",
            "CreditNotes",
            lambda c: (
                c["CreditNoteID"] == credit_note["CreditNoteID"]
                and c["AppliedAmount"] == entry["Amount"]
                and c["Date"] == entry["Date"]
            ),
            "AmountDue",
        )
    except Exception:
        org.rollback_to(0)
        raise
    finally:
        org.end()
    call.writes = True
    deleted = {
        "AllocationID": wanted,
        "Amount": entry["Amount"],
        "Date": to_ms_date(parse_date(entry["Date"])),
        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
        "CreditNote": {"CreditNoteID": credit_note["CreditNoteID"]},
        "IsDeleted": True,
    }
    return 200, DescribedBy(call.envelope("Allocations", [deleted]), "createCreditNoteAllocation")


def unsettle(ctx, doc, endpoint, list_field, removed, outstanding_field):
    """``doc`` without the first entry of ``list_field`` that ``removed`` accepts."""
    resource = RESOURCES[endpoint.lower()]
    entries = list(doc.get(list_field, []))
    index = next(i for i, entry in enumerate(entries) if removed(entry))
    gone = entries.pop(index)
    updated = dict(doc, **{list_field: entries})
    resource.settle(ctx, updated)
    if updated["Status"] == "PAID" and updated[outstanding_field] != 0:
        updated["Status"] = "AUTHORISED"
        updated.pop("FullyPaidOnDate", None)
    store_settled(
        ctx,
        resource,
        updated,
        "Allocation Deleted",
        "Credit of %s no longer allocated." % gone.get("Amount", gone.get("AppliedAmount")),
    )


def delete_item(call):
    """DELETE /Items/{ItemID}: 204 and gone. Documents that used it keep their lines. An item
    tracked as inventory that a document uses cannot go (Xero keeps its stock history)."""
    resource = RESOURCES["items"]
    item = find_by_path(call, resource)
    if item.get("IsTrackedAsInventory") and item_in_use(call.org, item["ItemID"]):
        raise validation_exception(
            [{"ItemID": item["ItemID"], "ValidationErrors": [{"Message": ITEM_NOT_DELETED}]}]
        )
    call.org.begin()
    try:
        call.org.remove("Items", item["ItemID"])
    finally:
        call.org.end()
    call.writes = True
    return 204, None


def item_in_use(org, item_id):
    return any(
        (line.get("Item") or {}).get("ItemID") == item_id
        for collection in ("Invoices", "CreditNotes", "PurchaseOrders")
        for doc in org.all(collection)
        for line in doc.get("LineItems") or []
    )


# -- attachments and history --------------------------------------------------------------
def attachment_target(call):
    endpoint = call.endpoint
    if endpoint not in ATTACHMENT_ENDPOINTS:
        raise problem(
            501,
            "Not Implemented",
            "The sandbox keeps attachments for %s only." % ", ".join(sorted(ATTACHMENT_ENDPOINTS)),
        )
    return endpoint, find_by_path(call, RESOURCES[endpoint.lower()])


def list_attachments(call):
    endpoint, obj = attachment_target(call)
    resource = RESOURCES[endpoint.lower()]
    attachments = call.org.attachments_of(endpoint, obj[resource.id_field])
    return 200, call.envelope("Attachments", [public_attachment(a) for a in attachments])


def get_attachment(call):
    endpoint, obj = attachment_target(call)
    resource = RESOURCES[endpoint.lower()]
    wanted_name = call.path_params.get("FileName")
    wanted_id = (call.path_params.get("AttachmentID") or "").lower()
    for attachment in call.org.attachments_of(endpoint, obj[resource.id_field]):
        if attachment["FileName"] == wanted_name or attachment["AttachmentID"] == wanted_id:
            return 200, RawBody(attachment["_content"], attachment["MimeType"])
    raise not_found()


def put_attachment(call):
    endpoint, obj = attachment_target(call)
    resource = RESOURCES[endpoint.lower()]
    object_id = obj[resource.id_field]
    content = call.request.get_data()
    file_name = call.path_params["FileName"]
    check_file_name(file_name)
    existing = call.org.attachments_of(endpoint, object_id)
    replacing = any(a["FileName"] == file_name for a in existing)
    if not content:
        raise single_validation_error("The attachment has no content")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise XeroError(
            413,
            {
                "Title": "Request Entity Too Large",
                "Status": 413,
                "Detail": "Attachments are limited to 25 MB",
            },
        )
    if len(existing) >= MAX_ATTACHMENTS and not replacing:
        raise single_validation_error(
            "The maximum number of attachments (%d) for this document "
            "has been reached" % MAX_ATTACHMENTS
        )
    base = call.request.host_url.rstrip("/")
    attachment = {
        "AttachmentID": str(uuid.uuid4()),
        "FileName": file_name,
        "Url": "%s/api.xro/2.0/%s/%s/Attachments/%s" % (base, endpoint, object_id, file_name),
        "MimeType": mimetypes.guess_type(file_name)[0] or "application/octet-stream",
        "ContentLength": len(content),
        "IncludeOnline": call.args.get("IncludeOnline", "").lower() == "true",
        "_content": content,
    }
    call.org.add_attachment(endpoint, object_id, attachment)
    call.ctx.history(resource, obj, "Attached a file", "Attached the file %s." % file_name)
    call.writes = True
    return 200, call.envelope("Attachments", [public_attachment(attachment)])


def check_file_name(file_name):
    """A name Xero could show and serve back: no control characters, no path."""
    unsafe = any(ord(c) < 32 or ord(c) == 127 for c in file_name) or any(
        sep in file_name for sep in ("/", "\\")
    )
    if unsafe or file_name.strip() in ("", ".", ".."):
        raise single_validation_error(
            "The file name %r is not valid: it cannot contain control characters or path "
            "separators" % file_name
        )


def public_attachment(attachment):
    return {k: v for k, v in attachment.items() if not k.startswith("_")}


def history_resource(call):
    endpoint = call.endpoint
    if endpoint not in HISTORY_ENDPOINTS:
        raise problem(
            501,
            "Not Implemented",
            "The sandbox keeps history for %s only." % ", ".join(sorted(HISTORY_ENDPOINTS)),
        )
    return RESOURCES[endpoint.lower()]


def history_target(call):
    resource = history_resource(call)
    return resource, find_by_path(call, resource)


def get_history(call):
    resource, obj = history_target(call)
    records = call.org.history_of(resource.endpoint, obj[resource.id_field])
    return 200, call.envelope("HistoryRecords", [public_history(r) for r in records])


def put_history(call):
    resource = history_resource(call)
    records = call.body.get("HistoryRecords") or []
    obj = lookup_by_path(call, resource)
    if not obj:
        raise validation_exception(
            [dict(record, ValidationErrors=[{"Message": NO_SUCH_DOCUMENT}]) for record in records]
            or [{"ValidationErrors": [{"Message": NO_SUCH_DOCUMENT}]}]
        )
    for record in records:
        details = record.get("Details") or ""
        if not details.strip():
            raise single_validation_error("The history note must have Details")
        if len(details) > MAX_NOTE_LENGTH:
            raise single_validation_error(
                "The history note cannot be longer than %d characters" % MAX_NOTE_LENGTH
            )
    for record in records:
        call.ctx.history(resource, obj, "Note", record["Details"])
    call.writes = True
    added = (
        call.org.history_of(resource.endpoint, obj[resource.id_field])[-len(records) :]
        if (records)
        else []
    )
    return 200, call.envelope("HistoryRecords", [public_history(r) for r in added])


def public_history(record):
    from datetime import datetime, timezone

    out = dict(record)
    out["DateUTC"] = to_ms_date(datetime.fromtimestamp(record["DateUTC"], tz=timezone.utc))
    return out


class RawBody:
    """A non-JSON answer; ``operation_id`` names the spec operation that declares it, when
    that is not the one matched (a PDF is getInvoiceAsPdf's answer to GET /Invoices/{id})."""

    def __init__(self, content, mimetype, operation_id=None):
        self.content = content
        self.mimetype = mimetype
        self.operation_id = operation_id


class DescribedBy:
    """A JSON answer that Xero gives in the shape the spec declares for another operation."""

    def __init__(self, payload, operation_id):
        self.payload = payload
        self.operation_id = operation_id


RESOURCE_OPS = {}
for _plural, _singular in (
    ("Contacts", "Contact"),
    ("Invoices", "Invoice"),
    ("CreditNotes", "CreditNote"),
    ("PurchaseOrders", "PurchaseOrder"),
    ("Payments", "Payment"),
    ("Items", "Item"),
):
    RESOURCE_OPS.update(
        {
            "get" + _plural: list_objects,
            "get" + _singular: get_one,
            "create" + _plural: write_batch,
            "updateOrCreate" + _plural: write_batch,
            "update" + _singular: write_batch,
        }
    )
# Written by the operations of payment_handlers.
for _plural, _singular in (
    ("BatchPayments", "BatchPayment"),
    ("BankTransactions", "BankTransaction"),
    ("Overpayments", "Overpayment"),
    ("Prepayments", "Prepayment"),
):
    RESOURCE_OPS.update({"get" + _plural: list_objects, "get" + _singular: get_one})

HANDLERS = dict(
    RESOURCE_OPS,
    **{
        "getContactByContactNumber": get_one,
        "getPurchaseOrderByNumber": get_one,
        "createPayment": write_batch,
        "deletePayment": delete_payment,
        "createCreditNoteAllocation": create_allocation,
        "deleteCreditNoteAllocations": delete_allocation,
        "deleteItem": delete_item,
        "getOnlineInvoice": get_online_invoice,
        **{op: pdf_path for op in PDF_OPERATIONS.values()},
        "getOrganisations": get_organisation,
        "getAccount": get_account,
        "getTrackingCategory": get_tracking_category,
        **{op: get_settings_list for op in SETTINGS_LISTS},
        **PAYMENT_HANDLERS,
    },
)

# Attachment and history operations are named per endpoint, e.g. getInvoiceAttachments,
# createContactHistory: they are matched by prefix and suffix.
SUFFIX_TABLE = [
    ("get", "AttachmentByFileName", get_attachment),
    ("get", "AttachmentById", get_attachment),
    ("get", "Attachments", list_attachments),
    ("create", "AttachmentByFileName", put_attachment),
    ("update", "AttachmentByFileName", put_attachment),
    ("get", "History", get_history),
    ("create", "History", put_history),
]


def dispatch(call):
    operation_id = call.operation.operation_id
    for prefix, suffix, handler in SUFFIX_TABLE:
        if operation_id.startswith(prefix) and operation_id.endswith(suffix):
            return handler(call)
    handler = HANDLERS.get(operation_id)
    if handler:
        return handler(call)
    raise problem(
        501,
        "Not Implemented",
        "The sandbox does not emulate %s (%s)." % (call.operation.path_template, operation_id),
    )
