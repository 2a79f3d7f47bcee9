"""Xero-shaped webhook events, signed in ``x-xero-signature``, the intent-to-receive check, and
what Xero does to a delivery URL that does not answer as it expects: retries, then disables it.

Xero's rules for a delivery URL, quoted below, are on its page "Configuring your server":
https://developer.xero.com/documentation/webhooks/configuring-your-server
"""

import json
import queue
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import deque

from xero_client.webhooks import sign, verify

INTENT_TIMEOUT = 5
DELIVERY_TIMEOUT = 5
RETRY_DELAYS = (0.5, 2, 5)
BATCH_WINDOW = 0.2
DELIVERY_LOG_SIZE = 200

# Xero retries a delivery "with decreasing frequency for up to 24 hours", then disables the
# webhook. The sandbox's retries of one delivery (its first attempt and RETRY_DELAYS) stand for
# those 24 hours: by default, one delivery failed through all of them disables the webhook.
DEFAULT_FAILURES_BEFORE_DISABLED = 1 + len(RETRY_DELAYS)
DISABLED_REASON = (
    "%d delivery attempts in a row failed. Xero retries for 24 hours, then: "
    '"After 24 hours the webhook will be disabled and needs to be re-enabled."'
)

# What Xero expects of every answer, in its words ("Configuring your server").
HTTPS = "It uses HTTPS on the standard 443 port"
OK_IN_TIME = "It responds within 5 seconds with a 200 O.K status code"
NO_BODY = "There is no body in the response"
NO_COOKIES = "There are no cookies in the response headers"
UNAUTHORISED = "If the signature is invalid a 401 Unauthorised status code is returned"

NOT_SET, OK, INTENT_FAILED, DISABLED = "NOT_SET", "OK", "INTENT_TO_RECEIVE_FAILED", "DISABLED"
SETTINGS = {"failures_before_disabled": DEFAULT_FAILURES_BEFORE_DISABLED, "require_https": False}

# Categories whose events come from changes only (never on demand): their ``data`` must be the
# object's as it changed.
CHANGE_CATEGORIES = ("CONTACT", "INVOICE", "CREDITNOTE")
CATEGORY_RE = re.compile(r"^[A-Z][A-Z_]*$")
# PAYMENT events (Xero's description 20.0.0, November 2026) come from payments made or deleted,
# and on demand. Our copy has neither their schema nor an example, so the sandbox assumes what
# the other categories do: resourceId is the PaymentID, resourceUrl /api.xro/2.0/Payments/{id},
# and no ``data`` (a receiver must not need any). PREPAYMENT events come on demand only.
ON_DEMAND_ENDPOINTS = {"PAYMENT": "Payments", "PREPAYMENT": "Prepayments"}

__all__ = ["Webhooks", "WebhookError", "event_data", "sign", "verify"]


class WebhookError(ValueError):
    """A sandbox action on webhooks that cannot be done (the sandbox answers 400)."""


def event_data(category, obj):
    """The ``data`` Xero sends with an event of ``category`` about ``obj``, or None.

    CREDITNOTE: the credit note's Type and Status (Xero's webhooks description 16.1.0,
    CreditNoteWebhookEvent). PREPAYMENT: also UpdatedDateUTCString (its description 17.0.0,
    August 2026); its form, UTC to the second like Xero's ``...String`` dates, is assumed.
    CONTACT and INVOICE events carry none.
    """
    if category not in ("CREDITNOTE", "PREPAYMENT"):
        return None
    data = {"Type": obj["Type"], "Status": obj["Status"]}
    if category == "PREPAYMENT":
        data["UpdatedDateUTCString"] = utc_string(obj["_updated"])
    return data


