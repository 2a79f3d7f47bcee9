# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..client_text import client_text
from ..locking import lock_quietly
from ..xero_client.errors import RequestRejected
from ..xero_client.mappings.common import clean
from ..xero_client.mappings.payment import REFERENCE_LENGTH, allocation_to_xero, payment_to_xero
from ..xero_client.routes import CREDIT_NOTE_ALLOCATIONS, PAYMENTS
from .xero_document_mixin import CLAIM_SEPARATOR
from .xero_payment import payment_target
from .xero_sync_mixin import XeroDataError, commit_progress

RECEIVABLE_TYPES = ("asset_receivable", "liability_payable")
MONEY_TYPES = ("asset_cash", "liability_credit_card")
PAYMENT_STATES_NOT_SENT = ("draft", "canceled", "rejected")
# Payments whose creation got no answer, looked up in Xero together: at most this many.
LOOKUP_TERMS = 25
APPROVED = ("AUTHORISED", "PAID")
ALREADY_DELETED = "already been deleted"


class XeroOdooPayment(models.Model):
    """A payment made in Odoo, as the Xero payment it becomes: the share of one money entry
    (an Odoo payment's journal entry, or a bank statement line's) that settles one document
    that is in Xero; or a credit note reconciled in Odoo with an invoice, as the Xero
    allocation it becomes.

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
    # A payment registered in Odoo goes within minutes, whatever else waits.
    _xero_push_together = False
    _xero_depends_on = ("account.move",)

    active = fields.Boolean(
        default=True, help="Archived: the pair is gone in Odoo and its Xero payment deleted."
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    kind = fields.Selection(
        [("payment", "Payment"), ("allocation", "Credit note allocation")],
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
    money_move_id = fields.Many2one(
        "account.move",
        string="Payment entry",
        readonly=True,
        index=True,
        ondelete="set null",
        check_company=True,
        help="The journal entry of the Odoo payment or bank statement line (none once it is "
        "deleted: its Xero payment is then deleted too).",
    )
    invoice_move_id = fields.Many2one(
        "account.move",
        string="Allocated to",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
        help="The invoice a credit note is allocated to.",
    )
    payment_id = fields.Many2one(related="money_move_id.origin_payment_id", string="Payment")
    journal_id = fields.Many2one(related="money_move_id.journal_id")
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", string="Partner")
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    amount = fields.Monetary(readonly=True, help="In the document's currency.")
    amount_company_currency = fields.Monetary(
        currency_field="company_currency_id",
        readonly=True,
        help="What Odoo booked in the company's currency: Xero books the same, through the "
        "payment's CurrencyRate.",
    )
    date = fields.Date(readonly=True)
    reference = fields.Char(readonly=True)
    xero_status = fields.Selection(
        [("AUTHORISED", "Paid"), ("DELETED", "Deleted")],
        string="Status in Xero",
        readonly=True,
        help="As the import of Xero's payments last read it: deleted there, it shows in the "
        "drift report.",
    )

    xero_waiting = fields.Boolean(
        string="Waiting in Xero",
        readonly=True,
        index="btree_not_null",
        help="It waits for its document's approval in Xero, or for the deletion of the Xero "
        "payment it replaces, and goes by itself once that is done.",
    )

    _pair_unique = models.UniqueIndex(
        "(move_id, money_move_id) WHERE active AND money_move_id IS NOT NULL",
        "A payment entry pays a document once in Xero.",
    )
    _allocation_unique = models.UniqueIndex(
        "(move_id, invoice_move_id) WHERE active AND invoice_move_id IS NOT NULL",
        "A credit note is allocated to an invoice once in Xero.",
    )
    _counterpart = models.Constraint(
        "CHECK((kind = 'allocation') = (invoice_move_id IS NOT NULL)"
        " AND (kind = 'payment' OR money_move_id IS NULL)"
        " AND (kind = 'allocation' OR money_move_id IS NOT NULL OR NOT active))",
        "A payment has its payment entry, an allocation its invoice.",
    )

    @api.depends("money_move_id", "move_id", "invoice_move_id")
    def _compute_display_name(self):
        for payment in self:
            payment.display_name = (
                self.env._(
                    "%(payment)s on %(document)s",
                    payment=payment.money_move_id.name or payment.reference,
                    document=payment.move_id.name,
                )
                if payment.kind == "payment"
                else self.env._(
                    "%(credit_note)s allocated to %(invoice)s",
                    credit_note=payment.move_id.name,
                    invoice=payment.invoice_move_id.name,
                )
            )

    def _xero_get_route(self):
        return PAYMENTS if self.kind == "payment" else CREDIT_NOTE_ALLOCATIONS

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
        if documents.filtered("xero_id"):
            # Sent in the next minutes, not at the push's next hour.
            self.env.ref("xero_connector.ir_cron_xero_push").sudo()._trigger()

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
        held = self.search(
            ["|", ("move_id", "in", documents.ids), ("invoice_move_id", "in", documents.ids)]
        )
        self._follow(company, self._pairs_of(in_xero), held)

    @api.model
    def _follow(self, company, wanted, held):
        """Create the pairs Odoo has and Xero lacks, remove from Xero those Odoo no longer
        has (or has for another amount)."""
        by_pair = {(p.move_id, p.money_move_id, p.invoice_move_id): p for p in held}
        to_create = []
        for pair, values in wanted.items():
            current = by_pair.pop(pair, None)
            if current and current._xero_same_as(values):
                continue
            if current:
                current._xero_withdraw()
            document, money, invoice = pair
            to_create.append(
                dict(
                    values,
                    company_id=company.id,
                    move_id=document.id,
                    money_move_id=money.id,
                    invoice_move_id=invoice.id,
                )
            )
        for gone in by_pair.values():
            gone._xero_withdraw()
        # The withdrawn pairs leave the unique index of active pairs before new ones enter.
        self.flush_model(["active"])
        created = self.create(to_create)
        created._xero_request_send()

    def _xero_same_as(self, values):
        currency = self.currency_id
        booked, wanted = self.amount_company_currency, values["amount_company_currency"]
        return (
            not currency.compare_amounts(self.amount, values["amount"])
            and self.date == values["date"]
            and self.reference == values["reference"]
            and (wanted is None or not self.company_currency_id.compare_amounts(booked, wanted))
        )

    def _xero_withdraw(self):
        """The pair no longer holds: its Xero payment is deleted, or it is forgotten if it
        never reached Xero. One whose creation may have reached Xero unanswered is kept,
        archived, until its batch goes again and its ID is known."""
        if self.xero_id:
            self._xero_request_removal()
        elif not self.xero_lost_batch and not self._xero_claimed():
            self.unlink()
            return
        self._xero_write({"active": False})

    def _xero_claimed(self):
        """Whether this pair claimed its key for a write whose answer never came."""
        connection = self.env["xero.connection"]._of_company(self.company_id)
        return bool(connection and self.env["xero.claim"]._keys_held(connection, self))

    @api.model
    def _withdraw_money_of(self, moves):
        """These journal entries are being deleted: the payments they made in Xero are
        withdrawn first."""
        for payment in self.search([("money_move_id", "in", moves.ids)]):
            payment._xero_withdraw()

    # -- what is sent ---------------------------------------------------------------------------
    def _xero_prepare(self, connection):
        try:
            self._xero_check_goes_now()
        except XeroDataError:
            self._xero_write({"xero_waiting": True})
            raise
        if self.xero_waiting:
            self._xero_write({"xero_waiting": False})
        if self.kind == "allocation":
            return allocation_to_xero(
                {
                    "label": self.display_name,
                    "invoice_id": self.invoice_move_id.xero_id,
                    "amount": self.amount,
                    "date": self.date,
                }
            )
        document = self.move_id
        self._xero_check_money_only()
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

    def _xero_check_goes_now(self):
        """Xero takes a payment or an allocation on approved documents only, and this pair
        waits for the deletion of the Xero payment it replaces: Xero never holds both."""
        documents = self.move_id | self.invoice_move_id
        unapproved = documents.filtered(lambda m: m.xero_status not in APPROVED)
        if unapproved:
            raise XeroDataError(
                self.env._(
                    "%(document)s is not approved in Xero (%(status)s): Xero takes payments "
                    "and allocations on approved documents only. %(payment)s goes once the "
                    "import sees it approved.",
                    document=unapproved[0].display_name,
                    status=unapproved[0].xero_status or "?",
                    payment=self.display_name,
                )
            )
        replaced = self.with_context(active_test=False).search(
            [
                ("id", "!=", self.id),
                ("active", "=", False),
                ("move_id", "=", self.move_id.id),
                ("money_move_id", "=", self.money_move_id.id),
                ("invoice_move_id", "=", self.invoice_move_id.id),
                ("xero_operation", "=", "remove"),
                ("xero_state", "in", ("pending", "error")),
            ],
            limit=1,
        )
        if replaced:
            raise XeroDataError(
                self.env._(
                    "Waiting for Xero to delete %(replaced)s, which this replaces%(reason)s.",
                    replaced=replaced.display_name,
                    reason=replaced.xero_error and ": %s" % replaced.xero_error or "",
                )
            )

    def _xero_check_money_only(self):
        """A Xero payment is money into or out of its account, all of it: an Odoo payment
        that books part of what it settles elsewhere (a write-off, an early payment
        discount, bank fees) would put in Xero's bank account more than came in."""
        money = self.money_move_id
        kept = money.line_ids.filtered(
            lambda line: (
                line.account_id.account_type not in RECEIVABLE_TYPES
                and line.account_id.account_type not in MONEY_TYPES
                and line.account_id != money.origin_payment_id.outstanding_account_id
                and line.account_id != money.journal_id.default_account_id
                and line.account_id != money.journal_id.suspense_account_id
            )
        )
        if kept and not money.company_currency_id.is_zero(sum(kept.mapped("balance"))):
            raise XeroDataError(
                self.env._(
                    "%(payment)s books %(amount)s to %(accounts)s (a write-off, a discount or "
                    "fees): a Xero payment is the money received or paid only, so it cannot "
                    "go as it is. Register the money alone, and the difference as a credit "
                    "note, then it goes.",
                    payment=money.name,
                    amount=money.company_currency_id.format(abs(sum(kept.mapped("balance")))),
                    accounts=", ".join(kept.account_id.mapped("display_name")),
                )
            )

    @api.model
    def _xero_retry_waiting(self, connection):
        """Pairs that waited in error for their documents' approval in Xero, or for the
        deletion of the payment they replace, go again once that happened."""
        waiting = self.search(
            [
                ("company_id", "=", connection.company_id.id),
                ("xero_state", "=", "error"),
                ("xero_waiting", "=", True),
            ]
        )
        ready = waiting.filtered(lambda p: p._xero_ready())
        ready._xero_request_send()

    def _xero_ready(self):
        try:
            self._xero_check_goes_now()
        except XeroDataError:
            return False
        return True

    def _xero_recover_unanswered(self, connection):
        """Payments whose creation got no answer (a dropped connection, a crash) are looked
        up in Xero by their references, one call for up to 25, before they go again: Xero
        forgets an Idempotency-Key after minutes, and a payment sent twice is paid twice.
        Found (same document, amount and date), they are linked; a payment withdrawn
        meanwhile is then deleted."""
        claimed = self.env["xero.claim"]._keys_held(
            connection, self.filtered(lambda p: not p.xero_id)
        )
        unsure = self.filtered(
            lambda p: (
                (p.xero_lost_batch or p.id in claimed)
                and not p.xero_id
                and p.xero_operation == "upsert"
            )
        )
        if not unsure:
            return self
        client = connection._client()
        payments = unsure.filtered(lambda p: p.kind == "payment")
        refused = self.browse()
        for start in range(0, len(payments), LOOKUP_TERMS):
            chunk = payments[start : start + LOOKUP_TERMS]
            where = " OR ".join(
                'Reference=="%s"' % p._xero_reference().replace('"', '\\"') for p in chunk
            )
            try:
                chunk._xero_link_found(client.find("Payments", where))
            except RequestRejected as error:
                refused |= chunk._xero_lookup_refused(error)
        for credit_note, allocations in (unsure - payments).grouped("move_id").items():
            try:
                found = client.get_by_id("CreditNotes", credit_note.xero_id)
            except RequestRejected as error:
                refused |= allocations._xero_lookup_refused(error)
                continue
            allocations._xero_link_found_allocations(found.allocations if found else [])
        # Withdrawn meanwhile: deleted in Xero by a later call, never within this creation.
        return self - unsure._xero_settle_found() - refused

    def _xero_link_found(self, xero_payments):
        ids = [str(x.payment_id) for x in xero_payments]
        taken = set(
            self.with_context(active_test=False).search([("xero_id", "in", ids)]).mapped("xero_id")
        ) | set(self.env["xero.payment"].search([("xero_id", "in", ids)]).mapped("xero_id"))
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
                    and not payment.currency_id.compare_amounts(float(found.amount), payment.amount)
                ):
                    payment._xero_store_ids({payment.id: str(found.payment_id)})
                    taken.add(str(found.payment_id))
                    break

    @api.model
    def _adopt_written(self, connection, xero_payments):
        """The Xero IDs, among these payments the import reads, of payments Odoo wrote
        whose answer never came (a lost answer, a crash): a pair not linked yet on the same
        document with the same reference and amount. Linked here when no worker holds the
        pair, they are Odoo's own all the same: never recorded back as Xero's."""
        references = {p.reference for p in xero_payments if p.reference}
        if not references:
            return set()
        # Only the pairs of the documents these payments pay: not every unsent pair.
        documents = {payment_target(p) for p in xero_payments if p.reference} - {None}
        unlinked = self.with_context(active_test=False).search(
            [
                ("company_id", "=", connection.company_id.id),
                ("kind", "=", "payment"),
                ("xero_id", "=", False),
                ("xero_operation", "=", "upsert"),
                ("reference", "!=", False),
                ("move_id.xero_id", "in", list(documents)),
            ]
        )
        unlinked = unlinked.filtered(lambda p: p._xero_reference() in references)
        adopted = set()
        for found in xero_payments:
            for pair in unlinked:
                if (
                    pair.move_id.xero_id == payment_target(found)
                    and pair._xero_reference() == found.reference
                    and not pair.currency_id.compare_amounts(pair.amount, float(found.amount))
                ):
                    adopted.add(str(found.payment_id))
                    unlinked -= pair
                    if lock_quietly(pair):
                        pair._xero_link_found([found])
                        pair._xero_settle_found()
                    break
        return adopted

    def _xero_settle_found(self):
        """These pairs were found in Xero: linked, synced, and deleted there at the next run
        when they were withdrawn meanwhile."""
        found = self.filtered("xero_id")
        found._xero_write({"xero_state": "synced", "xero_lost_batch": False, "xero_error": False})
        found.filtered(lambda p: not p.active)._xero_request_removal()
        return found

    def _xero_link_found_allocations(self, xero_allocations):
        """Link these allocations (of one credit note) to those Xero holds of the same invoice
        and amount that no other allocation is linked to."""
        ids = [str(a.allocation_id) for a in xero_allocations if a.allocation_id]
        taken = set(
            self.with_context(active_test=False).search([("xero_id", "in", ids)]).mapped("xero_id")
        )
        for allocation in self:
            for found in xero_allocations:
                if (
                    str(found.allocation_id) not in taken
                    and not found.is_deleted
                    and found.invoice
                    and str(found.invoice.invoice_id) == allocation.invoice_move_id.xero_id
                    and not allocation.currency_id.compare_amounts(
                        float(found.amount), allocation.amount
                    )
                ):
                    allocation._xero_store_ids({allocation.id: str(found.allocation_id)})
                    taken.add(str(found.allocation_id))
                    break

    def _xero_natural_key(self):
        """What the write claims before it goes (``xero.claim``), committed: after a crash
        mid-write, the claim says the payment may be in Xero, and it is looked up first."""
        if self.kind == "payment":
            parts = ("payment", self.move_id.xero_id, self._xero_reference())
        else:
            parts = ("allocation", self.move_id.xero_id, self.invoice_move_id.xero_id)
        return CLAIM_SEPARATOR.join((*parts, str(self.amount), str(self.date)))

    def _xero_holds_claim(self, connection, key):
        """A payment deleted in Xero holds its key no longer: the same payment posted again
        goes as new."""
        return super()._xero_holds_claim(connection, key) and (self.active or not self.xero_id)

    def _xero_key_taken_message(self, holder):
        return self.env._(
            "%(holder)s, the same payment, is being sent to Xero or may already be there (its "
            "last send got no answer): this one waits until it is settled. Send it again then.",
            holder=holder.display_name,
        )

    def _xero_reference(self):
        return clean(self.reference)[:REFERENCE_LENGTH]

    def _xero_prepare_removal(self, connection):
        return self.xero_id

    def _xero_save(self, connection, route, payloads):
        """New payments go together in one call, a credit note's new allocations in one call;
        a payment or an allocation is deleted by a call of its own."""
        removing = self[:1].xero_operation == "remove"
        if any((p.xero_operation == "remove") != removing for p in self):
            raise ValueError("A batch of Xero payments either creates or deletes")

        client = connection._client()
        return client, self._xero_write_with(client, connection, route, payloads)

    def _xero_write_with(self, client, connection, route, payloads):
        """The calls that send these records (one kind, one operation); their results in the
        records' order."""
        scope = self._xero_idempotency_scope(connection)
        if route == PAYMENTS:
            if self[:1].xero_operation == "remove":
                return client.delete_payments([payloads[p.id] for p in self], scope)
            return client.save(
                route.endpoint, [payloads[p.id] for p in self], scope, create_only=True
            )
        results = {}
        for credit_note, allocations in self.grouped("move_id").items():
            if allocations[:1].xero_operation == "remove":
                answers = [
                    client.delete_allocation(credit_note.xero_id, payloads[a.id])
                    for a in allocations
                ]
            else:
                answers = client.allocate_credit_note(
                    credit_note.xero_id, [payloads[a.id] for a in allocations], scope
                )
            results.update(zip(allocations.ids, answers, strict=True))
        return [results[a.id] for a in self]

    def _xero_group_by_write(self):
        """Payments and allocations, deletions and creations, never share a call. The groups
        are made before the first is sent: sending one changes its rows' operation."""
        groups = []
        for route, kind in ((PAYMENTS, "payment"), (CREDIT_NOTE_ALLOCATIONS, "allocation")):
            for operation in ("remove", "upsert"):
                group = self.filtered(
                    lambda p, k=kind, o=operation: p.kind == k and p.xero_operation == o
                )
                if group:
                    groups.append((route, group))
        return groups

    def _xero_apply_results(self, connection, route, results, linked, duration, client):
        """A deleted payment stays archived; one withdrawn while its creation was on its way
        (its first answer lost) is deleted in Xero now that its ID is known."""
        creating = self.filtered(lambda p: p.xero_operation == "upsert")
        result = super()._xero_apply_results(connection, route, results, linked, duration, client)
        creating.filtered(
            lambda p: not p.active and p.xero_state == "synced"
        )._xero_request_removal()
        creating._xero_undo_half_payments(connection)
        return result

    def _xero_undo_half_payments(self, connection):
        """An Odoo payment of several documents is in Xero whole or not at all: when Xero
        refused one of its parts, the parts it took are deleted in Xero again, and wait in
        error beside the refused one, to go together once it is fixed."""
        for money, parts in (
            self.filtered(lambda p: p.kind == "payment").grouped("money_move_id").items()
        ):
            refused = parts.filtered(lambda p: p.xero_state == "error")
            taken = parts.filtered(lambda p: p.active and p.xero_state == "synced")
            if not refused or not taken:
                continue
            message = self.env._(
                "Not in Xero: Xero refused another part of %(payment)s (%(refused)s), and a "
                "payment goes to Xero whole or not at all. Fix that part, then send them again.",
                payment=money.name,
                refused=", ".join(refused.mapped("display_name")),
            )
            values = [part._xero_copy_values() for part in taken]
            for part in taken:
                part._xero_withdraw()
            self.flush_model(["active"])
            waiting = self.create(values)
            waiting._xero_mark_error(connection, message, "create")
            # The parts Xero took are deleted at the next run, not the next hour.
            self.env.ref("xero_connector.ir_cron_xero_push").sudo()._trigger()

    def _xero_copy_values(self):
        return {
            name: self[name].id if self._fields[name].type == "many2one" else self[name]
            for name in (
                "company_id",
                "kind",
                "move_id",
                "money_move_id",
                "invoice_move_id",
                "currency_id",
                "amount",
                "amount_company_currency",
                "date",
                "reference",
            )
        }

    def action_xero_sync(self):
        """The parts of an Odoo payment go to Xero together: the others in error go too."""
        siblings = self.search(
            [
                ("kind", "=", "payment"),
                ("money_move_id", "in", self.money_move_id.ids),
                ("xero_state", "=", "error"),
            ]
        )
        return super(XeroOdooPayment, self | siblings).action_xero_sync()

    def _xero_apply_failure(self, connection, route, result, client, operation):
        if self.xero_operation == "remove" and any(ALREADY_DELETED in e for e in result.errors):
            # A deletion sent again after its answer was lost, once Xero forgot its key.
            self._xero_write(
                {"xero_state": "synced", "xero_operation": "upsert", "xero_error": False}
            )
            return None
        outcome = super()._xero_apply_failure(connection, route, result, client, operation)
        body = self.env._(
            "%(payment)s (%(amount)s) did not reach Xero: %(reason)s",
            payment=self.display_name,
            amount=self.currency_id.format(self.amount),
            reason=" ".join(client_text(self.env, e) for e in result.errors),
        )
        for record in (self.move_id, self.payment_id):
            if record:
                record.sudo().message_post(body=body)
        return outcome

    @api.model
    def _xero_push_pending(self, connection):
        self._refresh_stale(connection)
        self._xero_retry_waiting(connection)
        # The pairs exist, committed, before any write: a crash after Xero took a payment
        # leaves its pair and claim, which find it in Xero at the next run.
        commit_progress(self.env, 0)
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
        """{(document, money entry, invoice): values} of the payments and allocations Odoo
        holds on these documents: the posted money entries (payments that did not come from
        Xero, bank statement lines) reconciled with their receivable or payable lines, and the
        credit notes reconciled with invoices (both in Xero), less what Xero allocated itself;
        each pair's amounts summed over the reconciliation rows it has (instalments, several
        matches). A payment's key has no invoice, an allocation's no money entry."""
        pairs, seen = {}, set()
        empty = self.env["account.move"]
        for document in documents:
            lines = document.line_ids.filtered(
                lambda line: line.account_id.account_type in RECEIVABLE_TYPES
            )
            for partial in lines.matched_debit_ids | lines.matched_credit_ids:
                if partial.id in seen:
                    continue  # a credit note and its invoice, both among the documents
                seen.add(partial.id)
                document_is_debit = partial.debit_move_id in lines
                other_line = partial.credit_move_id if document_is_debit else partial.debit_move_id
                amounts = (partial.debit_amount_currency, partial.credit_amount_currency)
                amount, other_amount = amounts if document_is_debit else amounts[::-1]
                other = other_line.move_id
                if self._is_money_for_xero(other):
                    values = pairs.setdefault(
                        (document, other, empty), self._pair_values(document, other)
                    )
                    values["amount"] += amount
                    booked = self._booked(document, other_line, amount, other_amount)
                    if booked is None or values["amount_company_currency"] is None:
                        values["amount_company_currency"] = None
                    else:
                        values["amount_company_currency"] += booked
                elif self._is_allocation(document, other):
                    on_credit_note = document.move_type.endswith("refund")
                    credit_note, invoice = (
                        (document, other) if on_credit_note else (other, document)
                    )
                    values = pairs.setdefault(
                        (credit_note, empty, invoice), self._allocation_values(credit_note)
                    )
                    values["amount"] += amount if on_credit_note else other_amount
                    values["date"] = max(values["date"], partial.max_date)
        for (document, _money, invoice), values in pairs.items():
            values["amount"] = document.currency_id.round(values["amount"])
            if invoice:
                values["amount"] -= self._allocated_by_xero(document, invoice)
            if values["amount_company_currency"] is not None:
                values["amount_company_currency"] = document.company_id.currency_id.round(
                    values["amount_company_currency"]
                )
        return {pair: values for pair, values in pairs.items() if values["amount"] > 0}

    @api.model
    def _is_allocation(self, document, other):
        """Whether ``other``, reconciled with ``document``, makes a credit note allocation
        Odoo sends: a posted invoice and a credit note of one side, both in Xero."""
        kinds = {document.move_type, other.move_type}
        return (
            kinds in ({"out_invoice", "out_refund"}, {"in_invoice", "in_refund"})
            and other.state == "posted"
            and bool(other.xero_id)
        )

    @api.model
    def _allocation_values(self, credit_note):
        return {
            "kind": "allocation",
            "currency_id": credit_note.currency_id.id,
            "amount": 0.0,
            "amount_company_currency": 0.0,
            "date": credit_note.invoice_date or credit_note.date,
            "reference": False,
        }

    @api.model
    def _allocated_by_xero(self, credit_note, invoice):
        """What Xero allocated of the credit note to the invoice itself, recorded in Odoo:
        Xero's own, never sent back."""
        recorded = self.env["xero.payment"].search(
            [
                ("kind", "=", "allocation"),
                ("move_id", "=", credit_note.id),
                ("invoice_move_id", "=", invoice.id),
                ("state", "=", "recorded"),
            ]
        )
        return sum(recorded.mapped("amount"))

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
