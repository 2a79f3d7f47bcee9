"""Rate limits and injected faults, as the connector will meet them."""

import threading

import pytest
import requests


def test_every_answer_carries_the_remaining_limits(raw, sandbox):
    answer = raw.call("GET", "/Organisation")
    assert answer.headers["X-MinLimit-Remaining"] == "59"
    assert answer.headers["X-DayLimit-Remaining"] == "4999"
    assert answer.headers["X-AppMinLimit-Remaining"] == "9999"


def test_minute_limit_answers_429_with_retry_after_then_recovers(raw, sandbox):
    sandbox.actions.set_limits({"per_minute": 3})
    statuses = [raw.call("GET", "/Organisation").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = raw.call("GET", "/Organisation")
    assert limited.headers["X-Rate-Limit-Problem"] == "minute"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    sandbox.clock.advance(int(limited.headers["Retry-After"]))
    assert raw.call("GET", "/Organisation").status_code == 200


def test_day_limit_answers_429_with_a_long_retry_after(raw, sandbox):
    sandbox.clock.set_speed(0)  # the exact Retry-After: no real second passes meanwhile
    sandbox.actions.set_limits({"per_day": 2, "per_minute": 100})
    raw.call("GET", "/Organisation")
    sandbox.clock.advance(1200)
    raw.call("GET", "/Organisation")
    limited = raw.call("GET", "/Organisation")
    assert limited.status_code == 429
    assert limited.headers["X-Rate-Limit-Problem"] == "day"
    assert int(limited.headers["Retry-After"]) == 86400 - 1200
    assert limited.headers["X-DayLimit-Remaining"] == "0"


def test_limits_are_per_organisation(sandbox, token, uk, au):
    from .sandbox_helpers import Raw

    sandbox.actions.set_limits({"per_minute": 1})
    assert Raw(sandbox, token, uk.tenant_id).call("GET", "/Organisation").status_code == 200
    assert Raw(sandbox, token, uk.tenant_id).call("GET", "/Organisation").status_code == 429
    assert Raw(sandbox, token, au.tenant_id).call("GET", "/Organisation").status_code == 200


def test_concurrent_limit(raw, sandbox, uk):
    sandbox.actions.set_limits({"concurrent": 2})
    sandbox.faults.add({"kind": "latency", "path": "/Organisation", "seconds": 0.6})
    results = []

    def call():
        results.append(raw.call("GET", "/Organisation").status_code)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 200, 429, 429]
    stats = requests.get(sandbox.url + "/sandbox/stats", timeout=5).json()["tenants"]
    assert stats[uk.tenant_id]["max_in_flight"] == 2
    assert stats[uk.tenant_id]["refused"]["concurrent"] == 2


def test_clock_can_be_sped_up(sandbox):
    sandbox.clock.set_speed(600)
    before = sandbox.clock.time()
    import time

    time.sleep(0.1)
    assert sandbox.clock.time() - before >= 59


@pytest.mark.parametrize("status", [500, 503])
def test_injected_5xx_applies_nothing(raw, sandbox, uk, status):
    sandbox.faults.add(
        {"kind": "error", "method": "PUT", "path": "/Contacts", "status": status, "times": 1}
    )
    failed = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "X"}]})
    assert failed.status_code == status
    assert uk.all("Contacts") == []
    assert raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "X"}]}).status_code == 200


def test_injected_timeout_makes_the_client_time_out(raw, sandbox, uk):
    sandbox.faults.add({"kind": "timeout", "path": "/Contacts", "seconds": 1, "times": 1})
    with pytest.raises(requests.Timeout):
        raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "X"}]}, timeout=0.3)
    assert uk.all("Contacts") == []


def test_dropped_connection_after_the_write_then_an_idempotent_retry(raw, sandbox, uk):
    sandbox.faults.add(
        {"kind": "drop_after_write", "method": "PUT", "path": "/Contacts", "times": 1}
    )
    headers = {"Idempotency-Key": "partner-7-rev-3"}
    body = {"Contacts": [{"Name": "Dropped Ltd"}]}
    with pytest.raises(requests.ConnectionError):
        raw.call("PUT", "/Contacts", json=body, headers=headers)
    # Xero applied the write although the client saw no answer...
    assert [c["Name"] for c in uk.all("Contacts")] == ["Dropped Ltd"]
    retried = raw.call("PUT", "/Contacts", json=body, headers=headers)
    # ...and the retry with the same key gets the first answer, not a second contact.
    assert retried.status_code == 200
    assert retried.json()["Contacts"][0]["ContactID"] == uk.all("Contacts")[0]["ContactID"]
    assert len(uk.all("Contacts")) == 1


def test_retry_without_idempotency_key_duplicates_or_fails(raw, sandbox, uk):
    sandbox.faults.add(
        {"kind": "drop_after_write", "method": "PUT", "path": "/Invoices", "times": 1}
    )
    body = {
        "Invoices": [
            {
                "Type": "ACCPAY",
                "Contact": {"Name": "S"},
                "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 5}],
            }
        ]
    }
    with pytest.raises(requests.ConnectionError):
        raw.call("PUT", "/Invoices", json=body)
    raw.call("PUT", "/Invoices", json=body)
    assert len(uk.all("Invoices")) == 2  # the duplicate real connectors create


def test_fault_skip_and_times(raw, sandbox):
    sandbox.faults.add({"kind": "error", "path": "/Organisation", "skip": 1, "times": 1})
    assert [raw.call("GET", "/Organisation").status_code for _ in range(3)] == [200, 503, 200]


def test_request_log_and_call_counts(raw, sandbox):
    raw.call("GET", "/Organisation")
    raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "A"}]})
    raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "B"}]})
    counts = requests.get(sandbox.url + "/sandbox/calls", timeout=5).json()
    assert counts == {"GET Organisation": 1, "PUT Contacts": 2}
    log = requests.get(sandbox.url + "/sandbox/requests", timeout=5).json()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/Organisation", 200),
        ("PUT", "/Contacts", 200),
        ("PUT", "/Contacts", 200),
    ]
    assert all("Bearer" not in str(e) for e in log)
