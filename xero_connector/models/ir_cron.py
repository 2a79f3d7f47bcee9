# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..xero_client.cron_pass import begin_job, forget_passes


class IrCron(models.Model):
    _inherit = "ir.cron"

    @classmethod
    def _process_job(cls, cron_cr, job):
        # Odoo's cron worker runs every job of a pass with ``cron_cr``: a scheduled run of
        # the connector's knows from it when the pass it shares began (_xero_run_share_spent).
        begin_job(cron_cr)
        return super()._process_job(cron_cr, job)

    def method_direct_trigger(self):
        # Run by hand, with the caller's cursor: a pass of its own, however many before.
        forget_passes()
        return super().method_direct_trigger()
