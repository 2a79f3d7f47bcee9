/** @odoo-module **/
// Copyright 2026 xero_connector developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("xero_connector_partner_sync", {
    steps: () => [
        {
            content: "Open the Xero tab of the partner",
            trigger: ".o_form_view .o_notebook .nav-link:contains(Xero)",
            run: "click",
        },
        {
            content: "The partner is not in Xero yet",
            trigger: ".o_field_widget[name=xero_state]:contains(Not synced)",
        },
        {
            content: "Press Sync to Xero",
            trigger: ".o_form_view button[name=action_xero_sync]",
            run: "click",
        },
        {
            content: "The status says synced",
            // :text() is an exact match; :contains(Synced) would also match "Not synced".
            trigger: ".o_field_widget[name=xero_state] .badge.text-bg-success:text(Synced)",
        },
        {
            content: "The link opens the contact in Xero",
            trigger: ".o_field_widget[name=xero_url] a[href*='organisationlogin']",
        },
    ],
});
