"""Sandbox-only actions, outside Xero's paths: what a person would do in Xero's own screens,
and the knobs tests turn (limits, faults, clock, reset, request log)."""

import uuid
from datetime import date

from . import books
from .errors import ElementInvalid
from .identity import CUSTOM_CONNECTION_SCOPES, GRANULAR_SCOPES, is_custom_connection
from .resources import RESOURCES
from .resources.base import Context

EDITABLE_ENDPOINTS = {"contacts", "invoices", "creditnotes", "purchaseorders", "items"}
LIMIT_KEYS = {"concurrent", "per_minute", "per_day", "app_per_minute"}
AUTH_KEYS = {"access_token_seconds", "refresh_grace_seconds", "refresh_token_days"}
SETTING_KEYS = {"idempotency_seconds"}


class ActionError(ValueError):
    pass


class Actions:
    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.state = sandbox.state

    def org(self, tenant_id):
        org = self.state.org(tenant_id)
        if not org:
            raise ActionError("Unknown tenant %s" % tenant_id)
        return org

    def write(self, org, fn):
        """Run ``fn(ctx)`` as one change in Xero's UI: all or nothing, then webhooks."""
        ctx = Context(org, self.sandbox.clock, user="Sandbox user")
        with org.lock:
            org.begin()
            try:
                result = fn(ctx)
            except ElementInvalid as exc:
                org.rollback_to(0)
                raise ActionError("; ".join(exc.messages)) from exc
            finally:
                org.end()
        self.state.save(org)
        self.sandbox.webhooks.publish(org.tenant_id, ctx.events)
        return ctx, result

    def pay_invoice(
        self,
        tenant_id,
        invoice_id,
        amount=None,
        date=None,
        account_code=None,
        reference="Paid in the Xero sandbox",
    ):
        org = self.org(tenant_id)
        invoice = org.get("Invoices", invoice_id)
        if not invoice:
            raise ActionError("Unknown invoice %s" % invoice_id)
        bank = account_code or next(
            a["Code"] for a in org.settings["Accounts"] if a["Type"] == "BANK"
        )
        element = {
            "Invoice": {"InvoiceID": invoice["InvoiceID"]},
            "Account": {"Code": bank},
            "Amount": amount if amount is not None else invoice.get("AmountDue"),
            "Reference": reference,
        }
        if date:
            element["Date"] = date
        ctx, payment = self.write(org, lambda c: RESOURCES["payments"].upsert(c, element, "PUT"))
        return RESOURCES["payments"].present(ctx, payment)

    def apply_credit(self, tenant_id, invoice_id, kind, amount, date=None):
        """A Xero user records an overpayment or a prepayment (``kind``: Overpayments or
        Prepayments) from the invoice's contact and applies it to the invoice, as Xero's
        screens do: the same bank transaction and allocation as PUT /BankTransactions and PUT
        /{kind}/{id}/Allocations make, so the invoice lists it with its AppliedAmount, counts
        it in AmountCredited and owes that much less."""
        org = self.org(tenant_id)
        invoice = org.get("Invoices", invoice_id)
        if not invoice:
            raise ActionError("Unknown invoice %s" % invoice_id)
        value = amount if amount is not None else invoice["AmountDue"]
        advances = RESOURCES[kind.lower()]

        def apply(ctx):
            element = advance_for(org, invoice, advances, value, date)
            made = RESOURCES["banktransactions"].upsert(ctx, element, "PUT")
            allocation = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": value}
            advances.allocate(ctx, made["BankTransactionID"], dict(allocation, Date=date))
            return org.get("Invoices", invoice["InvoiceID"])

        ctx, updated = self.write(org, apply)
        return RESOURCES["invoices"].present(ctx, updated)

    def edit(self, tenant_id, endpoint, object_id, changes):
        endpoint = endpoint.lower()
        if endpoint not in EDITABLE_ENDPOINTS:
            raise ActionError("Editable objects: %s" % ", ".join(sorted(EDITABLE_ENDPOINTS)))
        resource = RESOURCES[endpoint]
        org = self.org(tenant_id)
        if not org.get(resource.endpoint, object_id):
            raise ActionError("Unknown %s %s" % (resource.label, object_id))
        element = dict(changes, **{resource.id_field: object_id})
        ctx, obj = self.write(org, lambda c: resource.upsert(c, element, "POST"))
        return resource.present(ctx, obj)

    def set_lock_dates(self, tenant_id, values):
        """The organisation's PeriodLockDate and EndOfYearLockDate (ISO days; null: none), as
        an adviser sets them in Xero's financial settings."""
        org = self.org(tenant_id)
        with org.lock:
            try:
                books.set_lock_dates(org, values)
            except ValueError as exc:
                raise ActionError(str(exc)) from None
        self.state.save(org)
        return {field: org.settings["Organisation"].get(field) for field, _ in books.LOCK_DATES}

    def set_day_rate(self, tenant_id, values):
        """The rate feed's ``rate`` for ``currency`` (units per unit of the base currency) on
        ``date``, or on every day without one: what a payment or a document without a
        CurrencyRate takes."""
        org = self.org(tenant_id)
        try:
            on_day = date.fromisoformat(values["date"]) if values.get("date") else None
            with org.lock:
                books.set_day_rate(org, values["currency"], values["rate"], on_day)
        except (KeyError, TypeError, ValueError) as exc:
            raise ActionError(
                "A day rate needs a currency and a rate above zero: %s" % exc
            ) from None
        self.state.save(org)
        return {"currency": values["currency"], "rate": str(values["rate"])}

    def held(self, tenant_id, collection):
        """What the organisation holds, as stored, for tests in another process."""
        org = self.org(tenant_id)
        if collection not in org.data:
            raise ActionError("Collections: %s" % ", ".join(sorted(org.data)))
        with org.lock:
            return [
                {k: v for k, v in obj.items() if not k.startswith("_")}
                for obj in org.all(collection)
            ]

    def add_objects(self, tenant_id, collection, elements):
        """New objects made at once, as a Xero user imports a file of contacts or items in
        Xero's screens: all or none, outside the Accounting API and its rate limits (to fill
        an organisation before a test counts the calls)."""
        endpoint = collection.lower()
        if endpoint not in EDITABLE_ENDPOINTS:
            raise ActionError("Objects added: %s" % ", ".join(sorted(EDITABLE_ENDPOINTS)))
        if not isinstance(elements, list):
            raise ActionError('The body must be {"%s": [...]}' % collection)
        resource = RESOURCES[endpoint]
        org = self.org(tenant_id)

        def add(ctx):
            return [resource.upsert(ctx, element, "PUT") for element in elements]

        _ctx, made = self.write(org, add)
        return {"added": len(made), "ids": [obj[resource.id_field] for obj in made]}

    def set_limits(self, values):
        for key, value in values.items():
            if key in LIMIT_KEYS:
                self.state.limits[key] = positive_int(key, value)
            elif key in AUTH_KEYS:
                self.state.auth[key] = positive_int(key, value)
            elif key in SETTING_KEYS:
                self.state.settings[key] = positive_int(key, value)
            elif key == "clock_speed":
                self.sandbox.clock.set_speed(float(value))
            elif key == "validate_responses":
                self.sandbox.validate_responses = bool(value)
            else:
                raise ActionError("Unknown limit %s" % key)
        return self.limits()

    def limits(self):
        return dict(
            self.state.limits,
            **self.state.auth,
            **self.state.settings,
            clock_speed=self.sandbox.clock.speed,
            validate_responses=self.sandbox.validate_responses,
        )

    def expire_access_tokens(self):
        now = self.sandbox.clock.time()
        with self.state.lock:
            for token in self.state.access_tokens.values():
                token["expires_at"] = min(token["expires_at"], now - 1)

    def register_app(
        self,
        client_id,
        client_secret=None,
        redirect_uris=None,
        name=None,
        custom_connection_tenant=None,
        scopes=None,
    ):
        """An app as made on developer.xero.com. With ``custom_connection_tenant`` it is a
        custom connection already authorised for that one organisation (by the email Xero
        sends its user), with ``scopes`` (default: every granular accounting scope)."""
        if not client_id:
            raise ActionError("client_id is required")
        app = {
            "client_secret": client_secret,
            "redirect_uris": redirect_uris,
            "name": name or client_id,
        }
        if custom_connection_tenant:
            app.update(self.custom_connection(custom_connection_tenant, redirect_uris, scopes))
        elif scopes is not None:
            raise ActionError("scopes are set on a custom connection only")
        with self.state.lock:
            previous = self.state.apps.get(client_id) or {}
            self.state.apps[client_id] = app
            if is_custom_connection(previous) or is_custom_connection(app):
                # A custom connection changed is authorised again, to its organisation only.
                self.state.connections = [
                    c for c in self.state.connections if c["client_id"] != client_id
                ]
            if is_custom_connection(app):
                self.sandbox.identity.connect(
                    client_id, app["custom_connection_tenant"], str(uuid.uuid4())
                )
        self.state.save()
        answer = {"client_id": client_id, "redirect_uris": app["redirect_uris"]}
        answer.update({k: app[k] for k in ("custom_connection_tenant", "scopes") if k in app})
        return answer

    def custom_connection(self, tenant_id, redirect_uris, scopes):
        """A custom connection's part of its app: no redirect URI (there is no user to send
        back) and scopes the sandbox knows."""
        if redirect_uris:
            raise ActionError("A custom connection has no redirect URIs")
        scopes = sorted(CUSTOM_CONNECTION_SCOPES) if scopes is None else scopes
        if not isinstance(scopes, list) or not scopes:
            raise ActionError("scopes must be a list of scopes")
        unknown = [s for s in scopes if not isinstance(s, str) or s not in GRANULAR_SCOPES]
        if unknown:
            raise ActionError("Unknown scopes: %s" % " ".join(map(str, unknown)))
        return {
            "redirect_uris": [],
            "custom_connection_tenant": self.org(tenant_id).tenant_id,
            "scopes": list(dict.fromkeys(scopes)),
        }

    def tenants(self):
        return [
            {
                "tenantId": o.tenant_id,
                "name": o.name,
                "shortCode": o.short_code,
                "country": o.settings["Organisation"]["CountryCode"],
                "baseCurrency": o.base_currency,
                "counts": {name: len(items) for name, items in o.data.items()},
            }
            for o in self.state.orgs.values()
        ]


