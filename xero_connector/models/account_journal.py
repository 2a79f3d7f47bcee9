# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAPPED_JOURNAL_TYPES = ("bank", "cash")
XERO_BANK_TYPE = "BANK"
# Why a journal was proposed for a Xero bank account, or that it was chosen by hand (then
# proposals leave it alone, mapped or not).
BANK_MATCH_REASONS = [
    ("number", "Same account number"),
    ("name", "Same name"),
    ("manual", "Chosen by hand"),
]


def bank_number_key(number):
    """An account number as compared: without spaces and dashes, case ignored."""
    return re.sub(r"[\s\-]+", "", number or "").upper()


class AccountJournal(models.Model):
    _inherit = "account.journal"

    xero_bank_account_id = fields.Many2one(
        "xero.account",
        string="Xero bank account",
        copy=False,
        check_company=True,
        index="btree_not_null",
        ondelete="set null",
        domain=["|", ("account_type", "=", XERO_BANK_TYPE), ("takes_payments", "=", True)],
        help="Xero's payments through this Xero account (a bank account, or one that takes "
        "payments) are recorded in this journal, and this journal's payments go to Xero "
        "through it.",
    )
    xero_bank_account_match = fields.Selection(BANK_MATCH_REASONS, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._xero_chosen_by_hand(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._xero_chosen_by_hand(vals)
        return super().write(vals)

    @api.model
    def _xero_chosen_by_hand(self, vals):
        """A Xero bank account set without a reason was chosen by hand: proposals keep it."""
        if "xero_bank_account_id" in vals and "xero_bank_account_match" not in vals:
            vals["xero_bank_account_match"] = "manual"

    @api.constrains("xero_bank_account_id", "type", "company_id")
    def _check_xero_bank_account(self):
        for journal in self.filtered("xero_bank_account_id"):
            xero_account = journal.xero_bank_account_id
            if journal.type not in MAPPED_JOURNAL_TYPES:
                raise ValidationError(
                    self.env._(
                        "Only bank and cash journals can record Xero's payments: journal "
                        "'%(journal)s' cannot be mapped to Xero bank account '%(account)s'.",
                        journal=journal.display_name,
                        account=xero_account.display_name,
                    )
                )
            if xero_account.account_type != XERO_BANK_TYPE and not xero_account.takes_payments:
                raise ValidationError(
                    self.env._(
                        "'%(account)s' is neither a bank account in Xero nor one that takes "
                        "payments: journal '%(journal)s' can only be mapped to one.",
                        account=xero_account.display_name,
                        journal=journal.display_name,
                    )
                )
            other = (
                self.with_context(active_test=False)
                .sudo()
                .search(
                    [
                        ("id", "!=", journal.id),
                        ("company_id", "=", journal.company_id.id),
                        ("xero_bank_account_id", "=", xero_account.id),
                    ],
                    limit=1,
                )
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "Xero bank account '%(account)s' is already mapped to journal "
                        "'%(other)s': its payments can be recorded in one journal only, not also "
                        "in '%(journal)s'.",
                        account=xero_account.display_name,
                        other=other.display_name,
                        journal=journal.display_name,
                    )
                )

    @api.model
    def _xero_journal_for_bank_account(self, connection, xero_account_id):
        """The journal that records Xero's payments through the Xero bank account whose
        AccountID is ``xero_account_id``: an empty recordset when no active journal is mapped
        to it (the account may since be archived in Xero: its payments still come)."""
        if not xero_account_id:
            return self.browse()
        xero_accounts = (
            self.env["xero.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("connection_id", "=", connection.id), ("xero_id", "=", str(xero_account_id))])
        )
        if not xero_accounts:
            return self.browse()
        return self.search(
            [
                ("company_id", "=", connection.company_id.id),
                ("xero_bank_account_id", "in", xero_accounts.ids),
            ],
            limit=1,
        )

    @api.model
    def _xero_bank_journals(self, company):
        """The journals of ``company`` that can record Xero's payments."""
        return self.search([("company_id", "=", company.id), ("type", "in", MAPPED_JOURNAL_TYPES)])

    @api.model
    def _xero_propose_bank_accounts(self, connection):
        """Map Xero's bank accounts to the company's bank and cash journals nobody mapped by
        hand: the journal whose bank account has the same number, else the one with exactly
        the same name. Where several would fit, none is proposed."""
        journals = self._xero_bank_journals(connection.company_id)
        # Proposed before: proposed again, from what Xero and Odoo hold now.
        journals.filtered(lambda j: j.xero_bank_account_match in ("number", "name")).write(
            {"xero_bank_account_id": False, "xero_bank_account_match": False}
        )
        free = journals.filtered(
            lambda j: not j.xero_bank_account_id and j.xero_bank_account_match != "manual"
        )
        xero_accounts = self.env["xero.account"].search(
            [
                ("connection_id", "=", connection.id),
                ("account_type", "=", XERO_BANK_TYPE),
                ("id", "not in", journals.xero_bank_account_id.ids),
            ]
        )
        proposals = {}  # journal: (Xero account, reason)
        for xero_account in xero_accounts:
            for reason, fits in (
                (
                    "number",
                    lambda j, a=xero_account: (
                        bank_number_key(a.bank_account_number)
                        and bank_number_key(j.bank_account_id.acc_number)
                        == bank_number_key(a.bank_account_number)
                    ),
                ),
                ("name", lambda j, a=xero_account: j.name == a.name),
            ):
                candidates = free.filtered(fits)
                if candidates:
                    if len(candidates) == 1 and candidates not in proposals:
                        proposals[candidates] = (xero_account, reason)
                    break
        for journal, (xero_account, reason) in proposals.items():
            journal.write(
                {"xero_bank_account_id": xero_account.id, "xero_bank_account_match": reason}
            )
