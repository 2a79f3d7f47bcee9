# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Record Xero's payments in Odoo (on or off) becomes where payments are recorded: a
company that recorded them keeps exactly that (Xero's into Odoo), one that did not keeps
each side's own. Neither starts sending Odoo's payments to Xero unasked."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
        WHERE table_name = 'xero_connection' AND column_name = 'record_payments'
        """
    )
    if not cr.fetchone():
        return
    cr.execute(
        """
        UPDATE xero_connection
        SET payment_flow = CASE WHEN record_payments THEN 'from_xero' ELSE 'none' END
        """
    )