def event_date(timestamp):
    """Xero's ``eventDateUtc``: when the object changed, in UTC to the millisecond, the
    moment its UpdatedDateUTC holds."""
    milliseconds = round(timestamp * 1000)
    return "%s.%03d" % (utc_string(milliseconds // 1000), milliseconds % 1000)


def utc_string(timestamp):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(timestamp))


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
        """A new delivery URL and key, then the intent to receive (Xero runs it for a new URL)."""
        if url and self.refuses(url):
            raise WebhookError('The delivery URL must use https. Xero: "%s"' % HTTPS)
        with self.state.lock:
            self.state.webhook.update(url=url or None, key=key or None, status=NOT_SET)
            self.state.webhook.pop("reason", None)
        self.deliveries.clear()
        if url and key:
            return self.intent_to_receive()
        return {"status": NOT_SET}

    def configure_settings(self, values):
        """``failures_before_disabled``: failed delivery attempts in a row that disable the
        webhook; ``require_https``: refuse a delivery URL that is not https."""
        if set(values) - set(SETTINGS):
            raise WebhookError("Webhook settings: %s" % ", ".join(SETTINGS))
        changes = {}
        if "failures_before_disabled" in values:
            count = values["failures_before_disabled"]
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise WebhookError("failures_before_disabled must be a whole number of at least 1")
            changes["failures_before_disabled"] = count
        if "require_https" in values:
            changes["require_https"] = bool(values["require_https"])
        with self.state.lock:
            self.state.webhook.update(changes)
        self.state.save()
        return self.status()

    def setting(self, name):
        return self.state.webhook.get(name, SETTINGS[name])

    def refuses(self, url):
        """Whether the sandbox, told to require https, refuses the delivery URL ``url``."""
        return self.setting("require_https") and not url.lower().startswith("https://")

    def status(self):
        config = self.state.webhook
        answer = {"url": config.get("url"), "status": config.get("status")}
        if config.get("reason"):
            answer["reason"] = config["reason"]
        answer.update(
            failed_attempts=config.get("failed_attempts", 0),
            **{name: self.setting(name) for name in SETTINGS},
            deliveries=list(self.deliveries),
        )
        return answer

    def intent_to_receive(self):
        """Xero's handshake: a good signature must get 200, a bad one 401, within 5 s, with no
        body and no cookie. Passing it (again) enables the webhook."""
        config = self.state.webhook
        if not config.get("url") or not config.get("key"):
            raise WebhookError("No webhook yet: PUT /sandbox/webhooks with a url and a key")
        if self.refuses(config["url"]):
            good = bad = None
            unmet = [HTTPS]
        else:
            body = self.payload([])
            good = post(config["url"], body, sign(config["key"], body), INTENT_TIMEOUT)
            bad = post(config["url"], body, sign(config["key"] + "x", body), INTENT_TIMEOUT)
            unmet = unmet_expectations(good, 200)
            unmet += [u for u in unmet_expectations(bad, 401) if u not in unmet]
        status = INTENT_FAILED if unmet else OK
        with self.state.lock:
            config.update(status=status, failed_attempts=0)
            config.pop("reason", None)
        self.state.save()
        return {"status": status, "unmet": unmet, "good_signature": good, "bad_signature": bad}

    # -- events -----------------------------------------------------------------------------
    def publish(self, tenant_id, changes):
        """Queue events for changes made through the API or by sandbox actions: tuples of
        (category, endpoint, object ID, event type, data, when) from ``Context.event``."""
        if not changes or self.state.webhook.get("status") != OK:
            return
        for category, endpoint, object_id, event_type, data, when in changes:
            self.queue.put(
                self.event(tenant_id, category, endpoint, object_id, event_type, data, when)
            )
        self.ensure_worker()

    def send(self, values):
        """An event on demand: PAYMENT, PREPAYMENT (``data`` defaults to an AUTHORISED
        RECEIVE-PREPAYMENT's, and the body's ``data`` changes it) or a category Xero may add,
        which a receiver must acknowledge. ``resourceId`` defaults to a new ID."""
        org = self.state.org(values.get("tenantId"))
        if not org:
            raise WebhookError("Unknown tenant %s" % values.get("tenantId"))
        category = values.get("category")
        if not isinstance(category, str) or not CATEGORY_RE.match(category):
            raise WebhookError("category must be a name in capitals, like PAYMENT")
        if category in CHANGE_CATEGORIES:
            raise WebhookError(
                "%s events come from changes: make one through the API or a sandbox action"
                % category
            )
        if not isinstance(values.get("data") or {}, dict):
            raise WebhookError("data must be an object")
        event_type = values.get("eventType", "CREATE")
        if event_type not in ("CREATE", "UPDATE"):
            raise WebhookError("eventType must be CREATE or UPDATE")
        status = self.state.webhook.get("status")
        if status != OK:
            raise WebhookError(
                "The webhook's status is %s: nothing is sent until an intent to receive passes"
                % status
            )
        now = self.sandbox.clock.time()
        prepayment = {"Type": "RECEIVE-PREPAYMENT", "Status": "AUTHORISED", "_updated": now}
        data = event_data(category, prepayment) or {}
        data.update(values.get("data") or {})
        endpoint = ON_DEMAND_ENDPOINTS.get(category) or category.title().replace("_", "") + "s"
        event = self.event(
            org.tenant_id,
            category,
            endpoint,
            values.get("resourceId") or str(uuid.uuid4()),
            event_type,
            data or None,
            now,
        )
        self.queue.put(event)
        self.ensure_worker()
        return event

    def event(self, tenant_id, category, endpoint, object_id, event_type, data, now=None):
        event = {
            "resourceUrl": "%s/api.xro/2.0/%s/%s" % (self.sandbox.base_url, endpoint, object_id),
            "resourceId": object_id,
            "eventDateUtc": event_date(now or self.sandbox.clock.time()),
            "eventType": event_type,
            "eventCategory": category,
            "tenantId": tenant_id,
            "tenantType": "ORGANISATION",
        }
        if data is not None:
            event["data"] = data
        return event

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
        """Post ``events`` until an answer is acceptable, the retries run out, or the run of
        failed attempts disables the webhook (its events are then lost, as in Xero)."""
        config = self.state.webhook
        url, key = config.get("url"), config.get("key")
        if not url or config.get("status") != OK:
            return
        body = self.payload(events)
        signature = sign(key, body)
        record = {"events": len(events), "attempts": []}
        self.deliveries.append(record)
        for delay in (0,) + RETRY_DELAYS:
            time.sleep(delay)
            if not self.still_enabled(config, url):
                break
            result = post(url, body, signature, DELIVERY_TIMEOUT)
            record["attempts"].append(result["status"])
            if not unmet_expectations(result, 200):
                record["delivered"] = True
                with self.state.lock:
                    config["failed_attempts"] = 0
                return
            self.count_failure(config)
        record["delivered"] = False

    def still_enabled(self, config, url):
        """Whether the webhook a delivery began with is still the one, and still OK (a reset,
        a new URL or the run of failures ends its retries)."""
        return self.state.webhook is config and config.get("url") == url and config["status"] == OK

    def count_failure(self, config):
        with self.state.lock:
            config["failed_attempts"] = failed = config.get("failed_attempts", 0) + 1
            if failed < self.setting("failures_before_disabled") or config["status"] != OK:
                return
            config["status"] = DISABLED
            config["reason"] = DISABLED_REASON % failed
        self.state.save()


def unmet_expectations(answer, expected_status):
    """Which of Xero's expectations an answer fails, in Xero's words."""
    unmet = []
    if answer["status"] != expected_status or answer["seconds"] > DELIVERY_TIMEOUT:
        unmet.append(OK_IN_TIME if expected_status == 200 else UNAUTHORISED)
    if answer["body"]:
        unmet.append(NO_BODY)
    if answer["sets_cookie"]:
        unmet.append(NO_COOKIES)
    return unmet


def post(url, body, signature, timeout):
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "x-xero-signature": signature},
    )
    started = time.monotonic()
    cookies, failure = None, None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            status, content = answer.status, answer.read()
            cookies = answer.headers.get_all("Set-Cookie")
    except urllib.error.HTTPError as error:
        status, content = error.code, error.read()
        cookies = error.headers.get_all("Set-Cookie")
    except (urllib.error.URLError, OSError) as error:
        status, content, failure = None, b"", str(error)
    answer = {
        "status": status,
        "body": content.decode("utf-8", "replace")[:200],
        "sets_cookie": bool(cookies),
        "seconds": round(time.monotonic() - started, 3),
    }
    if failure:
        answer["error"] = failure[:200]
    return answer
