"""Xero-shaped webhook events, signed in ``x-xero-signature``, and the intent-to-receive check."""

import json
import queue
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections import deque

from xero_client.webhooks import sign, verify

INTENT_TIMEOUT = 5
DELIVERY_TIMEOUT = 5
RETRY_DELAYS = (0.5, 2, 5)
BATCH_WINDOW = 0.2
DELIVERY_LOG_SIZE = 200

__all__ = ["Webhooks", "sign", "verify"]


class Webhooks:
    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.state = sandbox.state
        self.sequence = 0
        self.deliveries = deque(maxlen=DELIVERY_LOG_SIZE)
        self.queue = queue.Queue()
        self._thread = None
        self._stop = threading.Event()

    # -- configuration ----------------------------------------------------------------------
    def configure(self, url, key):
        with self.state.lock:
            self.state.webhook.update(url=url or None, key=key or None, status="NOT_SET")
        if url and key:
            return self.intent_to_receive()
        return {"status": "NOT_SET"}

    def intent_to_receive(self):
        """Xero's handshake: a good signature must get 200, a bad one 401, empty bodies, 5 s."""
        config = self.state.webhook
        body = self.payload([])
        good = post(config["url"], body, sign(config["key"], body), INTENT_TIMEOUT)
        bad = post(config["url"], body, sign(config["key"] + "x", body), INTENT_TIMEOUT)
        passed = (
            good["status"] == 200 and bad["status"] == 401 and not good["body"] and not bad["body"]
        )
        status = "OK" if passed else "INTENT_TO_RECEIVE_FAILED"
        with self.state.lock:
            self.state.webhook["status"] = status
        self.state.save()
        return {"status": status, "good_signature": good, "bad_signature": bad}

    # -- events -----------------------------------------------------------------------------
    def publish(self, tenant_id, changes):
        """Queue events for changes made through the API or by sandbox actions."""
        if not changes or self.state.webhook.get("status") != "OK":
            return
        base = self.sandbox.base_url
        now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.sandbox.clock.time()))
        for category, endpoint, object_id, event_type in changes:
            self.queue.put(
                {
                    "resourceUrl": "%s/api.xro/2.0/%s/%s" % (base, endpoint, object_id),
                    "resourceId": object_id,
                    "eventDateUtc": now + ".000",
                    "eventType": event_type,
                    "eventCategory": category,
                    "tenantId": tenant_id,
                    "tenantType": "ORGANISATION",
                }
            )
        self.ensure_worker()

    def payload(self, events):
        first = self.sequence + 1 if events else 0
        self.sequence += len(events)
        return json.dumps(
            {
                "events": events,
                "firstEventSequence": first,
                "lastEventSequence": self.sequence if events else 0,
                "entropy": secrets.token_hex(10).upper(),
            }
        ).encode()

    def ensure_worker(self):
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._work, name="sandbox-webhooks", daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()

    def flush(self, timeout=10):
        """Wait until every queued event was delivered or given up on (for tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.queue.unfinished_tasks == 0:
                return True
            time.sleep(0.02)
        return False

    def _work(self):
        while not self._stop.is_set():
            try:
                first = self.queue.get(timeout=0.5)
            except queue.Empty:
                continue
            batch = [first]
            time.sleep(BATCH_WINDOW)
            while True:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self.deliver(batch)
            finally:
                for _event in batch:
                    self.queue.task_done()

    def deliver(self, events):
        config = dict(self.state.webhook)
        if not config.get("url") or config.get("status") != "OK":
            return
        body = self.payload(events)
        signature = sign(config["key"], body)
        record = {"events": len(events), "attempts": []}
        self.deliveries.append(record)
        for delay in (0,) + RETRY_DELAYS:
            time.sleep(delay)
            result = post(config["url"], body, signature, DELIVERY_TIMEOUT)
            record["attempts"].append(result["status"])
            if result["status"] == 200:
                record["delivered"] = True
                return
        record["delivered"] = False


def post(url, body, signature, timeout):
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "x-xero-signature": signature},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            status, content = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, content = error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        status, content = None, str(error).encode()
    return {
        "status": status,
        "body": content.decode("utf-8", "replace")[:200],
        "seconds": round(time.monotonic() - started, 3),
    }
