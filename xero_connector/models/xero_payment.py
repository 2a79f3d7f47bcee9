# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from .xero_document_line_mixin import amount

_logger = logging.getLogger(__name__)

PAYMENT_STATES = [
    ("to_record", "To record"),
    ("recorded", "Recorded in Odoo"),
    ("not_recorded", "Not recorded"),
    ("undone", "Deleted in Xero, undone in Odoo"),
    ("removed", "Deleted in Xero before it was recorded"),
]


class XeroPayment(models.Model):
    """A payment Xero recorded on a document sent from Odoo, or a credit note Xero
    allocated to an invoice, as last read from Xero, and what it became in Odoo (a payment,
    a reconciliation): each is recorded once, undone when Xero deletes it, and says why when
    it is not recorded."""

    _name = "xero.payment"
    _description = "Payment from Xero"
    _order = "date desc, id desc"
    _check_company_auto = True

    connection_id = fields.Many2one(
        "xero.connection", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    xero_id = fields.Char(
        string="Xero ID", required=True, readonly=True, help="Its PaymentID or AllocationID."
    )
    kind = fields.Selection(
        [
            ("payment", "Payment"),
            ("allocation", "Credit note allocation"),
            ("credit", "Overpayment or prepayment"),
        ],
        default="payment",
        required=True,
        readonly=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Document",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    invoice_move_id = fields.Many2one(
        "account.move",
        string="Allocated to",
        readonly=True,
        ondelete="cascade",
        check_company=True,
        help="The invoice the credit note is allocated to.",
    )
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", string="Partner")
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount = fields.Monetary(readonly=True, help="In the document's currency, as Xero has it.")
    currency_rate = fields.Float(
        string="Xero's rate",
        digits=(12, 6),
        readonly=True,
        help="Xero's CurrencyRate of the payment: units of the document's currency per unit of "
        "the organisation's base currency. A payment in a foreign currency is recorded at it, "
        "so that Odoo books Xero's amount in the company's currency.",
    )
    partial_ids = fields.Many2many(
        "account.partial.reconcile",
        string="Reconciliations",
        readonly=True,
        help="What recording the allocation reconciled in Odoo: what undoing it removes.",
    )
    date = fields.Date(readonly=True)
    reference = fields.Char(readonly=True)
    xero_account_id = fields.Char(string="Xero bank account ID", readonly=True)
    xero_account_code = fields.Char(string="Xero bank account", readonly=True)
    xero_status = fields.Selection(
        [("AUTHORISED", "Paid"), ("DELETED", "Deleted")], string="Status in Xero", readonly=True
    )
    payment_id = fields.Many2one(
        "account.payment", string="Odoo payment", readonly=True, index="btree_not_null"
    )
    state = fields.Selection(PAYMENT_STATES, default="to_record", required=True, index=True)
    note = fields.Text(readonly=True, help="Why it is not recorded in Odoo.")

    _xero_id_unique = models.Constraint(
        "unique(connection_id, xero_id)", "A Xero payment is kept once per connection."
    )

    # -- Xero to Odoo -------------------------------------------------------------------------
    @api.model
    def _import_page(self, connection, xero_payments):
        """Keep what these Xero payments (one page of what changed) say about documents
        sent from Odoo, then record or undo them in Odoo; returns how many changed."""
        targets = {str(p.payment_id): payment_target(p) for p in xero_payments}
        moves = self.env["account.move"].search(
            [
                ("xero_id", "in", [t for t in targets.values() if t]),
                ("company_id", "=", connection.company_id.id),
            ]
        )
        move_of = {m.xero_id: m for m in moves}
        known = {p.xero_id: p for p in self._kept(connection, list(targets))}
        statuses = {str(p.payment_id): p.status for p in xero_payments}
        sent_from_odoo = self._sent_from_odoo(connection, list(targets))
        for sent in sent_from_odoo.filtered(lambda p: p.xero_status != statuses[p.xero_id]):
            # Odoo's own payment, as Xero has it (deleted there: the drift report shows it).
            sent._xero_write({"xero_status": statuses[sent.xero_id]})
        sent_ids = set(sent_from_odoo.mapped("xero_id"))
        unknown = [p for p in xero_payments if str(p.payment_id) not in sent_ids | set(known)]
        sent_ids |= self.env["xero.odoo.payment"]._adopt_written(connection, unknown)
        changed = self.browse()
        for xero_payment in xero_payments:
            payment_id = str(xero_payment.payment_id)
            move = move_of.get(targets[payment_id])
            if not move or payment_id in sent_ids:
                continue  # a document Odoo did not send, or a payment Odoo sent
            values = payment_values(xero_payment)
            payment = known.get(payment_id)
            if payment:
                news = {
                    field: values[field]
                    for field in ("xero_status", "currency_rate")
                    if values[field] and payment[field] != values[field]
                }
                if news:
                    payment.write(news)
                    changed |= payment
            else:
                changed |= self._create_once(
                    dict(
                        values,
                        connection_id=connection.id,
                        xero_id=payment_id,
                        move_id=move.id,
                    )
                )
        if connection._records_xero_payments():
            changed._record_in_odoo()
        return len(changed)

    @api.model
    def _kept(self, connection, xero_ids):
        """The payments of these Xero IDs kept already, as this transaction sees them."""
        return self.search([("connection_id", "=", connection.id), ("xero_id", "in", xero_ids)])

    @api.model
    def _create_once(self, values):
        """Keep a Xero payment, unless another import kept it meanwhile: two imports read
        the same page at once (hourly, on demand, after a webhook), and the one whose
        snapshot predates the other's commit would keep it twice. Recorded once."""
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                return self.create(values)
        except psycopg2.errors.UniqueViolation:
            _logger.info("Xero payment %s: kept by another import meanwhile", values["xero_id"])
            return self.browse()

    @api.model
    def _sent_from_odoo(self, connection, xero_ids):
        """The payments and allocations Odoo sent to Xero among these Xero IDs: Odoo's own,
        never recorded back."""
        return (
            self.env["xero.odoo.payment"]
            .with_context(active_test=False)
            .search([("company_id", "=", connection.company_id.id), ("xero_id", "in", xero_ids)])
        )

    # -- recording in Odoo --------------------------------------------------------------------
    def _record_in_odoo(self):
        """Record each payment Xero holds as an Odoo payment reconciled with its document,
        and undo those Xero deleted; what cannot be recorded says why, on itself and in
        the document's chatter."""
        for payment in self:
            if payment.xero_status == "DELETED":
                work = payment._undo
            elif payment.kind != "credit" and payment.state in ("to_record", "not_recorded"):
                work = (
                    payment._record_allocation if payment.kind == "allocation" else payment._record
                )
            else:
                continue
            try:
                with self.env.cr.savepoint():
                    work()
            except (UserError, ValidationError) as error:
                # Odoo refuses it (a journal without payment method, a locked period): said
                # on the payment, and the rest of the page goes on; Record in Odoo retries.
                payment._not_recorded(str(error))

    def _record(self):
        journal = self.env["account.journal"]._xero_journal_for_bank_account(
            self.connection_id, self.xero_account_id
        )
        reason = self._why_not_recordable(journal)
        if reason:
            self._not_recorded(reason)
            return
        wizard = (
            self.env["account.payment.register"]
            .with_company(self.company_id)
            .with_context(
                active_model="account.move",
                active_ids=self.move_id.ids,
                xero_payment_balance=self._company_amount(),
            )
            .create(
                {
                    "amount": self.amount,
                    "currency_id": self.currency_id.id,
                    "payment_date": self.date,
                    "journal_id": journal.id,
                    "communication": self.reference or self.move_id.name,
                    "payment_difference_handling": "open",
                }
            )
        )
        odoo_payment = wizard._create_payments()
        if odoo_payment.state == "in_process":
            odoo_payment.action_validate()  # Xero has the money: nothing left to match
        odoo_payment.write({"xero_id": self.xero_id})
        self.write({"payment_id": odoo_payment.id, "state": "recorded", "note": False})

    def _company_amount(self):
        """Xero's amount of the payment in the company's currency (``Amount / CurrencyRate``,
        Xero's rate being units of the document's currency per unit of the base currency);
        None in the company's currency."""
        company_currency = self.company_id.currency_id
        if self.currency_id == company_currency:
            return None
        return company_currency.round(self.amount / self.currency_rate)

    def _why_not_recordable(self, journal):
        move = self.move_id
        if not journal:
            return self.env._(
                "Xero's bank account %(account)s is mapped to no Odoo journal: map it in "
                "Settings › Xero › Mappings, then press Record in Odoo.",
                account=self.xero_account_code or self.xero_account_id,
            )
        if move.state != "posted":
            return self.env._("The document is not posted in Odoo.")
        if self.currency_id != self.company_id.currency_id and not self.currency_rate:
            return self.env._(
                "Xero gave no CurrencyRate for this payment in %(currency)s: Odoo records it at "
                "Xero's rate only, never at a guessed one. Record it by hand at Xero's rate; an "
                "import that reads it again with its rate records it.",
                currency=self.currency_id.name,
            )
        # Sent to Xero too, Odoo's own payments are in Xero's amount due: the residual decides.
        own = move._get_reconciled_payments().filtered(lambda p: not p.xero_id)
        if own and not self.connection_id._sends_odoo_payments():
            return self.env._(
                "Odoo has payments of its own on the document (%(payments)s): Xero's is not "
                "recorded as well. Check both, then record or leave it.",
                payments=", ".join(own.mapped("display_name")),
            )
        residual = abs(move.amount_residual)
        if move.currency_id.compare_amounts(self.amount, residual) > 0:
            return self.env._(
                "Odoo has %(residual)s left to pay on the document, less than this payment: "
                "it was paid in Odoo too. Not recorded twice.",
                residual=move.currency_id.format(residual),
            )
        return None

    def _not_recorded(self, reason):
        if self.state == "not_recorded" and self.note == reason:
            return
        self.write({"state": "not_recorded", "note": reason})
        self.move_id.sudo().message_post(
            body=self.env._(
                "Xero's %(kind)s of %(amount)s on %(date)s is not recorded in Odoo: %(reason)s",
                kind=dict(self._fields["kind"].selection)[self.kind].lower(),
                amount=self.currency_id.format(self.amount),
                date=self.date,
                reason=reason,
            )
        )

    def _undo(self):
        if self.kind == "allocation":
            self._undo_allocation()
            return
        odoo_payment = self.payment_id
        if odoo_payment and odoo_payment.state != "canceled":
            odoo_payment.action_draft()
            odoo_payment.action_cancel()
            self.move_id.sudo().message_post(
                body=self.env._(
                    "Xero's payment of %(amount)s on %(date)s was deleted in Xero: "
                    "%(payment)s is cancelled.",
                    amount=self.currency_id.format(self.amount),
                    date=self.date,
                    payment=odoo_payment.display_name,
                )
            )
        self.write({"state": "undone" if odoo_payment else "removed", "note": False})

    # -- credit note allocations --------------------------------------------------------------
    @api.model
    def _import_allocations(self, connection, moves, notes):
        """Keep the allocations of the Xero credit notes (``notes``: {Xero ID: credit note},
        a page of what changed) of these credit notes sent from Odoo that go to invoices sent
        from Odoo, reconcile the new ones in Odoo and undo those Xero removed (a credit
        note's allocations are all on it: one missing was deleted). Allocations Odoo sent
        are Odoo's own: never recorded back, only their status in Xero noted."""
        company = connection.company_id
        allocation_ids = {
            str(a.allocation_id)
            for note in notes.values()
            for a in note.allocations or []
            if a.allocation_id and not a.is_deleted
        }
        sent_ids = set(self._sent_from_odoo(connection, list(allocation_ids)).mapped("xero_id"))
        self._note_allocations_sent(moves, allocation_ids)
        invoice_ids = {
            str(a.invoice.invoice_id)
            for note in notes.values()
            for a in note.allocations or []
            if a.invoice and a.invoice.invoice_id
        }
        invoice_of = {
            m.xero_id: m
            for m in self.env["account.move"].search(
                [("xero_id", "in", list(invoice_ids)), ("company_id", "=", company.id)]
            )
        }
        known = self.search(
            [
                ("connection_id", "=", connection.id),
                ("kind", "=", "allocation"),
                ("move_id", "in", moves.ids),
            ]
        )
        changed = self.browse()
        for move in moves:
            note = notes[move.xero_id]
            current = {
                str(a.allocation_id): a
                for a in note.allocations or []
                if a.allocation_id and not a.is_deleted
            }
            held = known.filtered(lambda p, m=move: p.move_id == m)
            for allocation in held.filtered(
                lambda p, c=current: p.xero_id not in c and p.xero_status != "DELETED"
            ):
                allocation.write({"xero_status": "DELETED"})
                changed |= allocation
            for allocation_id, allocation in current.items():
                invoice = invoice_of.get(str(allocation.invoice.invoice_id))
                if allocation_id in held.mapped("xero_id") or allocation_id in sent_ids:
                    continue  # kept already, or Odoo's own
                if not invoice:
                    continue  # to an invoice Odoo did not send
                changed |= self._create_once(
                    {
                        "connection_id": connection.id,
                        "xero_id": allocation_id,
                        "kind": "allocation",
                        "move_id": move.id,
                        "invoice_move_id": invoice.id,
                        "amount": float(amount(allocation.amount or 0)),
                        "date": allocation.date,
                        "xero_status": "AUTHORISED",
                    }
                )
        if connection._records_xero_payments():
            changed._record_in_odoo()
        return len(changed)

    @api.model
    def _note_allocations_sent(self, credit_notes, allocation_ids):
        """The allocations Odoo sent of these credit notes, as Xero has them
        (``allocation_ids``: all those the credit notes have in Xero): one missing was deleted
        in Xero, and the drift report shows it."""
        sent = (
            self.env["xero.odoo.payment"]
            .with_context(active_test=False)
            .search(
                [
                    ("kind", "=", "allocation"),
                    ("move_id", "in", credit_notes.ids),
                    ("xero_id", "!=", False),
                ]
            )
        )
        for allocation in sent:
            status = "AUTHORISED" if allocation.xero_id in allocation_ids else "DELETED"
            if allocation.xero_status != status:
                allocation._xero_write({"xero_status": status})

    @api.model
    def _import_credits(self, connection, moves, invoices):
        """Overpayments and prepayments Xero applied to these invoices sent from Odoo
        (``invoices``: {Xero ID: invoice}, a page of what changed): Odoo does not record
        them (they are payments received before the invoice, in Xero's books only), so each
        is kept, not recorded, with the reason on itself and in the document's chatter,
        never a silent gap; one no longer applied is marked removed."""
        known = self.search(
            [
                ("connection_id", "=", connection.id),
                ("kind", "=", "credit"),
                ("move_id", "in", moves.ids),
            ]
        )
        changed = self.browse()
        for move in moves:
            invoice = invoices[move.xero_id]
            applied = {}
            for credit in invoice.overpayments or []:
                applied["%s:%s" % (credit.overpayment_id, move.xero_id)] = credit
            for credit in invoice.prepayments or []:
                applied["%s:%s" % (credit.prepayment_id, move.xero_id)] = credit
            held = known.filtered(lambda p, m=move: p.move_id == m)
            gone = held.filtered(lambda p, a=applied: p.xero_id not in a and p.state != "removed")
            gone.write({"xero_status": "DELETED", "state": "removed", "note": False})
            changed |= gone
            for key, credit in applied.items():
                if key in held.mapped("xero_id"):
                    continue
                record = self.create(
                    {
                        "connection_id": connection.id,
                        "xero_id": key,
                        "kind": "credit",
                        "move_id": move.id,
                        "amount": float(amount(credit.applied_amount or 0)),
                        "date": credit.date,
                        "xero_status": "AUTHORISED",
                    }
                )
                record._not_recorded(
                    self.env._(
                        "Odoo does not record Xero's overpayments and prepayments: record it "
                        "by hand (a payment received in advance), or leave it to Xero."
                    )
                )
                changed |= record
        return len(changed)

    def _open_lines(self, move):
        """The receivable or payable lines of ``move`` still open."""
        return move.line_ids.filtered(
            lambda line: (
                line.account_id.account_type in ("asset_receivable", "liability_payable")
                and not line.reconciled
            )
        )

    def _record_allocation(self):
        """The credit note reconciled with the invoice for exactly the amount Xero allocated,
        a part of either's open amount as well as all of it."""
        credit_lines, invoice_lines = (
            self._open_lines(self.move_id),
            self._open_lines(self.invoice_move_id),
        )
        reason = self._why_allocation_not_recordable(credit_lines, invoice_lines)
        if reason:
            self._not_recorded(reason)
            return
        partials = (credit_lines | invoice_lines)._xero_reconcile_for(self.amount)
        self.write({"state": "recorded", "note": False, "partial_ids": [Command.set(partials.ids)]})

    def _why_allocation_not_recordable(self, credit_lines, invoice_lines):
        currency = self.currency_id
        for document, lines in (
            (self.move_id, credit_lines),
            (self.invoice_move_id, invoice_lines),
        ):
            if document.state != "posted":
                return self.env._("%(document)s is not posted in Odoo.", document=document.name)
            left = abs(sum(lines.mapped("amount_residual_currency")))
            if currency.compare_amounts(self.amount, left) > 0:
                return self.env._(
                    "Xero allocated %(amount)s of the credit note to %(invoice)s, but "
                    "%(document)s has only %(open)s left open in Odoo: it was settled in Odoo "
                    "too. Not recorded twice.",
                    amount=currency.format(self.amount),
                    invoice=self.invoice_move_id.name,
                    document=document.name,
                    open=currency.format(left),
                )
        return None

    def _undo_allocation(self):
        """The reconciliations that recorded the allocation are undone; one a person made
        between the credit note and the invoice stays."""
        partials = self.partial_ids.exists() or self._partial_of_the_amount()
        if self.state == "recorded" and partials:
            partials.unlink()
            self.move_id.sudo().message_post(
                body=self.env._(
                    "Its allocation to %(invoice)s was removed in Xero: the reconciliation "
                    "is undone.",
                    invoice=self.invoice_move_id.display_name,
                )
            )
        self.write({"state": "undone" if self.state == "recorded" else "removed", "note": False})

    def _partial_of_the_amount(self):
        """For an allocation recorded before its reconciliations were kept: the one between
        the credit note and the invoice for the allocated amount."""
        invoice_lines = self.invoice_move_id.line_ids
        currency = self.currency_id
        return (
            self.move_id.line_ids.matched_debit_ids | self.move_id.line_ids.matched_credit_ids
        ).filtered(
            lambda p: (
                (p.debit_move_id | p.credit_move_id) & invoice_lines
                and not currency.compare_amounts(p.debit_amount_currency, self.amount)
            )
        )[:1]

    def action_record_in_odoo(self):
        """Try again the payments not recorded (a journal mapped since, say)."""
        if not self.env.user.has_group("xero_connector.group_xero_admin"):
            raise UserError(self.env._("Only a Xero administrator records Xero's payments."))
        self.check_access("write")
        for connection, payments in self.sudo().grouped("connection_id").items():
            if not connection._records_xero_payments():
                raise UserError(
                    self.env._(
                        "%(company)s keeps payments in Xero only (Settings › Xero).",
                        company=connection.company_id.name,
                    )
                )
            payments.filtered(lambda p: p.state == "not_recorded")._record_in_odoo()
        return True


def payment_target(xero_payment):
    """The Xero ID of the invoice or credit note a Xero payment pays."""
    document = xero_payment.invoice or xero_payment.credit_note
    if xero_payment.invoice:
        return str(document.invoice_id) if document.invoice_id else None
    if xero_payment.credit_note:
        return str(document.credit_note_id) if document.credit_note_id else None
    return None


def payment_values(xero_payment):
    account = xero_payment.account
    return {
        "amount": float(amount(xero_payment.amount or 0)),
        "currency_rate": float(xero_payment.currency_rate or 0) or False,
        "date": xero_payment.date,
        "reference": xero_payment.reference or False,
        "xero_account_id": account and account.account_id and str(account.account_id) or False,
        "xero_account_code": account and account.code or False,
        "xero_status": xero_payment.status,
    }
