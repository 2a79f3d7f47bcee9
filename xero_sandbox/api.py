"""The request pipeline of the Accounting API, in the order Xero applies its checks:
authentication, tenant, scope, rate limits, injected faults, spec validation, idempotency,
the operation itself, then webhooks and the request log."""

import hashlib
import json
import socket
import time

from werkzeug.wrappers import Response

from . import handlers
from .encoding import BodyInvalid, dumps, parse_body
from .errors import (
    JSON_TYPE,
    XeroError,
    forbidden,
    not_found,
    post_data_invalid,
    problem,
    single_validation_error,
    unauthorized,
    validation_exception,
)
from .limits import RateLimited, too_many_requests
from .spec import SpecError, get_validator

# The header of the limit a rate_limit fault's X-Rate-Limit-Problem names.
LIMIT_SPENT = {
    "minute": "X-MinLimit-Remaining",
    "day": "X-DayLimit-Remaining",
    "appminute": "X-AppMinLimit-Remaining",
}

API_PREFIX = "/api.xro/2.0"
MAX_IDEMPOTENCY_KEY = 128
SCOPE_FAMILIES = {
    "Contacts": "contacts",
    "ContactGroups": "contacts",
    "Invoices": "invoices",
    "CreditNotes": "invoices",
    "PurchaseOrders": "invoices",
    "Quotes": "invoices",
    "RepeatingInvoices": "invoices",
    "Payments": "payments",
    "BatchPayments": "payments",
    "Overpayments": "payments",
    "Prepayments": "payments",
    "BankTransactions": "banktransactions",
    "BankTransfers": "banktransactions",
}
LEGACY_TRANSACTION_FAMILIES = {"invoices", "payments", "banktransactions"}
WRITE_METHODS = {"PUT", "POST", "DELETE"}

# Operations whose bodies Xero documents wrapped in a list, beside the declared form.
DOCUMENTED_WRAPPERS = {"deletePayment": "Payments"}


class DropConnection(Exception):
    """Raised after a write was applied, to close the socket without an answer."""


