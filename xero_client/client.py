"""The Accounting API through the official SDK (``xero_python``), with Xero's failures mapped
to ``xero_client.errors`` and no hidden retries or sleeps."""

import hashlib
import http.client
import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import timezone

import urllib3
import xero_python
from xero_python.accounting import (
    AccountingApi,
    Contacts,
    CreditNotes,
    Invoices,
    Items,
    PurchaseOrders,
)
from xero_python.api_client import ApiClient, Configuration
from xero_python.exceptions import ApiException

from .errors import AuthError, RateLimited, RequestRejected, TransientError, XeroError
from .masking import get_logger, log, mask, remember_secret

_logger = get_logger(__name__)

DEFAULT_TIMEOUT = (5, 30)
MAX_BATCH = 50
PAGE_SIZE = 100
MAX_IDEMPOTENCY_KEY = 128
MAX_WHERE_TERMS = 40
MAX_WHERE_CHARS = 2000
ITEM_UNIT_DECIMALS = 4
LIMIT_HEADERS = ("X-MinLimit-Remaining", "X-DayLimit-Remaining", "X-AppMinLimit-Remaining")
# endpoint -> (SDK method, SDK collection model, its list attribute)
SAVE_METHODS = {
    "Contacts": ("update_or_create_contacts", Contacts, "contacts"),
    "Invoices": ("update_or_create_invoices", Invoices, "invoices"),
    "CreditNotes": ("update_or_create_credit_notes", CreditNotes, "credit_notes"),
    "PurchaseOrders": ("update_or_create_purchase_orders", PurchaseOrders, "purchase_orders"),
    "Items": ("update_or_create_items", Items, "items"),
}
NETWORK_ERRORS = (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)
LIMIT_NAMES = {
    "minute": "per-minute",
    "day": "daily",
    "concurrent": "concurrent-call",
    "appminute": "app-wide per-minute",
}


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


