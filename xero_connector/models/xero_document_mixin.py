# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..client_text import client_text
from ..xero_client.errors import AuthError, RateLimited, RequestRejected, TransientError, XeroError
from ..xero_client.mappings.common import shown, text
from .xero_connection import XeroNeedsReconnect
from .xero_document_line_mixin import amount
from .xero_sync_mixin import (
    LOST_REASONS,
    WATERMARK_MARGIN_MINUTES,
    XeroDataError,
    commit_progress,
)

# How far along Xero's approval a status is: a send never takes a document back.
STATUS_RANK = {"DRAFT": 0, "SUBMITTED": 1, "AUTHORISED": 2, "PAID": 3, "BILLED": 3}
CLOSED = ("VOIDED", "DELETED")
# Documents whose write may have happened, looked up in Xero together: at most this many.
LOOKUP_TERMS = 25
CLAIM_SEPARATOR = "|"  # between the parts of a document's claimed key
MAX_XERO_ATTACHMENTS = 10  # per document, Xero's limit
MAX_HISTORY_NOTE = 250  # characters, Xero's limit
FOLLOWUP_BATCH = 50
FOLLOWUP_AT_ONCE = 10  # documents whose PDF and files the button sends itself
# Xero's largest page: a poll after a busy month is still a call or two per kind.
IMPORT_PAGE_SIZE = 1000


