/** @odoo-module **/
// Copyright 2026 xero_connector developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

const xeroState = ".o_form_view .o_field_widget[name=xero_state]";

registry.category("web_tour.tours").add("xero_connector_move_sync", {
    steps: () => [
        {
            content: "A draft invoice cannot be sent: no Sync to Xero button yet",
            trigger:
                ".o_form_view:has(.o_arrow_button_current:contains(Draft)):not(:has(button[name=action_xero_sync]))",
        },
        {
            content: "Confirm the invoice",
            trigger: ".o_form_view .o_form_statusbar button[name=action_post]:contains(Confirm)",
            run: "click",
        },
        {
            content: "The invoice is posted",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Posted)",
        },
        {
            content: "Open the Xero tab of the invoice",
            trigger: ".o_form_view .o_notebook .nav-link:contains(Xero)",
            run: "click",
        },
        {
            content: "The invoice is not in Xero yet",
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
            content: "Xero holds it as a draft",
            trigger: ".o_form_view .o_field_widget[name=xero_status]:text(Draft)",
        },
        {
            content: "Xero numbered it with the invoice's Odoo number",
            trigger: ".o_form_view .o_field_widget[name=xero_number]:contains(INV/)",
            run() {
                const number = this.anchor.textContent.trim();
                const name = document
                    .querySelector(".o_form_view .oe_title .o_field_widget[name=name]")
                    .textContent.trim();
                if (number !== name) {
                    throw new Error(`Xero number ${number} is not the invoice's ${name}`);
                }
            },
        },
        {
            content: "The link opens the invoice in Xero",
            trigger: ".o_form_view .o_field_widget[name=xero_url] a[href*='organisationlogin']",
        },
    ],
});