class XeroClient:
    """The Accounting API of one organisation (tenant), with one access token."""

    def __init__(self, endpoints, access_token, tenant_id, timeout=DEFAULT_TIMEOUT, logger=None):
        remember_secret(access_token)
        self.endpoints = endpoints
        self.tenant_id = tenant_id
        self.timeout = timeout_pair(timeout)
        self.logger = logger or _logger
        self.limits = {}
        self.api_client = build_api_client(access_token)
        self.accounting = AccountingApi(self.api_client, base_url=endpoints.api_url)

    # -- reads ----------------------------------------------------------------------------------
    def get_organisation(self):
        return self.call("get_organisations").organisations[0]

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
        params = {"page": page, "include_archived": include_archived}
        if order:
            params["order"] = order
        if page_size != PAGE_SIZE:
            params["page_size"] = page_size
        if if_modified_since:
            params["if_modified_since"] = as_utc_naive(if_modified_since)
        if where:
            params["where"] = where
        if ids:
            params["i_ds"] = list(ids)
        return self.call("get_contacts", **params).contacts or []

    def iter_contacts(
        self, if_modified_since=None, include_archived=True, where=None, page_size=PAGE_SIZE
    ):
        """Pages (lists of contacts) until a short page; one call per page."""
        page = 1
        while True:
            contacts = self.get_contacts(
                page, if_modified_since, include_archived, where, page_size=page_size
            )
            if contacts:
                yield contacts
            if len(contacts) < page_size:
                return
            page += 1

    def find_contacts(self, names=(), emails=(), tax_numbers=()):
        """Contacts (archived too) whose name, email or tax number equals one given (case and
        spaces aside): one call per 40 values."""
        wanted = {
            "Name": normalised_set(names),
            "EmailAddress": normalised_set(emails),
            "TaxNumber": normalised_set(tax_numbers),
        }
        found = {}
        for where in where_chunks(equality_terms(names, emails, tax_numbers)):
            for page in self.iter_contacts(where=where):
                for contact in page:
                    found.setdefault(contact.contact_id, contact)
        return [c for c in found.values() if matches_any(c, wanted)]

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
        params = {"unitdp": ITEM_UNIT_DECIMALS}
        if if_modified_since:
            params["if_modified_since"] = as_utc_naive(if_modified_since)
        if where:
            params["where"] = where
        return self.call("get_items", **params).items or []

    def find_items(self, codes):
        """Items whose code is exactly one given (outer spaces aside): one call per 40 codes."""
        wanted = {code for code in (str(c or "").strip() for c in codes) if code}
        terms = [equality_term("Code", code) for code in sorted(wanted)]
        found = {}
        for where in where_chunks(term for term in terms if term):
            for item in self.get_items(where=where):
                found.setdefault(item.item_id, item)
        return [item for item in found.values() if (item.code or "").strip() in wanted]

    # -- writes ---------------------------------------------------------------------------------
    def save_contacts(self, contacts, idempotency_key):
        return self.save("Contacts", contacts, idempotency_key)

    def save_items(self, items, idempotency_key):
        """``save("Items", ...)`` with unit prices kept to 4 decimals."""
        return self.save("Items", items, idempotency_key, unitdp=ITEM_UNIT_DECIMALS)

    def save(self, endpoint, elements, idempotency_key, **params):
        """POST (update or create) up to 50 elements with ``summarizeErrors=false``: one
        ``ElementResult`` per element, in order. Extra SDK parameters (e.g. ``unitdp=4``) pass
        through."""
        if endpoint not in SAVE_METHODS:
            raise ValueError("save() writes %s, not %r" % (", ".join(SAVE_METHODS), endpoint))
        if len(elements) > MAX_BATCH:
            raise ValueError("At most %d elements per call, got %d" % (MAX_BATCH, len(elements)))
        if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
            raise ValueError("The idempotency key must be 1 to 128 characters long")
        if not elements:
            return []
        method, collection, attribute = SAVE_METHODS[endpoint]
        answer = self.call(
            method,
            collection(**{attribute: list(elements)}),
            summarize_errors=False,
            idempotency_key=idempotency_key,
            **params,
        )
        returned = getattr(answer, attribute) or []
        if len(returned) != len(elements):
            raise XeroError(
                "Xero answered %d records for the %d sent: check them in Xero "
                "before sending them again." % (len(returned), len(elements))
            )
        return [element_result(index, element) for index, element in enumerate(returned)]

    # -- the call pipeline ----------------------------------------------------------------------
    def call(self, method_name, *args, **kwargs):
        """``AccountingApi.<method_name>(tenant_id, *args, **kwargs)`` with our timeout, the
        rate-limit headers remembered and every failure raised as a ``XeroError``."""
        method = getattr(self.accounting, method_name)
        started = time.monotonic()
        try:
            data, status, headers = method(
                self.tenant_id,
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
        return data

    def remember_limits(self, headers):
        for name in LIMIT_HEADERS:
            value = headers.get(name) if headers else None
            if value is not None and value.strip().lstrip("-").isdigit():
                self.limits[name] = int(value)

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


# -- building the SDK client ------------------------------------------------------------------
def build_api_client(access_token):
    """An SDK ApiClient that sends ``access_token`` and never retries or sleeps on its own."""
    # Configuration() hands out copies of the first instance ever built in the process,
    # whatever arguments it gets, and the first call sets that default for everyone: build a
    # fresh one past its metaclass instead, with our own auth object.
    configuration = type.__call__(Configuration)
    configuration.oauth2_token = StaticBearer(access_token)
    api_client = ApiClient(configuration, pool_threads=1)
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


def as_utc_naive(moment):
    """Xero reads If-Modified-Since as UTC; Odoo datetimes are naive UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def elapsed_ms(started):
    return int((time.monotonic() - started) * 1000)


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
        errors = ["Xero refused this record without saying why."]
    return ElementResult(
        ok=not failed,
        data=element,
        errors=errors,
        index=index,
        warnings=messages_of(getattr(element, "warnings", None)),
    )


def messages_of(validation_errors):
    return [mask(v.message) for v in validation_errors or [] if getattr(v, "message", None)]


# -- where filters for find_contacts ----------------------------------------------------------
def normalised(value):
    return " ".join(str(value or "").split()).casefold()


def normalised_set(values):
    return {normalised(v) for v in values if normalised(v)}


def equality_terms(names, emails, tax_numbers):
    terms = []
    for field_name, values in (
        ("Name", names),
        ("EmailAddress", emails),
        ("TaxNumber", tax_numbers),
    ):
        for value in dict.fromkeys(" ".join(str(v or "").split()) for v in values):
            term = equality_term(field_name, value)
            if term and term not in terms:
                terms.append(term)
    return terms


def equality_term(field_name, value):
    """``Field=="value"``; a value holding ``"`` or ``\\`` becomes a case-insensitive
    Contains() on its longest plain fragment (the caller keeps exact matches only).

    Xero's where parser has no working escape for a double quote (XeroAPI/Xero-Java#347: both
    ``\\"`` and ``\\\\"`` give a QueryParseException), so quotes never go into the filter.
    """
    if not value:
        return None
    if '"' not in value and "\\" not in value:
        return '%s=="%s"' % (field_name, value)
    fragment = max(re.split(r'["\\]', value), key=len).strip().lower()
    if not fragment:
        return None
    return '(%s!=null AND %s.ToLower().Contains("%s"))' % (field_name, field_name, fragment)


def where_chunks(terms):
    """OR'ed where filters of at most 40 terms and about 2,000 characters each."""
    chunk, size = [], 0
    for term in terms:
        if chunk and (len(chunk) >= MAX_WHERE_TERMS or size + len(term) > MAX_WHERE_CHARS):
            yield " OR ".join(chunk)
            chunk, size = [], 0
        chunk.append(term)
        size += len(term) + 4
    if chunk:
        yield " OR ".join(chunk)


def matches_any(contact, wanted):
    return (
        normalised(contact.name) in wanted["Name"]
        or normalised(contact.email_address) in wanted["EmailAddress"]
        or normalised(contact.tax_number) in wanted["TaxNumber"]
    )


