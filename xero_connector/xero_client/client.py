"""The Accounting API through the official SDK (``xero_python``), with Xero's failures mapped
to ``xero_client.errors`` and no hidden retries or sleeps."""

# Plain Python: the addon translates these messages (see .i18n).
# pylint: disable=prefer-env-translation
import hashlib
import http.client
import json
import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import urllib3
import xero_python
from xero_python.accounting import (
    AccountingApi,
    Allocations,
    Contacts,
    CreditNotes,
    HistoryRecord,
    HistoryRecords,
    Invoices,
    Items,
    PaymentDelete,
    Payments,
    PurchaseOrders,
)
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.serializer import serialize
from xero_python.exceptions import ApiException

from .errors import AuthError, RequestRejected, TransientError, XeroError, error_from_answer
from .i18n import Message, _
from .mappings.common import UNIT_DECIMALS
from .masking import get_logger, log, mask, remember_secret

_logger = get_logger(__name__)

DEFAULT_TIMEOUT = (5, 30)
MAX_BATCH = 50
PAGE_SIZE = 100  # Xero's page size when a call names none
MAX_PAGE_SIZE = 1000  # the largest pageSize Xero takes
# IDs per call of a list filter (Contacts?IDs=...): Xero advises about 40 values, for the
# length of the URL (Requests and responses, "Optimised filtering on a list of values").
MAX_IDS = 40
TENANT_HEADER = "xero-tenant-id"
# Xero's 401s: the access token expired (early, for Xero) or was revoked; a renewal says which.
RENEWABLE_REASONS = ("token_expired", "token_invalid")
LIMIT_HEADERS = ("X-MinLimit-Remaining", "X-DayLimit-Remaining", "X-AppMinLimit-Remaining")
# Oldest change first. Xero documents one ordering element per call ("order=Name ASC"); ties
# come in an order of Xero's own, which iter_changes does not rely on.
CHANGE_ORDER = "UpdatedDateUTC ASC"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
NETWORK_ERRORS = (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)


@dataclass(frozen=True)
class Collection:
    """How the SDK reads and writes one of Xero's collections (e.g. Contacts)."""

    attribute: str  # the list in the SDK's answers: "contacts"
    id_attribute: str  # "contact_id"
    read_one: str  # the SDK method that reads one object by ID: "get_contact"
    read_page: str = None  # the one that reads a page; None when Xero does not page them
    save: str = None  # the one that updates or creates a batch (POST)
    model: type = None  # the SDK model of a batch's body
    filters_where: bool = True  # whether its read_page takes a ``where`` filter
    attach: str = None  # the one that uploads a file by name; None: Xero keeps no files there
    attach_online: bool = False  # whether its files can be shown with the online invoice
    history: str = None  # the one that adds notes to an object's history
    create: str = None  # the one that only creates (PUT): Xero refuses what would update


COLLECTIONS = {
    "Contacts": Collection(
        "contacts",
        "contact_id",
        "get_contact",
        "get_contacts",
        "update_or_create_contacts",
        Contacts,
        attach="create_contact_attachment_by_file_name",
        history="create_contact_history",
    ),
    "Invoices": Collection(
        "invoices",
        "invoice_id",
        "get_invoice",
        "get_invoices",
        "update_or_create_invoices",
        Invoices,
        create="create_invoices",
        attach="create_invoice_attachment_by_file_name",
        attach_online=True,
        history="create_invoice_history",
    ),
    "CreditNotes": Collection(
        "credit_notes",
        "credit_note_id",
        "get_credit_note",
        "get_credit_notes",
        "update_or_create_credit_notes",
        CreditNotes,
        create="create_credit_notes",
        attach="create_credit_note_attachment_by_file_name",
        attach_online=True,
        history="create_credit_note_history",
    ),
    "PurchaseOrders": Collection(
        "purchase_orders",
        "purchase_order_id",
        "get_purchase_order",
        "get_purchase_orders",
        "update_or_create_purchase_orders",
        PurchaseOrders,
        filters_where=False,
        attach="create_purchase_order_attachment_by_file_name",
        history="create_purchase_order_history",
        create="create_purchase_orders",
    ),
    "Payments": Collection(
        "payments",
        "payment_id",
        "get_payment",
        "get_payments",
        model=Payments,
        create="create_payments",
        history="create_payment_history",
    ),
    "Items": Collection(
        "items",
        "item_id",
        "get_item",
        save="update_or_create_items",
        model=Items,
        history="create_item_history",
    ),
}


class CallBudget:
    """How many calls a reading may still make (None: no bound)."""

    def __init__(self, calls):
        self.left = calls

    def take(self):
        """Whether one more call may be made; counts it."""
        if self.left is None:
            return True
        if self.left <= 0:
            return False
        self.left -= 1
        return True


class ChangesPage(list):
    """A page of ``iter_changes``; ``last``: no page follows it. ``window_page``: None, or
    the number of this page in a window read by page numbers (see ``iter_changes``)."""

    def __init__(self, objects, last=False, window_page=None):
        super().__init__(objects)
        self.last = last
        self.window_page = window_page


