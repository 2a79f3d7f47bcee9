# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What waits for Xero now goes together at most every hour by default (a call an hour, not
one per run of the scheduled action). A company that had its documents sent at every run
keeps that."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE xero_connection SET push_every_minutes = 0")
