# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json
import logging
import time

from xero_python.api_client.serializer import serialize

from odoo import api, fields, models
from odoo.exceptions import UserError

from xero_client.client import idempotency_key
from xero_client.errors import (
    AuthError,
    RateLimited,
    RequestRejected,
    TransientError,
    XeroError,
)
from xero_client.mappings.contact import MappingError

from .xero_connection import XeroNeedsReconnect

_logger = logging.getLogger(__name__)

BATCH_SIZE = 50
TRANSIENT_RETRY_MINUTES = 5
XERO_STATES = [
    ("not_synced", "Not synced"),
    ("pending", "Pending"),
    ("synced", "Synced"),
    ("error", "Error"),
]

MATCH_REASONS = [
    ("code", "Same code"),
    ("rate", "Same rate"),
    ("name", "Same name"),
    ("manual", "Chosen by hand"),
]


def commit_progress(env, processed, remaining=None):
    """Commit and report progress inside a scheduled action; elsewhere (a button) do nothing:
    the request commits once, at its end. Returns the run's time left."""
    if not env.context.get("cron_id"):
        return float("inf")
    return env["ir.cron"]._commit_progress(processed, remaining=remaining)


class XeroDataError(Exception):
    """A record's data cannot be sent as it is; the message says what to fix."""


