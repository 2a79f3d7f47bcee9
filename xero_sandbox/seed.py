"""Organisations the sandbox starts with, and the demo data ``--seed`` adds."""

import uuid
from decimal import Decimal

# A fixed namespace keeps seeded IDs stable across resets and restarts, so that a demo
# database linked to the sandbox stays linked after the sandbox restarts.
SEED_NAMESPACE = uuid.UUID("5d6f3c1e-8b8e-4a51-9d0e-2f1c7f0a9b31")


def seed_id(*parts):
    return str(uuid.uuid5(SEED_NAMESPACE, "/".join(parts)))


UK_TAX_RATES = [
    ("20% (VAT on Income)", "OUTPUT2", "20", "OUTPUT"),
    ("20% (VAT on Expenses)", "INPUT2", "20", "INPUT"),
    ("5% (VAT on Income)", "RROUTPUT", "5", "OUTPUT"),
    ("5% (VAT on Expenses)", "RRINPUT", "5", "INPUT"),
    ("Zero Rated Income", "ZERORATEDOUTPUT", "0", "OUTPUT"),
    ("Zero Rated Expenses", "ZERORATEDINPUT", "0", "INPUT"),
    ("Exempt Income", "EXEMPTOUTPUT", "0", "EXEMPTOUTPUT"),
    ("Exempt Expenses", "EXEMPTINPUT", "0", "EXEMPTINPUT"),
    ("20% (VAT on Capital Purchases)", "CAPEXINPUT2", "20", "CAPITALEXPENSESINPUT"),
    ("No VAT", "NONE", "0", "NONE"),
]

AU_TAX_RATES = [
    ("GST on Income", "OUTPUT", "10", "OUTPUT"),
    ("GST on Expenses", "INPUT", "10", "INPUT"),
    ("GST Free Income", "EXEMPTOUTPUT", "0", "EXEMPTOUTPUT"),
    ("GST Free Expenses", "EXEMPTEXPENSES", "0", "EXEMPTEXPENSES"),
    ("GST on Capital", "CAPEXINPUT", "10", "CAPITALEXPENSESINPUT"),
    ("Input Taxed", "INPUTTAXED", "0", "INPUTTAXED"),
    ("BAS Excluded", "BASEXCLUDED", "0", "BASEXCLUDED"),
    ("GST on Imports", "GSTONIMPORTS", "0", "GSTONIMPORTS"),
]

NZ_TAX_RATES = [
    ("15% GST on Income", "OUTPUT2", "15", "OUTPUT"),
    ("15% GST on Expenses", "INPUT2", "15", "INPUT"),
    ("Zero Rated", "ZERORATED", "0", "OUTPUT"),
    ("No GST", "NONE", "0", "NONE"),
]

US_TAX_RATES = [
    ("Tax Exempt", "NONE", "0", "NONE"),
    ("Sales Tax on Imports", "GSTONIMPORTS", "0", "GSTONIMPORTS"),
    ("State Sales Tax", "TAX001", "8.25", "OUTPUT"),
]

# Accounts other than bank accounts that take payments ("Enable payments to this account"):
# a clearing account, through which payments recorded elsewhere reach Xero.
TAKES_PAYMENTS = {"615"}
# (code, name, type, tax type for sales/purchase side, system account)
CHART = [
    ("090", "Business Bank Account", "BANK", "NONE", None),
    ("200", "Sales", "REVENUE", "{out}", None),
    ("260", "Other Revenue", "REVENUE", "{out}", None),
    ("270", "Interest Income", "REVENUE", "{exempt_out}", None),
    ("300", "Purchases", "DIRECTCOSTS", "{inp}", None),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "{inp}", None),
    ("400", "Advertising", "OVERHEADS", "{inp}", None),
    ("429", "General Expenses", "OVERHEADS", "{inp}", None),
    ("445", "Light, Power, Heating", "OVERHEADS", "{inp}", None),
    ("469", "Rent", "OVERHEADS", "{exempt_in}", None),
    ("610", "Accounts Receivable", "CURRENT", "NONE", "DEBTORS"),
    ("615", "Payments Clearing", "CURRENT", "NONE", None),
    ("630", "Inventory", "INVENTORY", "{inp}", None),
    ("720", "Computer Equipment", "FIXED", "{inp}", None),
    ("800", "Accounts Payable", "CURRLIAB", "NONE", "CREDITORS"),
    ("820", "{tax_name}", "CURRLIAB", "NONE", "GST"),
    ("960", "Retained Earnings", "EQUITY", "NONE", "RETAINEDEARNINGS"),
]