@dataclass
class DeletedAllocation:
    """What is known of an allocation Xero removed: its ID."""

    allocation_id: str


@dataclass
class ElementResult:
    """One element of a batch write: what Xero answered for it, and why it failed if it did."""

    ok: bool
    data: object = None
    errors: list = field(default_factory=list)
    index: int = 0
    warnings: list = field(default_factory=list)


class StaticBearer:
    """The SDK's auth hook with a fixed access token: the SDK can never refresh it itself."""

    def __init__(self, access_token):
        self._value = "Bearer " + access_token

    def get_auth_settings(self):
        return {"type": "oauth2", "in": "header", "key": "Authorization", "value": self._value}

    def __repr__(self):
        return "StaticBearer(***)"


class CustomConnectionApiClient(ApiClient):
    """An SDK ApiClient whose calls go without the ``xero-tenant-id`` header.

    A custom connection's token is bound to its one organisation, and Xero takes its calls
    without the header. The SDK's AccountingApi methods refuse a None tenant ("Missing the
    required parameter") and would send an empty header for "": XeroClient passes "" to
    them, and this drops the header just before the request leaves.
    """

    def request(self, method, url, headers=None, **kwargs):
        headers = {k: v for k, v in (headers or {}).items() if k.lower() != TENANT_HEADER}
        return super().request(method, url, headers=headers, **kwargs)


