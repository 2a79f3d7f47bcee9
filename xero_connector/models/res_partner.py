# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from xero_client.mappings.contact import contact_from_xero, contact_to_xero, match_existing

from .xero_sync_mixin import XERO_STATES, XeroDataError, commit_progress

CONTACTS_PAGE_SIZE = 100  # Xero's page
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

    _xero_endpoint = "Contacts"
    _xero_id_field = "ContactID"
    _xero_link_kind = "contact"
    _xero_synced_fields = PARTNER_SYNCED_FIELDS

    # A partner is often shared by the companies of the database, each connected to its own
    # Xero organisation: its Xero link and status are kept per company.
    xero_id = fields.Char(company_dependent=True)
    xero_state = fields.Selection(XERO_STATES, company_dependent=True, default="not_synced")
    xero_synced_at = fields.Datetime(company_dependent=True)
    xero_error = fields.Text(company_dependent=True)

    def _xero_company(self):
        return self.company_id or self.env.company

    def _xero_should_sync(self):
        return not self.parent_id

    def write(self, vals):
        result = super().write(vals)
        if not self.env.context.get("xero_no_dirty") and set(vals) & set(CHILD_FIELDS):
            self.parent_id.filtered(lambda p: p not in self)._xero_mark_dirty()
        return result

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

    def _xero_link_payload(self, connection, values, contact_id):
        """The first send to an existing Xero contact: only what Odoo has, so that what Xero
        knows and Odoo does not (email, account number, phones, persons...) is kept."""
        return contact_to_xero(
            dict(values, xero_id=contact_id),
            self._xero_account_number_key(connection),
            only_filled=True,
        )

    def _xero_values(self, connection):
        children = self.child_ids.filtered(lambda c: c.type == "contact" and c.active)
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
            "children": [{"name": c.name, "email": c.email or None} for c in children if c.name],
        }

    def _xero_account_number_key(self, connection):
        return {"ref": "ref", "id": "odoo_id"}.get(connection.account_number_source)

    def _xero_link_existing(self, connection, client, payloads):
        """Before creating, look for the same name, email or tax number in Xero."""
        new = self.filtered(lambda p: not p.xero_id)
        if not new:
            return self.browse()
        values = {p.id: p._xero_values(connection) for p in new}
        candidates = client.find_contacts(
            names=[v["name"] for v in values.values()],
            emails=[v["email"] for v in values.values() if v["email"]],
            tax_numbers=[v["vat"] for v in values.values() if v["vat"]],
        )
        linked = self.browse()
        taken = self._xero_taken_ids(connection, [str(c.contact_id) for c in candidates])
        for partner in new:
            match = match_existing(values[partner.id], candidates)
            if match and str(match.contact_id) not in taken:
                payloads[partner.id] = partner._xero_link_payload(
                    connection, values[partner.id], str(match.contact_id)
                )
                taken.add(str(match.contact_id))
                linked |= partner
        return linked

    def _xero_taken_ids(self, connection, contact_ids):
        """Those of these Xero contacts another partner is already linked to."""
        if not contact_ids:
            return set()
        partners = (
            self.with_company(connection.company_id)
            .with_context(active_test=False)
            .search([("xero_id", "in", contact_ids)])
        )
        return set(partners.mapped("xero_id"))

    # -- Xero to Odoo ---------------------------------------------------------------------
    @api.model
    def _xero_import_contacts(self, connection):
        """Import every contact changed since the last run, page by page, without duplicates.

        Returns how many partners were created or updated."""
        partners = self.with_company(connection.company_id).with_context(
            xero_no_dirty=True, active_test=False
        )

        def import_since(since, resume):
            """Oldest changes first, one page at a time: a run that stops (time up, Xero
            unreachable) resumes at the page it reached."""
            client = connection._client()
            count = 0
            while True:
                page_number = resume.get("page", 1)
                contacts = client.get_contacts(
                    page=page_number, if_modified_since=since, order="UpdatedDateUTC ASC"
                )
                count += partners._xero_import_page(connection, contacts)
                resume["page"] = page_number + 1
                if len(contacts) < CONTACTS_PAGE_SIZE:
                    return count, True
                connection._keep_import_resume("contacts_imported_at", resume)
                if not commit_progress(self.env, len(contacts)):
                    self.env.ref("xero_connector.ir_cron_xero_import_contacts")._trigger()
                    return count, False

        return self._xero_import(
            connection, "contacts_imported_at", import_since, self.env._("contacts")
        )

    def _xero_import_page(self, connection, contacts):
        by_xero_id = {
            p.xero_id: p
            for p in self.search([("xero_id", "in", [str(c.contact_id) for c in contacts])])
        }
        linkable = self._xero_linkable_domain(connection)
        count = 0
        for contact in contacts:
            values = contact_from_xero(contact)
            linked = by_xero_id.get(values["xero_id"], self.browse())
            partner = linked or self._xero_find_for_import(values, linkable)
            if partner and partner.xero_state == "pending":
                continue  # Odoo has unsent changes: they win, and go to Xero next
            count += self._xero_import_safely(connection, partner, values, fill_only=not linked)
        return count

    def _xero_linkable_domain(self, connection):
        """The Odoo partners an imported contact may be linked to: unlinked ones of this company
        or of none, and never a user's or a company's own partner."""
        # A database has a handful of companies: their own partners are never import targets.
        own_partners = (
            self.env["res.company"].sudo().with_context(active_test=False).search([], limit=None)
        )
        return [
            ("xero_id", "=", False),
            ("parent_id", "=", False),
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
