# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..controllers.webhook import WEBHOOK_PATH


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    xero_connection_id = fields.Many2one(related="company_id.xero_connection_id")
    # The connection's status; records have their own xero_state (their sync status).
    xero_connection_state = fields.Selection(
        related="xero_connection_id.state", string="Xero connection status"
    )
    xero_tenant_name = fields.Char(related="xero_connection_id.tenant_name")
    xero_token_expires_at = fields.Datetime(related="xero_connection_id.token_expires_at")
    xero_last_error = fields.Text(related="xero_connection_id.last_error")
    xero_waiting_message = fields.Char(
        related="xero_connection_id.waiting_message",
        string="Waiting for Xero",
        help="Records waiting to be sent while the company is not connected to Xero.",
    )
    xero_auth_method = fields.Selection(
        related="xero_connection_id.auth_method", readonly=False, groups="base.group_system"
    )
    xero_server_url = fields.Char(
        related="xero_connection_id.server_url", readonly=False, groups="base.group_system"
    )
    xero_client_id = fields.Char(
        related="xero_connection_id.client_id", readonly=False, groups="base.group_system"
    )
    xero_client_secret = fields.Char(
        related="xero_connection_id.client_secret", readonly=False, groups="base.group_system"
    )
    xero_webhook_key = fields.Char(
        related="xero_connection_id.webhook_key", readonly=False, groups="base.group_system"
    )
    xero_webhook_heard_at = fields.Datetime(related="xero_connection_id.webhook_heard_at")
    xero_webhook_url = fields.Char(
        string="Webhook delivery URL",
        compute="_compute_xero_webhook_url",
        help="Paste it in your app's Webhooks page in Xero's developer portal.",
    )
    xero_account_number_source = fields.Selection(
        related="xero_connection_id.account_number_source", readonly=False
    )

    xero_send_out_invoice = fields.Selection(
        related="xero_connection_id.send_out_invoice", readonly=False
    )
    xero_status_out_invoice = fields.Selection(
        related="xero_connection_id.status_out_invoice", readonly=False
    )
    xero_send_in_invoice = fields.Selection(
        related="xero_connection_id.send_in_invoice", readonly=False
    )
    xero_status_in_invoice = fields.Selection(
        related="xero_connection_id.status_in_invoice", readonly=False
    )
    xero_send_out_refund = fields.Selection(
        related="xero_connection_id.send_out_refund", readonly=False
    )
    xero_status_out_refund = fields.Selection(
        related="xero_connection_id.status_out_refund", readonly=False
    )
    xero_send_in_refund = fields.Selection(
        related="xero_connection_id.send_in_refund", readonly=False
    )
    xero_status_in_refund = fields.Selection(
        related="xero_connection_id.status_in_refund", readonly=False
    )
    xero_send_purchase_order = fields.Selection(
        related="xero_connection_id.send_purchase_order", readonly=False
    )
    xero_purchase_order_as = fields.Selection(
        related="xero_connection_id.purchase_order_as", readonly=False
    )
    xero_status_purchase_order = fields.Selection(
        related="xero_connection_id.status_purchase_order", readonly=False
    )
    xero_send_history_notes = fields.Boolean(
        related="xero_connection_id.send_history_notes", readonly=False
    )
    xero_send_attachments = fields.Boolean(
        related="xero_connection_id.send_attachments", readonly=False
    )
    xero_send_odoo_pdf = fields.Boolean(related="xero_connection_id.send_odoo_pdf", readonly=False)
    xero_followup_call_share = fields.Integer(
        related="xero_connection_id.followup_call_share", readonly=False
    )
    xero_payment_flow = fields.Selection(related="xero_connection_id.payment_flow", readonly=False)
    xero_webhook_poll_hours = fields.Integer(
        related="xero_connection_id.webhook_poll_hours", readonly=False
    )
    xero_push_every_minutes = fields.Integer(
        related="xero_connection_id.push_every_minutes", readonly=False
    )
    xero_day_call_limit = fields.Integer(
        related="xero_connection_id.day_call_limit", readonly=False
    )

    @api.model
    def default_get(self, fields_list):
        # The company's connection exists before Settings show its fields.
        self.env["xero.connection"]._for_company(self.env.company)
        return super().default_get(fields_list)

    def _compute_xero_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for settings in self:
            settings.xero_webhook_url = base.rstrip("/") + WEBHOOK_PATH

    def action_xero_connect(self):
        self.execute()
        return self.xero_connection_id.action_connect()

    def action_xero_open_health(self):
        return self.xero_connection_id.action_open_health()

    def action_xero_disconnect(self):
        return self.xero_connection_id.action_disconnect()

    def action_xero_import_contacts(self):
        return self.xero_connection_id.action_import_contacts()

    def action_xero_import_changes(self):
        return self.xero_connection_id.action_import_changes()

    def action_xero_open_mapping(self):
        return self.xero_connection_id.action_open_mapping()

    def action_xero_open_log(self):
        return self.env["ir.actions.act_window"]._for_xml_id("xero_connector.action_xero_sync_log")