class AccountingAPI:
    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.state = sandbox.state
        self.validator = get_validator()

    def handle(self, request, api_path):
        started = time.monotonic()
        tenant_id = (request.headers.get("xero-tenant-id") or "").strip().lower()
        entry = {
            "method": request.method,
            "path": api_path,
            "tenant": tenant_id or None,
            "query": request.query_string.decode("latin-1")[:500],
            "idempotency_key": request.headers.get("Idempotency-Key"),
            "generation": self.sandbox.generation,
        }
        limited_tenant = None
        response = None
        operation = None
        try:
            token = self.sandbox.identity.authenticate(request)
            org = self.tenant(token, tenant_id)
            operation = self.operation(request, api_path)
            self.check_scope(token, request.method, operation)
            self.acquire(org.tenant_id)
            limited_tenant = org.tenant_id
            if request.method == "GET":
                self.sandbox.stats.read(org.tenant_id, api_path)
            fault = self.sandbox.faults.take(request.method, api_path, org.tenant_id)
            entry["fault"] = fault and fault["kind"]
            self.apply_fault_before(fault, request, org.tenant_id)
            body = self.validate(request, operation, org)
            response = self.run(request, operation, org, body, entry, self.slowness(fault))
            if fault and fault["kind"] == "drop_after_write":
                response = None
                raise DropConnection()
        except XeroError as error:
            response = self.error_answer(operation, error)
        finally:
            if limited_tenant:
                self.sandbox.limiter.release(limited_tenant)
            entry["status"] = response.status_code if response is not None else "dropped"
            entry["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
            self.sandbox.log_request(entry)
        if limited_tenant and response.status_code != 429:
            for name, value in self.sandbox.limiter.remaining(limited_tenant).items():
                response.headers[name] = str(value)
        return response

    # -- checks -----------------------------------------------------------------------------
    def tenant(self, token, tenant_id):
        """The organisation the call is for: the one ``xero-tenant-id`` names, or without it
        a custom connection's own (its token is bound to its one organisation, so Xero needs
        no header). Either must still be connected to the token's app."""
        org = self.state.org(tenant_id or token.get("tenant_id"))
        if not org or not self.sandbox.identity.is_connected(token, org.tenant_id):
            raise forbidden()
        return org

    def operation(self, request, api_path):
        operation = self.validator.match("accounting", request.method, api_path)
        if not operation:
            raise not_found()
        return operation

    def check_scope(self, token, method, operation):
        granted = set(token["scope"])
        if granted & acceptable_scopes(method, operation):
            return
        raise unauthorized("AuthorizationUnsuccessful")

    def acquire(self, tenant_id):
        try:
            self.sandbox.limiter.acquire(tenant_id)
        except RateLimited as limited:
            raise too_many_requests(limited, self.sandbox.limiter.remaining(tenant_id)) from None

    def apply_fault_before(self, fault, request, tenant_id):
        if not fault:
            return
        kind = fault["kind"]
        if kind in ("latency", "timeout"):
            time.sleep(
                self.sandbox.clock.real_seconds(fault["seconds"])
                if kind == "latency"
                else fault["seconds"]
            )
        if kind == "timeout":
            raise problem(504, "Gateway Timeout", "The request timed out.")
        if kind == "error":
            raise problem(
                fault["status"],
                error_title(fault["status"]),
                "Injected fault: the sandbox answered %s." % fault["status"],
            )
        if kind == "rate_limit":
            self.sandbox.stats.injected(tenant_id, fault["problem"])
            # The limit hit is spent; the others say what is really left, as Xero's do.
            remaining = dict(self.sandbox.limiter.remaining(tenant_id))
            remaining[LIMIT_SPENT[fault["problem"]]] = 0
            raise too_many_requests(RateLimited(fault["problem"], fault["retry_after"]), remaining)
        if kind == "drop_before_write":
            # The body read first: left in the socket, the server would take it for the next
            # request (and log it as a bad one) before the connection closes.
            request.get_data(cache=False)
            drop_socket(request)
            raise DropConnection()

    def slowness(self, fault):
        """Real seconds a ``slow`` fault makes the operation take, holding its organisation."""
        if not fault or fault["kind"] != "slow":
            return 0
        return self.sandbox.clock.real_seconds(fault["seconds"])

    def validate(self, request, operation, org):
        raw = request.get_data(cache=True)
        content_type = request.headers.get("Content-Type")
        if raw and request.mimetype == "application/json":
            try:
                body = parse_body(raw)
            except BodyInvalid as exc:
                raise post_data_invalid(str(exc)) from None
        else:
            body = None
        try:
            self.validator.validate_request(
                operation,
                request.args.to_dict(flat=False),
                spec_headers(request, org),
                unwrapped_body(operation, body, raw) or None,
                content_type,
            )
        except SpecError as exc:
            raise validation_exception(
                [{"ValidationErrors": [{"Message": message} for message in exc.errors]}]
            ) from None
        if (
            request.method in WRITE_METHODS
            and request.mimetype == "application/json"
            and not (isinstance(body, dict))
            and (raw or request.method != "DELETE")  # the SDK's DELETEs say JSON, send nothing
        ):
            raise post_data_invalid("The request body must be a JSON object")
        return body or {}

    # -- the operation, with idempotency ----------------------------------------------------
    def run(self, request, operation, org, body, entry, slowness=0):
        """The operation under the organisation's own lock: requests to one organisation wait
        for each other, never for another organisation's."""
        key = self.idempotency_key(request)
        call = None
        try:
            with org.lock:
                time.sleep(slowness)
                replayed = key is not None and self.replay(request, org, key, entry)
                if replayed:
                    return replayed
                call = handlers.Call(request, operation, org, self.sandbox.clock, body)
                response = self.respond(call)
                if key is not None and response.status_code < 500:
                    self.remember(request, org, key, response)
            return response
        finally:
            if call is not None:
                self.after_operation(org, call)

    def after_operation(self, org, call):
        """Outside the organisation's lock: keep what changed, and tell webhook receivers."""
        if call.writes:
            self.state.save(org)
        self.sandbox.webhooks.publish(org.tenant_id, call.ctx.events)

    @staticmethod
    def idempotency_key(request):
        key = request.headers.get("Idempotency-Key")
        if key is None or request.method not in WRITE_METHODS:
            return None
        if len(key) > MAX_IDEMPOTENCY_KEY or not key.strip():
            raise single_validation_error(
                "Idempotency-Key must be 1 to %d characters long" % MAX_IDEMPOTENCY_KEY
            )
        return key

    def replay(self, request, org, key, entry):
        """The first answer again, for a key still remembered; None for a new or expired one."""
        stored = org.remembered(key, self.sandbox.clock.time())
        if not stored:
            return None
        if stored["fingerprint"] != request_fingerprint(request):
            raise single_validation_error(
                "The Idempotency-Key %s was already used for a different request" % key
            )
        entry["replayed"] = True
        return Response(
            stored["body"],
            status=stored["status"],
            content_type=stored["content_type"],
            headers={"Idempotency-Replayed": "true"},
        )

    def remember(self, request, org, key, response):
        now = self.sandbox.clock.time()
        answer = {
            "fingerprint": request_fingerprint(request),
            "status": response.status_code,
            "body": response.get_data(),
            "content_type": response.content_type,
        }
        org.remember(key, answer, now + self.state.settings["idempotency_seconds"], now)

    def respond(self, call):
        """Dispatch, with the organisation's lock held by the caller."""
        status, payload = handlers.dispatch(call)
        return self.answer(call.operation, status, payload)

    def error_answer(self, operation, error):
        """``error`` as Xero sends it, checked against what the spec declares for its status."""
        violation = self.spec_violation(operation, error.status, error.raw_body, error.content_type)
        return (violation or error).response()

    def answer(self, operation, status, payload):
        """The handler's answer as a response, checked against the spec: JSON against its
        schema; no content (204) and a document's PDF against what the spec declares. (An
        attachment comes back with its own media type, where the spec says octet-stream, as
        Xero does: that one is not checked.)"""
        if payload is None:
            violation = self.media_violation(operation, status, None)
            if violation is not None:
                raise violation
            return Response(status=status)
        if isinstance(payload, handlers.RawBody):
            if payload.operation_id:
                described = self.described_by(operation, payload.operation_id)
                violation = self.media_violation(described, status, payload.mimetype)
                if violation is not None:
                    raise violation
            return Response(payload.content, status=status, content_type=payload.mimetype)
        if isinstance(payload, handlers.DescribedBy):
            operation = self.described_by(operation, payload.operation_id)
            payload = payload.payload
        raw = dumps(payload).encode()
        violation = self.spec_violation(operation, status, raw, "application/json")
        if violation is not None:
            raise violation
        return Response(raw, status=status, content_type=JSON_TYPE)

    def described_by(self, operation, operation_id):
        """The spec operation that declares an answer: the matched one unless named."""
        if not operation_id:
            return operation
        return self.validator.operation_by_id(operation.api, operation_id)

    def spec_violation(self, operation, status, raw, content_type):
        """A 500 problem when response validation is on and the spec does not declare this
        answer for ``status``; None otherwise."""
        return self.checked(
            operation, self.validator.validate_response, operation, status, raw, content_type
        )

    def media_violation(self, operation, status, content_type):
        """Like ``spec_violation``, for a file answer (``content_type``) or none (None)."""
        return self.checked(
            operation, self.validator.validate_media_type, operation, status, content_type
        )

    def checked(self, operation, check, *args):
        if operation is None or not self.sandbox.validate_responses:
            return None
        try:
            check(*args)
        except SpecError as exc:
            return problem(500, "Sandbox answer does not conform to the spec", exc.message)
        return None


def acceptable_scopes(method, operation):
    template = operation.path_template
    family = (
        "attachments"
        if "/Attachments" in template
        else SCOPE_FAMILIES.get(template.strip("/").split("/")[0], "settings")
    )
    names = {family}
    if family in LEGACY_TRANSACTION_FAMILIES:
        names.add("transactions")
    scopes = {"accounting." + name for name in names}
    if method == "GET":
        scopes |= {scope + ".read" for scope in scopes}
    return scopes


def spec_headers(request, org):
    """The headers as the description checks them: a custom connection's call names its
    organisation by its token, where the description wants a ``xero-tenant-id``."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    if not headers.get("xero-tenant-id", "").strip():
        headers["xero-tenant-id"] = org.tenant_id
    return headers


def request_fingerprint(request):
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string, request.get_data()):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def drop_socket(request):
    connection = request.environ.get("werkzeug.socket")
    if connection is None:
        return
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def error_title(status):
    return {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, "Error")


def unwrapped_body(operation, body, raw):
    """The raw body to check against the description: for a body Xero documents wrapped in
    a list its description does not declare (``{"Payments": [{"Status": "DELETED"}]}`` to
    delete a payment, on Xero's Payments page), the first element it wraps (the operation
    refuses more than one in Xero's words)."""
    wrapper = DOCUMENTED_WRAPPERS.get(operation.operation_id)
    elements = body.get(wrapper) if wrapper and isinstance(body, dict) else None
    if isinstance(elements, list) and elements and isinstance(elements[0], dict):
        return json.dumps(elements[0]).encode()
    return raw
