"""A plain HTML view of each organisation, so that "View in Xero" links of a sandbox
connection open something real. Deep links use Xero's own shape:
``/organisationlogin/default.aspx?shortcode=...&redirecturl=/AccountsReceivable/View.aspx?InvoiceID=...``

Online invoices (what a customer sees, ``https://in.xero.com/<token>`` in Xero) are served at
``/in/<token>``; ``GET /Invoices/{id}/OnlineInvoice`` gives their address.

An invoice's or bill's page has what a person presses in Xero to get money in or out:
*Approve* on a draft or one awaiting approval, *Pay* (into the organisation's first bank
account) on an approved one. Their forms post to ``.../<id>/approve`` and ``.../<id>/pay``.
"""

import hashlib
import html
import re
import string

from werkzeug.wrappers import Response

PAGES = {
    # page: (collection, title, filter, columns)
    "contacts": (
        "Contacts",
        "Contacts",
        None,
        ("Name", "EmailAddress", "AccountNumber", "TaxNumber", "ContactStatus"),
    ),
    "invoices": (
        "Invoices",
        "Invoices",
        ("Type", "ACCREC"),
        ("InvoiceNumber", "Contact.Name", "Date", "DueDate", "Total", "AmountDue", "Status"),
    ),
    "bills": (
        "Invoices",
        "Bills",
        ("Type", "ACCPAY"),
        ("InvoiceNumber", "Contact.Name", "Date", "DueDate", "Total", "AmountDue", "Status"),
    ),
    "purchaseorders": (
        "PurchaseOrders",
        "Purchase orders",
        None,
        ("PurchaseOrderNumber", "Contact.Name", "Date", "Total", "Status"),
    ),
    "creditnotes": (
        "CreditNotes",
        "Credit notes",
        None,
        ("CreditNoteNumber", "Type", "Contact.Name", "Date", "Total", "RemainingCredit", "Status"),
    ),
}
GUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}"
)
# The pages whose objects can be approved and paid from their page (see ``invoice_actions``).
PAYABLE_PAGES = ("invoices", "bills")
APPROVABLE_STATUSES = ("DRAFT", "SUBMITTED")
TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 40  # as Xero's online invoice tokens
# The statuses of a sales invoice its customer can see online (see handlers.get_online_invoice).
ONLINE_STATUSES = ("AUTHORISED", "PAID", "VOIDED")
STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
    "nav a{margin-right:1em}.status{font-weight:bold}"
)


