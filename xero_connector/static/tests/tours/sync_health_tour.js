/** @odoo-module **/
// Copyright 2026 xero_connector developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("xero_connector_sync_health", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Invoicing",
            trigger: ".o_app[data-menu-xmlid='account.menu_finance']",
            run: "click",
        },
        {
            content: "Open its Reporting menu",
            trigger: ".o_menu_sections [data-menu-xmlid='account.menu_finance_reports']",
            run: "click",
        },
        {
            content: "Open the Xero Sync Health dashboard",
            trigger: ".dropdown-item[data-menu-xmlid='xero_connector.menu_xero_sync_health']",
            run: "click",
        },
        {
            content: "The dashboard counts the contacts in error",
            trigger:
                ".o_xero_health_counts .o_data_row:contains(Contacts) .o_data_cell[name=error_count]:text(2)",
        },
        {
            content: "It counts Xero's calls against the day's limit",
            trigger: ".o_field_widget[name=day_call_limit]",
        },
        {
            content: "Follow the count to the contacts in error",
            trigger:
                ".o_xero_health_counts .o_data_row:contains(Contacts) button[name=action_open_errors]",
            run: "click",
        },
        {
            content: "The list holds them, with Xero's reason",
            trigger: ".o_list_view .o_data_row:contains(Health Two Ltd):contains(Xero refused the contact)",
        },
        {
            content: "Select them all",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Retry in bulk",
            trigger: "button[name=action_xero_sync]:contains(Retry)",
            run: "click",
        },
        {
            content: "Sent: none is left in error",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Health One Ltd)))",
        },
    ],
});
