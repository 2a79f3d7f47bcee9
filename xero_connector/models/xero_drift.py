# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from .account_move import DOCUMENT_TYPES

# Why a document's figures in Odoo and in Xero differ: the first that applies, in this order.
DRIFT_REASONS = [
    ("not_sent", "Not sent to Xero"),
    ("error", "Sent with an error"),
    ("changed_in_xero", "Changed in Xero"),
    ("not_recorded", "Paid in Xero, not recorded in Odoo"),
    ("voided_in_xero", "Voided or deleted in Xero"),
    ("rounding", "A cent of rounding"),
    ("total", "Total differs"),
    ("balance", "Balance differs"),
]
MOVE_TYPES = [
    ("out_invoice", "Customer Invoice"),
    ("in_invoice", "Vendor Bill"),
    ("out_refund", "Customer Credit Note"),
    ("in_refund", "Vendor Credit Note"),
]
# Partners whose open amounts in Odoo and Xero's outstanding differ by more than this (in the
# company's currency) are listed.
PARTNER_TOLERANCE = 0.01


def connected_companies():
    """The companies connected to Xero (one connection each)."""
    return SQL("SELECT DISTINCT company_id FROM xero_connection")


class XeroDrift(models.Model):
    """The month-end check that Odoo and Xero agree: each posted invoice, bill or credit note
    of a company connected to Xero whose total or balance in Odoo differs from Xero's, or
    that is not in Xero as it should be, with the reason. Documents that agree are not
    listed."""

    _name = "xero.drift"
    _description = "Drift between Odoo and Xero"
    _auto = False
    _rec_name = "name"
    _order = "invoice_date desc, move_id desc"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    name = fields.Char(string="Number", readonly=True)
    move_type = fields.Selection(MOVE_TYPES, string="Type", readonly=True)
    invoice_date = fields.Date(string="Date", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    odoo_total = fields.Monetary(string="Total in Odoo", readonly=True)
    xero_total = fields.Monetary(string="Total in Xero", readonly=True)
    total_difference = fields.Monetary(
        string="Total difference", readonly=True, help="Odoo's total less Xero's."
    )
    odoo_balance = fields.Monetary(
        string="Open in Odoo", readonly=True, help="What is still due in Odoo."
    )
    xero_balance = fields.Monetary(
        string="Due in Xero",
        readonly=True,
        help="What Xero says is still due (for a credit note: the credit left), as of the last "
        "import; its total for a document sent since.",
    )
    balance_difference = fields.Monetary(
        string="Balance difference", readonly=True, help="Odoo's open amount less Xero's."
    )
    xero_status = fields.Selection(
        [
            ("DRAFT", "Draft"),
            ("SUBMITTED", "Awaiting approval"),
            ("AUTHORISED", "Approved"),
            ("PAID", "Paid"),
            ("VOIDED", "Voided"),
            ("DELETED", "Deleted"),
        ],
        string="Status in Xero",
        readonly=True,
    )
    reason = fields.Selection(DRIFT_REASONS, readonly=True)
    detail = fields.Text(
        readonly=True,
        help="Xero's error, what was changed in Xero, or why a payment was not recorded.",
    )

    _depends = {
        "account.move": [
            "name",
            "state",
            "move_type",
            "company_id",
            "commercial_partner_id",
            "invoice_date",
            "currency_id",
            "amount_total",
            "amount_residual",
            "xero_id",
            "xero_state",
            "xero_error",
            "xero_status",
            "xero_amount_total",
            "xero_amount_due",
            "xero_changed_in_xero",
            "xero_changes",
        ],
        "xero.payment": ["move_id", "invoice_move_id", "state", "note"],
        "xero.connection": ["company_id"],
        "res.currency": ["rounding"],
    }

    def action_open_document(self):
        self.ensure_one()
        return self.move_id._get_records_action()

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT * FROM (
                SELECT f.*,
                       CASE
                           WHEN f.xero_id IS NULL AND f.xero_state IS DISTINCT FROM 'error'
                               THEN 'not_sent'
                           WHEN f.xero_state = 'error' THEN 'error'
                           WHEN f.xero_changed_in_xero THEN 'changed_in_xero'
                           WHEN f.unrecorded IS NOT NULL AND f.balance_differs
                               THEN 'not_recorded'
                           WHEN f.xero_status IN ('VOIDED', 'DELETED') THEN 'voided_in_xero'
                           WHEN (f.total_differs OR f.balance_differs)
                                AND ABS(f.total_difference) < f.cent * 1.5
                                AND ABS(f.balance_difference) < f.cent * 1.5
                               THEN 'rounding'
                           WHEN f.total_differs THEN 'total'
                           WHEN f.balance_differs THEN 'balance'
                       END AS reason,
                       CASE
                           WHEN f.xero_state = 'error' THEN f.xero_error
                           WHEN f.xero_changed_in_xero THEN f.xero_changes
                           ELSE f.unrecorded
                       END AS detail
                  FROM (
                    SELECT d.*,
                           ABS(d.total_difference) >= d.cent / 2 AS total_differs,
                           ABS(d.balance_difference) >= d.cent / 2 AS balance_differs
                      FROM (
                        SELECT m.id,
                               m.company_id,
                               m.commercial_partner_id AS partner_id,
                               m.id AS move_id,
                               m.name,
                               m.move_type,
                               m.invoice_date,
                               m.currency_id,
                               m.xero_id,
                               m.xero_state,
                               m.xero_error,
                               m.xero_status,
                               m.xero_changed_in_xero,
                               m.xero_changes,
                               currency.rounding AS cent,
                               m.amount_total AS odoo_total,
                               m.xero_amount_total AS xero_total,
                               m.amount_total - COALESCE(m.xero_amount_total, 0)
                                   AS total_difference,
                               m.amount_residual AS odoo_balance,
                               -- Xero's amount due is read by the import; until then, a
                               -- document just sent owes its total.
                               COALESCE(m.xero_amount_due, m.xero_amount_total) AS xero_balance,
                               m.amount_residual
                                   - COALESCE(m.xero_amount_due, m.xero_amount_total, 0)
                                   AS balance_difference,
                               unrecorded.notes AS unrecorded
                          FROM account_move m
                          JOIN (%(companies)s) connected ON connected.company_id = m.company_id
                          JOIN res_currency currency ON currency.id = m.currency_id
                          -- Xero's payments and allocations Odoo did not record, on the
                          -- document paid and on the invoice a credit note is allocated to.
                          LEFT JOIN (
                              SELECT u.move_id,
                                     string_agg(
                                         COALESCE(u.note, ''), E'\n' ORDER BY u.date, u.id
                                     ) AS notes
                                FROM (
                                  SELECT p.move_id, p.note, p.date, p.id
                                    FROM xero_payment p
                                   WHERE p.state = 'not_recorded'
                                  UNION ALL
                                  SELECT p.invoice_move_id, p.note, p.date, p.id
                                    FROM xero_payment p
                                   WHERE p.state = 'not_recorded'
                                     AND p.invoice_move_id IS NOT NULL
                                ) u
                               GROUP BY u.move_id
                          ) unrecorded ON unrecorded.move_id = m.id
                         WHERE m.state = 'posted' AND m.move_type IN %(types)s
                      ) d
                  ) f
            ) drift
            WHERE drift.reason IS NOT NULL
            """,
            companies=connected_companies(),
            types=DOCUMENT_TYPES,
        )


class XeroDriftPartner(models.Model):
    """Per partner linked to Xero: what Odoo has open on its customer and supplier side (its
    posted invoices and credit notes not yet paid) against what Xero reports outstanding in
    the partner summary, where they differ."""

    _name = "xero.drift.partner"
    _description = "Drift between Odoo and Xero, per partner"
    _auto = False
    _rec_name = "partner_id"
    _order = "partner_id"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    odoo_receivable = fields.Monetary(
        string="Receivable in Odoo",
        readonly=True,
        help="Open customer invoices less open customer credit notes, in Odoo.",
    )
    xero_receivable = fields.Monetary(
        string="Receivable in Xero", readonly=True, help="The partner summary's outstanding."
    )
    receivable_difference = fields.Monetary(readonly=True, help="Odoo's less Xero's.")
    odoo_payable = fields.Monetary(
        string="Payable in Odoo",
        readonly=True,
        help="Open vendor bills less open vendor credit notes, in Odoo.",
    )
    xero_payable = fields.Monetary(
        string="Payable in Xero", readonly=True, help="The partner summary's outstanding."
    )
    payable_difference = fields.Monetary(readonly=True, help="Odoo's less Xero's.")
    summary_at = fields.Datetime(string="Xero's figures as of", readonly=True)
    reason = fields.Selection([("summary_differs", "Outstanding differs")], readonly=True)

    _depends = {
        "account.move": [
            "state",
            "move_type",
            "company_id",
            "commercial_partner_id",
            "amount_residual_signed",
        ],
        "res.partner": [
            "xero_id",
            "xero_receivable_outstanding",
            "xero_payable_outstanding",
            "xero_summary_at",
        ],
        "xero.connection": ["company_id"],
        "res.company": ["currency_id"],
    }

    def action_open_documents(self):
        """The partner's documents that differ, in the drift report."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("xero_connector.action_xero_drift")
        action["domain"] = [
            ("partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        action["context"] = {}
        return action

    @property
    def _table_query(self):
        # The summary's figures are company-dependent: a jsonb object keyed by company id.
        return SQL(
            """
            SELECT x.*,
                   x.odoo_receivable - x.xero_receivable AS receivable_difference,
                   x.odoo_payable - x.xero_payable AS payable_difference,
                   'summary_differs' AS reason
              FROM (
                SELECT (linked.company_id::bigint << 32) + linked.partner_id AS id,
                       linked.company_id,
                       linked.partner_id,
                       company.currency_id,
                       COALESCE(odoo.receivable, 0) AS odoo_receivable,
                       linked.xero_receivable,
                       COALESCE(odoo.payable, 0) AS odoo_payable,
                       linked.xero_payable,
                       linked.summary_at
                  FROM (
                    SELECT connected.company_id,
                           p.id AS partner_id,
                           COALESCE(
                               (p.xero_receivable_outstanding ->> connected.company_id::text)
                                   ::numeric,
                               0
                           ) AS xero_receivable,
                           COALESCE(
                               (p.xero_payable_outstanding ->> connected.company_id::text)
                                   ::numeric,
                               0
                           ) AS xero_payable,
                           (p.xero_summary_at ->> connected.company_id::text)::timestamp
                               AS summary_at
                      FROM res_partner p
                      JOIN (%(companies)s) connected
                        ON p.xero_id ->> connected.company_id::text IS NOT NULL
                       AND p.xero_summary_at ->> connected.company_id::text IS NOT NULL
                  ) linked
                  JOIN res_company company ON company.id = linked.company_id
                  LEFT JOIN (
                    SELECT m.company_id,
                           m.commercial_partner_id AS partner_id,
                           SUM(m.amount_residual_signed)
                               FILTER (WHERE m.move_type IN ('out_invoice', 'out_refund'))
                               AS receivable,
                           -SUM(m.amount_residual_signed)
                               FILTER (WHERE m.move_type IN ('in_invoice', 'in_refund'))
                               AS payable
                      FROM account_move m
                     WHERE m.state = 'posted' AND m.move_type IN %(types)s
                     GROUP BY m.company_id, m.commercial_partner_id
                  ) odoo
                    ON odoo.company_id = linked.company_id
                   AND odoo.partner_id = linked.partner_id
              ) x
             WHERE ABS(x.odoo_receivable - x.xero_receivable) > %(tolerance)s
                OR ABS(x.odoo_payable - x.xero_payable) > %(tolerance)s
            """,
            companies=connected_companies(),
            types=DOCUMENT_TYPES,
            tolerance=PARTNER_TOLERANCE,
        )
