# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.xero_sync_mixin import XeroDataError
from ..xero_client.mappings.document import xero_totals

NUMBER_KEYS = ("InvoiceNumber", "CreditNoteNumber", "PurchaseOrderNumber")
ID_KEYS = ("InvoiceID", "CreditNoteID", "PurchaseOrderID")
ALWAYS_SHOWN = ("Number", "Reference", "Update of")
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
    """What one invoice, bill, credit note or purchase order would be in Xero, worked out
    without calling Xero: the place where an error is explained before it happens."""

    _name = "xero.document.preview"
    _description = "Preview of a document for Xero"

    res_model = fields.Char(string="Document model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", required=True, readonly=True
    )
    document_name = fields.Char(string="Document name", compute="_compute_preview")
    error = fields.Text(compute="_compute_preview")
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    @api.constrains("res_model")
    def _check_res_model(self):
        documents = self.pool.descendants(["xero.document.mixin"], "_inherit")
        for wizard in self:
            if wizard.res_model == "xero.document.mixin" or wizard.res_model not in documents:
                raise ValidationError(
                    self.env._("%(model)s is not a document sent to Xero.", model=wizard.res_model)
                )

    def _document(self):
        return self.env[self.res_model].browse(self.res_id).exists()

    @api.depends("res_model", "res_id")
    def _compute_preview(self):
        for wizard in self:
            document = wizard._document()
            wizard.document_name = document.display_name
            wizard.error, wizard.preview = False, False
            if not document:
                wizard.error = self.env._("The document no longer exists.")
                continue
            try:
                payload = document._xero_preview_payload()
            except XeroDataError as error:
                wizard.error = str(error)
                continue
            wizard.preview = render(payload, document)


def render(payload, document):
    number = next((payload[k] for k in NUMBER_KEYS if payload.get(k)), "")
    subtotal, tax, total = xero_totals(payload)
    rows = Markup("").join(render_line(line) for line in payload["LineItems"])
    header = Markup("").join(Markup("<th>%s</th>") % label for _key, label in LINE_COLUMNS)
    facts = [
        ("Type", payload.get("Type") or "Purchase order"),
        ("Contact", document._xero_contact().display_name),
        ("Number", number),
        ("Reference", payload.get("Reference") or ""),
        ("Date", payload["Date"]),
        ("Due date", payload.get("DueDate") or ""),
        ("Delivery date", payload.get("DeliveryDate") or ""),
        ("Delivery address", payload.get("DeliveryAddress") or ""),
        ("Currency", payload["CurrencyCode"]),
        ("Currency rate", payload.get("CurrencyRate") or ""),
        ("Amounts are", payload["LineAmountTypes"]),
        ("Status", payload.get("Status") or "as Xero has it"),
        ("Update of", next((payload[k] for k in ID_KEYS if payload.get(k)), "new document")),
    ]
    facts = [(label, value) for label, value in facts if value or label in ALWAYS_SHOWN]
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
        "%.2f" % document.amount_untaxed,
        tax,
        "%.2f" % document.amount_tax,
        total,
        "%.2f" % document.amount_total,
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
