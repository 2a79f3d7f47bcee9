# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid
from datetime import timedelta

from xero_python.accounting import Contact, Invoice, LineAmountTypes, LineItem, PaymentDelete

from odoo import fields
from odoo.tests import new_test_user, tagged

from .test_move_balances import MoneyBackCase


@tagged("post_install", "-at_install")
class TestDriftReport(MoneyBackCase):
    """The month-end drift report: only what differs between Odoo and Xero, each with why."""

    def drift(self, moves):
        self.env.invalidate_all()
        return self.env["xero.drift"].search([("move_id", "in", moves.ids)])

    def reasons(self, moves):
        """{document name: reason} of these documents in the report."""
        return {row.move_id.name: row.reason for row in self.drift(moves)}

    def pay_in_odoo(self, move):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"journal_id": self.bank_journal.id})._create_payments()

    def in_xero(self, partner, value, day, status="AUTHORISED"):
        """An invoice made in Xero only, of one line without tax; its ID."""
        [result] = self.connection._client().save(
            "Invoices",
            [
                Invoice(
                    type="ACCREC",
                    contact=Contact(contact_id=partner.xero_id),
                    date=day,
                    due_date=day + timedelta(days=30),
                    status=status,
                    line_amount_types=LineAmountTypes.NOTAX,
                    line_items=[
                        LineItem(
                            description="Made in Xero",
                            quantity=1,
                            unit_amount=value,
                            account_code="200",
                        )
                    ],
                )
            ],
            str(uuid.uuid4()),
        )
        self.assertTrue(result.ok, result.errors)
        return str(result.data.invoice_id)

    # -- per document -------------------------------------------------------------------------
    def test_each_difference_shows_with_its_reason_and_what_agrees_does_not(self):
        agrees, paid, changed, voided, paid_in_odoo, cent, retotalled = self.sent(
            *(self.move() for _i in range(7))
        )
        bill, refund = self.sent(self.move("in_invoice", ref="SUP-1"), self.move("out_refund"))
        not_sent = self.move()
        not_sent.action_post()
        first, twice = self.move("in_invoice", ref="DUP-1"), self.move("in_invoice", ref="DUP-1")
        (first | twice).action_post()
        (first | twice).action_xero_sync()
        self.assertEqual((first.xero_state, twice.xero_state), ("synced", "error"))
        tenant = self.tenant["tenantId"]
        self.pay_in_xero(paid, paid.amount_total)
        self.edit_quantity_in_xero(changed, 4)
        self.sandbox.edit(tenant, "Invoices", voided.xero_id, {"Status": "VOIDED"})
        self.pay_in_odoo(paid_in_odoo)
        retotalled.button_draft()
        retotalled.invoice_line_ids[0].price_unit = 120.0
        retotalled.action_post()  # not sent again yet
        self.run_import_cron()
        self.assertEqual(paid.payment_state, "paid", "recorded from Xero")
        self.assertTrue(changed.xero_changed_in_xero)
        self.assertEqual(voided.xero_status, "VOIDED")
        # A cent apart: Xero rounded a line another way.
        cent._xero_write({"xero_amount_total": cent.amount_total + 0.01})
        cent._xero_write({"xero_amount_due": cent.amount_total + 0.01})

        everything = (
            agrees | paid | changed | voided | paid_in_odoo | cent | retotalled | bill | refund
        ) | (not_sent | first | twice)
        self.assertEqual(
            self.reasons(everything),
            {
                not_sent.name: "not_sent",
                twice.name: "error",
                changed.name: "changed_in_xero",
                voided.name: "voided_in_xero",
                cent.name: "rounding",
                retotalled.name: "total",
                paid_in_odoo.name: "balance",
            },
        )
        rows = {row.move_id: row for row in self.drift(everything)}
        self.assertEqual(
            (rows[not_sent].odoo_total, rows[not_sent].xero_total, rows[not_sent].total_difference),
            (360, 0, 360),
        )
        self.assertEqual(
            (
                rows[paid_in_odoo].odoo_balance,
                rows[paid_in_odoo].xero_balance,
                rows[paid_in_odoo].balance_difference,
                rows[paid_in_odoo].total_difference,
            ),
            (0, 360, -360, 0),
        )
        self.assertEqual(
            (rows[retotalled].total_difference, rows[retotalled].balance_difference), (72, 72)
        )
        self.assertAlmostEqual(rows[cent].total_difference, -0.01)
        self.assertEqual(rows[cent].partner_id, self.customer)
        self.assertIn("entered twice", rows[twice].detail)
        self.assertEqual(rows[changed].detail, changed.xero_changes)

    def test_a_cent_of_balance_alone_is_rounding_and_more_is_not(self):
        near, far = self.sent(self.move(), self.move())
        self.run_import_cron()
        self.assertFalse(self.drift(near | far), "just sent and read back: they agree")
        near._xero_write({"xero_amount_due": near.amount_residual - 0.01})
        far._xero_write({"xero_amount_due": far.amount_residual - 0.02})
        self.assertEqual(self.reasons(near | far), {near.name: "rounding", far.name: "balance"})

    def test_a_document_just_sent_agrees_before_any_import(self):
        invoice = self.sent(self.move())
        self.assertFalse(invoice.xero_amount_due, "Xero's amount due is read by the import")
        self.assertFalse(self.drift(invoice))

    def test_a_payment_not_recorded_shows_until_it_is_recorded(self):
        self.bank_journal.xero_bank_account_id = False
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, 100)
        self.run_import_cron()
        [xero_payment] = self.env["xero.payment"].search([("move_id", "=", invoice.id)])
        self.assertEqual(xero_payment.state, "not_recorded")
        [row] = self.drift(invoice)
        self.assertEqual(
            (row.reason, row.odoo_balance, row.xero_balance, row.balance_difference),
            ("not_recorded", 360, 260, 100),
        )
        self.assertIn("090", row.detail)
        self.bank_journal.xero_bank_account_id = self.xero_bank
        xero_payment.action_record_in_odoo()
        self.assertEqual(xero_payment.state, "recorded")
        self.assertFalse(self.drift(invoice), "recorded: Odoo and Xero agree")

    def test_a_payment_left_out_on_purpose_where_both_agree_is_not_a_difference(self):
        invoice = self.sent(self.move())
        self.pay_in_odoo(invoice)
        self.pay_in_xero(invoice, invoice.amount_total)
        self.run_import_cron()
        [xero_payment] = self.env["xero.payment"].search([("move_id", "=", invoice.id)])
        self.assertEqual(xero_payment.state, "not_recorded", "not recorded twice")
        self.assertFalse(self.drift(invoice))

    def test_a_credit_note_allocation_not_recorded_shows_on_both_documents(self):
        invoice, refund = self.sent(
            self.move(),
            self.move("out_refund", lines=[{"name": "Refund", "quantity": 1, "price_unit": 50}]),
        )
        # Refunded in Odoo but for 10, then allocated in Xero for more than that.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=refund.ids
        ).create({"journal_id": self.bank_journal.id, "amount": 50})._create_payments()
        self.allocate_in_xero(refund, invoice, 20)
        self.run_import_cron()
        [allocation] = self.env["xero.payment"].search([("kind", "=", "allocation")])
        self.assertEqual(allocation.state, "not_recorded")
        self.assertEqual(
            self.reasons(invoice | refund),
            {invoice.name: "not_recorded", refund.name: "not_recorded"},
        )

    def test_grouped_by_partner_with_the_sums_of_the_differences(self):
        other = self.partners(1, name="Other Customer Ltd")
        moves = self.move() | self.move() | self.move(partner=other)
        moves.action_post()
        action = self.env["ir.actions.act_window"]._for_xml_id("xero_connector.action_xero_drift")
        self.assertIn("partner_id", action["context"])
        groups = dict(
            self.env["xero.drift"]._read_group(
                [("move_id", "in", moves.ids)], ["partner_id"], ["total_difference:sum"]
            )
        )
        self.assertEqual(groups, {self.customer: 720, other: 360})
        views = self.env["xero.drift"].get_views([(False, "list"), (False, "pivot")])["views"]
        self.assertIn('widget="badge"', views["list"]["arch"])
        self.assertIn("balance_difference", views["pivot"]["arch"])

    def test_a_company_without_xero_is_not_in_the_report(self):
        invoice = self.move()
        invoice.action_post()
        self.assertEqual(self.reasons(invoice), {invoice.name: "not_sent"})
        self.env["xero.connection"].search([("company_id", "=", self.env.company.id)]).unlink()
        self.assertFalse(self.drift(invoice))

    def test_xero_users_read_the_report_of_their_companies_only(self):
        invoice = self.move()
        invoice.action_post()
        company_b = self.env["res.company"].create({"name": "Company B"})
        self.env["xero.connection"]._for_company(company_b)
        user_a = new_test_user(
            self.env,
            "drift_user_a",
            groups="xero_connector.group_xero_user,account.group_account_invoice",
        )
        user_b = new_test_user(
            self.env,
            "drift_user_b",
            groups="xero_connector.group_xero_user,account.group_account_invoice",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        self.env.invalidate_all()
        self.assertEqual(
            self.env(user=user_a)["xero.drift"].search([]).move_id, invoice, "their company's"
        )
        self.assertFalse(self.env(user=user_b)["xero.drift"].search([]), "not another company's")
        menu = self.env.ref("xero_connector.menu_xero_drift")
        self.assertIn(menu.id, self.env(user=user_a)["ir.ui.menu"].load_menus(debug=False))

    # -- per payment --------------------------------------------------------------------------
    def payment_drift(self, moves):
        self.env.invalidate_all()
        return self.env["xero.drift.payment"].search([("move_id", "in", moves.ids)])

    def payment_reasons(self, moves):
        """{(document name, made in): reason} of the payments of these documents in the
        report."""
        return {(row.move_id.name, row.made_in): row.reason for row in self.payment_drift(moves)}

    def xero_payment_of(self, move):
        return self.env["xero.payment"].search([("move_id", "=", move.id)])

    def test_payments_and_allocations_on_one_side_only_show_with_why(self):
        not_recorded, undone, agrees, deleted, refused, invoice = self.sent(
            *(self.move() for _i in range(6))
        )
        refund = self.sent(
            self.move("out_refund", lines=[{"name": "Refund", "quantity": 1, "price_unit": 50}])
        )
        # In Xero, not recorded in Odoo: Xero's bank account was mapped to no journal.
        self.bank_journal.xero_bank_account_id = False
        self.pay_in_xero(not_recorded, 100)
        self.run_import_cron()
        self.bank_journal.xero_bank_account_id = self.xero_bank
        # In Xero, recorded in Odoo, then removed there by a person.
        self.pay_in_xero(undone, 100)
        self.pay_in_xero(agrees, 50)
        self.allocate_in_xero(refund, invoice, 20)
        self.run_import_cron()
        self.xero_payment_of(undone).payment_id.action_draft()
        self.xero_payment_of(undone).payment_id.action_cancel()
        refund.line_ids.remove_move_reconcile()
        # Made in Odoo, sent, and deleted in Xero; made in Odoo and refused by Xero.
        self.pay_in_odoo(deleted)
        self.run_push_cron()
        [sent] = self.env["xero.odoo.payment"].search([("move_id", "=", deleted.id)])
        self.connection._client().accounting.delete_payment(
            self.tenant["tenantId"], sent.xero_id, PaymentDelete(status="DELETED")
        )
        self.run_import_cron()
        self.sandbox._call(
            "PUT",
            "/sandbox/tenants/%s/lock-dates" % self.tenant["tenantId"],
            json={"PeriodLockDate": "2030-12-31"},
        )
        self.pay_in_odoo(refused)
        self.run_push_cron()

        everything = not_recorded | undone | agrees | deleted | refused | invoice | refund
        self.assertEqual(
            self.payment_reasons(everything),
            {
                (not_recorded.name, "xero"): "not_recorded",
                (undone.name, "xero"): "undone_in_odoo",
                (refund.name, "xero"): "undone_in_odoo",
                (deleted.name, "odoo"): "deleted_in_xero",
                (refused.name, "odoo"): "error",
            },
        )
        rows = {row.move_id: row for row in self.payment_drift(everything)}
        self.assertEqual(
            (
                rows[not_recorded].odoo_amount,
                rows[not_recorded].xero_amount,
                rows[not_recorded].amount_difference,
            ),
            (0, 100, -100),
        )
        self.assertIn("090", rows[not_recorded].detail)
        self.assertEqual(
            (rows[refund].kind, rows[refund].invoice_move_id, rows[refund].xero_amount),
            ("allocation", invoice, 20),
        )
        self.assertEqual(
            (rows[deleted].odoo_amount, rows[deleted].xero_amount, rows[deleted].payment_id),
            (360, 0, sent.payment_id),
        )
        self.assertIn("lock date", rows[refused].detail)

    def test_payments_recorded_from_xero_that_differ_show_what_differs(self):
        eur = self.euro(1.15)
        amount_changed, date_changed, agrees = self.sent(self.move(), self.move(), self.move())
        rate_changed = self.sent(self.move(currency_id=eur.id))
        for invoice in amount_changed | date_changed | agrees:
            self.pay_in_xero(invoice, 100)
        self.pay_in_xero_at(rate_changed, 150, 1.1)
        self.run_import_cron()
        everything = amount_changed | date_changed | agrees | rate_changed
        self.assertFalse(self.payment_drift(everything), "recorded as Xero has them")
        # People edit the payments Odoo recorded from Xero.
        for invoice, changes in (
            (amount_changed, {"amount": 90}),
            (date_changed, {"date": "2026-11-28"}),
            (rate_changed, {"amount": 150}),  # booked again at Odoo's rate of the day
        ):
            payment = self.xero_payment_of(invoice).payment_id
            payment.action_draft()
            payment.write(changes)
            payment.action_post()
        self.assertEqual(
            self.payment_reasons(everything),
            {
                (amount_changed.name, "xero"): "amount",
                (date_changed.name, "xero"): "date",
                (rate_changed.name, "xero"): "rate",
            },
        )
        rows = {row.move_id: row for row in self.payment_drift(everything)}
        self.assertEqual(rows[amount_changed].amount_difference, -10)
        self.assertEqual(
            (rows[date_changed].odoo_date.isoformat(), rows[date_changed].xero_date),
            ("2026-11-28", self.xero_payment_of(date_changed).date),
        )
        self.assertEqual(
            (
                rows[rate_changed].odoo_company_amount,
                rows[rate_changed].xero_company_amount,
                rows[rate_changed].amount_difference,
            ),
            (130.43, 136.36, 0),
        )

    # -- per partner --------------------------------------------------------------------------
    def test_partners_whose_outstanding_differs_from_xeros_summary(self):
        today = fields.Date.context_today(self.env["res.partner"])
        self.sent(
            self.move(invoice_date=today),
            self.move("in_invoice", ref="SUP-9", invoice_date=today),
        )
        self.run_import_cron()
        self.assertEqual(self.customer.xero_receivable_outstanding, 360)
        self.assertEqual(self.vendor.xero_payable_outstanding, 360)
        partners = self.env["xero.drift.partner"]
        self.assertFalse(partners.search([]), "Odoo and Xero agree on both")

        made_in_xero = self.in_xero(self.customer, 200, today)
        self.run_import_cron()
        self.assertEqual(self.customer.xero_receivable_outstanding, 560)
        [row] = partners.search([])
        self.assertEqual(
            (
                row.partner_id,
                row.odoo_receivable,
                row.xero_receivable,
                row.receivable_difference,
                row.payable_difference,
                row.reason,
            ),
            (self.customer, 360, 560, -200, 0, "summary_differs"),
        )
        self.assertEqual(
            row.action_open_documents()["domain"],
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.env.company.id)],
        )

        self.sandbox.edit(self.tenant["tenantId"], "Invoices", made_in_xero, {"Status": "VOIDED"})
        self.run_import_cron()
        self.env.invalidate_all()
        self.assertFalse(partners.search([]), "voided in Xero: they agree again")
