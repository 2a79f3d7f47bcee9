# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import api, fields, models

from xero_client.mappings.document import xero_totals

from ..models.xero_sync_mixin import XeroDataError

LINE_COLUMNS = (
    ("Description", "Description"),
    ("ItemCode", "Item"),
    ("Quantity", "Quantity"),
    ("UnitAmount", "Unit price"),
    ("DiscountRate", "Discount %"),
    ("AccountCode", "Account"),
    ("TaxType", "Tax type"),
    ("TaxAmount", "Tax"),
    ("LineAmount", "Amount"),
    ("Tracking", "Tracking"),
)


class XeroDocumentPreview(models.TransientModel):
    """What one invoice, bill or credit note would be in Xero, worked out without calling
    Xero: the place where an error is explained before it happens."""

    _name = "xero.document.preview"
    _description = "Preview of a document for Xero"

    move_id = fields.Many2one("account.move", required=True, readonly=True, ondelete="cascade")
    error = fields.Text(compute="_compute_preview")
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    @api.depends("move_id")
    def _compute_preview(self):
        for wizard in self:
            wizard.error, wizard.preview = False, False
            try:
                payload = wizard.move_id._xero_preview_payload()
            except XeroDataError as error:
                wizard.error = str(error)
                continue
            wizard.preview = render(payload, wizard.move_id)


def render(payload, move):
    number = payload.get("InvoiceNumber") or payload.get("CreditNoteNumber") or ""
    subtotal, tax, total = xero_totals(payload)
    rows = Markup("").join(render_line(line) for line in payload["LineItems"])
    header = Markup("").join(Markup("<th>%s</th>") % label for _key, label in LINE_COLUMNS)
    facts = [
        ("Type", payload["Type"]),
        ("Contact", move.commercial_partner_id.display_name),
        ("Number", number),
        ("Reference", payload.get("Reference") or ""),
        ("Date", payload["Date"]),
        ("Due date", payload.get("DueDate") or ""),
        ("Currency", payload["CurrencyCode"]),
        ("Currency rate", payload.get("CurrencyRate") or ""),
        ("Amounts are", payload["LineAmountTypes"]),
        ("Status", payload.get("Status") or "as Xero has it"),
        ("Update of", payload.get("InvoiceID") or payload.get("CreditNoteID") or "new document"),
    ]
    fact_rows = Markup("").join(
        Markup("<tr><th>%s</th><td>%s</td></tr>") % (label, value) for label, value in facts
    )
    totals = Markup(
        "<table class='table table-sm o_xero_totals'><tr><th></th><th>Xero</th><th>Odoo</th></tr>"
        "<tr><th>SubTotal</th><td>%s</td><td>%s</td></tr>"
        "<tr><th>TotalTax</th><td>%s</td><td>%s</td></tr>"
        "<tr><th>Total</th><td>%s</td><td>%s</td></tr></table>"
    ) % (
        subtotal,
        "%.2f" % move.amount_untaxed,
        tax,
        "%.2f" % move.amount_tax,
        total,
        "%.2f" % move.amount_total,
    )
    return (
        Markup("<table class='table table-sm o_xero_header'>%s</table>") % fact_rows
        + Markup(
            "<table class='table table-sm o_xero_lines'><thead><tr>%s</tr></thead>"
            "<tbody>%s</tbody></table>"
        )
        % (header, rows)
        + totals
    )


def render_line(line):
    cells = []
    for key, _label in LINE_COLUMNS:
        value = line.get(key, "")
        if key == "Tracking" and value:
            value = ", ".join("%s: %s" % (t["Name"], t["Option"]) for t in value)
        cells.append(Markup("<td>%s</td>") % escape(value))
    return Markup("<tr>%s</tr>") % Markup("").join(cells)
