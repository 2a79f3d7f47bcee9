# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import hashlib
import json

from xero_python.accounting import CreditNote, Invoice

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..client_text import client_text
from ..xero_client.document_content import content_of, differences
from ..xero_client.errors import AuthError, TransientError, XeroError
from ..xero_client.mappings.common import MappingError, text
from ..xero_client.mappings.credit_note import credit_note_to_xero
from ..xero_client.mappings.document import KINDS
from ..xero_client.mappings.invoice import invoice_to_xero
from ..xero_client.routes import BILL_CREDIT_NOTES, BILLS, SALES_CREDIT_NOTES, SALES_INVOICES
from .res_partner import SUMMARY_IMPORT
from .xero_document_line_mixin import amount, check_document
from .xero_document_mixin import CLAIM_SEPARATOR, CLOSED, LOOKUP_TERMS
from .xero_sync_mixin import LOST_REASONS, XeroDataError

MOVE_ROUTES = {
    "out_invoice": SALES_INVOICES,
    "in_invoice": BILLS,
    "out_refund": SALES_CREDIT_NOTES,
    "in_refund": BILL_CREDIT_NOTES,
}
DOCUMENT_TYPES = tuple(MOVE_ROUTES)
XERO_DOCUMENT_STATES = [
    ("DRAFT", "Draft"),
    ("SUBMITTED", "Awaiting approval"),
    ("AUTHORISED", "Approved"),
    ("PAID", "Paid"),
    ("VOIDED", "Voided"),
    ("DELETED", "Deleted"),
]


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "xero.document.mixin"]

    _xero_depends_on = ("res.partner", "product.product")
    # Posted documents change little: a reset to draft and a new post send them again.
    _xero_synced_fields = ("ref", "invoice_date_due")

    xero_number = fields.Char(string="Xero number", copy=False, readonly=True)
    xero_status = fields.Selection(
        XERO_DOCUMENT_STATES, string="Status in Xero", copy=False, readonly=True
    )
    xero_online_url = fields.Char(
        string="Xero online invoice",
        copy=False,
        readonly=True,
        help="Where the customer views and pays the invoice in Xero.",
    )
    xero_amount_total = fields.Monetary(
        string="Total in Xero",
        currency_field="currency_id",
        copy=False,
        readonly=True,
        help="Xero's total of the document, as of the last import.",
    )
    xero_amount_due = fields.Monetary(
        string="Due in Xero",
        currency_field="currency_id",
        copy=False,
        readonly=True,
        help="What Xero says is still due (for a credit note: the credit left), as of the "
        "last import.",
    )
    xero_amount_paid = fields.Monetary(
        string="Paid in Xero", currency_field="currency_id", copy=False, readonly=True
    )
    xero_amount_credited = fields.Monetary(
        string="Credited in Xero",
        currency_field="currency_id",
        copy=False,
        readonly=True,
        help="Credit notes allocated to it in Xero (for a credit note: what was allocated or "
        "refunded of it).",
    )
    xero_fully_paid_on = fields.Date(string="Fully paid in Xero on", copy=False, readonly=True)
    xero_sent_content = fields.Json(
        copy=False, readonly=True, help="What Xero held after the last send from Odoo."
    )
    xero_sent_digest = fields.Char(
        copy=False,
        readonly=True,
        help="A digest of what Odoo last sent of it (empty: unknown): whether it changed since.",
    )
    xero_seen_content = fields.Json(
        copy=False, readonly=True, help="What Xero held at the last import, when it differed."
    )
    xero_changed_in_xero = fields.Boolean(
        string="Changed in Xero",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Edited in Xero after it was sent: the next send waits until someone chooses "
        "which version stands.",
    )
    xero_changes = fields.Text(string="Changes in Xero", copy=False, readonly=True)
    xero_payments_stale = fields.Boolean(
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Its reconciliations changed: the payments Odoo sends Xero for it are looked at "
        "again at the next send.",
    )
    xero_attachment_ids = fields.Many2many(
        "ir.attachment",
        "account_move_xero_attachment_rel",
        "move_id",
        "attachment_id",
        string="Files in Xero",
        copy=False,
        readonly=True,
    )

    # -- which moves, and where ---------------------------------------------------------------
    def _xero_get_route(self):
        return MOVE_ROUTES.get(self.move_type)

    @api.model
    def _xero_sendable_domain(self):
        """Invoices, bills and credit notes: posted ones, and cancelled ones whose Xero
        document is still to be voided or deleted. Journal entries and receipts never go."""
        return [
            ("move_type", "in", DOCUMENT_TYPES),
            "|",
            ("state", "=", "posted"),
            "&",
            ("state", "=", "cancel"),
            ("xero_operation", "=", "remove"),
        ]

    def _xero_dependencies(self, connection):
        if self.xero_operation == "remove":
            return []  # a document to void or delete needs nothing else in Xero
        company = connection.company_id
        products = self.invoice_line_ids.product_id.with_company(company).filtered("default_code")
        return [self.commercial_partner_id, products]

    # -- one Xero document per move -----------------------------------------------------------
    def _xero_number_to_send(self):
        """Xero's InvoiceNumber or CreditNoteNumber: Odoo's number for sales documents; the
        vendor's reference for supplier ones (Xero shows it as their Reference), else Odoo's
        number."""
        name = self.name if self.name and self.name != "/" else None
        if self.move_type.startswith("out_"):
            return name
        return text(self.ref) or name

    def _xero_natural_key(self):
        """What the document's write claims before it goes (``xero.claim``): kind, contact,
        date, total and number. It tells, when the answer never came, which Xero document is
        the one this write made: a bill the bookkeeper entered in Xero with the same vendor
        reference has another date or total, and is not taken for it."""
        number = self._xero_number_to_send()
        if not number:
            return None
        partner = self.commercial_partner_id.with_company(self.company_id)
        return CLAIM_SEPARATOR.join(
            (
                self.move_type,
                partner.xero_id or "",
                fields.Date.to_string(self.invoice_date or self.date),
                str(amount(self.amount_total)),
                number,
            )
        )

    def _xero_holds_claim(self, connection, key):
        # A cancelled document no longer stands in the way of its correction.
        return super()._xero_holds_claim(connection, key) and self.state != "cancel"

    def _xero_recover_unanswered(self, connection):
        refused = self._xero_take_over_order_bills(connection)
        settled = self._xero_check_unchanged_in_xero(connection)
        return super(AccountMove, self - refused - settled)._xero_recover_unanswered(connection)

    def _xero_check_unchanged_in_xero(self, connection):
        """Before Odoo updates documents it sent, what Xero holds is read (one call per kind
        and batch): one an accountant edited in Xero since the hourly import looked is
        marked changed in Xero, and is not sent until someone chooses (_xero_prepare); one
        paid in Xero is settled without a write (_xero_settle_paid). Returns those
        settled."""
        settled = self.browse()
        sent = self.filtered(
            lambda m: (
                m.xero_id
                and m.xero_operation == "upsert"
                and not m.xero_changed_in_xero
                and m.xero_status not in CLOSED
            )
        )
        if not sent:
            return settled
        client = connection._client()
        for route, group in sent._xero_group_by_route():
            documents = self._xero_read_by_ids(client, route.endpoint, group.mapped("xero_id"))
            by_id = {str(getattr(d, route.id_attribute)): d for d in documents}
            group._xero_compare_contents(by_id)
            settled |= group._xero_settle_paid(connection, by_id)
        return settled

    def _xero_settle_paid(self, connection, xero_documents):
        """Xero takes no change to a document with a payment or a credit note on it ("not of
        valid status for modification"). Of these moves whose Xero document ({Xero ID:
        document}) has one, those Odoo has not changed since their last send are synced as
        they are, without a write (those sent before Odoo kept what it sent, with a warning
        that a change would not be in Xero); the others are in error, saying what to do.
        One Odoo can no longer send as it is (a mapping removed since) is left to the send,
        which says what to fix. Returns those settled or in error."""
        paid = self.filtered(
            lambda m: (
                not m.xero_changed_in_xero
                and (m.xero_sent_digest or m.xero_sent_content)  # sent by Odoo, not taken over
                and m.xero_id in xero_documents
                and is_paid_in_xero(xero_documents[m.xero_id])
            )
        )
        digests = {m: m._xero_digest(connection) for m in paid.filtered("xero_sent_digest")}
        paid -= self.browse([m.id for m, digest in digests.items() if digest is None])
        changed = paid.filtered(lambda m: m.xero_sent_digest and m.xero_sent_digest != digests[m])
        for move in paid - changed:
            values = xero_balances(xero_documents[move.xero_id])
            warning = not move.xero_sent_digest and self.env._(
                "Xero holds a payment or a credit note on it and takes no change to it: a "
                "change made in Odoo since it was last sent is not in Xero."
            )
            move._xero_write(
                dict(values, xero_state="synced", xero_error=False, xero_warning=warning)
            )
        for move in changed:
            move._xero_mark_error(
                connection,
                self.env._(
                    "Xero holds a payment or a credit note on %(document)s and takes no change "
                    "to it: Odoo's change was not sent. Remove the payment or the credit note "
                    "in Xero, then press Sync to Xero again.",
                    document=move.xero_number or move.display_name,
                ),
                "update",
            )
        return paid

    def _xero_digest(self, connection):
        """A digest of what Odoo would send of this move now, whatever Xero's status (None:
        it cannot be sent as it is)."""
        try:
            return values_digest(self._xero_document_values(connection))
        except (XeroDataError, MappingError):
            return None

    def _xero_save(self, connection, route, payloads):
        try:
            return super()._xero_save(connection, route, payloads)
        except TransientError:
            # Xero may have applied the update whose answer was lost: what it holds is known
            # again from the next send's answer, not compared with the content sent before.
            self.filtered("xero_id")._xero_write({"xero_sent_content": False})
            raise

    def _xero_take_over_order_bills(self, connection):
        """A vendor bill of purchase orders Xero holds as bills takes the first one's bill
        over: it is sent as an update of it (its contact, lines and totals are the vendor
        bill's), never as a second bill; the other orders' bills are removed once the
        vendor bill is in Xero (see _xero_after_sync). Lost writes are settled first: a
        vendor bill whose own write may have happened is looked up as itself, and an order
        whose write may have happened is looked up before its bill is missed. Returns the
        vendor bills refused: an order's bill Xero no longer takes changes to."""
        bills = self.filtered(
            lambda m: m.move_type == "in_invoice" and not m.xero_id and m.xero_operation == "upsert"
        )
        refused = self.browse()
        if not bills:
            return refused
        bills -= self.browse(list(self.env["xero.claim"]._keys_held(connection, bills)))
        orders = bills.invoice_line_ids.purchase_line_id.order_id.filtered(
            lambda o: o.company_id == connection.company_id and not o.xero_bill_move_id
        )
        orders.filtered(lambda o: not o.xero_id)._xero_recover_unanswered(connection)
        for move in bills:
            taken = (orders & move.invoice_line_ids.purchase_line_id.order_id).filtered(
                lambda o: (
                    o.xero_sent_as == "bill"
                    and o.xero_id
                    and not o.xero_bill_move_id
                    and o.xero_status not in ("DELETED", "VOIDED")
                )
            )
            closed = taken.filtered(lambda o: o.xero_status == "PAID")
            if closed:
                move._xero_write(
                    {"xero_state": "error", "xero_error": self._xero_order_bill_paid(closed)}
                )
                refused |= move
            elif taken:
                move._xero_take_over_bills_of(taken)
        return refused

    def _xero_order_bill_paid(self, orders):
        """Why a vendor bill cannot take over the bill of these orders: it has a payment or a
        credit note in Xero."""
        return self.env._(
            "It bills %(orders)s, whose bill Xero holds a payment or a credit note on: Xero "
            "takes no change to it, and a second bill would be paid twice. Check the bill in "
            "Xero (remove its payment or credit note to let Odoo update it).",
            orders=", ".join(orders.mapped("name")),
        )

    def _xero_apply_failure(self, connection, route, result, client, operation):
        taken_over = self._xero_order_bills_refused_for_a_payment(client, route, result, operation)
        if taken_over:
            self._xero_mark_error(connection, self._xero_order_bill_paid(taken_over), operation)
            return
        super()._xero_apply_failure(connection, route, result, client, operation)

    def _xero_order_bills_refused_for_a_payment(self, client, route, result, operation):
        """The orders whose bill this vendor bill's first send, to take it over, was refused
        for: a payment or a credit note on it. A part payment leaves the bill AUTHORISED,
        and one made since the last import is not known yet: Xero's refusal tells, and what
        Xero holds confirms (it says the same of a bill voided there)."""
        if (
            operation != "update"
            or not self.xero_id
            or self.xero_sent_digest
            or self.xero_sent_content
            or not refused_for_a_payment(result.errors)
        ):
            return self.env["purchase.order"]
        taken_over = self.env["purchase.order"].search(
            [("xero_bill_move_id", "=", self.id), ("xero_id", "=", self.xero_id)]
        )
        if not taken_over:
            return taken_over
        document = self._xero_read_now(client, route)
        if document is None or not is_paid_in_xero(document):
            return self.env["purchase.order"]
        return taken_over

    def _xero_take_over_bills_of(self, orders):
        """This vendor bill becomes the Xero bill of the first of these orders (sent as
        bills); none of them goes as a bill again. The bills of the others are removed once
        the vendor bill, which counts their lines, is in Xero."""
        first = orders[:1]
        self._xero_store_ids({self.id: first.xero_id})
        self._xero_write({"xero_status": first.xero_status})
        orders._xero_write({"xero_bill_move_id": self.id})
        first._xero_write(
            {
                "xero_state": "synced",
                "xero_operation": "upsert",
                "xero_error": False,
                "xero_lost_batch": False,
            }
        )

    def _xero_remove_replaced_order_bills(self):
        """The orders' own bills that these vendor bills, now in Xero, replace are voided or
        deleted in Xero, each order saying so."""
        orders = self.env["purchase.order"].search(
            [("xero_bill_move_id", "in", self.ids), ("xero_id", "!=", False)]
        )
        replaced = orders.filtered(
            lambda o: (
                o.xero_id != o.xero_bill_move_id.xero_id
                and o.xero_status not in ("DELETED", "VOIDED")
                and o.xero_operation != "remove"
            )
        )
        replaced._xero_request_removal()
        for order in replaced:
            order.sudo().message_post(
                body=self.env._(
                    "Its bill in Xero is removed: vendor bill %(bill)s counts its lines.",
                    bill=order.xero_bill_move_id.display_name,
                )
            )

    def _xero_find_written(self, client, route, claims):
        _endpoint, xero_type, _discounts = KINDS[self[:1].move_type]
        return self._xero_find_by_contact_and_date(client, route, xero_type, claims)

    # -- posting, resetting, cancelling -------------------------------------------------------
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._xero_send_when_posted()
        posted._xero_note_money_changed()
        return posted

    def button_draft(self):
        self._xero_note_money_changed()
        return super().button_draft()

    def _xero_note_money_changed(self):
        """Payment or bank statement entries posted, reset or cancelled: the documents they
        pay have the payments Odoo sends Xero looked at again (a reset keeps its
        reconciliations, but is no longer money in the books)."""
        money = self.filtered(lambda m: m.origin_payment_id or m.statement_line_id)
        partials = money.line_ids.matched_debit_ids | money.line_ids.matched_credit_ids
        self.env["xero.odoo.payment"]._note_stale(partials._xero_documents())

    def _xero_send_when_posted(self):
        """Posted documents go to Xero at the next run when their company sends that kind
        automatically, and always when Xero already holds them (they changed)."""
        documents = self.filtered(lambda m: m.move_type in DOCUMENT_TYPES)
        connections = {}
        for move in documents:
            if move.company_id not in connections:
                connections[move.company_id] = (
                    self.env["xero.connection"].sudo()._of_company(move.company_id)
                )
        to_send = documents.filtered(
            lambda m: (
                m.xero_id
                or m.xero_operation == "remove"
                or (connections[m.company_id] and connections[m.company_id]["send_" + m.move_type])
                == "on_post"
            )
        )
        # Also what Xero may hold (a send got no answer): posted again, it is sent again,
        # never left to the removal a cancel had asked for.
        to_send |= (documents - to_send)._xero_maybe_in_xero()
        to_send._xero_write({"xero_sent_by_id": self.env.user.id})
        to_send._xero_request_send()

    def button_cancel(self):
        documents = self.filtered(lambda m: m.move_type in DOCUMENT_TYPES)
        self._xero_note_money_changed()
        result = super().button_cancel()
        documents._xero_write({"xero_sent_by_id": self.env.user.id})
        documents._xero_request_removal()
        return result

    def unlink(self):
        # A cancelled payment's draft entry is deleted: what it paid in Xero is deleted there.
        self.env["xero.odoo.payment"].sudo()._withdraw_money_of(self)
        return super().unlink()

    # -- the button ---------------------------------------------------------------------------
    def action_xero_sync(self):
        documents = self.filtered(lambda m: m.move_type in DOCUMENT_TYPES)
        if documents != self:
            raise UserError(
                self.env._(
                    "Only invoices, bills and credit notes go to Xero, not %(moves)s.",
                    moves=", ".join((self - documents).mapped("display_name")),
                )
            )
        unposted = documents.filtered(
            lambda m: m.state == "draft" or (m.state == "cancel" and m.xero_operation != "remove")
        )
        if unposted:
            raise UserError(
                "\n".join(
                    self.env._(
                        "%(move)s is a draft: post it before sending it to Xero.",
                        move=m.display_name,
                    )
                    if m.state == "draft"
                    else self.env._(
                        "%(move)s is cancelled: there is nothing to send to Xero.",
                        move=m.display_name,
                    )
                    for m in unposted
                )
            )
        return super().action_xero_sync()

    # -- Xero's online invoice, on demand ----------------------------------------------------
    def action_xero_open_online_invoice(self):
        """Xero's online invoice of this approved customer invoice, in a new tab. Xero is
        asked for its address at the first click only (one call; asking for each invoice
        sent spent the day's calls on links few open), later clicks open the stored one."""
        self.ensure_one()
        self._xero_check_may_open_online_invoice()
        if not self.xero_online_url:
            self._xero_write({"xero_online_url": self._xero_ask_online_url()})
        return {"type": "ir.actions.act_url", "url": self.xero_online_url, "target": "new"}

    def _xero_check_may_open_online_invoice(self):
        # The rule of the Sync to Xero button, for a record the user may read.
        if not self.env.user.has_group("xero_connector.group_xero_user"):
            raise AccessError(
                self.env._("You need the 'Xero: user' right to open Xero's online invoice.")
            )
        self.check_access("read")
        if not self._xero_has_online_invoice():
            raise UserError(
                self.env._(
                    "Xero has an online invoice for the customer invoices it holds as approved "
                    "or paid only: %(move)s is not one.",
                    move=self.display_name,
                )
            )

    def _xero_has_online_invoice(self):
        return bool(
            self.move_type == "out_invoice"
            and self.xero_id
            and self.xero_status in ("AUTHORISED", "PAID")
        )

    def _xero_ask_online_url(self):
        """The online invoice's address, asked of Xero (one call); a UserError says why Xero
        did not give it."""
        connection = self.env["xero.connection"]._of_company(self.company_id)
        if connection.state != "connected":
            raise UserError(connection._not_connected_message(self.company_id))
        if connection._is_rate_limited():
            raise UserError(connection._rate_limit_message())
        try:
            url = self._xero_online_url_of(connection)
        except XeroError as error:
            raise UserError(self._xero_online_url_refused(connection, error)) from None
        if not url:
            raise UserError(
                self.env._("Xero has no online invoice for %(move)s.", move=self.display_name)
            )
        return url

    def _xero_online_url_of(self, connection):
        client = connection._client()
        return client.online_invoice_url(self.xero_id)

    def _xero_online_url_refused(self, connection, error):
        """The message of a UserError for Xero's refusal (``error``, whose message is masked).
        An access token Xero refused is renewed at the next call, as for a send: the renewal
        is committed on its own, this request's transaction being rolled back."""
        if isinstance(error, AuthError) and error.reason not in LOST_REASONS:
            connection._expire_access_token()
        return self.env._(
            "Xero did not give the online invoice of %(move)s: %(error)s",
            move=self.display_name,
            error=client_text(self.env, error),
        )

    # -- Odoo to Xero ---------------------------------------------------------------------------
    def _xero_save_params(self):
        return {"unitdp": 4}

    def _xero_document_lines(self):
        return self.line_ids

    def _xero_prepare(self, connection):
        self.ensure_one()
        if self.state != "posted":
            raise XeroDataError(
                self.env._("%(move)s is not posted: it cannot be sent.", move=self.display_name)
            )
        if self.xero_status in ("VOIDED", "DELETED"):
            raise XeroDataError(
                self.env._(
                    "Its Xero document was %(status)s, and Xero never reopens one: nothing was "
                    "sent. Duplicate the document in Odoo to send it as a new one.",
                    status=dict(XERO_DOCUMENT_STATES)[self.xero_status].lower(),
                )
            )
        if self.xero_changed_in_xero:
            raise XeroDataError(
                self.env._(
                    "It was changed in Xero since it was sent (%(changes)s): sending Odoo's "
                    "version would undo that. Choose Send Odoo's version, or Keep Xero's "
                    "version.",
                    changes="; ".join((self.xero_changes or "").splitlines()),
                )
            )
        values = self._xero_document_values(connection)
        # Kept once Xero holds it (_xero_keep_sent_digests).
        self.env.cr.cache.setdefault("xero_prepared_digest", {})[self.id] = values_digest(values)
        return self._xero_payload(connection, values)[1]

    def _xero_payload(self, connection, values=None):
        values = values or self._xero_document_values(connection)
        check_document(self, connection, values)
        build = (
            invoice_to_xero
            if self._xero_get_route().endpoint == "Invoices"
            else credit_note_to_xero
        )
        try:
            return build(values)
        except MappingError as error:
            raise XeroDataError(
                self.env._(
                    "%(move)s: %(error)s",
                    move=self.display_name,
                    error=client_text(self.env, error),
                )
            ) from None

    def _xero_document_values(self, connection):
        """The plain values ``xero_client.mappings.document`` turns into Xero's document."""
        move = self.with_company(connection.company_id)
        # A supplier document's Reference is dropped by Xero ("ACCREC only").
        reference = move.ref if move.move_type.startswith("out_") else None
        return {
            "kind": move.move_type,
            "label": move.display_name,
            "xero_id": move.xero_id or None,
            "contact_id": move._xero_contact_id(connection),
            "number": move._xero_number_to_send(),
            "reference": text(reference) or None,
            "date": fields.Date.to_string(move.invoice_date or move.date),
            "due_date": fields.Date.to_string(move.invoice_date_due) or None,
            **move._xero_common_values(connection),
        }

    def _xero_contact(self):
        return self.commercial_partner_id

    def _xero_document_rate(self):
        return self.invoice_currency_rate

    def _xero_status_wanted(self, connection):
        return connection["status_" + self.move_type]

    def _xero_line_values(self, connection):
        side = "sale" if self.move_type.startswith("out_") else "purchase"
        lines = self.invoice_line_ids.sorted(lambda line: (line.sequence, line.id))
        if self.line_ids.filtered(lambda line: line.display_type == "epd"):
            raise XeroDataError(
                self.env._(
                    "Its early payment discount lowers the tax base before payment, which Xero "
                    "cannot hold on an invoice: use a payment term without early discount for "
                    "documents sent to Xero."
                )
            )
        rounding = self.line_ids.filtered(lambda line: line.display_type == "rounding")
        if rounding.filtered("tax_repartition_line_id"):
            raise XeroDataError(
                self.env._(
                    "Its cash rounding changes the tax (the 'Modify tax amount' strategy), and "
                    "Xero computes tax from the lines: use the 'Add a rounding line' strategy."
                )
            )
        return self._xero_values_of_lines(connection, lines | rounding, side)

    def _xero_trail_name(self):
        """A vendor bill of purchase orders names them: Xero keeps no Reference on a bill."""
        orders = self.invoice_line_ids.purchase_line_id.order_id
        if self.move_type.startswith("in_") and orders:
            return self.env._(
                "%(move)s (purchase order %(orders)s)",
                move=self.name,
                orders=", ".join(orders.mapped("name")),
            )
        return self.name

    # -- after the write: history, PDF and files ---------------------------------------------
    def _xero_write(self, vals):
        # Xero's fields only: Odoo's balance check and line sync have nothing to do.
        return super(
            AccountMove, self.with_context(check_move_validity=False, skip_invoice_sync=True)
        )._xero_write(vals)

    def _xero_pdf(self):
        """(file name, content) of the document's PDF: the one Odoo sent, else the invoice
        report rendered now."""
        if self.invoice_pdf_report_id:
            return self.invoice_pdf_report_id.name, self.invoice_pdf_report_id.raw
        content = self.env["ir.actions.report"]._render_qweb_pdf(
            "account.account_invoices", self.ids
        )[0]
        return self._get_invoice_report_filename(), content

    def _detach_attachments(self):
        """The PDF Odoo detaches on a reset to draft is an old version, not one of the
        document's files: it is never sent to Xero on its own."""
        detached = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "account.move"),
                    ("res_id", "in", self.ids),
                    ("res_field", "in", self._get_fields_to_detach()),
                ]
            )
        )
        for move in self:
            old = detached.filtered(lambda a, m=move: a.res_id == m.id)
            if old:
                move._xero_write({"xero_attachment_ids": [(4, a.id) for a in old]})
        return super()._detach_attachments()

    def _xero_pdf_files(self):
        return self.invoice_pdf_report_id

    # -- Xero to Odoo -------------------------------------------------------------------------
    @api.model
    def _xero_import_invoices(self, connection):
        """Statuses and balances of the invoices and bills (and of orders sent as bills).

        Xero's list of what changed holds its DELETED and VOIDED documents too (no filter
        leaves them out: the import asks for none): a move whose document Xero deleted or
        voided takes that status, says so once in its chatter, owes nothing in Xero, is not
        compared with what was sent and is not sent again. The same holds for credit notes."""
        # Unit prices to 4 decimals, as sent: compared with what was sent, 2 would differ.
        return self._xero_import_changes(
            connection, "invoices", "Invoices", self.env._("invoice and bill balances"), unitdp=4
        )

    @api.model
    def _xero_import_credit_notes(self, connection):
        """Statuses, credit left and allocations of the credit notes. Xero may not move a
        credit note's UpdatedDateUTC when it allocates it: the import of the invoices reads
        those again (see _xero_import_allocated_credit_notes)."""
        return self._xero_import_changes(
            connection,
            "credit_notes",
            "CreditNotes",
            self.env._("credit note balances"),
            unitdp=4,
        )

    @api.model
    def _xero_import_payments(self, connection):
        """Xero's payments on the documents sent from Odoo, recorded in Odoo (unless the
        company keeps payments in Xero only: then nothing is asked)."""
        if not connection._records_xero_payments():
            return 0
        return self._xero_import_changes(connection, "payments", "Payments", self.env._("payments"))

    @api.model
    def _xero_first_sent_at(self):
        # Orders sent as bills are Xero invoices too; and once the partner summaries have
        # read the organisation's documents, what changes after is read for them.
        orders = self.env["purchase.order"].search(
            [("xero_sent_as", "=", "bill"), ("company_id", "=", self.env.company.id)],
            order="xero_synced_at",
            limit=1,
        )
        connection = self.env["xero.connection"].sudo()._of_company(self.env.company)
        summaries = connection and connection._import_cursor(SUMMARY_IMPORT).watermark
        moments = [
            m for m in (super()._xero_first_sent_at(), orders.xero_synced_at, summaries) if m
        ]
        return min(moments, default=None)

    @api.model
    def _xero_import_page(self, endpoint, xero_documents):
        """What one page of Xero's changed ``endpoint`` says: payments recorded in Odoo; for
        invoices and credit notes, Xero's status, amounts due, paid and credited and the day
        fully paid on the moves linked to them (one voided or deleted in Xero says so in its
        chatter and is not sent again), edits made in Xero, allocations, overpayments and
        prepayments, the partner summaries, and the status of orders sent as bills. Returns
        how many records changed."""
        connection = self.env["xero.connection"].sudo()._of_company(self.env.company)
        if endpoint == "Payments":
            return self.env["xero.payment"].sudo()._import_page(connection, xero_documents)
        # The partner summaries learn of every changed document, sent from Odoo or not.
        self.env["res.partner"].sudo()._xero_note_documents(connection, endpoint, xero_documents)
        route = SALES_INVOICES if endpoint == "Invoices" else SALES_CREDIT_NOTES
        by_id = {str(getattr(d, route.id_attribute)): d for d in xero_documents}
        figures = {xero_id: xero_balances(d) for xero_id, d in by_id.items()}
        linked = self.search(
            [("xero_id", "in", list(figures)), ("company_id", "=", self.env.company.id)]
        )
        payments = self.env["xero.payment"].sudo()
        if endpoint == "CreditNotes":
            allocations = payments._import_allocations(connection, linked, by_id)
        else:
            allocations = payments._import_credits(connection, linked, by_id)
        changed = linked.filtered(lambda m: any(m[f] != v for f, v in figures[m.xero_id].items()))
        edited = linked._xero_compare_contents(by_id)
        # Amounts are monetary fields: a group written together is of one currency.
        for (_currency, values), group in changed.grouped(
            lambda m: (m.currency_id, tuple(figures[m.xero_id].items()))
        ).items():
            closed = group.filtered(lambda m, v=dict(values): m.xero_status != v["xero_status"])
            group._xero_write(dict(values))
            status = dict(values)["xero_status"]
            if status in ("VOIDED", "DELETED"):
                closed._xero_note_closed_in_xero(status)
        orders = 0
        if endpoint == "Invoices":
            statuses = {
                xero_id: values["xero_status"]
                for xero_id, values in figures.items()
                if xero_id not in linked.mapped("xero_id")
            }
            orders = self.env["purchase.order"]._xero_store_statuses(
                statuses, notable=("PAID", "VOIDED", "DELETED")
            )
            allocations += self._xero_import_allocated_credit_notes(connection, by_id)
        return len(changed | edited) + orders + allocations

    @api.model
    def _xero_import_allocated_credit_notes(self, connection, invoices):
        """Xero may leave a credit note's UpdatedDateUTC where it was when it allocates the
        credit note or deletes one of its allocations (its CreditNotes page shows a credit
        note paid years after its last update): what changed in CreditNotes can miss that.
        The invoice's UpdatedDateUTC moves (its amount due changed), and it lists the credit
        notes allocated to it. So the credit notes sent from Odoo that these changed invoices
        ({Xero ID: invoice}) list, or no longer list, otherwise than the allocations Odoo
        holds are read again (one call per 25, never one per document) and imported as
        changed: their status and credit left, their allocations reconciled or undone. An
        allocation to an invoice not sent from Odoo, of which Odoo keeps nothing, has its
        credit note read again whenever that invoice changes. Returns how many records
        changed."""
        differing = self._xero_allocations_differing(connection, invoices)
        notes = self.search(
            [
                ("xero_id", "in", list(differing)),
                ("move_type", "in", ("out_refund", "in_refund")),
                ("company_id", "=", self.env.company.id),
            ]
        )
        if not notes:
            return 0
        client = connection._client()
        found = self._xero_read_by_ids(client, "CreditNotes", notes.mapped("xero_id"))
        return self._xero_import_page("CreditNotes", found) if found else 0

    @api.model
    def _xero_read_by_ids(self, client, endpoint, xero_ids):
        """The Xero invoices or credit notes (``endpoint``) of these IDs, with their lines and
        unit prices to 4 decimals, as sent. Invoices are asked for by their list of IDs, in
        one call; GET CreditNotes takes no such list, so credit notes are asked for by their
        IDs in ``where``, 25 a call."""
        if endpoint == "Invoices":
            return client.find(endpoint, None, i_ds=list(xero_ids), unitdp=4)
        found = []
        for start in range(0, len(xero_ids), LOOKUP_TERMS):
            where = " OR ".join(
                'CreditNoteID==guid("%s")' % xero_id
                for xero_id in xero_ids[start : start + LOOKUP_TERMS]
            )
            found += client.find(endpoint, where, unitdp=4)
        return found

    @api.model
    def _xero_allocations_differing(self, connection, invoices):
        """The Xero IDs of the credit notes whose allocations to these Xero invoices
        ({Xero ID: invoice}), as the invoices list them, are not those Odoo holds."""
        listed, held = {}, {}
        for invoice_id, invoice in invoices.items():
            for credit in invoice.credit_notes or []:
                key = (str(credit.credit_note_id), invoice_id)
                listed.setdefault(key, []).append(amount(credit.applied_amount))
        allocations = (
            self.env["xero.payment"]
            .sudo()
            .search(
                [
                    ("connection_id", "=", connection.id),
                    ("kind", "=", "allocation"),
                    ("xero_status", "=", "AUTHORISED"),
                    ("invoice_move_id.xero_id", "in", list(invoices)),
                ]
            )
        )
        for allocation in allocations:
            key = (allocation.move_id.xero_id, allocation.invoice_move_id.xero_id)
            held.setdefault(key, []).append(amount(allocation.amount))
        return {
            note_id
            for note_id, invoice_id in listed.keys() | held.keys()
            if sorted(listed.get((note_id, invoice_id), []))
            != sorted(held.get((note_id, invoice_id), []))
        }

    def _xero_compare_contents(self, xero_documents):
        """These moves whose Xero document ({Xero ID: document}) no longer holds what Odoo
        sent (an accountant edited it in Xero) are marked changed in Xero, with what
        differs; those whose edit was undone are no longer. Payments, voids and allocations
        change no content. Returns the moves marked or cleared."""
        touched = self.browse()
        for move in self.filtered(lambda m: m.xero_sent_content):
            document = xero_documents.get(move.xero_id)
            if not document or document.status in CLOSED:
                continue
            seen = content_of(document)
            found = differences(move.xero_sent_content, seen)
            changes = "\n".join(found) or False
            if changes == (move.xero_changes or False) and bool(found) == move.xero_changed_in_xero:
                continue
            move._xero_write(
                {
                    "xero_changed_in_xero": bool(found),
                    "xero_changes": changes,
                    "xero_seen_content": seen if found else False,
                }
            )
            if found:
                move.sudo().message_post(
                    body=self.env._(
                        "Changed in Xero since it was sent: %(changes)s. The next send from "
                        "Odoo waits until someone chooses which version stands.",
                        changes="; ".join(found),
                    )
                )
            touched |= move
        return touched

    def action_xero_send_odoo_version(self):
        """Someone chose Odoo's version of documents changed in Xero: it is sent over
        Xero's."""
        self._xero_check_may_choose()
        # Compared with what Xero holds now, Odoo's version goes over it unasked.
        self._xero_settle_choice({})
        self._xero_request_send()
        return self.action_xero_sync()

    def _xero_check_may_choose(self):
        if not self.env.user.has_group("xero_connector.group_xero_user"):
            raise AccessError(
                self.env._("You need the 'Xero: user' right to choose which version stands.")
            )
        self.check_access("write")

    def action_xero_keep_xero_version(self):
        """Someone chose Xero's version: Odoo stops asking, and what Xero holds now is what
        later changes are compared with."""
        self._xero_check_may_choose()
        self._xero_settle_choice({"xero_state": "synced", "xero_error": False})
        return True

    def _xero_settle_choice(self, values):
        """Someone chose: what Xero holds now is what later changes are compared with."""
        for move in self.filtered("xero_changed_in_xero"):
            move._xero_write(
                dict(
                    values,
                    xero_changed_in_xero=False,
                    xero_sent_content=move.xero_seen_content,
                    xero_seen_content=False,
                )
            )

    # -- Xero's answer ------------------------------------------------------------------------
    @api.model
    def _xero_removal_payload(self, endpoint, xero_id):
        return None  # a posted move is never deleted in Odoo; a cancelled one is removed

    def _xero_prepare_removal(self, connection):
        """A draft or submitted document is deleted in Xero, an approved one voided (Xero
        refuses both once a payment is on it: the record then says so)."""
        status = "DELETED" if self.xero_status in ("DRAFT", "SUBMITTED", False) else "VOIDED"
        if self._xero_get_route().endpoint == "Invoices":
            return Invoice(invoice_id=self.xero_id, status=status)
        return CreditNote(credit_note_id=self.xero_id, status=status)

    def _xero_after_sync(self, connection, results):
        """Xero's number and status on each document; totals checked to the cent; the trail
        in the chatter; history, PDF and files next."""
        invoices = {m: d for m, d in results.items() if isinstance(d, Invoice)}
        self.browse([m.id for m in invoices])._xero_store_answers(
            connection, invoices, "invoice_number"
        )
        notes = {m: d for m, d in results.items() if m not in invoices}
        self.browse([m.id for m in notes])._xero_store_answers(
            connection, notes, "credit_note_number"
        )
        self._xero_store_column(
            "xero_amount_total",
            {
                m.id: float(amount(d.total or 0))
                for m, d in results.items()
                if d.status not in CLOSED
            },
        )
        self._xero_store_column(
            "xero_sent_content",
            {m.id: content_of(d) for m, d in results.items() if d.status not in CLOSED},
        )
        self._xero_keep_sent_digests()
        self.browse(
            [m.id for m, d in results.items() if d.status not in CLOSED]
        )._xero_remove_replaced_order_bills()
        # Paid in Odoo before it reached Xero: its payments follow it.
        self.env["xero.odoo.payment"]._note_stale(
            self.filtered(lambda m: m.payment_state != "not_paid")
        )
        self._xero_after_documents_sent(connection, results)

    def _xero_keep_sent_digests(self):
        """What these moves' send prepared is what Xero holds, for those it left synced."""
        prepared = self.env.cr.cache.get("xero_prepared_digest", {})
        self._xero_store_column(
            "xero_sent_digest",
            {m.id: prepared[m.id] for m in self if m.xero_state == "synced" and m.id in prepared},
        )


