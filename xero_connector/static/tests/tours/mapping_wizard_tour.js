/** @odoo-module **/
// Copyright 2026 xero_connector developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

const taxRow = ".modal .o_field_one2many[name=tax_line_ids] .o_data_row:contains('20% S')";

registry.category("web_tour.tours").add("xero_connector_mapping_wizard", {
    steps: () => [
        {
            content: "Open the mapping wizard from Settings › Xero",
            trigger: "button[name=action_xero_open_mapping]",
            run: "click",
        },
        {
            content: "Go to the taxes",
            trigger: ".modal .o_notebook .nav-link:contains(Taxes)",
            run: "click",
        },
        {
            content: "The sales tax was matched by rate",
            trigger: `${taxRow} .o_data_cell[name=xero_tax_rate_id]:contains(OUTPUT2)`,
            run: "click",
        },
        {
            content: "Choose another Xero rate",
            trigger: `${taxRow} .o_field_widget[name=xero_tax_rate_id] input`,
            run: "edit Zero Rated Income",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item:contains(Zero Rated Income)",
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
