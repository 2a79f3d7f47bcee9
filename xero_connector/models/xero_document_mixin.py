# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from xero_client.errors import RequestRejected
from xero_client.mappings.common import text

from .xero_document_line_mixin import amount
from .xero_sync_mixin import XeroDataError

# How far along Xero's approval a status is: a send never takes a document back.
STATUS_RANK = {"DRAFT": 0, "SUBMITTED": 1, "AUTHORISED": 2, "PAID": 3, "BILLED": 3}
CLOSED = ("VOIDED", "DELETED")
# Documents whose write may have happened, looked up in Xero together: at most this many.
LOOKUP_TERMS = 25
CLAIM_SEPARATOR = "|"  # between the parts of a document's claimed key


class XeroDocumentMixin(models.AbstractModel):
    """What the documents sent to Xero (invoices, bills, credit notes, purchase orders)
    share on top of the sync engine: their lines, their status and their totals."""

    _name = "xero.document.mixin"
    _inherit = "xero.sync.mixin"
    _description = "Document sent to Xero"

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
                "Line %(position)s (%(line)s)", position=position, line=text(line.name)[:40]
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
        try:
            for route, documents in unsure._xero_group_by_route():
                for start in range(0, len(documents), LOOKUP_TERMS):
                    chunk = documents[start : start + LOOKUP_TERMS]
                    try:
                        found.update(chunk._xero_find_written(client, route, claims))
                    except RequestRejected as error:
                        chunk._xero_write(
                            {
                                "xero_state": "error",
                                "xero_error": self.env._(
                                    "Its last send got no answer, and Xero refused the look-up "
                                    "that finds out whether it arrived: %(error)s",
                                    error=error.message,
                                ),
                            }
                        )
                        refused |= chunk
        finally:
            connection._note_calls_left(client.limits)
        for record, document in found.items():
            record._xero_link_found(document)
        absent = unsure - refused - self.browse([m.id for m in found])
        self.env["xero.claim"]._release(absent)
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
            client, results = part._xero_with_fresh_token(
                connection,
                lambda p=part, c=create_only: p._xero_save_part(connection, route, payloads, c),
            )
            by_record.update(zip(part, results, strict=True))
        return client, [by_record[m] for m in self]

    def _xero_save_part(self, connection, route, payloads, create_only):
        client = connection._client()
        try:
            return client, client.save(
                route.endpoint,
                [payloads[m.id] for m in self],
                self._xero_idempotency_scope(connection),
                create_only=create_only,
                **self._xero_save_params(),
            )
        finally:
            connection._note_calls_left(client.limits)
