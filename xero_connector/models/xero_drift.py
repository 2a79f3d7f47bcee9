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
# Why a payment or an allocation in Odoo and in Xero differ: the first that applies.
PAYMENT_DRIFT_REASONS = [
    ("error", "Refused by Xero"),
    ("not_sent", "In Odoo, not sent to Xero"),
    ("not_recorded", "In Xero, not recorded in Odoo"),
    ("undone_in_odoo", "In Xero, removed in Odoo"),
    ("deleted_in_xero", "In Odoo, deleted in Xero"),
    ("amount", "Amount differs"),
    ("rate", "Amount in the company's currency differs"),
    ("date", "Date differs"),
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


class XeroDriftPayment(models.Model):
    """Per payment and credit note allocation of a document sent to Xero: those on one side
    only (made in Xero and not recorded in Odoo or removed there since; made in Odoo and not
    in Xero, refused by it or deleted there) and those recorded from Xero that differ from
    Xero's (amount, amount in the company's currency, date). Xero's side is what the hourly
    import last read: the report asks Xero nothing."""

    _name = "xero.drift.payment"
    _description = "Drift between Odoo and Xero, per payment"
    _auto = False
    _rec_name = "reference"
    _order = "date desc, id desc"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    invoice_move_id = fields.Many2one(
        "account.move",
        string="Allocated to",
        readonly=True,
        help="The invoice a credit note is allocated to.",
    )
    kind = fields.Selection(
        [
            ("payment", "Payment"),
            ("allocation", "Credit note allocation"),
            ("credit", "Overpayment or prepayment"),
        ],
        readonly=True,
    )
    made_in = fields.Selection([("xero", "Xero"), ("odoo", "Odoo")], readonly=True)
    payment_id = fields.Many2one("account.payment", string="Odoo payment", readonly=True)
    reference = fields.Char(readonly=True)
    date = fields.Date(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    odoo_amount = fields.Monetary(
        string="In Odoo", readonly=True, help="In the document's currency; 0: not in Odoo."
    )
    xero_amount = fields.Monetary(
        string="In Xero", readonly=True, help="In the document's currency; 0: not in Xero."
    )
    amount_difference = fields.Monetary(
        string="Difference", readonly=True, help="Odoo's amount less Xero's."
    )
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    odoo_company_amount = fields.Monetary(
        string="In Odoo (company currency)",
        currency_field="company_currency_id",
        readonly=True,
        help="The payment's amount in the company's currency, as Odoo booked it.",
    )
    xero_company_amount = fields.Monetary(
        string="In Xero (company currency)",
        currency_field="company_currency_id",
        readonly=True,
        help="Xero's amount in its base currency: the payment's amount at its CurrencyRate.",
    )
    company_amount_difference = fields.Monetary(
        string="Difference (company currency)",
        currency_field="company_currency_id",
        readonly=True,
        help="Odoo's amount in the company's currency less Xero's.",
    )
    odoo_date = fields.Date(string="Date in Odoo", readonly=True)
    xero_date = fields.Date(string="Date in Xero", readonly=True)
    reason = fields.Selection(PAYMENT_DRIFT_REASONS, readonly=True)
    detail = fields.Text(
        readonly=True, help="Xero's refusal, or why a payment from Xero was not recorded."
    )

    _depends = {
        "xero.payment": [
            "company_id",
            "move_id",
            "invoice_move_id",
            "kind",
            "amount",
            "currency_rate",
            "date",
            "reference",
            "xero_status",
            "payment_id",
            "state",
            "note",
        ],
        "xero.odoo.payment": [
            "active",
            "company_id",
            "kind",
            "move_id",
            "money_move_id",
            "invoice_move_id",
            "amount",
            "amount_company_currency",
            "date",
            "reference",
            "xero_id",
            "xero_state",
            "xero_operation",
            "xero_error",
            "xero_status",
        ],
        "account.payment": ["state", "amount", "date", "amount_company_currency_signed"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id"],
        "account.move": ["commercial_partner_id", "currency_id", "origin_payment_id"],
        "xero.connection": ["company_id"],
        "res.company": ["currency_id"],
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
                SELECT b.id,
                       b.company_id,
                       m.commercial_partner_id AS partner_id,
                       b.move_id,
                       b.invoice_move_id,
                       b.kind,
                       b.made_in,
                       b.payment_id,
                       b.reference,
                       CASE WHEN b.in_xero THEN b.xero_day ELSE b.odoo_day END AS date,
                       m.currency_id,
                       company.currency_id AS company_currency_id,
                       CASE WHEN b.in_odoo THEN b.odoo_value ELSE 0 END AS odoo_amount,
                       CASE WHEN b.in_xero THEN b.xero_value ELSE 0 END AS xero_amount,
                       CASE WHEN b.in_odoo THEN b.odoo_value ELSE 0 END
                           - CASE WHEN b.in_xero THEN b.xero_value ELSE 0 END
                           AS amount_difference,
                       CASE WHEN b.in_odoo THEN b.odoo_company_value ELSE 0 END
                           AS odoo_company_amount,
                       CASE WHEN b.in_xero THEN b.xero_company_value ELSE 0 END
                           AS xero_company_amount,
                       CASE WHEN b.in_odoo THEN b.odoo_company_value ELSE 0 END
                           - CASE WHEN b.in_xero THEN b.xero_company_value ELSE 0 END
                           AS company_amount_difference,
                       CASE WHEN b.in_odoo THEN b.odoo_day END AS odoo_date,
                       CASE WHEN b.in_xero THEN b.xero_day END AS xero_date,
                       CASE
                           WHEN b.refused THEN 'error'
                           WHEN b.in_odoo AND NOT b.in_xero AND b.made_in = 'odoo'
                                AND b.xero_status IS DISTINCT FROM 'DELETED'
                               THEN 'not_sent'
                           WHEN b.in_xero AND NOT b.in_odoo AND b.made_in = 'xero'
                                AND b.state <> 'recorded'
                               THEN 'not_recorded'
                           WHEN b.in_xero AND NOT b.in_odoo THEN 'undone_in_odoo'
                           WHEN b.in_odoo AND NOT b.in_xero THEN 'deleted_in_xero'
                           WHEN b.in_odoo AND b.in_xero
                                AND ABS(b.odoo_value - b.xero_value) >= currency.rounding / 2
                               THEN 'amount'
                           WHEN b.in_odoo AND b.in_xero
                                AND ABS(b.odoo_company_value - b.xero_company_value)
                                    >= company_currency.rounding / 2
                               THEN 'rate'
                           WHEN b.in_odoo AND b.in_xero AND b.odoo_day <> b.xero_day
                               THEN 'date'
                       END AS reason,
                       b.detail
                  FROM (
                    -- Xero's payments and allocations on documents sent from Odoo, and what
                    -- they are in Odoo: an Odoo payment, a reconciliation.
                    SELECT p.id * 2 AS id,
                           p.company_id,
                           p.move_id,
                           p.invoice_move_id,
                           p.kind,
                           'xero' AS made_in,
                           p.payment_id,
                           p.reference,
                           p.state,
                           p.xero_status,
                           p.note AS detail,
                           FALSE AS refused,
                           p.xero_status = 'AUTHORISED' AS in_xero,
                           CASE
                               WHEN p.kind = 'payment'
                                   THEN COALESCE(
                                       paid.state NOT IN ('draft', 'canceled', 'rejected'), FALSE
                                   )
                               WHEN p.kind = 'allocation'
                                   THEN p.state IN ('recorded', 'not_recorded') AND EXISTS (
                                       SELECT 1
                                         FROM account_partial_reconcile r
                                         JOIN account_move_line d ON d.id = r.debit_move_id
                                         JOIN account_move_line c ON c.id = r.credit_move_id
                                        WHERE d.move_id IN (p.move_id, p.invoice_move_id)
                                          AND c.move_id IN (p.move_id, p.invoice_move_id)
                                          AND d.move_id <> c.move_id
                                   )
                               ELSE FALSE
                           END AS in_odoo,
                           COALESCE(paid.amount, p.amount) AS odoo_value,
                           p.amount AS xero_value,
                           ABS(paid.amount_company_currency_signed) AS odoo_company_value,
                           -- Xero's amount in its base currency: Amount / CurrencyRate.
                           CASE
                               WHEN p.kind <> 'payment' THEN NULL
                               WHEN document.currency_id = company.currency_id THEN p.amount
                               WHEN p.currency_rate > 0
                                   THEN ROUND(
                                       p.amount / p.currency_rate::numeric / cent.rounding
                                   ) * cent.rounding
                           END AS xero_company_value,
                           COALESCE(paid.date, p.date) AS odoo_day,
                           p.date AS xero_day
                      FROM xero_payment p
                      JOIN account_move document ON document.id = p.move_id
                      JOIN res_company company ON company.id = p.company_id
                      JOIN res_currency cent ON cent.id = company.currency_id
                      LEFT JOIN account_payment paid ON paid.id = p.payment_id
                    UNION ALL
                    -- Odoo's payments and allocations, as sent to Xero (which cannot edit
                    -- them: they differ only by being on one side).
                    SELECT o.id * 2 + 1 AS id,
                           o.company_id,
                           o.move_id,
                           o.invoice_move_id,
                           o.kind,
                           'odoo' AS made_in,
                           entry.origin_payment_id AS payment_id,
                           o.reference,
                           NULL AS state,
                           o.xero_status,
                           o.xero_error AS detail,
                           o.xero_state = 'error' AS refused,
                           CASE
                               WHEN o.active
                                   THEN o.xero_id IS NOT NULL
                                        AND o.xero_status IS DISTINCT FROM 'DELETED'
                               -- Removed in Odoo: in Xero until its deletion is done.
                               ELSE o.xero_operation = 'remove'
                                    AND o.xero_state IN ('pending', 'error')
                           END AS in_xero,
                           o.active AS in_odoo,
                           o.amount AS odoo_value,
                           o.amount AS xero_value,
                           o.amount_company_currency AS odoo_company_value,
                           o.amount_company_currency AS xero_company_value,
                           o.date AS odoo_day,
                           o.date AS xero_day
                      FROM xero_odoo_payment o
                      LEFT JOIN account_move entry ON entry.id = o.money_move_id
                ) b
                JOIN (%(companies)s) connected ON connected.company_id = b.company_id
                JOIN account_move m ON m.id = b.move_id
                JOIN res_currency currency ON currency.id = m.currency_id
                JOIN res_company company ON company.id = b.company_id
                JOIN res_currency company_currency ON company_currency.id = company.currency_id
            ) drift
            WHERE drift.reason IS NOT NULL
            """,
            companies=connected_companies(),
        )
