# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Send the PDF and attachments became two settings: the files attached (still on by
default) and Odoo's PDF (off by default, Xero renders its own). A company that sent them
keeps sending both."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE xero_connection SET send_odoo_pdf = TRUE WHERE send_attachments")
