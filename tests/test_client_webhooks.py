"""xero_client.webhooks: Xero's x-xero-signature, made and checked with the standard library."""

import ast
import base64
import hmac
import json
import sys
from datetime import datetime
from pathlib import Path

import pytest

import xero_client.webhooks as webhooks
from xero_client.webhooks import sign, verify

# RFC 4231, test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
RFC_KEY = "Jefe"
RFC_BODY = b"what do ya want for nothing?"
RFC_SIGNATURE = base64.b64encode(
    bytes.fromhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
).decode()
BODY = b'{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"ABC"}'


def test_sign_is_base64_hmac_sha256_of_the_raw_body():
    assert sign(RFC_KEY, RFC_BODY) == RFC_SIGNATURE
    assert sign(RFC_KEY.encode(), RFC_BODY.decode()) == RFC_SIGNATURE


def test_verify_accepts_xeros_signature():
    assert verify("webhook-key", BODY, sign("webhook-key", BODY))
    assert verify("webhook-key", BODY, sign("webhook-key", BODY).encode())


@pytest.mark.parametrize(
    ("key", "body", "signature"),
    [
        ("other-key", BODY, sign("webhook-key", BODY)),
        ("webhook-key", BODY + b" ", sign("webhook-key", BODY)),
        ("webhook-key", BODY, sign("webhook-key", BODY)[:-2]),
        ("webhook-key", BODY, None),
        ("webhook-key", BODY, ""),
        ("webhook-key", BODY, "s\u00efgnature=="),
        ("", BODY, sign("", BODY)),
        (None, BODY, "anything"),
    ],
    ids=[
        "wrong-key",
        "changed-body",
        "cut-signature",
        "no-header",
        "empty-header",
        "non-ascii-header",
        "empty-key",
        "no-key",
    ],
)
def test_verify_refuses_everything_else_without_raising(key, body, signature):
    assert verify(key, body, signature) is False


def test_verify_compares_in_constant_time(monkeypatch):
    seen = []
    original = hmac.compare_digest

    def compare_digest(a, b):
        seen.append((a, b))
        return original(a, b)

    monkeypatch.setattr(webhooks.hmac, "compare_digest", compare_digest)
    assert verify("webhook-key", BODY, sign("webhook-key", BODY))
    assert len(seen) == 1


def test_the_module_imports_only_the_standard_library():
    tree = ast.parse(Path(webhooks.__file__).read_text())
    imported = {
        (alias.name if isinstance(node, ast.Import) else node.module).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


def test_the_sandbox_signs_with_the_same_functions():
    import xero_sandbox
    from xero_sandbox import webhooks as sandbox_webhooks

    assert sandbox_webhooks.sign is sign and sandbox_webhooks.verify is verify
    assert xero_sandbox.sign_webhook is sign and xero_sandbox.verify_webhook is verify


def test_the_sandbox_and_the_webhook_check_load_no_sdk():
    import subprocess
    import sys

    code = "import sys, xero_sandbox, xero_client.webhooks; print('xero_python' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def delivery(*events):
    return json.dumps({"events": list(events), "firstEventSequence": 1}).encode()


EVENT = {
    "resourceUrl": "https://api.xero.com/api.xro/2.0/Invoices/abc",
    "resourceId": "abc",
    "eventDateUtc": "2026-11-26T10:15:00.123",
    "eventType": "UPDATE",
    "eventCategory": "INVOICE",
    "tenantId": "tenant-1",
    "tenantType": "ORGANISATION",
}


def test_read_delivery_gives_each_event_with_its_utc_moment():
    [event], problems = webhooks.read_delivery(delivery(EVENT))
    assert problems == []
    assert event == {
        "resourceId": "abc",
        "eventDateUtc": datetime(2026, 11, 26, 10, 15, 0, 123000),
        "eventType": "UPDATE",
        "eventCategory": "INVOICE",
        "tenantId": "tenant-1",
    }
    zoned = dict(EVENT, eventDateUtc="2026-11-26T12:15:00+02:00")
    assert webhooks.read_delivery(delivery(zoned))[0][0]["eventDateUtc"] == datetime(
        2026, 11, 26, 10, 15
    )


def test_read_delivery_takes_the_intent_to_receive_and_unknown_categories():
    assert webhooks.read_delivery(delivery()) == ([], [])
    [event], _problems = webhooks.read_delivery(delivery(dict(EVENT, eventCategory="TIMESHEET")))
    assert event["eventCategory"] == "TIMESHEET"


@pytest.mark.parametrize(
    "bad",
    [
        "text",
        {k: v for k, v in EVENT.items() if k != "tenantId"},
        dict(EVENT, resourceId=""),
        dict(EVENT, eventDateUtc="yesterday"),
        dict(EVENT, eventCategory=7),
    ],
)
def test_read_delivery_leaves_out_an_event_it_cannot_read_and_keeps_the_others(bad):
    events, problems = webhooks.read_delivery(delivery(bad, EVENT))
    assert [e["resourceId"] for e in events] == ["abc"]
    assert len(problems) == 1


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b'{"events": {}}', b'{"no": "events"}', b"\xff\xfe"],
)
def test_read_delivery_refuses_what_is_not_a_delivery(body):
    with pytest.raises(webhooks.DeliveryError):
        webhooks.read_delivery(body)
