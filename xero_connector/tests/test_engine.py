# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sync engine as documents will ride it: one sendable domain, dependencies first,
removals, one Xero object per Odoo record, rows locked elsewhere, and what it costs."""

import logging
import threading
from unittest.mock import patch

from psycopg2.errors import CheckViolation

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..locking import lock_quietly
from ..models import xero_sync_mixin
from ..xero_client.mappings.contact import MAX_CONTACT_PERSONS
from .common import XeroCase
from .test_mapping import MappingCase
from .test_token_race import CommittedWorkersCase


def queries_to_send_new_partners(case, size):
    """SQL queries to send a batch of ``size`` partners new to Xero."""
    partners = case.env["res.partner"].create(
        [{"name": "Batch %d partner %03d" % (size, i), "is_company": True} for i in range(size)]
    )
    partners._xero_write({"xero_state": "pending"})
    case.env.flush_all()
    case.env.invalidate_all()
    before = case.env.cr.sql_log_count
    partners._xero_send_all(case.connection)
    case.env.flush_all()
    case.assertEqual(set(partners.mapped("xero_state")), {"synced"})
    return case.env.cr.sql_log_count - before


def xero_says_calls_left(connection, left):
    """An answer of Xero's, now, saying ``left`` of the day's calls are left."""
    connection.env["xero.call"]._note(
        connection, "get_invoices", 200, 10, {"X-DayLimit-Remaining": left}
    )


def requests_log(sandbox):
    return sandbox._call("GET", "/sandbox/requests")


@tagged("post_install", "-at_install")
class TestEngine(XeroCase):
    def test_a_partner_that_became_a_child_is_not_sent_again_by_the_cron(self):
        parent, child = self.partners(2)
        (parent | child).action_xero_sync()
        child.write({"parent_id": parent.id, "type": "contact"})
        child.email = "changed@example.com"  # a synced field: would make it pending
        self.run_push_cron()
        self.assertNotEqual(child.xero_state, "pending")
        held = {c["ContactID"]: c for c in self.held_contacts()}
        self.assertEqual(len(held), 2, "no new stand-alone contact")
        self.assertNotEqual(held[child.xero_id].get("EmailAddress"), "changed@example.com")
        persons = held[parent.xero_id].get("ContactPersons") or []
        self.assertIn("changed@example.com", [p.get("EmailAddress") for p in persons])

    def test_a_lost_answer_is_replayed_by_its_idempotency_key_even_with_matching_off(self):
        partners = self.partners(3)
        self.sandbox.add_fault(kind="drop_after_write", method="POST", path="/Contacts", times=1)
        partner_class = type(self.env["res.partner"])
        no_matching = patch.object(
            partner_class, "_xero_link_existing", lambda records, c, p: (records.browse(), {})
        )
        with no_matching:
            partners.action_xero_sync()
            self.assertEqual(set(partners.mapped("xero_state")), {"pending"})
            self.run_push_cron()
        self.assertEqual(set(partners.mapped("xero_state")), {"synced"})
        writes = [r for r in requests_log(self.sandbox) if r["method"] == "POST"]
        self.assertEqual(len(writes), 2)
        self.assertEqual(writes[0]["idempotency_key"], writes[1]["idempotency_key"])
        self.assertTrue(writes[1].get("replayed"), "Xero answered the retry from its cache")
        held = self.held_contacts()
        self.assertEqual(len(held), 3)
        self.assertEqual({c["ContactID"] for c in held}, set(partners.mapped("xero_id")))

    def test_a_lost_batch_goes_again_as_it_was_whatever_else_is_pending(self):
        lost = self.partners(3)
        self.sandbox.add_fault(kind="drop_after_write", method="POST", path="/Contacts", times=1)
        lost.action_xero_sync()
        later = self.env["res.partner"].create(
            [{"name": "Later %d" % i, "is_company": True} for i in range(2)]
        )
        later._xero_write({"xero_state": "pending"})
        partner_class = type(self.env["res.partner"])
        with patch.object(
            partner_class, "_xero_link_existing", lambda records, c, p: (records.browse(), {})
        ):
            self.run_push_cron()
        writes = [r for r in requests_log(self.sandbox) if r["method"] == "POST"]
        self.assertEqual(len(writes), 3)
        self.assertEqual(writes[1]["idempotency_key"], writes[0]["idempotency_key"])
        self.assertTrue(writes[1].get("replayed"))
        self.assertEqual(set((lost | later).mapped("xero_state")), {"synced"})
        self.assertEqual(len(self.held_contacts()), 5)
        self.assertFalse(any(lost.mapped("xero_lost_batch")))

    def test_a_retry_after_xero_forgot_the_key_still_makes_no_second_contact(self):
        """Xero keeps idempotency keys for minutes: a retry after a long outage is a new
        request. Contacts are safe all the same (Xero matches them by name)."""
        partners = self.partners(3)
        self.sandbox.add_fault(kind="drop_after_write", method="POST", path="/Contacts", times=1)
        partners.action_xero_sync()
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})
        self.run_push_cron()
        writes = [r for r in requests_log(self.sandbox) if r["method"] == "POST"]
        self.assertFalse(writes[-1].get("replayed"), "the key was forgotten")
        self.assertEqual(set(partners.mapped("xero_state")), {"synced"})
        held = self.held_contacts()
        self.assertEqual(len(held), 3)
        self.assertEqual({c["ContactID"] for c in held}, set(partners.mapped("xero_id")))

    def test_a_refusal_that_is_not_a_deletion_keeps_the_link(self):
        partner = self.partners(1)
        partner.action_xero_sync()
        xero_id = partner.xero_id
        partner.email = "not-an-email"
        self.run_push_cron()
        self.assertEqual(partner.xero_state, "error")
        self.assertEqual(partner.xero_id, xero_id, "the contact still exists in Xero")

    def test_a_deletion_is_confirmed_by_a_get_before_the_link_is_dropped(self):
        partner = self.partners(1)
        partner.action_xero_sync()
        gone = "0b5c4fd8-1f49-4a4e-9d1e-5a3f4c2b1a00"
        partner._xero_write({"xero_id": gone})
        partner.email = "still@here.example"
        self.run_push_cron()
        self.assertFalse(partner.xero_id)
        gets = [
            r
            for r in requests_log(self.sandbox)
            if r["method"] == "GET" and r["path"].lower().endswith(gone)
        ]
        self.assertEqual(len(gets), 1, "one GET by ID confirmed it")

    def test_two_partners_whose_names_differ_by_case_never_share_a_contact(self):
        first = self.env["res.partner"].create(
            {"name": "Delta Traders", "is_company": True, "email": "one@delta.example"}
        )
        first.action_xero_sync()
        second = self.env["res.partner"].create(
            {"name": "delta traders", "is_company": True, "email": "two@delta.example"}
        )
        second.action_xero_sync()
        self.assertEqual(second.xero_state, "error")
        self.assertFalse(second.xero_id)
        self.assertIn("unique", second.xero_error)
        self.assertIn("Delta Traders", second.xero_error)
        [held] = self.held_contacts()
        self.assertEqual(
            (held["Name"], held["EmailAddress"]), ("Delta Traders", "one@delta.example")
        )

    def test_a_partner_xero_refused_does_not_keep_its_name_from_another(self):
        refused = self.env["res.partner"].create(
            {"name": "Kilo Ltd", "is_company": True, "email": "not-an-email"}
        )
        refused.action_xero_sync()
        self.assertEqual(refused.xero_state, "error")
        other = self.env["res.partner"].create({"name": "KILO LTD", "is_company": True})
        other.action_xero_sync()
        self.assertEqual(other.xero_state, "synced", other.xero_error)

    def test_two_partners_whose_names_differ_by_case_in_one_batch(self):
        both = self.env["res.partner"].create(
            [
                {"name": "Echo Supplies", "is_company": True, "email": "one@echo.example"},
                {"name": "ECHO supplies", "is_company": True, "email": "two@echo.example"},
            ]
        )
        both.action_xero_sync()
        self.assertEqual(both.mapped("xero_state"), ["synced", "error"])
        self.assertEqual(len(set(both.mapped("xero_id")) - {False}), 1)
        [held] = self.held_contacts()
        self.assertEqual(held["EmailAddress"], "one@echo.example")

    def test_contact_persons_beyond_five_are_named_on_the_record_and_in_the_log(self):
        company = self.partners(1)
        self.env["res.partner"].create(
            [
                {"name": "Person %s" % letter, "parent_id": company.id, "type": "contact"}
                for letter in "GFEDCBA"
            ]
        )
        company.action_xero_sync()
        self.assertEqual(company.xero_state, "synced")
        [held] = self.held_contacts()
        kept = [p["LastName"] for p in held["ContactPersons"]]
        self.assertEqual(kept, list("ABCDE")[:MAX_CONTACT_PERSONS])
        self.assertIn("Person F", company.xero_warning)
        self.assertIn("Person G", company.xero_warning)
        log = self.env["xero.sync.log"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", company.id)]
        )
        self.assertIn("Person G", log.message)

    def test_rows_locked_by_another_worker_are_skipped_not_waited_for(self):
        partners = self.partners(60)
        partners._xero_write({"xero_state": "pending"})
        held_elsewhere = partners[:50]

        def another_worker_holds_the_first_50(records):
            if records._name == "res.partner":
                records -= held_elsewhere
            return lock_quietly(records)

        with patch.object(xero_sync_mixin, "lock_quietly", another_worker_holds_the_first_50):
            self.run_push_cron()
        self.assertEqual(set((partners - held_elsewhere).mapped("xero_state")), {"synced"})
        self.assertEqual(set(held_elsewhere.mapped("xero_state")), {"pending"})

    def test_a_company_without_a_connection_says_why_its_records_wait(self):
        other = self.env["res.company"].create({"name": "Unconnected Ltd"})
        partner = self.env["res.partner"].create(
            {"name": "Waiting Ltd", "is_company": True, "company_id": other.id}
        )
        self.env.user.company_ids |= other
        partner.with_company(other).with_context(allowed_company_ids=[other.id]).action_xero_sync()
        partner = partner.with_company(other)
        self.assertEqual(partner.xero_state, "pending")
        self.assertIn("not connected to Xero", partner.xero_error)
        self.assertIn("Unconnected Ltd", partner.xero_error)

    def test_the_import_does_not_overwrite_a_partner_in_error(self):
        partner = self.partners(1)
        partner.action_xero_sync()
        self.sandbox.edit(
            self.tenant["tenantId"], "contacts", partner.xero_id, {"Name": "Renamed in Xero"}
        )
        partner.write({"email": "not-an-email", "phone": "01234 567890"})
        self.run_push_cron()
        self.assertEqual(partner.xero_state, "error")
        self.connection.action_import_contacts()
        self.assertEqual(partner.name, "Partner 000", "Odoo's unsent edits are kept")
        self.assertEqual(partner.phone, "01234 567890")

    def test_deleting_a_synced_partner_archives_its_xero_contact(self):
        keep, drop = self.partners(2)
        (keep | drop).action_xero_sync()
        xero_id = drop.xero_id
        drop.unlink()
        self.run_push_cron()
        held = {c["ContactID"]: c for c in self.held_contacts()}
        self.assertEqual(held[xero_id]["ContactStatus"], "ARCHIVED")
        self.assertEqual(held[keep.xero_id]["ContactStatus"], "ACTIVE")
        removal = self.env["xero.removal"].search([("xero_id", "=", xero_id)])
        self.assertEqual(removal.state, "done")
        self.run_push_cron()
        self.assertEqual(self.sandbox.calls().get("POST Contacts"), 2, "archived once")

    def test_a_deleted_partner_is_not_brought_back_by_the_import(self):
        drop = self.partners(1)
        drop.action_xero_sync()
        xero_id = drop.xero_id
        drop.unlink()
        self.run_push_cron()
        self.connection.action_import_contacts()
        back = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("xero_id", "=", xero_id)])
        )
        self.assertFalse(back)

    def test_a_new_partner_named_like_a_deleted_one_takes_its_contact_back(self):
        drop = self.partners(1)
        drop.action_xero_sync()
        xero_id = drop.xero_id
        drop.unlink()
        again = self.env["res.partner"].create({"name": "Partner 000", "is_company": True})
        again.action_xero_sync()
        self.run_push_cron()
        self.assertEqual(again.xero_id, xero_id)
        [held] = self.held_contacts()
        self.assertEqual(held["ContactStatus"], "ACTIVE", "the pending archive was cancelled")

    def test_a_pending_partner_that_becomes_a_child_stops_waiting(self):
        parent, child = self.partners(2)
        parent.action_xero_sync()
        child._xero_write({"xero_state": "pending"})
        child.write({"parent_id": parent.id, "type": "contact"})
        self.assertEqual(child.xero_state, "not_synced")
        self.assertEqual(parent.xero_state, "pending", "the parent carries it as a person")

    def test_deleting_a_contact_person_updates_its_company_in_xero(self):
        company = self.partners(1)
        person = self.env["res.partner"].create(
            {"name": "Ann Lee", "parent_id": company.id, "type": "contact"}
        )
        company.action_xero_sync()
        person.unlink()
        self.assertEqual(company.xero_state, "pending")
        self.run_push_cron()
        [held] = self.held_contacts()
        self.assertFalse(held.get("ContactPersons"))

    def test_a_send_request_makes_sendable_records_pending_at_a_new_revision(self):
        """The hook a posting or a reset to draft calls."""
        parent, child = self.partners(2)
        (parent | child).action_xero_sync()
        child.write({"parent_id": parent.id, "type": "contact"})
        parent._xero_request_removal()
        revision = parent.xero_revision
        (parent | child)._xero_request_send()
        self.assertEqual((parent.xero_state, parent.xero_operation), ("pending", "upsert"))
        self.assertGreater(parent.xero_revision, revision)
        self.assertNotEqual(child.xero_state, "pending", "a contact person is not sent alone")
        self.run_push_cron()
        self.assertEqual(parent.xero_state, "synced")
        held = {c["ContactID"]: c for c in self.held_contacts()}
        self.assertEqual(held[parent.xero_id]["ContactStatus"], "ACTIVE")

    def test_a_removal_request_archives_in_xero_then_sends_normally_again(self):
        partner = self.partners(1)
        partner.action_xero_sync()
        partner._xero_request_removal()
        self.assertEqual((partner.xero_state, partner.xero_operation), ("pending", "remove"))
        self.run_push_cron()
        [held] = self.held_contacts()
        self.assertEqual(held["ContactStatus"], "ARCHIVED")
        self.assertEqual((partner.xero_state, partner.xero_operation), ("synced", "upsert"))
        self.assertTrue(partner.active, "Odoo's record is untouched")
        log = self.env["xero.sync.log"].search([("res_id", "=", partner.id)], limit=1)
        self.assertEqual(log.operation, "remove")
        never_sent = self.env["res.partner"].create({"name": "Never sent", "is_company": True})
        never_sent._xero_request_removal()
        self.assertEqual(never_sent.xero_state, "not_synced")

    def test_imports_stop_when_few_calls_are_left_today(self):
        self.env["res.partner"].create({"name": "Anyone", "is_company": True}).action_xero_sync()
        self.sandbox._call("DELETE", "/sandbox/requests")
        xero_says_calls_left(self.connection, 150)
        self.env["xero.connection"]._cron_import()
        self.assertFalse([r for r in requests_log(self.sandbox) if r["method"] == "GET"])
        log = self.env["xero.sync.log"].search([("operation", "=", "import")], limit=1)
        self.assertIn("150", log.message)
        xero_says_calls_left(self.connection, 900)
        self.env["xero.connection"]._cron_import()
        self.assertTrue([r for r in requests_log(self.sandbox) if r["method"] == "GET"])

    def test_the_plans_daily_calls_are_a_setting_the_reserve_and_shares_follow(self):
        self.assertEqual(self.connection.day_call_limit, 1000, "Xero's Starter plan")
        self.env["res.partner"].create({"name": "Anyone", "is_company": True}).action_xero_sync()
        settings = self.env["res.config.settings"].create({"xero_day_call_limit": 5000})
        settings.execute()
        self.assertEqual(self.connection.day_call_limit, 5000)
        # 900 left of 5,000: below a fifth, the import waits; of 1,000 it would go on.
        self.sandbox._call("DELETE", "/sandbox/requests")
        xero_says_calls_left(self.connection, 900)
        self.env["xero.connection"]._cron_import()
        self.assertFalse([r for r in requests_log(self.sandbox) if r["method"] == "GET"])
        # Until Xero says how many are left today, the notes and files' share is of the plan's
        # less the calls Odoo made today.
        self.env.flush_all()
        self.env.cr.execute("UPDATE xero_call SET day_calls_left = NULL")
        self.connection.sudo().write({"followup_window_start": False})
        made = self.env["xero.call"].search_count([("connection_id", "=", self.connection.id)])
        self.assertGreater(made, 0)
        self.assertEqual(self.connection._followup_calls_left(), (5000 - made) * 20 // 100)
        with mute_logger("odoo.sql_db"), self.assertRaises(CheckViolation), self.cr.savepoint():
            self.connection.day_call_limit = 0
            self.connection.flush_recordset()

    def test_calls_left_today_are_remembered_from_xero_answers(self):
        self.partners(1).action_xero_sync()
        self.env.invalidate_all()
        self.assertGreater(self.connection.xero_day_calls_left, 0)
        self.assertEqual(self.connection.calls_left_today, self.connection.xero_day_calls_left)


@tagged("post_install", "-at_install")
class TestDependencies(MappingCase):
    """Products made to depend on their vendors, as documents depend on their contact."""

    def setUp(self):
        super().setUp()
        self.open_wizard()
        self.map_accounts()
        product_class = type(self.env["product.product"])
        for name, value in (
            ("_xero_depends_on", ("res.partner",)),
            ("_xero_dependencies", lambda records, c: [records.seller_ids.partner_id]),
        ):
            patcher = patch.object(product_class, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)

    def products(self, vendors):
        return self.env["product.product"].create(
            [
                {
                    "name": "Widget %d" % i,
                    "default_code": "W-%03d" % i,
                    "seller_ids": [(0, 0, {"partner_id": vendor.id})],
                    "taxes_id": False,
                    "supplier_taxes_id": False,
                }
                for i, vendor in enumerate(vendors)
            ]
        )

    def test_missing_contacts_go_first_in_one_batch_then_the_items(self):
        vendors = self.partners(3)
        products = self.products(vendors)
        self.sandbox._call("DELETE", "/sandbox/requests")
        products.action_xero_sync()
        self.assertEqual(set(products.mapped("xero_state")), {"synced"})
        self.assertEqual(set(vendors.mapped("xero_state")), {"synced"})
        writes = [
            r["path"].rsplit("/", 1)[-1]
            for r in requests_log(self.sandbox)
            if r["method"] == "POST"
        ]
        self.assertEqual(writes, ["Contacts", "Items"])

    def test_a_dependency_that_cannot_go_on_its_own_is_not_sent(self):
        parent = self.partners(1)
        person = self.env["res.partner"].create(
            {"name": "Vendor Person", "parent_id": parent.id, "type": "contact"}
        )
        other = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        foreign = self.env["res.partner"].create(
            {"name": "Foreign Vendor", "is_company": True, "company_id": other.id}
        )
        products = self.products(person | foreign)
        products.action_xero_sync()
        self.assertEqual(set(products.mapped("xero_state")), {"pending"})
        self.assertIn("not sent to Xero on its own", products[0].xero_error)
        self.assertIn("Elsewhere Ltd", products[1].xero_error)
        self.assertFalse(self.held_contacts())

    def test_a_dependency_that_fails_leaves_the_record_pending_and_says_which(self):
        good, bad = self.partners(2)
        bad.email = "not-an-email"
        products = self.products(good | bad)
        products.action_xero_sync()
        self.assertEqual(products[0].xero_state, "synced")
        self.assertEqual(products[1].xero_state, "pending")
        self.assertIn(bad.name, products[1].xero_error)
        self.assertIn("Email address", products[1].xero_error)
        self.assertEqual(self.env["xero.connection"]._synced_models()[0], "res.partner")


@tagged("post_install", "-at_install")
class TestCosts(XeroCase):
    def test_new_partners_cost_their_writes_and_one_refresh(self):
        partners = self.partners(200)
        self.sandbox._call("DELETE", "/sandbox/requests")
        partners.action_xero_sync()
        self.run_push_cron()
        self.assertEqual(set(partners.mapped("xero_state")), {"synced"})
        calls = self.sandbox.calls()
        self.assertEqual(calls.get("POST Contacts"), 4)
        self.assertLessEqual(calls.get("GET Contacts", 0), 1, calls)

    def test_sql_queries_per_batch_do_not_grow_with_the_batch(self):
        counts = {size: queries_to_send_new_partners(self, size) for size in (10, 50)}
        logging.getLogger(__name__).info("SQL queries per batch: %s", counts)
        self.assertLessEqual(counts[50], counts[10] + 5, counts)

    def test_items_import_links_only_products_of_its_own_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        theirs = self.env["product.product"].create(
            {"name": "Their widget", "default_code": "SHARED-1", "company_id": other.id}
        )
        ours = self.env["product.product"].create(
            {"name": "Our widget", "default_code": "SHARED-1", "company_id": self.env.company.id}
        )
        client = self.connection._client()
        from xero_python.accounting import Item

        client.save("Items", [Item(code="SHARED-1", name="Xero widget")], "item-shared")
        self.env["product.product"].sudo()._xero_import_items(self.connection)
        self.assertEqual(theirs.name, "Their widget")
        self.assertFalse(theirs.with_company(other).xero_id)
        self.assertEqual(ours.name, "Xero widget")
        self.assertTrue(ours.xero_id)


@tagged("post_install", "-at_install")
class TestTwoCompanies(XeroCase):
    """A partner shared by two companies, each connected to its own organisation."""

    def setUp(self):
        super().setUp()
        self.company_uk = self.env.company
        self.company_au = self.env["res.company"].create({"name": "Aussie Pty"})
        self.env.ref("base.user_admin").company_ids |= self.company_au
        self.env.user.company_ids |= self.company_au
        uk_connection, uk_tenant = self.connection, self.tenant
        self.connection = self._sandbox_connection(
            self.env["res.partner"].with_company(self.company_au).env
        )
        self.tenant = self.sandbox.tenant("AU")
        self.connect()
        self.au_connection, self.au_tenant = self.connection, self.tenant
        self.connection, self.tenant = uk_connection, uk_tenant
        self.assertEqual(self.au_connection.state, "connected")

    def shared_partner(self):
        partner = self.env["res.partner"].create({"name": "Shared Ltd", "is_company": True})
        partner.action_xero_sync()
        partner.with_company(self.company_au).action_xero_sync()
        return partner

    def test_each_company_keeps_its_own_link(self):
        partner = self.shared_partner()
        uk_id = partner.with_company(self.company_uk).xero_id
        au_id = partner.with_company(self.company_au).xero_id
        self.assertTrue(uk_id and au_id)
        self.assertNotEqual(uk_id, au_id)
        self.assertEqual(
            [c["ContactID"] for c in self.sandbox.held(self.au_tenant["tenantId"], "Contacts")],
            [au_id],
        )

    def test_a_change_goes_to_both_organisations_even_one_that_must_reconnect(self):
        partner = self.shared_partner()
        self.au_connection.sudo().write({"state": "needs_reconnect"})
        partner.email = "both@shared.example"
        self.assertEqual(partner.with_company(self.company_au).xero_state, "pending")
        self.assertEqual(partner.with_company(self.company_uk).xero_state, "pending")
        self.run_push_cron()
        self.assertEqual(partner.with_company(self.company_uk).xero_state, "synced")
        waiting = partner.with_company(self.company_au)
        self.assertEqual(waiting.xero_state, "pending")
        self.assertIn("Aussie Pty", waiting.xero_error)
        self.au_connection.sudo().write({"state": "connected"})
        self.run_push_cron()
        [held] = self.sandbox.held(self.au_tenant["tenantId"], "Contacts")
        self.assertEqual(held["EmailAddress"], "both@shared.example")

    def test_deleting_a_shared_partner_archives_it_in_both_organisations(self):
        partner = self.shared_partner()
        self.au_connection.sudo().write({"state": "needs_reconnect"})
        partner.unlink()
        self.run_push_cron()
        self.au_connection.sudo().write({"state": "connected"})
        self.run_push_cron()
        for tenant in (self.tenant, self.au_tenant):
            [held] = self.sandbox.held(tenant["tenantId"], "Contacts")
            self.assertEqual(held["ContactStatus"], "ARCHIVED", tenant["name"])


@tagged("post_install", "-at_install")
class TestSecondLineGuards(MappingCase):
    def test_two_records_answered_with_one_xero_object_link_only_the_first(self):
        """With matching switched off, Xero merges two new contacts named alike into one:
        the second partner is not linked to the first one's contact."""
        both = self.env["res.partner"].create(
            [
                {"name": "Foxtrot Ltd", "is_company": True},
                {"name": "FOXTROT LTD", "is_company": True},
            ]
        )
        partner_class = type(self.env["res.partner"])
        with (
            patch.object(
                partner_class, "_xero_link_existing", lambda records, c, p: (records.browse(), {})
            ),
            patch.object(partner_class, "_xero_claim_new", lambda records, c, r: {}),
        ):
            both.action_xero_sync()
        self.assertEqual(both.mapped("xero_state"), ["synced", "error"])
        self.assertIn("another record", both[1].xero_error)
        self.assertFalse(both[1].xero_id)

    def test_a_mapping_to_a_rate_archived_in_xero_stops_the_record(self):
        self.open_wizard()
        self.map_accounts()
        tax = self.tax("20% S", 20, "sale")
        rate = self.xero_rate("OUTPUT2")
        tax.xero_tax_rate_id = rate
        rate.active = False  # as a refresh of Xero's lists leaves it
        product = self.env["product.product"].create(
            {"name": "Hotel", "default_code": "HOTEL", "taxes_id": [(6, 0, tax.ids)]}
        )
        product.write({"supplier_taxes_id": False})
        product.action_xero_sync()
        self.assertEqual(product.xero_state, "error")
        self.assertIn("archived in Xero", product.xero_error)

    def test_two_products_with_one_code_in_a_batch(self):
        self.open_wizard()
        self.map_accounts()
        products = self.env["product.product"].create(
            [
                {"name": "Golf one", "default_code": "GOLF", "taxes_id": False},
                {"name": "Golf two", "default_code": "GOLF", "taxes_id": False},
            ]
        )
        products.write({"supplier_taxes_id": False})
        products.action_xero_sync()
        self.assertEqual(products.mapped("xero_state"), ["synced", "error"])
        self.assertIn("GOLF", products[1].xero_error)
        held = [
            i for i in self.sandbox.held(self.tenant["tenantId"], "Items") if i["Code"] == "GOLF"
        ]
        self.assertEqual([i["Name"] for i in held], ["Golf one"])


