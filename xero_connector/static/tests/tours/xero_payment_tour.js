/** @odoo-module **/
// Copyright 2026 xero_connector developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_utils";

const form = ".o_form_view";
const openXeroTab = () => ({
    content: "Open the Xero tab of the invoice",
    trigger: `${form} .o_notebook .nav-link:contains(Xero)`,
    run: "click",
});
const paymentRow = ".o_list_view .o_data_row:contains(Cent Customer Ltd)";

registry.category("web_tour.tours").add("xero_connector_payment", {
    steps: () => [
        openXeroTab(),
        {
            content: "Xero has the invoice approved, all of it due",
            trigger: `${form}:has(.o_field_widget[name=xero_status]:text(Approved)) .o_field_widget[name=xero_amount_due]:contains(360.00)`,
        },
        {
            content: "Press Pay",
            trigger: `${form} .o_form_statusbar button[name=action_register_payment]:contains(Pay)`,
            run: "click",
        },
        {
            content: "Choose the bank journal, the one mapped to Xero's account 090",
            trigger: ".modal .o_field_widget[name=journal_id] input",
            run: "edit Bank",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item:contains(Bank)",
            run: "click",
        },
        {
            content: "The whole invoice is paid",
            trigger: ".modal .o_field_widget[name=amount] input",
            run() {
                if (this.anchor.value !== "360.00") {
                    throw new Error(`The wizard pays ${this.anchor.value}, not 360.00`);
                }
            },
        },
        {
            content: "Create the payment",
            trigger: ".modal-footer button[name=action_create_payments]:contains(Create Payment)",
            run: "click",
        },
        {
            content: "The invoice is paid in Odoo",
            trigger: `body:not(:has(.modal)) ${form} .ribbon:contains(Paid)`,
        },
        // Run the push as an administrator can: Settings › Technical › Scheduled Actions.
        stepUtils.goToUrl("/odoo/action-base.ir_cron_act?debug=1"),
        {
            content: "Open the scheduled action that sends to Xero",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(Xero: send pending records)",
            run: "click",
        },
        {
            content: "Run it now",
            trigger: `${form} .o_form_statusbar button[name=method_direct_trigger]:contains(Run Manually)`,
            run: "click",
        },
        {
            // The form's buttons are disabled while the action runs.
            content: "It has run",
            trigger: `${form} .o_form_statusbar button[name=method_direct_trigger]:enabled`,
        },
        stepUtils.goToUrl("/odoo/action-xero_connector.action_xero_odoo_payment"),
        {
            content: "Payments to Xero: the payment of the invoice is in Xero",
            trigger: `${paymentRow}:has(.o_data_cell[name=move_id]:contains(INV/)):has(.o_data_cell[name=amount]:contains(360.00)) .o_data_cell[name=xero_state] .badge.text-bg-success:text(Synced)`,
        },
        // Xero's balances come back with the import: run it now, from Settings › Xero.
        stepUtils.goToUrl("/odoo/settings#xero_connector"),
        {
            content: "Import Xero's changes now",
            trigger: "button[name=action_xero_import_changes]",
            run: "click",
        },
        {
            content: "They are imported",
            trigger: ".o_notification:contains(Xero's changes are imported)",
        },
        stepUtils.goToUrl("/odoo/action-account.action_move_out_invoice_type"),
        {
            content: "Open the invoice again",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(Cent Customer Ltd)",
            run: "click",
        },
        openXeroTab(),
        {
            content: "Xero says it is paid, nothing due",
            trigger: `${form}:has(.o_field_widget[name=xero_status]:text(Paid)) .o_field_widget[name=xero_amount_due]`,
            run() {
                const due = this.anchor.textContent.replace(/[^\d.]/g, "");
                if (due !== "0.00") {
                    throw new Error(`Xero still has ${this.anchor.textContent} due`);
                }
            },
        },
    ],
});
