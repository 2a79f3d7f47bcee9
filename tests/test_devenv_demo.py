"""tools/devenv/demo_company.py: the demo company made British and its mappings applied,
against a small in-memory stand-in of Odoo's ORM over JSON-RPC."""

import pytest

from .test_devenv import load_devenv

load_devenv()
from devenv import demo, demo_company  # noqa: E402

M2O = {"currency_id", "country_id", "account_fiscal_country_id", "tax_group_id"}
M2O |= {"account_sale_tax_id", "account_purchase_tax_id", "xero_account_id"}
M2O |= {"sales_account_id", "purchase_account_id", "xero_tax_rate_id"}
M2O |= {"company_id", "journal_id", "xero_bank_account_id"}


def matches(record, domain):
    for field, op, value in domain:
        have = record.get(field, True if field == "active" else False)
        if op == "=" and have != value:
            return False
        if op == "!=" and have == value:
            return False
        if op == "in" and have not in value:
            return False
        if op == "ilike" and str(value).lower() not in str(have).lower():
            return False
    return True


class FakeOdoo:
    """Tables of dicts behind `session.call(model, method, ...)`; every write is noted."""

    def __init__(self, tables, actions=None):
        self.tables = tables
        self.actions = actions or {}
        self.writes = []
        self.calls = []

    def rows(self, model, domain, context=None):
        active_test = (context or {}).get("active_test", True)
        uses_active = any(term[0] == "active" for term in domain)
        return [
            rid
            for rid, row in sorted(self.tables.setdefault(model, {}).items())
            if matches(row, domain) and (not active_test or uses_active or row.get("active", True))
        ]

    def read(self, model, ids, fields):
        out = []
        for rid in ids:
            row = self.tables[model][rid]
            values = {"id": rid}
            for field in fields:
                value = row.get(field, False)
                if field in M2O and value:
                    value = [value, f"{field} {value}"]
                values[field] = value
            out.append(values)
        return out

    def call(self, model, method, *args, context=None, limit=None, timeout=None, **kwargs):
        self.calls.append((model, method))
        if (model, method) in self.actions:
            return self.actions[(model, method)](*args)
        if method == "search":
            ids = self.rows(model, args[0], context)
            return ids[:limit] if limit else ids
        if method == "search_count":
            return len(self.rows(model, args[0], context))
        if method == "search_read":
            return self.read(model, self.rows(model, args[0], context), args[1])
        if method == "read":
            return self.read(model, args[0], args[1])
        if method == "write":
            for rid in args[0]:
                self.tables[model][rid].update(args[1])
            self.writes.append((model, list(args[0]), args[1]))
            return True
        if method == "create":
            table = self.tables.setdefault(model, {})
            rid = max(table, default=0) + 1
            table[rid] = dict(args[0])
            self.writes.append((model, [rid], args[0]))
            return rid
        raise AssertionError(f"unexpected call {model}.{method}")


def generic_company(move_lines=0):
    """A company as `-i xero_connector` leaves it: USD, no country, the generic chart."""
    return FakeOdoo(
        {
            "res.country": {1: {"code": "US"}, 2: {"code": "GB"}},
            "res.currency": {1: {"name": "USD"}, 2: {"name": "GBP", "active": False}},
            "res.company": {
                1: {"currency_id": 1, "country_id": False, "account_fiscal_country_id": 1}
            },
            "account.move.line": {i: {"company_id": 1} for i in range(1, move_lines + 1)},
            "ir.model.data": {
                1: {
                    "module": "account",
                    "name": "1_tax_received",
                    "model": "account.account",
                    "res_id": 25,
                },
                2: {
                    "module": "account",
                    "name": "1_tax_paid",
                    "model": "account.account",
                    "res_id": 13,
                },
            },
            "account.tax": {
                1: {"name": "15%", "company_id": 1, "country_id": 1, "type_tax_use": "sale"},
                2: {"name": "15%", "company_id": 1, "country_id": 1, "type_tax_use": "purchase"},
            },
        }
    )


def test_a_new_demo_company_becomes_british():
    odoo = generic_company()
    changed = demo_company.make_company_british(odoo, 1)
    company = odoo.tables["res.company"][1]
    assert (company["currency_id"], company["country_id"]) == (2, 2)
    assert company["account_fiscal_country_id"] == 2
    assert odoo.tables["res.currency"][2]["active"] is True
    taxes = {t["name"]: t for t in odoo.tables["account.tax"].values() if t["country_id"] == 2}
    assert set(taxes) == {name for name, *_rest in demo_company.UK_VAT}
    assert {(t["amount"], t["type_tax_use"]) for t in taxes.values()} == {
        (20.0, "sale"),
        (20.0, "purchase"),
        (5.0, "sale"),
        (5.0, "purchase"),
        (0.0, "sale"),
        (0.0, "purchase"),
    }
    sale_20 = taxes["VAT 20% (sales)"]
    assert [line[2].get("account_id") for line in sale_20["repartition_line_ids"]] == [
        None,
        25,
        None,
        25,
    ]
    ids = {t["name"]: i for i, t in odoo.tables["account.tax"].items()}
    assert company["account_sale_tax_id"] == ids["VAT 20% (sales)"]
    assert company["account_purchase_tax_id"] == ids["VAT 20% (purchases)"]
    assert not odoo.tables["account.tax"][1]["active"], "the generic chart's 15% is archived"
    groups = {g["name"] for g in odoo.tables["account.tax.group"].values()}
    assert groups == {"VAT 20%", "VAT 5%", "VAT 0%", "VAT exempt"}
    assert "currency GBP" in changed

    odoo.writes.clear()
    assert demo_company.make_company_british(odoo, 1) == []
    assert odoo.writes == [], "a second run changes nothing"