class XeroClient:
    """The Accounting API of one organisation (tenant), with one access token.

    ``tenant_id`` None: the token is a custom connection's (see
    ``oauth.client_credentials_token``), bound to its one organisation, and calls go without
    the ``xero-tenant-id`` header.

    ``renew_token``, if given, is called when Xero refuses the access token (401: expired
    early, or revoked): it returns a new access token, or raises when none can be had. The
    call is then made once more with it (Xero did nothing with the refused one), and the
    client keeps the new token. One refused call per client at most, whatever the number
    of calls.

    ``on_answer``, if given, is called once after each call through ``call``, whatever came
    of it, as ``on_answer(method_name, status, elapsed_ms)``: ``status`` is the HTTP status,
    or None when no answer came (network failure). It is how a caller counts its calls; an
    exception it raises is logged and never hides the call's own result or error.

    ``admit``, if given, is called before each call as ``admit(method_name)`` and returns a
    context manager the call is made (and told to ``on_answer``) in: it is how callers that
    share an organisation keep within Xero's limits together. It may wait, or raise a
    ``RateLimited`` to stop before the call is made.

    ``answer_limits`` holds those of the last answer alone ({} when it had none, or when no
    answer came). ``limits`` holds the remaining-call figures Xero sent with its latest
    answer that had them, by header name: ``X-DayLimit-Remaining`` (calls left today for
    this organisation),
    ``X-MinLimit-Remaining`` (left this minute) and ``X-AppMinLimit-Remaining`` (left this
    minute for the whole app), as ints; empty before the first answer. A 429 answer sets the
    exhausted one to 0. ``day_limit_remaining`` and ``minute_limit_remaining`` read the first
    two (None when not known yet).
    """

    def __init__(
        self,
        endpoints,
        access_token,
        tenant_id,
        timeout=DEFAULT_TIMEOUT,
        logger=None,
        on_answer=None,
        renew_token=None,
        admit=None,
    ):
        remember_secret(access_token)
        self.endpoints = endpoints
        self.tenant_id = tenant_id
        self.timeout = timeout_pair(timeout)
        self.logger = logger or _logger
        self.on_answer = on_answer
        self.renew_token = renew_token
        self.admit = admit
        self.limits = {}
        self.answer_limits = {}
        self.api_client = build_api_client(access_token, custom_connection=tenant_id is None)
        self.accounting = AccountingApi(self.api_client, base_url=endpoints.api_url)

    @property
    def day_limit_remaining(self):
        return self.limits.get("X-DayLimit-Remaining")

    @property
    def minute_limit_remaining(self):
        return self.limits.get("X-MinLimit-Remaining")

    # -- reads ----------------------------------------------------------------------------------
    def get_organisation(self):
        return self.call("get_organisations").organisations[0]

    def get_by_id(self, endpoint, object_id, **params):
        """The object ``object_id`` of ``endpoint`` (e.g. "Invoices"), or None when Xero has
        no such object (404). One call. Extra SDK parameters (e.g. ``unitdp=4``) pass through.
        """
        collection = collection_of(endpoint, "read_one")
        try:
            answer = self.call(collection.read_one, object_id, **params)
        except RequestRejected as error:
            if error.status == 404:
                return None
            raise
        found = getattr(answer, collection.attribute) or []
        return found[0] if found else None

    def get_purchase_orders_by_date(
        self, date_from=None, date_to=None, status=None, page_size=PAGE_SIZE
    ):
        """The purchase orders dated (their ``Date``) from ``date_from`` to ``date_to``, both
        days included, as SDK objects with their lines ([] when Xero has none): every page,
        one call per page until a short one (``n // page_size + 1`` calls for n orders).

        The bounds are ``date``s (a datetime's day) or ``"YYYY-MM-DD"``; None leaves that
        side open. Xero leaves deleted orders out unless ``status="DELETED"``; ``status``
        (DRAFT, SUBMITTED, AUTHORISED, BILLED or DELETED) keeps that status only. Pages are
        read by number: an order created or deleted in Xero meanwhile may shift another
        across a page boundary.
        """
        params = {}
        if date_from is not None:
            params["date_from"] = day_text(date_from)
        if date_to is not None:
            params["date_to"] = day_text(date_to)
        if status:
            params["status"] = status
        return [
            order
            for page in self.iter_pages("PurchaseOrders", page_size=page_size, **params)
            for order in page
        ]

    def get_contact(self, contact_id):
        return self.get_by_id("Contacts", contact_id)

    def get_page(
        self,
        endpoint,
        page=1,
        page_size=PAGE_SIZE,
        if_modified_since=None,
        where=None,
        order=None,
        **params,
    ):
        """One page of a paged collection (Contacts, Invoices, CreditNotes, Payments,
        PurchaseOrders). Extra SDK parameters pass through (e.g. ``include_archived=True``,
        ``statuses=[...]``, ``unitdp=4``, ``summary_only=True``)."""
        collection = collection_of(endpoint, "read_page")
        if where and not collection.filters_where:
            raise ValueError("Xero does not filter %s with where" % endpoint)
        params.update(page=page, page_size=page_size)
        if if_modified_since:
            params["if_modified_since"] = if_modified_since_header(if_modified_since)
        if where:
            params["where"] = where
        if order:
            params["order"] = order
        return getattr(self.call(collection.read_page, **params), collection.attribute) or []

    def get_contacts(
        self,
        page=1,
        if_modified_since=None,
        include_archived=True,
        where=None,
        ids=None,
        page_size=PAGE_SIZE,
        order=None,
    ):
        """One page of contacts (``page_size``, Xero's default 100), in ``order`` if given
        (e.g. "UpdatedDateUTC ASC")."""
        params = {"include_archived": include_archived}
        if ids:
            params["i_ds"] = list(ids)
        return self.get_page("Contacts", page, page_size, if_modified_since, where, order, **params)

    def iter_contacts_by_ids(self, contact_ids, batch_size=MAX_IDS):
        """``(ids, contacts)`` for each batch of up to ``batch_size`` (at most 40) of the
        ContactIDs ``contact_ids``: the batch's IDs (lower case, each once) and the contacts
        Xero has of them (an ID it does not know is left out), archived ones included.

        One call per batch, ``GET /Contacts?IDs=...&page=1``: ceil(n / 40) calls for n IDs.
        The page makes Xero give each contact whole, ``Balances`` (what it owes and is owed,
        outstanding and overdue) included, which a list read without ``page`` or with
        ``summaryOnly`` leaves out. A generator: a caller that stops (a rate limit) keeps
        what the batches before gave."""
        if not 0 < batch_size <= MAX_IDS:
            raise ValueError("From 1 to %d IDs per call, not %r" % (MAX_IDS, batch_size))
        ids = list(dict.fromkeys(str(i).lower() for i in contact_ids if i))
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            yield batch, self.get_contacts(page=1, ids=batch, page_size=PAGE_SIZE)

    def iter_documents(
        self,
        endpoint,
        types=(),
        date_from=None,
        statuses=(),
        after=None,
        summary_only=False,
        **reading,
    ):
        """Pages of the documents of ``endpoint`` (Invoices or CreditNotes) of these Types
        (``("ACCREC",)``; none: all), dated ``date_from`` or later (a ``date``; None: any
        day), in these statuses (none: all), oldest change first and resumable as
        ``iter_changes`` is (keep the ``resume_point`` of the last document of the last page
        handled, give it back as ``after``). Pages of 1,000: ceil(n / 1000) calls for n
        documents (one more when n is a multiple of 1,000). ``summary_only`` (Invoices
        only) leaves out lines and payments, not the amounts, dates or status.

        Filters are those Xero optimises: Type and Date in ``where`` (combined with AND), an
        invoice's statuses as ``Statuses``; credit notes have no such parameter, so theirs
        go in ``where``. ``reading``: ``iter_changes``'s ``max_calls`` and
        ``window_page``."""
        conditions, params = [], {}
        if types:
            conditions.append(any_of("Type", types))
        if date_from:
            conditions.append(
                "Date>=DateTime(%04d,%02d,%02d)" % (date_from.year, date_from.month, date_from.day)
            )
        if statuses and endpoint == "Invoices":
            params["statuses"] = list(statuses)
        elif statuses:
            conditions.append(any_of("Status", statuses))
        if summary_only:
            if endpoint != "Invoices":
                raise ValueError("Xero gives summaries of invoices only, not %s" % endpoint)
            params["summary_only"] = True
        return self.iter_changes(
            endpoint,
            after=after,
            page_size=MAX_PAGE_SIZE,
            where=" AND ".join(conditions) or None,
            **reading,
            **params,
        )

    def iter_pages(
        self,
        endpoint,
        if_modified_since=None,
        where=None,
        page_size=PAGE_SIZE,
        start_page=1,
        **params,
    ):
        """Pages (lists, never empty) of a paged collection from ``start_page`` on, until a
        short page: one call per page. Extra parameters as for ``get_page`` (Xero leaves
        archived contacts out unless ``include_archived=True``)."""
        page = start_page
        while True:
            found = self.get_page(endpoint, page, page_size, if_modified_since, where, **params)
            if found:
                yield found
            if len(found) < page_size:
                return
            page += 1

    def iter_changes(
        self, endpoint, after=None, page_size=PAGE_SIZE, max_calls=None, window_page=None, **params
    ):
        """Pages of the objects of ``endpoint`` changed after the resume point ``after`` (see
        ``resume_point``; None: all of them), oldest change first. To resume later, e.g. in
        the next cron run, keep the resume point of the last object of the last page handled.
        Extra parameters as for ``get_page``: Contacts need ``include_archived=True`` for the
        archived ones to come.

        Each page is asked for from the previous page's resume point, not by page number, so
        an object changed meanwhile moves ahead instead of shifting the pages past one. A page
        never ends inside a group of objects changed at the same instant: resuming after its
        last object skips none of them, whatever order Xero gives ties in (such a page may be
        larger than page_size). The price: what changed in the second before a page's end is
        read twice, and filtered out here.

        Only when more than Xero's largest page (1,000) changed within one second (a bulk
        action, a CSV import in Xero) is the list of the objects changed since ``after`` read
        by page numbers, to its end, in the order of their IDs: an object changed meanwhile
        keeps its place there, so none shifts back past a page already read (an object added
        meanwhile may shift some forward: read twice, never missed; what changed meanwhile
        is newer than the reading's start, for the next reading). Those pages carry their
        ``window_page``. While they come, keep ``after`` as it is and the ``window_page`` of
        the last page handled; resume with both, at the page after it.

        Each page is a ``ChangesPage`` (a list) whose ``last`` says that no more follow.
        ``max_calls``: stop before the call past that many. The generator's return value
        (``StopIteration.value``) says whether every change was read.
        """
        after, size = as_resume_point(after), page_size
        budget = CallBudget(max_calls)
        if window_page:
            return (
                yield from self._changes_by_page_number(
                    endpoint, after, window_page + 1, budget, params
                )
            )
        while True:
            if not budget.take():
                return False
            found = self.get_page(
                endpoint, 1, size, resume_since(after), order=CHANGE_ORDER, **params
            )
            full = len(found) >= size
            newer = [o for o in found if not after or resume_point(endpoint, o) > after]
            ready = sorted(newer, key=lambda o: resume_point(endpoint, o))
            # On a full page the last instant may go on in the next one: hold it back, it
            # comes again in the next page asked from here.
            ready = split_at_last_instant(ready)[0] if full else ready
            if ready:
                yield ChangesPage(ready, last=not full)
                after, size = resume_point(endpoint, ready[-1]), page_size
            elif full and size < MAX_PAGE_SIZE:
                # One instant fills the whole page (a bulk edit in Xero): ask again from the
                # same point for a larger page, never for page 2 of a list that may move.
                size = min(size * 10, MAX_PAGE_SIZE)
            elif full:
                return (yield from self._changes_by_page_number(endpoint, after, 1, budget, params))
            if not full:
                return True

    def _changes_by_page_number(self, endpoint, after, page, budget, params):
        """The pages of the changes since ``after`` in the order of their IDs, from page
        number ``page`` on, until a short one, each a ``ChangesPage`` with its
        ``window_page``. Returns whether the list's end was reached (False: ``budget``
        spent)."""
        order = "%s ASC" % id_element(endpoint)
        while True:
            if not budget.take():
                return False
            found = self.get_page(
                endpoint, page, MAX_PAGE_SIZE, resume_since(after), order=order, **params
            )
            yield self._window_page(endpoint, after, page, found)
            if len(found) < MAX_PAGE_SIZE:
                return True
            page += 1

    @staticmethod
    def _window_page(endpoint, after, page, found):
        """The page of number ``page`` of a window: its objects changed after ``after``,
        oldest change first."""
        newer = {}
        for xero_object in found:
            point = resume_point(endpoint, xero_object)
            if not after or point > after:
                newer.setdefault(point, xero_object)
        return ChangesPage(
            [newer[point] for point in sorted(newer)],
            last=len(found) < MAX_PAGE_SIZE,
            window_page=page,
        )

    def find(self, endpoint, where, **params):
        """The objects of ``endpoint`` (Invoices, CreditNotes, Contacts...) that ``where``
        selects, e.g. ``'Type=="ACCPAY" AND (Reference=="BILL/1" OR Reference=="BILL/2")'``,
        as SDK objects (documents with their lines): one call, for a page of up to 1,000.

        Meant for look-ups by values that are unique (did a write whose answer was lost
        happen?): more matches than a page raises a ``XeroError`` rather than leaving some
        out. Deleted and voided documents come too: look at their ``status``. Extra SDK
        parameters pass through, e.g. ``invoice_numbers=[...]``, ``i_ds=[...]``,
        ``statuses=[...]``; ``where`` may then be None. Purchase orders take no ``where``
        (ValueError); read one by its number with ``get_by_id("PurchaseOrders", number)``.
        """
        found = self.get_page(endpoint, 1, MAX_PAGE_SIZE, where=where, **params)
        if len(found) >= MAX_PAGE_SIZE:
            raise XeroError(
                _(
                    "%(count)s or more %(endpoint)s in Xero match %(where)s: narrow the look-up.",
                    count=MAX_PAGE_SIZE,
                    endpoint=endpoint,
                    where=str(where or params),
                )
            )
        return found

    def online_invoice_url(self, invoice_id):
        """The address where the customer sees (and pays) the sales invoice ``invoice_id``;
        None when Xero has no such invoice (404) or gives no address. One call.

        Xero gives one for approved sales invoices only: a draft, one awaiting approval, a
        deleted one or a bill is refused (``RequestRejected``, status 400).
        """
        try:
            answer = self.call("get_online_invoice", invoice_id)
        except RequestRejected as error:
            if error.status == 404:
                return None
            raise
        found = answer.online_invoices or []
        return (found[0].online_invoice_url or None) if found else None

    def get_accounts(self):
        return self.call("get_accounts").accounts or []

    def get_tax_rates(self):
        return self.call("get_tax_rates").tax_rates or []

    def get_tracking_categories(self, include_archived=False):
        """Categories with their options; active ones only unless ``include_archived``."""
        params = {"include_archived": True} if include_archived else {}
        return self.call("get_tracking_categories", **params).tracking_categories or []

    def get_currencies(self):
        return self.call("get_currencies").currencies or []

    def get_items(self, if_modified_since=None, where=None):
        """All items in one call (Xero does not page them), unit prices to 4 decimals."""
        params = {"unitdp": UNIT_DECIMALS}
        if if_modified_since:
            params["if_modified_since"] = if_modified_since_header(if_modified_since)
        if where:
            params["where"] = where
        return self.call("get_items", **params).items or []

    # -- writes ---------------------------------------------------------------------------------
    def save_contacts(self, contacts, idempotency_scope):
        return self.save("Contacts", contacts, idempotency_scope)

    def save_items(self, items, idempotency_scope):
        """``save("Items", ...)`` with unit prices kept to 4 decimals."""
        return self.save("Items", items, idempotency_scope, unitdp=UNIT_DECIMALS)

    def save(self, endpoint, elements, idempotency_scope, create_only=False, **params):
        """POST (update or create) up to 50 elements with ``summarizeErrors=false``: one
        ``ElementResult`` per element, in order. Extra SDK parameters (e.g. ``unitdp=4``) pass
        through. ``create_only``: PUT instead, where Xero refuses an element that would update
        an existing object (a sales invoice whose number it has) rather than overwrite it.

        ``idempotency_scope`` is any JSON value that says who sends what, e.g. ``[database and
        company, model, sorted (record id, revision) pairs]``. The Idempotency-Key is derived
        from it, the endpoint, the parameters and the body as sent: a retry of the same data
        in the same scope carries the same key (Xero answers it from its cache instead of
        creating twice), different data a different one.
        """
        collection = collection_of(endpoint, "create" if create_only else "save")
        if len(elements) > MAX_BATCH:
            raise ValueError("At most %d elements per call, got %d" % (MAX_BATCH, len(elements)))
        if not elements:
            return []
        body = serialize(collection.model(**{collection.attribute: list(elements)}))
        answer = self.call(
            collection.create if create_only else collection.save,
            body,
            summarize_errors=False,
            idempotency_key=idempotency_key_for(
                endpoint,
                idempotency_scope,
                body,
                dict(params, create_only=True) if create_only else params,
            ),
            **params,
        )
        returned = getattr(answer, collection.attribute) or []
        if len(returned) != len(elements):
            raise XeroError(
                _(
                    "Xero answered %(answered)s records for the %(sent)s sent: check them in "
                    "Xero before sending them again.",
                    answered=len(returned),
                    sent=len(elements),
                )
            )
        return [element_result(index, element) for index, element in enumerate(returned)]

    def delete_payments(self, payment_ids, idempotency_scope):
        """Delete these payments (Xero never edits one): a call each, as Xero deletes a
        payment by its own path only. One ``ElementResult`` per payment, in order; a refusal
        (a locked period, a reconciled bank line) is that payment's, the others go on."""
        results = []
        for index, payment_id in enumerate(payment_ids):
            body = serialize(PaymentDelete(status="DELETED"))
            try:
                answer = self.call(
                    "delete_payment",
                    payment_id,
                    body,
                    idempotency_key=idempotency_key_for(
                        "Payments/%s" % payment_id, idempotency_scope, body, {}
                    ),
                )
            except RequestRejected as error:
                errors = error.validation_errors or [error.message]
                results.append(ElementResult(False, errors=errors, index=index))
                continue
            results.append(element_result(index, (answer.payments or [None])[0]))
        return results

    def allocate_credit_note(self, credit_note_id, allocations, idempotency_scope):
        """Allocate a credit note to invoices (``allocations``: SDK ``Allocation`` objects):
        one call, with ``summarizeErrors=false``, one ``ElementResult`` per allocation."""
        body = serialize(Allocations(allocations=list(allocations)))
        answer = self.call(
            "create_credit_note_allocation",
            credit_note_id,
            body,
            summarize_errors=False,
            idempotency_key=idempotency_key_for(
                "CreditNotes/%s/Allocations" % credit_note_id, idempotency_scope, body, {}
            ),
        )
        returned = answer.allocations or []
        if len(returned) != len(allocations):
            # As good as no answer: what Xero applied is looked up before anything goes again.
            raise TransientError(
                _(
                    "Xero answered %(answered)s allocations for the %(sent)s sent: the credit "
                    "note is read again before they go again.",
                    answered=len(returned),
                    sent=len(allocations),
                )
            )
        return [element_result(index, element) for index, element in enumerate(returned)]

    def delete_allocation(self, credit_note_id, allocation_id):
        """Remove one allocation of a credit note: one call, an ``ElementResult``. Xero's
        answer is not the one its description declares (XeroAPI/xero-python#159): it is not
        read."""
        try:
            self.call(
                "delete_credit_note_allocations",
                credit_note_id,
                allocation_id,
                _preload_content=False,
            )
        except RequestRejected as error:
            return ElementResult(False, errors=error.validation_errors or [error.message])
        return ElementResult(True, data=DeletedAllocation(allocation_id))

    def attach(self, endpoint, object_id, file_name, content_bytes, include_online=False):
        """Upload ``content_bytes`` as the file ``file_name`` of an object of ``endpoint``
        (Invoices, CreditNotes, PurchaseOrders, Contacts), PUT by file name: the SDK
        Attachment Xero answers (``attachment_id``, ``file_name``, ``mime_type`` from the
        name's extension, ``content_length``, ``include_online``). One call.

        Xero keeps 10 files per document and refuses an 11th, and files over 25 MB
        (``RequestRejected``). ``include_online`` (invoices and credit notes) shows the file
        to the customer with the online invoice. The Idempotency-Key comes from the object,
        the name, ``include_online`` and the content: a retry of the same upload after a lost
        answer is answered from Xero's cache (for a few minutes) instead of uploading twice.
        """
        collection = collection_of(endpoint, "attach")
        params = {}
        if include_online:
            if not collection.attach_online:
                raise ValueError("Xero shows no files of %s online" % endpoint)
            params["include_online"] = True
        scope = [endpoint, str(object_id).lower(), file_name]
        digest = hashlib.sha256(content_bytes).hexdigest()
        answer = self.call(
            collection.attach,
            object_id,
            file_name,
            content_bytes,
            idempotency_key=idempotency_key_for("Attachments", scope, digest, params),
            **params,
        )
        found = answer.attachments or []
        return found[0] if found else None

    def add_history_note(self, endpoint, object_id, details, idempotency_scope=None):
        """Add the note ``details`` to the history of an object of ``endpoint`` (Invoices,
        CreditNotes, PurchaseOrders, Contacts, Items, Payments), PUT History: the SDK
        HistoryRecord Xero answers (``changes`` "Note", ``details``, ``user``,
        ``date_utc``). One call.

        Xero refuses an empty note or one over 250 characters (``RequestRejected``), and a
        note for an object it does not have: shortening is the caller's job. The
        Idempotency-Key comes from the object and the note (and ``idempotency_scope``, any
        JSON value, when given, e.g. the record and revision sent): the same note again within
        Xero's few minutes is answered from its cache, not added twice.
        """
        collection = collection_of(endpoint, "history")
        body = serialize(HistoryRecords(history_records=[HistoryRecord(details=details)]))
        scope = [endpoint, str(object_id).lower(), idempotency_scope]
        answer = self.call(
            collection.history,
            object_id,
            body,
            idempotency_key=idempotency_key_for("History", scope, body, {}),
        )
        found = answer.history_records or []
        return found[0] if found else None

    # -- the call pipeline ----------------------------------------------------------------------
    def call(self, method_name, *args, **kwargs):
        """``AccountingApi.<method_name>(tenant_id, *args, **kwargs)`` with our timeout, the
        rate-limit headers remembered, every failure raised as a ``XeroError``, ``on_answer``
        told of the call whatever came of it, and a refused access token renewed once."""
        try:
            return self.call_once(method_name, *args, **kwargs)
        except AuthError as error:
            if error.reason not in RENEWABLE_REASONS or self.renew_token is None:
                raise
            self.use_token(self.renew_token())
            self.renew_token = None
        return self.call_once(method_name, *args, **kwargs)

    def use_token(self, access_token):
        """Send ``access_token`` from now on."""
        remember_secret(access_token)
        self.api_client.configuration.oauth2_token = StaticBearer(access_token)

    def call_once(self, method_name, *args, **kwargs):
        with self.admit(method_name) if self.admit else nullcontext():
            started = time.monotonic()
            self.answer_limits = {}
            status = None
            try:
                data, status = self.send(method_name, started, *args, **kwargs)
            except XeroError as error:
                status = error.status
                raise
            finally:
                self.report_answer(method_name, status, started)
        return data

    def send(self, method_name, started, *args, **kwargs):
        """``(data, status)`` of the SDK call; a failure raised as a ``XeroError``."""
        method = getattr(self.accounting, method_name)
        try:
            data, status, headers = method(
                "" if self.tenant_id is None else self.tenant_id,
                *args,
                _return_http_data_only=False,
                _request_timeout=self.timeout,
                **kwargs,
            )
        except ApiException as exc:
            self.remember_limits(exc.headers if exc.http_resp is not None else None)
            error = error_from_api_exception(exc)
            self.log_failure(method_name, started, error)
            raise error from None
        except NETWORK_ERRORS as exc:
            error = error_from_network(exc)
            self.log_failure(method_name, started, error)
            raise error from None
        self.remember_limits(headers)
        log(
            self.logger,
            logging.DEBUG,
            "Xero %s: %s in %d ms (limits %s)",
            method_name,
            status,
            elapsed_ms(started),
            self.limits,
        )
        return data, status

    def report_answer(self, method_name, status, started):
        """Tell ``on_answer`` of a call; its own failure is logged, never passed on."""
        if self.on_answer is None:
            return
        try:
            self.on_answer(method_name, status, elapsed_ms(started))
        except Exception as exc:  # the caller's counting must never change the call's outcome
            log(
                self.logger,
                logging.WARNING,
                "The on_answer hook failed after Xero %s (%s): %r",
                method_name,
                status,
                exc,
            )

    def remember_limits(self, headers):
        """Keep the remaining-call figures of an answer's ``headers``: in ``limits`` (the
        latest known of each) and ``answer_limits`` (this answer's own, {} without)."""
        self.answer_limits = {}
        for name in LIMIT_HEADERS:
            value = headers.get(name) if headers else None
            if value is not None and value.strip().lstrip("-").isdigit():
                self.answer_limits[name] = int(value)
        self.limits.update(self.answer_limits)

    def log_failure(self, method_name, started, error):
        log(
            self.logger,
            logging.INFO,
            "Xero %s failed after %d ms: %s (%s)",
            method_name,
            elapsed_ms(started),
            error.message,
            type(error).__name__,
        )


