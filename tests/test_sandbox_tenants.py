"""Organisations are independent: one's slow batch does not hold up another's calls, and each
organisation's own indexes stay consistent through rollbacks and renames."""

import threading
import time

from .sandbox_helpers import Raw

SLOW_SECONDS = 1.5


def slow_put_in_background(sandbox, token, tenant_id):
    """A PUT /Contacts that holds ``tenant_id`` for SLOW_SECONDS; returns its thread and times."""
    fault = sandbox.faults.add(
        {
            "kind": "slow",
            "method": "PUT",
            "path": "/Contacts",
            "tenant": tenant_id,
            "seconds": SLOW_SECONDS,
            "times": 1,
        }
    )
    times = {}

    def put():
        raw = Raw(sandbox, token, tenant_id)
        answer = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Slow Ltd"}]})
        times["status"] = answer.status_code
        times["done"] = time.monotonic()

    thread = threading.Thread(target=put)
    thread.start()
    assert holds_its_organisation(sandbox, tenant_id, fault), "the slow PUT never began"
    return thread, times


def holds_its_organisation(sandbox, tenant_id, fault, seconds=30):
    """Whether the slow PUT of ``fault`` took its organisation's lock within ``seconds``."""
    lock = sandbox.state.orgs[tenant_id].lock
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if fault["hits"] and not lock.acquire(blocking=False):
            return True
        if fault["hits"]:
            lock.release()
        time.sleep(0.01)
    return False


def test_a_slow_batch_in_one_organisation_does_not_stall_another(sandbox, token, uk, au):
    thread, slow = slow_put_in_background(sandbox, token, uk.tenant_id)
    other = Raw(sandbox, token, au.tenant_id)
    started = time.monotonic()
    assert other.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Quick"}]}).ok
    assert other.call("GET", "/Contacts").json()["Contacts"][0]["Name"] == "Quick"
    done = time.monotonic()
    thread.join()
    assert done - started < SLOW_SECONDS / 2
    assert done < slow["done"] and slow["status"] == 200
    assert [c["Name"] for c in uk.all("Contacts")] == ["Slow Ltd"]


def test_calls_to_the_same_organisation_wait_for_its_batch(sandbox, token, uk):
    thread, _ = slow_put_in_background(sandbox, token, uk.tenant_id)
    started = time.monotonic()
    answer = Raw(sandbox, token, uk.tenant_id).call("GET", "/Contacts")
    waited = time.monotonic() - started
    thread.join()
    assert waited > SLOW_SECONDS / 2
    # the read saw the batch whole, never half done
    assert [c["Name"] for c in answer.json()["Contacts"]] == ["Slow Ltd"]


def test_a_rolled_back_batch_frees_the_names_it_took(raw, uk):
    failed = raw.call(
        "PUT",
        "/Contacts",
        json={"Contacts": [{"Name": "Kept Free"}, {"Name": "Bad", "EmailAddress": "x@"}]},
    )
    assert failed.status_code == 400
    retried = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Kept Free"}]})
    assert retried.status_code == 200
    assert [c["Name"] for c in uk.all("Contacts")] == ["Kept Free"]


def test_a_renamed_contact_frees_its_old_name_and_takes_the_new_one(raw, uk):
    created = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Old Name"}]}).json()
    contact_id = created["Contacts"][0]["ContactID"]
    raw.call("POST", "/Contacts/" + contact_id, json={"Contacts": [{"Name": "New Name"}]})
    assert raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Old Name"}]}).ok
    clash = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "new name"}]})
    assert clash.status_code == 400
    assert sorted(c["Name"] for c in uk.all("Contacts")) == ["New Name", "Old Name"]
