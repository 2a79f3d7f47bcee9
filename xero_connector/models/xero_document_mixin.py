# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from xero_client.mappings.common import text

from .xero_document_line_mixin import amount
from .xero_sync_mixin import XeroDataError

# How far along Xero's approval a status is: a send never takes a document back.
STATUS_RANK = {"DRAFT": 0, "SUBMITTED": 1, "AUTHORISED": 2, "PAID": 3, "BILLED": 3}
CLOSED = ("VOIDED", "DELETED")


class XeroDocumentMixin(models.AbstractModel):
    """What the documents sent to Xero (invoices, bills, credit notes, purchase orders)
    share on top of the sync engine: their lines, their status and their totals."""

    _name = "xero.document.mixin"
    _inherit = "xero.sync.mixin"
    _description = "Document sent to Xero"

    def _xero_document_lines(self):
        """The lines whose taxes and products the batch reads at once."""
        raise NotImplementedError

    def _xero_status_wanted(self, connection):
        """The status the company wants documents of this kind to have in Xero."""
        raise NotImplementedError

    def _xero_prepare_all(self, connection):
        # The batch's lines, taxes and products in a few queries, not a few per document.
        lines = self._xero_document_lines()
        lines.mapped("tax_ids").mapped("xero_tax_rate_id")
        lines.product_id.mapped("default_code")
        return super()._xero_prepare_all(connection)

    def _xero_status_to_send(self, connection):
        """The company's status, unless Xero's is already further along (None: Xero keeps
        its own)."""
        wanted = self._xero_status_wanted(connection)
        if STATUS_RANK.get(self.xero_status, -1) >= STATUS_RANK[wanted]:
            return None
        return wanted

    def _xero_values_of_lines(self, connection, lines, *args):
        """Each line's values for the document mapping, an error naming the line."""
        values = []
        for position, line in enumerate(lines, 1):
            label = self.env._(
                "Line %(position)s (%(line)s)", position=position, line=text(line.name)[:40]
            )
            try:
                values.append(line._xero_line_values(connection, *args, label))
            except XeroDataError as error:
                raise XeroDataError(
                    self.env._("%(line)s: %(error)s", line=label, error=error)
                ) from None
        return values

    def _xero_store_answers(self, connection, results, number_attribute):
        """Xero's number and status on each document (a few statements for the batch), and
        its totals checked against Odoo's to the cent: a difference is an error."""
        numbers, by_status = {}, {}
        for document, answer in results.items():
            numbers[document.id] = getattr(answer, number_attribute) or None
            by_status.setdefault(answer.status, []).append(document.id)
        self._xero_store_column("xero_number", numbers)
        for status, ids in by_status.items():
            self.browse(ids)._xero_write({"xero_status": status})
        for document, answer in results.items():
            if answer.status in CLOSED:
                continue
            odoo = tuple(
                amount(v)
                for v in (document.amount_untaxed, document.amount_tax, document.amount_total)
            )
            xero = tuple(amount(getattr(answer, f)) for f in ("sub_total", "total_tax", "total"))
            if odoo != xero:
                document._xero_mark_error(
                    connection,
                    self.env._(
                        "In Xero, but its totals differ from Odoo's: Xero has %(xero)s, Odoo "
                        "%(odoo)s (untaxed, tax, total).",
                        xero=" / ".join(map(str, xero)),
                        odoo=" / ".join(map(str, odoo)),
                    ),
                    "update",
                )
