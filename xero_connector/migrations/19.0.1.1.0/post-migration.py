# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The contact and item watermarks move from the connection to the import cursors, so that
the next import goes on from where the last one got to instead of starting over."""

from psycopg2 import sql

OLD_WATERMARKS = {"contacts": "contacts_imported_at", "items": "items_imported_at"}


def migrate(cr, version):
    if not version:
        return
    for name, column in OLD_WATERMARKS.items():
        cr.execute(
            """
            SELECT 1 FROM information_schema.columns
            WHERE table_name = 'xero_connection' AND column_name = %s
            """,
            [column],
        )
        if not cr.fetchone():
            continue
        cr.execute(
            sql.SQL(
                """
                INSERT INTO xero_import_cursor (connection_id, company_id, name, watermark)
                SELECT id, company_id, %s, {column} FROM xero_connection
                ON CONFLICT (connection_id, name) DO NOTHING
                """
            ).format(column=sql.Identifier(column)),
            [name],
        )
