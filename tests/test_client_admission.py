"""When one more call may go (``xero_client.admission``), and the client asking before each
call: Xero's limits of an organisation held by its callers together, before Xero refuses."""

from contextlib import contextmanager

import pytest

from xero_client import XeroClient, XeroEndpoints
from xero_client.admission import (
    MAX_WAIT_SECONDS,
    RETRY_SECONDS,
    WINDOW_SECONDS,
    Traffic,
    too_long,
    wait_before_call,
)
from xero_client.errors import RateLimited


def test_a_quiet_organisation_goes_at_once():
    assert wait_before_call(Traffic()) == 0


def test_five_in_flight_wait_for_one_to_end():
    assert wait_before_call(Traffic(in_flight=5)) == RETRY_SECONDS
    assert wait_before_call(Traffic(in_flight=4)) == 0


def test_a_full_minute_waits_for_its_oldest_call_to_age_out():
    assert wait_before_call(Traffic(in_window=60, oldest_age=50)) == WINDOW_SECONDS - 50
    assert wait_before_call(Traffic(in_window=59, oldest_age=50)) == 0


def test_calls_in_flight_count_in_the_minute():
    assert wait_before_call(Traffic(in_flight=3, in_window=57, oldest_age=10)) > 0
    assert wait_before_call(Traffic(in_flight=2, in_window=57, oldest_age=10)) == 0


def test_the_minute_limit_is_the_callers():
    assert wait_before_call(Traffic(in_window=60, oldest_age=1), minute_limit=1000) == 0


def test_xero_saying_nothing_is_left_waits_for_its_minute():
    assert wait_before_call(Traffic(xero_left=0, xero_age=20)) == WINDOW_SECONDS - 20
    assert wait_before_call(Traffic(xero_left=2, in_flight=2, xero_age=20)) > 0
    assert wait_before_call(Traffic(xero_left=3, in_flight=2, xero_age=20)) == 0


def test_a_wait_never_goes_below_a_pause():
    assert wait_before_call(Traffic(in_window=60, oldest_age=70)) == RETRY_SECONDS


def test_waiting_past_the_bound_is_a_rate_limit():
    assert too_long(0, MAX_WAIT_SECONDS) is None
    error = too_long(10, MAX_WAIT_SECONDS)
    assert isinstance(error, RateLimited)
    assert (error.problem, error.retry_after, error.status) == ("minute", MAX_WAIT_SECONDS, None)
    assert "resume in 30 seconds" in error.message


@pytest.fixture
def endpoints(sandbox):
    return XeroEndpoints.for_host(sandbox.url)


def test_each_call_is_made_and_counted_once_admitted(sandbox, token, uk, endpoints):
    events = []

    @contextmanager
    def admit(method_name):
        events.append(("admitted", method_name))
        yield
        events.append(("left", method_name))

    client = XeroClient(
        endpoints,
        token["access_token"],
        uk.tenant_id,
        admit=admit,
        on_answer=lambda method, status, ms: events.append(("answered", method, status)),
    )
    client.get_organisation()
    assert events == [
        ("admitted", "get_organisations"),
        ("answered", "get_organisations", 200),
        ("left", "get_organisations"),
    ]


def test_a_call_refused_admission_never_reaches_xero(sandbox, token, uk, endpoints):
    @contextmanager
    def refuse(method_name):
        raise too_long(0, 61)
        yield

    answers = []
    client = XeroClient(
        endpoints,
        token["access_token"],
        uk.tenant_id,
        admit=refuse,
        on_answer=lambda *answer: answers.append(answer),
    )
    with pytest.raises(RateLimited):
        client.get_organisation()
    assert answers == []
    assert sandbox.state.call_counts == {}