def test_a_company_with_entries_in_another_currency_is_left_alone():
    odoo = generic_company(move_lines=3)
    with pytest.raises(demo_company.DemoBooksError, match="--fresh"):
        demo_company.make_company_british(odoo, 1)
    assert odoo.writes == []


def test_demo_data_is_loaded_once():
    odoo = FakeOdoo(
        {"ir.module.module": {1: {"name": "base", "demo": False}}},
        {("ir.demo", "install_demo"): lambda ids: True},
    )
    assert demo_company.load_demo_data(odoo) is True
    odoo.tables["ir.module.module"][1]["demo"] = True
    assert demo_company.load_demo_data(odoo) is False
    assert odoo.calls.count(("ir.demo", "install_demo")) == 1


def mapping_wizard(applied, bank_journal=False):
    """The wizard of Settings › Xero as the demo company opens it: Xero's sandbox accounts
    (6 is the bank account 090), Odoo's journals (2 is the bank journal)."""
    return FakeOdoo(
        {
            "xero.account": {
                i: {"connection_id": 7, "code": code}
                for i, code in enumerate(["200", "260", "300", "310", "429", "090"], start=1)
            },
            "xero.mapping.wizard": {
                9: {
                    "company_id": 1,
                    "account_line_ids": [1, 2, 3],
                    "tax_line_ids": [1],
                    "bank_line_ids": [1],
                    "warning": False,
                }
            },
            "xero.mapping.wizard.account": {
                1: {"account_type": "income", "xero_account_id": False},
                2: {"account_type": "expense", "xero_account_id": 4},
                3: {"account_type": "asset_current", "xero_account_id": False},
            },
            "xero.mapping.wizard.tax": {1: {"xero_tax_rate_id": 3}},
            "xero.mapping.wizard.bank": {1: {"xero_account_id": 6, "journal_id": bank_journal}},
            "account.journal": {
                1: {"company_id": 1, "type": "sale", "name": "Customer Invoices"},
                2: {"company_id": 1, "type": "bank", "name": "Bank"},
                3: {"company_id": 1, "type": "cash", "name": "Cash"},
                4: {"company_id": 2, "type": "bank", "name": "Other company's bank"},
            },
        },
        {
            ("xero.connection", "action_open_mapping"): lambda ids: {"res_id": 9},
            ("xero.mapping.wizard", "action_apply"): lambda ids: applied.append(ids),
        },
    )


def test_the_mapping_wizard_is_applied_with_what_it_could_not_propose():
    applied = []
    odoo = mapping_wizard(applied)
    taxes, accounts, banks, warning = demo_company.apply_mappings(odoo, 7)
    wizard = odoo.tables["xero.mapping.wizard"][9]
    assert (wizard["sales_account_id"], wizard["purchase_account_id"]) == (1, 3)
    lines = odoo.tables["xero.mapping.wizard.account"]
    assert lines[1]["xero_account_id"] == 1, "an income account goes to 200 Sales"
    assert lines[2]["xero_account_id"] == 4, "a proposal is kept"
    assert lines[3]["xero_account_id"] is False, "a balance sheet account is left alone"
    assert applied == [[9]]
    assert (taxes, accounts, banks, warning) == (1, 2, 1, "")


def test_xeros_bank_account_is_mapped_to_the_companys_bank_journal():
    """So that a payment made in the sandbox is recorded in Odoo at the next import."""
    odoo = mapping_wizard([])
    demo_company.apply_mappings(odoo, 7)
    assert odoo.tables["xero.mapping.wizard.bank"][1]["journal_id"] == 2
    chosen = mapping_wizard([], bank_journal=3)  # a proposal, or a choice made before
    demo_company.apply_mappings(chosen, 7)
    assert chosen.tables["xero.mapping.wizard.bank"][1]["journal_id"] == 3


def test_mappings_are_applied_again_while_no_journal_records_xeros_payments():
    odoo = FakeOdoo(
        {
            "account.tax": {
                1: {"name": "VAT 20% (sales)", "company_id": 1, "xero_tax_rate_id": 3},
                2: {"name": "VAT 20% (purchases)", "company_id": 1, "xero_tax_rate_id": 4},
            },
            "account.journal": {1: {"company_id": 1, "type": "bank", "name": "Bank"}},
        }
    )
    assert not demo_company.mappings_applied(odoo, 1), "a demo made before the bank mapping"
    odoo.tables["account.journal"][1]["xero_bank_account_id"] = 6
    assert demo_company.mappings_applied(odoo, 1)


def test_the_closing_lines_say_how_to_get_paid_in_the_sandbox(capsys):
    demo.print_demo_banner(
        "http://127.0.0.1:8069", "http://127.0.0.1:8070", "/tmp/demo", "Demo Company (UK)", "x"
    )
    out = capsys.readouterr().out
    for words in ("Sync to Xero", "Open in Xero", "Approve", "Pay", "Import changes now"):
        assert words in out


def test_the_demo_company_is_named_as_its_organisation_at_a_uk_address():
    odoo = FakeOdoo({"res.company": {1: {"name": "My Company", "street": "250 Executive Park"}}})
    changed = demo_company.name_after_organisation(odoo, 1, "Demo Company (UK)")
    company = odoo.tables["res.company"][1]
    assert company["name"] == "Demo Company (UK)"
    assert (company["city"], company["zip"]) == ("Leeds", "LS1 5ES")
    assert "name" in changed and "street" in changed
    assert demo_company.name_after_organisation(odoo, 1, "Demo Company (UK)") == []
