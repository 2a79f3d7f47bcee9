"""What an organisation's books refuse or assume on money: day rates and lock dates.

Day rates: Xero fills a foreign document's or payment's missing ``CurrencyRate`` with the
day's rate from its own feed, never with 1 (its multicurrency guide). The sandbox's feed is a
fixed table, which a test overrides per currency and day through ``/sandbox`` actions.

Lock dates: ``PeriodLockDate`` and ``EndOfYearLockDate`` of the Organisation. Xero refuses
any transaction dated on or before one of them, with one message per lock date it breaks:
"The document date cannot be before the period lock date, currently set at 30-Nov-2018, The
document date cannot be before the end of year lock date, currently set at 30-Nov-2018"
(quoted by integrators: waynerobinson/xeroizer#92 and Emersion's knowledge base page "Xero
Period Lock Date Exists - Cannot Sync Data", which says Xero applies it to invoices, credit
notes, payments and allocations alike)."""

from datetime import date

from .dates import parse_date, to_ms_date
from .errors import ElementInvalid
from .money import dec, round_to

RATE_PLACES = 6
# Units of each currency one US dollar buys: the sandbox's rate feed, the same every day.
UNITS_PER_USD = {
    "USD": "1",
    "EUR": "0.92",
    "GBP": "0.79",
    "AUD": "1.52",
    "NZD": "1.65",
    "CAD": "1.36",
    "JPY": "151.2",
    "SGD": "1.34",
}
LOCK_DATES = (
    ("PeriodLockDate", "period lock date"),
    ("EndOfYearLockDate", "end of year lock date"),
)
DAY_RATES_KEY = "_DayRates"


def day_rate(org, code, on_day):
    """Units of ``code`` per unit of the organisation's base currency on ``on_day``: a rate
    set through the sandbox for that day, else for no day in particular, else the feed."""
    base = org.base_currency
    if code == base:
        return dec(1)
    set_rates = org.settings.get(DAY_RATES_KEY, {}).get(code, {})
    chosen = set_rates.get(on_day.isoformat()) or set_rates.get("")
    if chosen is not None:
        return dec(chosen)
    if code not in UNITS_PER_USD or base not in UNITS_PER_USD:
        raise ElementInvalid("No exchange rate is available for %s on %s" % (code, on_day))
    return round_to(dec(UNITS_PER_USD[code]) / dec(UNITS_PER_USD[base]), RATE_PLACES)


def set_day_rate(org, code, rate, on_day=None):
    """A sandbox action: the feed's rate of ``code`` (on ``on_day``, or on every day)."""
    value = dec(rate)
    if value <= 0:
        raise ValueError("A day rate must be greater than zero")
    rates = org.settings.setdefault(DAY_RATES_KEY, {}).setdefault(code, {})
    rates[on_day.isoformat() if on_day else ""] = str(value)


def currency_rate(org, code, given, on_day):
    """The ``CurrencyRate`` Xero keeps for an amount in ``code`` dated ``on_day``: 1 in the
    base currency (a rate sent there is ignored), the rate sent when it is above zero, else
    the day rate. Raises ElementInvalid for a rate that is not a number or not above zero."""
    if code == org.base_currency:
        return dec(1)
    if given is None or given == "":
        return day_rate(org, code, on_day)
    try:
        rate = dec(given)
    except ValueError:
        raise ElementInvalid("CurrencyRate must be a number") from None
    if rate <= 0:
        raise ElementInvalid("CurrencyRate must be greater than zero")
    return round_to(rate, RATE_PLACES)


def lock_dates(org):
    """{field: date} of the organisation's lock dates that are set."""
    found = {}
    for field, _label in LOCK_DATES:
        value = org.settings["Organisation"].get(field)
        if value:
            found[field] = parse_date(value)
    return found


def set_lock_dates(org, values):
    """A sandbox action: ``{"PeriodLockDate": "2026-03-31", "EndOfYearLockDate": null}``."""
    unknown = set(values) - {field for field, _label in LOCK_DATES}
    if unknown:
        raise ValueError("Lock dates: %s" % ", ".join(field for field, _label in LOCK_DATES))
    for field, value in values.items():
        if value:
            org.settings["Organisation"][field] = to_ms_date(parse_date(value))
        else:
            org.settings["Organisation"].pop(field, None)


def lock_errors(org, on_day):
    """Xero's messages for a transaction dated ``on_day`` (a date or an ISO text)."""
    if isinstance(on_day, str):
        on_day = date.fromisoformat(on_day[:10])
    locks = lock_dates(org)
    return [
        "The document date cannot be before the %s, currently set at %s"
        % (label, locks[field].strftime("%d-%b-%Y"))
        for field, label in LOCK_DATES
        if field in locks and on_day <= locks[field]
    ]


def check_unlocked(org, on_day):
    errors = lock_errors(org, on_day)
    if errors:
        raise ElementInvalid(*errors)
