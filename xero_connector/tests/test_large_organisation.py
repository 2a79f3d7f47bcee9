# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The first push to an organisation of thousands of contacts: the index of its contacts is
read by the contacts import, page by page, each page once; a send never reads it from the
start. (The same in worker mode, timed against Odoo's limits: ``make workers``.)"""

import time
from collections import ChainMap

from odoo.tests import tagged
from odoo.tools import config

from odoo.addons.base.models.ir_cron import MIN_TIME_PER_JOB

from ..models.xero_sync_mixin import IMPORT_CHUNK
from ..xero_client.cron_pass import begin_job
from .common import XeroCase
from .test_engine import requests_log

CONTACTS = 2500
# Contacts changed at the same instant: a full page holds its last instant back for the next
# one, so a page of 1,000 brings 900 here: three pages in all.
CHUNK = 100
PAGES = 3
RUNS = 8


@tagged("post_install", "-at_install")
class TestFirstPushToALargeOrganisation(XeroCase):
    def setUp(self):
        super().setUp()
        tenant = self.tenant["tenantId"]
        for start in range(0, CONTACTS, CHUNK):
            self.sandbox._call(
                "POST",
                "/sandbox/tenants/%s/data/Contacts" % tenant,
                json={
                    "Contacts": [
                        {"Name": "Existing %05d" % n, "TaxNumber": "GB%09d" % n}
                        for n in range(start, start + CHUNK)
                    ]
                },
            )
            # Xero's users add contacts over time: changes a second apart or more.
            self.sandbox._call("POST", "/sandbox/clock", json={"advance": 5})
        self.sandbox._call("DELETE", "/sandbox/requests")

    def contact_pages_read(self):
        """Pages of the contacts import (not the balances of chosen contacts, by IDs)."""
        return sum(
            1
            for r in requests_log(self.sandbox)
            if (r["method"], r["path"]) == ("GET", "/Contacts") and "IDs=" not in r["query"]
        )

    def contacts_named(self, name):
        return [c for c in self.held_contacts() if c["Name"] == name]

    def test_a_press_reads_one_page_the_import_the_rest_and_the_push_sends(self):
        new = self.partners(3)
        # On the last page: linked by its tax number, not created again.
        known = self.env["res.partner"].create(
            {"name": "Existing Twenty-Four Hundred Ltd", "is_company": True, "vat": "GB000002400"}
        )
        pressed = new | known
        pressed.action_xero_sync()
        self.assertEqual(self.contact_pages_read(), 1, "a press reads one page of contacts")
        self.assertEqual(set(pressed.mapped("xero_state")), {"pending"})
        self.assertTrue(all(pressed.mapped("xero_waiting")))
        self.assertIn("first reading of the organisation's contacts", new[0].xero_error)
        self.assertEqual(len(self.held_contacts()), CONTACTS, "nothing created meanwhile")

        self.env["xero.connection"]._cron_import()
        self.assertEqual(self.contact_pages_read(), PAGES, "the import goes on from page 2")

        self.run_push_cron()
        self.assertEqual(self.contact_pages_read(), PAGES, "no page read twice")
        self.assertEqual(set(pressed.mapped("xero_state")), {"synced"})
        self.assertFalse(any(pressed.mapped("xero_waiting")))
        self.assertEqual(len(self.held_contacts()), CONTACTS + 3)
        for partner in new:
            self.assertEqual(len(self.contacts_named(partner.name)), 1)
        [same_tax] = [c for c in self.held_contacts() if c.get("TaxNumber") == "GB000002400"]
        self.assertEqual(known.xero_id, same_tax["ContactID"])

    def test_scheduled_runs_read_the_index_page_by_page_then_send(self):
        """Scheduled runs read the index a page at a time and commit each: the next run goes
        on from there, and the partners go once the index is whole. A run that stops inside a
        page for lack of time reads its rest again (the test below): here the time Odoo gives
        a cron worker is one no machine, however busy, uses up."""
        self.patch(config, "options", ChainMap({"limit_time_real_cron": 86400}, config.options))
        new = self.partners(2)
        new.write({"xero_state": "pending"})
        runs = 0
        while runs < RUNS and set(new.mapped("xero_state")) != {"synced"}:
            self.run_push_cron()
            self.env.ref("xero_connector.ir_cron_xero_import").method_direct_trigger()
            self.env.invalidate_all()
            runs += 1
        self.assertEqual(set(new.mapped("xero_state")), {"synced"}, "sent within %s runs" % RUNS)
        self.assertEqual(self.contact_pages_read(), PAGES, "each page read once")
        writes = [r for r in requests_log(self.sandbox) if r["method"] != "GET"]
        self.assertEqual(len(writes), 1, "both partners in one write")

    def test_a_page_that_would_outlast_its_run_stops_between_chunks(self):
        """A run that has used its share of the time Odoo gives a cron worker before killing
        it keeps what it imported and stops; the next run reads the rest of that page again."""
        partners = self.env["res.partner"].with_context(active_test=False)
        imported_before = partners.search_count([("xero_id", "!=", False)])
        late = {"cron_end_time": time.monotonic() - 1000}
        contacts = self.env["res.partner"].with_context(**late)
        contacts._xero_import_contacts(self.connection)
        cursor = self.connection._import_cursor("contacts")
        self.assertFalse(cursor.watermark, "not finished")
        self.assertEqual(self.contact_pages_read(), 1)
        self.assertEqual(
            partners.search_count([("xero_id", "!=", False)]) - imported_before, IMPORT_CHUNK
        )
        self.env["res.partner"]._xero_import_contacts(self.connection)
        self.assertTrue(cursor.watermark)
        self.assertEqual(
            partners.search_count([("xero_id", "!=", False)]) - imported_before, CONTACTS
        )
        self.assertEqual(
            len(set(partners.search([("xero_id", "!=", False)]).mapped("xero_id"))),
            partners.search_count([("xero_id", "!=", False)]),
            "each contact imported once",
        )


@tagged("post_install", "-at_install")
class TestContactsAddedInBulkInXero(XeroCase):
    """A CSV import in Xero: more contacts changed within one second than Xero's largest
    page, read by page numbers. A run that stops inside them goes on from the page it kept."""

    def setUp(self):
        super().setUp()
        tenant = self.tenant["tenantId"]
        # Stopped: the contacts are added within one instant, however slow the machine.
        self.sandbox._call("POST", "/sandbox/clock", json={"speed": 0})
        for start in range(0, CONTACTS, 500):
            self.sandbox._call(
                "POST",
                "/sandbox/tenants/%s/data/Contacts" % tenant,
                json={
                    "Contacts": [{"Name": "Imported %05d" % n} for n in range(start, start + 500)]
                },
            )
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 5, "speed": 1})
        self.sandbox._call("DELETE", "/sandbox/requests")

    def contact_pages_read(self):
        return [
            r["query"]
            for r in requests_log(self.sandbox)
            if (r["method"], r["path"]) == ("GET", "/Contacts") and "IDs=" not in r["query"]
        ]

    def test_a_press_reads_one_page_and_the_import_goes_on_from_it(self):
        new = self.partners(1)
        new.action_xero_sync()
        self.assertEqual(len(self.contact_pages_read()), 1, "a press reads one page")
        self.assertEqual(new.xero_state, "pending")

        self.env["xero.connection"]._cron_import()
        read = self.contact_pages_read()
        # The page that finds more than 1,000 changed within a second, then the window's
        # three pages in the order of their IDs, each once.
        self.assertEqual(len(read), 5, read)
        for number, query in enumerate(read[2:], start=1):
            self.assertIn("page=%d&" % number, query + "&")
            self.assertIn("order=ContactID", query)
        partners = self.env["res.partner"].with_context(active_test=False)
        imported = partners.search([("name", "=like", "Imported %")])
        self.assertEqual(len(imported), CONTACTS)
        self.assertEqual(len(set(imported.mapped("xero_id"))), CONTACTS)
        self.assertTrue(self.connection._import_cursor("contacts").watermark)

        self.run_push_cron()
        self.assertEqual(len(self.contact_pages_read()), 5, "the push reads no page")
        self.assertEqual(new.xero_state, "synced")
        self.assertEqual(len(self.held_contacts()), CONTACTS + 1)

    def test_a_run_stopped_inside_the_window_never_reads_it_from_its_start(self):
        partners = self.env["res.partner"]
        partners.with_context(xero_import_calls=2)._xero_import_contacts(self.connection)
        cursor = self.connection._import_cursor("contacts")
        self.assertEqual(cursor.resume.get("window_page"), 1)
        late = {"cron_end_time": time.monotonic() - 1000}
        partners.with_context(**late)._xero_import_contacts(self.connection)
        self.assertFalse(cursor.watermark, "stopped inside page 2")
        self.assertEqual(cursor.resume.get("window_page"), 1)
        partners._xero_import_contacts(self.connection)
        self.assertTrue(cursor.watermark)
        read = self.contact_pages_read()
        self.assertEqual(len(read), 5, read)
        for query in read[2:]:
            self.assertNotIn("page=1&", query + "&")
        everyone = partners.with_context(active_test=False)
        self.assertEqual(everyone.search_count([("name", "=like", "Imported %")]), CONTACTS)