@tagged("post_install", "-at_install")
class TestConcurrentNames(CommittedWorkersCase):
    """Two workers, each in its own committed transaction, send partners whose names differ
    only by case: Xero would merge the second into the first."""

    def test_two_workers_never_put_two_partners_on_one_contact(self):
        with self.registry.cursor() as cr:
            partners = self._env(cr)["res.partner"].create(
                [
                    {"name": "Delta Traders", "is_company": True, "email": "one@delta.example"},
                    {"name": "delta traders", "is_company": True, "email": "two@delta.example"},
                ]
            )
            ids = partners.ids
        self.addCleanup(self._remove_partners, ids)

        def send(partner_id):
            def work(connection):
                partner = connection.env["res.partner"].browse(partner_id)
                partner._xero_write({"xero_state": "pending"})
                return partner._xero_send_all(connection)

            return work

        works = [send(ids[0]), send(ids[1])]
        outcomes = self._each_in_its_worker(works)
        self.assertEqual(outcomes, [[True], [True]], "neither worker failed")
        with self.registry.cursor() as cr:
            partners = self._env(cr)["res.partner"].browse(ids)
            linked = partners.filtered("xero_id")
            self.assertEqual(
                len(linked), 1, [(p.name, p.xero_state, p.xero_error) for p in partners]
            )
            refused_id = (partners - linked).id
        # The later worker may have found the index of contacts being read by the other: it
        # then left its partner waiting, for the next run.
        self._each_in_its_worker([send(refused_id)])
        with self.registry.cursor() as cr:
            partners = self._env(cr)["res.partner"].browse(ids)
            linked = partners.filtered("xero_id")
            self.assertEqual(len(linked), 1)
            refused = partners - linked
            self.assertEqual(refused.xero_state, "error")
            self.assertIn(linked.name, refused.xero_error)
            tenant = self.sandbox.tenant("GB")["tenantId"]
            [held] = self.sandbox.held(tenant, "Contacts")
            self.assertEqual(held["ContactID"], linked.xero_id)
            self.assertEqual(held["EmailAddress"], linked.email, "nobody else's details")
        writes = [r for r in requests_log(self.sandbox) if r["method"] == "POST"]
        self.assertEqual(
            len({r["idempotency_key"] for r in writes}), 1, "one partner was ever sent to Xero"
        )

    def _each_in_its_worker(self, works):
        """Run the works at once, each in its own transaction; one list of outcomes each (the
        work's result, then the commit's error if the commit failed)."""
        barrier = threading.Barrier(len(works))
        outcomes = [[] for _work in works]
        threads = [
            threading.Thread(target=self._in_own_transaction, args=(work, outcome, barrier))
            for work, outcome in zip(works, outcomes, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        return outcomes

    def _remove_partners(self, ids):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM res_partner WHERE id IN %s", (tuple(ids),))