def collection_of(endpoint, operation):
    """The ``Collection`` of ``endpoint`` if the SDK can do ``operation`` on it."""
    collection = COLLECTIONS.get(endpoint)
    if collection is None or getattr(collection, operation) is None:
        able = [name for name, c in COLLECTIONS.items() if getattr(c, operation)]
        raise ValueError("%s works on %s, not %r" % (operation, ", ".join(able), endpoint))
    return collection


# -- building the SDK client ------------------------------------------------------------------
def build_api_client(access_token, custom_connection=False):
    """An SDK ApiClient that sends ``access_token`` and never retries or sleeps on its own;
    for a ``custom_connection``, one that sends no ``xero-tenant-id``."""
    # Configuration() hands out copies of the first instance ever built in the process,
    # whatever arguments it gets, and the first call sets that default for everyone: build a
    # fresh one past its metaclass instead, with our own auth object.
    configuration = type.__call__(Configuration)
    configuration.oauth2_token = StaticBearer(access_token)
    client_class = CustomConnectionApiClient if custom_connection else ApiClient
    api_client = client_class(configuration, pool_threads=1)
    api_client.user_agent = "xero_client (Odoo xero_connector) xero-python/%s" % (
        xero_python.__version__
    )
    disable_retries(api_client)
    return api_client


