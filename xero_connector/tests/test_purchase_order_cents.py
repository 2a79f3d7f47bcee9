# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's totals and Xero's, to the cent, for purchase orders: a generated set of awkward
confirmed orders sent as Xero purchase orders (unit prices to 2 decimals, no discount) and
as bills (unit prices to 4 decimals), under both tax rounding methods, compared one by one."""

import logging
import random
from decimal import Decimal

from odoo import Command
from odoo.tests import tagged

from .test_move_cents import DISCOUNTS, EUR_RATE, QUANTITIES, RATES, cents, odoo_cents
from .test_move_sync import DocumentCase

_logger = logging.getLogger(__name__)

SEED = 20261204
MODES = ("purchase_order", "bill")
# Four batches of 64 orders, the company's rounding switched between them; in each, half the
# orders go as Xero purchase orders and half as bills.
BATCHES = ("round_per_line", "round_globally", "round_per_line", "round_globally")
PER_BATCH = 64
XERO_TAX_TYPES = {20: "INPUT2", 5: "RRINPUT", 0: "ZERORATEDINPUT"}


@tagged("post_install", "-at_install")
class TestPurchaseOrderCents(DocumentCase):
    """Xero's SubTotal, TotalTax and Total equal Odoo's amount_untaxed, amount_tax and
    amount_total for every confirmed order, whichever way it goes to Xero."""

    def setUp(self):
        super().setUp()
        self.env.ref("product.decimal_price").digits = 4
        self.env.ref("uom.decimal_product_uom").digits = 3
        self.company = self.env.company
        self.connection.write({"send_history_notes": False, "send_attachments": False})
        self.taxes = {}
        for rate, tax_type in XERO_TAX_TYPES.items():
            for included in (False, True):
                self.taxes[rate, included] = self.mapped_tax(
                    "Cents %s%% purchase%s" % (rate, " incl." if included else ""),
                    rate,
                    "purchase",
                    tax_type,
                    **({"price_include_override": "tax_included"} if included else {}),
                )
        self.product = self.env["product.product"].create(
            {
                "name": "Awkward goods",
                "taxes_id": False,
                "supplier_taxes_id": False,
                "purchase_method": "purchase",
            }
        )
        self.eur = self.env.ref("base.EUR")
        self.eur.active = True
        gbp = self.env.ref("base.GBP")
        self.env["res.currency.rate"].search([("currency_id", "in", (self.eur | gbp).ids)]).unlink()
        self.env["res.currency.rate"].create(
            {
                "currency_id": self.eur.id,
                "company_id": self.company.id,
                "name": "2026-01-01",
                "rate": EUR_RATE,
            }
        )

    # -- generating orders ---------------------------------------------------------------------
    def awkward_line(self, rng, included):
        rate = rng.choice(RATES)
        quantity = rng.choice(QUANTITIES)
        price = rng.randint(1, 999999) / rng.choice((100, 1000, 10000))  # 2 to 4 decimals
        return {
            "product_id": self.product.id,
            "name": "Awkward %s x %s" % (quantity, price),
            "product_qty": quantity,
            "price_unit": price,
            "discount": rng.choice(DISCOUNTS),
            "tax_ids": [Command.set(self.taxes[rate, included].ids)],
        }

    def awkward_orders(self, rng, count):
        """Values of ``count`` orders: about one in three with taxes included in the prices,
        one in four in euros, some with a rebate (a negative line), a section or a note."""
        orders = []
        for _ in range(count):
            included = rng.random() < 0.35
            lines = [self.awkward_line(rng, included) for _ in range(rng.randint(1, 8))]
            gross = sum(
                x["product_qty"] * x["price_unit"] * (1 - x["discount"] / 100) for x in lines
            )
            if len(lines) > 1 and gross > 1 and rng.random() < 1 / 8:
                rebate = self.awkward_line(rng, included)
                rebate.update(
                    name="Rebate",
                    product_qty=1,
                    price_unit=-round(gross * rng.uniform(0.01, 0.3), 4),
                    discount=0,
                )
                lines.insert(rng.randint(0, len(lines)), rebate)
            for display_type in ("line_section", "line_note"):
                if rng.random() < 1 / 8:
                    lines.insert(
                        rng.randint(0, len(lines)),
                        {"display_type": display_type, "name": "Part", "product_qty": 0},
                    )
            values = {
                "partner_id": self.vendor.id,
                "order_line": [Command.create(line) for line in lines],
            }
            if rng.random() < 0.25:
                values["currency_id"] = self.eur.id
            orders.append(values)
        return orders

    def send_as(self, orders, mode):
        """Send these orders as the company says ``mode``: 50 at once, the rest in the
        background."""
        self.connection.purchase_order_as = mode
        orders.action_xero_sync()
        self.run_push_cron()

    def generate_and_send(self, rounding_methods=BATCHES, per_batch=PER_BATCH, seed=SEED):
        """Confirmed orders, batch by batch, each created, confirmed and sent under its
        batch's rounding method, half of them as Xero purchase orders and half as bills;
        {order: (its rounding method, how it went)}."""
        rng = random.Random(seed)
        made = {}
        for method in rounding_methods:
            self.company.tax_calculation_rounding_method = method
            orders = self.env["purchase.order"].create(self.awkward_orders(rng, per_batch))
            orders.button_confirm()
            halves = {mode: orders.browse() for mode in MODES}
            for position, order in enumerate(orders):
                mode = MODES[position % 2]
                halves[mode] |= order
                made[order] = (method, mode)
            for mode, half in halves.items():
                self.send_as(half, mode)
        return made

    # -- checking them -------------------------------------------------------------------------
    def held_by_id(self):
        held = {d["PurchaseOrderID"]: d for d in self.held("PurchaseOrders")}
        held.update({d["InvoiceID"]: d for d in self.held("Invoices")})
        return held

    @staticmethod
    def describe(order, method, mode):
        lines = "; ".join(
            "%s x %s less %s%% %s"
            % (line.product_qty, line.price_unit, line.discount, line.tax_ids.name)
            for line in order.order_line
            if not line.display_type
        )
        return "%s as %s %s %s [%s]" % (order.name, mode, order.currency_id.name, method, lines)

    def mismatches(self, made, held):
        """Every order that is not in Xero as it is in Odoo, said in one line each."""
        problems = []
        for order, (method, mode) in made.items():
            odoo = tuple(
                odoo_cents(v) for v in (order.amount_untaxed, order.amount_tax, order.amount_total)
            )
            where = self.describe(order, method, mode)
            if order.xero_state != "synced":
                problems.append("%s: %s (%s)" % (where, order.xero_state, order.xero_error))
                continue
            if order.xero_sent_as != mode:
                problems.append("%s: went as %s" % (where, order.xero_sent_as))
            document = held.get(order.xero_id)
            if not document:
                problems.append("%s: synced but not in Xero" % where)
                continue
            if mode == "bill" and document.get("Type") != "ACCPAY":
                problems.append("%s: is a %s in Xero" % (where, document.get("Type")))
            xero = tuple(cents(document[k]) for k in ("SubTotal", "TotalTax", "Total"))
            if xero != odoo:
                problems.append(
                    "%s: Xero %s, Odoo %s (untaxed, tax, total; Xero's LineAmountTypes %s)"
                    % (where, xero, odoo, document["LineAmountTypes"])
                )
            if document["CurrencyCode"] != order.currency_id.name:
                problems.append("%s: in %s in Xero" % (where, document["CurrencyCode"]))
            elif order.currency_id == self.eur and Decimal(
                str(document["CurrencyRate"])
            ) != Decimal(str(round(order.currency_rate, 6))):
                problems.append(
                    "%s: rate %s in Xero, %s in Odoo"
                    % (where, document["CurrencyRate"], order.currency_rate)
                )
        return problems

    def assertAllEqualToTheCent(self, made):
        held = self.held_by_id()
        problems = self.mismatches(made, held)
        if problems:
            self.fail(
                "%d of %d orders differ between Odoo and Xero:\n%s"
                % (len(problems), len(made), "\n".join(problems))
            )
        self.assertEqual(len(held), len(made), "Xero holds each order once")

    @staticmethod
    def xero_would_round_differently(order):
        """Whether Xero, rounding each line's tax itself, would miss Odoo's amount_tax."""
        tax = Decimal(0)
        for line in order.order_line.filtered(lambda line: not line.display_type):
            rate = Decimal(str(line.tax_ids.amount))
            if line.tax_ids.price_include:
                tax += cents(odoo_cents(line.price_total) * rate / (100 + rate))
            else:
                tax += cents(odoo_cents(line.price_subtotal) * rate / 100)
        return tax != odoo_cents(order.amount_tax)

    @staticmethod
    def lines_miss_the_total(order):
        """Whether the lines' own figures (price_subtotal, or price_total with taxes
        included) miss the order's: rounding globally, Odoo rounds the whole order's untaxed
        amount once, and no line's subtotal carries the difference."""
        lines = order.order_line.filtered(lambda line: not line.display_type)
        if any(lines.tax_ids.mapped("price_include")):
            return sum(map(odoo_cents, lines.mapped("price_total"))) != odoo_cents(
                order.amount_total
            )
        return sum(map(odoo_cents, lines.mapped("price_subtotal"))) != odoo_cents(
            order.amount_untaxed
        )

    # -- the tests -----------------------------------------------------------------------------
    def test_256_awkward_orders_end_on_odoos_totals_to_the_cent(self):
        made = self.generate_and_send()
        orders = self.env["purchase.order"].union(*made)
        figures = {
            (mode, method): len(orders.filtered(lambda o, m=mode, r=method: made[o] == (r, m)))
            for mode in MODES
            for method in set(BATCHES)
        }
        lines_of = {o: o.order_line.filtered(lambda line: not line.display_type) for o in orders}
        included = orders.filtered(lambda o: any(lines_of[o].tax_ids.mapped("price_include")))
        euros = orders.filtered(lambda o: o.currency_id == self.eur)
        discounted = orders.filtered(lambda o: any(lines_of[o].mapped("discount")))
        decimals = orders.filtered(
            lambda o: any(q != int(q) for q in lines_of[o].mapped("product_qty"))
        )
        rebated = orders.filtered(lambda o: any(p < 0 for p in lines_of[o].mapped("price_unit")))
        tax_rounded_once = orders.filtered(self.xero_would_round_differently)
        untaxed_rounded_once = orders.filtered(self.lines_miss_the_total)
        _logger.info(
            "%d orders (%s): %d with taxes included, %d in euros, %d with discounts, %d with "
            "decimal quantities, %d with a rebate; Xero rounding line by line would miss the "
            "tax of %d, the lines' own figures miss the total of %d",
            len(orders),
            ", ".join("%s/%s %d" % (m, r, n) for (m, r), n in sorted(figures.items())),
            len(included),
            len(euros),
            len(discounted),
            len(decimals),
            len(rebated),
            len(tax_rounded_once),
            len(untaxed_rounded_once),
        )
        self.assertGreaterEqual(len(orders), 240)
        self.assertTrue(all(count >= 60 for count in figures.values()), figures)
        self.assertGreaterEqual(len(included), 50)
        self.assertGreaterEqual(len(euros), 40)
        self.assertGreaterEqual(len(discounted), 150)
        self.assertGreaterEqual(len(decimals), 150)
        self.assertGreaterEqual(len(rebated), 10)
        self.assertGreaterEqual(len(tax_rounded_once), 20)
        self.assertGreaterEqual(len(untaxed_rounded_once), 20)
        self.assertEqual(set(orders.mapped("state")), {"purchase"})
        self.assertTrue(all(o.currency_rate == EUR_RATE for o in euros))
        self.assertAllEqualToTheCent(made)

    def test_an_untaxed_amount_rounded_once_for_the_order_ends_equal_to_the_cent(self):
        """Rounding globally, Odoo rounds the untaxed amount of the whole order: two lines
        of 1 x 10.05 less 50% are 5.03 each (10.06), but the order says 10.05. Xero's
        SubTotal must be 10.05, as a purchase order and as a bill, taxes added or included."""
        self.company.tax_calculation_rounding_method = "round_globally"
        made = {}
        for mode in MODES:
            for included in (False, True):
                order = self.env["purchase.order"].create(
                    {
                        "partner_id": self.vendor.id,
                        "partner_ref": "HALF-%s-%s" % (mode, included),
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": self.product.id,
                                    "name": "Half price",
                                    "product_qty": 1,
                                    "price_unit": 10.05,
                                    "discount": 50,
                                    "tax_ids": [Command.set(self.taxes[20, included].ids)],
                                }
                            )
                            for _ in range(2)
                        ],
                    }
                )
                line_figure = "price_total" if included else "price_subtotal"
                self.assertEqual(order.order_line.mapped(line_figure), [5.03, 5.03])
                self.assertEqual(order.amount_total if included else order.amount_untaxed, 10.05)
                self.assertTrue(self.lines_miss_the_total(order))
                order.button_confirm()
                self.send_as(order, mode)
                made[order] = ("round_globally", mode)
        self.assertAllEqualToTheCent(made)

    def test_an_order_totalled_before_the_company_rounded_globally_is_refused(self):
        """Odoo keeps an order's totals as they were computed: rounding each line, two lines
        of 1 x 10.05 less 50% make 10.06. Once the company rounds globally its lines come to
        10.05, which Xero would total: the order is refused, never sent wrong."""
        self.company.tax_calculation_rounding_method = "round_per_line"
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "name": "Half price",
                            "product_qty": 1,
                            "price_unit": 10.05,
                            "discount": 50,
                            "tax_ids": [Command.set(self.taxes[20, False].ids)],
                        }
                    )
                    for _ in range(2)
                ],
            }
        )
        order.button_confirm()
        self.assertEqual(order.amount_untaxed, 10.06)
        self.company.tax_calculation_rounding_method = "round_globally"
        for mode in MODES:
            self.send_as(order, mode)
            self.assertEqual(order.xero_state, "error")
            self.assertIn(order.name, order.xero_error)
            self.assertIn("Xero's totals would be 10.05 + 2.02 tax = 12.07", order.xero_error)
            self.assertIn("Odoo's are 10.06 + 2.02 tax = 12.08", order.xero_error)
        self.assertFalse(self.held("PurchaseOrders"))
        self.assertFalse(self.held("Invoices"))

    def test_tax_rounded_once_for_the_order_ends_equal_to_the_cent(self):
        """Three lines of 0.10 at 5%: Xero rounds each line's tax (0.01 each, 0.03), Odoo
        rounding globally makes 0.02 of the whole order."""
        self.company.tax_calculation_rounding_method = "round_globally"
        made = {}
        for mode in MODES:
            for included in (False, True):
                order = self.env["purchase.order"].create(
                    {
                        "partner_id": self.vendor.id,
                        "partner_ref": "TENTH-%s-%s" % (mode, included),
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": self.product.id,
                                    "name": "Tenth",
                                    "product_qty": 1,
                                    "price_unit": 0.10,
                                    "tax_ids": [Command.set(self.taxes[5, included].ids)],
                                }
                            )
                            for _ in range(3)
                        ],
                    }
                )
                self.assertTrue(self.xero_would_round_differently(order))
                order.button_confirm()
                self.send_as(order, mode)
                made[order] = ("round_globally", mode)
        self.assertAllEqualToTheCent(made)

    def test_a_line_no_two_decimal_price_gives_goes_as_one_unit_of_its_amount(self):
        """7.125 x 3.3333 less 33.33% is 15.83 in Odoo; as a Xero purchase order (unit
        prices to 2 decimals, no discount) 2.22 gives 15.82 and 2.23 gives 15.89: the line
        goes as one unit of 15.83 and says what it was."""
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "name": "Tiny",
                            "product_qty": 7.125,
                            "price_unit": 3.3333,
                            "discount": 33.33,
                            "tax_ids": [Command.set(self.taxes[20, False].ids)],
                        }
                    )
                ],
            }
        )
        order.button_confirm()
        self.send_as(order, "purchase_order")
        self.assertAllEqualToTheCent({order: ("round_per_line", "purchase_order")})
        [line] = self.held_by_id()[order.xero_id]["LineItems"]
        self.assertEqual(
            (line["Quantity"], line["UnitAmount"], line["LineAmount"]), (1, 15.83, 15.83)
        )
        self.assertEqual(line["Description"], "Tiny (7.125 x 3.3333 less 33.33%)")