def advance_for(org, invoice, advances, amount, on_date):
    """The bank transaction that receives (pays) ``amount`` in advance from (to) the
    invoice's contact, in its currency, into the first bank account; a prepayment's line takes
    the invoice's first account."""
    side = "RECEIVE" if invoice["Type"] == "ACCREC" else "SPEND"
    banks = [a for a in org.settings["Accounts"] if a["Type"] == "BANK"]
    bank = next((a for a in banks if a.get("CurrencyCode") == invoice["CurrencyCode"]), banks[0])
    if advances.endpoint == "Prepayments" and bank.get("CurrencyCode") != invoice["CurrencyCode"]:
        # Xero takes a prepayment in its bank account's currency only.
        raise ActionError(
            "%s has no %s bank account: a prepayment in %s cannot be applied to this invoice"
            % (org.name, invoice["CurrencyCode"], invoice["CurrencyCode"])
        )
    line = {"Description": "%s applied in Xero" % advances.label, "LineAmount": amount}
    codes = [li["AccountCode"] for li in invoice["LineItems"] if li.get("AccountCode")]
    if advances.endpoint == "Prepayments" and codes:
        line["AccountCode"] = codes[0]
    element = {
        "Type": "%s-%s" % (side, advances.label.upper()),
        "Contact": {"ContactID": invoice["Contact"]["ContactID"]},
        "BankAccount": {"Code": bank["Code"]},
        "CurrencyCode": invoice["CurrencyCode"],
        "CurrencyRate": invoice.get("CurrencyRate"),
        "LineAmountTypes": "NoTax",
        "LineItems": [line],
    }
    if on_date:
        element["Date"] = on_date
    return element


def positive_int(key, value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ActionError("%s must be a whole number" % key) from None
    if number < 0:
        raise ActionError("%s must not be negative" % key)
    return number