def disable_retries(api_client):
    """Turn off urllib3's default Retry(3) in the SDK's pool.

    The SDK builds its PoolManager without ``retries``; urllib3 then retries GET/PUT/DELETE on
    429/503 with Retry-After, sleeping that long (hours on a day limit), and retries connection
    errors even for POST. ``Configuration.retries`` does not exist in xero-python 15: setting it
    changes nothing. Pools are created lazily from ``connection_pool_kw``, so this takes effect.
    """
    api_client.rest_client.pool_manager.connection_pool_kw["retries"] = False


def timeout_pair(timeout):
    """``(connect, read)`` seconds: the SDK ignores a float and turns an int into a total."""
    if isinstance(timeout, (int, float)):
        return (timeout, timeout)
    connect, read = timeout
    return (connect, read)


def elapsed_ms(started):
    return int((time.monotonic() - started) * 1000)


# -- times: If-Modified-Since and UpdatedDateUTC ----------------------------------------------
def if_modified_since_header(moment):
    """``moment`` as RFC 3339 in UTC to the second (``2026-11-27T05:14:39Z``).

    The description's ``format: date-time`` needs the zone, and the SDK sends a datetime's
    ``isoformat()``, which has none for a naive one. A naive ``moment`` is UTC (as Odoo's are).
    """
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_text(day):
    """A day as Xero's query parameters take it (``2015-12-31``): a ``date``, a datetime's
    day, or such text as it is."""
    if isinstance(day, str):
        return day
    return "%04d-%02d-%02d" % (day.year, day.month, day.day)


