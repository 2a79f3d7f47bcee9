# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import time
import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, config

from odoo.addons.base.models.ir_cron import MIN_TIME_PER_JOB

from ..client_text import client_text
from ..locking import CONCURRENCY_ERRORS, lock_quietly, own_transaction
from ..xero_client.client import resume_point, updated_utc
from ..xero_client.cron_pass import pass_started
from ..xero_client.errors import (
    AuthError,
    RateLimited,
    RequestRejected,
    TransientError,
    XeroError,
)
from ..xero_client.mappings.common import MappingError
from .xero_connection import XeroNeedsReconnect

_logger = logging.getLogger(__name__)

BATCH_SIZE = 50
# Calls a press of Sync to Xero may spend on the first reading of the index of Xero's contacts
# or items: one page (1,000 contacts); a larger organisation is read by the scheduled action.
INDEX_CALLS_IN_A_PRESS = 1
# Objects of a page of an import stored between two checks of the run's time.
IMPORT_CHUNK = 200
# The share of a cron worker's time limit one scheduled run of an import may use before it
# stops between two chunks of a page: the worker runs the push, the imports and Odoo's own
# jobs one after the other within that limit.
RUN_SHARE = 0.25
# ... and the share the whole pass of the worker (every due job) may have used by then: a
# worker woken by the clock, not by a trigger, slept up to 70 s of its limit before the pass.
PASS_SHARE = 0.3
# Batches of records whose missing dependencies are sent together, before the first of them.
DEPENDENCY_WINDOW = 20
TRANSIENT_RETRY_MINUTES = 5
WATERMARK_MARGIN_MINUTES = 5
XERO_STATES = [
    ("not_synced", "Not synced"),
    ("pending", "Pending"),
    ("synced", "Synced"),
    ("error", "Error"),
]
OPERATIONS = [("upsert", "Send"), ("remove", "Remove from Xero")]
HEALTH_BUCKETS = [
    ("pending", "Pending"),
    ("waiting", "Waiting for a dependency"),
    ("error", "In error"),
]
# Words of Xero's answers that may mean the object a record points at is gone; a GET by ID
# then decides.
# Xero's reasons for refusing a token that only a reconnect cures: renewing it is no use.
LOST_REASONS = ("tenant_disconnected", "missing_scope")
MISSING_HINTS = ("not found", "could not be found", "does not exist", "no longer exists")


def endpoint_of(route):
    """Where a write of a route's records goes ("" for records that go nowhere): one write
    takes records of several routes of one endpoint (invoices and bills are both Invoices)."""
    return route.endpoint if route else ""


def commit_progress(env, processed, remaining=None):
    """Commit and report progress inside a scheduled action; elsewhere (a button) do nothing:
    the request commits once, at its end. Returns the run's time left."""
    if not env.context.get("cron_id"):
        return float("inf")
    return env["ir.cron"]._commit_progress(processed, remaining=remaining)


class XeroDataError(Exception):
    """A record's data cannot be sent as it is; the message says what to fix."""


