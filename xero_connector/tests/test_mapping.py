# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo import Command
from odoo.sql_db import Cursor
from odoo.tests import tagged

from .common import XeroCase


class MappingCase(XeroCase):
    def tax(self, name, amount, use):
        return self.env["account.tax"].create(
            {
                "name": name,
                "amount": amount,
                "amount_type": "percent",
                "type_tax_use": use,
                "company_id": self.env.company.id,
            }
        )

    def open_wizard(self):
        action = self.connection.action_open_mapping()
        return self.env["xero.mapping.wizard"].browse(action["res_id"])

    def map_accounts(self):
        """Map the accounts products use by default to Xero's Sales and Purchases."""
        accounts = self.env["xero.account"].search([("connection_id", "=", self.connection.id)])
        sales = accounts.filtered(lambda a: a.code == "200")
        purchases = accounts.filtered(lambda a: a.code == "300")
        product_accounts = self.env["product.template"]._get_product_accounts()
        product_accounts["income"].xero_account_id = sales
        product_accounts["expense"].xero_account_id = purchases
        self.connection.write(
            {"xero_sales_account_id": sales.id, "xero_purchase_account_id": purchases.id}
        )

    def xero_rate(self, tax_type):
        return self.env["xero.tax.rate"].search(
            [("connection_id", "=", self.connection.id), ("tax_type", "=", tax_type)]
        )