def as_utc(moment):
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def updated_utc(xero_object):
    """When Xero last changed ``xero_object`` (its UpdatedDateUTC, to the millisecond), as
    an aware UTC datetime; None when Xero did not say."""
    moment = getattr(xero_object, "updated_date_utc", None)
    return as_utc(moment) if moment else None


def resume_point(endpoint, xero_object):
    """``(UpdatedDateUTC, ID)`` of an object of ``endpoint``: where ``iter_changes`` resumes
    after it. Keep the datetime to the millisecond (e.g. as its isoformat())."""
    object_id = getattr(xero_object, COLLECTIONS[endpoint].id_attribute)
    return (updated_utc(xero_object) or EPOCH, str(object_id).lower())


def id_element(endpoint):
    """The name Xero gives the ID of an object of ``endpoint``: ``ContactID``, ``InvoiceID``."""
    return "".join(
        word.upper() if word == "id" else word.capitalize()
        for word in COLLECTIONS[endpoint].id_attribute.split("_")
    )


def as_resume_point(value):
    """A resume point kept as JSON (``[isoformat, id]``) or built by hand, as
    ``resume_point`` makes them: ``(aware UTC datetime, lower-case id)``; None stays None."""
    if not value:
        return None
    moment, object_id = value
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return (as_utc(moment), str(object_id).lower())