class XeroDocumentMixin(models.AbstractModel):
    """What the documents sent to Xero (invoices, bills, credit notes, purchase orders)
    share on top of the sync engine: their lines, their status and their totals."""

    _name = "xero.document.mixin"
    _inherit = "xero.sync.mixin"
    _description = "Document sent to Xero"

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
        help="Who confirmed, posted, pressed Sync to Xero or cancelled: Xero's history note "
        "names them.",
    )
    xero_pdf_revision = fields.Integer(
        copy=False,
        readonly=True,
        help="1 + the revision whose PDF Xero holds (0: none): a retry does not upload it again.",
    )
    xero_pdf_skipped = fields.Boolean(
        string="PDF not sent to Xero",
        copy=False,
        readonly=True,
        help="Odoo has no PDF engine (wkhtmltopdf): its PDF was not sent to Xero, as its "
        "chatter says (once).",
    )
    # Each document model declares its own ``xero_attachment_ids``, the files Xero holds,
    # on a relation table of its own.

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

    def _xero_common_values(self, connection):
        """The values of every document kind for the document mapping: currency, status,
        Odoo's totals and lines."""
        return {
            "currency": self.currency_id.name,
            "currency_rate": self._xero_currency_rate(connection),
            "status": self._xero_status_to_send(connection),
            "url": None,
            "amount_untaxed": amount(self.amount_untaxed),
            "amount_tax": amount(self.amount_tax),
            "amount_total": amount(self.amount_total),
            "lines": self._xero_line_values(connection),
        }

    def _xero_document_rate(self):
        """Odoo's rate of the document: its currency per company currency."""
        raise NotImplementedError

    def _xero_currency_rate(self, connection):
        """Odoo's rate (document currency per company currency, as Xero's CurrencyRate is)
        for a document in another currency than the organisation's."""
        base = connection.tenant_currency or self.company_id.currency_id.name
        if self.company_id.currency_id.name != base:
            raise XeroDataError(
                self.env._(
                    "The company's currency (%(odoo)s) is not the Xero organisation's (%(xero)s).",
                    odoo=self.company_id.currency_id.name,
                    xero=base,
                )
            )
        if self.currency_id.name == base:
            return None
        return round(self._xero_document_rate(), 6)

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
                "Line %(position)s (%(line)s)", position=position, line=shown(text(line.name), 40)
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

    # -- one Xero document per record ---------------------------------------------------------
    def _xero_find_written(self, client, route, claims):
        """{record: its Xero document} for those of these records (one route) whose claimed
        keys ({record id: [keys]}) Xero holds."""
        raise NotImplementedError

    def _xero_find_by_contact_and_date(self, client, route, xero_type, claims):
        """{record: its Xero invoice or credit note} for those of these records (one route,
        documents of ``xero_type``) that Xero holds: asked by contact and date (no typed
        text in the filter), matched by number and total against the keys they claimed."""
        number_attribute = (
            "invoice_number" if route.endpoint == "Invoices" else "credit_note_number"
        )
        wanted = {}
        for record in self:
            for key in claims[record.id]:
                parts = key.split(CLAIM_SEPARATOR, 4)
                if len(parts) == 5:
                    _kind, contact_id, day, total, number = parts
                    wanted[(contact_id, day, total, number)] = record
        terms = sorted({(contact_id, day) for contact_id, day, _t, _n in wanted if contact_id})
        if not terms:
            return {}
        where = 'Type=="%s" AND Status!="DELETED" AND (%s)' % (
            xero_type,
            " OR ".join(
                '(Contact.ContactID==guid("%s") AND Date==DateTime(%s))'
                % (contact_id, day.replace("-", ","))
                for contact_id, day in terms
            ),
        )
        found = {}
        for document in client.find(route.endpoint, where):
            match = (
                str(document.contact.contact_id),
                fields.Date.to_string(document.date),
                str(amount(document.total)),
                getattr(document, number_attribute),
            )
            record = wanted.get(match)
            if record:
                found.setdefault(record, document)
        return found

    def _xero_link_existing(self, connection, payloads):
        """Two documents of one batch that would be the same Xero document (one bill
        entered twice): the second is refused. Across batches and workers, claims do the
        same."""
        firsts, refused = {}, {}
        for document in self.filtered(lambda d: not d.xero_id):
            key = document._xero_natural_key()
            first = firsts.setdefault(key, document) if key else document
            if first != document:
                refused[document.id] = document._xero_key_taken_message(first)
        return self.browse(), refused

    def _xero_key_taken_message(self, holder):
        return self.env._(
            "%(holder)s goes to Xero with the same contact, date, total and number "
            "(%(number)s): it looks like one document entered twice. Correct one of them.",
            holder=holder.display_name,
            number=self._xero_number_to_send(),
        )

    def _xero_recover_unanswered(self, connection):
        """Documents whose earlier write may have happened (they claimed their key and never
        heard back: a dropped connection, a crash, a restart) are looked up in Xero before
        anything else, a few calls per kind, never one per document: found, they are linked
        and then updated, voided or deleted; not found, they are sent as new or, when they
        were cancelled meanwhile, there is nothing to remove. A lookup Xero refuses leaves
        them in error, their claims kept, and the rest of the batch goes on."""
        claims = self.env["xero.claim"]._keys_held(
            connection, self.filtered(lambda m: not m.xero_id)
        )
        if not claims:
            return self
        unsure = self.browse(list(claims))
        client = connection._client()
        found, refused = {}, self.browse()
        for route, documents in unsure._xero_group_by_route():
            for start in range(0, len(documents), LOOKUP_TERMS):
                chunk = documents[start : start + LOOKUP_TERMS]
                try:
                    found.update(chunk._xero_find_written(client, route, claims))
                except RequestRejected as error:
                    refused |= chunk._xero_lookup_refused(error)
        for record, document in found.items():
            record._xero_link_found(document)
        absent = unsure - refused - self.browse([m.id for m in found])
        self.env["xero.claim"]._release(absent, connection)
        nothing_to_remove = absent.filtered(lambda m: m.xero_operation == "remove")
        nothing_to_remove._xero_write(
            {"xero_state": "not_synced", "xero_operation": "upsert", "xero_error": False}
        )
        return self - refused - nothing_to_remove

    def _xero_link_found(self, document):
        """Xero holds this record's document already (a write whose answer was lost)."""
        route = self._xero_get_route()
        self._xero_store_ids({self.id: str(getattr(document, route.id_attribute))})
        self._xero_write({"xero_status": document.status})

    def _xero_save(self, connection, route, payloads):
        """Documents new to Xero are created with PUT, which Xero refuses for a number it
        already has (a sales invoice is otherwise updated by its number: one entered in Xero,
        or left by a migration, would be overwritten); the others are updated with POST."""
        new = self.filtered(lambda m: not getattr(payloads[m.id], route.id_attribute))
        parts = [(part, part == new) for part in (new, self - new) if part]
        client, by_record = None, {}
        for part, create_only in parts:
            client, results = part._xero_save_part(connection, route, payloads, create_only)
            by_record.update(zip(part, results, strict=True))
        return client, [by_record[m] for m in self]

    def _xero_save_part(self, connection, route, payloads, create_only):
        client = connection._client()
        return client, client.save(
            route.endpoint,
            [payloads[m.id] for m in self],
            self._xero_idempotency_scope(connection),
            create_only=create_only,
            **self._xero_save_params(),
        )

    # -- cancelling, deleting -------------------------------------------------------------------
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
        """These documents that Xero holds, or may hold: sent and not voided or deleted
        there, or claimed and unanswered."""
        linked = self.filtered(lambda d: d.xero_id and d.xero_status not in CLOSED)
        unlinked = self.filtered(lambda d: not d.xero_id)
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
                    "%(documents)s are in Xero, or may be (a send got no answer): cancel them "
                    "instead, and Xero voids or deletes them too (at the next run, or with "
                    "Sync to Xero); then they can be deleted.",
                    documents=", ".join(in_xero.mapped("display_name")),
                )
            )

    def _xero_forget_closed(self):
        """Forget the Xero documents these records had that were voided or deleted: Xero
        never reopens one, so the record goes to Xero again as a new document."""
        closed = self.filtered(lambda d: d.xero_id and d.xero_status in CLOSED)
        closed._xero_write(
            {
                "xero_id": False,
                "xero_status": False,
                "xero_number": False,
                "xero_pdf_revision": 0,
                "xero_attachment_ids": [(5, 0, 0)],
                "xero_state": "not_synced",
                "xero_operation": "upsert",
                "xero_error": False,
            }
        )
        self.env["xero.claim"]._release(closed)
        return closed

    def _xero_apply_failure(self, connection, route, result, client, operation):
        """A void or delete Xero refuses for the document's status: Xero is asked what the
        status is now (someone approved, billed, voided or deleted it there since). Already
        voided or deleted, there is nothing left to do; otherwise the next run removes it as
        its status now allows, or says why it cannot."""
        if operation == "remove" and any("valid status" in e for e in result.errors):
            document = self._xero_read_now(client, route)
            status = document.status if document else None
            if status in CLOSED:
                self._xero_write(
                    {
                        "xero_status": status,
                        "xero_state": "synced",
                        "xero_operation": "upsert",
                        "xero_error": False,
                    }
                )
                return
            if status and status != self.xero_status:
                self._xero_write({"xero_status": status})
                self.env.ref("xero_connector.ir_cron_xero_push").sudo()._trigger()
                return
        super()._xero_apply_failure(connection, route, result, client, operation)

    def _xero_read_now(self, client, route):
        """What Xero holds of this document now, read by its ID (one call). None: Xero has
        no such document, or could not be read."""
        try:
            return client.get_by_id(route.endpoint, self.xero_id)
        except XeroError:
            return None

    # -- the button, the preview --------------------------------------------------------------
    def action_xero_sync(self):
        """Send now, then the history notes, PDFs and files of a few documents, within
        their share of the day's calls; those of many go with the scheduled action's last
        phase (many PDFs would hold the request for long)."""
        self._xero_write({"xero_sent_by_id": self.env.user.id})
        result = super().action_xero_sync()
        if len(self) > FOLLOWUP_AT_ONCE:
            self.env.ref("xero_connector.ir_cron_xero_push")._trigger()
            return result
        for company in self.company_id:
            connection = self.env["xero.connection"]._of_company(company)
            if connection and connection.state == "connected":
                self.filtered(
                    lambda d, c=company: d.company_id == c and d.xero_followup_pending
                )._xero_send_followups(connection)
        return result

    def action_xero_preview(self):
        self.ensure_one()
        wizard = self.env["xero.document.preview"].create(
            {"res_model": self._name, "res_id": self.id}
        )
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
        return self.with_context(xero_preview=True)._xero_payload(connection)[0]

    def _xero_payload(self, connection):
        """(what Xero receives, in Xero's names; the SDK's model of it)."""
        raise NotImplementedError

    def _xero_contact(self):
        """The partner the document goes to Xero for."""
        raise NotImplementedError

    def _xero_contact_id(self, connection):
        """The Xero ContactID of the document's partner; in a preview, the partner's name
        when it is not in Xero yet (it would be sent first)."""
        partner = self._xero_contact().with_company(connection.company_id)
        if partner.xero_id:
            return partner.xero_id
        if self.env.context.get("xero_preview"):
            return self.env._("(%(partner)s, sent first)", partner=partner.display_name)
        raise XeroDataError(
            self.env._("%(partner)s is not in Xero yet.", partner=partner.display_name)
        )

    # -- after the write: the chatter, history, PDF and files -------------------------------
    def _xero_after_documents_sent(self, connection, results):
        """The history note, PDF and files follow where the company sends them; the send
        is in the chatter."""
        self.filtered(lambda d: d._xero_has_followups(connection))._xero_write(
            {"xero_followup_pending": True}
        )
        self._xero_log_sends(results)

    def _xero_log_sends(self, results):
        statuses = dict(self._fields["xero_status"].selection)
        bodies = {}
        for document in results:
            status = statuses.get(document.xero_status, document.xero_status)
            sent = self.env._("Sent to Xero (%(status)s):", status=status)
            link = (
                Markup('<a href="%s" target="_blank">%s</a>')
                % (document.xero_url, self.env._("Open in Xero"))
                if document.xero_url
                else document.xero_id
            )
            bodies[document.id] = Markup("%s %s") % (sent, link)
        if bodies:
            self.browse(list(bodies)).sudo()._message_log_batch(bodies=bodies)

    def _xero_has_followups(self, connection):
        """Whether calls follow this document's write: a history note, a PDF or files."""
        return bool(
            connection.send_history_notes or connection.send_attachments or connection.send_odoo_pdf
        )

    def _xero_followup_calls(self, connection):
        """The calls this document's follow-ups will make (see ``_xero_followup``): the
        history note, Odoo's PDF and each file not in Xero yet."""
        calls = 0
        if self.xero_status not in CLOSED:
            held = len(self.xero_attachment_ids) + (1 if self.xero_pdf_revision else 0)
            if self._xero_sends_pdf(connection):
                calls += 1
                held += 0 if self.xero_pdf_revision else 1
            if connection.send_attachments:
                room = max(MAX_XERO_ATTACHMENTS - held, 0)
                calls += min(len(self._xero_files_to_attach()), room)
        if connection.send_history_notes and self.xero_status != "DELETED":
            calls += 1
        return calls

    def _xero_sends_pdf(self, connection):
        """Whether Odoo's PDF of this revision goes to Xero now."""
        return connection.send_odoo_pdf and self.xero_pdf_revision != self.xero_revision + 1

    def _xero_send_followups(self, connection):
        """For each document sent: the history note and the PDF and files not in Xero yet
        (one call each, so the company may turn them off), as long as their calls fit in the
        follow-ups' share of the day's calls: the documents whose turn has not come say they
        wait for the next day. A rate limit stops here (the next run goes on at Retry-After);
        anything else Xero refuses becomes a warning on the document. False: stop for now."""
        calls_left = connection._followup_calls_left() if self else 0
        for start in range(0, len(self), FOLLOWUP_BATCH):
            done = {}
            spent = 0
            try:
                for document in self[start : start + FOLLOWUP_BATCH]:
                    calls = document._xero_followup_calls(connection)
                    if calls > calls_left - spent:
                        connection._note_followup_calls(spent)
                        self._xero_followups_done(done)
                        self[len(done) + start :]._xero_followups_wait(connection)
                        return True
                    spent += calls
                    try:
                        done[document] = document._xero_followup(connection)
                    except (XeroError, UserError) as error:
                        if isinstance(
                            error, (RateLimited, AuthError, TransientError, XeroNeedsReconnect)
                        ):
                            raise
                        # Refused by Xero (a file it will not take), or the PDF could not be
                        # rendered: said on the document, not tried for ever.
                        done[document] = {
                            "xero_warning": self.env._(
                                "In Xero, but its history note or files could not follow: "
                                "%(error)s",
                                error=client_text(self.env, error),
                            ),
                        }
            except RateLimited as error:
                connection._note_followup_calls(spent)
                until = connection._note_rate_limit(error.retry_after)
                self.env.ref("xero_connector.ir_cron_xero_push").sudo()._trigger(at=until)
                return self._xero_followups_done(done) and False
            except AuthError as error:
                connection._note_followup_calls(spent)
                if error.reason in LOST_REASONS:
                    connection._mark_lost(error.message)
                return self._xero_followups_done(done) and False
            except (TransientError, XeroNeedsReconnect):
                connection._note_followup_calls(spent)
                return self._xero_followups_done(done) and False
            connection._note_followup_calls(spent)
            calls_left -= spent
            self._xero_followups_done(done)
            if not commit_progress(self.env, 0):
                return False  # the scheduled action's time is up: the next run goes on
        return True

    def _xero_followups_wait(self, connection):
        """These documents' follow-ups wait for the next day: each says so, and stays
        pending."""
        message = self.env._(
            "In Xero; its history note and files wait for tomorrow: today's share of Xero "
            "calls for them (%(share)s%% of the calls left) is spent.",
            share=connection.followup_call_share,
        )
        self.filtered(lambda d: d.xero_warning != message)._xero_write({"xero_warning": message})

    def _xero_followups_done(self, done):
        """Store what the follow-ups of these documents left ({document: values}), one write
        per kind of outcome rather than one per document."""
        groups = {}
        for document, values in done.items():
            values = dict({"xero_followup_pending": False, "xero_warning": False}, **values)
            groups.setdefault(tuple(sorted(values.items())), []).append(document.id)
        for values, ids in groups.items():
            self.browse(ids)._xero_write(dict(values))
        return True

    def _xero_followup(self, connection):
        """The calls that follow one document's write; returns the values to store."""
        route = self._xero_get_route()
        client = connection._client()
        values = {}
        if self.xero_status not in CLOSED:
            values["xero_warning"] = self._xero_upload_files(connection, client, route)
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
        return values

    def _xero_trail_note(self):
        """Xero's history note (at most 250 characters)."""
        user = (self.xero_sent_by_id or self.env.user).name
        if self.xero_status in CLOSED:
            note = self.env._(
                "Cancelled in Odoo (%(number)s) by %(user)s.",
                number=self._xero_trail_name(),
                user=user,
            )
        else:
            note = self.env._(
                "Sent from Odoo as %(number)s by %(user)s.",
                number=self._xero_trail_name(),
                user=user,
            )
        return note[:MAX_HISTORY_NOTE]

    def _xero_trail_name(self):
        """How the history note names the Odoo document."""
        return self.name

    def _xero_upload_files(self, connection, client, route):
        """The PDF (again when the document changed since) and the files attached to the
        document that Xero does not hold, up to Xero's 10 per document; returns a warning
        naming what did not fit."""
        held = len(self.xero_attachment_ids) + (1 if self.xero_pdf_revision else 0)
        pdf = self._xero_sends_pdf(connection) and self._xero_rendered_pdf()
        if pdf:
            name, content = pdf
            # The same file name: Xero replaces the PDF it holds.
            client.attach(route.endpoint, self.xero_id, name, content)
            held += 0 if self.xero_pdf_revision else 1
            self._xero_write(
                {"xero_pdf_revision": self.xero_revision + 1, "xero_pdf_skipped": False}
            )
        if not connection.send_attachments:
            return False
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
        """(file name, content) of the document's PDF."""
        raise NotImplementedError

    def _xero_rendered_pdf(self):
        """(file name, content) of the document's PDF; None when Odoo has no PDF engine
        (wkhtmltopdf, which Odoo needs to render a report): the PDF is skipped, the history
        note and files still go, and the chatter says so once, not at every send. Any other
        failure to render stays an error (a warning on the document)."""
        try:
            return self._xero_pdf()
        except UserError:
            if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "install":
                raise
        if not self.xero_pdf_skipped:
            self._xero_write({"xero_pdf_skipped": True})
            self.sudo()._message_log(
                body=self.env._(
                    "Odoo has no PDF engine (wkhtmltopdf): its PDF of this document is not "
                    "sent to Xero; the rest of the send goes on. Once wkhtmltopdf is installed, "
                    "the PDF goes with the next send."
                )
            )
        return None

    def _xero_files_to_attach(self):
        """The files attached to the document that Xero does not hold yet, but its PDF."""
        return self._xero_own_attachments(
            [
                ("id", "not in", (self.xero_attachment_ids | self._xero_pdf_files()).ids),
                ("type", "=", "binary"),
            ]
        )

    def _xero_own_attachments(self, domain):
        """The files attached to the document that match ``domain``, oldest first."""
        return (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "=", self.id), *domain], order="id")
        )

    def _xero_pdf_files(self):
        """The attachments that are the document's PDF in Odoo: Xero has it already."""
        return self.env["ir.attachment"]

    # -- Xero to Odoo -------------------------------------------------------------------------
    @api.model
    def _xero_import_changes(self, connection, name, endpoint, what, **params):
        """What became of the documents in Xero, read from what changed in ``endpoint`` since
        the last run (pages of a thousand, oldest change first, resumable; never one call per
        document). The first run starts at the first document this company sent: what Xero
        held before has nothing to tell Odoo."""
        documents = self.with_company(connection.company_id)

        def import_since(since, resume):
            if not resume.get("after"):
                first = not since and documents._xero_first_sent_at()
                if not since and not first:
                    return 0, True
                # Odoo stamps its first send after Xero's answer, to the second: the first run
                # asks from a little before, as each later one does.
                since = since or first - timedelta(minutes=WATERMARK_MARGIN_MINUTES)
                resume["after"] = [since.isoformat(), ""]
            return documents._xero_import_pages(
                connection,
                name,
                endpoint,
                lambda page: documents._xero_import_page(endpoint, page),
                resume,
                page_size=IMPORT_PAGE_SIZE,
                **params,
            )

        return self._xero_import(connection, name, import_since, what)

    @api.model
    def _xero_first_sent_at(self):
        """When the first document of this model still linked to Xero was sent (None: none)."""
        first = self.search(
            [
                ("xero_id", "!=", False),
                ("xero_synced_at", "!=", False),
                ("company_id", "=", self.env.company.id),
            ],
            order="xero_synced_at",
            limit=1,
        )
        return first.xero_synced_at or None

    @api.model
    def _xero_import_page(self, endpoint, xero_documents):
        """Store what these Xero documents (a page of ``endpoint``) say on the records linked
        to them; returns how many records changed."""
        raise NotImplementedError

    def _xero_note_closed_in_xero(self, status):
        """A chatter note on these records: Xero marked their document ``status``."""
        label = dict(self._fields["xero_status"].selection)[status].lower()
        body = self.env._("Xero marked this document %(status)s.", status=label)
        self.sudo()._message_log_batch(bodies=dict.fromkeys(self.ids, body))


def xero_file_name(name):
    """A file name Xero takes: no path separators or control characters."""
    cleaned = "".join("_" if c in "/\\" or ord(c) < 32 else c for c in name or "").strip()
    return cleaned if cleaned.strip(".") else "file"
