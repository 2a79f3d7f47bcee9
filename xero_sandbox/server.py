"""``Sandbox``: the in-process API for tests (start on a free port, reset, stop) and the
object the HTTP layers share."""

import logging
import socket
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from .actions import Actions
from .api import AccountingAPI
from .app import SandboxApp
from .clock import Clock
from .faults import Faults
from .html_view import HtmlView
from .identity import Identity
from .limits import RateLimiter
from .load_stats import LoadStats, endpoint_name
from .state import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, State
from .webhooks import Webhooks

_logger = logging.getLogger(__name__)


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass

    def connection_dropped(self, error, environ=None):
        pass


class Sandbox:
    client_id = DEFAULT_CLIENT_ID
    client_secret = DEFAULT_CLIENT_SECRET

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        seed=False,
        state_file=None,
        validate_responses=True,
        clock_speed=1.0,
        idempotency_seconds=None,
    ):
        """``idempotency_seconds``: how long an Idempotency-Key is remembered, in sandbox time
        (default ``DEFAULT_SETTINGS``); ``PUT /sandbox/limits`` changes it at run time."""
        self.host = host
        self.port = port
        self.seed = seed
        self.clock = Clock(clock_speed)
        settings = {}
        if idempotency_seconds is not None:
            settings["idempotency_seconds"] = idempotency_seconds
        self.state = State(state_file=state_file, seed_demo=seed, settings=settings)
        self.validate_responses = validate_responses
        self.stats = LoadStats(self.clock)
        self.limiter = RateLimiter(self.clock, self.state.limits, self.stats)
        self.faults = Faults(self.state.faults)
        self.identity = Identity(self.state, self.clock)
        self.webhooks = Webhooks(self)
        self.actions = Actions(self)
        self.html = HtmlView(self.state)
        self.api = AccountingAPI(self)
        self.app = SandboxApp(self)
        self._server = None
        self._thread = None
        self.generation = 0  # bumped by reset: calls begun before it are not logged after it

    # -- lifecycle --------------------------------------------------------------------------
    def start(self):
        self._server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=QuietHandler
        )
        self._server.daemon_threads = True
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="xero-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self):
        self._server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=QuietHandler
        )
        self.port = self._server.socket.getsockname()[1]
        self._server.serve_forever()

    def stop(self):
        self.webhooks.stop()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def reset(self, seed=None, authorisations=None):
        """Back to a fresh start: organisations, tokens, limits, faults, logs, clock. With
        ``authorisations`` (from ``state.authorisations()``), those apps, tokens and
        connections are put back."""
        seed = self.seed if seed is None else seed
        self.generation += 1
        self.state.reset(seed_demo=seed, authorisations=authorisations)
        self.limiter.limits = self.state.limits
        self.limiter.reset()
        self.faults.faults = self.state.faults
        self.clock.reset()
        self.stats.clear()
        self.state.save()
        return {"status": "reset", "seeded": seed}

    # -- where things are -------------------------------------------------------------------
    @property
    def base_url(self):
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return "http://%s:%s" % (host, self.port)

    url = base_url

    @property
    def api_url(self):
        return self.base_url + "/api.xro/2.0"

    @property
    def authorize_url(self):
        return self.base_url + "/identity/connect/authorize"

    @property
    def token_url(self):
        return self.base_url + "/connect/token"

    @property
    def revoke_url(self):
        return self.base_url + "/connect/revocation"

    @property
    def connections_url(self):
        return self.base_url + "/connections"

    def tenant_ids(self):
        return list(self.state.orgs)

    # -- bookkeeping used by the HTTP layers ------------------------------------------------
    def log_request(self, entry):
        if entry.pop("generation", self.generation) != self.generation:
            return  # a call that began before a reset (a slow one a client gave up on)
        with self.state.lock:
            entry["at"] = round(self.clock.time(), 3)
            self.state.request_log.append(entry)
            name = "%s %s" % (entry["method"], endpoint_name(entry["path"]))
            self.state.call_counts[name] = self.state.call_counts.get(name, 0) + 1

    def clear_request_log(self):
        with self.state.lock:
            self.state.request_log.clear()
            self.state.call_counts.clear()
        self.stats.clear()

    def calls(self, method=None, endpoint=None):
        """How many calls reached an endpoint, e.g. ``calls("POST", "Contacts")``."""
        return sum(
            count
            for name, count in self.state.call_counts.items()
            if (not method or name.split(" ")[0] == method)
            and (not endpoint or name.split(" ", 1)[1] == endpoint)
        )

    def move_clock(self, body):
        if body.get("advance"):
            self.clock.advance(float(body["advance"]))
        if body.get("speed") is not None:
            self.clock.set_speed(float(body["speed"]))  # 0: the clock stands still
        return {"now": self.clock.now().isoformat(), "speed": self.clock.speed}

    def webhook_status(self):
        return self.webhooks.status()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
