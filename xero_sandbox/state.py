"""Everything the sandbox holds, optionally kept in a JSON file. Each organisation has its own
lock (``Organisation.lock``); ``lock`` here guards what is shared: apps, tokens, connections,
logs and settings."""

import copy
import json
import os
import tempfile
import threading
import uuid
from collections import deque

from . import seed
from .encoding import decode_hook, dumps
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

# Xero keeps an Idempotency-Key "for a short time" (minutes): a retry after that is a new request.
DEFAULT_SETTINGS = {"idempotency_seconds": 300}

REQUEST_LOG_SIZE = 5000


AUTHORISATIONS = ("apps", "access_tokens", "refresh_tokens", "connections")


class State:
    def __init__(self, state_file=None, seed_demo=False, settings=None):
        """``settings`` given here win over the state file's and survive a reset."""
        self.lock = threading.RLock()
        self._save_lock = threading.Lock()
        self.default_settings = dict(DEFAULT_SETTINGS, **(settings or {}))
        self.state_file = state_file
        self.reset(seed_demo=seed_demo)
        if state_file and os.path.exists(state_file):
            self.load(state_file)
            self.settings.update(settings or {})

    def reset(self, seed_demo=False, organisations=None, authorisations=None):
        """Back to new organisations; ``authorisations`` (as ``authorisations()`` gives
        them) puts apps, tokens and connections back, so that a client connected then is
        connected again."""
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
            self.request_log = deque(maxlen=REQUEST_LOG_SIZE)
            self.call_counts = {}
            self.limits = dict(DEFAULT_LIMITS)
            self.auth = dict(DEFAULT_AUTH)
            self.settings = dict(self.default_settings)
            self.faults = []
            self.webhook = {"url": None, "key": None, "status": "NOT_SET", "deliveries": []}
            self.seeded = seed_demo
            if authorisations:
                for name in AUTHORISATIONS:
                    setattr(self, name, copy.deepcopy(authorisations[name]))
            for name, country, short_code in organisations or seed.DEFAULT_ORGANISATIONS:
                self.add_organisation(name, country, short_code)
            if seed_demo:
                from .demo import seed_demo_data

                for org in self.orgs.values():
                    seed_demo_data(org)

    def authorisations(self):
        """A copy of the apps, tokens and connections, for ``reset(authorisations=...)``."""
        with self.lock:
            return {name: copy.deepcopy(getattr(self, name)) for name in AUTHORISATIONS}

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
    def save(self, *changed):
        """Write the state file. Organisations in ``changed`` are serialised again (under their
        lock); the others as they were last saved, so a busy organisation never holds up a save.
        """
        if not self.state_file:
            return
        for org in changed:
            with org.lock:
                org.save_json()
        with self._save_lock:
            with self.lock:
                shared = dumps(self.snapshot())
            self.write(splice_orgs(shared, self.saved_orgs()))

    def saved_orgs(self):
        saved = {}
        for tenant_id, org in list(self.orgs.items()):
            if org.saved_json is None:
                with org.lock:
                    org.save_json()
            saved[tenant_id] = org.saved_json
        return saved

    def write(self, payload):
        directory = os.path.dirname(os.path.abspath(self.state_file))
        os.makedirs(directory, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=directory, prefix=".sandbox-", suffix=".json")
        with os.fdopen(handle, "w") as stream:
            stream.write(payload)
        os.replace(tmp, self.state_file)

    def snapshot(self):
        """What is shared, without the organisations (``splice_orgs`` adds them)."""
        return {
            "apps": self.apps,
            "access_tokens": self.access_tokens,
            "refresh_tokens": self.refresh_tokens,
            "connections": self.connections,
            "webhook": {k: v for k, v in self.webhook.items() if k != "deliveries"},
            "limits": self.limits,
            "auth": self.auth,
            "settings": self.settings,
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
            self.settings.update(raw.get("settings", {}))


def splice_orgs(shared, orgs):
    """The state file's JSON: ``orgs`` (tenant ID -> saved JSON, never parsed again) added to
    ``shared``, a JSON object."""
    members = ", ".join("%s: %s" % (json.dumps(tid), raw) for tid, raw in orgs.items())
    return '{"orgs": {%s}, %s' % (members, shared[1:])
