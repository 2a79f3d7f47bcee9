# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy
from decimal import Decimal

from xero_python.accounting import PaymentDelete

from odoo.tests import tagged

from .test_engine import requests_log
from .test_move_balances import MoneyBackCase


@tagged("post_install", "-at_install")
class TestOdooPaymentsToXero(MoneyBackCase):
    """Payments registered in Odoo reach Xero as Xero payments on the documents they pay,
    once; what undoes them in Odoo deletes them in Xero; nothing is echoed back."""

    def register(self, *documents, amount=None, memo=None, group=True, **values):
        moves = self.env["account.move"].union(*documents)
        wizard_values = dict(
            {"journal_id": self.bank_journal.id, "payment_date": "2026-11-25"}, **values
        )
        if amount is not None:
            wizard_values["amount"] = amount
        if memo:
            wizard_values["communication"] = memo
        wizard_values["group_payment"] = group
        payments = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create(wizard_values)
            ._create_payments()
        )
        self.env.invalidate_all()
        return payments

    def xero_payments(self):
        return self.held("Payments")

    def payment_calls(self):
        """The calls to Xero's payments since the last look: ["PUT /Payments", ...]."""
        calls = [
            "%s %s" % (r["method"], r["path"])
            for r in requests_log(self.sandbox)
            if "/Payments" in r["path"]
        ]
        self.sandbox._call("DELETE", "/sandbox/requests")
        return calls

    def live_xero_payments(self):
        return [p for p in self.xero_payments() if p["Status"] == "AUTHORISED"]

    def sent_payments(self, document):
        return (
            self.env["xero.odoo.payment"]
            .with_context(active_test=False)
            .search([("move_id", "=", document.id)])
        )

    def test_a_payment_registered_in_odoo_pays_the_invoice_in_xero(self):
        invoice = self.sent(self.move())
        payment = self.register(invoice, memo="Thanks")
        self.run_push_cron()
        [held] = self.xero_payments()
        self.assertEqual(held["Invoice"]["InvoiceID"], invoice.xero_id)
        self.assertEqual(held["Amount"], invoice.amount_total)
        self.assertEqual(held["Account"]["Code"], "090")
        self.assertEqual(held["Date"], "2026-11-25")
        self.assertIn(payment.name, held["Reference"])
        self.assertIn("Thanks", held["Reference"])
        self.assertEqual(held["CurrencyRate"], 1)
        self.assertEqual(
            (self.held_for(invoice)["AmountDue"], self.held_for(invoice)["Status"]), (0, "PAID")
        )
        [sent] = self.sent_payments(invoice)
        self.assertEqual((sent.xero_state, sent.xero_id), ("synced", held["PaymentID"]))
        # Nothing new: the next runs send nothing.
        self.payment_calls()
        self.run_push_cron()
        self.assertEqual(self.payment_calls(), [])

    def test_one_payment_of_several_documents_goes_as_one_call(self):
        first, second = self.sent(self.move(), self.move())
        part = self.register(first, amount=100, group=False)
        self.register(second)
        self.assertTrue(part)
        self.payment_calls()
        self.run_push_cron()
        self.assertEqual(self.payment_calls(), ["PUT /Payments"])
        amounts = sorted(p["Amount"] for p in self.live_xero_payments())
        self.assertEqual(amounts, sorted([100, second.amount_total]))
        self.assertEqual(self.held_for(first)["AmountDue"], first.amount_total - 100)

    def test_reset_cancel_and_unreconcile_delete_the_xero_payment(self):
        invoice = self.sent(self.move())
        payment = self.register(invoice)
        self.run_push_cron()
        self.assertEqual(len(self.live_xero_payments()), 1)
        payment.action_draft()
        self.run_push_cron()
        self.assertEqual(self.live_xero_payments(), [])
        self.assertEqual(self.held_for(invoice)["AmountDue"], invoice.amount_total)
        payment.action_post()
        self.run_push_cron()
        self.assertEqual(len(self.live_xero_payments()), 1)
        self.assertEqual(self.held_for(invoice)["AmountDue"], 0)
        # Unreconciled from the invoice: deleted in Xero, the payment stays in Odoo.
        invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).remove_move_reconcile()
        self.run_push_cron()
        self.assertEqual(self.live_xero_payments(), [])
        self.assertEqual(len(self.xero_payments()), 2)
        self.assertEqual(set(self.sent_payments(invoice).mapped("active")), {False})

    def test_a_part_payment_changed_in_odoo_is_deleted_and_sent_again(self):
        invoice = self.sent(self.move())
        payment = self.register(invoice, amount=100)
        self.run_push_cron()
        payment.action_draft()
        payment.amount = 150
        payment.action_post()
        receivable = (invoice | payment.move_id).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        receivable.reconcile()
        self.run_push_cron()
        [live] = self.live_xero_payments()
        self.assertEqual(live["Amount"], 150)
        self.assertEqual(self.held_for(invoice)["AmountDue"], invoice.amount_total - 150)

    def test_a_payment_from_xero_is_never_sent_back(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, invoice.amount_total)
        self.run_import_cron()
        self.assertEqual(invoice.payment_state, "paid")
        self.payment_calls()
        self.run_push_cron()
        self.assertEqual(self.payment_calls(), [])
        self.assertEqual(len(self.xero_payments()), 1)
        self.assertFalse(self.sent_payments(invoice))

    def test_a_payment_sent_from_odoo_is_never_recorded_again(self):
        invoice = self.sent(self.move())
        self.register(invoice)
        self.run_push_cron()
        self.run_import_cron()
        odoo_payments = self.env["account.payment"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(odoo_payments), 1)
        self.assertFalse(self.env["xero.payment"].search([("move_id", "=", invoice.id)]))
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.xero_status, "PAID")

    def test_a_euro_payment_books_odoos_amount_in_pounds(self):
        eur = self.euro(1.15)
        invoice = self.sent(self.move(currency_id=eur.id))
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "company_id": self.env.company.id,
                "name": "2026-11-24",
                "rate": 1.1,
            }
        )
        payment = self.register(invoice, currency_id=eur.id)
        self.run_push_cron()
        [held] = self.xero_payments()
        self.assertEqual(held["Amount"], invoice.amount_total)
        odoo_pounds = abs(
            payment.move_id.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).balance
        )
        self.assertAlmostEqual(held["BankAmount"], odoo_pounds, places=2)
        self.assertAlmostEqual(held["CurrencyRate"], 1.1, places=4)

    def test_where_payments_go_is_the_companys_choice(self):
        invoice = self.sent(self.move())
        self.connection.payment_flow = "from_xero"
        self.register(invoice)
        self.run_push_cron()
        self.assertEqual(self.xero_payments(), [])
        self.connection.payment_flow = "both"
        other = self.sent(self.move())
        self.register(other)
        self.run_push_cron()
        [held] = self.xero_payments()
        self.assertEqual(held["Invoice"]["InvoiceID"], other.xero_id)

    def test_a_payment_xero_refuses_is_an_error_on_it_and_on_the_document(self):
        invoice = self.sent(self.move())
        self.connection.payment_flow = "to_xero"
        self.pay_in_xero(invoice, 300)  # paid in part in Xero, not imported
        self.register(invoice)
        self.run_push_cron()
        [sent] = self.sent_payments(invoice)
        self.assertEqual(sent.xero_state, "error")
        self.assertIn("Payment amount exceeds the amount outstanding", sent.xero_error)
        self.assertTrue(any("did not reach Xero" in (m.body or "") for m in invoice.message_ids))
        self.assertEqual(len(self.xero_payments()), 1)

    def test_a_journal_mapped_to_no_xero_account_says_so(self):
        invoice = self.sent(self.move())
        self.bank_journal.xero_bank_account_id = False
        self.register(invoice)
        self.run_push_cron()
        [sent] = self.sent_payments(invoice)
        self.assertEqual(sent.xero_state, "error")
        self.assertIn("is mapped to no Xero account", sent.xero_error)
        self.assertEqual(self.xero_payments(), [])

    def test_a_lost_answer_is_found_in_xero_not_sent_twice(self):
        invoice = self.sent(self.move())
        self.register(invoice)
        self.sandbox.add_fault(kind="drop_after_write", method="PUT", path="^/Payments$", times=1)
        self.run_push_cron()
        [sent] = self.sent_payments(invoice)
        self.assertEqual((sent.xero_state, sent.xero_id), ("pending", False))
        self.assertTrue(sent.xero_lost_batch)
        # Long after: Xero has forgotten the idempotency key.
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})
        self.run_push_cron()
        [held] = self.xero_payments()
        self.assertEqual((sent.xero_state, sent.xero_id), ("synced", held["PaymentID"]))

    def test_a_crash_after_the_write_is_found_in_xero_by_the_claim(self):
        first, second = self.sent(self.move(), self.move())
        self.register(first, second, group=False)
        self.sandbox.add_fault(kind="drop_after_write", method="PUT", path="^/Payments$", times=1)
        self.run_push_cron()
        self.assertEqual(len(self.live_xero_payments()), 2, "Xero took them")
        sent = self.sent_payments(first) | self.sent_payments(second)
        # As after a crash, long after Xero forgot the Idempotency-Key: only the claims say
        # the write may have happened.
        sent._xero_write({"xero_lost_batch": False})
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})
        self.run_push_cron()
        self.assertEqual(len(self.live_xero_payments()), 2)
        self.assertEqual(set(sent.mapped("xero_state")), {"synced"})
        self.assertEqual(
            set(sent.mapped("xero_id")), {p["PaymentID"] for p in self.live_xero_payments()}
        )

    def paid_losing_the_answer(self):
        """An invoice paid 100 in Odoo, the payment's write taken by Xero, its answer lost."""
        invoice = self.sent(self.move())
        self.register(invoice, amount=100)
        self.sandbox.add_fault(kind="drop_after_write", method="PUT", path="^/Payments$", times=1)
        self.run_push_cron()
        [sent] = self.sent_payments(invoice)
        self.assertFalse(sent.xero_id)
        return invoice, sent

    def test_an_import_between_a_lost_answer_and_the_retry_records_nothing_twice(self):
        invoice, sent = self.paid_losing_the_answer()
        self.run_import_cron()
        [held] = self.live_xero_payments()
        self.assertEqual((sent.xero_state, sent.xero_id), ("synced", held["PaymentID"]))
        self.assertEqual(invoice.amount_residual, invoice.amount_total - 100)
        self.assertFalse(self.env["xero.payment"].search([]))
        self.run_push_cron()
        self.assertEqual(len(self.live_xero_payments()), 1)

    def test_a_payment_whose_answer_was_lost_is_adopted_from_what_xero_gives(self):
        """Xero's SDK gives amounts as Decimal: compared with Odoo's floats all the same."""
        _invoice, sent = self.paid_losing_the_answer()
        found = self.connection._client().get_page("Payments", 1, 100)
        other = copy.deepcopy(found[0])
        other.amount = Decimal("99.50")  # another payment, of the same reference
        adopted = self.env["xero.odoo.payment"]._adopt_written(self.connection, [other])
        self.assertEqual((adopted, sent.xero_id), (set(), False))
        adopted = self.env["xero.odoo.payment"]._adopt_written(self.connection, found)
        self.assertEqual(adopted, {str(found[0].payment_id)})
        self.assertEqual(sent.xero_id, str(found[0].payment_id))

    def set_lock_date(self, day):
        self.sandbox._call(
            "PUT",
            "/sandbox/tenants/%s/lock-dates" % self.tenant["tenantId"],
            json={"PeriodLockDate": day},
        )

    def test_a_payment_on_a_document_not_approved_in_xero_waits_for_its_approval(self):
        self.connection.status_out_invoice = "DRAFT"
        invoice = self.sent(self.move())
        self.register(invoice)
        self.payment_calls()
        self.run_push_cron()
        [sent] = self.sent_payments(invoice)
        self.assertEqual((sent.xero_state, sent.xero_waiting), ("error", True))
        self.assertIn("not approved in Xero", sent.xero_error)
        self.assertEqual(self.payment_calls(), [])
        # The health dashboard counts it as waiting, not as an error to fix.
        health = self.connection.health_ids.filtered(lambda r: r.res_model == "xero.odoo.payment")
        self.assertEqual((health.waiting_count, health.error_count), (1, 0))
        self.sandbox.edit(
            self.tenant["tenantId"], "Invoices", invoice.xero_id, {"Status": "AUTHORISED"}
        )
        self.run_import_cron()
        self.run_push_cron()
        self.assertEqual((sent.xero_state, sent.xero_waiting), ("synced", False))
        self.assertEqual(self.held_for(invoice)["AmountDue"], 0)

    def test_a_changed_payment_waits_for_the_deletion_of_the_one_it_replaces(self):
        invoice = self.sent(self.move())
        payment = self.register(invoice, amount=100)
        self.run_push_cron()
        self.set_lock_date("2026-11-30")  # Xero refuses to delete a payment of the 25th
        payment.action_draft()
        payment.amount = 150
        payment.action_post()
        self.receivable(invoice, payment.move_id).reconcile()
        self.run_push_cron()
        [live] = self.live_xero_payments()
        self.assertEqual(live["Amount"], 100, "Xero never holds both")
        replaced, new = self.sent_payments(invoice).sorted("id")
        self.assertEqual((replaced.active, replaced.xero_state), (False, "error"))
        self.assertEqual((new.xero_state, new.xero_waiting), ("error", True))
        self.assertIn("Waiting for Xero to delete", new.xero_error)
        # The lock date moved back and the deletion sent again: the new payment follows.
        self.set_lock_date(None)
        replaced.action_xero_sync()
        self.run_push_cron()
        [live] = self.live_xero_payments()
        self.assertEqual(live["Amount"], 150)
        self.assertEqual(new.xero_state, "synced")

    def test_a_payment_with_a_write_off_is_refused_with_what_to_do(self):
        invoice = self.sent(self.move())
        discount = self.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", self.env.company.id)], limit=1
        )
        self.register(
            invoice,
            amount=invoice.amount_total - 20,
            payment_difference_handling="reconcile",
            writeoff_account_id=discount.id,
            writeoff_label="Early payment discount",
        )
        self.assertEqual(invoice.payment_state, "paid")
        self.run_push_cron()
        [sent] = self.sent_payments(invoice)
        self.assertEqual(sent.xero_state, "error")
        self.assertIn("a Xero payment is the money received or paid only", sent.xero_error)
        self.assertEqual(self.xero_payments(), [])

    def test_a_payment_deleted_in_xero_too_is_settled_by_its_deletion(self):
        invoice = self.sent(self.move())
        payment = self.register(invoice)
        self.run_push_cron()
        self.delete_xero_payments_of(invoice)
        payment.action_draft()
        self.run_push_cron()
        [sent] = self.sent_payments(invoice)
        self.assertEqual((sent.active, sent.xero_state, sent.xero_error), (False, "synced", False))

    def receivable(self, *moves):
        return (
            self.env["account.move"]
            .union(*moves)
            .line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        )

    def test_a_credit_note_reconciled_in_odoo_is_allocated_in_xero(self):
        invoice = self.sent(self.move())
        refund = self.sent(self.move("out_refund", lines=[{"name": "Refund", "price_unit": 100}]))
        self.receivable(invoice, refund).reconcile()
        self.payment_calls()
        self.run_push_cron()
        self.assertEqual(self.payment_calls(), [])  # an allocation is no payment
        held_refund = self.held_for(refund)
        self.assertEqual(held_refund["RemainingCredit"], 0)
        [allocation] = held_refund["Allocations"]
        self.assertEqual(allocation["Invoice"]["InvoiceID"], invoice.xero_id)
        self.assertEqual(allocation["Amount"], refund.amount_total)
        self.assertEqual(
            self.held_for(invoice)["AmountDue"], invoice.amount_total - refund.amount_total
        )
        [sent] = self.sent_payments(refund)
        self.assertEqual((sent.kind, sent.xero_state), ("allocation", "synced"))
        self.assertEqual(sent.xero_id, allocation["AllocationID"])
        # Unreconciled in Odoo: removed in Xero.
        self.receivable(refund).remove_move_reconcile()
        self.run_push_cron()
        self.assertEqual(self.held_for(refund)["RemainingCredit"], refund.amount_total)
        self.assertEqual(self.held_for(invoice)["AmountDue"], invoice.amount_total)
        self.assertFalse(sent.active)

    def test_an_allocation_made_in_xero_is_never_sent_back(self):
        invoice = self.sent(self.move())
        refund = self.sent(self.move("out_refund", lines=[{"name": "Refund", "price_unit": 100}]))
        self.allocate_in_xero(refund, invoice, refund.amount_total)
        self.run_import_cron()
        self.assertEqual(refund.payment_state, "paid")
        self.run_push_cron()
        self.assertEqual(len(self.held_for(refund)["Allocations"]), 1)
        self.assertFalse(self.sent_payments(refund))
        self.assertEqual(self.held_for(invoice)["AmountDue"], invoice.amount_total - 120)

    def test_a_journal_mapped_to_a_clearing_account_pays_through_it(self):
        """A business whose Xero bank feed brings in the same money maps the journal to an
        account that takes payments, not to the bank account: the bank line is then matched
        in Xero to a transfer from that account, and no payment is counted twice."""
        clearing = self.env["xero.account"].search(
            [("connection_id", "=", self.connection.id), ("code", "=", "615")]
        )
        self.assertTrue(clearing.takes_payments)
        self.bank_journal.xero_bank_account_id = clearing
        invoice = self.sent(self.move())
        self.register(invoice)
        self.run_push_cron()
        [held] = self.xero_payments()
        self.assertEqual(held["Account"]["Code"], "615")
        self.assertEqual(self.held_for(invoice)["AmountDue"], 0)

    def test_a_refund_paid_in_odoo_is_a_payment_on_the_credit_note_in_xero(self):
        refund = self.sent(self.move("out_refund", lines=[{"name": "Refund", "price_unit": 100}]))
        self.register(refund)
        self.run_push_cron()
        [held] = self.xero_payments()
        self.assertEqual(held["Invoice"]["InvoiceID"], refund.xero_id)  # Xero's way
        self.assertEqual(held["PaymentType"], "ARCREDITPAYMENT")
        self.assertEqual(held["Amount"], refund.amount_total)
        self.assertEqual(self.held_for(refund)["RemainingCredit"], 0)

    def test_a_cancelled_payment_is_deleted_in_xero_and_never_comes_back(self):
        """Cancelling resets the payment to draft and deletes its draft entry: Xero's
        payment is deleted all the same, once, and the import does not bring it back."""
        invoice = self.sent(self.move())
        payment = self.register(invoice)
        self.run_push_cron()
        [held] = self.live_xero_payments()
        payment.action_draft()
        payment.action_cancel()
        self.assertFalse(payment.move_id.exists())
        self.payment_calls()
        self.run_push_cron()
        self.run_push_cron()
        self.assertEqual(self.payment_calls(), ["POST /Payments/%s" % held["PaymentID"]])
        self.assertEqual(self.live_xero_payments(), [])
        self.assertEqual(self.held_for(invoice)["AmountDue"], invoice.amount_total)
        [sent] = self.sent_payments(invoice)
        self.assertEqual((sent.active, sent.xero_state), (False, "synced"))
        self.assertIn(payment.name, sent.display_name)
        self.run_import_cron()
        self.assertEqual(invoice.amount_residual, invoice.amount_total)
        self.assertFalse(self.env["account.payment"].search([("xero_id", "!=", False)]))

    def test_a_payment_cancelled_before_the_push_never_reaches_xero(self):
        invoice = self.sent(self.move())
        payment = self.register(invoice)
        payment.action_draft()
        payment.action_cancel()
        self.run_push_cron()
        self.assertEqual(self.xero_payments(), [])
        self.assertFalse(self.sent_payments(invoice))

    def test_a_deletion_goes_once(self):
        invoice = self.sent(self.move())
        payment = self.register(invoice)
        self.run_push_cron()
        [held] = self.live_xero_payments()
        payment.action_draft()
        self.payment_calls()
        for _run in range(3):
            self.run_push_cron()
        self.assertEqual(self.payment_calls(), ["POST /Payments/%s" % held["PaymentID"]])

    def test_xeros_payment_of_the_rest_is_recorded_after_an_odoo_part_payment(self):
        invoice = self.sent(self.move())
        self.register(invoice, amount=100)
        self.run_push_cron()
        self.pay_in_xero(invoice, invoice.amount_total - 100)
        self.run_import_cron()
        self.assertEqual(invoice.amount_residual, 0)
        self.assertEqual(self.held_for(invoice)["AmountDue"], 0)
        [recorded] = self.env["xero.payment"].search([("move_id", "=", invoice.id)])
        self.assertEqual(recorded.state, "recorded")

    def test_a_payment_of_several_documents_goes_whole_or_not_at_all(self):
        first, second, third = self.sent(self.move(), self.move(), self.move())
        self.connection.payment_flow = "to_xero"
        self.pay_in_xero(second, 300)  # Xero then refuses the full amount on it
        payment = self.register(first, second, third)
        self.run_push_cron()
        self.run_push_cron()
        self.assertEqual(self.live_xero_payments()[0]["Invoice"]["InvoiceID"], second.xero_id)
        self.assertEqual(len(self.live_xero_payments()), 1)  # Xero's own only
        for document in (first, third):
            self.assertEqual(self.held_for(document)["AmountDue"], document.amount_total)
        waiting = self.env["xero.odoo.payment"].search([("money_move_id", "=", payment.move_id.id)])
        self.assertEqual(len(waiting), 3)
        self.assertEqual(set(waiting.mapped("xero_state")), {"error"})
        for part in waiting - self.sent_payments(second):
            self.assertIn("whole or not at all", part.xero_error)
        self.assertTrue(any("did not reach Xero" in (m.body or "") for m in payment.message_ids))
        # Fixed in Xero (its payment deleted), one part sent again takes the others along.
        self.connection.payment_flow = "both"
        self.delete_xero_payments_of(second)
        self.sent_payments(second).filtered("active").action_xero_sync()
        self.run_push_cron()
        self.assertEqual(set(waiting.mapped("xero_state")), {"synced"})
        for document in (first, second, third):
            self.assertEqual(self.held_for(document)["AmountDue"], 0)

    def delete_xero_payments_of(self, document):
        """The document's live payments deleted in Xero."""
        accounting = self.connection._client().accounting
        for payment in self.held("Payments"):
            if (
                payment.get("Invoice", {}).get("InvoiceID") == document.xero_id
                and payment["Status"] == "AUTHORISED"
            ):
                accounting.delete_payment(
                    self.tenant["tenantId"], payment["PaymentID"], PaymentDelete(status="DELETED")
                )
