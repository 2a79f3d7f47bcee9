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
        {
            content: "Preview what Xero would get",
            trigger: ".o_form_view .o_form_statusbar button[name=action_xero_preview]",
            run: "click",
        },
        {
            content: "The preview shows the order and Xero's total next to Odoo's",
            trigger: ".modal .o_xero_header:contains(Purchase order) ~ .o_xero_totals:contains(18.00)",
        },
        {
            content: "Close the preview",
            trigger: ".modal .modal-footer button:contains(Close)",
            run: "click",
        },
        {
            content: "Back to the list",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "The list's Xero column says the order is synced",
            trigger: ".o_list_view td[name=xero_state] .badge:text(Synced)",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter on the orders Xero refused",
            trigger: ".o_filter_menu .o-dropdown-item:contains(Xero: error)",
            run: "click",
        },
        {
            content: "None: the synced order is filtered out",
            trigger: ".o_view_nocontent, .o_list_view:not(:has(td[name=xero_state]))",
        },
    ],
});
