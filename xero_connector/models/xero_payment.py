# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .xero_document_line_mixin import amount

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
        known = {
            p.xero_id: p
            for p in self.search(
                [("connection_id", "=", connection.id), ("xero_id", "in", list(targets))]
            )
        }
        sent_from_odoo = set(
            self.env["xero.odoo.payment"]
            .with_context(active_test=False)
            .search(
                [("company_id", "=", connection.company_id.id), ("xero_id", "in", list(targets))]
            )
            .mapped("xero_id")
        )
        changed = self.browse()
        for xero_payment in xero_payments:
            payment_id = str(xero_payment.payment_id)
            move = move_of.get(targets[payment_id])
            if not move or payment_id in sent_from_odoo:
                continue  # a document Odoo did not send, or a payment Odoo sent
            values = payment_values(xero_payment)
            payment = known.get(payment_id)
            if payment:
                if payment.xero_status != values["xero_status"]:
                    payment.write({"xero_status": values["xero_status"]})
                    changed |= payment
            else:
                changed |= self.create(
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
            .with_context(active_model="account.move", active_ids=self.move_id.ids)
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
        own = move._get_reconciled_payments().filtered(lambda p: not p.xero_id)
        if own:
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
        note's allocations are all on it: one missing was deleted)."""
        company = connection.company_id
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
                if allocation_id in held.mapped("xero_id") or not invoice:
                    continue
                changed |= self.create(
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
        """The credit note reconciled with the invoice for the amount Xero allocated. Odoo
        reconciles the smaller of the two open amounts whole: an allocation of less is left
        for a person, with the reason."""
        credit_lines, invoice_lines = (
            self._open_lines(self.move_id),
            self._open_lines(self.invoice_move_id),
        )
        currency = self.currency_id
        open_amounts = [
            abs(sum(lines.mapped("amount_residual_currency")))
            for lines in (credit_lines, invoice_lines)
        ]
        if (
            not credit_lines
            or not invoice_lines
            or currency.compare_amounts(self.amount, min(open_amounts))
        ):
            self._not_recorded(
                self.env._(
                    "Xero allocated %(amount)s of it to %(invoice)s; Odoo reconciles the "
                    "smaller of their open amounts (%(open)s) whole. Reconcile them by hand.",
                    amount=currency.format(self.amount),
                    invoice=self.invoice_move_id.display_name,
                    open=currency.format(min(open_amounts)),
                )
            )
            return
        (credit_lines | invoice_lines).reconcile()
        self.write({"state": "recorded", "note": False})

    def _undo_allocation(self):
        """The reconciliation of the credit note with the invoice for the allocated amount
        is undone; one a person made between them for another amount stays."""
        invoice_lines = self.invoice_move_id.line_ids
        currency = self.currency_id
        partials = (
            self.move_id.line_ids.matched_debit_ids | self.move_id.line_ids.matched_credit_ids
        ).filtered(
            lambda p: (
                (p.debit_move_id | p.credit_move_id) & invoice_lines
                and not currency.compare_amounts(p.debit_amount_currency, self.amount)
            )
        )[:1]
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
        "date": xero_payment.date,
        "reference": xero_payment.reference or False,
        "xero_account_id": account and account.account_id and str(account.account_id) or False,
        "xero_account_code": account and account.code or False,
        "xero_status": xero_payment.status,
    }