class HtmlView:
    def __init__(self, state):
        self.state = state

    def index(self):
        rows = "".join(
            "<li>%s (%s, %s) &mdash; %s</li>"
            % (
                esc(o.name),
                esc(o.settings["Organisation"]["CountryCode"]),
                esc(o.base_currency),
                nav(o),
            )
            for o in self.state.orgs.values()
        )
        return page("Xero sandbox", "<p>Organisations:</p><ul>%s</ul>" % rows)

    def listing(self, tenant_id, page_name):
        org = self.state.org(tenant_id)
        if not org or page_name not in PAGES:
            return not_found_page()
        collection, title, type_filter, columns = PAGES[page_name]
        objects = [
            o
            for o in org.all(collection)
            if not type_filter or o.get(type_filter[0]) == type_filter[1]
        ]
        id_field = id_field_of(collection)
        head = "".join("<th>%s</th>" % esc(c.split(".")[0]) for c in columns)
        body = "".join(
            "<tr>%s</tr>"
            % "".join(
                '<td><a href="/sandbox/ui/%s/%s/%s">%s</a></td>'
                % (org.tenant_id, page_name, o[id_field], esc(value(o, c)))
                if i == 0
                else "<td>%s</td>" % esc(value(o, c))
                for i, c in enumerate(columns)
            )
            for o in objects
        )
        content = "%s<h2>%s</h2><table><tr>%s</tr>%s</table>" % (nav(org), title, head, body)
        return page("%s - %s" % (org.name, title), content)

    def detail(self, tenant_id, page_name, object_id):
        org = self.state.org(tenant_id)
        if not org or page_name not in PAGES:
            return not_found_page()
        collection = PAGES[page_name][0]
        obj = org.get(collection, object_id)
        if not obj:
            return not_found_page()
        fields = "".join(
            "<tr><th>%s</th><td>%s</td></tr>" % (esc(k), esc(render(v)))
            for k, v in obj.items()
            if not k.startswith("_") and k not in ("LineItems", "ContactPersons")
        )
        lines = lines_table(obj.get("LineItems") or [])
        history = "".join(
            "<li>%s: %s</li>" % (esc(h["Changes"]), esc(h["Details"]))
            for h in org.history_of(collection, obj[id_field_of(collection)])
        )
        attachments = "".join(
            "<li>%s (%s bytes)</li>" % (esc(a["FileName"]), a["ContentLength"])
            for a in org.attachments_of(collection, obj[id_field_of(collection)])
        )
        title = (
            obj.get("Name")
            or obj.get("InvoiceNumber")
            or obj.get("PurchaseOrderNumber")
            or obj.get("CreditNoteNumber")
            or object_id
        )
        content = (
            '%s<h2>%s</h2><p class="status">%s</p>%s<table>%s</table>%s'
            "<h3>Attachments</h3><ul>%s</ul><h3>History</h3><ul>%s</ul>"
        ) % (
            nav(org),
            esc(title),
            esc(obj.get("Status") or obj.get("ContactStatus") or ""),
            invoice_actions(org, page_name, obj) if page_name in PAYABLE_PAGES else "",
            fields,
            lines,
            attachments,
            history,
        )
        return page("%s - %s" % (org.name, title), content)

    def online_invoice(self, token):
        """The online invoice behind ``token``, while its invoice can be seen online."""
        for org in list(self.state.orgs.values()):
            for invoice in org.all("Invoices"):
                if online_invoice_token(org.tenant_id, invoice["InvoiceID"]) != token:
                    continue
                if invoice["Type"] != "ACCREC" or invoice["Status"] not in ONLINE_STATUSES:
                    return not_found_page()
                return online_invoice_page(org, invoice)
        return not_found_page()

    def deep_link(self, request):
        org = self.state.org_by_short_code(request.args.get("shortcode", ""))
        if not org:
            return not_found_page()
        target = request.args.get("redirecturl", "")
        match = GUID_RE.search(target)
        if not match:
            return redirect("/sandbox/ui/%s/contacts" % org.tenant_id)
        object_id = match.group(0).lower()
        for page_name, (collection, _title, type_filter, _columns) in PAGES.items():
            obj = org.get(collection, object_id)
            if obj and (not type_filter or obj.get(type_filter[0]) == type_filter[1]):
                return redirect("/sandbox/ui/%s/%s/%s" % (org.tenant_id, page_name, object_id))
        return not_found_page()


def invoice_actions(org, page_name, invoice):
    """The Approve button of a draft (or one awaiting approval), the Pay form of an approved
    invoice with an amount due (the whole of it unless told less)."""
    action = "/sandbox/ui/%s/%s/%s/" % (org.tenant_id, page_name, invoice["InvoiceID"])
    if invoice["Status"] in APPROVABLE_STATUSES:
        return '<form method="post" action="%sapprove"><button>Approve</button></form>' % action
    if invoice["Status"] == "AUTHORISED" and float(invoice.get("AmountDue") or 0) > 0:
        return (
            '<form method="post" action="%spay">Amount <input name="amount" value="%s"> '
            "<button>Pay</button> (into the organisation's bank account)</form>"
        ) % (action, esc(invoice["AmountDue"]))
    return ""


def refused_page(message, back):
    """What an Approve or a Pay that Xero would refuse says instead, with a way back."""
    content = '<p>%s</p><p><a href="%s">Back</a></p>' % (esc(message), esc(back))
    response = page("Refused", content)
    response.status_code = 400
    return response


def online_invoice_token(tenant_id, invoice_id):
    """The online invoice's address token: the same for an invoice every time it is asked
    for, and unguessable from its ID without the tenant's."""
    digest = hashlib.sha256(("online-invoice/%s/%s" % (tenant_id, invoice_id)).encode()).digest()
    number, chars = int.from_bytes(digest, "big"), []
    for _ in range(TOKEN_LENGTH):
        number, index = divmod(number, len(TOKEN_ALPHABET))
        chars.append(TOKEN_ALPHABET[index])
    return "".join(chars)


