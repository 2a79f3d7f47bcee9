# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

DOCUMENT_TYPES = [
    ("ACCREC", "Sales invoice"),
    ("ACCPAY", "Bill"),
    ("ACCRECCREDIT", "Sales credit note"),
    ("ACCPAYCREDIT", "Supplier credit note"),
]
# The statuses in which a document counts in sales: approved, paid or not. Drafts, those
# awaiting approval, voided and deleted ones count for nothing.
COUNTED_STATUSES = ("AUTHORISED", "PAID")
# An invoice due on day D is overdue in Xero from midnight ending D in the organisation's
# time zone: at the latest (UTC-12) D + 1 day + 12 hours UTC. Its contact's balances are read
# again once that moment has passed.
SURELY_OVERDUE_AFTER = timedelta(hours=36)


class XeroContactDocument(models.Model):
    """What the partner summary keeps of each Xero invoice, bill and credit note it was told
    about (the hourly poll of what changed, and a one-off backfill): whose it is, its type,
    status and date, its subtotal and what is left due. One row per Xero document, however
    often it is read.

    The subtotal is kept as Xero gives it (the document's currency) and in the organisation's
    base currency (``SubTotal / CurrencyRate``, Xero's rate being units of the document's
    currency per unit of the base currency, rounded to the cent): sales are summed in the
    base currency, the company's."""

    _name = "xero.contact.document"
    _description = "Xero document known for the partner summary"
    _order = "date desc, id desc"

    connection_id = fields.Many2one(
        "xero.connection", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    xero_id = fields.Char(string="Xero document ID", required=True, readonly=True)
    contact_xero_id = fields.Char(string="Xero contact ID", required=True, index=True)
    document_type = fields.Selection(DOCUMENT_TYPES, required=True, readonly=True)
    status = fields.Char(readonly=True)
    date = fields.Date(readonly=True)
    due_date = fields.Date(readonly=True)
    currency_code = fields.Char(readonly=True)
    sub_total = fields.Float(readonly=True, help="As Xero gives it, in the document's currency.")
    base_sub_total = fields.Float(
        readonly=True, help="In the organisation's base currency, at the document's rate."
    )
    amount_due = fields.Float(
        readonly=True,
        help="What is left to pay (invoices) or of the credit (credit notes), in the "
        "document's currency.",
    )

    _xero_id_unique = models.Constraint(
        "unique(connection_id, xero_id)", "A Xero document is kept once per connection."
    )

    # -- what the poll says -------------------------------------------------------------------
    @api.model
    def _keep(self, connection, xero_documents):
        """Insert or refresh the rows of these Xero documents (SDK Invoices or CreditNotes,
        any Type) in one statement; returns the ContactIDs whose documents changed (a
        document read again as it was changes nothing; one moved to another contact
        changes both)."""
        rows = {}
        for document in xero_documents:
            row = document_row(document)
            if row:
                rows[row[0]] = row
        if not rows:
            return set()
        kept = self._kept_rows(connection, list(rows))
        changed = [row for xero_id, row in rows.items() if kept.get(xero_id) != row]
        if not changed:
            return set()
        values = [(connection.id, *row) for row in changed]
        try:
            self._upsert(values)
        except psycopg2.errors.SerializationFailure:
            # Another worker kept some of these since this transaction began: keep the
            # others, one by one (what it kept is as fresh as ours).
            for row in values:
                try:
                    self._upsert([row])
                except psycopg2.errors.SerializationFailure:
                    continue
        self.invalidate_model()
        return {row[1] for row in changed} | {kept[row[0]][1] for row in changed if row[0] in kept}

    @api.model
    def _kept_rows(self, connection, xero_ids):
        """{xero_id: row as ``document_row`` makes it} of the documents kept already."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT xero_id, contact_xero_id, document_type, status, date, due_date,
                       currency_code, sub_total, base_sub_total, amount_due
                  FROM xero_contact_document
                 WHERE connection_id = %s AND xero_id = ANY(%s)
                """,
                connection.id,
                xero_ids,
            )
        )
        return {
            row[0]: (*row[:7], *(float(v or 0) for v in row[7:])) for row in self.env.cr.fetchall()
        }

    @api.model
    def _upsert(self, values):
        self.flush_model()
        rows = SQL(", ").join(
            SQL("(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", *row) for row in values
        )
        with self.env.cr.savepoint(flush=False):
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO xero_contact_document (connection_id, xero_id, contact_xero_id,
                        document_type, status, date, due_date, currency_code, sub_total,
                        base_sub_total, amount_due)
                    VALUES %s
                    ON CONFLICT (connection_id, xero_id) DO UPDATE SET
                        contact_xero_id = EXCLUDED.contact_xero_id,
                        document_type = EXCLUDED.document_type,
                        status = EXCLUDED.status,
                        date = EXCLUDED.date,
                        due_date = EXCLUDED.due_date,
                        currency_code = EXCLUDED.currency_code,
                        sub_total = EXCLUDED.sub_total,
                        base_sub_total = EXCLUDED.base_sub_total,
                        amount_due = EXCLUDED.amount_due
                    """,
                    rows,
                )
            )

    # -- what the summary reads ---------------------------------------------------------------
    @api.model
    def _sales_figures(self, connection, contact_ids, year):
        """{ContactID: (date of the last sales invoice, sales of ``year``)} for those of
        ``contact_ids`` that have any: approved or paid sales invoices less sales credit
        notes, subtotals (tax excluded) in the base currency."""
        if not contact_ids:
            return {}
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT contact_xero_id,
                       MAX(date) FILTER (WHERE document_type = 'ACCREC'),
                       COALESCE(SUM(CASE WHEN document_type = 'ACCREC' THEN base_sub_total
                                         ELSE -base_sub_total END)
                                FILTER (WHERE date >= %(start)s AND date < %(end)s), 0)
                  FROM xero_contact_document
                 WHERE connection_id = %(connection)s
                   AND contact_xero_id = ANY(%(contacts)s)
                   AND document_type IN ('ACCREC', 'ACCRECCREDIT')
                   AND status IN %(statuses)s
              GROUP BY contact_xero_id
                """,
                start=date(year, 1, 1),
                end=date(year + 1, 1, 1),
                connection=connection.id,
                contacts=list(contact_ids),
                statuses=COUNTED_STATUSES,
            )
        )
        return {contact: (last, round(sales, 2)) for contact, last, sales in self.env.cr.fetchall()}

    @api.model
    def _fallen_overdue(self, connection, since, until):
        """The ContactIDs with an approved invoice or bill, still due, that became overdue in
        Xero between ``since`` and ``until`` (UTC datetimes), wherever the organisation is:
        its Balances changed, yet no document did."""
        after, up_to = ((moment - SURELY_OVERDUE_AFTER).date() for moment in (since, until))
        if up_to <= after:
            return set()
        groups = self._read_group(
            [
                ("connection_id", "=", connection.id),
                ("document_type", "in", ("ACCREC", "ACCPAY")),
                ("status", "=", "AUTHORISED"),
                ("amount_due", "!=", 0),
                ("due_date", ">", after),
                ("due_date", "<=", up_to),
            ],
            ["contact_xero_id"],
        )
        return {contact for (contact,) in groups}


def document_row(document):
    """(xero_id, contact_id, type, status, date, due date, currency, subtotal, subtotal in
    the base currency, amount due) of an SDK Invoice or CreditNote; None without a contact."""
    contact_id = getattr(getattr(document, "contact", None), "contact_id", None)
    document_id = getattr(document, "invoice_id", None) or document.credit_note_id
    if not contact_id or not document_id:
        return None
    document_type = code(document.type)
    credit = document_type.endswith("CREDIT")
    sub_total = Decimal(str(document.sub_total or 0))
    rate = Decimal(str(document.currency_rate or 0)) or Decimal(1)
    base = (sub_total / rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    due = document.remaining_credit if credit else document.amount_due
    return (
        str(document_id).lower(),
        str(contact_id).lower(),
        document_type,
        code(document.status),
        document.date or None,
        document.due_date or None,
        code(document.currency_code),
        float(sub_total),
        float(base),
        float(due or 0),
    )


def code(value):
    """An SDK enum's value (CurrencyCode.GBP), or the text as it is."""
    return getattr(value, "value", value) or None
