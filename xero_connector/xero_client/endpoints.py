"""Where Xero lives: the identity service, the Accounting API and the web app."""

from dataclasses import dataclass
from urllib.parse import quote

DEFAULT_SCOPES = (
    "openid profile email offline_access accounting.contacts accounting.settings "
    "accounting.invoices accounting.payments accounting.attachments"
)

DEEP_LINK_PATHS = {
    "contact": "/Contacts/View/{id}",
    "invoice": "/AccountsReceivable/View.aspx?InvoiceID={id}",
    "bill": "/AccountsPayable/View.aspx?InvoiceID={id}",
    "purchase_order": "/Accounts/Payable/PurchaseOrders/View/{id}",
    "credit_note": "/AccountsReceivable/ViewCreditNote.aspx?creditNoteID={id}",
    "bill_credit_note": "/AccountsPayable/ViewCreditNote.aspx?creditNoteID={id}",
}


@dataclass(frozen=True)
class XeroEndpoints:
    authorize_url: str = "https://login.xero.com/identity/connect/authorize"
    token_url: str = "https://identity.xero.com/connect/token"
    revoke_url: str = "https://identity.xero.com/connect/revocation"
    connections_url: str = "https://api.xero.com/connections"
    api_url: str = "https://api.xero.com/api.xro/2.0"
    web_url: str = "https://go.xero.com"

    @classmethod
    def for_host(cls, base_url):
        """All endpoints on one host laid out like the sandbox (``base_url`` + Xero's paths)."""
        base = base_url.rstrip("/")
        return cls(
            authorize_url=base + "/identity/connect/authorize",
            token_url=base + "/connect/token",
            revoke_url=base + "/connect/revocation",
            connections_url=base + "/connections",
            api_url=base + "/api.xro/2.0",
            web_url=base,
        )

    def deep_link(self, short_code, kind, object_id):
        """The URL that opens ``object_id`` in Xero's web app, in the organisation it belongs to."""
        try:
            path = DEEP_LINK_PATHS[kind].format(id=object_id)
        except KeyError:
            raise ValueError("Unknown deep link kind %r" % (kind,)) from None
        return "%s/organisationlogin/default.aspx?shortcode=%s&redirecturl=%s" % (
            self.web_url,
            quote(short_code, safe="!"),
            quote(path, safe=""),
        )
