# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the Odoo-tier tests share: the Xero sandbox over HTTP, and a connected company.

`make test` starts the sandbox and exports XERO_SANDBOX_URL to Odoo."""

import os
import re
from urllib.parse import parse_qs, urlparse

import requests

from odoo.tests import HttpCase

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

    def reset(self, seed=False):
        return self._call("POST", "/sandbox/reset", json={"seed": seed})

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


def sandbox_url():
    url = os.environ.get("XERO_SANDBOX_URL")
    if not url:
        raise AssertionError(
            "XERO_SANDBOX_URL is not set: the Odoo tier talks to the Xero sandbox over HTTP. "
            "Run the tests with `make test`, which starts it."
        )
    return url


class XeroCase(HttpCase):
    """A company connected to the sandbox's UK organisation through the real OAuth flow."""

    tenant_country = "GB"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox(sandbox_url())

    def setUp(self):
        super().setUp()
        self.sandbox.reset(seed=self._seed())
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.tenant = self.sandbox.tenant(self.tenant_country)
        self.connection = self.env["xero.connection"]._for_company(self.env.company)
        self.connection.write(
            {
                "server_url": self.sandbox.url,
                "client_id": SANDBOX_CLIENT_ID,
                "client_secret": SANDBOX_CLIENT_SECRET,
            }
        )
        self.connect()

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
