"""GET /sandbox/stats: what each organisation went through under load (calls in flight, the
busiest 60 seconds, the limiter's refusals, injected 429s apart, pages read), and the
sandbox-only import of many objects at once that fills an organisation before a count."""

import pytest
import requests

from xero_sandbox.load_stats import LoadStats, endpoint_name, max_in_window


class FakeClock:
    def __init__(self, now=1000.0):
        self.now = now

    def time(self):
        return self.now


def stats_of(sandbox, tenant_id):
    answer = requests.get(sandbox.url + "/sandbox/stats", timeout=5)
    assert answer.status_code == 200
    return answer.json()["tenants"].get(tenant_id)


# -- the sliding window, pure ---------------------------------------------------------------


@pytest.mark.parametrize(
    "times, expected",
    [
        ([], 0),
        ([5.0], 1),
        ([0, 10, 20, 59.9], 4),
        ([0, 10, 20, 60], 3),  # a call 60 s old has left the window, as the limiter counts
        ([100, 0, 30, 90, 31, 119.5], 3),  # in any order: 0, 30, 31 or 90, 100, 119.5
        ([0, 0, 0, 60, 60], 3),
    ],
)
def test_max_in_window(times, expected):
    assert max_in_window(times) == expected


def test_max_in_window_is_exact_against_counting_every_window():
    import random

    rng = random.Random(7)
    times = sorted(rng.uniform(0, 600) for _ in range(400))
    brute = max(sum(1 for u in times if t <= u < t + 60) for t in times)
    assert max_in_window(times) == brute


def test_the_window_kept_as_calls_arrive_matches_the_pure_count():
    clock = FakeClock(0.0)
    stats = LoadStats(clock)
    arrivals = [0, 1, 2, 30, 59.5, 60, 61, 62, 63, 119, 200]
    for moment in arrivals:
        stats.admitted("t", moment, 1)
    assert stats.snapshot()["tenants"]["t"]["max_per_minute"] == max_in_window(arrivals) == 6


def test_endpoint_names_group_by_shape():
    assert endpoint_name("/Contacts") == "Contacts"
    assert endpoint_name("/Contacts/0b4ad7c1-3f5a-4c1e-9a7d-2f1c7f0a9b31/History") == (
        "Contacts/{id}/History"
    )


# -- over HTTP ------------------------------------------------------------------------------


def test_calls_pages_and_the_busiest_minute(raw, sandbox, uk):
    raw.call("GET", "/Contacts", params={"page": 1})
    raw.call("GET", "/Contacts", params={"page": 2})
    raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "A"}]})
    contact_id = uk.all("Contacts")[0]["ContactID"]
    raw.call("GET", "/Contacts/" + contact_id)
    stats = stats_of(sandbox, uk.tenant_id)
    assert stats["calls"] == 4
    assert stats["gets"] == {"Contacts": 2, "Contacts/{id}": 1}
    assert stats["max_per_minute"] == 4
    assert stats["max_in_flight"] == 1
    assert stats["refused_total"] == 0 and stats["injected_total"] == 0


def test_the_busiest_minute_slides_with_the_sandbox_clock(raw, sandbox, uk):
    sandbox.clock.set_speed(0)  # 59 s and 61 s exactly, however slow the machine
    for _ in range(3):
        raw.call("GET", "/Organisation")
    sandbox.clock.advance(59)
    for _ in range(2):
        raw.call("GET", "/Organisation")
    assert stats_of(sandbox, uk.tenant_id)["max_per_minute"] == 5
    sandbox.clock.advance(2)  # the first three have left the window
    raw.call("GET", "/Organisation")
    stats = stats_of(sandbox, uk.tenant_id)
    assert stats["max_per_minute"] == 5
    assert stats["calls"] == 6


def test_limiter_refusals_per_problem(raw, sandbox, uk):
    sandbox.actions.set_limits({"per_minute": 2})
    statuses = [raw.call("GET", "/Organisation").status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]
    stats = stats_of(sandbox, uk.tenant_id)
    assert stats["refused"] == {"concurrent": 0, "minute": 2, "day": 0, "appminute": 0}
    assert stats["calls"] == 2 and stats["max_per_minute"] == 2
    sandbox.actions.set_limits({"per_minute": 100, "per_day": 2})
    assert raw.call("GET", "/Organisation").status_code == 429
    assert stats_of(sandbox, uk.tenant_id)["refused"]["day"] == 1