class XeroSyncMixin(models.AbstractModel):
    _name = "xero.sync.mixin"
    _description = "Synchronised with Xero"

    # Set by each synced model.
    _xero_endpoint = None  # "Contacts"
    _xero_id_field = None  # "ContactID"
    _xero_link_kind = None  # "contact": the deep link's kind
    _xero_synced_fields = ()  # a change to these makes a synced record pending again

    xero_id = fields.Char(string="Xero ID", copy=False, readonly=True, index=True)
    xero_state = fields.Selection(
        XERO_STATES,
        string="Xero status",
        default="not_synced",
        copy=False,
        readonly=True,
        index=True,
    )
    xero_synced_at = fields.Datetime(string="Last sent to Xero", copy=False, readonly=True)
    xero_error = fields.Text(string="Xero error", copy=False, readonly=True)
    xero_revision = fields.Integer(copy=False, readonly=True, default=0)
    xero_url = fields.Char(string="Open in Xero", compute="_compute_xero_url")

    # -- hooks each synced model implements ---------------------------------------------------
    def _xero_company(self):
        return self.company_id or self.env.company

    def _xero_should_sync(self):
        return True

    def _xero_prepare(self, connection):
        """The SDK object to send for this record; XeroDataError when its data is wrong."""
        raise NotImplementedError

    def _xero_link_existing(self, connection, client, payloads):
        """Point payloads of records new to Xero at matching Xero objects; returns the linked
        records. Models whose Xero objects have a natural key override this."""
        return self.browse()

    def _xero_save_params(self):
        """Extra parameters of the write call, e.g. ``unitdp``."""
        return {}

    def _xero_after_sync(self, connection, data):
        """Store what came back (numbers, statuses) on the record."""

    # -- state --------------------------------------------------------------------------------
    @api.depends("xero_id")
    def _compute_xero_url(self):
        for record in self:
            connection = record._xero_connection()
            record.xero_url = (
                connection._deep_link(record._xero_link_kind, record.xero_id)
                if connection
                else False
            )

    def _xero_connection(self):
        self.ensure_one()
        return (
            self.env["xero.connection"]
            .sudo()
            .search([("company_id", "=", self._xero_company().id)], limit=1)
        )

    def write(self, vals):
        result = super().write(vals)
        if not self.env.context.get("xero_no_dirty") and set(vals) & set(self._xero_synced_fields):
            self._xero_mark_dirty()
        return result

    def _xero_mark_dirty(self):
        """A synced field changed: new revision, and back to pending where it was in Xero (in
        every connected company, for records shared by companies)."""
        self._xero_bump_revision()
        if self._fields["xero_state"].company_dependent:
            companies = (
                self.env["xero.connection"].sudo().search([("state", "=", "connected")]).company_id
            )
        else:
            companies = self.env.company
        for company in companies:
            in_xero = self.with_company(company).filtered(
                lambda r: r.xero_state in ("synced", "error") and r.xero_id
            )
            in_xero._xero_write({"xero_state": "pending"})

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

    # -- imports from Xero --------------------------------------------------------------------
    @api.model
    def _xero_import(self, connection, watermark_field, import_since, what):
        """The frame of every import: incremental from the connection's ``watermark_field``,
        resumable, logged, and a rate limit or an error recorded rather than raised.

        ``import_since(moment, resume)`` does the work from the ``resume`` point (a dict it
        fills in, kept on the connection between runs) and returns (records touched, whether
        it finished). Returns the count, or None when Xero stopped the import."""
        resume = dict((connection.import_resume or {}).get(watermark_field) or {})
        started_at = resume.get("started_at") or fields.Datetime.to_string(fields.Datetime.now())
        resume["started_at"] = started_at
        started = time.monotonic()
        log = self.env["xero.sync.log"]
        try:
            count, finished = import_since(connection[watermark_field], resume)
        except RateLimited as error:
            connection._note_rate_limit(error.retry_after)
            log._record(connection, "import", "rate_limited", connection._rate_limit_message())
            return None
        except (XeroError, XeroNeedsReconnect) as error:
            message = getattr(error, "message", None) or str(error)
            connection._set_error(message)
            log._record(connection, "import", "error", message, duration=time.monotonic() - started)
            return None
        finally:
            connection._keep_import_resume(watermark_field, resume)
        if finished:
            connection._keep_import_resume(watermark_field, None)
            connection.write({watermark_field: started_at})
        log._record(
            connection,
            "import",
            "success",
            self.env._("%(count)s %(what)s imported from Xero.", count=count, what=what)
            + ("" if finished else " " + self.env._("The rest follows in the next run.")),
            duration=time.monotonic() - started,
        )
        return count

    # -- the button ---------------------------------------------------------------------------
    def action_xero_sync(self):
        """Send these records to Xero now; large selections go through the scheduled action."""
        if not self.env.user.has_group("xero_connector.group_xero_user"):
            raise UserError(self.env._("You need the 'Xero: user' right to send records to Xero."))
        records = self.filtered(lambda r: r._xero_should_sync())
        if not records:
            raise UserError(self.env._("None of the selected records is sent to Xero on its own."))
        later = self.browse()
        for connection, group in records._xero_group_by_connection():
            # Status fields may be per company: write them in the record's company.
            group._xero_write({"xero_state": "pending", "xero_error": False})
            now = group[:BATCH_SIZE].try_lock_for_update(allow_referencing=True)
            if now:
                now._xero_send(connection)
            later |= group - now
        if later:
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

    def _xero_group_by_connection(self):
        groups = {}
        for record in self:
            groups.setdefault(record._xero_company(), self.browse())
            groups[record._xero_company()] |= record
        for company, records in groups.items():
            connection = self.env["xero.connection"]._for_company(company)
            yield connection, records.with_company(company)

    # -- the engine ---------------------------------------------------------------------------
    @api.model
    def _xero_pending_domain(self, connection):
        return [
            ("xero_state", "=", "pending"),
            ("company_id", "in", [False, connection.company_id.id]),
        ]

    @api.model
    def _xero_push_pending(self, connection):
        """Drain this model's pending records for a connection, batch by batch.

        Returns False when the run must stop (rate limit, lost authorisation, time up)."""
        # Archived records too: Xero must hear that they were archived.
        model = self.with_company(connection.company_id).with_context(active_test=False)
        domain = model._xero_pending_domain(connection)
        while True:
            batch = model.search(domain, limit=BATCH_SIZE, order="id")
            batch = batch.try_lock_for_update(allow_referencing=True)
            if not batch:
                return True
            if not batch._xero_send(connection):
                # Stopped by Xero (rate limit, authorisation, outage): the run ends here and a
                # later one is scheduled; reporting work left would make the cron retry now.
                commit_progress(self.env, 0, remaining=0)
                return False
            remaining = model.search_count(domain)
            if not commit_progress(self.env, len(batch), remaining):
                return False

    def _xero_send(self, connection):
        """One Xero call for these records (≤ 50, one connection). False: stop for now."""
        if connection._is_rate_limited():
            self._xero_write({"xero_error": connection._rate_limit_message()})
            return False
        payloads = self._xero_prepare_all(connection)
        if not payloads:
            return True
        # Record-id order: a retry of the same records at the same revisions is then the very
        # same request, which Xero answers from its idempotency cache.
        records = self.browse(sorted(payloads))
        started = time.monotonic()
        try:
            client = connection._client()
            linked = records._xero_link_existing(connection, client, payloads)
            elements = [payloads[r.id] for r in records]
            results = client.save(
                self._xero_endpoint,
                elements,
                records._xero_idempotency_key(connection, elements),
                **self._xero_save_params(),
            )
        except RateLimited as error:
            return records._xero_postpone_for_rate_limit(connection, error)
        except AuthError as error:
            if error.reason in ("tenant_disconnected", "missing_scope"):
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
        duration = time.monotonic() - started
        for record, result in zip(records, results, strict=True):
            record._xero_apply_result(connection, result, duration / len(records), record in linked)
        return True

    def _xero_idempotency_key(self, connection, elements):
        """The same records at the same revisions sending the same data: the same key, so a
        retried write is answered from Xero's cache. The data's digest is part of it because
        a retry may differ, e.g. once it links to objects the lost answer had created."""
        digest = hashlib.sha256(
            json.dumps([serialize(e) for e in elements], sort_keys=True, default=str).encode()
        ).hexdigest()
        scope = "%s-%s" % (connection._idempotency_scope(), digest[:16])
        return idempotency_key(scope, self._name, [(r.id, r.xero_revision) for r in self])

    def _xero_prepare_all(self, connection):
        payloads = {}
        for record in self:
            try:
                payloads[record.id] = record._xero_prepare(connection)
            except (XeroDataError, MappingError) as error:
                record._xero_mark_error(connection, str(error), "create")
        return payloads

    def _xero_apply_result(self, connection, result, duration, linked):
        operation = "update" if self.xero_id else ("link" if linked else "create")
        if not result.ok and self.xero_id and self._xero_missing_in(result.errors):
            self._xero_forget_missing(connection, operation, duration)
            return
        if not result.ok:
            message = self.env._(
                "Xero refused %(record)s: %(errors)s",
                record=self.display_name,
                errors=" ".join(result.errors),
            )
            self._xero_mark_error(connection, message, operation, duration)
            return
        xero_id = str(getattr(result.data, self._xero_id_field_attr()))
        self._xero_write(
            {
                "xero_id": xero_id,
                "xero_state": "synced",
                "xero_error": False,
                "xero_synced_at": fields.Datetime.now(),
            }
        )
        self._xero_after_sync(connection, result.data)
        self.env["xero.sync.log"]._record(
            connection,
            operation,
            "success",
            records=self,
            duration=duration,
            xero_ids={self.id: xero_id},
        )

    def _xero_missing_in(self, errors):
        """Whether Xero says the object this record points at does not exist."""
        own = "%s %s was not found" % (self._xero_id_field, self.xero_id)
        return any(own.lower() in error.lower() for error in errors)

    def _xero_forget_missing(self, connection, operation, duration):
        """Xero no longer holds the object this record pointed at: drop the link, so that the
        next sync looks for it again and creates it if it is really gone."""
        message = self.env._(
            "Xero no longer has %(record)s (deleted there, or the company was connected to "
            "another organisation). Press Sync to Xero to send it again.",
            record=self.display_name,
        )
        self._xero_write({"xero_id": False})
        self._xero_mark_error(connection, message, operation, duration)

    def _xero_id_field_attr(self):
        """``ContactID`` -> ``contact_id``: the SDK model's attribute."""
        name = self._xero_id_field
        return "".join("_" + c.lower() if c.isupper() else c for c in name[:-2]).lstrip("_") + "_id"

    def _xero_mark_error(self, connection, message, operation, duration=0.0):
        self._xero_write({"xero_state": "error", "xero_error": message})
        self.env["xero.sync.log"]._record(
            connection, operation, "error", message, records=self, duration=duration
        )

    def _xero_fail_all(self, connection, error, started):
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
        message = getattr(error, "message", None) or str(error)
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
            self.env.ref("xero_connector.ir_cron_xero_push").sudo()._trigger(
                at=fields.Datetime.now() + _minutes(TRANSIENT_RETRY_MINUTES)
            )
        return False


def _minutes(count):
    from datetime import timedelta

    return timedelta(minutes=count)
