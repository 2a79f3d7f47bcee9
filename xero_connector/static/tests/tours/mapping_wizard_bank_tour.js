/** @odoo-module **/
// Copyright 2026 xero_connector developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

const bankRow =
    ".modal .o_field_one2many[name=bank_line_ids] .o_data_row:contains('Business Bank Account')";

registry.category("web_tour.tours").add("xero_connector_mapping_wizard_bank", {
    steps: () => [
        {
            content: "Open the mapping wizard from Settings › Xero",
            trigger: "button[name=action_xero_open_mapping]",
            run: "click",
        },
        {
            content: "Go to the bank accounts",
            trigger: ".modal .o_notebook .nav-link:contains(Bank accounts)",
            run: "click",
        },
        {
            content: "The journal with the same account number was proposed",
            trigger: `${bankRow} .o_data_cell[name=journal_id]:contains(Main account)`,
            run: "click",
        },
        {
            content: "Look for another journal",
            trigger: `${bankRow} .o_field_widget[name=journal_id] input`,
            run: "edit s",
        },
        {
            content: "Only bank and cash journals are offered",
            trigger:
                ".o-autocomplete--dropdown-menu:has(.o-autocomplete--dropdown-item:contains(Petty cash)):not(:has(.o-autocomplete--dropdown-item:contains(Sales)))",
        },
        {
            content: "Choose the cash journal",
            trigger: ".o-autocomplete--dropdown-item:contains(Petty cash)",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".modal-footer button[name=action_apply]",
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
