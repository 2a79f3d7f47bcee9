"""Everything the sandbox holds, behind one lock, optionally kept in a JSON file."""

import base64
import json
import os
import tempfile
import threading
import uuid
from collections import deque
from datetime import date, datetime
from decimal import Decimal

from . import seed
from .organisation import Organisation

DEFAULT_CLIENT_ID = "sandbox-client"
DEFAULT_CLIENT_SECRET = "sandbox-secret"

DEFAULT_LIMITS = {
    "concurrent": 5,
    "per_minute": 60,
    "per_day": 5000,
    "app_per_minute": 10000,
}

DEFAULT_AUTH = {
    "access_token_seconds": 1800,
    "refresh_grace_seconds": 1800,
    "refresh_token_days": 60,
    "auth_code_seconds": 300,
}

REQUEST_LOG_SIZE = 5000


class JSONEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        if isinstance(o, (date, datetime)):
            return o.isoformat()
        if isinstance(o, bytes):
            return {"$b64": base64.b64encode(o).decode()}
        return super().default(o)


def decode_hook(obj):
    if set(obj) == {"$b64"}:
        return base64.b64decode(obj["$b64"])
    return obj


def dumps(obj):
    return json.dumps(obj, cls=JSONEncoder)


class State:
    def __init__(self, state_file=None, seed_demo=False):
        self.lock = threading.RLock()
        self.state_file = state_file
        self.reset(seed_demo=seed_demo)
        if state_file and os.path.exists(state_file):
            self.load(state_file)

    def reset(self, seed_demo=False, organisations=None):
        with self.lock:
            self.orgs = {}
            self.apps = {
                DEFAULT_CLIENT_ID: {
                    "client_secret": DEFAULT_CLIENT_SECRET,
                    "redirect_uris": None,
                    "name": "Sandbox app",
                }
            }
            self.auth_codes = {}
            self.access_tokens = {}
            self.refresh_tokens = {}
            self.connections = []
            self.idempotency = {}
            self.request_log = deque(maxlen=REQUEST_LOG_SIZE)
            self.call_counts = {}
            self.limits = dict(DEFAULT_LIMITS)
            self.auth = dict(DEFAULT_AUTH)
            self.faults = []
            self.webhook = {"url": None, "key": None, "status": "NOT_SET", "deliveries": []}
            self.seeded = seed_demo
            for name, country, short_code in organisations or seed.DEFAULT_ORGANISATIONS:
                self.add_organisation(name, country, short_code)
            if seed_demo:
                from .demo import seed_demo_data

                for org in self.orgs.values():
                    seed_demo_data(org)

    def add_organisation(self, name, country, short_code=None, tenant_id=None):
        country = (country or "GB").upper()
        if country not in seed.COUNTRIES:
            raise ValueError("country must be one of %s" % ", ".join(sorted(seed.COUNTRIES)))
        tenant_id = tenant_id or seed.seed_id("tenant", name)
        short_code = short_code or "!" + uuid.uuid5(seed.SEED_NAMESPACE, name).hex[:5]
        org = Organisation(seed.organisation_settings(tenant_id, name, country, short_code))
        with self.lock:
            self.orgs[tenant_id] = org
        return org

    def org(self, tenant_id):
        return self.orgs.get(str(tenant_id or "").lower())

    def org_by_short_code(self, short_code):
        return next((o for o in self.orgs.values() if o.short_code == short_code), None)

    # -- persistence ------------------------------------------------------------------------
    def save(self):
        if not self.state_file:
            return
        with self.lock:
            payload = dumps(self.snapshot())
        directory = os.path.dirname(os.path.abspath(self.state_file))
        os.makedirs(directory, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=directory, prefix=".sandbox-", suffix=".json")
        with os.fdopen(handle, "w") as stream:
            stream.write(payload)
        os.replace(tmp, self.state_file)

    def snapshot(self):
        return {
            "orgs": {tid: org.to_json() for tid, org in self.orgs.items()},
            "apps": self.apps,
            "access_tokens": self.access_tokens,
            "refresh_tokens": self.refresh_tokens,
            "connections": self.connections,
            "webhook": {k: v for k, v in self.webhook.items() if k != "deliveries"},
            "limits": self.limits,
            "auth": self.auth,
        }

    def load(self, path):
        with open(path) as stream:
            raw = json.load(stream, object_hook=decode_hook)
        with self.lock:
            self.orgs = {tid: Organisation.from_json(o) for tid, o in raw["orgs"].items()}
            self.apps = raw["apps"]
            self.access_tokens = raw["access_tokens"]
            self.refresh_tokens = raw["refresh_tokens"]
            self.connections = raw["connections"]
            self.webhook.update(raw.get("webhook", {}))
            self.limits.update(raw.get("limits", {}))
            self.auth.update(raw.get("auth", {}))