def resume_since(after):
    """If-Modified-Since for a resume point: a whole second before it, so that it holds
    whether Xero compares to the second or to the millisecond, inclusive or not."""
    if not after:
        return None
    return after[0].replace(microsecond=0) - timedelta(seconds=1)


def any_of(field, values):
    """A ``where`` condition: ``field`` equals one of ``values`` (plain codes, e.g. Types)."""
    for value in values:
        if not str(value).replace("_", "").isalnum():
            raise ValueError("Not a code: %r" % (value,))
    conditions = ['%s=="%s"' % (field, value) for value in values]
    return conditions[0] if len(conditions) == 1 else "(%s)" % " OR ".join(conditions)


def split_at_last_instant(objects):
    """``(objects before the last UpdatedDateUTC, objects at it)`` of objects in order."""
    last = updated_utc(objects[-1]) if objects else None
    cut = len(objects)
    while cut and updated_utc(objects[cut - 1]) == last:
        cut -= 1
    return objects[:cut], objects[cut:]


# -- batch results ----------------------------------------------------------------------------
def element_result(index, element):
    errors = messages_of(getattr(element, "validation_errors", None))
    failed = (
        bool(errors)
        or getattr(element, "status_attribute_string", None) == "ERROR"
        or bool(
            getattr(element, "has_errors", False)
            or getattr(element, "has_validation_errors", False)
        )
    )
    if failed and not errors:
        errors = [_("Xero refused this record without saying why.")]
    return ElementResult(
        ok=not failed,
        data=element,
        errors=errors,
        index=index,
        warnings=messages_of(getattr(element, "warnings", None)),
    )