class XeroSyncMixin(models.AbstractModel):
    """What makes a model synced with Xero: the link, the status, the button, and the engine
    that sends records in batches, dependencies first, and never the same thing twice.

    A synced model sets ``_xero_route`` (or overrides ``_xero_get_route`` when the route
    depends on the record), ``_xero_depends_on`` and ``_xero_synced_fields``, and implements
    ``_xero_prepare``."""

    _name = "xero.sync.mixin"
    _description = "Synchronised with Xero"

    _xero_route = None  # xero_client.routes.Route of every record of the model
    _xero_depends_on = ()  # models whose records may have to be in Xero first
    _xero_index_import = None  # (import name, method) that keeps xero.index fresh for it
    _xero_synced_fields = ()  # a change to these makes a synced record pending again
    # Whether what waits of this model goes together at most every push_every_minutes;
    # otherwise at every run of the scheduled push.
    _xero_push_together = True

    xero_id = fields.Char(string="Xero ID", copy=False, readonly=True, index=True)
    xero_state = fields.Selection(
        XERO_STATES,
        string="Xero status",
        default="not_synced",
        copy=False,
        readonly=True,
        index=True,
    )
    xero_waiting = fields.Boolean(
        string="Waiting for a dependency",
        copy=False,
        readonly=True,
        help="It waits for another record, in Odoo or in Xero (its contact or item to reach "
        "Xero, its document's approval there), and goes by itself once that is done.",
    )
    xero_synced_at = fields.Datetime(string="Last sent to Xero", copy=False, readonly=True)
    xero_written_at = fields.Datetime(
        copy=False,
        readonly=True,
        help="Xero's time of the change Odoo last wrote (the UpdatedDateUTC of its answer, "
        "to the millisecond): Xero's webhook events of that write are not read again.",
    )
    xero_error = fields.Text(string="Xero error", copy=False, readonly=True)
    xero_warning = fields.Text(
        string="Xero warning",
        copy=False,
        readonly=True,
        help="Sent, but not everything could go: what Xero does not hold.",
    )
    xero_operation = fields.Selection(
        OPERATIONS,
        string="Next Xero operation",
        default="upsert",
        copy=False,
        readonly=True,
        help="What the next send does: send the record, or void/delete it in Xero.",
    )
    xero_revision = fields.Integer(copy=False, readonly=True, default=0)
    xero_lost_batch = fields.Char(
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The batch whose answer was lost: it is sent again as it was, first.",
    )
    xero_url = fields.Char(string="Open in Xero", compute="_compute_xero_url")

    # -- hooks each synced model implements ---------------------------------------------------
    def _xero_company(self):
        return self.company_id or self.env.company

    def _xero_get_route(self):
        """Where this record goes in Xero."""
        return self._xero_route

    @api.model
    def _xero_sendable_domain(self):
        """The records that may be sent on their own: the button, the scheduled action and
        the import all use this one domain."""
        return []

    def _xero_dependencies(self, connection):
        """Records (of ``_xero_depends_on`` models) this one needs in Xero before it."""
        return []

    def _xero_prepare(self, connection):
        """The SDK object to send for this record; XeroDataError when its data is wrong."""
        raise NotImplementedError

    def _xero_prepare_removal(self, connection):
        """The SDK object that voids, deletes or archives this record's Xero object."""
        raise XeroDataError(
            self.env._("%(record)s cannot be removed from Xero.", record=self.display_name)
        )

    @api.model
    def _xero_removal_payload(self, endpoint, xero_id):
        """For a record deleted in Odoo: the SDK object that archives, voids or deletes its
        Xero object, or None when the object stays in Xero."""
        return None

    def _xero_recover_unanswered(self, connection):
        """Before preparing: find out what became of earlier writes of these records that got
        no answer (models without a natural key in Xero override this). Returns the records
        still to send."""
        return self

    def _xero_link_existing(self, connection, payloads):
        """Point payloads of records new to Xero at matching Xero objects; returns (the linked
        records, {record id: why it may not be sent}). Models whose Xero objects have a natural
        key override this."""
        return self.browse(), {}

    def _xero_save_params(self):
        """Extra parameters of the write call, e.g. ``unitdp``."""
        return {}

    def _xero_hold_for_index(self, connection):
        """Those of these records new to Xero that wait for the index of the organisation's
        objects of their kind, never read in full yet: matched against half an index, they
        could be created twice. A press reads its first page (an organisation of up to a
        thousand contacts in one call), committed with the press; the rest is left to the
        import's scheduled action, which commits page by page. Those records are left
        pending, waiting, and follow when it ends."""
        if not self._xero_index_import:
            return self.browse()
        new = self.filtered(lambda r: not r.xero_id)
        name = self._xero_index_import[0]
        if not new or connection._index_ready(name):
            return self.browse()
        if not self.env.context.get("cron_id") and connection._import_budget_left():
            model = (
                self.env[self._name].sudo().with_context(xero_import_calls=INDEX_CALLS_IN_A_PRESS)
            )
            getattr(model, self._xero_index_import[1])(connection)
            # Read, or Xero refused the organisation: the send meets it and says so.
            if connection._index_ready(name) or connection._lost_authorisation():
                return self.browse()
        new._xero_write(
            {
                "xero_waiting": True,
                "xero_error": self.env._(
                    "Waiting for Odoo to finish its first reading of the organisation's "
                    "%(what)s in Xero, so as not to create one twice: it goes on in the "
                    "background, and these records follow.",
                    what=connection._index_label(name),
                ),
            }
        )
        self.env.ref("xero_connector.ir_cron_xero_import")._trigger()
        return new

    def _xero_index_rows(self, results):
        """Rows for ``xero.index`` from what Xero answered ({record: SDK object})."""
        return None, []

    def _xero_after_sync(self, connection, results):
        """Store what came back (numbers, statuses) on the records ({record: SDK object})."""

    # -- state --------------------------------------------------------------------------------
    @api.depends("xero_id")
    def _compute_xero_url(self):
        connections = {}
        for record in self:
            company = record._xero_company()
            if company not in connections:
                connections[company] = self.env["xero.connection"]._of_company(company)
            connection = connections[company]
            route = record._xero_get_route()
            record.xero_url = (
                connection._deep_link(route.link_kind, record.xero_id)
                if connection and route and route.link_kind
                else False
            )

    def write(self, vals):
        if vals.get("xero_state") in ("synced", "not_synced") and "xero_waiting" not in vals:
            vals = dict(vals, xero_waiting=False)
        result = super().write(vals)
        if not self.env.context.get("xero_no_dirty") and set(vals) & set(self._xero_synced_fields):
            self._xero_mark_dirty()
        return result

    def unlink(self):
        self._xero_queue_removals()
        return super().unlink()

    def _xero_mark_dirty(self):
        """A synced field changed: new revision, and back to pending where it is in Xero (in
        every connected company, for records shared by companies)."""
        self._xero_bump_revision()
        for company in self._xero_companies_to_follow():
            # The user may not see every company the record is linked in: the status is ours.
            in_xero = (
                self.sudo()
                .with_company(company)
                .filtered_domain(self._xero_sendable_domain())
                .filtered(lambda r: r.xero_state in ("synced", "error") and r.xero_id)
            )
            in_xero._xero_write({"xero_state": "pending"})
            in_xero._xero_explain_waiting()

    def _xero_companies_to_follow(self):
        """The companies whose Xero link of these records must follow their changes: every
        company with a connection, connected or not (one that must reconnect catches up
        afterwards)."""
        if self._fields["xero_state"].company_dependent:
            return self.env["xero.connection"].sudo().search([], limit=None).company_id
        return self.env.company

    def _xero_bump_revision(self):
        if not self.ids:
            return
        self.env.cr.execute(
            "UPDATE %s SET xero_revision = COALESCE(xero_revision, 0) + 1 WHERE id IN %%s"
            % self._table,
            (tuple(self.ids),),
        )
        self.invalidate_recordset(["xero_revision"])

    def _xero_write(self, vals):
        return self.with_context(xero_no_dirty=True).sudo().write(vals)

    # -- transitions (posting, resetting, cancelling, deleting) -------------------------------
    def _xero_request_send(self):
        """Send (create or update) these records at the next run."""
        sendable = self.filtered_domain(self._xero_sendable_domain())
        sendable._xero_bump_revision()
        sendable._xero_write({"xero_state": "pending", "xero_operation": "upsert"})
        sendable._xero_explain_waiting()

    def _xero_request_removal(self):
        """Void, delete or archive these records' Xero objects at the next run; records never
        sent have nothing to remove."""
        in_xero = self.filtered("xero_id")
        in_xero._xero_bump_revision()
        in_xero._xero_write({"xero_state": "pending", "xero_operation": "remove"})
        in_xero._xero_explain_waiting()
        (self - in_xero)._xero_write({"xero_state": "not_synced", "xero_operation": "upsert"})

    def _xero_queue_removals(self):
        """Records being deleted in Odoo: what their Xero objects must become is queued."""
        entries = {}
        for company in self._xero_companies_to_follow() | self.mapped(lambda r: r._xero_company()):
            connection = self.env["xero.connection"]._of_company(company)
            if not connection:
                continue
            for record in self.sudo().with_company(company):
                route = record._xero_get_route()
                if (
                    record.xero_id
                    and route
                    and self._xero_removal_payload(route.endpoint, record.xero_id)
                ):
                    entries.setdefault(connection, []).append((record, route, record.xero_id))
        if entries:
            self.env["xero.removal"]._queue(entries)

    def _xero_explain_waiting(self):
        """Pending records of a company that is not connected would wait for ever without a
        word: say why on them."""
        for company in set(self.mapped(lambda r: r._xero_company())):
            connection = self.env["xero.connection"]._of_company(company)
            if connection and connection.state == "connected":
                continue
            waiting = self.filtered(lambda r, c=company: r._xero_company() == c)
            waiting.with_company(company)._xero_write(
                {"xero_error": self.env["xero.connection"]._not_connected_message(company)}
            )

    # -- imports from Xero --------------------------------------------------------------------
    @api.model
    def _xero_import(self, connection, name, import_since, what):
        """The frame of every import: incremental from the import's watermark, resumable,
        logged, and a rate limit or an error recorded rather than raised.

        ``import_since(moment, resume)`` does the work from the ``resume`` point (a dict it
        fills in; the frame keeps it between runs) and returns (records
        touched, whether it finished). Returns the count, or None when Xero stopped it."""
        cursor = connection._import_cursor(name)
        if not lock_quietly(cursor):
            # Another worker runs this import now (the poll, or the webhooks' scheduled
            # action): it reads what this run would.
            return None
        resume = dict(cursor.resume or {})
        started_at = resume.get("started_at") or fields.Datetime.to_string(fields.Datetime.now())
        resume["started_at"] = started_at
        started = time.monotonic()
        log = self.env["xero.sync.log"]
        try:
            count, finished = import_since(cursor.watermark, resume)
        except RateLimited as error:
            cursor._keep_place(resume)
            connection._note_rate_limit(error.retry_after)
            log._record(connection, "import", "rate_limited", connection._rate_limit_message())
            return None
        except (XeroError, XeroNeedsReconnect) as error:
            cursor._keep_place(resume)
            message = getattr(error, "message", None) or str(error)
            if isinstance(error, AuthError) and error.reason in LOST_REASONS:
                connection._mark_lost(message)
            connection._set_error(message)
            log._record(connection, "import", "error", message, duration=time.monotonic() - started)
            return None
        # Any other failure (the database's) rolls this transaction back: nothing to keep.
        cursor._keep_place(resume)
        if finished:
            if not cursor.watermark and name in connection._index_imports():
                # Records new to Xero waited for this first read of the index.
                self.env.ref("xero_connector.ir_cron_xero_push")._trigger()
            # The next run asks from a little before this one began: Xero's clock and Odoo's
            # may disagree, and reading a change twice costs nothing.
            cursor._finish(
                fields.Datetime.from_string(started_at)
                - timedelta(minutes=WATERMARK_MARGIN_MINUTES)
            )
        log._record(
            connection,
            "import",
            "success",
            self.env._("%(count)s %(what)s imported from Xero.", count=count, what=what)
            + ("" if finished else " " + self.env._("The rest follows in the next run.")),
            duration=time.monotonic() - started,
        )
        return count

    @api.model
    def _xero_import_pages(self, connection, name, endpoint, import_page, resume, **params):
        """The changes of ``endpoint`` after ``resume["after"]`` (``iter_changes``, ``params``
        its own), each page imported by ``import_page(objects)`` (returns the records
        touched) IMPORT_CHUNK objects at a time, through the page loop every import rides
        (``_xero_ride_pages``). It reads no more pages than the context allows
        (``xero_import_calls``). Returns (records touched, whether it finished)."""
        cursor = connection._import_cursor(name)
        pages = connection._client().iter_changes(endpoint, **self._xero_reading(resume), **params)
        return self._xero_ride_pages(
            cursor,
            pages,
            lambda page: self._xero_import_chunks(endpoint, page, import_page, resume, cursor),
            resume,
        )

    @api.model
    def _xero_reading(self, place):
        """Where a reading of changes resumes (``iter_changes``'s arguments) from ``place``,
        a dict kept by ``_xero_import_chunks``, and the calls it may make."""
        return {
            "after": place.get("after"),
            "window_page": place.get("window_page"),
            "max_calls": self.env.context.get("xero_import_calls"),
        }

    @api.model
    def _xero_ride_pages(self, cursor, pages, store, resume):
        """The page loop every import rides. ``pages`` gives pages (a generator whose return
        value False says it stopped before the end: calls allowed spent); ``store(page)``
        imports one and keeps where the import resumes in ``resume``, and returns (whether
        the whole page was imported, records touched). After each page the work is committed,
        so that a run that stops reads no page twice; the loop stops when the run's time is
        up, when another worker took the import over between two commits (``cursor`` no
        longer holds ``resume``), or after a page marked ``last``. When it did not finish,
        the import's scheduled action goes on. Returns (records touched, whether it
        finished)."""
        count, finished, read = 0, False, 0
        cursor.write({"resume": resume})
        while True:
            if read and self._xero_run_share_spent():
                break
            try:
                page = next(pages)
            except StopIteration as end:
                finished = end.value is not False
                break
            read += 1
            whole, touched = store(page)
            count += touched
            if whole and getattr(page, "last", False):
                finished = True
                break
            time_left = commit_progress(self.env, touched)
            if not (whole and time_left and cursor._still_ours(resume)):
                break
        if not finished:
            self.env.ref("xero_connector.ir_cron_xero_import")._trigger()
        return count, finished

    @api.model
    def _xero_import_chunks(self, endpoint, page, import_page, place, cursor, resume=None):
        """One page of changes, IMPORT_CHUNK objects at a time, where the reading resumes kept
        in ``place`` (a dict within ``resume``, the import's, kept on ``cursor``; by default
        ``resume`` itself) after each; it stops early when the run has used its share of the
        time. A page of a window read by page numbers (``window_page``) moves the resume
        point only once whole: its objects are not in the order of their points across
        pages. Returns (whether the whole page was imported, records touched)."""
        resume = place if resume is None else resume
        count = 0
        for start in range(0, len(page), IMPORT_CHUNK):
            chunk = page[start : start + IMPORT_CHUNK]
            count += import_page(chunk)
            if page.window_page is None:
                moment, object_id = resume_point(endpoint, chunk[-1])
                place["after"] = [moment.isoformat(), object_id]
                cursor._keep_resume(resume)
            if start + IMPORT_CHUNK < len(page) and self._xero_run_share_spent():
                return False, count
        if page.window_page is not None:
            place["window_page"] = page.window_page
            cursor._keep_resume(resume)
            if page:
                cursor._note_change(resume_point(endpoint, page[-1])[0])
        return True, count

    @api.model
    def _xero_run_share_spent(self):
        """Whether this scheduled run has used its share (RUN_SHARE) of the time Odoo gives a
        cron worker before it kills it (``limit_time_real_cron``, else ``limit_time_real``),
        or the worker's pass has used PASS_SHARE of it: the worker runs every job that is
        due, one after the other, within that time. False outside a scheduled run."""
        end = self.env.context.get("cron_end_time")
        limit = config["limit_time_real_cron"]
        limit = limit if limit and limit > 0 else config["limit_time_real"]
        if end is None or not limit or limit <= 0:
            return False
        started = end - MIN_TIME_PER_JOB
        in_pass = pass_started(started, limit)
        now = time.monotonic()
        return now > started + limit * RUN_SHARE or now > in_pass + limit * PASS_SHARE

    # -- the button ---------------------------------------------------------------------------
    def action_xero_sync(self):
        """Send these records to Xero now; large selections go through the scheduled action."""
        if not self.env.user.has_group("xero_connector.group_xero_user"):
            raise UserError(self.env._("You need the 'Xero: user' right to send records to Xero."))
        records = self.filtered_domain(self._xero_sendable_domain())
        if not records:
            raise UserError(self.env._("None of the selected records is sent to Xero on its own."))
        later = self.browse()
        for connection, group in records._xero_group_by_connection():
            # Records another worker holds, or changed since this request began, cannot be
            # written here: they go in the background.
            first = group[:BATCH_SIZE]
            free = lock_quietly(first) | group[BATCH_SIZE:]
            (group - free)._xero_mark_pending_apart()
            later |= group - free
            # What this request wrote so far goes first, outside the savepoint: should another
            # worker have changed those rows, the transaction cannot go on, and Odoo runs the
            # whole request again on a fresh snapshot.
            self.env.flush_all()
            try:
                with self.env.cr.savepoint():
                    later |= free._xero_send_pressed(connection)
            except CONCURRENCY_ERRORS as error:
                # Another worker (the scheduled push, another press) changed some of these
                # records, or a row they need, since this request began: they go in the
                # background. What Xero already took is found again by its claims, never
                # sent twice.
                _logger.info("Sync to Xero met another worker, left to the push: %s", error)
                self.env.invalidate_all(flush=False)
                free._xero_mark_pending_here()
                later |= free
        if later:
            for connection, _group in later._xero_group_by_connection():
                connection._push_at_next_run()
            self.env.ref("xero_connector.ir_cron_xero_push")._trigger()
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._(
                        "%(count)s records are being sent to Xero in the background.",
                        count=len(records),
                    ),
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        return True

    def _xero_mark_pending_apart(self):
        """Mark these records pending in a transaction of their own, which sees what another
        worker committed; those a worker still holds, it is sending already."""
        if not self:
            return
        with own_transaction(self.env) as cr:
            lock_quietly(self.with_env(self.env(cr=cr)))._xero_write(
                {"xero_state": "pending", "xero_error": False}
            )

    def _xero_mark_pending_here(self):
        """Mark these records pending in this transaction, those it may still write; the
        others in a transaction of their own."""
        mine = lock_quietly(self)
        try:
            with self.env.cr.savepoint():
                mine._xero_write({"xero_state": "pending", "xero_error": False})
        except CONCURRENCY_ERRORS:
            mine = self.browse()
        (self - mine)._xero_mark_pending_apart()

    def _xero_send_pressed(self, connection):
        """Mark these records (of one connection) pending and send the first batch of them now;
        returns those left to the scheduled push."""
        # Status fields may be per company: write them in the record's company.
        self._xero_write({"xero_state": "pending", "xero_error": False})
        if connection.state != "connected":
            self._xero_explain_waiting()
            return self.browse()
        now = lock_quietly(self[:BATCH_SIZE])
        if now:
            now._xero_send_all(connection)
        return self - now

    def _xero_group_by_connection(self):
        groups = {}
        for record in self:
            groups.setdefault(record._xero_company(), []).append(record.id)
        for company, ids in groups.items():
            connection = self.env["xero.connection"]._for_company(company)
            yield connection, self.browse(ids).with_company(company)

    def _xero_group_by_route(self):
        groups = {}
        for record in self:
            groups.setdefault(record._xero_get_route(), []).append(record.id)
        for route, ids in groups.items():
            yield route, self.browse(ids)

    def _xero_group_by_write(self):
        """(a route, records) for each write these records make: by default one per
        endpoint they go to, invoices and bills together."""
        groups = {}
        for record in self:
            route = record._xero_get_route()
            groups.setdefault(endpoint_of(route), (route, []))[1].append(record.id)
        for route, ids in groups.values():
            yield route, self.browse(ids)

    # -- the engine ---------------------------------------------------------------------------
    @api.model
    def _xero_pending_domain(self, connection):
        return [
            ("xero_state", "=", "pending"),
            ("company_id", "in", [False, connection.company_id.id]),
            *self._xero_sendable_domain(),
        ]

    @api.model
    def _xero_health_domain(self, connection, bucket):
        """The connection's records of one bucket of the health dashboard (HEALTH_BUCKETS):
        those the push would send, those waiting for a dependency, those in error."""
        pending = ("xero_state", "=", "pending")
        sendable = [leaf for leaf in self._xero_pending_domain(connection) if leaf != pending]
        state = {
            "pending": [pending, ("xero_waiting", "=", False)],
            "waiting": [("xero_state", "in", ("pending", "error")), ("xero_waiting", "=", True)],
            "error": [("xero_state", "=", "error"), ("xero_waiting", "=", False)],
        }[bucket]
        return state + sendable

    @api.model
    def _xero_push_pending(self, connection):
        """Drain this model's pending records for a connection, batch by batch, in id order;
        rows another worker holds are skipped, not waited for.

        Returns False when the run must stop (rate limit, lost authorisation, time up)."""
        # Archived records too: Xero must hear that they were archived.
        model = self.with_company(connection.company_id).with_context(active_test=False)
        domain = model._xero_pending_domain(connection)
        last_id = 0
        while True:
            window = model.search(
                domain + [("id", ">", last_id)], limit=BATCH_SIZE * DEPENDENCY_WINDOW, order="id"
            )
            if not window:
                return True
            last_id = window[-1].id
            beyond = model.search_count(domain + [("id", ">", last_id)])
            if model._xero_depends_on and not model._xero_send_window_dependencies(
                connection, window
            ):
                commit_progress(self.env, 0, remaining=0)
                return False
            # Full batches: the records of one endpoint together (a batch goes to one).
            window = window.sorted(lambda r: (endpoint_of(r._xero_get_route()), r.id))
            for start in range(0, len(window), BATCH_SIZE):
                batch = lock_quietly(window[start : start + BATCH_SIZE])
                # Between two commits another worker may have sent some of them.
                batch.invalidate_recordset(["xero_state"])
                batch = batch.filtered(lambda r: r.xero_state == "pending")
                if batch and not batch._xero_send_all(connection):
                    # Stopped by Xero (rate limit, authorisation, outage): the run ends here
                    # and a later one is scheduled; reporting work left would make the cron
                    # retry now.
                    commit_progress(self.env, 0, remaining=0)
                    return False
                remaining = beyond + max(len(window) - start - BATCH_SIZE, 0)
                if not commit_progress(self.env, len(batch), remaining):
                    return False

    @api.model
    def _xero_send_window_dependencies(self, connection, window):
        """What the records of several batches need in Xero and lacks, sent together first:
        200 new partners of 1,000 invoices take 4 calls, not one per batch of invoices."""
        records = lock_quietly(window)
        if not records:
            return True
        _waiting, go_on = records._xero_send_dependencies(connection)
        commit_progress(self.env, 0)
        return go_on

    def _xero_send_all(self, connection):
        """Send these records (of one connection), endpoint by endpoint, 50 at a time, each batch's
        dependencies first; a batch whose answer was lost goes again first, as it was.
        False: stop for now."""
        lost = self._xero_lost_batches()
        lost_members = self.browse([r.id for batch in lost for r in batch])
        for batch in lost:
            if not batch._xero_send(connection, batch[:1]._xero_get_route()):
                return False
        # Members of a lost batch another worker holds wait for it to send them.
        rest = self.filtered(lambda r: not r.xero_lost_batch) - lost_members
        for route, records in rest._xero_group_by_write():
            for start in range(0, len(records), BATCH_SIZE):
                if not records[start : start + BATCH_SIZE]._xero_send(connection, route):
                    return False
        return True

    def _xero_lost_batches(self):
        """The batches, whole, of those of these records whose last write went unanswered:
        sent again exactly as they were, they carry the same Idempotency-Key, so Xero answers
        from its cache instead of creating twice, whatever else is pending now."""
        tokens = {r.xero_lost_batch for r in self if r.xero_lost_batch}
        if not tokens:
            return []
        members = self.with_context(active_test=False).search(
            [("xero_lost_batch", "in", list(tokens))], order="id"
        )
        batches = []
        for token in tokens:
            batch = members.filtered(lambda r, t=token: r.xero_lost_batch == t)
            if set(batch.mapped("xero_state")) != {"pending"}:
                # It can no longer go again as it was: its members go as they come.
                batch._xero_write({"xero_lost_batch": False})
            elif lock_quietly(batch) == batch:
                batches.append(batch)
        return batches

    def _xero_send(self, connection, route):
        """One Xero write for these records (≤ 50, one connection, one endpoint), after the
        dependencies they lack. False: stop for now."""
        if connection._is_rate_limited():
            self._xero_write({"xero_error": connection._rate_limit_message()})
            return False
        # Each attempt finds afresh what they wait for (their dependencies, Xero).
        self.filtered("xero_waiting")._xero_write({"xero_waiting": False})
        waiting, go_on = self._xero_send_dependencies(connection)
        if not go_on:
            return False
        records = self - waiting
        started = time.monotonic()
        client = None
        try:
            records = records._xero_recover_unanswered(connection)
            # Found in Xero as something else than this route (a setting changed since the
            # lost write): they go by their own route.
            elsewhere = records.filtered(
                lambda r: endpoint_of(r._xero_get_route()) != endpoint_of(route)
            )
            for other_route, group in elsewhere._xero_group_by_write():
                if not group._xero_send(connection, other_route):
                    return False
            records -= elsewhere
            records -= records._xero_hold_for_index(connection)
            payloads = records._xero_prepare_all(connection)
            if not payloads:
                return True
            # Record-id order: a retry of the same records at the same revisions is then the
            # very same request, which Xero answers from its idempotency cache.
            records = self.browse(sorted(payloads))
            linked, refused = records._xero_link_existing(connection, payloads)
            refused.update((records - linked)._xero_claim_new(connection, refused))
            for record in records.filtered(lambda r: r.id in refused):
                record._xero_mark_error(connection, refused[record.id], "create")
            records = records.filtered(lambda r: r.id not in refused)
            if not records:
                return True
            client, results = records._xero_save(connection, route, payloads)
        except RateLimited as error:
            return records._xero_postpone_for_rate_limit(connection, error)
        except AuthError as error:
            if error.reason in LOST_REASONS:
                connection._mark_lost(error.message)
            else:
                # The next attempt renews the token first; a refused renewal asks for a
                # reconnect.
                connection._expire_access_token()
            return records._xero_postpone(connection, error, started)
        except (TransientError, XeroNeedsReconnect) as error:
            return records._xero_postpone(connection, error, started)
        except RequestRejected as error:
            records._xero_fail_all(connection, error, started)
            return True
        records._xero_apply_results(
            connection, route, results, linked, time.monotonic() - started, client
        )
        return True

    def _xero_save(self, connection, route, payloads):
        """The write call. Returns (client, results)."""

        client = connection._client()
        results = client.save(
            route.endpoint,
            [payloads[r.id] for r in self],
            self._xero_idempotency_scope(connection),
            **self._xero_save_params(),
        )
        return client, results

    def _xero_send_dependencies(self, connection):
        """Send first, in batches, what these records need in Xero and it lacks. Returns (the
        records left waiting, whether the run may go on)."""
        needed = {}
        for record in self:
            for dependency in record._xero_dependencies(connection):
                needed.setdefault(dependency._name, dependency.browse())
                needed[dependency._name] |= dependency
        if not needed:
            return self.browse(), True
        company = connection.company_id
        order = self.env["xero.connection"]._synced_models()
        for model_name in sorted(needed, key=order.index):
            model = self.env[model_name].with_company(company).with_context(active_test=False)
            missing = (
                needed[model_name]
                .with_company(company)
                .with_context(active_test=False)
                .filtered(lambda r: not r.xero_id)
                .filtered_domain(
                    [
                        *model._xero_sendable_domain(),
                        ("company_id", "in", [False, company.id]),
                    ]
                )
            )
            missing = lock_quietly(missing)
            if missing:
                missing._xero_write({"xero_state": "pending", "xero_error": False})
                if not missing._xero_send_all(connection):
                    return self, False
        return self._xero_hold_waiting(connection), True

    def _xero_hold_waiting(self, connection):
        """Those of these records whose dependencies are still not in Xero, left pending with
        a message naming them."""
        company = connection.company_id
        needs = {r: r._xero_dependencies(connection) for r in self}
        # Every dependency's link read at once, not one record at a time.
        lacking = set()
        for model_name in {d._name for deps in needs.values() for d in deps}:
            union = self.env[model_name].union(
                *(d for deps in needs.values() for d in deps if d._name == model_name)
            )
            lacking |= {
                (model_name, d.id)
                for d in union.with_company(company).with_context(active_test=False)
                if not d.xero_id
            }
        waiting = self.browse()
        for record in self:
            absent = [
                dependency
                for dependencies in needs[record]
                for dependency in dependencies.with_company(company)
                if (dependency._name, dependency.id) in lacking
            ]
            if absent:
                record._xero_write(
                    {
                        "xero_error": self.env._(
                            "Waiting for %(names)s to reach Xero first: %(reasons)s",
                            names=", ".join(d.display_name for d in absent),
                            reasons=" ".join(d._xero_why_not_in_xero(connection) for d in absent),
                        ),
                        "xero_waiting": True,
                    }
                )
                waiting |= record
        return waiting

    def _xero_why_not_in_xero(self, connection):
        if self.company_id and self.company_id != connection.company_id:
            return self.env._(
                "%(record)s belongs to %(company)s.",
                record=self.display_name,
                company=self.company_id.name,
            )
        if not self.filtered_domain(self._xero_sendable_domain()):
            return self.env._(
                "%(record)s is not sent to Xero on its own.", record=self.display_name
            )
        return self.xero_error or self.env._(
            "%(record)s is not sent yet.", record=self.display_name
        )

    def _xero_natural_key(self):
        """What Xero merges two new objects by (a contact's name, an item's code), or None."""
        return None

    def _xero_holds_claim(self, connection, key):
        """Whether this record still needs the key it claimed: it exists, has that key and
        is of the connection's company (or none). Its status is no guide: the worker sending
        it has not committed it yet. A record that fails gives its claim up."""
        return bool(
            self.exists()
            and self._xero_natural_key() == key
            and self.company_id in (self.env["res.company"], connection.company_id)
        )

    def _xero_claim_new(self, connection, refused):
        """Claim the natural keys of these records new to Xero, in a transaction of their
        own (see ``xero.claim``); returns {record id: why not} for keys another record holds."""
        keys = {
            r: r._xero_natural_key()
            for r in self
            if not r.xero_id and r.id not in refused and r._xero_natural_key()
        }
        holders = self.env["xero.claim"]._claim(connection, keys)
        return {
            record_id: self.browse(record_id)._xero_key_taken_message(holder)
            for record_id, holder in holders.items()
        }

    def _xero_key_taken_message(self, holder):
        return self.env._(
            "%(holder)s is being sent to Xero with the same name or code: Xero would merge "
            "the two. Rename one of them.",
            holder=holder.display_name,
        )

    def _xero_idempotency_scope(self, connection):
        """Who sends what: the same records at the same revisions are the same scope. The
        client adds the body to the key, so a retry that differs (e.g. once it links to
        objects the lost answer had created) is a new request."""
        return [
            connection._idempotency_scope(),
            self._name,
            sorted([r.id, r.xero_revision] for r in self),
        ]

    def _xero_prepare_all(self, connection):
        payloads = {}
        for record in self:
            try:
                if record.xero_operation == "remove":
                    payloads[record.id] = record._xero_prepare_removal(connection)
                else:
                    payloads[record.id] = record._xero_prepare(connection)
            except (XeroDataError, MappingError) as error:
                record._xero_mark_error(connection, client_text(self.env, error), "create")
        return payloads

    def _xero_apply_results(self, connection, route, results, linked, duration, client):
        """Store what Xero answered for each record, in a few statements for the batch."""
        operations = {r: r._xero_operation_name(linked) for r in self}
        self.filtered("xero_lost_batch")._xero_write({"xero_lost_batch": False})
        done, failed = {}, []
        for record, result in zip(self, results, strict=True):
            if result.ok:
                done[record] = result.data
            else:
                failed.append((record, result))
        ids = {r: str(getattr(data, route.id_attribute)) for r, data in done.items()}
        stolen = self._xero_ids_taken_by_others(connection, ids)
        for record in stolen:
            record._xero_mark_error(
                connection,
                self.env._(
                    "Xero answered with the object %(xero_id)s, which another record is already "
                    "linked to: %(record)s was not linked. Check both in Xero.",
                    xero_id=ids[record],
                    record=record.display_name,
                ),
                "create",
            )
            del done[record]
        synced = self.browse([r.id for r in done])
        synced._xero_store_ids({r.id: ids[r] for r in done})
        synced._xero_store_written_at(done)
        synced._xero_write(
            {
                "xero_state": "synced",
                "xero_error": False,
                "xero_operation": "upsert",
                "xero_synced_at": fields.Datetime.now(),
            }
        )
        self.env["xero.removal"]._cancel_for(connection, list(ids.values()))
        kind, rows = synced._xero_index_rows(done)
        if rows:
            self.env["xero.index"]._keep(connection, kind, rows)
        synced._xero_after_sync(connection, done)
        self.env["xero.sync.log"]._record_each(
            connection,
            [(r, operations[r], ids[r], r.xero_warning or False) for r in synced],
            duration / max(len(self), 1),
        )
        for record, result in failed:
            record._xero_apply_failure(connection, route, result, client, operations[record])

    def _xero_operation_name(self, linked):
        """What sending this record does, for the log (before its answer is stored)."""
        if self.xero_operation == "remove":
            return "remove"
        if self in linked:
            return "link"
        return "update" if self.xero_id else "create"

    def _xero_store_ids(self, xero_ids):
        """Write each record's Xero ID ({record id: xero id}) in one statement."""
        self._xero_store_column("xero_id", xero_ids)

    def _xero_store_written_at(self, answers):
        """Keep Xero's time of each write ({record: Xero's answer}), where a record is linked
        to one Xero object (a partner's link is per company: it keeps none)."""
        if self._fields["xero_id"].company_dependent:
            return
        moments = {r.id: updated_utc(data) for r, data in answers.items()}
        self._xero_store_column(
            "xero_written_at",
            {rid: moment.replace(tzinfo=None) for rid, moment in moments.items() if moment},
        )

    def _xero_store_column(self, field_name, values):
        """Write ``{record id: value}`` into a Char or Json field in one statement (a batch's Xero
        IDs or numbers differ per record: the ORM would write them one by one). A company-
        dependent field is written for the current company."""
        if not values:
            return
        # A write of the field still pending in the ORM would be flushed after this one.
        self.flush_model([field_name])
        field = self._fields[field_name]
        rows = list(values.items())
        if field.company_dependent:
            assignment = SQL(
                "%s = COALESCE(t.%s, '{}'::jsonb) || jsonb_build_object(%s::text, v.value)",
                SQL.identifier(field_name),
                SQL.identifier(field_name),
                str(self.env.company.id),
            )
        elif field.type == "json":
            assignment = SQL("%s = v.value::jsonb", SQL.identifier(field_name))
            rows = [(record_id, json.dumps(value)) for record_id, value in rows]
        else:
            assignment = SQL("%s = v.value", SQL.identifier(field_name))
        self.env.cr.execute(
            SQL(
                "UPDATE %s t SET %s FROM (VALUES %s) AS v(id, value) WHERE t.id = v.id",
                SQL.identifier(self._table),
                assignment,
                SQL(", ").join(SQL("(%s, %s)", record_id, value) for record_id, value in rows),
            )
        )
        self.invalidate_recordset([field_name])

    def _xero_holders(self, connection, xero_ids):
        """{Xero ID: the record of the connection's company linked to that Xero object}."""
        if not xero_ids:
            return {}
        holders = (
            self.with_company(connection.company_id)
            .with_context(active_test=False)
            .search([("xero_id", "in", list(set(xero_ids)))])
        )
        return {h.xero_id: h for h in holders}

    def _xero_ids_taken_by_others(self, connection, xero_ids):
        """Records of {record: xero id} whose Xero object another record of the company is
        linked to, or that an earlier record of the same answer took: a Xero object is linked
        to at most one Odoo record per company."""
        held = self._xero_holders(connection, xero_ids.values())
        taken, seen = self.browse(), {}
        for record, xero_id in xero_ids.items():
            holder = held.get(xero_id)
            if (holder and holder != record) or seen.get(xero_id, record) != record:
                taken |= record
            seen.setdefault(xero_id, record)
        return taken

    def _xero_apply_failure(self, connection, route, result, client, operation):
        if self.xero_id and self._xero_is_gone(route, result.errors, client):
            self._xero_forget_missing(connection, operation)
            return
        message = self.env._(
            "Xero refused %(record)s: %(errors)s",
            record=self.display_name,
            errors=" ".join(client_text(self.env, e) for e in result.errors),
        )
        self._xero_mark_error(connection, message, operation)

    def _xero_is_gone(self, route, errors, client):
        """Whether the Xero object this record points at no longer exists: Xero's answer
        hints at it, and a GET by ID confirms (a 404) before the link is dropped."""
        text = " ".join(errors).lower()
        if not any(hint in text for hint in MISSING_HINTS) and self.xero_id.lower() not in text:
            return False
        try:
            return client.get_by_id(route.endpoint, self.xero_id) is None
        except XeroError:
            return False

    def _xero_forget_missing(self, connection, operation):
        """Xero no longer holds the object this record pointed at: drop the link, so that the
        next sync looks for it again and creates it if it is really gone."""
        message = self.env._(
            "Xero no longer has %(record)s (deleted there, or the company was connected to "
            "another organisation). Press Sync to Xero to send it again.",
            record=self.display_name,
        )
        self._xero_write({"xero_id": False})
        self._xero_mark_error(connection, message, operation)

    def _xero_lookup_refused(self, error):
        """Xero refused the look-up that tells whether these records' last writes happened:
        they wait in error, their claims and lost batch kept, so that the next send looks
        again rather than writing a second object."""
        self._xero_write(
            {
                "xero_state": "error",
                "xero_error": self.env._(
                    "Its last send got no answer, and Xero refused the look-up that finds out "
                    "whether it arrived: %(error)s",
                    error=client_text(self.env, error),
                ),
            }
        )
        return self

    def _xero_mark_error(self, connection, message, operation, duration=0.0):
        self._xero_write(
            {
                "xero_state": "error",
                "xero_error": client_text(self.env, message),
                "xero_lost_batch": False,
            }
        )
        self.env["xero.claim"]._release(self.filtered(lambda r: not r.xero_id), connection)
        self.env["xero.sync.log"]._record(
            connection, operation, "error", message, records=self, duration=duration
        )

    def _xero_fail_all(self, connection, error, started):
        self.filtered("xero_lost_batch")._xero_write({"xero_lost_batch": False})
        message = error.message
        for record in self:
            record._xero_mark_error(
                connection,
                message,
                "update" if record.xero_id else "create",
                time.monotonic() - started,
            )

    def _xero_postpone_for_rate_limit(self, connection, error):
        until = connection._note_rate_limit(error.retry_after)
        message = connection._rate_limit_message()
        self._xero_write({"xero_error": message})
        self.env["xero.sync.log"]._record(
            connection, "update", "rate_limited", message, records=self
        )
        self.env.ref("xero_connector.ir_cron_xero_push").sudo()._trigger(at=until)
        return False

    def _xero_postpone(self, connection, error, started):
        message = client_text(self.env, error)
        self._xero_write({"xero_error": message})
        connection._set_error(message)
        self.env["xero.sync.log"]._record(
            connection,
            "update",
            "retry",
            message,
            records=self,
            duration=time.monotonic() - started,
        )
        if isinstance(error, TransientError):
            # Xero may have done the write: this very batch goes again first.
            self._xero_write({"xero_lost_batch": uuid.uuid4().hex})
            self.env.ref("xero_connector.ir_cron_xero_push").sudo()._trigger(
                at=fields.Datetime.now() + timedelta(minutes=TRANSIENT_RETRY_MINUTES)
            )
        return False
