# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..client_text import client_text
from ..locking import CONCURRENCY_ERRORS, OWN_TRANSACTION_MISSES, own_transaction
from ..xero_client.masking import mask

ACTIONS = [
    ("push", "Send pending records"),
    ("followups", "Send history notes and files"),
    ("import", "Import what changed in Xero"),
    ("webhooks", "Apply Xero's webhook events"),
    ("keep_alive", "Keep the authorisation alive"),
]
OUTCOMES = [
    ("running", "Running"),
    ("interrupted", "Interrupted"),
    ("nothing", "Nothing to do"),
    ("done", "Done"),
    ("waited", "Waited for Xero's limits"),
    ("retry", "Xero unavailable: will retry"),
    ("error", "Errors"),
]
# A run without an end this long after its start was killed (a worker's time limit, a
# restart): Odoo's cron threads and workers stop a job long before.
INTERRUPTED_AFTER = timedelta(hours=1)
KEEP_RUNS = timedelta(days=35)


class XeroRun(models.Model):
    """One connection's share of one run of a scheduled action, and how it went: what the
    sync log and the calls of the run say."""

    _name = "xero.run"
    _description = "Xero scheduled run"
    _order = "started_at desc, id desc"
    _rec_name = "action"

    connection_id = fields.Many2one(
        "xero.connection", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    action = fields.Selection(ACTIONS, required=True, readonly=True)
    started_at = fields.Datetime(required=True, readonly=True)
    finished_at = fields.Datetime(readonly=True)
    failure = fields.Text(readonly=True, help="What stopped the run, when something did.")
    outcome = fields.Selection(OUTCOMES, compute="_compute_outcome")
    summary = fields.Char(compute="_compute_outcome")
    calls = fields.Integer(string="Xero calls", compute="_compute_outcome")

    @api.model
    @contextmanager
    def _recording(self, connection, action):
        """Record the run of ``action`` for ``connection``: yields the connection in a
        context whose sync log entries and Xero calls belong to the run. The start and the
        end are committed on their own, so a run killed midway still shows."""
        run_id = self._begin(connection, action)
        if run_id and self.env.context.get("cron_id"):
            # A new snapshot, that sees the run committed on its own: its sync log names it.
            self.env["ir.cron"]._commit_progress()
        try:
            yield connection.with_context(xero_run_id=run_id)
        except CONCURRENCY_ERRORS:
            self._end(run_id, self._another_worker_message())
            raise
        except Exception as error:
            self._end(run_id, client_text(self.env, mask(str(error))) or type(error).__name__)
            raise
        self._end(run_id)

    @api.model
    def _another_worker_message(self):
        return self.env._(
            "Another Odoo worker was changing the same records at the same moment: what was "
            "left goes at the next run."
        )

    @api.model
    def _begin(self, connection, action):
        now = fields.Datetime.now()
        query = SQL(
            """INSERT INTO xero_run (connection_id, company_id, action, started_at, create_uid,
                                    create_date)
               VALUES (%s, %s, %s, %s, %s, %s) RETURNING id""",
            connection.id,
            connection.company_id.id,
            action,
            now,
            self.env.uid,
            now,
        )
        try:
            with own_transaction(self.env) as cr:
                cr.execute(query, log_exceptions=False)
                return cr.fetchone()[0]
        except OWN_TRANSACTION_MISSES:
            return None  # a connection not committed yet: its run goes unrecorded

    @api.model
    def _still_recorded(self, connection):
        """``connection``, out of its run when a rollback took the run's row back: a run
        begun in the transaction that rolled back (Odoo's test cursor is one transaction)."""
        run_id = connection.env.context.get("xero_run_id")
        if run_id and not self.sudo().browse(run_id).exists():
            return connection.with_context(xero_run_id=False)
        return connection

    @api.model
    def _end(self, run_id, failure=None):
        if not run_id:
            return
        with own_transaction(self.env) as cr:
            cr.execute(
                SQL(
                    "UPDATE xero_run SET finished_at = %s, failure = %s WHERE id = %s",
                    fields.Datetime.now(),
                    failure,
                    run_id,
                )
            )
        self.browse(run_id).invalidate_recordset(["finished_at", "failure"])

    @api.depends("started_at", "finished_at", "failure")
    def _compute_outcome(self):
        logs = self._logs_by_outcome()
        calls = dict(
            self.env["xero.call"]
            .sudo()
            ._read_group([("run_id", "in", self.ids)], ["run_id"], ["__count"])
        )
        for run in self:
            counts = {outcome: count for (run_, outcome), count in logs.items() if run_ == run}
            run.calls = calls.get(run, 0)
            run.outcome = run._outcome_of(counts)
            run.summary = run._summary_of(counts)

    def _logs_by_outcome(self):
        groups = (
            self.env["xero.sync.log"]
            .sudo()
            ._read_group([("run_id", "in", self.ids)], ["run_id", "outcome"], ["__count"])
        )
        return {(run, outcome): count for run, outcome, count in groups}

    def _outcome_of(self, counts):
        if not self.finished_at:
            late = self.started_at < fields.Datetime.now() - INTERRUPTED_AFTER
            return "interrupted" if late else "running"
        if self.failure or counts.get("error"):
            return "error"
        if counts.get("rate_limited"):
            return "waited"
        if counts.get("retry"):
            return "retry"
        return "done" if counts or self.calls else "nothing"

    def _summary_of(self, counts):
        labels = dict(self.env["xero.sync.log"]._fields["outcome"]._description_selection(self.env))
        parts = ["%s %s" % (count, labels[outcome]) for outcome, count in sorted(counts.items())]
        return ", ".join(parts + ([self.failure] if self.failure else []))

    @api.autovacuum
    def _gc_old_runs(self):
        self.sudo().search([("started_at", "<", fields.Datetime.now() - KEEP_RUNS)]).unlink()
