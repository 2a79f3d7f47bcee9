# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from markupsafe import Markup
from xero_python.accounting import CreditNote, Invoice

from odoo import api, fields, models
from odoo.exceptions import UserError

from xero_client.errors import (
    AuthError,
    RateLimited,
    TransientError,
    XeroError,
)
from xero_client.mappings.common import MappingError, text
from xero_client.mappings.credit_note import credit_note_to_xero
from xero_client.mappings.document import KINDS
from xero_client.mappings.invoice import invoice_to_xero
from xero_client.routes import BILL_CREDIT_NOTES, BILLS, SALES_CREDIT_NOTES, SALES_INVOICES

from .xero_connection import XeroNeedsReconnect
from .xero_document_line_mixin import amount
from .xero_document_mixin import CLAIM_SEPARATOR
from .xero_sync_mixin import XeroDataError, commit_progress

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
MAX_XERO_ATTACHMENTS = 10  # per document, Xero's limit
MAX_HISTORY_NOTE = 250  # characters, Xero's limit
FOLLOWUP_BATCH = 50
FOLLOWUP_AT_ONCE = 10  # documents whose PDF and files the button sends itself


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
    xero_followup_pending = fields.Boolean(
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Sent; its history note, PDF and attachments go next.",
    )
    xero_sent_by_id = fields.Many2one(
        "res.users",
        string="Sent to Xero by",
        copy=False,
        readonly=True,
        help="Who posted, pressed Sync to Xero or cancelled: Xero's history note names them.",
    )
    xero_pdf_revision = fields.Integer(
        copy=False,
        readonly=True,
        help="1 + the revision whose PDF Xero holds (0: none): a retry does not upload it again.",
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

    def _xero_link_existing(self, connection, payloads):
        """Two documents of one batch that would be the same Xero document (one bill
        entered twice): the second is refused. Across batches and workers, claims do the
        same."""
        firsts, refused = {}, {}
        for move in self.filtered(lambda m: not m.xero_id):
            key = move._xero_natural_key()
            first = firsts.setdefault(key, move) if key else move
            if first != move:
                refused[move.id] = move._xero_key_taken_message(first)
        return self.browse(), refused

    def _xero_key_taken_message(self, holder):
        return self.env._(
            "%(holder)s goes to Xero with the same contact, date, total and number "
            "(%(number)s): it looks like one document entered twice. Correct one of them.",
            holder=holder.display_name,
            number=self._xero_number_to_send(),
        )

    def _xero_recover_unanswered(self, connection):
        self._xero_take_over_order_bills()
        return super()._xero_recover_unanswered(connection)

    def _xero_take_over_order_bills(self):
        """A vendor bill of a purchase order Xero holds as a bill takes that bill over: it is
        sent as an update of it, never as a second bill, and the order no longer goes as a
        bill."""
        for move in self.filtered(
            lambda m: m.move_type == "in_invoice" and not m.xero_id and m.xero_operation == "upsert"
        ):
            order = move.invoice_line_ids.purchase_line_id.order_id.filtered(
                lambda o: (
                    o.xero_sent_as == "bill"
                    and o.xero_id
                    and not o.xero_bill_move_id
                    and o.xero_status not in ("DELETED", "VOIDED")
                )
            )[:1]
            if order:
                move._xero_store_ids({move.id: order.xero_id})
                move._xero_write({"xero_status": order.xero_status})
                order._xero_write({"xero_bill_move_id": move.id})

    def _xero_find_written(self, client, route, claims):
        _endpoint, xero_type, _discounts = KINDS[self[:1].move_type]
        return self._xero_find_by_contact_and_date(client, route, xero_type, claims)

    # -- posting, resetting, cancelling -------------------------------------------------------
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._xero_send_when_posted()
        return posted

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
        result = super().button_cancel()
        documents._xero_write({"xero_sent_by_id": self.env.user.id})
        documents._xero_request_removal()
        return result

    def _xero_request_removal(self):
        """Void or delete in Xero what Xero holds, or may hold (a write whose answer was
        lost: the next run finds out first); the others have nothing in Xero."""
        maybe = self._xero_maybe_in_xero()
        maybe._xero_bump_revision()
        maybe._xero_write(
            {"xero_state": "pending", "xero_operation": "remove", "xero_error": False}
        )
        maybe._xero_explain_waiting()
        (self - maybe)._xero_write(
            {"xero_state": "not_synced", "xero_operation": "upsert", "xero_error": False}
        )

    def _xero_maybe_in_xero(self):
        """These documents that Xero holds, or may hold: sent, or claimed and unanswered."""
        linked = self.filtered(lambda m: m.xero_id and m.xero_status not in ("DELETED", "VOIDED"))
        unlinked = self.filtered(lambda m: not m.xero_id)
        claimed = self.browse()
        connections = (
            self.env["xero.connection"]
            .sudo()
            .search([("company_id", "in", unlinked.company_id.ids)])
        )
        for connection in connections:
            claimed |= self.browse(
                list(self.env["xero.claim"].sudo()._keys_held(connection, unlinked))
            )
        return linked | claimed

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_xero(self):
        """A document Xero holds is cancelled, not deleted: cancelling voids or deletes it in
        Xero too, where a deletion would leave it there unseen."""
        in_xero = self._xero_maybe_in_xero()
        if in_xero:
            raise UserError(
                self.env._(
                    "%(moves)s are in Xero, or may be (a send got no answer): cancel them "
                    "instead, and Xero voids or deletes them too.",
                    moves=", ".join(in_xero.mapped("display_name")),
                )
            )

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
        documents._xero_write({"xero_sent_by_id": self.env.user.id})
        result = super().action_xero_sync()
        if len(documents) > FOLLOWUP_AT_ONCE:
            # Many PDFs would hold the request for long: the scheduled action sends them.
            self.env.ref("xero_connector.ir_cron_xero_push")._trigger()
            return result
        for company in documents.company_id:
            connection = self.env["xero.connection"]._of_company(company)
            if connection and connection.state == "connected":
                documents.filtered(
                    lambda m, c=company: m.company_id == c and m.xero_followup_pending
                )._xero_send_followups(connection)
        return result

    @api.model
    def _xero_push_pending(self, connection):
        finished = super()._xero_push_pending(connection)
        if finished:
            pending = self.with_company(connection.company_id).search(
                [
                    ("xero_followup_pending", "=", True),
                    ("company_id", "=", connection.company_id.id),
                ],
                order="id",
            )
            return pending._xero_send_followups(connection)
        return finished

    def action_xero_preview(self):
        self.ensure_one()
        wizard = self.env["xero.document.preview"].create({"move_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Preview for Xero"),
            "res_model": "xero.document.preview",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _xero_preview_payload(self):
        """What the next send would carry, in Xero's names, without calling Xero; a partner
        or product not in Xero yet stands as it will be once sent. XeroDataError says what
        must change first."""
        connection = self.env["xero.connection"]._of_company(self.company_id)
        if not connection:
            raise XeroDataError(self.env["xero.connection"]._not_connected_message(self.company_id))
        move = self.with_context(xero_preview=True)
        return move._xero_payload(connection)[0]

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
        return self._xero_payload(connection)[1]

    def _xero_payload(self, connection):
        """(what Xero receives, in Xero's names; the SDK's model of it)."""
        values = self._xero_document_values(connection)
        build = (
            invoice_to_xero
            if self._xero_get_route().endpoint == "Invoices"
            else credit_note_to_xero
        )
        try:
            return build(values)
        except MappingError as error:
            raise XeroDataError(
                self.env._("%(move)s: %(error)s", move=self.display_name, error=error)
            ) from None

    def _xero_document_values(self, connection):
        """The plain values ``xero_client.mappings.document`` turns into Xero's document."""
        company = connection.company_id
        move = self.with_company(company)
        partner = move.commercial_partner_id.with_company(company)
        if not partner.xero_id and not self.env.context.get("xero_preview"):
            raise XeroDataError(
                self.env._("%(partner)s is not in Xero yet.", partner=partner.display_name)
            )
        # A supplier document's Reference is dropped by Xero ("ACCREC only").
        reference = move.ref if move.move_type.startswith("out_") else None
        return {
            "kind": move.move_type,
            "label": move.display_name,
            "xero_id": move.xero_id or None,
            "contact_id": partner.xero_id
            or self.env._("(%(partner)s, sent first)", partner=partner.display_name),
            "number": move._xero_number_to_send(),
            "reference": text(reference) or None,
            "date": fields.Date.to_string(move.invoice_date or move.date),
            "due_date": fields.Date.to_string(move.invoice_date_due) or None,
            **move._xero_common_values(connection),
        }

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

    def _xero_trail_note(self):
        """Xero's history note (at most 250 characters)."""
        user = (self.xero_sent_by_id or self.env.user).name
        if self.xero_status == "VOIDED":
            note = self.env._(
                "Cancelled in Odoo (%(number)s) by %(user)s.", number=self.name, user=user
            )
        else:
            note = self.env._(
                "Sent from Odoo as %(number)s by %(user)s.", number=self.name, user=user
            )
        return note[:MAX_HISTORY_NOTE]

    # -- after the write: history, PDF and files, the online invoice ------------------------
    def _xero_write(self, vals):
        # Xero's fields only: Odoo's balance check and line sync have nothing to do.
        return super(
            AccountMove, self.with_context(check_move_validity=False, skip_invoice_sync=True)
        )._xero_write(vals)

    def _xero_send_followups(self, connection):
        """For each document sent: the history note, the PDF and the files not in Xero yet,
        and an approved sales invoice's online link; one call each, so the company may turn
        the first two off. A rate limit stops here (the next run goes on at Retry-After);
        anything else Xero refuses becomes a warning on the document. False: stop for now."""
        for start in range(0, len(self), FOLLOWUP_BATCH):
            done = {}
            try:
                for move in self[start : start + FOLLOWUP_BATCH]:
                    try:
                        done[move] = move._xero_with_fresh_token(
                            connection, lambda m=move: m._xero_followup(connection)
                        )
                    except (XeroError, UserError) as error:
                        if isinstance(
                            error, (RateLimited, AuthError, TransientError, XeroNeedsReconnect)
                        ):
                            raise
                        # Refused by Xero (a file it will not take), or the PDF could not be
                        # rendered: said on the document, not tried for ever.
                        done[move] = {
                            "xero_warning": self.env._(
                                "In Xero, but its history note or files could not follow: "
                                "%(error)s",
                                error=getattr(error, "message", None) or str(error),
                            ),
                        }
            except RateLimited as error:
                until = connection._note_rate_limit(error.retry_after)
                self.env.ref("xero_connector.ir_cron_xero_push").sudo()._trigger(at=until)
                return self._xero_followups_done(done) and False
            except AuthError as error:
                if error.reason in ("tenant_disconnected", "missing_scope"):
                    connection._mark_lost(error.message)
                return self._xero_followups_done(done) and False
            except (TransientError, XeroNeedsReconnect):
                return self._xero_followups_done(done) and False
            self._xero_followups_done(done)
            if not commit_progress(self.env, 0):
                return False  # the scheduled action's time is up: the next run goes on
        return True

    def _xero_followups_done(self, done):
        """Store what the follow-ups of these documents left ({move: values}), one write per
        kind of outcome rather than one per document."""
        groups = {}
        for move, values in done.items():
            values = dict({"xero_followup_pending": False, "xero_warning": False}, **values)
            groups.setdefault(tuple(sorted(values.items())), []).append(move.id)
        for values, ids in groups.items():
            self.browse(ids)._xero_write(dict(values))
        return True

    def _xero_followup(self, connection):
        """The calls that follow one document's write; returns the values to store."""
        route = self._xero_get_route()
        client = connection._client()
        values = {}
        try:
            if self.xero_status not in ("DELETED", "VOIDED"):
                values["xero_warning"] = self._xero_upload_files(connection, client, route)
                online = self._xero_online_url(client)
                if online != self.xero_online_url:
                    values["xero_online_url"] = online
            if connection.send_history_notes and self.xero_status != "DELETED":
                client.add_history_note(
                    route.endpoint,
                    self.xero_id,
                    self._xero_trail_note(),
                    idempotency_scope=[
                        connection._idempotency_scope(),
                        self.id,
                        self.xero_revision,
                    ],
                )
        finally:
            connection._note_calls_left(client.limits)
        return values

    def _xero_has_followups(self, connection):
        """Whether calls follow this document's write: a history note, files, or the online
        link of an approved sales invoice."""
        return bool(
            connection.send_history_notes
            or connection.send_attachments
            or (self.move_type == "out_invoice" and self.xero_status in ("AUTHORISED", "PAID"))
        )

    def _xero_online_url(self, client):
        if self.move_type != "out_invoice" or self.xero_status not in ("AUTHORISED", "PAID"):
            return False
        return self.xero_online_url or client.online_invoice_url(self.xero_id) or False

    def _xero_upload_files(self, connection, client, route):
        """The PDF (again when the document changed since) and the files attached to the
        move that Xero does not hold, up to Xero's 10 per document; returns a warning naming
        what did not fit."""
        if not connection.send_attachments:
            return False
        held = len(self.xero_attachment_ids) + (1 if self.xero_pdf_revision else 0)
        if self.xero_pdf_revision != self.xero_revision + 1:
            name, content = self._xero_pdf()
            # The same file name: Xero replaces the PDF it holds.
            client.attach(route.endpoint, self.xero_id, name, content)
            held += 0 if self.xero_pdf_revision else 1
            self._xero_write({"xero_pdf_revision": self.xero_revision + 1})
        files = self._xero_files_to_attach()
        room = max(MAX_XERO_ATTACHMENTS - held, 0)
        for attachment in files[:room]:
            client.attach(
                route.endpoint, self.xero_id, xero_file_name(attachment.name), attachment.raw
            )
            self._xero_write({"xero_attachment_ids": [(4, attachment.id)]})
        left_out = files[room:]
        if not left_out:
            return False
        return self.env._(
            "Xero keeps %(max)s files per document: %(files)s stayed in Odoo.",
            max=MAX_XERO_ATTACHMENTS,
            files=", ".join(left_out.mapped("name")),
        )

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

    def _xero_files_to_attach(self):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "account.move"),
                    ("res_id", "=", self.id),
                    ("id", "not in", (self.xero_attachment_ids | self.invoice_pdf_report_id).ids),
                    ("type", "=", "binary"),
                ],
                order="id",
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

    def _xero_apply_failure(self, connection, route, result, client, operation):
        """A void or delete Xero refuses for the document's status: Xero is asked what the
        status is now (someone approved, voided or deleted it there since). Already voided
        or deleted, there is nothing left to do; approved, it is voided at the next run."""
        if operation == "remove" and any("valid status" in e for e in result.errors):
            try:
                document = client.get_by_id(route.endpoint, self.xero_id)
            except XeroError:
                document = None
            status = document.status if document else None
            if status in ("VOIDED", "DELETED"):
                self._xero_write(
                    {"xero_status": status, "xero_state": "synced", "xero_error": False}
                )
                return
            if status == "AUTHORISED" and self.xero_status != "AUTHORISED":
                self._xero_write({"xero_status": status})
                self.env.ref("xero_connector.ir_cron_xero_push").sudo()._trigger()
                return
        super()._xero_apply_failure(connection, route, result, client, operation)

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
        self.filtered(lambda m: m._xero_has_followups(connection))._xero_write(
            {"xero_followup_pending": True}
        )
        self._xero_log_sends(connection, results)

    def _xero_log_sends(self, connection, results):
        bodies = {}
        for move in results:
            status = dict(XERO_DOCUMENT_STATES).get(move.xero_status, move.xero_status)
            sent = self.env._("Sent to Xero (%(status)s):", status=status)
            link = (
                Markup('<a href="%s" target="_blank">%s</a>')
                % (move.xero_url, self.env._("Open in Xero"))
                if move.xero_url
                else move.xero_id
            )
            bodies[move.id] = Markup("%s %s") % (sent, link)
        if bodies:
            self.browse(list(bodies)).sudo()._message_log_batch(bodies=bodies)


def xero_file_name(name):
    """A file name Xero takes: no path separators or control characters."""
    cleaned = "".join("_" if c in "/\\" or ord(c) < 32 else c for c in name or "").strip()
    return cleaned if cleaned.strip(".") else "file"
