# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the Odoo-tier tests share: the Xero sandbox over HTTP, and a connected company.

The sandbox is the one at $XERO_SANDBOX_URL when it is set (``make test ARGS=--sandbox-cmd``
starts one), else one started in this process, once for the whole run: so Odoo's own runner
(``odoo-bin -i xero_connector --test-enable --test-tags /xero_connector``) runs these tests
with nothing else started, as OCA's CI does. Odoo's Python must then import
``xero_sandbox``: install this repository into it with the sandbox extra
(``pip install '/path/to/repository[sandbox]'``) or put the repository on ``PYTHONPATH``."""

import atexit
import logging
import os
import re
from urllib.parse import parse_qs, urlparse

import requests

from odoo.tests import HttpCase

from ..xero_client.cron_pass import forget_passes

_logger = logging.getLogger(__name__)

SANDBOX_CLIENT_ID = "sandbox-client"
SANDBOX_CLIENT_SECRET = "sandbox-secret"  # noqa: S105 - the sandbox's published demo secret


class Sandbox:
    """The sandbox's own actions (outside Xero's paths), for arranging and checking tests."""

    def __init__(self, url):
        self.url = url.rstrip("/")

    def _call(self, method, path, **kwargs):
        answer = requests.request(method, self.url + path, timeout=30, **kwargs)
        answer.raise_for_status()
        return answer.json()

    def reset(self, seed=False, authorisations=None):
        """A fresh sandbox; ``authorisations`` (from ``authorisations()``) are put back."""
        return self._call(
            "POST", "/sandbox/reset", json={"seed": seed, "authorisations": authorisations}
        )

    def authorisations(self):
        return self._call("GET", "/sandbox/authorisations")

    def tenant(self, country="GB"):
        return next(t for t in self._call("GET", "/sandbox/tenants") if t["country"] == country)

    def held(self, tenant_id, collection="Contacts"):
        return self._call("GET", "/sandbox/tenants/%s/data/%s" % (tenant_id, collection))

    def calls(self):
        return self._call("GET", "/sandbox/calls")

    def add_fault(self, **fault):
        return self._call("POST", "/sandbox/faults", json=fault)

    def set_limits(self, **limits):
        return self._call("PUT", "/sandbox/limits", json=limits)

    def edit(self, tenant_id, endpoint, object_id, changes):
        return self._call(
            "POST", "/sandbox/tenants/%s/%s/%s" % (tenant_id, endpoint, object_id), json=changes
        )


_IN_PROCESS = {}  # the sandbox this process started, once for the whole test run


def sandbox_url():
    """$XERO_SANDBOX_URL, else the address of a sandbox started in this process."""
    url = os.environ.get("XERO_SANDBOX_URL")
    if url:
        return url.rstrip("/")
    if "sandbox" not in _IN_PROCESS:
        _IN_PROCESS["sandbox"] = _start_in_process_sandbox()
    return _IN_PROCESS["sandbox"].url


def _start_in_process_sandbox():
    try:
        from xero_sandbox import Sandbox as XeroEmulator
    except ImportError as error:
        raise AssertionError(
            "The Odoo tests talk to the Xero sandbox, and Odoo's Python cannot import it "
            "(%s). Install this repository into Odoo's Python with the sandbox extra "
            "(pip install '/path/to/repository[sandbox]'), or put the repository on "
            "PYTHONPATH, or set XERO_SANDBOX_URL to a running sandbox." % error
        ) from error
    emulator = XeroEmulator().start()
    atexit.register(emulator.stop)
    _logger.info("Xero sandbox started in this process on %s", emulator.url)
    return emulator


class XeroCase(HttpCase):
    """A company connected to the sandbox's UK organisation through the OAuth flow.

    The company connects once for its test class (in ``setUpClass``, whose changes every
    test rolls back to); each test starts from a reset sandbox (no data but the
    organisations', seeded when ``_seed()`` says so) that holds that authorisation again.
    ``connect()`` goes through Odoo's OAuth callback, as a browser does."""

    tenant_country = "GB"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox(sandbox_url())
        cls.sandbox.reset(seed=False)
        cls.tenant = cls.sandbox.tenant(cls.tenant_country)
        cls.connection = cls._sandbox_connection(cls.env)
        cls._connect_for_class()
        cls.authorisations = cls.sandbox.authorisations()

    @classmethod
    def _sandbox_connection(cls, env):
        connection = env["xero.connection"]._for_company(env.company)
        connection.write(
            {
                "server_url": cls.sandbox.url,
                "client_id": SANDBOX_CLIENT_ID,
                "client_secret": SANDBOX_CLIENT_SECRET,
                # Each run of the scheduled push sends: tests run it several times a second.
                "push_every_minutes": 0,
            }
        )
        return connection

    @classmethod
    def _connect_for_class(cls):
        """The authorization-code flow, the callback's part called as the callback does: no
        test runs yet to serve an HTTP request (``connect()`` goes through the callback)."""
        admin = cls.env.ref("base.user_admin")
        connection = cls.connection.with_user(admin)
        action = connection.action_connect()
        authorize = requests.get(
            action["url"],
            params={"tenant": cls.tenant["tenantId"]},
            allow_redirects=False,
            timeout=30,
        )
        assert authorize.status_code == 302, authorize.text[:300]
        code = callback_params(authorize.headers["Location"])["code"]
        tenants = connection._finish_authorization(code)
        chosen = next(t for t in tenants if t["tenantId"] == cls.tenant["tenantId"])
        connection._select_tenant(chosen)
        cls.env.invalidate_all()
        assert cls.connection.state == "connected", cls.connection.last_error

    def setUp(self):
        super().setUp()
        # A scheduled run of an earlier test would otherwise count as this test's cron pass
        # (the test runner's one thread runs them all), and cut its runs short.
        forget_passes()
        self.addCleanup(forget_passes)
        self.sandbox.reset(seed=self._seed(), authorisations=self.authorisations)
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())

    def _seed(self):
        return False

    def connect(self, tenant="tenant"):
        """Run the authorization-code flow as a browser would, through Odoo's callback."""
        # The browser's user starts the flow: the callback only completes it for them.
        admin = self.env.ref("base.user_admin")
        action = self.connection.with_user(admin).action_connect()
        choice = self.tenant["tenantId"] if tenant == "tenant" else tenant
        authorize = requests.get(
            action["url"],
            params={"tenant": choice} if choice else {},
            allow_redirects=False,
            timeout=30,
        )
        assert authorize.status_code == 302, authorize.text[:300]
        callback = authorize.headers["Location"]
        self.authenticate("admin", "admin")
        answer = self.url_open(callback, allow_redirects=False)
        self.env.invalidate_all()  # the callback ran in the server's own environment
        return answer

    def partners(self, count, **values):
        return self.env["res.partner"].create(
            [
                dict(
                    {
                        "name": "Partner %03d" % i,
                        "is_company": True,
                        "email": "p%03d@example.com" % i,
                    },
                    **values,
                )
                for i in range(count)
            ]
        )

    def held_contacts(self):
        return self.sandbox.held(self.tenant["tenantId"], "Contacts")

    def run_push_cron(self):
        self.env.ref("xero_connector.ir_cron_xero_push").method_direct_trigger()
        self.env.invalidate_all()


def callback_params(location):
    return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}


def csrf_token(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