@tagged("post_install", "-at_install")
class TestAPassOfTheCronWorker(XeroCase):
    """Odoo's cron worker runs every due job in one pass, killed as a whole at its limit: a
    job that comes late in the pass has less time than its own share. A worker process runs
    a pass's jobs with one cursor: a job of the next pass has its whole share."""

    def setUp(self):
        super().setUp()
        self.patch(config, "options", ChainMap({"limit_time_real_cron": 120}, config.options))
        self.imports = self.env.ref("xero_connector.ir_cron_xero_import")

    def spent(self, started_ago):
        job_start = time.monotonic() - started_ago
        job = self.env["res.partner"].with_context(cron_end_time=job_start + MIN_TIME_PER_JOB)
        return job._xero_run_share_spent()

    def calls_of_import_run(self, pass_cursor, began_ago):
        """The Xero calls of the import run by a worker process in the pass that holds
        ``pass_cursor``, begun ``began_ago`` seconds ago, after the pass of this test's
        cursor (the one Odoo runs the job with)."""
        begin_job(pass_cursor, began=time.monotonic() - began_ago)
        self.env.invalidate_all(flush=True)
        cron = self.env.registry["ir.cron"]
        job = cron._acquire_one_job(self.env.cr, self.imports.id, include_not_ready=True)
        cron._process_job(self.env.cr, job)
        self.env.invalidate_all()
        return len(requests_log(self.sandbox))

    def test_a_run_stops_at_its_own_share(self):
        self.assertFalse(self.spent(20), "a quarter of 120 s not used yet")
        self.assertTrue(self.spent(31), "its own share used")

    def test_a_job_late_in_a_pass_stops_at_the_pass_share(self):
        # The pass began 40 s ago with another job: over 30 % of 120 s.
        self.assertEqual(self.calls_of_import_run(self.env.cr, began_ago=40), 0)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.imports.id)])
        self.assertTrue(triggers, "it goes on at the next pass")

    def test_a_job_of_the_next_pass_has_its_share(self):
        # The worker's previous pass (another cursor) ran the push 40 s ago.
        self.assertGreater(self.calls_of_import_run(object(), began_ago=40), 0)

    def test_a_run_by_hand_has_its_share(self):
        begin_job(self.env.cr, began=time.monotonic() - 40)
        self.imports.method_direct_trigger()
        self.assertGreater(len(requests_log(self.sandbox)), 0)
