# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's totals and Xero's, to the cent (issue 8, item 3): a generated set of awkward
invoices, bills and credit notes, sent to the sandbox and compared one by one."""

import logging
import random
import time
from decimal import ROUND_HALF_UP, Decimal

from odoo import Command
from odoo.tests import tagged

from .test_move_sync import DocumentCase

_logger = logging.getLogger(__name__)

SEED = 20261127
KINDS = ("out_invoice", "in_invoice", "out_refund", "in_refund")
# Four batches of 64 documents, the company's rounding switched between them.
BATCHES = ("round_per_line", "round_globally", "round_per_line", "round_globally")
PER_BATCH = 64
QUANTITIES = (0.333, 2.5, 7, 99, 0.01, 1.75, 1, 3, 12, 0.5, 0.125)
DISCOUNTS = (0, 0, 5, 12.5, 33.33, 50)
RATES = (20, 20, 5, 5, 0)  # more taxed lines than zero-rated ones
XERO_TAX_TYPES = {
    ("sale", 20): "OUTPUT2",
    ("sale", 5): "RROUTPUT",
    ("sale", 0): "ZERORATEDOUTPUT",
    ("purchase", 20): "INPUT2",
    ("purchase", 5): "RRINPUT",
    ("purchase", 0): "ZERORATEDINPUT",
}
EUR_RATE = 1.168734  # euros for one pound
DATE = "2026-11-20"
CENT = Decimal("0.01")


def cents(value):
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def odoo_cents(value):
    """One of Odoo's monetary floats (already rounded to the cent) as Decimal cents."""
    return Decimal("%.2f" % value)