# -- idempotency ------------------------------------------------------------------------------
def idempotency_key(company_key, model, revisions):
    """A key for one batch write: the same (record id, revision) pairs give the same key.

    The pairs are sorted, so build the batch in a stable order (by record id) too: Xero refuses
    a key reused for a different body.
    """
    pairs = sorted((str(record_id), str(revision)) for record_id, revision in revisions)
    payload = json.dumps([str(company_key), str(model), pairs], separators=(",", ":"))
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    prefix = re.sub(r"[^A-Za-z0-9_.-]", "_", str(model))[:40]
    return ("%s-%s" % (prefix, digest))[:MAX_IDEMPOTENCY_KEY]


# -- errors -----------------------------------------------------------------------------------
def error_from_api_exception(exc):
    """The ``XeroError`` for an SDK exception (HTTP status, or SSL failure without one)."""
    response = exc.http_resp
    status = getattr(response, "status", None) or None
    if status is None:
        return TransientError("A secure connection to Xero could not be made: try again later.")
    headers = response.getheaders() or {}
    body = json_body(response)
    if status == 429 or (status == 503 and headers.get("X-Rate-Limit-Problem")):
        return rate_limited(headers, status)
    if status in (401, 403):
        return auth_error(status, body)
    if status >= 500:
        return TransientError(
            "Xero is unavailable right now (HTTP %s): try again later." % status, status
        )
    if status == 400:
        errors = validation_messages(body)
        return RequestRejected(
            "Xero rejected the request: %s" % "; ".join(errors[:5]), status, errors
        )
    return other_rejection(status, body)


def json_body(response):
    try:
        body = json.loads(response.data or b"{}")
    except (TypeError, ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def rate_limited(headers, status):
    problem = (headers.get("X-Rate-Limit-Problem") or "minute").strip().lower()
    retry_after = int_or(headers.get("Retry-After"), 60)
    limit = LIMIT_NAMES.get(problem, problem)
    if retry_after >= 3600:
        wait = "about %d hours" % round(retry_after / 3600)
    else:
        wait = "%d seconds" % retry_after
    return RateLimited(
        "Xero's %s call limit for this organisation is reached: the sync can "
        "resume in %s." % (limit, wait),
        retry_after,
        problem,
        status,
    )


def auth_error(status, body):
    detail = str(body.get("Detail") or body.get("Message") or "")
    if status == 403:
        return AuthError(
            "This Xero organisation is no longer connected to the app (or its "
            "subscription lapsed): reconnect it in the Xero settings.",
            status,
            reason="tenant_disconnected",
        )
    if detail.startswith("TokenExpired"):
        return AuthError(
            "The Xero access token has expired: it must be refreshed.",
            status,
            reason="token_expired",
        )
    if detail.startswith("AuthorizationUnsuccessful"):
        return AuthError(
            "The Xero connection lacks the permission (scope) this needs: "
            "reconnect the organisation to grant it.",
            status,
            reason="missing_scope",
        )
    return AuthError(
        "Xero refused the access token (revoked or invalid): reconnect the Xero organisation.",
        status,
        reason="token_invalid",
    )


def validation_messages(body):
    messages = [
        str(error.get("Message"))
        for element in body.get("Elements") or []
        if isinstance(element, dict)
        for error in element.get("ValidationErrors") or []
        if isinstance(error, dict) and error.get("Message")
    ]
    if not messages:
        messages = [
            str(body.get("Message") or body.get("Detail") or "the request is not valid (HTTP 400)")
        ]
    return list(dict.fromkeys(messages))


def other_rejection(status, body):
    if status == 404:
        message = (
            "Xero has no such record (it may have been deleted in Xero), or the address is wrong."
        )
    elif status == 413:
        message = "The request is too large for Xero: send fewer records at once."
    else:
        detail = body.get("Detail") or body.get("Message") or body.get("Title") or ""
        message = "Xero refused the request (HTTP %s)%s" % (
            status,
            ": %s" % detail if detail else ".",
        )
    return RequestRejected(message, status)


def error_from_network(exc):
    reason = getattr(exc, "reason", None) or exc
    # NewConnectionError is a ConnectTimeoutError in urllib3 1.26: test it first.
    if isinstance(reason, (urllib3.exceptions.NewConnectionError, ConnectionRefusedError)):
        message = "Xero could not be reached: check the network, then try again later."
    elif isinstance(reason, (urllib3.exceptions.TimeoutError, TimeoutError)):
        message = (
            "Xero did not answer in time: try again later (a write may have been saved; "
            "retrying with the same idempotency key is safe)."
        )
    else:
        message = (
            "The connection to Xero dropped before its answer arrived: try again later "
            "(retrying with the same idempotency key is safe)."
        )
    return TransientError("%s [%s]" % (message, type(reason).__name__))


def int_or(value, default):
    try:
        return max(0, int(float(value)))
    except (TypeError, ValueError):
        return default
