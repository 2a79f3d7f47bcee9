# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Row locks for workers that share records (scheduled actions, buttons)."""

from contextlib import contextmanager

import psycopg2

from odoo.tools import SQL

# What another transaction holding or having just changed the same rows looks like.
CONCURRENCY_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.DeadlockDetected,
)
# PostgreSQL's errors of a statement of a transaction of its own that met the caller's
# uncommitted rows: a foreign key to a row not committed yet, a lock the caller holds.
OWN_TRANSACTION_MISSES = (
    psycopg2.errors.ForeignKeyViolation,
    psycopg2.errors.LockNotAvailable,
)


@contextmanager
def own_transaction(env):
    """A cursor of its own, committed as the block ends, that waits at most 2 seconds for a
    lock: its statements may need a row the caller's transaction holds, and would otherwise
    wait for the caller, which waits for them."""
    with env.registry.cursor() as cr:
        cr.execute("SET LOCAL lock_timeout = '2s'")
        yield cr


def lock_quietly(records):
    """``try_lock_for_update()``: the rows no other transaction holds, locked for this one. A
    row another transaction changed since this one began counts as held: skipped without an
    error, where PostgreSQL would refuse to lock it and Odoo would log a bad query."""
    if not records:
        return records
    try:
        with records.env.cr.savepoint(flush=False):
            records.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED",
                    SQL.identifier(records._table),
                    tuple(records.ids),
                ),
                log_exceptions=False,
            )
            locked = {row[0] for row in records.env.cr.fetchall()}
    except psycopg2.errors.SerializationFailure:
        return records.browse()
    return records.filtered(lambda r: r.id in locked)