@tagged("post_install", "-at_install")
class TestMappingUK(MappingCase):
    def test_import_and_automatic_matching(self):
        sale = self.tax("20% S", 20, "sale")
        purchase = self.tax("VAT 20% (purchases)", 20, "purchase")
        reduced = self.tax("5% S", 5, "sale")
        wizard = self.open_wizard()
        connection = self.connection
        self.assertEqual(
            set(
                self.env["xero.tax.rate"]
                .search([("connection_id", "=", connection.id)])
                .mapped("tax_type")
            ),
            {
                "OUTPUT2",
                "INPUT2",
                "RROUTPUT",
                "RRINPUT",
                "ZERORATEDOUTPUT",
                "ZERORATEDINPUT",
                "EXEMPTOUTPUT",
                "EXEMPTINPUT",
                "CAPEXINPUT2",
                "NONE",
            },
        )
        self.assertIn(
            "200",
            self.env["xero.account"].search([("connection_id", "=", connection.id)]).mapped("code"),
        )
        categories = self.env["xero.tracking.category"].search(
            [("connection_id", "=", connection.id)]
        )
        self.assertEqual(set(categories.mapped("name")), {"Region", "Department"})
        self.assertIn("North", categories.option_ids.mapped("name"))
        self.assertEqual(
            set(
                self.env["xero.currency"]
                .search([("connection_id", "=", connection.id)])
                .mapped("code")
            ),
            {"GBP", "EUR", "USD"},
        )
        self.assertEqual((sale.xero_tax_rate_id.tax_type, sale.xero_tax_match), ("OUTPUT2", "rate"))
        self.assertEqual(purchase.xero_tax_rate_id.tax_type, "INPUT2")
        self.assertEqual(reduced.xero_tax_rate_id.tax_type, "RROUTPUT")
        line = wizard.tax_line_ids.filtered(lambda t: t.tax_id == sale)
        self.assertEqual(line.xero_tax_rate_id.tax_type, "OUTPUT2")

    def test_odoos_generic_chart_gets_proposals_for_its_defaults_and_zero_taxes(self):
        """Odoo's generic chart against the UK organisation: the default income and expense
        accounts and the 0% taxes get a Xero account and tax rate, so that a document using
        them can be sent; its 15% taxes have no counterpart, and the wizard says so."""
        company = self.env.company

        def account(code):
            return (
                self.env["account.account"]
                .with_company(company)
                .search([("code", "=", code), ("company_ids", "in", company.id)])
            )

        def chart_tax(name, use):
            return self.env["account.tax"].search(
                [("name", "=", name), ("type_tax_use", "=", use), ("company_id", "=", company.id)]
            )

        exports, imports = chart_tax("0% Exports", "sale"), chart_tax("0% Imports", "purchase")
        standard = chart_tax("15%", "sale") | chart_tax("15%", "purchase")
        if company.chart_template != "generic_coa" or not (exports and imports and standard):
            self.skipTest("the database's chart is not Odoo's generic one")
        income, cost_of_sales = account("400000"), account("500000")
        self.assertEqual(company.income_account_id, income)
        wizard = self.open_wizard()
        self.assertEqual(income.with_company(company).xero_account_id.code, "200")  # Sales
        self.assertEqual(cost_of_sales.with_company(company).xero_account_id.code, "310")
        expense = company.expense_account_id.with_company(company)
        self.assertIn(expense.xero_account_id.code, ("300", "310", "429"))
        self.assertEqual(exports.xero_tax_rate_id.tax_type, "ZERORATEDOUTPUT")
        self.assertEqual(imports.xero_tax_rate_id.tax_type, "ZERORATEDINPUT")
        self.assertEqual(exports.xero_tax_match, "kind")
        self.assertFalse(standard.xero_tax_rate_id, "there is no 15% rate in the UK")
        self.assertIn("Nothing in Xero was found to fit these", wizard.warning)
        self.assertIn("15%", wizard.warning.split("Nothing in Xero")[1])
        self.assertNotIn("0% Exports", wizard.warning)
        # A product on these defaults can be sent.
        product = self.env["product.product"].create(
            {
                "name": "Export widget",
                "default_code": "EXP-1",
                "taxes_id": [Command.set(exports.ids)],
                "supplier_taxes_id": [Command.set(imports.ids)],
            }
        )
        product.action_xero_sync()
        self.assertEqual(product.xero_state, "synced", product.xero_error)
        [item] = [
            i for i in self.sandbox.held(self.tenant["tenantId"], "Items") if i["Code"] == "EXP-1"
        ]
        self.assertEqual(item["SalesDetails"]["AccountCode"], "200")
        self.assertEqual(item["SalesDetails"]["TaxType"], "ZERORATEDOUTPUT")
        self.assertEqual(item["PurchaseDetails"]["TaxType"], "ZERORATEDINPUT")

    def test_analytic_plans_map_to_at_most_two_tracking_categories(self):
        plans = self.env["account.analytic.plan"]
        region = plans.create({"name": "Region"})
        department = plans.create({"name": "Department"})
        projects = plans.create({"name": "Projects"})
        analytic = self.env["account.analytic.account"]
        north = analytic.create({"name": "North", "plan_id": region.id})
        sales = analytic.create({"name": "Sales", "plan_id": department.id})
        unmatched = analytic.create({"name": "Nowhere", "plan_id": region.id})
        analytic.create({"name": "Apollo", "plan_id": projects.id})
        self.open_wizard()
        self.assertEqual(region.xero_tracking_category_id.name, "Region")
        self.assertEqual(department.xero_tracking_category_id.name, "Department")
        self.assertFalse(projects.xero_tracking_category_id)
        self.assertEqual(north.xero_tracking_option_id.name, "North")
        self.assertEqual(sales.xero_tracking_option_id.name, "Sales")
        mapping = self.env["xero.mapping"]
        tracking = mapping._tracking(self.connection, {"%d,%d" % (north.id, sales.id): 100})
        self.assertEqual(
            sorted((t["Name"], t["Option"]) for t in tracking),
            [("Department", "Sales"), ("Region", "North")],
        )
        with self.assertRaisesRegex(
            Exception,
            "Analytic account 'Nowhere' has no Xero tracking option: map it in Settings › Xero.",
        ):
            mapping._tracking(self.connection, {str(unmatched.id): 100})

    def test_a_correction_survives_a_refresh(self):
        sale = self.tax("20% S", 20, "sale")
        wizard = self.open_wizard()
        line = wizard.tax_line_ids.filtered(lambda t: t.tax_id == sale)
        line.xero_tax_rate_id = self.xero_rate("ZERORATEDOUTPUT")
        wizard.action_apply()
        self.assertEqual(
            (sale.xero_tax_rate_id.tax_type, sale.xero_tax_match), ("ZERORATEDOUTPUT", "manual")
        )
        action = wizard.action_refresh()
        refreshed = self.env["xero.mapping.wizard"].browse(action["res_id"])
        self.assertEqual(sale.xero_tax_rate_id.tax_type, "ZERORATEDOUTPUT")
        self.assertEqual(
            refreshed.tax_line_ids.filtered(lambda t: t.tax_id == sale).xero_tax_rate_id.tax_type,
            "ZERORATEDOUTPUT",
        )
        self.connection.action_open_mapping()
        self.assertEqual(sale.xero_tax_rate_id.tax_type, "ZERORATEDOUTPUT")

    def test_an_unmapped_tax_stops_the_product_with_a_clear_error(self):
        odd = self.tax("VAT 7% (purchases)", 7, "purchase")
        self.open_wizard()
        self.assertFalse(odd.xero_tax_rate_id)
        self.map_accounts()
        product = self.env["product.product"].create(
            {
                "name": "Odd tax widget",
                "default_code": "ODD-1",
                "taxes_id": [],
                "supplier_taxes_id": [Command.set(odd.ids)],
            }
        )
        product.action_xero_sync()
        self.assertEqual(product.xero_state, "error")
        self.assertEqual(
            product.xero_error,
            "Tax 'VAT 7% (purchases)' has no Xero tax rate: map it in Settings › Xero.",
        )
        self.assertEqual(self.sandbox.held(self.tenant["tenantId"], "Items"), [])

    def test_an_unmapped_account_is_an_error_even_with_a_default(self):
        self.open_wizard()
        self.map_accounts()
        income = self.env["account.account"].create(
            {"name": "Consulting income", "code": "400999", "account_type": "income"}
        )
        product = self.env["product.product"].create(
            {
                "name": "Advice",
                "default_code": "ADV-2",
                "purchase_ok": False,
                "taxes_id": [],
                "property_account_income_id": income.id,
            }
        )
        product.action_xero_sync()
        self.assertEqual(product.xero_state, "error")
        self.assertIn("Account '400999 Consulting income' has no Xero account", product.xero_error)

    def test_open_documents_using_unmapped_taxes_are_warned_about(self):
        odd = self.tax("Odd 3%", 3, "sale")
        partner = self.env["res.partner"].create({"name": "Customer"})
        self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Service",
                            "quantity": 1,
                            "price_unit": 100,
                            "tax_ids": [Command.set(odd.ids)],
                        }
                    )
                ],
            }
        )
        wizard = self.open_wizard()
        self.assertIn("Odd 3%", wizard.warning)
        self.assertTrue(wizard.tax_line_ids.filtered(lambda t: t.tax_id == odd).used)

    def _open_documents_with_unmapped_uses(self, line_count):
        """An invoice of ``line_count`` lines and a purchase order, using an account, taxes
        and an analytic account that have no Xero mapping; a cancelled invoice using another
        unmapped tax. Returns what is unmapped and used."""
        plans = self.env["account.analytic.plan"]
        region = plans.create({"name": "Region"})
        nowhere = self.env["account.analytic.account"].create(
            {"name": "Nowhere", "plan_id": region.id}
        )
        north = self.env["account.analytic.account"].create({"name": "North", "plan_id": region.id})
        odd_account = self.env["account.account"].create(
            {"name": "Zzyzx gains", "code": "499999", "account_type": "income"}
        )
        odd_sale, odd_purchase, cancelled = (
            self.tax("Odd 3%", 3, "sale"),
            self.tax("Odd 4% P", 4, "purchase"),
            self.tax("Odd 6%", 6, "sale"),
        )
        mapped_sale = self.tax("20% S", 20, "sale")
        self.open_wizard()
        self.assertEqual(region.xero_tracking_category_id.name, "Region")
        partner = self.env["res.partner"].create({"name": "Customer"})
        lines = [
            Command.create(
                {
                    "name": "Mapped %s" % i,
                    "quantity": 1,
                    "price_unit": 10,
                    "tax_ids": [Command.set(mapped_sale.ids)],
                    "analytic_distribution": {str(north.id): 100},
                }
            )
            for i in range(line_count - 1)
        ]
        lines.append(
            Command.create(
                {
                    "name": "Odd",
                    "quantity": 1,
                    "price_unit": 100,
                    "account_id": odd_account.id,
                    "tax_ids": [Command.set(odd_sale.ids)],
                    "analytic_distribution": {"%s,%s" % (north.id, nowhere.id): 100},
                }
            )
        )
        invoices = self.env["account.move"].create(
            [
                {"move_type": "out_invoice", "partner_id": partner.id, "invoice_line_ids": lines},
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Gone",
                                "price_unit": 5,
                                "tax_ids": [Command.set(cancelled.ids)],
                            }
                        )
                    ],
                },
            ]
        )
        invoices[1].button_cancel()
        product = self.env["product.product"].create({"name": "Bolt", "purchase_ok": True})
        self.env["purchase.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_qty": 1,
                            "price_unit": 3,
                            "tax_ids": [Command.set(odd_purchase.ids)],
                            "analytic_distribution": {str(nowhere.id): 100},
                        }
                    )
                ],
            }
        )
        return {
            "accounts": odd_account,
            "taxes": odd_sale | odd_purchase,
            "analytics": nowhere,
        }

    def test_every_kind_of_unmapped_use_in_open_documents_is_found(self):
        expected = self._open_documents_with_unmapped_uses(line_count=3)
        unmapped = self.env["xero.mapping"]._unmapped_in_open_documents(self.connection)
        self.assertEqual(unmapped["accounts"], expected["accounts"])
        self.assertEqual(unmapped["taxes"], expected["taxes"])
        self.assertEqual(unmapped["analytics"], expected["analytics"])
        warning = self.env["xero.mapping.wizard"]._warning_text(unmapped)
        for name in ("Zzyzx gains", "Odd 3%", "Odd 4% P", "Nowhere"):
            self.assertIn(name, warning)
        self.assertNotIn("Odd 6%", warning, "a cancelled invoice is not open")

    def test_finding_unmapped_uses_does_not_read_every_open_line(self):
        """However many open lines there are, the database sends the same few rows: one per
        account, tax or analytic account in use, never one per line."""
        self._open_documents_with_unmapped_uses(line_count=40)
        mapping = self.env["xero.mapping"]
        execute = Cursor.execute

        def rows_read():
            rows = []

            def counting(cr, *args, **kwargs):
                result = execute(cr, *args, **kwargs)
                if cr._obj.description is not None:
                    rows.append(cr._obj.rowcount)
                return result

            self.env.invalidate_all()
            with patch.object(Cursor, "execute", counting):
                mapping._unmapped_in_open_documents(self.connection)
            return sum(rows)

        with_many_lines = rows_read()
        invoice = self.env["account.move"].search([("invoice_line_ids.name", "=", "Mapped 0")])
        invoice.invoice_line_ids.filtered(lambda line: line.name.startswith("Mapped"))[2:].unlink()
        self.assertEqual(len(invoice.invoice_line_ids.filtered("name")), 3)
        self.assertEqual(with_many_lines, rows_read())

    def test_connecting_another_organisation_forgets_the_previous_links(self):
        sale = self.tax("20% S", 20, "sale")
        self.open_wizard()
        partner = self.env["res.partner"].create({"name": "Moving Ltd", "is_company": True})
        partner.action_xero_sync()
        self.assertEqual(partner.xero_state, "synced")
        self.connection.action_disconnect()
        self.tenant = self.sandbox.tenant("AU")
        self.connect()
        self.assertEqual(self.connection.tenant_name, "Demo Company (AU)")
        self.assertFalse(partner.xero_id)
        self.assertEqual(partner.xero_state, "not_synced")
        self.assertFalse(sale.xero_tax_rate_id)
        self.assertFalse(
            self.env["xero.tax.rate"].search([("connection_id", "=", self.connection.id)])
        )
        partner.action_xero_sync()
        self.assertEqual([c["Name"] for c in self.held_contacts()], ["Moving Ltd"])

    def test_mappings_belong_to_their_company(self):
        self.open_wizard()
        other = self.env["res.company"].create({"name": "Other Co"})
        other_connection = self.env["xero.connection"]._for_company(other)
        self.assertFalse(
            self.env["xero.account"].search([("connection_id", "=", other_connection.id)])
        )
        income = self.env["account.account"].search(
            [("company_ids", "in", self.env.company.id), ("account_type", "=", "income")], limit=1
        )
        income.with_company(self.env.company).xero_account_id = self.env["xero.account"].search(
            [("connection_id", "=", self.connection.id)], limit=1
        )
        self.assertFalse(income.with_company(other).xero_account_id)


