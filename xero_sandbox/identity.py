"""Xero's identity service: authorize, token, revocation and connections."""

import base64
import hashlib
import hmac
import html
import json
import secrets
import uuid
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from .dates import to_ms_date
from .errors import json_response, oauth_error, problem, unauthorized

GRANULAR_SCOPES = {
    "accounting.contacts",
    "accounting.contacts.read",
    "accounting.settings",
    "accounting.settings.read",
    "accounting.attachments",
    "accounting.attachments.read",
    "accounting.invoices",
    "accounting.invoices.read",
    "accounting.payments",
    "accounting.payments.read",
    "accounting.transactions",
    "accounting.transactions.read",
    "accounting.banktransactions",
    "accounting.banktransactions.read",
    "accounting.manualjournals",
    "accounting.manualjournals.read",
    "accounting.reports.read",
    "accounting.journals.read",
    "accounting.budgets.read",
}
# Broad scopes Xero no longer gives a custom connection made since 29 April 2026 (journals
# left the granular set too): a new one is authorised with the rest.
BROAD_SCOPES = {
    "accounting.transactions",
    "accounting.transactions.read",
    "accounting.reports.read",
    "accounting.journals.read",
}
CUSTOM_CONNECTION_SCOPES = GRANULAR_SCOPES - BROAD_SCOPES
IDENTITY_SCOPES = {"openid", "profile", "email", "offline_access"}
GRANT_TYPES = {"authorization_code", "refresh_token", "client_credentials"}
SANDBOX_USER = {
    "xero_userid": "1a9f1e2d-3c4b-4a5d-8e6f-7a8b9c0d1e2f",
    "email": "demo@sandbox.local",
    "given_name": "Demo",
    "family_name": "User",
}


