"""One logged-in user of a running Odoo over HTTP, as a browser would be: JSON-RPC calls
and plain GETs that share the session cookie."""

import http.cookiejar
import json
import urllib.error
import urllib.request

from .common import DEMO_DB


class RpcError(Exception):
    """Odoo answered a JSON-RPC call with an error; the message is Odoo's."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx then comes back as an HTTPError carrying its Location


class OdooSession:
    """One logged-in user of an Odoo server over HTTP: JSON-RPC and plain GETs that share
    the session cookie (what a browser would do), redirects not followed."""

    def __init__(self, url):
        self.url = url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.cookies),
            _NoRedirect,
        )

    def get(self, url, timeout=60):
        """(status, headers, body) of a GET, a redirect included (not followed)."""
        try:
            with self.opener.open(url, timeout=timeout) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers, answer.read()

    def rpc(self, path, params, timeout=120):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(
            self.url + path, data=body, headers={"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=timeout) as answer:
            reply = json.loads(answer.read())
        if reply.get("error"):
            error = reply["error"]
            raise RpcError(error.get("data", {}).get("message") or error.get("message"))
        return reply.get("result")

    def login(self, db, login, password):
        """Open the session; returns Odoo's session info (None when the login is refused)."""
        try:
            info = self.rpc(
                "/web/session/authenticate", {"db": db, "login": login, "password": password}
            )
        except (OSError, ValueError, RpcError):
            return None
        return info if info and info.get("uid") else None

    def call(self, model, method, *args, timeout=120, **kwargs):
        """`model.method(*args, **kwargs)` through /web/dataset/call_kw, as the web client."""
        params = {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        return self.rpc(f"/web/dataset/call_kw/{model}.{method}", params, timeout=timeout)

    @property
    def session_id(self):
        return next((c.value for c in self.cookies if c.name == "session_id"), None)


def odoo_admin_session(odoo_url, db=DEMO_DB):
    """An OdooSession logged in as admin/admin and its session info, or (None, None)."""
    session = OdooSession(odoo_url)
    info = session.login(db, "admin", "admin")
    return (session, info) if info else (None, None)