def online_invoice_page(org, invoice):
    """What the customer sees: the invoice, its amounts and the files sent with it."""
    contact = org.get("Contacts", invoice["Contact"]["ContactID"]) or invoice["Contact"]
    columns = ("Description", "Quantity", "UnitAmount", "DiscountRate", "TaxAmount", "LineAmount")
    head = "".join("<th>%s</th>" % c for c in columns)
    rows = "".join(
        "<tr>%s</tr>"
        % "".join(
            "<td>%s</td>" % esc(value(line, c) if figures or c == "Description" else "")
            for c in columns
        )
        for line in invoice.get("LineItems") or []
        for figures in [line.get("Quantity") or line.get("UnitAmount") or line.get("LineAmount")]
    )
    totals = "".join(
        "<tr><th>%s</th><td>%s %s</td></tr>"
        % (label, esc(invoice.get(field, "")), esc(invoice["CurrencyCode"]))
        for field, label in (
            ("SubTotal", "Subtotal"),
            ("TotalTax", "Total tax"),
            ("Total", "Total"),
            ("AmountPaid", "Paid"),
            ("AmountDue", "Amount due"),
        )
    )
    files = "".join(
        "<li>%s</li>" % esc(a["FileName"])
        for a in org.attachments_of("Invoices", invoice["InvoiceID"])
        if a.get("IncludeOnline")
    )
    notice = {"PAID": "This invoice has been paid.", "VOIDED": "This invoice has been voided."}
    content = (
        '<h2>Invoice %s</h2><p class="status">%s</p><p>From %s to %s</p>'
        "<p>Issued %s, due %s. Reference: %s</p>"
        '<table class="lines"><tr>%s</tr>%s</table><table class="totals">%s</table>'
        "<h3>Attachments</h3><ul>%s</ul>"
    ) % (
        esc(invoice.get("InvoiceNumber", "")),
        esc(notice.get(invoice["Status"], "Awaiting payment")),
        esc(org.name),
        esc(contact.get("Name", "")),
        esc(invoice.get("Date", "")[:10]),
        esc((invoice.get("DueDate") or "")[:10]),
        esc(invoice.get("Reference") or ""),
        head,
        rows,
        totals,
        files,
    )
    return page("%s - Invoice %s" % (org.name, invoice.get("InvoiceNumber", "")), content)


def id_field_of(collection):
    return {
        "Contacts": "ContactID",
        "Invoices": "InvoiceID",
        "CreditNotes": "CreditNoteID",
        "PurchaseOrders": "PurchaseOrderID",
    }[collection]


def value(obj, path):
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return "" if obj is None else obj


def render(value_):
    if isinstance(value_, dict):
        return ", ".join("%s: %s" % (k, render(v)) for k, v in value_.items())
    if isinstance(value_, list):
        return "; ".join(render(v) for v in value_)
    return "" if value_ is None else value_


def lines_table(lines):
    if not lines:
        return ""
    columns = (
        "Description",
        "Quantity",
        "UnitAmount",
        "DiscountRate",
        "AccountCode",
        "TaxType",
        "TaxAmount",
        "LineAmount",
        "Tracking",
    )
    head = "".join("<th>%s</th>" % c for c in columns)
    rows = "".join(
        "<tr>%s</tr>"
        % "".join(
            "<td>%s</td>"
            % esc(
                render([t.get("Option") for t in line.get(c) or []])
                if c == "Tracking"
                else value(line, c)
            )
            for c in columns
        )
        for line in lines
    )
    return "<h3>Lines</h3><table><tr>%s</tr>%s</table>" % (head, rows)


def nav(org):
    return "<nav>%s</nav>" % "".join(
        '<a href="/sandbox/ui/%s/%s">%s</a>' % (org.tenant_id, name, spec[1])
        for name, spec in PAGES.items()
    )


def esc(value_):
    return html.escape(str(value_))


def page(title, content):
    body = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title><style>%s'
        '</style></head><body><h1><a href="/sandbox/ui">Xero sandbox</a></h1>%s</body></html>'
        % (esc(title), STYLE, content)
    )
    return Response(body, content_type="text/html; charset=utf-8")


def not_found_page():
    response = page("Not found", "<p>Nothing here.</p>")
    response.status_code = 404
    return response


def redirect(location, status=302):
    return Response(status=status, headers={"Location": location})