@tagged("post_install", "-at_install")
class TestMoveCents(DocumentCase):
    """Xero's SubTotal, TotalTax and Total equal Odoo's amount_untaxed, amount_tax and
    amount_total for every document, however Odoo rounds its tax."""

    def setUp(self):
        super().setUp()
        # Prices with 4 decimals and quantities such as 0.333 are kept as typed.
        self.env.ref("product.decimal_price").digits = 4
        self.env.ref("uom.decimal_product_uom").digits = 3
        self.company = self.env.company
        # Amounts only: the history note and PDF of each document (one call each, tested in
        # test_move_sync) would spend Xero's 60 calls a minute long before 256 documents.
        self.connection.write({"send_history_notes": False, "send_attachments": False})
        self.taxes = {}
        for (use, rate), tax_type in XERO_TAX_TYPES.items():
            for included in (False, True):
                self.taxes[use, rate, included] = self.mapped_tax(
                    "Cents %s%% %s%s" % (rate, use, " incl." if included else ""),
                    rate,
                    use,
                    tax_type,
                    **({"price_include_override": "tax_included"} if included else {}),
                )
        # A euro rate that is not round, the only one Odoo can use on the documents' date.
        self.eur = self.env.ref("base.EUR")
        self.eur.active = True
        gbp = self.env.ref("base.GBP")
        self.env["res.currency.rate"].search([("currency_id", "in", (self.eur | gbp).ids)]).unlink()
        self.env["res.currency.rate"].create(
            {
                "currency_id": self.eur.id,
                "company_id": self.company.id,
                "name": "2026-11-01",
                "rate": EUR_RATE,
            }
        )

    # -- generating documents ------------------------------------------------------------------
    def awkward_line(self, rng, side, included):
        rate = rng.choice(RATES)
        quantity = rng.choice(QUANTITIES)
        price = rng.randint(1, 999999) / rng.choice((100, 1000, 10000))  # 2 to 4 decimals
        return {
            "name": "Awkward %s x %s" % (quantity, price),
            "quantity": quantity,
            "price_unit": price,
            "discount": rng.choice(DISCOUNTS),
            "tax_ids": [Command.set(self.taxes[side, rate, included].ids)],
        }

    def awkward_documents(self, rng, count, first_number):
        """Values of ``count`` documents, the four kinds in turn; about one in three with
        taxes included in the prices, one in four in euros, some with a rebate (a negative
        line), a section or a note."""
        documents = []
        for number in range(first_number, first_number + count):
            kind = KINDS[number % 4]
            sales = kind.startswith("out_")
            side = "sale" if sales else "purchase"
            included = rng.random() < 0.35
            lines = [self.awkward_line(rng, side, included) for _ in range(rng.randint(1, 8))]
            gross = sum(x["quantity"] * x["price_unit"] * (1 - x["discount"] / 100) for x in lines)
            if len(lines) > 1 and gross > 1 and rng.random() < 1 / 8:
                # A rebate: a negative price, well short of the document's total.
                rebate = self.awkward_line(rng, side, included)
                rebate.update(
                    name="Rebate",
                    quantity=1,
                    price_unit=-round(gross * rng.uniform(0.01, 0.3), 4),
                    discount=0,
                )
                lines.insert(rng.randint(0, len(lines)), rebate)
            for display_type in ("line_section", "line_note"):
                if rng.random() < 1 / 8:
                    lines.insert(
                        rng.randint(0, len(lines)), {"display_type": display_type, "name": "Part"}
                    )
            values = {
                "move_type": kind,
                "partner_id": (self.customer if sales else self.vendor).id,
                "invoice_date": DATE,
                "invoice_line_ids": [Command.create(line) for line in lines],
            }
            if rng.random() < 0.25:
                values["currency_id"] = self.eur.id
            if not sales:
                values["ref"] = "SUP-%04d" % number
            documents.append(values)
        return documents

    def generate(self, rounding_methods=BATCHES, per_batch=PER_BATCH, seed=SEED):
        """Posted documents, batch by batch, each created and posted under its batch's
        rounding method; {move: its rounding method}."""
        rng = random.Random(seed)
        rounding_of = {}
        self.analyze()
        for position, method in enumerate(rounding_methods):
            self.company.tax_calculation_rounding_method = method
            moves = self.env["account.move"].create(
                self.awkward_documents(rng, per_batch, position * per_batch)
            )
            moves.action_post()
            for move in moves:
                rounding_of[move] = method
            self.analyze()
        return rounding_of

    def analyze(self):
        """Statistics of the tables this test fills, in its transaction: without them the
        planner takes them for nearly empty and may choose, for Odoo's own query of the
        payments reconciled with the moves created, a plan that takes many minutes."""
        self.env.flush_all()
        self.env.cr.execute(
            "ANALYZE account_move, account_move_line, account_partial_reconcile, account_payment"
        )

    # -- checking them -------------------------------------------------------------------------
    def held_by_id(self):
        held = {d["InvoiceID"]: d for d in self.held("Invoices")}
        held.update({d["CreditNoteID"]: d for d in self.held("CreditNotes")})
        return held

    @staticmethod
    def describe(move, method):
        """Enough to reproduce a document: its kind, currency, rounding and lines (quantity
        x price less discount, tax)."""
        lines = "; ".join(
            "%s x %s less %s%% %s"
            % (line.quantity, line.price_unit, line.discount, line.tax_ids.name)
            for line in move.invoice_line_ids
            if line.display_type == "product"
        )
        return "%s %s %s %s [%s]" % (
            move.name,
            move.move_type,
            move.currency_id.name,
            method,
            lines,
        )

    def mismatches(self, rounding_of, held):
        """Every document that is not in Xero as it is in Odoo, said in one line each."""
        problems = []
        for move, method in rounding_of.items():
            odoo = tuple(
                odoo_cents(v) for v in (move.amount_untaxed, move.amount_tax, move.amount_total)
            )
            where = self.describe(move, method)
            if move.xero_state != "synced":
                problems.append("%s: %s (%s)" % (where, move.xero_state, move.xero_error))
                continue
            document = held.get(move.xero_id)
            if not document:
                problems.append("%s: synced but not in Xero" % where)
                continue
            xero = tuple(cents(document[k]) for k in ("SubTotal", "TotalTax", "Total"))
            if xero != odoo:
                problems.append(
                    "%s: Xero %s, Odoo %s (untaxed, tax, total; Xero's LineAmountTypes %s)"
                    % (where, xero, odoo, document["LineAmountTypes"])
                )
            if document["CurrencyCode"] != move.currency_id.name:
                problems.append("%s: in %s in Xero" % (where, document["CurrencyCode"]))
            elif move.currency_id == self.eur and Decimal(str(document["CurrencyRate"])) != Decimal(
                str(round(move.invoice_currency_rate, 6))
            ):
                problems.append(
                    "%s: rate %s in Xero, %s in Odoo"
                    % (where, document["CurrencyRate"], move.invoice_currency_rate)
                )
        return problems

    @staticmethod
    def xero_would_round_differently(move):
        """Whether Xero, left to round each line's tax itself, would miss Odoo's amount_tax."""
        tax = Decimal(0)
        for line in move.invoice_line_ids.filtered(lambda line: line.display_type == "product"):
            rate = Decimal(str(line.tax_ids.amount))
            if line.tax_ids.price_include:
                tax += cents(odoo_cents(line.price_total) * rate / (100 + rate))
            else:
                tax += cents(odoo_cents(line.price_subtotal) * rate / 100)
        return tax != odoo_cents(move.amount_tax)

    @staticmethod
    def lines_miss_the_total(move):
        """Whether the lines' own figures (price_subtotal, or price_total with taxes included)
        miss the document's: Odoo rounding globally rounds the untaxed amount of the whole
        document, and its journal items carry the difference."""
        lines = move.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        if any(lines.tax_ids.mapped("price_include")):
            return sum(map(odoo_cents, lines.mapped("price_total"))) != odoo_cents(
                move.amount_total
            )
        return sum(map(odoo_cents, lines.mapped("price_subtotal"))) != odoo_cents(
            move.amount_untaxed
        )

    def assertAllEqualToTheCent(self, rounding_of):
        held = self.held_by_id()
        problems = self.mismatches(rounding_of, held)
        if problems:
            self.fail(
                "%d of %d documents differ between Odoo and Xero:\n%s"
                % (len(problems), len(rounding_of), "\n".join(problems))
            )
        self.assertEqual(len(held), len(rounding_of), "Xero holds each document once")

    # -- the tests -----------------------------------------------------------------------------
    def test_256_awkward_documents_end_on_odoos_totals_to_the_cent(self):
        started = time.monotonic()
        rounding_of = self.generate()
        moves = self.env["account.move"].union(*rounding_of)
        generated = time.monotonic()
        # The data set is what it says: every kind under each rounding method, taxes
        # included and added, euros, discounts, rebates, and many documents whose tax or
        # untaxed amount Xero, rounding line by line, would not reach by itself.
        figures = {
            (kind, method): len(
                moves.filtered(lambda m, k=kind, r=method: m.move_type == k and rounding_of[m] == r)
            )
            for kind in KINDS
            for method in set(BATCHES)
        }
        included = moves.filtered(lambda m: any(m.invoice_line_ids.tax_ids.mapped("price_include")))
        euros = moves.filtered(lambda m: m.currency_id == self.eur)
        discounted = moves.filtered(lambda m: any(m.invoice_line_ids.mapped("discount")))
        rebated = moves.filtered(
            lambda m: any(p < 0 for p in m.invoice_line_ids.mapped("price_unit"))
        )
        tax_rounded_once = moves.filtered(self.xero_would_round_differently)
        untaxed_rounded_once = moves.filtered(self.lines_miss_the_total)
        _logger.info(
            "%d documents (%s): %d with taxes included, %d in euros, %d with discounts, %d "
            "with a rebate; Xero rounding line by line would miss the tax of %d and the "
            "untaxed amount of %d",
            len(moves),
            ", ".join("%s/%s %d" % (k, m, n) for (k, m), n in sorted(figures.items())),
            len(included),
            len(euros),
            len(discounted),
            len(rebated),
            len(tax_rounded_once),
            len(untaxed_rounded_once),
        )
        self.assertGreaterEqual(len(moves), 240)
        self.assertTrue(all(count >= 25 for count in figures.values()), figures)
        self.assertGreaterEqual(len(included), 50)
        self.assertGreaterEqual(len(euros), 40)
        self.assertGreaterEqual(len(discounted), 150)
        self.assertGreaterEqual(len(rebated), 10)
        self.assertGreaterEqual(len(tax_rounded_once), 20)
        self.assertGreaterEqual(len(untaxed_rounded_once), 20)
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        self.assertTrue(all(m.invoice_currency_rate == EUR_RATE for m in euros))

        # 50 go at once, the rest in the background.
        moves.action_xero_sync()
        self.assertEqual(len(moves.filtered(lambda m: m.xero_state == "pending")), len(moves) - 50)
        self.run_push_cron()
        sent = time.monotonic()
        _logger.info(
            "generated and posted in %.1fs, sent in %.1fs (%s)",
            generated - started,
            sent - generated,
            self.sandbox.calls(),
        )
        self.assertAllEqualToTheCent(rounding_of)

    def test_tax_rounded_once_for_the_document_ends_equal_to_the_cent(self):
        """Three lines of 0.10 at 5%: Xero rounds each line's tax (0.01 each, 0.03), Odoo
        rounding globally makes 0.02 of the whole; with the tax included in the prices,
        0.00 per line against 0.01. Every kind ends on Odoo's figures."""
        self.company.tax_calculation_rounding_method = "round_globally"
        rounding_of = {}
        for kind in KINDS:
            side = "sale" if kind.startswith("out_") else "purchase"
            for included in (False, True):
                tax = self.taxes[side, 5, included]
                move = self.env["account.move"].create(
                    {
                        "move_type": kind,
                        "partner_id": (self.customer if side == "sale" else self.vendor).id,
                        "invoice_date": DATE,
                        "ref": "ROUND-%s-%s" % (kind, included),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Tenth",
                                    "quantity": 1,
                                    "price_unit": 0.10,
                                    "tax_ids": [Command.set(tax.ids)],
                                }
                            )
                            for _ in range(3)
                        ],
                    }
                )
                expected = ("0.30", "0.02", "0.32") if not included else ("0.29", "0.01", "0.30")
                self.assertEqual(
                    tuple(
                        "%.2f" % v
                        for v in (move.amount_untaxed, move.amount_tax, move.amount_total)
                    ),
                    expected,
                )
                self.assertTrue(self.xero_would_round_differently(move))
                rounding_of[move] = "round_globally"
        moves = self.env["account.move"].union(*rounding_of)
        moves.action_post()
        moves.action_xero_sync()
        self.assertAllEqualToTheCent(rounding_of)
        held = self.held_by_id()
        for move in moves:
            lines = held[move.xero_id]["LineItems"]
            self.assertEqual(
                sum(cents(line["TaxAmount"]) for line in lines), odoo_cents(move.amount_tax)
            )

    def test_untaxed_amount_rounded_once_for_the_document_ends_equal_to_the_cent(self):
        """Rounding globally, Odoo rounds the untaxed amount of the whole document too: two
        lines of 1 x 10.05 less 50% are 5.03 each (10.06) but 10.05 together, and Odoo's
        journal items say 10.05. Xero's SubTotal must be 10.05."""
        self.company.tax_calculation_rounding_method = "round_globally"
        rounding_of = {}
        for kind in KINDS:
            side = "sale" if kind.startswith("out_") else "purchase"
            for included in (False, True):
                tax = self.taxes[side, 20, included]
                move = self.env["account.move"].create(
                    {
                        "move_type": kind,
                        "partner_id": (self.customer if side == "sale" else self.vendor).id,
                        "invoice_date": DATE,
                        "ref": "HALF-%s-%s" % (kind, included),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Half price",
                                    "quantity": 1,
                                    "price_unit": 10.05,
                                    "discount": 50,
                                    "tax_ids": [Command.set(tax.ids)],
                                }
                            )
                            for _ in range(2)
                        ],
                    }
                )
                # The lines say 5.03 and 5.03; the journal items, and the document, 10.05.
                line_figure = "price_total" if included else "price_subtotal"
                self.assertEqual(move.invoice_line_ids.mapped(line_figure), [5.03, 5.03])
                self.assertEqual(move.amount_total if included else move.amount_untaxed, 10.05)
                self.assertTrue(self.lines_miss_the_total(move))
                rounding_of[move] = "round_globally"
        moves = self.env["account.move"].union(*rounding_of)
        moves.action_post()
        moves.action_xero_sync()
        self.assertAllEqualToTheCent(rounding_of)

    def test_a_document_mixing_included_and_excluded_taxes_is_not_sent(self):
        mixed_sale = self.move(
            "out_invoice",
            lines=[
                {"name": "Added", "quantity": 1, "price_unit": 10.0},
                {
                    "name": "Included",
                    "quantity": 1,
                    "price_unit": 12.0,
                    "tax_ids": [Command.set(self.taxes["sale", 20, True].ids)],
                },
            ],
        )
        mixed_bill = self.move(
            "in_invoice",
            ref="MIX-1",
            lines=[
                {
                    "name": "Included",
                    "quantity": 2,
                    "price_unit": 6.0,
                    "tax_ids": [Command.set(self.taxes["purchase", 5, True].ids)],
                },
                {"name": "Added", "quantity": 1, "price_unit": 10.0},
            ],
        )
        fine = self.move("out_invoice")
        moves = mixed_sale | mixed_bill | fine
        moves.action_post()
        moves.action_xero_sync()
        for move in mixed_sale | mixed_bill:
            self.assertEqual(move.xero_state, "error")
            self.assertFalse(move.xero_id)
            self.assertIn(move.name, move.xero_error)
            self.assertIn(
                "mixes taxes included in the price with taxes added to it", move.xero_error
            )
        # The others in the same call are sent.
        self.assertEqual(fine.xero_state, "synced", fine.xero_error)
        self.assertEqual([d["InvoiceNumber"] for d in self.held()], [fine.name])

    def test_a_line_with_two_taxes_is_named_in_its_error(self):
        invoice = self.move(
            "out_invoice",
            lines=[
                {"name": "One tax", "quantity": 1, "price_unit": 10.0},
                {
                    "name": "Doubly taxed widget",
                    "quantity": 1,
                    "price_unit": 10.0,
                    "tax_ids": [Command.set((self.sale_tax | self.reduced_tax).ids)],
                },
            ],
        )
        invoice.action_post()
        invoice.action_xero_sync()
        self.assertEqual(invoice.xero_state, "error")
        self.assertIn("Line 2 (Doubly taxed widget)", invoice.xero_error)
        self.assertIn("Xero takes one tax per line", invoice.xero_error)
        self.assertIn(self.sale_tax.name, invoice.xero_error)
        self.assertIn(self.reduced_tax.name, invoice.xero_error)
        self.assertFalse(self.held())