@tagged("post_install", "-at_install")
class TestMappingAU(MappingCase):
    tenant_country = "AU"

    def test_import_and_automatic_matching_in_australia(self):
        sale = self.tax("10% GST S", 10, "sale")
        purchase = self.tax("10% GST P", 10, "purchase")
        self.open_wizard()
        self.assertEqual(self.connection.tenant_currency, "AUD")
        self.assertEqual(sale.xero_tax_rate_id.tax_type, "OUTPUT")
        self.assertEqual(purchase.xero_tax_rate_id.tax_type, "INPUT")
        self.assertEqual(
            set(
                self.env["xero.tracking.category"]
                .search([("connection_id", "=", self.connection.id)])
                .mapped("name")
            ),
            {"Region", "Business Unit"},
        )
        self.assertFalse(self.xero_rate("OUTPUT2"), "the UK rates are not this organisation's")

    def test_purchases_for_input_taxed_sales_are_left_to_map_with_a_hint(self):
        """l10n_au's "10% INP" (GST paid, not claimed back) is not Xero's 0% Input Taxed:
        nothing is proposed, and the wizard says what Xero lacks."""
        inp_purchase = self.tax("10% INP", 10, "purchase")
        inp_purchase.write(
            {
                "description": "Purchases for Input Taxed Sales",
                "invoice_label": "10% Purchases for Input Taxed Sales",
            }
        )
        inp_sale = self.tax("0% INP", 0, "sale")
        inp_sale.write({"description": "Input Taxed Sales", "invoice_label": "0% Input Taxed"})
        odd = self.tax("15% GST S", 15, "sale")
        wizard = self.open_wizard()
        self.assertFalse(inp_purchase.xero_tax_rate_id)
        self.assertEqual(inp_sale.xero_tax_rate_id.tax_type, "INPUTTAXED")
        self.assertFalse(odd.xero_tax_rate_id)
        left_to_map = wizard.warning.split("Nothing in Xero was found to fit these")[1]
        self.assertIn(
            "\n- 10% INP (Xero has no 10% rate for input-taxed purchases: create one in Xero, "
            "or map it by hand)",
            left_to_map,
        )
        self.assertIn("\n- 15% GST S (Xero has no 15% rate for sales", left_to_map)
        self.assertNotIn("- 0% INP", left_to_map)


