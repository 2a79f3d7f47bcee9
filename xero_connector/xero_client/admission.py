"""When one more call may go to an organisation, given what all the callers together have
in flight and made in the last minute: Xero's limits held before Xero refuses, not learnt by
hitting them.

Xero allows an organisation 5 calls in flight and 60 a minute, whatever the number of
processes that make them (Xero's API rate limits). The caller keeps the shared figures (Odoo:
in PostgreSQL, for all its workers) and asks ``wait_before_call`` before each call."""

# Plain Python: the addon translates these messages (see .i18n).
# pylint: disable=prefer-env-translation
import math
from dataclasses import dataclass

from .errors import RateLimited, wait_in_words
from .i18n import _

CALLS_IN_FLIGHT = 5
CALLS_A_MINUTE = 60
# The span over which the minute's calls are counted: Xero's minute, and one second more,
# as the caller may keep the moment of a call to the second.
WINDOW_SECONDS = 61
# How long a caller waits before asking again while every slot is taken.
RETRY_SECONDS = 0.25
# How long a call waits to be admitted before it gives up, as if Xero had refused it.
MAX_WAIT_SECONDS = 30


@dataclass(frozen=True)
class Traffic:
    """An organisation's calls as the caller sees them before one more.

    ``in_flight``: calls made and not yet answered; ``in_window``: calls answered in the last
    WINDOW_SECONDS; ``oldest_age``: seconds since the oldest of those; ``xero_left``: what
    Xero's latest answer in the window said was left of its minute (X-MinLimit-Remaining)
    less the calls answered since, None without one; ``xero_age``: seconds since that
    answer."""

    in_flight: int = 0
    in_window: int = 0
    oldest_age: float = 0.0
    xero_left: int | None = None
    xero_age: float = 0.0


def wait_before_call(traffic, minute_limit=CALLS_A_MINUTE, in_flight_limit=CALLS_IN_FLIGHT):
    """Seconds to wait before one more call (0: it may go now)."""
    if traffic.in_flight >= in_flight_limit:
        return RETRY_SECONDS
    if traffic.in_window + traffic.in_flight >= minute_limit:
        return max(RETRY_SECONDS, WINDOW_SECONDS - traffic.oldest_age)
    if traffic.xero_left is not None and traffic.xero_left - traffic.in_flight <= 0:
        return max(RETRY_SECONDS, WINDOW_SECONDS - traffic.xero_age)
    return 0.0


def too_long(waited, wait, max_wait=MAX_WAIT_SECONDS):
    """A RateLimited to raise when waiting ``wait`` more seconds, after ``waited``, would go
    past ``max_wait``; None while the call may still wait."""
    if waited + wait <= max_wait:
        return None
    retry_after = max(1, math.ceil(wait))
    return RateLimited(
        _(
            "Xero's limit of calls a minute for this organisation is reached by this Odoo's "
            "workers together: the sync can resume in %(wait)s.",
            wait=wait_in_words(retry_after),
        ),
        retry_after,
        "minute",
        status=None,
    )
