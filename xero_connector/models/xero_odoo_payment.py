# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from xero_client.mappings.common import clean
from xero_client.mappings.payment import REFERENCE_LENGTH, payment_to_xero
from xero_client.routes import PAYMENTS

from .xero_sync_mixin import XeroDataError

RECEIVABLE_TYPES = ("asset_receivable", "liability_payable")
PAYMENT_STATES_NOT_SENT = ("draft", "canceled", "rejected")
# Payments whose creation got no answer, looked up in Xero together: at most this many.
LOOKUP_TERMS = 25


class XeroOdooPayment(models.Model):
    """A payment made in Odoo, as the Xero payment it becomes: the share of one money entry
    (an Odoo payment's journal entry, or a bank statement line's) that settles one document
    that is in Xero.

    Odoo keeps a payment's matches as reconciliation rows, which come and go as people
    reconcile, reset to draft and re-post; Xero keeps payments, which are never edited. So
    each (money entry, document) pair is kept here with the amount Xero holds: a pair that
    appears is sent, one whose amount changes is deleted in Xero and sent again, and one that
    disappears (unreconciled, cancelled, reset to draft) is deleted in Xero. Payments that
    came from Xero (their Odoo payment carries a Xero ID) are Xero's own: never sent back."""

    _name = "xero.odoo.payment"
    _inherit = "xero.sync.mixin"
    _description = "Odoo payment in Xero"
    _order = "date desc, id desc"
    _check_company_auto = True
    _xero_route = PAYMENTS
    _xero_depends_on = ("account.move",)

    active = fields.Boolean(
        default=True, help="Archived: the pair is gone in Odoo and its Xero payment deleted."
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    move_id = fields.Many2one(
        "account.move",
        string="Document",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    money_move_id = fields.Many2one(
        "account.move",
        string="Payment entry",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        help="The journal entry of the Odoo payment or bank statement line.",
    )
    payment_id = fields.Many2one(related="money_move_id.origin_payment_id", string="Payment")
    journal_id = fields.Many2one(related="money_move_id.journal_id")
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", string="Partner")
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(readonly=True, help="In the document's currency.")
    amount_company_currency = fields.Monetary(
        currency_field="company_currency_id",
        readonly=True,
        help="What Odoo booked in the company's currency: Xero books the same, through the "
        "payment's CurrencyRate.",
    )
    date = fields.Date(readonly=True)
    reference = fields.Char(readonly=True)

    _pair_unique = models.UniqueIndex(
        "(move_id, money_move_id) WHERE active",
        "A payment entry pays a document once in Xero.",
    )

    @api.depends("money_move_id", "move_id")
    def _compute_display_name(self):
        for payment in self:
            payment.display_name = self.env._(
                "%(payment)s on %(document)s",
                payment=payment.money_move_id.name,
                document=payment.move_id.name,
            )

    # -- which payments Xero must hold ---------------------------------------------------------
    @api.model
    def _note_stale(self, documents):
        """These documents' reconciliations changed: their pairs are looked at again before
        the next send (when all that changes them together has committed)."""
        documents = documents.filtered(lambda m: m.is_invoice(include_receipts=False))
        if documents:
            self.env.cr.execute(
                "UPDATE account_move SET xero_payments_stale = true WHERE id IN %s",
                (tuple(documents.ids),),
            )
            documents.invalidate_recordset(["xero_payments_stale"])

    @api.model
    def _refresh_stale(self, connection):
        """The pairs of the connection's documents whose reconciliations changed."""
        documents = self.env["account.move"].search(
            [
                ("xero_payments_stale", "=", True),
                ("company_id", "=", connection.company_id.id),
            ]
        )
        if connection._sends_odoo_payments():
            self._refresh(connection.company_id, documents)
        documents._xero_write({"xero_payments_stale": False})

    @api.model
    def _refresh(self, company, documents):
        """Bring the pairs of these documents (of one company) in line with their
        reconciliations."""
        in_xero = documents.filtered(lambda m: m.xero_id and m.state == "posted")
        held = self.with_context(active_test=False).search(
            [("move_id", "in", documents.ids), ("active", "=", True)]
        )
        self._follow(company, self._pairs_of(in_xero), held)

    @api.model
    def _follow(self, company, wanted, held):
        """Create the pairs Odoo has and Xero lacks, remove from Xero those Odoo no longer
        has (or has for another amount)."""
        by_pair = {(p.move_id, p.money_move_id): p for p in held}
        to_create = []
        for pair, values in wanted.items():
            current = by_pair.pop(pair, None)
            if current and current._xero_same_as(values):
                continue
            if current:
                current._xero_withdraw()
            to_create.append(
                dict(values, company_id=company.id, move_id=pair[0].id, money_move_id=pair[1].id)
            )
        for gone in by_pair.values():
            gone._xero_withdraw()
        # The withdrawn pairs leave the unique index of active pairs before new ones enter.
        self.flush_model(["active"])
        created = self.create(to_create)
        created._xero_request_send()

    def _xero_same_as(self, values):
        currency = self.currency_id
        return not currency.compare_amounts(self.amount, values["amount"]) and (
            self.date == values["date"] and self.reference == values["reference"]
        )

    def _xero_withdraw(self):
        """The pair no longer holds: its Xero payment is deleted, or it is forgotten if it
        never reached Xero. One whose creation may have reached Xero unanswered is kept,
        archived, until its batch goes again and its ID is known."""
        if self.xero_id:
            self._xero_request_removal()
        elif not self.xero_lost_batch:
            self.unlink()
            return
        self._xero_write({"active": False})

    # -- what is sent ---------------------------------------------------------------------------
    def _xero_prepare(self, connection):
        document = self.move_id
        account = self.journal_id.xero_bank_account_id
        if not account:
            raise XeroDataError(
                self.env._(
                    "Journal '%(journal)s' is mapped to no Xero account: map it in Settings › "
                    "Xero › Accounts, taxes and tracking › Bank accounts, then send %(payment)s "
                    "again.",
                    journal=self.journal_id.display_name,
                    payment=self.display_name,
                )
            )
        if document.currency_id == self.company_id.currency_id:
            booked = None
        elif not self.amount_company_currency:
            raise XeroDataError(
                self.env._(
                    "%(payment)s is in %(currency)s: Xero takes a payment in the document's "
                    "currency or the organisation's only.",
                    payment=self.money_move_id.name,
                    currency=self.money_move_id.currency_id.name,
                )
            )
        else:
            booked = self.amount_company_currency
        return payment_to_xero(
            {
                "label": self.display_name,
                "endpoint": document._xero_get_route().endpoint,
                "document_id": document.xero_id,
                "account_code": account.code,
                "date": self.date,
                "amount": self.amount,
                "amount_in_company_currency": booked,
                "reference": self.reference,
            }
        )

    def _xero_recover_unanswered(self, connection):
        """Payments whose creation got no answer (a dropped connection, a crash) are looked
        up in Xero by their references, one call for up to 25, before they go again: Xero
        forgets an Idempotency-Key after minutes, and a payment sent twice is paid twice.
        Found (same document, amount and date), they are linked; a payment withdrawn
        meanwhile is then deleted."""
        unsure = self.filtered(
            lambda p: p.xero_lost_batch and not p.xero_id and p.xero_operation == "upsert"
        )
        if not unsure:
            return self
        client = connection._client()
        try:
            for start in range(0, len(unsure), LOOKUP_TERMS):
                chunk = unsure[start : start + LOOKUP_TERMS]
                where = " OR ".join(
                    'Reference=="%s"' % p._xero_reference().replace('"', '\\"') for p in chunk
                )
                chunk._xero_link_found(client.find("Payments", where))
        finally:
            connection._note_calls_left(client.limits)
        found = unsure.filtered("xero_id")
        found._xero_write({"xero_state": "synced", "xero_lost_batch": False, "xero_error": False})
        # Withdrawn meanwhile: deleted in Xero by a later call, never within this creation.
        found.filtered(lambda p: not p.active)._xero_request_removal()
        return self - found

    def _xero_link_found(self, xero_payments):
        taken = set(
            self.with_context(active_test=False)
            .search([("xero_id", "in", [str(x.payment_id) for x in xero_payments])])
            .mapped("xero_id")
        )
        for payment in self:
            for found in xero_payments:
                document = found.invoice or found.credit_note
                document_id = getattr(document, "invoice_id", None) or getattr(
                    document, "credit_note_id", None
                )
                if (
                    str(found.payment_id) not in taken
                    and str(document_id) == payment.move_id.xero_id
                    and found.status == "AUTHORISED"
                    and found.reference == payment._xero_reference()
                    and not payment.currency_id.compare_amounts(found.amount, payment.amount)
                ):
                    payment._xero_store_ids({payment.id: str(found.payment_id)})
                    taken.add(str(found.payment_id))
                    break

    def _xero_reference(self):
        return clean(self.reference)[:REFERENCE_LENGTH]

    def _xero_prepare_removal(self, connection):
        return self.xero_id

    def _xero_save(self, connection, route, payloads):
        """New payments go together in one call; a payment is deleted by its own call."""
        removals = self.filtered(lambda p: p.xero_operation == "remove")
        if removals and removals != self:
            raise ValueError("A batch of Xero payments either creates or deletes")

        def save():
            client = connection._client()
            scope = self._xero_idempotency_scope(connection)
            try:
                if removals:
                    results = client.delete_payments([payloads[p.id] for p in self], scope)
                else:
                    results = client.save(
                        route.endpoint, [payloads[p.id] for p in self], scope, create_only=True
                    )
            finally:
                connection._note_calls_left(client.limits)
            return client, results

        return self._xero_with_fresh_token(connection, save)

    def _xero_group_by_route(self):
        """Deletions and creations never share a call."""
        for operation in ("remove", "upsert"):
            group = self.filtered(lambda p, o=operation: p.xero_operation == o)
            if group:
                yield PAYMENTS, group

    def _xero_apply_results(self, connection, route, results, linked, duration, client):
        """A deleted payment stays archived; one withdrawn while its creation was on its way
        (its first answer lost) is deleted in Xero now that its ID is known."""
        result = super()._xero_apply_results(connection, route, results, linked, duration, client)
        self.filtered(
            lambda p: not p.active and p.xero_state == "synced" and p.xero_operation == "upsert"
        )._xero_request_removal()
        return result

    def _xero_apply_failure(self, connection, route, result, client, operation):
        outcome = super()._xero_apply_failure(connection, route, result, client, operation)
        self.move_id.sudo().message_post(
            body=self.env._(
                "The payment %(payment)s of %(amount)s did not reach Xero: %(reason)s",
                payment=self.money_move_id.name,
                amount=self.currency_id.format(self.amount),
                reason=" ".join(result.errors),
            )
        )
        return outcome

    @api.model
    def _xero_push_pending(self, connection):
        self._refresh_stale(connection)
        return super()._xero_push_pending(connection)

    @api.model
    def _xero_pending_domain(self, connection):
        return [
            ("xero_state", "=", "pending"),
            ("company_id", "=", connection.company_id.id),
        ]

    # -- pairs of documents and money entries ----------------------------------------------------
    @api.model
    def _pairs_of(self, documents):
        """{(document, money entry): values} of the payments Odoo holds on these documents:
        the posted money entries (payments that did not come from Xero, bank statement lines)
        reconciled with their receivable or payable lines, each pair's amounts summed over
        the reconciliation rows it has (instalments, several matches)."""
        pairs = {}
        for document in documents:
            lines = document.line_ids.filtered(
                lambda line: line.account_id.account_type in RECEIVABLE_TYPES
            )
            for partial in lines.matched_debit_ids | lines.matched_credit_ids:
                document_is_debit = partial.debit_move_id in lines
                money_line = partial.credit_move_id if document_is_debit else partial.debit_move_id
                if not self._is_money_for_xero(money_line.move_id):
                    continue
                amounts = (partial.debit_amount_currency, partial.credit_amount_currency)
                amount, money_amount = amounts if document_is_debit else amounts[::-1]
                values = pairs.setdefault(
                    (document, money_line.move_id),
                    self._pair_values(document, money_line.move_id),
                )
                values["amount"] += amount
                booked = self._booked(document, money_line, amount, money_amount)
                if booked is None or values["amount_company_currency"] is None:
                    values["amount_company_currency"] = None
                else:
                    values["amount_company_currency"] += booked
        for (document, _money), values in pairs.items():
            values["amount"] = document.currency_id.round(values["amount"])
            if values["amount_company_currency"] is not None:
                values["amount_company_currency"] = document.company_id.currency_id.round(
                    values["amount_company_currency"]
                )
        return {pair: values for pair, values in pairs.items() if values["amount"] > 0}

    @api.model
    def _is_money_for_xero(self, move):
        """Whether this entry is money Odoo sends to Xero: a posted payment entry (not one
        recorded from Xero) or bank statement line entry."""
        if move.state != "posted":
            return False
        payment = move.origin_payment_id
        if payment:
            return payment.state not in PAYMENT_STATES_NOT_SENT and not payment.xero_id
        return bool(move.statement_line_id)

    @api.model
    def _pair_values(self, document, money_move):
        payment = money_move.origin_payment_id
        memo = payment.memo if payment else money_move.statement_line_id.payment_ref
        return {
            "currency_id": document.currency_id.id,
            "amount": 0.0,
            "amount_company_currency": 0.0,
            "date": payment.date if payment else money_move.date,
            "reference": " ".join(
                dict.fromkeys(filter(None, (money_move.name, memo, document.name)))
            ),
        }

    @api.model
    def _booked(self, document, money_line, amount, money_amount):
        """What Odoo booked, in the company's currency, for ``amount`` of ``document`` paid by
        ``money_line``: at the payment's own rate when it is in the document's currency (Odoo
        books the difference with the invoice's rate as an exchange difference), else the
        payment's own amount when it is in the company's currency; None in a third currency,
        which Xero cannot take."""
        company_currency = document.company_id.currency_id
        if document.currency_id == company_currency:
            return amount
        if money_line.currency_id == document.currency_id and money_line.amount_currency:
            return amount * abs(money_line.balance / money_line.amount_currency)
        if money_line.currency_id == company_currency:
            return money_amount
        return None
