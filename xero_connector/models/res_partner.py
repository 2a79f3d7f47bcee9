# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
from collections import defaultdict
from datetime import date
from types import SimpleNamespace

import psycopg2
from xero_python.accounting import Contact

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..xero_client.client import MAX_IDS, MAX_PAGE_SIZE
from ..xero_client.mappings.common import normalised
from ..xero_client.mappings.contact import (
    MAX_CONTACT_PERSONS,
    contact_from_xero,
    contact_to_xero,
    match_by_email,
    match_existing,
)
from ..xero_client.routes import CONTACTS
from .xero_document_line_mixin import amount
from .xero_sync_mixin import XERO_STATES, XeroDataError

# The contacts import reads Xero's largest pages: 10,000 contacts in 10 calls, not 100.
CONTACT_PAGE_SIZE = MAX_PAGE_SIZE
PARTNER_SYNCED_FIELDS = (
    "name",
    "is_company",
    "email",
    "phone",
    "street",
    "street2",
    "city",
    "zip",
    "state_id",
    "country_id",
    "vat",
    "ref",
    "active",
    "child_ids",
)
CHILD_FIELDS = ("name", "email", "active", "parent_id", "type")
# What Odoo refuses for one imported contact: that contact is skipped, the others imported.
IMPORT_REFUSALS = (ValidationError, UserError, psycopg2.IntegrityError, psycopg2.DataError)

# The import (and its progress record) that refreshes the partner summaries.
SUMMARY_IMPORT = "partner_summaries"
# The one-off backfill of the first refresh, in order: (endpoint, query). Every approved
# invoice and bill still due, whatever its date (what will fall overdue); this year's paid
# sales invoices; this year's sales credit notes. One call per 1,000 documents of each.
BACKFILL = (
    ("Invoices", {"statuses": ("AUTHORISED",), "summary_only": True}),
    (
        "Invoices",
        {"types": ("ACCREC",), "this_year": True, "statuses": ("PAID",), "summary_only": True},
    ),
    (
        "CreditNotes",
        {"types": ("ACCRECCREDIT",), "this_year": True, "statuses": ("AUTHORISED", "PAID")},
    ),
)
SUMMARY_FIELDS = (
    "xero_receivable_outstanding",
    "xero_receivable_overdue",
    "xero_payable_outstanding",
    "xero_payable_overdue",
    "xero_last_invoice_date",
    "xero_sales_this_year",
    "xero_sales_year",
    "xero_summary_at",
    "xero_summary_pending",
)