def messages_of(validation_errors):
    return [mask(v.message) for v in validation_errors or [] if getattr(v, "message", None)]


# -- idempotency ------------------------------------------------------------------------------
def idempotency_key_for(endpoint, scope, body, params):
    """``{endpoint}-{sha256}`` of who sends (``scope``) and exactly what: the endpoint, the
    call's parameters and the serialised body, as canonical JSON."""
    if scope in (None, "", [], (), {}):
        raise ValueError("save() needs an idempotency scope: who sends what")
    try:
        material = canonical_json(
            {"scope": scope, "endpoint": endpoint, "params": params, "body": body}
        )
    except (TypeError, ValueError) as exc:
        raise ValueError("The idempotency scope must be JSON-serialisable: %s" % exc) from None
    # At most 79 characters ("PurchaseOrders-" and 64 hex digits): Xero allows 128.
    return "%s-%s" % (endpoint, hashlib.sha256(material.encode("utf-8")).hexdigest())


def canonical_json(value):
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


# -- errors -----------------------------------------------------------------------------------
def error_from_api_exception(exc):
    """The ``XeroError`` for an SDK exception (HTTP status, or SSL failure without one)."""
    response = exc.http_resp
    status = getattr(response, "status", None) or None
    if status is None:
        return TransientError(_("A secure connection to Xero could not be made: try again later."))
    return error_from_answer(status, response.getheaders(), response.data)


def error_from_network(exc):
    reason = getattr(exc, "reason", None) or exc
    # NewConnectionError is a ConnectTimeoutError in urllib3 1.26: test it first.
    if isinstance(reason, (urllib3.exceptions.NewConnectionError, ConnectionRefusedError)):
        message = _("Xero could not be reached: check the network, then try again later.")
    elif isinstance(reason, (urllib3.exceptions.TimeoutError, TimeoutError)):
        message = _(
            "Xero did not answer in time: try again later (a write may have been saved; "
            "retrying with the same idempotency key is safe)."
        )
    else:
        message = _(
            "The connection to Xero dropped before its answer arrived: try again later "
            "(retrying with the same idempotency key is safe)."
        )
    # The failure's class name follows the sentence untranslated (no msgid of its own).
    return TransientError(
        Message("%(message)s [%(error)s]", {"message": message, "error": type(reason).__name__})
    )