ACCOUNT_CLASS = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "INVENTORY": "ASSET",
    "FIXED": "ASSET",
    "REVENUE": "REVENUE",
    "DIRECTCOSTS": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "CURRLIAB": "LIABILITY",
    "EQUITY": "EQUITY",
}

COUNTRIES = {
    "GB": {
        "version": "UK",
        "currency": "GBP",
        "tax_rates": UK_TAX_RATES,
        "tax_name": "VAT",
        "out": "OUTPUT2",
        "inp": "INPUT2",
        "exempt_out": "EXEMPTOUTPUT",
        "exempt_in": "EXEMPTINPUT",
        "currencies": [("GBP", "British Pound"), ("EUR", "Euro"), ("USD", "United States Dollar")],
        "timezone": "GMTSTANDARDTIME",
    },
    "AU": {
        "version": "AU",
        "currency": "AUD",
        "tax_rates": AU_TAX_RATES,
        "tax_name": "GST",
        "out": "OUTPUT",
        "inp": "INPUT",
        "exempt_out": "EXEMPTOUTPUT",
        "exempt_in": "EXEMPTEXPENSES",
        "currencies": [
            ("AUD", "Australian Dollar"),
            ("NZD", "New Zealand Dollar"),
            ("USD", "United States Dollar"),
        ],
        "timezone": "AUSEASTERNSTANDARDTIME",
    },
    "NZ": {
        "version": "NZ",
        "currency": "NZD",
        "tax_rates": NZ_TAX_RATES,
        "tax_name": "GST",
        "out": "OUTPUT2",
        "inp": "INPUT2",
        "exempt_out": "NONE",
        "exempt_in": "NONE",
        "currencies": [("NZD", "New Zealand Dollar"), ("AUD", "Australian Dollar")],
        "timezone": "NEWZEALANDSTANDARDTIME",
    },
    "US": {
        "version": "US",
        "currency": "USD",
        "tax_rates": US_TAX_RATES,
        "tax_name": "Sales Tax",
        "out": "TAX001",
        "inp": "NONE",
        "exempt_out": "NONE",
        "exempt_in": "NONE",
        "currencies": [("USD", "United States Dollar"), ("CAD", "Canadian Dollar")],
        "timezone": "EASTERNSTANDARDTIME",
    },
}

TRACKING = {
    "GB": [
        ("Region", ["North", "South", "East", "West"]),
        ("Department", ["Sales", "Operations", "Marketing"]),
    ],
    "AU": [
        ("Region", ["Eastside", "Westside", "Central"]),
        ("Business Unit", ["Retail", "Wholesale"]),
    ],
    "NZ": [("Region", ["North Island", "South Island"])],
    "US": [("Location", ["East", "West"])],
}

DEFAULT_ORGANISATIONS = [
    ("Demo Company (UK)", "GB", "!uk1Dm"),
    ("Demo Company (AU)", "AU", "!au2Dm"),
]


REVENUE_ONLY_REPORT_TYPES = {"OUTPUT", "EXEMPTOUTPUT", "CAPITALSALESOUTPUT"}
EXPENSE_ONLY_REPORT_TYPES = {
    "INPUT",
    "EXEMPTINPUT",
    "EXEMPTEXPENSES",
    "CAPITALEXPENSESINPUT",
    "GSTONIMPORTS",
}