class Identity:
    def __init__(self, state, clock):
        self.state = state
        self.clock = clock

    # -- authorize --------------------------------------------------------------------------
    def authorize(self, request):
        params = request.values
        app = self.state.apps.get(params.get("client_id", ""))
        if not app:
            return error_page("Unknown client_id: register the app in the sandbox first.", 400)
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_uri_allowed(app, redirect_uri):
            return error_page("The redirect_uri is not registered for this app.", 400)
        if params.get("response_type") != "code":
            return redirect_with(
                redirect_uri, error="unsupported_response_type", state=params.get("state")
            )
        scopes = params.get("scope", "").split()
        unknown = [s for s in scopes if s not in GRANULAR_SCOPES | IDENTITY_SCOPES]
        if unknown or not scopes:
            return redirect_with(
                redirect_uri,
                error="invalid_scope",
                error_description="Unknown scope: %s" % " ".join(unknown),
                state=params.get("state"),
            )
        method = params.get("code_challenge_method") or (
            "plain" if params.get("code_challenge") else None
        )
        if method not in (None, "S256", "plain"):
            return redirect_with(
                redirect_uri,
                error="invalid_request",
                error_description="code_challenge_method must be S256",
                state=params.get("state"),
            )
        tenants = self.chosen_tenants(request)
        if tenants is None:
            return self.choose_page(request)
        return self.approve(app, params, scopes, method, tenants)

    def chosen_tenants(self, request):
        """The organisations to connect, or None when the user still has to pick them."""
        orgs = list(self.state.orgs.values())
        picked = request.form.getlist("tenant") if request.method == "POST" else []
        picked = picked or request.args.getlist("tenant")
        if picked == ["all"]:
            return [o.tenant_id for o in orgs]
        if picked:
            return [t for t in picked if self.state.org(t)] or None
        if len(orgs) == 1:
            return [orgs[0].tenant_id]
        return None

    def choose_page(self, request):
        hidden = "".join(
            '<input type="hidden" name="%s" value="%s">' % (html.escape(k), html.escape(v))
            for k, v in request.args.items(multi=True)
            if k != "tenant"
        )
        options = "".join(
            '<label><input type="checkbox" name="tenant" value="%s"%s> %s (%s, %s)</label><br>'
            % (
                o.tenant_id,
                " checked" if i == 0 else "",
                html.escape(o.name),
                o.settings["Organisation"]["CountryCode"],
                o.base_currency,
            )
            for i, o in enumerate(self.state.orgs.values())
        )
        body = (
            "<!DOCTYPE html><html><head><title>Xero sandbox - Allow access</title></head><body>"
            "<h1>Xero sandbox</h1><p>Choose the organisation(s) to connect:</p>"
            '<form method="post" action="%s">%s%s<button type="submit" name="approve" '
            'value="1">Allow access</button></form></body></html>'
            % (html.escape(request.path), hidden, options)
        )
        return Response(body, content_type="text/html; charset=utf-8")

    def approve(self, app_unused, params, scopes, method, tenants):
        now = self.clock.time()
        auth_event_id = str(uuid.uuid4())
        code = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.auth_codes[code] = {
                "client_id": params["client_id"],
                "redirect_uri": params.get("redirect_uri"),
                "scope": scopes,
                "code_challenge": params.get("code_challenge"),
                "code_challenge_method": method,
                "auth_event_id": auth_event_id,
                "expires_at": now + self.state.auth["auth_code_seconds"],
            }
            for tenant_id in tenants:
                self.connect(params["client_id"], tenant_id, auth_event_id)
        self.state.save()
        return redirect_with(
            params["redirect_uri"],
            code=code,
            scope=" ".join(scopes),
            state=params.get("state"),
            session_state=secrets.token_hex(8),
        )

    def connect(self, client_id, tenant_id, auth_event_id):
        now = self.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%f0")
        org = self.state.org(tenant_id)
        for connection in self.state.connections:
            if connection["client_id"] == client_id and connection["tenantId"] == org.tenant_id:
                connection.update(updatedDateUtc=now, authEventId=auth_event_id)
                return
        self.state.connections.append(
            {
                "id": str(uuid.uuid4()),
                "authEventId": auth_event_id,
                "tenantId": org.tenant_id,
                "tenantType": "ORGANISATION",
                "tenantName": org.name,
                "createdDateUtc": now,
                "updatedDateUtc": now,
                "client_id": client_id,
            }
        )

    # -- token ------------------------------------------------------------------------------
    def token(self, request):
        if not request.mimetype == "application/x-www-form-urlencoded":
            raise oauth_error("invalid_request", "The body must be form-urlencoded")
        client_id, client_secret = client_credentials(request)
        app = self.state.apps.get(client_id or "")
        if not app:
            raise oauth_error("invalid_client")
        if client_secret is not None and not hmac.compare_digest(
            client_secret.encode(), (app.get("client_secret") or "").encode()
        ):
            raise oauth_error("invalid_client")
        grant_type = request.form.get("grant_type")
        check_grant_type(app, grant_type, client_secret)
        with self.state.lock:
            if grant_type == "authorization_code":
                answer = self.exchange_code(request.form, client_id, client_secret)
            elif grant_type == "refresh_token":
                answer = self.refresh(request.form, client_id, client_secret)
            else:
                answer = self.custom_connection_token(request.form, client_id, app)
        self.state.save()
        return json_response(answer)

    def exchange_code(self, form, client_id, client_secret):
        grant = self.state.auth_codes.pop(form.get("code", ""), None)
        if not grant or grant["client_id"] != client_id or grant["expires_at"] < self.clock.time():
            raise oauth_error("invalid_grant")
        if grant["redirect_uri"] != form.get("redirect_uri"):
            raise oauth_error("invalid_grant", "redirect_uri does not match")
        verifier = form.get("code_verifier")
        if grant["code_challenge"]:
            if not verifier or not pkce_matches(grant, verifier):
                raise oauth_error("invalid_grant", "code_verifier does not match")
        elif client_secret is None:
            raise oauth_error("invalid_client", "client_secret or PKCE is required")
        grant_id = str(uuid.uuid4())
        public = client_secret is None
        return self.issue(client_id, grant["scope"], grant["auth_event_id"], grant_id, public)

    def refresh(self, form, client_id, client_secret):
        token = self.state.refresh_tokens.get(form.get("refresh_token", ""))
        now = self.clock.time()
        if not token or token["revoked"] or token["client_id"] != client_id:
            raise oauth_error("invalid_grant")
        if client_secret is None and not token["public"]:
            raise oauth_error("invalid_client", "client_secret is required")
        if token["expires_at"] < now:
            raise oauth_error("invalid_grant")
        if token["rotated_at"] is not None:
            if now - token["rotated_at"] > self.state.auth["refresh_grace_seconds"]:
                raise oauth_error("invalid_grant")
            # Within the grace period the old token answers with its successor, so two
            # workers refreshing at once end up holding the same valid refresh token.
            access = self.mint_access_token(token)
            return self.token_answer(access, token["successor"], token)
        answer = self.issue(
            client_id, token["scope"], token["auth_event_id"], token["grant_id"], token["public"]
        )
        token.update(rotated_at=now, successor=answer["refresh_token"])
        return answer

    def custom_connection_token(self, form, client_id, app):
        """A custom connection's access token, bound to its one organisation: no refresh
        token (a new access token is asked the same way) and no id token (no user signs in).
        Without ``scope`` Xero grants every scope the connection was authorised with; a scope
        it was not authorised with is ``invalid_scope``."""
        asked = list(dict.fromkeys(form.get("scope", "").split()))
        if any(scope not in app["scopes"] for scope in asked):
            raise oauth_error("invalid_scope")
        connection = next((c for c in self.state.connections if c["client_id"] == client_id), {})
        grant = {
            "client_id": client_id,
            "scope": asked or list(app["scopes"]),
            "auth_event_id": connection.get("authEventId"),
            "grant_id": str(uuid.uuid4()),
        }
        access = self.mint_access_token(grant)
        self.state.access_tokens[access]["tenant_id"] = app["custom_connection_tenant"]
        return {
            "access_token": access,
            "expires_in": int(self.state.auth["access_token_seconds"]),
            "token_type": "Bearer",
            "scope": " ".join(grant["scope"]),
        }

    def issue(self, client_id, scope, auth_event_id, grant_id, public):
        now = self.clock.time()
        base = {
            "client_id": client_id,
            "scope": scope,
            "auth_event_id": auth_event_id,
            "grant_id": grant_id,
            "public": public,
        }
        access = self.mint_access_token(base)
        refresh = None
        if "offline_access" in scope:
            refresh = "sbx_rt_" + secrets.token_urlsafe(32)
            self.state.refresh_tokens[refresh] = dict(
                base,
                issued_at=now,
                rotated_at=None,
                successor=None,
                revoked=False,
                expires_at=now + self.state.auth["refresh_token_days"] * 86400,
            )
        return self.token_answer(access, refresh, base)

    def mint_access_token(self, grant):
        token = "sbx_at_" + secrets.token_urlsafe(32)
        self.state.access_tokens[token] = {
            "client_id": grant["client_id"],
            "scope": grant["scope"],
            "auth_event_id": grant["auth_event_id"],
            "grant_id": grant["grant_id"],
            "expires_at": self.clock.time() + self.state.auth["access_token_seconds"],
            "revoked": False,
        }
        return token

    def token_answer(self, access, refresh, grant):
        answer = {
            "id_token": self.id_token(grant),
            "access_token": access,
            "expires_in": int(self.state.auth["access_token_seconds"]),
            "token_type": "Bearer",
            "scope": " ".join(grant["scope"]),
        }
        if refresh:
            answer["refresh_token"] = refresh
        return answer

    def id_token(self, grant):
        header = {"alg": "HS256", "typ": "JWT"}
        now = int(self.clock.time())
        claims = dict(
            SANDBOX_USER,
            aud=grant["client_id"],
            iss="xero-sandbox",
            iat=now,
            exp=now + 300,
            authentication_event_id=grant["auth_event_id"],
        )
        signing_input = b".".join(b64url(json.dumps(p).encode()) for p in (header, claims))
        signature = hmac.new(b"xero-sandbox", signing_input, hashlib.sha256).digest()
        return (signing_input + b"." + b64url(signature)).decode()

    # -- revocation -------------------------------------------------------------------------
    def revoke(self, request):
        client_id, client_secret = client_credentials(request)
        app = self.state.apps.get(client_id or "")
        if not app or (client_secret is not None and client_secret != app.get("client_secret")):
            raise oauth_error("invalid_client")
        token = request.form.get("token", "")
        with self.state.lock:
            found = self.state.refresh_tokens.get(token) or self.state.access_tokens.get(token)
            if found and found["client_id"] == client_id:
                self.revoke_grant(found["grant_id"])
                self.state.connections = [
                    c for c in self.state.connections if c["client_id"] != client_id
                ]
        self.state.save()
        return Response(status=200)

    def revoke_grant(self, grant_id):
        for store in (self.state.refresh_tokens, self.state.access_tokens):
            for token in store.values():
                if token["grant_id"] == grant_id:
                    token["revoked"] = True

    # -- bearer tokens and connections ------------------------------------------------------
    def authenticate(self, request):
        """The access token's grant for a bearer request, or a 401 in Xero's shape."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise unauthorized()
        token = self.state.access_tokens.get(header[7:].strip())
        if not token or token["revoked"]:
            raise unauthorized()
        if token["expires_at"] < self.clock.time():
            raise unauthorized("TokenExpired: token expired at %s" % to_ms_date(self.clock.now()))
        return token

    def connections_for(self, token):
        return [c for c in self.state.connections if c["client_id"] == token["client_id"]]

    def list_connections(self, request):
        token = self.authenticate(request)
        wanted = request.args.get("authEventId")
        answer = [
            public_connection(c)
            for c in self.connections_for(token)
            if not wanted or c["authEventId"] == wanted
        ]
        return json_response(answer)

    def delete_connection(self, request, connection_id):
        token = self.authenticate(request)
        with self.state.lock:
            mine = self.connections_for(token)
            target = next((c for c in mine if c["id"] == connection_id.lower()), None)
            if not target:
                raise problem(404, "Not Found", "The connection could not be found")
            self.state.connections.remove(target)
        self.state.save()
        return Response(status=204)

    def is_connected(self, token, tenant_id):
        return any(c["tenantId"] == tenant_id for c in self.connections_for(token))


def check_grant_type(app, grant_type, client_secret):
    """Xero gives the client-credentials grant to a custom connection only, with its secret,
    and a custom connection no other grant (it has no user and no redirect URI)."""
    if grant_type not in GRANT_TYPES:
        raise oauth_error("unsupported_grant_type")
    if grant_type == "client_credentials" and not (client_secret and app.get("client_secret")):
        raise oauth_error("invalid_client", "client_secret is required")
    if (grant_type == "client_credentials") != is_custom_connection(app):
        raise oauth_error("unauthorized_client")


def is_custom_connection(app):
    return bool(app.get("custom_connection_tenant"))


def public_connection(connection):
    return {k: v for k, v in connection.items() if k != "client_id"}


def client_credentials(request):
    auth = request.authorization
    if auth and auth.type == "basic":
        return auth.username, auth.password
    return request.form.get("client_id"), request.form.get("client_secret")


def pkce_matches(grant, verifier):
    if grant["code_challenge_method"] == "plain":
        expected = verifier
    else:
        expected = b64url(hashlib.sha256(verifier.encode()).digest()).decode()
    return hmac.compare_digest(expected, grant["code_challenge"])


def redirect_uri_allowed(app, redirect_uri):
    if not redirect_uri.startswith(("http://", "https://")):
        return False
    return app.get("redirect_uris") is None or redirect_uri in app["redirect_uris"]


def redirect_with(uri, **params):
    query = urlencode({k: v for k, v in params.items() if v is not None})
    separator = "&" if "?" in uri else "?"
    return Response(status=302, headers={"Location": uri + separator + query})


def error_page(message, status):
    body = "<!DOCTYPE html><html><body><h1>Xero sandbox</h1><p>%s</p></body></html>" % (
        html.escape(message)
    )
    return Response(body, status=status, content_type="text/html; charset=utf-8")


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=")
