"""The WSGI application: routes Xero's identity and accounting paths and the sandbox's own."""

import json
import logging
import re

from werkzeug.wrappers import Request, Response

from . import html_view
from .actions import ActionError
from .api import API_PREFIX, DropConnection, drop_socket
from .errors import XeroError, json_response, problem, validation_exception
from .faults import FaultError
from .spec import SpecError

_logger = logging.getLogger(__name__)
CONNECTION_RE = re.compile(r"^/connections/([^/]+)$", re.IGNORECASE)
UI_RE = re.compile(r"^/sandbox/ui/([^/]+)/([a-z]+)(?:/([^/]+))?$")
UI_ACTION_RE = re.compile(r"^/sandbox/ui/([^/]+)/(invoices|bills)/([^/]+)/(approve|pay)$")
ONLINE_INVOICE_RE = re.compile(r"^/in/([A-Za-z0-9]+)$")
TENANT_DATA_RE = re.compile(r"^/sandbox/tenants/([^/]+)/data/([A-Za-z]+)$")
TENANT_BOOKS_RE = re.compile(r"^/sandbox/tenants/([^/]+)/(lock-dates|day-rates)$")
TENANT_ACTION_RE = re.compile(
    r"^/sandbox/tenants/([^/]+)/([A-Za-z]+)/([^/]+)(/pay|/apply-overpayment|/apply-prepayment)?$"
)
# What GET /sandbox/apps shows of an app (never its secret).
APP_FIELDS = ("redirect_uris", "custom_connection_tenant", "scopes")


