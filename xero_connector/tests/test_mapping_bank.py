# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .test_mapping import MappingCase


@tagged("post_install", "-at_install")
class TestMappingBank(MappingCase):
    """Xero's bank accounts mapped to Odoo's bank and cash journals, in which the payments
    import records Xero's payments; and the switch that turns that recording off."""

    def journal(self, name, code, journal_type="bank", number=None):
        values = {"name": name, "code": code, "type": journal_type}
        if number:
            values["bank_account_id"] = (
                self.env["res.partner.bank"]
                .create({"acc_number": number, "partner_id": self.env.company.partner_id.id})
                .id
            )
        return self.env["account.journal"].create(values)

    def bank_line(self, wizard):
        """The wizard's line of Xero's bank account (090); its clearing account (615), which
        takes payments too, has a line of its own."""
        return wizard.bank_line_ids.filtered(lambda line: line.xero_account_id.code == "090")

    def xero_bank_accounts(self):
        return self.env["xero.account"].search(
            [("connection_id", "=", self.connection.id), ("account_type", "=", "BANK")]
        )

    def test_the_wizard_lists_xeros_bank_accounts_and_proposes_the_journal_with_that_number(self):
        other = self.journal("Savings", "XSV", number="GB99 0000 1111")
        same = self.journal("Main account", "XMA", number="1234-5678")
        wizard = self.open_wizard()
        bank = self.xero_bank_accounts()
        # The organisation's one bank account, with Xero's BankAccountNumber; nothing else.
        self.assertEqual(bank.mapped("code"), ["090"])
        self.assertEqual(bank.bank_account_number, "12345678")
        self.assertEqual(self.bank_line(wizard).xero_account_id, bank)
        self.assertEqual(self.bank_line(wizard).bank_account_number, "12345678")
        self.assertEqual(self.bank_line(wizard).journal_id, same)
        self.assertEqual(self.bank_line(wizard).match, "number")
        self.assertEqual(
            (same.xero_bank_account_id, same.xero_bank_account_match), (bank, "number")
        )
        self.assertFalse(other.xero_bank_account_id)

    def test_without_a_number_the_journal_of_the_same_name_is_proposed(self):
        cash = self.journal("Business Bank Account", "XBB", journal_type="cash")
        self.journal("Business Bank", "XBC")
        wizard = self.open_wizard()
        self.assertEqual(self.bank_line(wizard).journal_id, cash)
        self.assertEqual(self.bank_line(wizard).match, "name")
        self.assertEqual(cash.xero_bank_account_id, self.xero_bank_accounts())

    def test_applying_stores_the_journal_chosen_by_hand_and_proposals_leave_it(self):
        proposed = self.journal("Main account", "XMA", number="12345678")
        chosen = self.journal("Petty cash", "XPC", journal_type="cash")
        wizard = self.open_wizard()
        self.assertEqual(self.bank_line(wizard).journal_id, proposed)
        self.bank_line(wizard).journal_id = chosen
        wizard.action_apply()
        bank = self.xero_bank_accounts()
        self.assertEqual(
            (chosen.xero_bank_account_id, chosen.xero_bank_account_match), (bank, "manual")
        )
        self.assertFalse(proposed.xero_bank_account_id)
        # Opened again: the choice is kept, the journal with the same number is not proposed.
        wizard = self.open_wizard()
        self.assertEqual(self.bank_line(wizard).journal_id, chosen)
        self.assertEqual(self.bank_line(wizard).match, "manual")
        self.assertFalse(proposed.xero_bank_account_id)
        # Unmapped by hand: it stays unmapped, and the proposal does not come back.
        self.bank_line(wizard).journal_id = False
        wizard.action_apply()
        self.assertFalse(chosen.xero_bank_account_id)
        wizard = self.open_wizard()
        self.assertFalse(self.bank_line(wizard).journal_id)
        self.assertFalse((proposed | chosen).xero_bank_account_id)

    def test_a_xero_bank_account_is_recorded_in_one_journal_only(self):
        self.open_wizard()  # imports Xero's lists
        bank = self.xero_bank_accounts()
        first = self.journal("Main account", "XMA")
        second = self.journal("Other account", "XOA")
        first.xero_bank_account_id = bank
        with (
            self.assertRaisesRegex(ValidationError, "already mapped to journal 'Main account"),
            self.cr.savepoint(),
        ):
            second.xero_bank_account_id = bank
        # In the wizard, one journal cannot take two Xero bank accounts either.
        wizard = self.open_wizard()
        self.assertEqual(self.bank_line(wizard).journal_id, first)
        savings = self.env["xero.account"].create(
            {
                "connection_id": self.connection.id,
                "xero_id": "a-second-bank-account",
                "code": "091",
                "name": "Savings Account",
                "account_type": "BANK",
            }
        )
        with (
            self.assertRaisesRegex(ValidationError, "one Xero bank account only"),
            self.cr.savepoint(),
        ):
            wizard.write(
                {
                    "bank_line_ids": [
                        Command.create({"xero_account_id": savings.id, "journal_id": first.id})
                    ]
                }
            )

    def test_only_bank_and_cash_journals_and_only_xeros_bank_accounts_are_mapped(self):
        self.open_wizard()  # imports Xero's lists
        bank = self.xero_bank_accounts()
        sales = self.env["account.journal"].search(
            [("company_id", "=", self.env.company.id), ("type", "=", "sale")], limit=1
        )
        self.assertTrue(sales)
        with (
            self.assertRaisesRegex(ValidationError, "Only bank and cash journals"),
            self.cr.savepoint(),
        ):
            sales.xero_bank_account_id = bank
        journal = self.journal("Main account", "XMA")
        revenue = self.env["xero.account"].search(
            [("connection_id", "=", self.connection.id), ("code", "=", "200")]
        )
        with (
            self.assertRaisesRegex(ValidationError, "neither a bank account in Xero"),
            self.cr.savepoint(),
        ):
            journal.xero_bank_account_id = revenue

    def test_the_payments_import_finds_the_journal_of_a_xero_bank_account(self):
        journal = self.journal("Main account", "XMA", number="12345678")
        self.open_wizard()
        bank = self.xero_bank_accounts()
        journals = self.env["account.journal"]
        found = journals._xero_journal_for_bank_account(self.connection, bank.xero_id)
        self.assertEqual(found, journal)
        self.assertFalse(journals._xero_journal_for_bank_account(self.connection, "no-such-id"))
        self.assertFalse(journals._xero_journal_for_bank_account(self.connection, False))
        # Archived in Xero since: its payments still go to its journal.
        bank.active = False
        found = journals._xero_journal_for_bank_account(self.connection, bank.xero_id)
        self.assertEqual(found, journal)
        journal.xero_bank_account_id = False
        self.assertFalse(journals._xero_journal_for_bank_account(self.connection, bank.xero_id))

    def test_where_payments_are_recorded_is_chosen_in_settings(self):
        self.assertEqual(self.connection.payment_flow, "both")
        form = Form(self.env["res.config.settings"])  # the choice is in Settings › Xero
        self.assertEqual(form.xero_payment_flow, "both")
        form.xero_payment_flow = "to_xero"
        form.save().execute()
        self.assertEqual(self.connection.payment_flow, "to_xero")
        self.assertEqual(self.env["res.config.settings"].create({}).xero_payment_flow, "to_xero")
        # A Xero administrator, not a system administrator, may turn it on again.
        admin = new_test_user(
            self.env, "xero_bank_admin", groups="xero_connector.group_xero_admin,base.group_user"
        )
        try:
            self.connection.with_user(admin).write({"payment_flow": "from_xero"})
        except AccessError as error:
            self.fail("A Xero administrator could not choose: %s" % error)
        self.assertEqual(self.connection.payment_flow, "from_xero")
