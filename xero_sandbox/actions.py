"""Sandbox-only actions, outside Xero's paths: what a person would do in Xero's own screens,
and the knobs tests turn (limits, faults, clock, reset, request log)."""

import uuid

from .errors import ElementInvalid
from .money import cents, dec
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
        """A Xero user applies an overpayment or a prepayment (``kind``: Overpayments or
        Prepayments) of the invoice's contact to it, as Xero's screens do: the invoice lists
        it with its AppliedAmount, counts it in AmountCredited and owes that much less."""
        org = self.org(tenant_id)
        invoice = org.get("Invoices", invoice_id)
        if not invoice:
            raise ActionError("Unknown invoice %s" % invoice_id)
        value = cents(dec(amount if amount is not None else invoice["AmountDue"]))
        if invoice["Status"] != "AUTHORISED" or not 0 < value <= dec(invoice["AmountDue"]):
            raise ActionError("Only an approved invoice's amount due can be credited")

        def apply(ctx):
            id_field = "OverpaymentID" if kind == "Overpayments" else "PrepaymentID"
            entry = {
                id_field: str(uuid.uuid4()),
                "AppliedAmount": value,
                "Date": date or ctx.today.isoformat(),
                "Total": value,
            }
            updated = dict(invoice, **{kind: list(invoice.get(kind, [])) + [entry]})
            resource = RESOURCES["invoices"]
            resource.settle(ctx, updated)
            if updated["AmountDue"] == 0:
                updated["Status"] = "PAID"
                updated["FullyPaidOnDate"] = entry["Date"]
            ctx.touch(updated)
            org.put("Invoices", updated, "InvoiceID")
            ctx.event(resource, updated, False)
            return updated

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

    def register_app(self, client_id, client_secret=None, redirect_uris=None, name=None):
        if not client_id:
            raise ActionError("client_id is required")
        with self.state.lock:
            self.state.apps[client_id] = {
                "client_secret": client_secret,
                "redirect_uris": redirect_uris,
                "name": name or client_id,
            }
        self.state.save()
        return {"client_id": client_id, "redirect_uris": redirect_uris}

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


def positive_int(key, value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ActionError("%s must be a whole number" % key) from None
    if number < 0:
        raise ActionError("%s must not be negative" % key)
    return number