def values_digest(values):
    """A digest of a document's values for the mapping, Xero's status and ID left out: the
    same for the same document to send."""
    kept = {key: value for key, value in values.items() if key not in ("status", "xero_id")}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()


def is_paid_in_xero(document):
    """Whether a payment or a credit note is on this Xero invoice or credit note."""
    if document.status == "PAID":
        return True
    if isinstance(document, Invoice):
        return bool(document.amount_paid or document.amount_credited)
    # Xero describes AppliedAmount as what is applied to invoices: a cash refund shows in
    # Payments, whether or not Xero counts it there too.
    return bool(document.applied_amount or document.payments)


def refused_for_a_payment(errors):
    """Whether Xero refused a change to a document for a payment or a credit note on it:
    "Invoice not of valid status for modification" (paid), "This document cannot be edited
    as it has a payment or credit note allocated to it" (part paid), or both."""
    return any("valid status" in e or "credit note allocated" in e for e in errors)


def xero_balances(document):
    """The values a move keeps of its Xero invoice or credit note: status and balances."""
    if isinstance(document, Invoice):
        due, paid, credited = (
            document.amount_due,
            document.amount_paid,
            document.amount_credited,
        )
    else:
        due, credited = document.remaining_credit, document.applied_amount
        paid = sum(amount(p.amount) for p in document.payments or [])
    if document.status in CLOSED:
        # Nothing is due on a voided or deleted document, whatever the read says (Xero gives
        # a deleted invoice's total when read by its ID, 0 in its lists).
        due = 0
    return {
        "xero_status": document.status,
        "xero_amount_total": float(amount(document.total or 0)),
        "xero_amount_due": float(amount(due or 0)),
        "xero_amount_paid": float(amount(paid or 0)),
        "xero_amount_credited": float(amount(credited or 0)),
        "xero_fully_paid_on": document.fully_paid_on_date or False,
    }
