# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A generated set of good and broken records, sent as a business sends them (the scheduled
push, and the button on a mixed selection): each broken one ends in error with a message that
names what to fix, every good one is in Xero once, and no broken one holds a good one back.

One case is one row of a table: what the record is given, and either the words its error
must hold or what Xero must hold of it. Xero's limits come from its API description
(``xero_accounting.yaml``): a contact's Name and EmailAddress 255 characters, TaxNumber 50
(free text: "also known as the ABN, GST Number, VAT Number or Tax ID Number", no format),
AddressLine 500, an item's Code 30, Name 50, descriptions 4000, an InvoiceNumber 255; emails
"umlauts not supported". Xero takes lines of zero and negative quantities (their amounts are
Quantity x UnitAmount) and lines with a description only; it has no place for control
characters, nor for emoji and the like."""

import re

from odoo.tests import tagged

from .test_purchase_order_sync import OrderCase

EMOJI = "\U0001f31e"
# What a bookkeeper must never read: Python, PostgreSQL, HTTP, the SDK's field names.
JARGON = re.compile(
    r"Traceback|Exception|ValueError|KeyError|psycopg|\bSQL\b|HTTP|status code|`|\bNone\b|"
    r"Invalid value for|\b[a-z]+_[a-z_]+\b"
)

# (case, partner values, the words its error holds; None: a good one, in Xero as given)
CONTACT_CASES = [
    ("empty name", {"name": "   "}, ["no name"]),
    (
        "name over Xero's 255 characters",
        {"name": "Long " + "n" * 251},
        ["name", "256 characters", "at most 255", "shorten"],
    ),
    ("name of exactly 255 characters", {"name": "Exact " + "n" * 249}, None),
    (
        "control character in the name",
        {"name": "Bell\x07 Traders"},
        ["Bell? Traders", "name", "control character", "retype"],
    ),
    ("emoji in the name", {"name": "Sunny %s Traders" % EMOJI}, ["name", EMOJI, "remove"]),
    (
        "email without @",
        {"name": "No At Traders", "email": "accounts.example.com"},
        ["No At Traders", "email", "accounts.example.com", "name@example.com"],
    ),
    (
        "email with accented letters",
        {"name": "Umlaut Traders", "email": "jürgen@müller.de"},
        ["email", "jürgen@müller.de", "accented"],
    ),
    ("two emails: the first goes", {"name": "Two Mails Ltd", "email": "a@ex.com, b@ex.com"}, None),
    ("VAT number of no known format", {"name": "Odd VAT Ltd", "vat": "NOT A VAT 42"}, None),
    (
        "VAT number over Xero's 50 characters",
        {"name": "Long VAT Traders", "vat": "GB" + "1" * 49},
        ["Long VAT Traders", "Tax ID", "51 characters", "at most 50"],
    ),
    (
        "street over Xero's 500 characters",
        {"name": "Long Street Traders", "street": "s" * 501},
        ["street", "at most 500"],
    ),
    (
        "contact person with an invalid email",
        {
            "name": "Person Traders",
            "child_ids": [(0, 0, {"name": "Bob Clerk", "email": "bob at example"})],
        },
        ["contact person Bob Clerk", "email", "bob at example"],
    ),
    ("plain good contact", {"name": "Plain Traders Ltd", "email": "plain@example.com"}, None),
]

# (case, product values, the words its error holds; None: a good one)
PRODUCT_CASES = [
    ("no Internal Reference", {"name": "Codeless", "default_code": False}, ["Internal Reference"]),
    (
        "code over Xero's 30 characters",
        {"name": "Long code", "default_code": "C" * 31},
        ["Internal Reference", "30 characters"],
    ),
    (
        "name over Xero's 50 characters",
        {"name": "N" * 51, "default_code": "LONG-NAME"},
        ["name", "50 characters", "shorten"],
    ),
    ("name of exactly 50", {"name": "M" * 50, "default_code": "NAME-50"}, None),
    (
        "control character in the name",
        {"name": "Gadget\x1b", "default_code": "CTRL-1"},
        ["name", "control character"],
    ),
    (
        "emoji in the sales description",
        {"name": "Sunny gadget", "default_code": "EMO-1", "description_sale": "Bright " + EMOJI},
        ["sales description", EMOJI],
    ),
    (
        "sales description over Xero's 4000",
        {"name": "Wordy gadget", "default_code": "WORDY-1", "description_sale": "w" * 4001},
        ["sales description", "4001 characters", "at most 4000"],
    ),
    (
        "description on several lines, with a tab",
        {"name": "Tidy gadget", "default_code": "TIDY-1", "description_sale": "One\n\tTwo"},
        None,
    ),
]


def line(name="Consulting", quantity=3, price=100.0, **values):
    return dict({"name": name, "quantity": quantity, "price_unit": price}, **values)


def order_line(name="Bolts, M8", quantity=3, price=12.5, **values):
    return dict({"name": name, "product_qty": quantity, "price_unit": price}, **values)


@tagged("post_install", "-at_install")
class TestBadInput(OrderCase):
    def setUp(self):
        super().setUp()
        # Approved documents: Xero checks them most (an account on every line with figures).
        self.connection.write(
            {
                **{"send_" + kind: "on_post" for kind in self.MOVE_KINDS},
                **{"status_" + kind: "AUTHORISED" for kind in self.MOVE_KINDS},
                "send_purchase_order": "on_confirm",
                "status_purchase_order": "AUTHORISED",
                "send_history_notes": False,
                "send_attachments": False,
                "send_odoo_pdf": False,
            }
        )

    MOVE_KINDS = ("out_invoice", "in_invoice", "out_refund", "in_refund")

    # -- checks -------------------------------------------------------------------------------
    def assertRefused(self, record, words, case):
        """In error, never in Xero, with a message holding ``words`` and no jargon."""
        self.assertEqual(record.xero_state, "error", "%s: %r" % (case, record.xero_error))
        self.assertFalse(record.xero_id, case)
        message = record.xero_error or ""
        for word in words:
            self.assertIn(word.casefold(), message.casefold(), "%s: %r" % (case, message))
        self.assertNotRegex(message, JARGON, case)
        self.assertLess(len(message), 700, case)

    def assertSynced(self, record, case):
        self.assertEqual(record.xero_state, "synced", "%s: %r" % (case, record.xero_error))
        self.assertTrue(record.xero_id, case)

    def send(self, records, how):
        """As a business sends them: the button on the whole selection, or the scheduled
        push of what waits."""
        if how == "button":
            records.action_xero_sync()
        else:
            records._xero_request_send()
            self.run_push_cron()
        self.env.invalidate_all()

    # -- contacts -----------------------------------------------------------------------------
    def check_contacts(self, how):
        partners = self.env["res.partner"]
        for _case, values, _words in CONTACT_CASES:
            partners |= partners.create(dict({"is_company": True}, **values))
        self.send(partners, how)
        held = self.held_contacts()
        for (case, values, words), partner in zip(CONTACT_CASES, partners, strict=True):
            with self.subTest(case=case, how=how):
                if words is not None:
                    self.assertRefused(partner, words, case)
                    continue
                self.assertSynced(partner, case)
                [contact] = [c for c in held if c["ContactID"] == partner.xero_id]
                self.assertEqual(contact["Name"], values["name"])
                if "vat" in values:
                    self.assertEqual(contact["TaxNumber"], values["vat"], "as typed")
                if "email" in values:
                    self.assertEqual(contact["EmailAddress"], values["email"].split(",")[0])
        good = [c for c in CONTACT_CASES if c[2] is None]
        self.assertEqual(len(held), len(good), "only the good ones are in Xero")

    def test_contacts_by_the_button(self):
        self.check_contacts("button")

    def test_contacts_by_the_scheduled_push(self):
        self.check_contacts("cron")

    # -- products -----------------------------------------------------------------------------
    def test_products(self):
        products = self.env["product.product"]
        for _case, values, _words in PRODUCT_CASES:
            products |= products.create(
                dict({"taxes_id": False, "supplier_taxes_id": False}, **values)
            )
        # Each kind once: pressed on the selection, and waiting for the scheduled push.
        self.send(products[::2], "button")
        self.send(products[1::2], "cron")
        held = self.held("Items")
        for (case, values, words), product in zip(PRODUCT_CASES, products, strict=True):
            with self.subTest(case=case):
                if words is not None:
                    self.assertRefused(product, words, case)
                    continue
                self.assertSynced(product, case)
                [item] = [i for i in held if i["ItemID"] == product.xero_id]
                self.assertEqual(item["Name"], values["name"])
                self.assertEqual(item.get("Description", ""), values.get("description_sale", ""))
        self.assertEqual(
            sorted(i["Code"] for i in held),
            sorted(c[1]["default_code"] for c in PRODUCT_CASES if c[2] is None),
        )

    # -- documents ----------------------------------------------------------------------------
    def currency(self, code, rate):
        currency = (
            self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)])
        )
        currency.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": currency.id,
                "name": "2026-11-01",
                "rate": rate,
                "company_id": self.env.company.id,
            }
        )
        return currency

    def document_cases(self):
        """(case, kind, values, the words its error holds; None: a good one, with the
        quantities Xero must hold of its lines, None for a description-only line)."""
        unmapped_tax = self.tax("Unmapped 7%", 7, "sale")
        unmapped_purchase_tax = self.tax("Unmapped 9% (purchases)", 9, "purchase")
        unmapped_account = self.env["account.account"].create(
            {"name": "Odd costs", "code": "609999", "account_type": "expense"}
        )
        tax = [(6, 0, self.purchase_tax.ids)]
        return [
            ("plain invoice", "out_invoice", {"lines": [line()]}, [3]),
            (
                "zero-quantity line",
                "out_invoice",
                {"lines": [line(), line("Free sample", 0, 40.0)]},
                [3, 0],
            ),
            (
                "negative-quantity line, positive total",
                "out_invoice",
                {"lines": [line(), line("Returned part", -1, 50.0)]},
                [3, -1],
            ),
            (
                "section and note lines (no account, no figures)",
                "out_invoice",
                {
                    "lines": [
                        {"display_type": "line_section", "name": "Phase one"},
                        line(),
                        {"display_type": "line_note", "name": "Delivered on site"},
                    ]
                },
                [None, 3, None],
            ),
            (
                "negative-quantity line on a bill",
                "in_invoice",
                {"lines": [line(), line("Rebate", -2, 10.0)]},
                [3, -2],
            ),
            (
                "zero-quantity line on a credit note",
                "out_refund",
                {"lines": [line(), line("Nothing", 0, 5.0)]},
                [3, 0],
            ),
            (
                "negative line on a vendor credit note",
                "in_refund",
                {"lines": [line(), line("Less", -1, 1.0)]},
                [3, -1],
            ),
            ("in a currency the organisation has", "out_invoice", {"currency": "EUR"}, [3]),
            (
                "unmapped tax",
                "out_invoice",
                {"lines": [line("Odd tax", tax_ids=[(6, 0, unmapped_tax.ids)])]},
                ["Line 1 (Odd tax)", "Unmapped 7%", "map it in Settings › Xero"],
            ),
            (
                "unmapped account",
                "in_invoice",
                {"lines": [line("Odd cost", account_id=unmapped_account.id)]},
                ["Line 1 (Odd cost)", "609999 Odd costs", "no Xero account", "Settings › Xero"],
            ),
            (
                "currency the organisation does not have",
                "out_invoice",
                {"currency": "JPY"},
                ["JPY", "GBP", "add JPY", "Settings › Xero"],
            ),
            (
                "currency Xero does not support",
                "out_refund",
                {"currency": "ZIG"},
                ["ZIG", "not one Xero supports"],
            ),
            (
                "control character in a line's description",
                "out_invoice",
                {"lines": [line(), line("Bad\x0bpaste", 1, 10.0)]},
                ["Line 2", "description", "control character", "retype"],
            ),
            (
                "emoji in a bill line's description",
                "in_invoice",
                {"lines": [line("Sunny " + EMOJI)]},
                ["Line 1", "description", EMOJI, "remove"],
            ),
            (
                "vendor reference over Xero's 255 characters",
                "in_invoice",
                {"ref": "R" * 300},
                ["vendor reference", "300 characters", "at most 255"],
            ),
            (
                "control character in the customer reference",
                "out_invoice",
                {"ref": "PO\x0c77"},
                ["Its reference", "control character"],
            ),
            ("plain purchase order", "purchase_order", {"lines": [order_line(tax_ids=tax)]}, [3]),
            (
                "zero and negative quantities on a purchase order",
                "purchase_order",
                {
                    "lines": [
                        order_line(tax_ids=tax, discount=0),
                        order_line("Spare", 0, 2.0, tax_ids=tax),
                        order_line("Returned", -1, 5.0, tax_ids=tax),
                    ]
                },
                [3, 0, -1],
            ),
            (
                "unmapped tax on a purchase order",
                "purchase_order",
                {"lines": [order_line("Odd bolts", tax_ids=[(6, 0, unmapped_purchase_tax.ids)])]},
                ["Line 1 (Odd bolts)", "Unmapped 9% (purchases)", "Settings › Xero"],
            ),
            (
                "control character in a purchase order line",
                "purchase_order",
                {"lines": [order_line("Bolts\x1fM8", tax_ids=tax)]},
                ["Line 1", "description", "control character"],
            ),
        ]

    def make_document(self, kind, values):
        values = dict(values)
        lines = values.pop("lines", None)
        code = values.pop("currency", None)
        if code:
            rates = {"EUR": 1.17, "JPY": 180.0, "ZIG": 35.0}
            values["currency_id"] = self.currency(code, rates[code]).id
        if kind == "purchase_order":
            return self.order(lines=lines, **values)
        if kind.startswith("in_") and "ref" not in values:
            values["ref"] = "SUP-%d" % len(self.env["account.move"].search([]))
        return self.move(kind, lines=lines, **values)

    def check_documents(self, how):
        cases = self.document_cases()
        documents = [self.make_document(kind, values) for _c, kind, values, _e in cases]
        moves = self.env["account.move"].union(*(d for d in documents if d._name == "account.move"))
        orders = self.env["purchase.order"].union(
            *(d for d in documents if d._name == "purchase.order")
        )
        if how == "button":
            moves.action_post()
            orders.button_confirm()
            moves.action_xero_sync()
            orders.action_xero_sync()
            self.env.invalidate_all()
        else:
            moves.action_post()
            orders.button_confirm()
            self.assertEqual(set(moves.mapped("xero_state")), {"pending"})
            self.run_push_cron()
        for (case, kind, _values, expected), document in zip(cases, documents, strict=True):
            with self.subTest(case=case, how=how):
                if expected and isinstance(expected[0], str):
                    self.assertRefused(document, expected, case)
                    continue
                self.assertSynced(document, case)
                if kind == "purchase_order":
                    held = self.held_order(document)
                    self.assertEqual(
                        (held["SubTotal"], held["TotalTax"], held["Total"]),
                        (document.amount_untaxed, document.amount_tax, document.amount_total),
                        case,
                    )
                else:
                    held = self.held_for(document)
                    self.assertSameTotals(document)
                self.assertEqual(
                    [line.get("Quantity") or 0 for line in held["LineItems"]],
                    [quantity or 0 for quantity in expected],
                    case,
                )
                for held_line, quantity in zip(held["LineItems"], expected, strict=True):
                    # A description-only line has no account, and adds nothing.
                    self.assertEqual(bool(held_line.get("AccountCode")), quantity is not None)
                    if quantity is None:
                        self.assertFalse(held_line.get("LineAmount"), case)
        good = sum(1 for c in cases if not (c[3] and isinstance(c[3][0], str)))
        in_xero = self.held("Invoices") + self.held("CreditNotes") + self.held("PurchaseOrders")
        self.assertEqual(len(in_xero), good, "only the good ones are in Xero")

    def test_documents_by_the_scheduled_push(self):
        self.check_documents("cron")

    def test_documents_by_the_button(self):
        self.check_documents("button")

    def test_a_document_of_a_refused_contact_waits_and_says_why(self):
        refused = self.partners(1, name="Refused Customer Ltd", email="not an email")
        waiting, good = self.move(partner=refused), self.move()
        (waiting | good).action_post()
        self.run_push_cron()
        self.assertSynced(good, "its neighbour")
        self.assertRefused(refused, ["email", "not an email"], "the contact")
        self.assertTrue(waiting.xero_waiting)
        self.assertIn("Refused Customer Ltd", waiting.xero_error)
        self.assertIn("not an email", waiting.xero_error)
        self.assertEqual([d["InvoiceID"] for d in self.held()], [good.xero_id])

    def test_a_line_with_no_account_anywhere(self):
        """A purchase order line whose product has no expense account, in a company with
        none by default and no default Xero purchase account: nothing tells which Xero
        account it goes to. Its neighbour, whose product has a mapped account, goes."""
        expense = self.env.company.expense_account_id
        self.product.property_account_expense_id = expense
        self.env.company.expense_account_id = False
        self.connection.xero_purchase_account_id = False
        unaccounted = self.env["product.product"].create(
            {
                "name": "Loose part",
                "categ_id": self.env["product.category"].create({"name": "Loose"}).id,
                "taxes_id": False,
                "supplier_taxes_id": False,
            }
        )
        lost = self.order(lines=[order_line("Loose part", product_id=unaccounted.id, discount=0)])
        good = self.order()
        (lost | good).button_confirm()
        self.run_push_cron()
        self.assertSynced(good, "the order of a product with an account")
        self.assertRefused(
            lost,
            ["Line 1 (Loose part)", "no Odoo purchase account", "Settings › Xero"],
            "the order of a product with no account",
        )