class SandboxApp:
    def __init__(self, sandbox):
        self.sandbox = sandbox

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.route(request)
        except XeroError as error:
            response = error.response()
        except DropConnection:
            drop_socket(request)
            raise ConnectionAbortedError("connection dropped by an injected fault") from None
        except (ActionError, FaultError, ValueError) as error:
            response = json_response({"error": str(error)}, 400)
        except Exception:  # the sandbox must answer, never die, on bad input
            _logger.exception("Sandbox failure on %s %s", request.method, request.path)
            error = problem(500, "Internal Server Error", "The sandbox failed; see its log.")
            response = json_response(error.body, 500)
        return response(environ, start_response)

    def route(self, request):
        path = request.path
        lowered = path.lower()
        identity = self.sandbox.identity
        if lowered.startswith(API_PREFIX + "/"):
            return self.sandbox.api.handle(request, path[len(API_PREFIX) :])
        if lowered == "/identity/connect/authorize" and request.method in ("GET", "POST"):
            return identity.authorize(request)
        if lowered == "/connect/token" and request.method == "POST":
            return identity.token(request)
        if lowered == "/connect/revocation" and request.method == "POST":
            return identity.revoke(request)
        if lowered == "/connections" and request.method == "GET":
            self.validate_identity(request)
            return identity.list_connections(request)
        match = CONNECTION_RE.match(path)
        if match and request.method == "DELETE":
            self.validate_identity(request)
            return identity.delete_connection(request, match.group(1))
        if lowered == "/organisationlogin/default.aspx":
            return self.sandbox.html.deep_link(request)
        if path.startswith("/sandbox"):
            return self.sandbox_route(request)
        match = ONLINE_INVOICE_RE.match(path)
        if match and request.method == "GET":
            return self.sandbox.html.online_invoice(match.group(1))
        if path == "/":
            return Response(status=302, headers={"Location": "/sandbox/ui"})
        raise problem(404, "Not Found", "The resource you're looking for cannot be found")

    def validate_identity(self, request):
        validator = self.sandbox.api.validator
        operation = validator.match("identity", request.method, request.path)
        try:
            validator.validate_request(
                operation,
                request.args.to_dict(flat=False),
                request.headers,
                request.get_data() or None,
                request.headers.get("Content-Type"),
            )
        except SpecError as exc:
            raise validation_exception([{"ValidationErrors": [{"Message": exc.message}]}]) from None

    # -- sandbox-only paths -----------------------------------------------------------------
    def sandbox_route(self, request):
        sandbox, path, method = self.sandbox, request.path.rstrip("/"), request.method
        actions = sandbox.actions
        if path == "/sandbox/health":
            return json_response({"status": "ok", "tenants": len(sandbox.state.orgs)})
        if path == "/sandbox/ui":
            return sandbox.html.index()
        match = UI_ACTION_RE.match(path)
        if match and method == "POST":
            return self.ui_action(request, *match.groups())
        match = UI_RE.match(path)
        if match:
            tenant, page, object_id = match.groups()
            if object_id:
                return sandbox.html.detail(tenant, page, object_id)
            return sandbox.html.listing(tenant, page)
        body = self.json_body(request)
        routes = {
            ("POST", "/sandbox/reset"): lambda: sandbox.reset(
                seed=bool(body.get("seed")), authorisations=body.get("authorisations")
            ),
            ("GET", "/sandbox/authorisations"): sandbox.state.authorisations,
            ("GET", "/sandbox/tenants"): actions.tenants,
            ("POST", "/sandbox/tenants"): lambda: self.tenant_summary(
                sandbox.state.add_organisation(
                    body.get("name") or "New Company", body.get("country"), body.get("shortCode")
                )
            ),
            ("GET", "/sandbox/limits"): actions.limits,
            ("PUT", "/sandbox/limits"): lambda: actions.set_limits(body),
            ("POST", "/sandbox/clock"): lambda: sandbox.move_clock(body),
            ("GET", "/sandbox/faults"): lambda: sandbox.state.faults,
            ("POST", "/sandbox/faults"): lambda: sandbox.faults.add(body),
            ("DELETE", "/sandbox/faults"): lambda: sandbox.faults.clear() or [],
            ("GET", "/sandbox/requests"): lambda: list(sandbox.state.request_log),
            ("DELETE", "/sandbox/requests"): lambda: sandbox.clear_request_log() or [],
            ("GET", "/sandbox/calls"): lambda: sandbox.state.call_counts,
            ("GET", "/sandbox/stats"): sandbox.stats.snapshot,
            ("GET", "/sandbox/webhooks"): lambda: sandbox.webhook_status(),
            ("PUT", "/sandbox/webhooks"): lambda: sandbox.webhooks.configure(
                body.get("url"), body.get("key")
            ),
            ("POST", "/sandbox/webhooks/intent"): sandbox.webhooks.intent_to_receive,
            ("PUT", "/sandbox/webhooks/settings"): lambda: sandbox.webhooks.configure_settings(
                body
            ),
            ("POST", "/sandbox/webhooks/send"): lambda: sandbox.webhooks.send(body),
            ("GET", "/sandbox/apps"): lambda: {
                k: {f: v[f] for f in APP_FIELDS if f in v} for k, v in sandbox.state.apps.items()
            },
            ("POST", "/sandbox/apps"): lambda: actions.register_app(
                body.get("client_id"),
                body.get("client_secret"),
                body.get("redirect_uris"),
                body.get("name"),
                body.get("custom_connection_tenant"),
                body.get("scopes"),
            ),
            ("POST", "/sandbox/tokens/expire"): lambda: actions.expire_access_tokens() or {},
        }
        handler = routes.get((method, path))
        if handler:
            result = handler()
            return json_response(result if result is not None else {})
        match = TENANT_DATA_RE.match(path)
        if match and method == "GET":
            return json_response(actions.held(*match.groups()))
        if match and method == "POST":
            tenant, collection = match.groups()
            return json_response(actions.add_objects(tenant, collection, body.get(collection)))
        match = TENANT_BOOKS_RE.match(path)
        if match and method == "PUT":
            tenant, setting = match.groups()
            if setting == "lock-dates":
                return json_response(actions.set_lock_dates(tenant, body))
            return json_response(actions.set_day_rate(tenant, body))
        match = TENANT_ACTION_RE.match(path)
        if match and method == "POST":
            tenant, endpoint, object_id, pay = match.groups()
            if pay in ("/apply-overpayment", "/apply-prepayment"):
                return json_response(
                    actions.apply_credit(
                        tenant,
                        object_id,
                        "Overpayments" if pay == "/apply-overpayment" else "Prepayments",
                        body.get("amount"),
                        body.get("date"),
                    )
                )
            if pay:
                return json_response(
                    actions.pay_invoice(
                        tenant,
                        object_id,
                        body.get("amount"),
                        body.get("date"),
                        body.get("account_code"),
                    )
                )
            return json_response(actions.edit(tenant, endpoint, object_id, body))
        raise problem(404, "Not Found", "No sandbox action at %s %s" % (method, path))

    def ui_action(self, request, tenant, page, invoice_id, action):
        """Approve or Pay pressed on an invoice's page (see html_view): done as a Xero user
        would, then back to the page; what Xero would refuse, said on a page of its own."""
        actions = self.sandbox.actions
        invoice_page = "/sandbox/ui/%s/%s/%s" % (tenant, page, invoice_id)
        try:
            if action == "approve":
                actions.edit(tenant, "invoices", invoice_id, {"Status": "AUTHORISED"})
            else:
                actions.pay_invoice(tenant, invoice_id, request.form.get("amount") or None)
        except (ActionError, ValueError) as error:
            return html_view.refused_page(str(error), invoice_page)
        except XeroError as error:
            return html_view.refused_page(error.raw_body.decode(), invoice_page)
        return html_view.redirect(invoice_page, 303)

    @staticmethod
    def json_body(request):
        raw = request.get_data()
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise ActionError("The body must be JSON") from None
        if not isinstance(body, dict):
            raise ActionError("The body must be a JSON object")
        return body

    @staticmethod
    def tenant_summary(org):
        return {"tenantId": org.tenant_id, "name": org.name, "shortCode": org.short_code}