def tax_rate_objects(country):
    rates = []
    for name, tax_type, rate, report_type in COUNTRIES[country]["tax_rates"]:
        rate = Decimal(rate)
        rates.append(
            {
                "Name": name,
                "TaxType": tax_type,
                "ReportTaxType": report_type,
                "Status": "ACTIVE",
                "TaxComponents": [
                    {
                        "Name": name.split(" (")[0],
                        "Rate": rate,
                        "IsCompound": False,
                        "IsNonRecoverable": False,
                    }
                ],
                "CanApplyToAssets": True,
                "CanApplyToEquity": True,
                "CanApplyToExpenses": report_type not in REVENUE_ONLY_REPORT_TYPES,
                "CanApplyToLiabilities": True,
                "CanApplyToRevenue": report_type not in EXPENSE_ONLY_REPORT_TYPES,
                "DisplayTaxRate": rate,
                "EffectiveRate": rate,
            }
        )
    return rates


def account_objects(tenant_id, country):
    params = COUNTRIES[country]
    accounts = []
    for code, name, acc_type, tax, system in CHART:
        account = {
            "AccountID": seed_id(tenant_id, "account", code),
            "Code": code,
            "Name": name.format(**params),
            "Type": acc_type,
            "TaxType": tax.format(**params),
            "Status": "ACTIVE",
            "Class": ACCOUNT_CLASS[acc_type],
            "EnablePaymentsToAccount": acc_type == "BANK" or code in TAKES_PAYMENTS,
            "ShowInExpenseClaims": acc_type == "OVERHEADS",
            "ReportingCode": ACCOUNT_CLASS[acc_type][:3],
            "HasAttachments": False,
        }
        if system:
            account["SystemAccount"] = system
        if acc_type == "BANK":
            account.update(
                BankAccountNumber="12345678",
                BankAccountType="BANK",
                CurrencyCode=params["currency"],
            )
        accounts.append(account)
    return accounts


def tracking_objects(tenant_id, country):
    categories = []
    for name, options in TRACKING[country]:
        category_id = seed_id(tenant_id, "tracking", name)
        categories.append(
            {
                "TrackingCategoryID": category_id,
                "Name": name,
                "Status": "ACTIVE",
                "Options": [
                    {
                        "TrackingOptionID": seed_id(tenant_id, "tracking", name, option),
                        "Name": option,
                        "Status": "ACTIVE",
                        "TrackingCategoryID": category_id,
                    }
                    for option in options
                ],
            }
        )
    return categories


def organisation_settings(tenant_id, name, country, short_code):
    params = COUNTRIES[country]
    return {
        "Organisation": {
            "OrganisationID": tenant_id,
            "APIKey": "",
            "Name": name,
            "LegalName": name.replace("Demo Company", "Demo Company Ltd"),
            "PaysTax": True,
            "Version": params["version"],
            "OrganisationType": "COMPANY",
            "BaseCurrency": params["currency"],
            "CountryCode": country,
            "IsDemoCompany": True,
            "OrganisationStatus": "ACTIVE",
            "FinancialYearEndDay": 31,
            "FinancialYearEndMonth": 3 if country == "GB" else 6,
            "SalesTaxBasis": "ACCRUAL" if country == "GB" else "ACCRUALS",
            "SalesTaxPeriod": "QUARTERLY1",
            "DefaultSalesTax": "Tax Exclusive",
            "DefaultPurchasesTax": "Tax Exclusive",
            "Timezone": params["timezone"],
            "OrganisationEntityType": "COMPANY",
            "ShortCode": short_code,
            "Class": "DEMO",
            "Edition": "BUSINESS",
        },
        "Accounts": account_objects(tenant_id, country),
        "TaxRates": tax_rate_objects(country),
        "TrackingCategories": tracking_objects(tenant_id, country),
        "Currencies": [{"Code": c, "Description": d} for c, d in params["currencies"]],
    }


DEMO_CONTACTS = [
    ("Bayside Club", "secretary@baysideclub.example", "CUST-001"),
    ("Ridgeway University", "accounts@ridgeway.example", "CUST-002"),
    ("PowerDirect", "billing@powerdirect.example", "SUPP-001"),
    ("Office Supplies Co", "orders@officesupplies.example", "SUPP-002"),
    ("Marine Systems", "info@marinesystems.example", None),
]

DEMO_ITEMS = [
    ("DESK-01", "Standing desk", "450", "300"),
    ("CHAIR-01", "Office chair", "180", "110"),
    ("CONSULT", "Consulting hour", "95", None),
]
