/** @odoo-module **/
// Copyright 2026 xero_connector developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

const xeroState = ".o_form_view .o_field_widget[name=xero_state]";

registry.category("web_tour.tours").add("xero_connector_purchase_order_sync", {
    steps: () => [
        {
            content: "A request for quotation cannot be sent: no Sync to Xero button yet",
            trigger:
                ".o_form_view:has(button#draft_confirm):not(:has(button[name=action_xero_sync]))",
        },
        {
            content: "Confirm the order",
            trigger: ".o_form_view .o_form_statusbar button#draft_confirm",
            run: "click",
        },
        {
            content: "Open the Xero tab of the order",
            trigger: ".o_form_view .o_notebook .nav-link:contains(Xero)",
            run: "click",
        },
        {
            content: "The order is not in Xero yet",
            trigger: `${xeroState}:text(Not synced)`,
        },
        {
            content: "Press Sync to Xero",
            trigger: ".o_form_view .o_form_statusbar button[name=action_xero_sync]",
            run: "click",
        },
        {
            // :text() is an exact match; :contains(Synced) would also match "Not synced".
            content: "The status says synced",
            trigger: `${xeroState} .badge.text-bg-success:text(Synced)`,
        },
        {
            content: "Xero holds it as a draft purchase order",
            trigger: ".o_form_view .o_field_widget[name=xero_status]:text(Draft)",
        },
        {
            content: "The link opens the purchase order in Xero",
            trigger: ".o_form_view .o_field_widget[name=xero_url] a[href*='organisationlogin']",
        },
    ],
});
