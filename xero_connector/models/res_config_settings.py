# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    xero_connection_id = fields.Many2one(related="company_id.xero_connection_id")
    xero_state = fields.Selection(related="xero_connection_id.state")
    xero_tenant_name = fields.Char(related="xero_connection_id.tenant_name")
    xero_token_expires_at = fields.Datetime(related="xero_connection_id.token_expires_at")
    xero_last_error = fields.Text(related="xero_connection_id.last_error")
    xero_server_url = fields.Char(
        related="xero_connection_id.server_url", readonly=False, groups="base.group_system"
    )
    xero_client_id = fields.Char(
        related="xero_connection_id.client_id", readonly=False, groups="base.group_system"
    )
    xero_client_secret = fields.Char(
        related="xero_connection_id.client_secret", readonly=False, groups="base.group_system"
    )
    xero_account_number_source = fields.Selection(
        related="xero_connection_id.account_number_source", readonly=False
    )

    @api.model
    def default_get(self, fields_list):
        # The company's connection exists before Settings show its fields.
        self.env["xero.connection"]._for_company(self.env.company)
        return super().default_get(fields_list)

    def action_xero_connect(self):
        self.execute()
        return self.xero_connection_id.action_connect()

    def action_xero_disconnect(self):
        return self.xero_connection_id.action_disconnect()

    def action_xero_import_contacts(self):
        return self.xero_connection_id.action_import_contacts()

    def action_xero_open_mapping(self):
        return self.xero_connection_id.action_open_mapping()

    def action_xero_open_log(self):
        return self.env["ir.actions.act_window"]._for_xml_id("xero_connector.action_xero_sync_log")
