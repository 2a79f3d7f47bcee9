# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Xero's connection ID keeps its value under its new name (disconnecting needs it)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
        WHERE table_name = 'xero_connection' AND column_name = 'xero_connection_id'
        """
    )
    if cr.fetchone():
        cr.execute(
            "ALTER TABLE xero_connection RENAME COLUMN xero_connection_id TO xero_connection_uuid"
        )