@tagged("post_install", "-at_install")
class TestProductsAsItems(MappingCase):
    def _seed(self):
        return True

    def setUp(self):
        super().setUp()
        self.sale_tax = self.tax("20% S", 20, "sale")
        self.purchase_tax = self.tax("20% P", 20, "purchase")

    def test_items_are_imported_without_duplicating_products(self):
        desk = self.env["product.product"].create(
            {"name": "Desk (Odoo)", "default_code": "DESK-01"}
        )
        self.open_wizard()
        items = self.sandbox.held(self.tenant["tenantId"], "Items")
        products = self.env["product.product"].search(
            [("default_code", "in", [i["Code"] for i in items])]
        )
        self.assertEqual(len(products), len(items))
        self.assertIn(desk, products)
        self.assertEqual(desk.xero_id, next(i["ItemID"] for i in items if i["Code"] == "DESK-01"))
        self.assertEqual(set(products.mapped("xero_state")), {"synced"})
        count = self.env["product.product"].search_count([])
        self.connection.action_open_mapping()
        self.assertEqual(self.env["product.product"].search_count([]), count)

    def test_300_products_are_exported_in_6_write_calls(self):
        self.open_wizard()
        self.map_accounts()
        products = self.env["product.product"].create(
            [
                {
                    "name": "Widget %03d" % i,
                    "default_code": "W-%03d" % i,
                    "list_price": 10 + i,
                    "standard_price": 4,
                    "taxes_id": [Command.set(self.sale_tax.ids)],
                    "supplier_taxes_id": [Command.set(self.purchase_tax.ids)],
                    "description_sale": "Widget for sale",
                }
                for i in range(300)
            ]
        )
        products.action_xero_sync()
        self.run_push_cron()
        self.assertEqual(set(products.mapped("xero_state")), {"synced"})
        self.assertEqual(self.sandbox.calls().get("POST Items"), 6)
        held = {i["Code"]: i for i in self.sandbox.held(self.tenant["tenantId"], "Items")}
        item = held["W-007"]
        self.assertEqual(item["Name"], "Widget 007")
        self.assertEqual(item["Description"], "Widget for sale")
        self.assertEqual(item["SalesDetails"]["UnitPrice"], 17.0)
        self.assertEqual(item["SalesDetails"]["AccountCode"], "200")
        self.assertEqual(item["SalesDetails"]["TaxType"], "OUTPUT2")
        self.assertEqual(item["PurchaseDetails"]["AccountCode"], "300")
        self.assertEqual(item["PurchaseDetails"]["TaxType"], "INPUT2")

    def test_prices_keep_four_decimals_in_xero(self):
        self.env.ref("product.decimal_price").digits = 4
        self.open_wizard()
        self.map_accounts()
        product = self.env["product.product"].create(
            {
                "name": "Screw",
                "default_code": "SCR-1",
                "list_price": 0.1234,
                "taxes_id": [],
                "supplier_taxes_id": [],
                "standard_price": 0.0567,
            }
        )
        product.action_xero_sync()
        held = {i["Code"]: i for i in self.sandbox.held(self.tenant["tenantId"], "Items")}
        self.assertEqual(held["SCR-1"]["SalesDetails"]["UnitPrice"], 0.1234)
        self.assertEqual(held["SCR-1"]["PurchaseDetails"]["UnitPrice"], 0.0567)

    def test_a_category_mapping_comes_before_the_defaults(self):
        self.open_wizard()
        self.map_accounts()
        category = self.env["product.category"].create({"name": "Consulting"})
        category.xero_sales_account_id = self.env["xero.account"].search(
            [("connection_id", "=", self.connection.id), ("code", "=", "260")]
        )
        product = self.env["product.product"].create(
            {
                "name": "Advice",
                "default_code": "ADV",
                "categ_id": category.id,
                "purchase_ok": False,
                "taxes_id": [Command.set(self.sale_tax.ids)],
            }
        )
        product.action_xero_sync()
        held = {i["Code"]: i for i in self.sandbox.held(self.tenant["tenantId"], "Items")}
        self.assertEqual(held["ADV"]["SalesDetails"]["AccountCode"], "260")
        self.assertEqual(product.xero_state, "synced")