def test_injected_429s_are_counted_apart(raw, sandbox, uk):
    sandbox.faults.add({"kind": "rate_limit", "problem": "minute", "times": 2})
    sandbox.faults.add({"kind": "rate_limit", "problem": "day", "times": 1})
    statuses = [raw.call("GET", "/Organisation").status_code for _ in range(4)]
    assert statuses == [429, 429, 429, 200]
    stats = stats_of(sandbox, uk.tenant_id)
    assert stats["injected"] == {"minute": 2, "day": 1, "appminute": 0}
    assert stats["refused_total"] == 0
    # The limiter admitted them all: they count in its minute, as Xero's would.
    assert stats["calls"] == 4


def test_organisations_are_counted_apart(sandbox, token, uk, au):
    from .sandbox_helpers import Raw

    Raw(sandbox, token, uk.tenant_id).call("GET", "/Organisation")
    Raw(sandbox, token, au.tenant_id).call("GET", "/Organisation")
    Raw(sandbox, token, au.tenant_id).call("GET", "/Organisation")
    assert stats_of(sandbox, uk.tenant_id)["calls"] == 1
    assert stats_of(sandbox, au.tenant_id)["calls"] == 2


@pytest.mark.parametrize("how", ["clear the request log", "reset"])
def test_cleared_with_the_call_counts(raw, sandbox, uk, how):
    raw.call("GET", "/Organisation")
    assert stats_of(sandbox, uk.tenant_id)["calls"] == 1
    if how == "reset":
        requests.post(sandbox.url + "/sandbox/reset", json={}, timeout=5)
    else:
        requests.delete(sandbox.url + "/sandbox/requests", timeout=5)
    assert stats_of(sandbox, uk.tenant_id) is None
    assert requests.get(sandbox.url + "/sandbox/calls", timeout=5).json() == {}


def test_a_clear_leaves_the_limiter_alone(raw, sandbox, uk):
    sandbox.actions.set_limits({"per_minute": 2})
    raw.call("GET", "/Organisation")
    raw.call("GET", "/Organisation")
    requests.delete(sandbox.url + "/sandbox/requests", timeout=5)
    assert raw.call("GET", "/Organisation").status_code == 429
    assert stats_of(sandbox, uk.tenant_id)["refused"]["minute"] == 1


# -- many objects at once -------------------------------------------------------------------


def test_many_contacts_are_added_at_once_outside_the_limits(raw, sandbox, uk):
    sandbox.actions.set_limits({"per_minute": 1})
    contacts = [{"Name": "Bulk %04d" % i} for i in range(250)]
    answer = requests.post(
        "%s/sandbox/tenants/%s/data/Contacts" % (sandbox.url, uk.tenant_id),
        json={"Contacts": contacts},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["added"] == 250
    assert len(uk.all("Contacts")) == 250
    assert stats_of(sandbox, uk.tenant_id) is None  # no Accounting API call
    page = raw.call("GET", "/Contacts", params={"page": 1}).json()["Contacts"]
    assert len(page) == 100


def test_adding_objects_is_all_or_nothing(sandbox, uk):
    answer = requests.post(
        "%s/sandbox/tenants/%s/data/Contacts" % (sandbox.url, uk.tenant_id),
        json={"Contacts": [{"Name": "Fine Ltd"}, {"Name": ""}]},
        timeout=10,
    )
    assert answer.status_code == 400
    assert "name" in answer.json()["error"].lower()
    assert uk.all("Contacts") == []


def test_adding_objects_names_what_it_takes(sandbox, uk):
    answer = requests.post(
        "%s/sandbox/tenants/%s/data/Payments" % (sandbox.url, uk.tenant_id),
        json={"Payments": []},
        timeout=10,
    )
    assert answer.status_code == 400
    assert "contacts" in answer.json()["error"]
