# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
from types import SimpleNamespace

import psycopg2
from xero_python.accounting import Contact

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from xero_client.client import resume_point
from xero_client.mappings.common import normalised
from xero_client.mappings.contact import (
    MAX_CONTACT_PERSONS,
    contact_from_xero,
    contact_to_xero,
    match_existing,
)
from xero_client.routes import CONTACTS

from .xero_sync_mixin import XERO_STATES, XeroDataError, commit_progress

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

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "xero.sync.mixin"]

    _xero_route = CONTACTS
    _xero_index_import = ("contacts", "_xero_import_contacts")
    _xero_synced_fields = PARTNER_SYNCED_FIELDS

    # A partner is often shared by the companies of the database, each connected to its own
    # Xero organisation: its Xero link and status are kept per company.
    xero_id = fields.Char(company_dependent=True)
    xero_state = fields.Selection(XERO_STATES, company_dependent=True, default="not_synced")
    xero_synced_at = fields.Datetime(company_dependent=True)
    xero_error = fields.Text(company_dependent=True)
    xero_warning = fields.Text(company_dependent=True)
    xero_lost_batch = fields.Char(company_dependent=True)

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
        name is taken (Xero's names are unique, case aside) is refused, not merged."""
        new = self.filtered(lambda p: not p.xero_id)
        if not new:
            return self.browse(), {}
        self._xero_refresh_index(connection)
        values = {p.id: p._xero_values(connection) for p in new}
        candidates = [
            SimpleNamespace(
                contact_id=row.xero_id,
                name=row.name_key,
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

    def _xero_natural_key(self):
        return normalised(self.name) or None

    def _xero_name_taken_message(self, holder):
        return self.env._(
            "Xero already has a contact named '%(name)s' for the partner '%(holder)s' (ID "
            "%(holder_id)s): Xero's contact names are unique, whatever their case. Rename one "
            "of the two partners, or merge them.",
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
            client = connection._client()
            count = 0
            after = resume.get("after") or (since and [since.isoformat(), ""])
            for contacts in client.iter_changes("Contacts", after=after, include_archived=True):
                connection._note_calls_left(client.limits)
                count += partners._xero_import_page(connection, contacts)
                moment, contact_id = resume_point("Contacts", contacts[-1])
                resume["after"] = [moment.isoformat(), contact_id]
                connection._import_cursor("contacts")._keep_resume(resume)
                if not commit_progress(self.env, len(contacts)):
                    self.env.ref("xero_connector.ir_cron_xero_import")._trigger()
                    return count, False
            return count, True

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
        linkable = self._xero_linkable_domain(connection)
        removed = self.env["xero.removal"]._removed_ids(
            connection, by_xero_id.keys() | {str(c.contact_id) for c in contacts}
        )
        count = 0
        for contact in contacts:
            values = contact_from_xero(contact)
            if values["xero_id"] in removed and not values["active"]:
                continue  # deleted in Odoo, archived in Xero: not brought back
            linked = by_xero_id.get(values["xero_id"], self.browse())
            partner = linked or self._xero_find_for_import(values, linkable)
            if partner and partner.xero_state in ("pending", "error"):
                continue  # Odoo may have unsent changes: they win, and go to Xero next
            count += self._xero_import_safely(connection, partner, values, fill_only=not linked)
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

    def _xero_find_for_import(self, values, linkable):
        for field, value in (
            ("name", values["name"]),
            ("email", values.get("email")),
            ("vat", values.get("vat")),
        ):
            if value:
                partner = self.search(linkable + [(field, "=ilike", value)], limit=1)
                if partner:
                    return partner
        return self.browse()

    def _xero_import_safely(self, connection, partner, values, fill_only):
        """Import one contact in its own savepoint: one that Odoo refuses is logged and
        skipped, not allowed to stop the import. Returns how many partners it touched."""
        try:
            with self.env.cr.savepoint():
                self._xero_import_one(partner, values, fill_only=fill_only)
        except IMPORT_REFUSALS as error:
            self._xero_log_import_refusal(connection, partner, values, error)
            return 0
        return 1

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
        existing = {(c.name or "").strip().lower() for c in self.child_ids}
        new = [c for c in children if c.get("name") and c["name"].strip().lower() not in existing]
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