_logger = logging.getLogger(__name__)
# The fields an imported contact is matched on, and the stored keys searched for them.
MATCH_KEYS = {"name": "xero_name_key", "vat": "xero_vat_key", "email": "xero_email_key"}


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "xero.sync.mixin"]

    _xero_route = CONTACTS
    _xero_index_import = ("contacts", "_xero_import_contacts")
    _xero_synced_fields = PARTNER_SYNCED_FIELDS

    # What an imported contact is compared with (``normalised``, as Xero compares names),
    # kept to be searched: SQL has no case folding of Python's.
    xero_name_key = fields.Char(compute="_compute_xero_keys", store=True, index=True)
    xero_vat_key = fields.Char(compute="_compute_xero_keys", store=True, index=True)
    xero_email_key = fields.Char(compute="_compute_xero_keys", store=True, index=True)

    # A partner is often shared by the companies of the database, each connected to its own
    # Xero organisation: its Xero link and status are kept per company.
    xero_id = fields.Char(company_dependent=True)
    xero_state = fields.Selection(XERO_STATES, company_dependent=True, default="not_synced")
    xero_waiting = fields.Boolean(company_dependent=True)
    xero_synced_at = fields.Datetime(company_dependent=True)
    xero_error = fields.Text(company_dependent=True)
    xero_warning = fields.Text(company_dependent=True)
    xero_lost_batch = fields.Char(company_dependent=True)
    # A Xero contact with the partner's email, but not its name nor its tax number: perhaps
    # the same business, perhaps another at the same address. A person decides.
    xero_email_match_id = fields.Char(company_dependent=True, copy=False, readonly=True)
    xero_email_match_name = fields.Char(
        string="Xero contact with the same email", company_dependent=True, copy=False, readonly=True
    )
    xero_create_new = fields.Boolean(
        company_dependent=True,
        copy=False,
        readonly=True,
        help="A person chose to create a new Xero contact, whatever Xero contact has its email.",
    )

    # The partner summary: what Xero says the contact owes and is owed (its Balances), and
    # what the Xero documents Odoo was told about say of its sales. Per company, as each
    # company has its own Xero organisation; amounts in the company's currency (Xero's base
    # currency). Refreshed by the scheduled import, never one call per contact.
    xero_receivable_outstanding = fields.Float(
        string="Receivable outstanding",
        company_dependent=True,
        readonly=True,
        groups="xero_connector.group_xero_user",
        help="What the contact owes on approved sales invoices, less its unused credit notes, "
        "as Xero reports it.",
    )
    xero_receivable_overdue = fields.Float(
        string="Receivable overdue",
        company_dependent=True,
        readonly=True,
        groups="xero_connector.group_xero_user",
        help="What the contact owes on sales invoices past their due date, as Xero reports it.",
    )
    xero_payable_outstanding = fields.Float(
        string="Payable outstanding",
        company_dependent=True,
        readonly=True,
        groups="xero_connector.group_xero_user",
        help="What is owed to the contact on approved bills, less its unused credit notes, as "
        "Xero reports it.",
    )
    xero_payable_overdue = fields.Float(
        string="Payable overdue",
        company_dependent=True,
        readonly=True,
        groups="xero_connector.group_xero_user",
        help="What is owed to the contact on bills past their due date, as Xero reports it.",
    )
    xero_last_invoice_date = fields.Date(
        string="Last invoice",
        company_dependent=True,
        readonly=True,
        groups="xero_connector.group_xero_user",
        help="The date of the contact's latest approved or paid sales invoice in Xero.",
    )
    xero_sales_this_year = fields.Float(
        string="Sales this year",
        company_dependent=True,
        readonly=True,
        groups="xero_connector.group_xero_user",
        help="This calendar year's approved and paid sales invoices less sales credit notes in "
        "Xero, tax excluded.",
    )
    xero_sales_year = fields.Integer(
        company_dependent=True, readonly=True, groups="xero_connector.group_xero_user"
    )
    xero_summary_at = fields.Datetime(
        string="Figures from Xero as of",
        company_dependent=True,
        readonly=True,
        groups="xero_connector.group_xero_user",
    )
    xero_summary_pending = fields.Boolean(
        company_dependent=True, readonly=True, groups="xero_connector.group_xero_user"
    )

    def _xero_company(self):
        return self.company_id or self.env.company

    @api.model
    def _xero_sendable_domain(self):
        """Companies and stand-alone persons; a child contact goes as a contact person of
        its parent."""
        return [("parent_id", "=", False)]

    def write(self, vals):
        result = super().write(vals)
        if not self.env.context.get("xero_no_dirty") and set(vals) & set(CHILD_FIELDS):
            self.parent_id.filtered(lambda p: p not in self)._xero_mark_dirty()
        if vals.get("parent_id"):
            self._xero_now_a_contact_person()
        return result

    def unlink(self):
        parents = self.parent_id - self
        result = super().unlink()
        parents.exists()._xero_mark_dirty()
        return result

    def _xero_now_a_contact_person(self):
        """A partner that became a child contact goes to Xero as a person of its parent: it
        no longer waits to be sent on its own."""
        for company in self._xero_companies_to_follow() | self.env.company:
            for partner in (
                self.sudo().with_company(company).filtered(lambda p: p.xero_state == "pending")
            ):
                partner._xero_write(
                    {
                        "xero_state": "synced" if partner.xero_id else "not_synced",
                        "xero_error": False,
                    }
                )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if not self.env.context.get("xero_no_dirty"):
            partners.parent_id._xero_mark_dirty()
        return partners

    # -- Odoo to Xero ---------------------------------------------------------------------
    def _xero_prepare(self, connection):
        self.ensure_one()
        if not (self.name or "").strip():
            raise XeroDataError(self.env._("The contact has no name: Xero needs one."))
        return contact_to_xero(
            self._xero_values(connection), self._xero_account_number_key(connection)
        )

    def _xero_prepare_removal(self, connection):
        return self._xero_removal_payload(CONTACTS.endpoint, self.xero_id)

    @api.model
    def _xero_removal_payload(self, endpoint, xero_id):
        """Xero never deletes a contact: a contact removed from Odoo is archived there."""
        return Contact(contact_id=xero_id, contact_status="ARCHIVED")

    def _xero_link_payload(self, connection, values, contact_id):
        """The first send to an existing Xero contact: only what Odoo has, so that what Xero
        knows and Odoo does not (email, account number, phones, persons...) is kept."""
        return contact_to_xero(
            dict(values, xero_id=contact_id),
            self._xero_account_number_key(connection),
            only_filled=True,
        )

    def _xero_contact_persons(self):
        """The child contacts that go to Xero as contact persons, in the order they are
        kept: alphabetical by name, as the Contacts & Addresses tab lists them."""
        children = self.child_ids.filtered(
            lambda c: c.type == "contact" and c.active and (c.name or c.email)
        )
        return children.sorted(lambda c: ((c.name or "").casefold(), c.id))

    def _xero_values(self, connection):
        children = self._xero_contact_persons()
        return {
            "id": self.id,
            "name": self.name.strip(),
            "is_company": self.is_company,
            "email": self.email or None,
            "phone": self.phone or None,
            "street": self.street or None,
            "street2": self.street2 or None,
            "city": self.city or None,
            "zip": self.zip or None,
            "state": self.state_id.name or None,
            "country": self.country_id.code or None,
            "vat": self.vat if self.vat and self.vat != "/" else None,
            "ref": self.ref or None,
            "odoo_id": str(self.id),
            "active": self.active,
            "xero_id": self.xero_id or None,
            "children": [{"name": c.name, "email": c.email or None} for c in children],
        }

    def _xero_account_number_key(self, connection):
        return {"ref": "ref", "id": "odoo_id"}.get(connection.account_number_source)

    def _xero_link_existing(self, connection, payloads):
        """Before creating, look in the index of Xero's contacts for the same name, email or
        tax number. A Xero contact is linked to one partner per company: a new partner whose
        name is taken (Xero's names are unique, case and spaces aside) is refused, not merged."""
        new = self.filtered(lambda p: not p.xero_id)
        if not new:
            return self.browse(), {}
        new.filtered("xero_email_match_id")._xero_write(
            {"xero_email_match_id": False, "xero_email_match_name": False}
        )
        values = {p.id: p._xero_values(connection) for p in new}
        candidates = [
            SimpleNamespace(
                contact_id=row.xero_id,
                name=row.name_key,
                shown_name=row.name or row.name_key,
                email_address=row.email_key,
                tax_number=row.tax_key,
            )
            for row in self.env["xero.index"]._find(
                connection,
                "contact",
                names=[v["name"] for v in values.values()],
                emails=[v["email"] for v in values.values() if v["email"]],
                tax_numbers=[v["vat"] for v in values.values() if v["vat"]],
            )
        ]
        holders = self._xero_holders(connection, [c.contact_id for c in candidates])
        linked, refused, names_in_batch = self.browse(), {}, {}
        for partner in new:
            name = normalised(values[partner.id]["name"])
            first = names_in_batch.setdefault(name, partner)
            if first != partner:
                refused[partner.id] = partner._xero_name_taken_message(first)
                continue
            match = match_existing(values[partner.id], candidates)
            if not match:
                offer = partner._xero_email_offer(values[partner.id], candidates, holders)
                if offer:
                    refused[partner.id] = offer
                continue
            holder = holders.get(match.contact_id)
            if holder and holder != partner:
                if match.name == name:
                    refused[partner.id] = partner._xero_name_taken_message(holder)
                continue
            payloads[partner.id] = partner._xero_link_payload(
                connection, values[partner.id], match.contact_id
            )
            holders[match.contact_id] = partner
            linked |= partner
        return linked, refused

    def _xero_email_offer(self, values, candidates, holders):
        """When a Xero contact no partner is linked to has this partner's email, and nothing
        surer matched: the message that offers a person to link or to create, the contact
        noted on the partner. None: create the contact (one another partner is linked to is
        another business as far as Odoo knows: the import named each on the other)."""
        unheld = [c for c in candidates if not holders.get(c.contact_id)]
        twin = None if self.xero_create_new else match_by_email(values, unheld)
        if not twin:
            return None
        self._xero_write(
            {"xero_email_match_id": twin.contact_id, "xero_email_match_name": twin.shown_name}
        )
        return self.env._(
            "Xero already has a contact with the email of %(partner)s: '%(contact)s'. If it is "
            "the same business, press 'Link to this Xero contact'; if not, press 'Create a new "
            "Xero contact'.",
            partner=self.display_name,
            contact=twin.shown_name,
        )

    def action_xero_link_email_match(self):
        """A person says the Xero contact with the same email is this partner: linked, and
        Odoo's details sent to it."""
        self.ensure_one()
        self._xero_check_can_decide()
        self._xero_write(
            {
                "xero_id": self.xero_email_match_id,
                "xero_email_match_id": False,
                "xero_email_match_name": False,
            }
        )
        return self.action_xero_sync()

    def action_xero_create_new(self):
        """A person says the Xero contact with the same email is another business."""
        self.ensure_one()
        self._xero_check_can_decide()
        self._xero_write(
            {"xero_create_new": True, "xero_email_match_id": False, "xero_email_match_name": False}
        )
        return self.action_xero_sync()

    def _xero_check_can_decide(self):
        if not self.env.user.has_group("xero_connector.group_xero_user"):
            raise UserError(self.env._("You need the 'Xero: user' right to send records to Xero."))
        if not self.xero_email_match_id:
            raise UserError(self.env._("No Xero contact waits for a decision on this partner."))

    def _xero_natural_key(self):
        return normalised(self.name) or None

    def _xero_name_taken_message(self, holder):
        return self.env._(
            "Xero already has a contact named '%(name)s' for the partner '%(holder)s' (ID "
            "%(holder_id)s): Xero's contact names are unique, whatever their case and spacing. "
            "Rename one of the two partners, or merge them.",
            name=self.name,
            holder=holder.display_name,
            holder_id=holder.id,
        )

    def _xero_index_rows(self, results):
        return "contact", [
            {
                "xero_id": str(contact.contact_id),
                "name": contact.name,
                "email": contact.email_address,
                "vat": contact.tax_number,
                "archived": str(getattr(contact.contact_status, "value", "")) == "ARCHIVED",
            }
            for contact in results.values()
        ]

    def _xero_after_sync(self, connection, results):
        """Say on the partner which contact persons Xero could not take."""
        for partner in self:
            left_out = partner._xero_contact_persons()[MAX_CONTACT_PERSONS:]
            warning = (
                self.env._(
                    "Xero keeps %(max)s contact persons per contact: %(names)s were not sent "
                    "(the first %(max)s in alphabetical order are kept).",
                    max=MAX_CONTACT_PERSONS,
                    names=", ".join(left_out.mapped("display_name")),
                )
                if left_out
                else False
            )
            if warning != (partner.xero_warning or False):
                partner._xero_write({"xero_warning": warning})

    # -- Xero to Odoo ---------------------------------------------------------------------
    @api.model
    def _xero_import_contacts(self, connection):
        """Import every contact changed since the last run, oldest change first, without
        duplicates. Returns how many partners were created or updated."""
        partners = self.with_company(connection.company_id).with_context(
            xero_no_dirty=True, active_test=False
        )

        def import_since(since, resume):
            """A run that stops (time up, Xero unreachable) resumes after the last change it
            imported, whatever was edited in Xero meanwhile: never at a page number of a list
            that may have moved."""
            resume["after"] = resume.get("after") or (since and [since.isoformat(), ""])
            return partners._xero_import_pages(
                connection,
                "contacts",
                "Contacts",
                lambda contacts: partners._xero_import_page(connection, contacts),
                resume,
                page_size=CONTACT_PAGE_SIZE,
                include_archived=True,
            )

        return self._xero_import(connection, "contacts", import_since, self.env._("contacts"))

    def _xero_import_page(self, connection, contacts):
        self.env["xero.index"]._keep(
            connection,
            "contact",
            [
                {
                    "xero_id": str(c.contact_id),
                    "name": c.name,
                    "email": c.email_address,
                    "vat": c.tax_number,
                }
                for c in contacts
            ],
        )
        by_xero_id = {
            p.xero_id: p
            for p in self.search([("xero_id", "in", [str(c.contact_id) for c in contacts])])
        }
        removed = self.env["xero.removal"]._removed_ids(
            connection, by_xero_id.keys() | {str(c.contact_id) for c in contacts}
        )
        page = [contact_from_xero(contact) for contact in contacts]
        candidates = self._xero_import_candidates(page, self._xero_linkable_domain(connection))
        count = 0
        for values in page:
            if values["xero_id"] in removed and not values["active"]:
                continue  # deleted in Odoo, archived in Xero: not brought back
            linked = by_xero_id.get(values["xero_id"], self.browse())
            partner = linked or self._xero_find_for_import(values, candidates)
            if partner and partner.xero_state in ("pending", "error"):
                continue  # Odoo may have unsent changes: they win, and go to Xero next
            twin = self._xero_email_twin(values, candidates) if not partner else self.browse()
            count += self._xero_import_safely(
                connection, partner, values, fill_only=not linked, twin=twin
            )
        self._xero_keep_balances(connection, contacts)
        return count

    def _xero_linkable_domain(self, connection):
        """The Odoo partners an imported contact may be linked to: unlinked sendable ones of
        this company or of none, and never a user's or a company's own partner."""
        # A database has a handful of companies: their own partners are never import targets.
        own_partners = (
            self.env["res.company"].sudo().with_context(active_test=False).search([], limit=None)
        )
        return [
            ("xero_id", "=", False),
            *self._xero_sendable_domain(),
            ("company_id", "in", [False, connection.company_id.id]),
            ("user_ids", "=", False),
            ("id", "not in", own_partners.partner_id.ids),
        ]

    @api.depends("name", "vat", "email")
    def _compute_xero_keys(self):
        for partner in self:
            for field, key in MATCH_KEYS.items():
                partner[key] = normalised(partner[field]) or False

    def _xero_import_candidates(self, page, linkable):
        """The partners of ``linkable`` that the contacts of a page may be, by field and
        ``normalised`` value: one query per field for the whole page, in the order a search
        gives them."""
        candidates = {}
        for field, key in MATCH_KEYS.items():
            wanted = {normalised(values.get(field)) for values in page} - {""}
            if not wanted:
                continue
            for partner in self.search(linkable + [(key, "in", sorted(wanted))]):
                candidates.setdefault((field, partner[key]), []).append(partner)
        return candidates

    def _xero_find_for_import(self, values, candidates):
        """The partner an imported contact surely is: same name, else tax number, each
        compared as Xero compares names (``normalised``); never by email alone. A partner
        linked since ``candidates`` were read (to another contact of the page) is no longer
        one."""
        for field in ("name", "vat"):
            partner = self._xero_first_unlinked(candidates, field, values.get(field))
            if partner:
                return partner
        return self.browse()

    def _xero_email_twin(self, values, candidates):
        """An Odoo partner with the imported contact's email: perhaps the same business."""
        return self._xero_first_unlinked(candidates, "email", values.get("email"))

    def _xero_first_unlinked(self, candidates, field, value):
        if not normalised(value):
            return self.browse()
        found = candidates.get((field, normalised(value)), ())
        return next((p for p in found if not p.xero_id), self.browse())

    def _xero_import_safely(self, connection, partner, values, fill_only, twin=None):
        """Import one contact in its own savepoint: one that Odoo refuses is logged and
        skipped, not allowed to stop the import. ``twin``: a partner with its email, named
        on the new partner for a person to merge them if they are one business. Returns how
        many partners it touched."""
        try:
            with self.env.cr.savepoint():
                imported = self._xero_import_one(partner, values, fill_only=fill_only)
                if twin:
                    imported._xero_write({"xero_warning": imported._xero_twin_message(twin)})
        except IMPORT_REFUSALS as error:
            self._xero_log_import_refusal(connection, partner, values, error)
            return 0
        return 1

    def _xero_twin_message(self, twin):
        return self.env._(
            "Odoo has another partner with this email, %(twin)s. If they are one business, "
            "merge them (select both in the list, then Actions › Merge).",
            twin=twin.display_name,
        )

    def _xero_log_import_refusal(self, connection, partner, values, error):
        message = self.env._(
            "The Xero contact %(name)s (%(xero_id)s) was not imported: %(error)s",
            name=values["name"],
            xero_id=values["xero_id"],
            error=getattr(error, "pgerror", None) or str(error),
        )
        _logger.warning(message)
        self.env["xero.sync.log"]._record(connection, "import", "error", message, records=partner)

    def _xero_import_one(self, partner, values, fill_only=False):
        """Create the partner, or update it from Xero; ``fill_only`` (an Odoo partner being
        linked) fills only what the partner lacks: Odoo's own values are kept."""
        vals = self._xero_partner_vals(values)
        if not partner:
            partner = self.create(dict(vals, is_company=values.get("is_company", True)))
        elif fill_only:
            partner.write(partner._xero_missing_vals(vals))
        else:
            partner.write(vals)
        partner._xero_write(
            {
                "xero_id": values["xero_id"],
                "xero_state": "synced",
                "xero_error": False,
                "xero_synced_at": fields.Datetime.now(),
            }
        )
        partner._xero_import_children(values.get("children") or [])
        return partner

    def _xero_partner_vals(self, values):
        country = (
            self.env["res.country"].search([("code", "=", values["country_code"])], limit=1)
            if values.get("country_code")
            else self.env["res.country"]
        )
        vals = {
            "name": values["name"],
            "email": values.get("email") or False,
            "phone": values.get("phone") or values.get("mobile") or False,
            "street": values.get("street") or False,
            "street2": values.get("street2") or False,
            "city": values.get("city") or False,
            "zip": values.get("zip") or False,
            "vat": values.get("vat") or False,
            "active": values.get("active", True),
        }
        if country:
            vals["country_id"] = country.id
        if values.get("ref"):
            vals["ref"] = values["ref"]
        return vals

    def _xero_missing_vals(self, vals):
        """Those of ``vals`` this partner has no value for (its active flag is its own)."""
        return {
            field: value
            for field, value in vals.items()
            if field != "active" and value and not self[field]
        }

    def _xero_import_children(self, children):
        known = {"", *(normalised(c.name) for c in self.child_ids)}  # no name: not added
        new = [c for c in children if normalised(c.get("name")) not in known]
        if new:
            self.create(
                [
                    {
                        "parent_id": self.id,
                        "type": "contact",
                        "name": c["name"],
                        "email": c.get("email") or False,
                    }
                    for c in new
                ]
            )

    # -- the partner summary ------------------------------------------------------------------
    @api.model
    def _xero_note_documents(self, connection, endpoint, xero_documents):
        """What one page of Xero's changed ``endpoint`` (Invoices or CreditNotes, any Type,
        sent from Odoo or not) tells the partner summaries: each document is kept (once,
        however often it is read) and, when it changed, its contact's balances are read
        again at the next refresh. No call to Xero."""
        contact_ids = self.env["xero.contact.document"].sudo()._keep(connection, xero_documents)
        self._xero_mark_summaries_due(connection, contact_ids)

    @api.model
    def _xero_mark_summaries_due(self, connection, contact_ids):
        if not contact_ids:
            return
        partners = (
            self.sudo()
            .with_company(connection.company_id)
            .with_context(active_test=False)
            .search([("xero_id", "in", list(contact_ids)), ("xero_summary_pending", "=", False)])
        )
        partners._xero_write({"xero_summary_pending": True})

    @api.model
    def _xero_refresh_summaries(self, connection):
        """The partner summaries of a connection's company, refreshed after the invoice and
        credit note polls: Xero's balances of the contacts whose documents changed (or fell
        overdue) since the last run, or that were never read, at one call per 40 contacts
        (``GET /Contacts?IDs=...&page=1``), or by reading every contact a thousand a call when
        that is cheaper; then each partner's last invoice date and sales this year, from the
        documents kept. The first run backfills this year's sales and every open invoice
        (see BACKFILL). Resumable; a run with nothing changed makes no call. Returns how many
        partners were refreshed (None when Xero stopped it)."""
        partners = (
            self.sudo()
            .with_company(connection.company_id)
            .with_context(active_test=False, xero_no_dirty=True)
        )

        def refresh_since(since, resume):
            client = connection._client()
            now = partners._xero_summary_now()
            if not since and not resume.get("backfilled"):
                if not partners._xero_backfill_documents(connection, client, resume, now):
                    return 0, False
                resume.pop("backfill", None)
                resume["backfilled"] = True
                connection._import_cursor(SUMMARY_IMPORT)._keep_resume(resume)
            if since:
                fallen = (
                    self.env["xero.contact.document"].sudo()._fallen_overdue(connection, since, now)
                )
                partners._xero_mark_summaries_due(connection, fallen)
            count, finished = partners._xero_read_balances(connection, client, now, resume)
            if finished:
                count += partners._xero_turn_of_year(connection, now)
            return count, finished

        return partners._xero_import(
            connection, SUMMARY_IMPORT, refresh_since, self.env._("partner summaries")
        )

    @api.model
    def _xero_summary_now(self):
        return fields.Datetime.now()

    @api.model
    def _xero_backfill_documents(self, connection, client, resume, now):
        """The one-off reading of the documents the summaries need from before the polls
        began (BACKFILL): a few calls, resumable page by page. Returns whether it is done."""
        state = resume.setdefault("backfill", {"year": now.year, "step": 0, "after": None})
        cursor = connection._import_cursor(SUMMARY_IMPORT)
        for step in range(state["step"], len(BACKFILL)):
            endpoint, query = BACKFILL[step]
            pages = client.iter_documents(
                endpoint,
                types=query.get("types", ()),
                date_from=date(state["year"], 1, 1) if query.get("this_year") else None,
                statuses=query["statuses"],
                summary_only=query.get("summary_only", False),
                **self._xero_reading(state),
            )

            def note(documents, endpoint=endpoint):
                self._xero_note_documents(connection, endpoint, documents)
                return 0

            _touched, finished = self._xero_ride_pages(
                cursor,
                pages,
                lambda page, note=note, endpoint=endpoint: self._xero_import_chunks(
                    endpoint, page, note, state, cursor, resume
                ),
                resume,
            )
            if not finished:
                return False
            state.update(step=step + 1, after=None, window_page=None)
            cursor._keep_resume(resume)
        return True

    def _xero_summaries_due(self):
        """The partners linked to Xero whose balances are to be read: marked, or never read."""
        return self.search(
            [
                ("xero_id", "!=", False),
                "|",
                ("xero_summary_pending", "=", True),
                ("xero_summary_at", "=", False),
            ]
        )

    @api.model
    def _xero_read_balances(self, connection, client, now, resume):
        """Read Xero's balances of the partners due, batch by batch, each batch written and
        committed. Returns (partners refreshed, whether all were)."""
        due = self._xero_summaries_due()
        by_contact = due.grouped("xero_id")

        def write(batch):
            contact_ids, contacts = batch
            balances = dict.fromkeys(contact_ids)
            balances.update({str(c.contact_id).lower(): c.balances for c in contacts})
            partners = self.browse().union(*(by_contact[i] for i in balances if i in by_contact))
            partners._xero_write_summaries(connection, now, balances)
            return True, len(partners)

        # What is left to read is what is still due: the import's resume point is unchanged.
        return self._xero_ride_pages(
            connection._import_cursor(SUMMARY_IMPORT),
            self._xero_balance_batches(connection, client, by_contact),
            write,
            resume,
        )

    @api.model
    def _xero_balance_batches(self, connection, client, contact_ids):
        """(ContactIDs, SDK contacts Xero has of them) in batches: 40 IDs a call, or, when
        there are so many that reading every contact of the organisation (1,000 a call, as
        many as the index of its contacts says) costs fewer calls, pages of every contact;
        then by ID those the pages missed (a contact edited meanwhile moves pages)."""
        wanted = list(contact_ids)
        if not wanted:
            return
        known = (
            self.env["xero.index"]
            .sudo()
            .search_count([("connection_id", "=", connection.id), ("kind", "=", "contact")])
        )
        if known and known // MAX_PAGE_SIZE + 1 < -(-len(wanted) // MAX_IDS):
            left = set(wanted)
            for page in client.iter_pages(
                "Contacts", page_size=MAX_PAGE_SIZE, include_archived=True
            ):
                found = [c for c in page if str(c.contact_id).lower() in left]
                if found:
                    left -= {str(c.contact_id).lower() for c in found}
                    yield [str(c.contact_id).lower() for c in found], found
            wanted = sorted(left)
        yield from client.iter_contacts_by_ids(wanted)

    @api.model
    def _xero_keep_balances(self, connection, contacts):
        """Contacts read whole (the contacts import reads pages) carry their balances: keep
        them, at no call."""
        balances = {
            str(c.contact_id).lower(): c.balances
            for c in contacts
            if getattr(c, "balances", None) is not None
        }
        if not balances:
            return
        partners = (
            self.sudo()
            .with_company(connection.company_id)
            .with_context(active_test=False, xero_no_dirty=True)
            .search([("xero_id", "in", list(balances))])
        )
        partners._xero_write_summaries(connection, self._xero_summary_now(), balances)

    def _xero_write_summaries(self, connection, now, balances=None):
        """Write on these partners their last invoice date and this year's sales from the
        documents kept, and, for those whose contact is in ``balances`` ({ContactID: SDK
        Balances, or None when Xero has no such contact}), Xero's balances as read ``now``.
        """
        figures = (
            self.env["xero.contact.document"]
            .sudo()
            ._sales_figures(connection, set(self.mapped("xero_id")), now.year)
        )
        groups = defaultdict(list)  # most contacts owe nothing: one write for all of them
        for partner in self:
            last, sales = figures.get(partner.xero_id, (False, 0.0))
            values = {
                "xero_last_invoice_date": last,
                "xero_sales_this_year": sales,
                "xero_sales_year": now.year,
            }
            if balances is not None and partner.xero_id in balances:
                values.update(
                    balance_values(balances[partner.xero_id]),
                    xero_summary_at=now,
                    xero_summary_pending=False,
                )
            groups[tuple(sorted(values.items()))].append(partner.id)
        for values, ids in groups.items():
            self.browse(ids)._xero_write(dict(values))

    @api.model
    def _xero_turn_of_year(self, connection, now):
        """A new year: sales this year start again from the documents kept (no call)."""
        stale = self.search(
            [
                ("xero_id", "!=", False),
                ("xero_sales_this_year", "!=", 0),
                ("xero_sales_year", "!=", now.year),
            ]
        )
        stale._xero_write_summaries(connection, now)
        return len(stale)

    @api.model
    def _xero_forget_summaries(self, connection):
        """The company now keeps its books in another organisation: the documents kept and
        the summaries shown are the previous one's."""
        self.env["xero.contact.document"].sudo().search(
            [("connection_id", "=", connection.id)]
        ).unlink()
        partners = (
            self.sudo()
            .with_company(connection.company_id)
            .with_context(active_test=False)
            .search(["|", ("xero_summary_at", "!=", False), ("xero_sales_this_year", "!=", 0)])
        )
        partners._xero_write(dict.fromkeys(SUMMARY_FIELDS, False))


def balance_values(balances):
    """The summary's values of an SDK Balances (None: all zero)."""
    values = {}
    for side, name in (("receivable", "accounts_receivable"), ("payable", "accounts_payable")):
        figures = getattr(balances, name, None)
        for figure in ("outstanding", "overdue"):
            value = getattr(figures, figure, None) or 0
            values["xero_%s_%s" % (side, figure)] = float(amount(value))
    return values
