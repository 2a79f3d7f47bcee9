"""A plain HTML view of each organisation, so that "View in Xero" links of a sandbox
connection open something real. Deep links use Xero's own shape:
``/organisationlogin/default.aspx?shortcode=...&redirecturl=/AccountsReceivable/View.aspx?InvoiceID=...``
"""

import html
import re

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
            '%s<h2>%s</h2><p class="status">%s</p><table>%s</table>%s'
            "<h3>Attachments</h3><ul>%s</ul><h3>History</h3><ul>%s</ul>"
        ) % (
            nav(org),
            esc(title),
            esc(obj.get("Status") or obj.get("ContactStatus") or ""),
            fields,
            lines,
            attachments,
            history,
        )
        return page("%s - %s" % (org.name, title), content)

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


def redirect(location):
    return Response(status=302, headers={"Location": location})
