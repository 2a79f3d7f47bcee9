"""``demo`` and ``demo-stop``: PostgreSQL, the sandbox and Odoo for a person, the demo
company connected to the sandbox's UK organisation."""

import hashlib
import json
import os
import shlex
import signal
import subprocess
import time
import urllib.parse
from pathlib import Path

from .common import (
    ADDON,
    DEMO_DB,
    DEV_DIR,
    LOCAL,
    ODOO_MAJOR,
    REPO,
    http_status,
    pid_alive,
    plain_env,
    port_in_use,
    say,
    spawn_detached,
    step,
    wait_http,
)
from .demo_company import (
    COUNTRY,
    CURRENCY,
    DemoBooksError,
    apply_mappings,
    mappings_applied,
    name_after_organisation,
    prepare_books,
)
from .odoo_install import empty_odoo_config, odoo_base_cmd, odoo_ready
from .odoo_rpc import RpcError, odoo_admin_session
from .pg import PgCluster
from .requirements import choose_python
from .sandbox import sandbox_command

SANDBOX_APP = {"client_id": "sandbox-client", "client_secret": "sandbox-secret"}
CONNECTION_FIELDS = ["state", "server_url", "tenant_id", "tenant_name", "last_error"]


def read_pid(path):
    """The pid in path if that process is still ours (its command line names DEV_DIR)."""
    try:
        pid = int(path.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, ValueError):
        return None
    return pid if str(DEV_DIR) in cmdline else None


# --------------------------------------------------------------------------------------------
# the company's connection to the sandbox


def sandbox_tenant(sandbox_url, country="GB"):
    """The sandbox organisation of a country, from its /sandbox/tenants list."""
    with LOCAL.open(f"{sandbox_url}/sandbox/tenants", timeout=30) as answer:
        tenants = json.loads(answer.read())
    for tenant in tenants:
        if tenant.get("country") == country:
            return tenant
    raise RuntimeError(f"the sandbox on {sandbox_url} has no organisation in {country}")


def company_connection(session, company_id, sandbox_url):
    """The company's xero.connection (created if missing) pointing at the sandbox's app."""
    values = dict(SANDBOX_APP, server_url=sandbox_url)
    ids = session.call("xero.connection", "search", [("company_id", "=", company_id)], limit=1)
    if not ids:
        # Opening Settings creates the company's connection, as it does for a person.
        session.call("res.config.settings", "default_get", [])
        ids = session.call("xero.connection", "search", [("company_id", "=", company_id)], limit=1)
    current = session.call("xero.connection", "read", ids, ["server_url", "client_id"])[0]
    if current["server_url"] != sandbox_url or current["client_id"] != SANDBOX_APP["client_id"]:
        session.call("xero.connection", "write", ids, values)
    return ids[0]


def read_connection(session, connection_id):
    return session.call("xero.connection", "read", [connection_id], CONNECTION_FIELDS)[0]


def authorize_in_sandbox(session, connection_id, tenant_id):
    """The OAuth code flow as a browser runs it: Odoo's Connect button gives the sandbox's
    authorize page, which (told the organisation) redirects to Odoo's callback, opened with
    the Odoo session's cookie. Returns the callback's status."""
    action = session.call("xero.connection", "action_connect", [connection_id])
    separator = "&" if "?" in action["url"] else "?"
    status, headers, body = session.get(f"{action['url']}{separator}tenant={tenant_id}")
    if status not in (302, 303) or not headers.get("Location"):
        raise RuntimeError(f"the sandbox's authorize page answered {status}: {body[:300]!r}")
    # The callback's host is Odoo's web.base.url: open it where our session cookie lives.
    callback = urllib.parse.urlsplit(headers["Location"])
    status, _headers, body = session.get(f"{session.url}{callback.path}?{callback.query}")
    if status not in (302, 303):
        raise RuntimeError(f"Odoo's OAuth callback answered {status}: {body[:300]!r}")
    return status


def connect_demo_company(session, company_id, sandbox_url, force=False):
    """Connect the company to the sandbox's UK organisation unless it already is (`force`:
    even then, e.g. when the sandbox started without its state and lost the tokens).

    Returns (connection values, whether this run connected it)."""
    tenant = sandbox_tenant(sandbox_url)
    session.call("ir.config_parameter", "set_param", "xero_connector.server_url", sandbox_url)
    connection_id = company_connection(session, company_id, sandbox_url)
    connection = read_connection(session, connection_id)
    if (
        not force
        and connection["state"] == "connected"
        and connection["tenant_id"] == tenant["tenantId"]
    ):
        return connection, False
    step(f'connecting the demo company to "{tenant["name"]}" in the sandbox (OAuth code flow)')
    authorize_in_sandbox(session, connection_id, tenant["tenantId"])
    connection = read_connection(session, connection_id)
    if connection["state"] != "connected":
        raise RuntimeError(
            f"the connection is '{connection['state']}' after the OAuth flow: "
            f"{connection['last_error'] or 'no error recorded'}"
        )
    return connection, True


# --------------------------------------------------------------------------------------------
# demo


def addon_digest():
    """Digest of the addon's files: when it changed, the demo database needs `-u`."""
    digest = hashlib.sha256()
    for path in sorted((REPO / ADDON).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(REPO)).encode() + path.read_bytes())
    return digest.hexdigest()


class DemoFailed(Exception):
    """A step of `demo` failed; the message says which and where to look."""


def cmd_demo(args):
    demo = DEV_DIR / "demo"
    demo.mkdir(parents=True, exist_ok=True)
    odoo = odoo_ready(args.odoo_bin, f"DEMO NOT STARTED: no Odoo {ODOO_MAJOR} install found")
    if odoo is None:
        return 2
    python = choose_python(odoo)[0]
    pg = PgCluster()
    pg.start()  # left running: `make demo-stop` stops it
    if args.fresh:
        start_demo_over(demo, pg)
    had_database = pg.db_exists(DEMO_DB)
    try:
        sandbox_url, new_sandbox_state = demo_sandbox(args, demo, python)
        odoo_url = demo_odoo(args, demo, odoo, pg, sandbox_url, had_database)
        session, info = odoo_admin_session(odoo_url)
        if session is None:
            raise DemoFailed(
                f"Odoo runs, but admin/admin does not log in to {DEMO_DB}: was it changed?"
            )
        company = info["user_companies"]["current_company"]
        books = demo_books(session, company, demo)
        connection, connected_now = demo_connection(
            session, company, sandbox_url, demo, new_sandbox_state, had_database
        )
        named = name_after_organisation(session, company, connection["tenant_name"])
        if named:
            say(f"the demo company is named {connection['tenant_name']}, at a UK address")
        mapped = (
            demo_mappings(session, company, connection, connected_now, demo)
            if books
            else "not applied"
        )
    except DemoFailed as err:
        say(f"!!!! {err}")
        return 1
    how = "connected it now" if connected_now else "already connected: reused"
    print_demo_banner(odoo_url, sandbox_url, demo, connection["tenant_name"], how)
    say(f"  Books:    {books or 'not British (see above)'}; Xero mappings: {mapped}")
    say("=" * 78)
    return 0


def demo_sandbox(args, demo, python):
    """The demo's sandbox, started unless it answers: (its URL, whether it starts without
    the state it saved, so knowing none of Odoo's tokens)."""
    sandbox_url = f"http://127.0.0.1:{args.sandbox_port}"
    sandbox_state = demo / "sandbox.json"
    if http_status(f"{sandbox_url}/sandbox/health") == 200:
        say(f"reusing the sandbox already answering on {sandbox_url}")
        return sandbox_url, False
    new_sandbox_state = not sandbox_state.exists()
    cmd = sandbox_command(
        python, args.sandbox_port, ["--state", str(sandbox_state)], args.sandbox_cmd
    )
    say(f"starting the sandbox: {shlex.join(cmd)}")
    proc = spawn_detached(cmd, demo / "sandbox.log", demo / "sandbox.pid", plain_env(), REPO)
    if not wait_http(f"{sandbox_url}/sandbox/health", 60, proc):
        raise DemoFailed(f"the sandbox did not start; see {demo / 'sandbox.log'}")
    return sandbox_url, new_sandbox_state


def demo_odoo(args, demo, odoo, pg, sandbox_url, had_database):
    """The demo's Odoo server, the addon installed or updated first when needed: its URL."""
    odoo_url = f"http://127.0.0.1:{args.http_port}"
    if read_pid(demo / "odoo.pid") and http_status(f"{odoo_url}/web/login") == 200:
        say(f"reusing the Odoo server already running on {odoo_url}")
        return odoo_url
    if port_in_use(args.http_port):
        raise DemoFailed(
            f"port {args.http_port} is taken by another program: stop it or pass --http-port"
        )
    env = dict(plain_env(), XERO_SANDBOX_URL=sandbox_url)
    base = odoo_base_cmd(
        odoo,
        pg,
        DEMO_DB,
        args.http_port,
        DEV_DIR / "odoo-data",
        empty_odoo_config(DEV_DIR / "odoo-demo.conf"),
    )
    state = pg.module_state(DEMO_DB, ADDON) if had_database else None
    digest_file = demo / "addon.sha256"
    changed = not digest_file.exists() or digest_file.read_text() != addon_digest()
    init = ["-u", ADDON] if args.update or changed else []
    if state != "installed":  # first run, or a first run that broke off
        # No demo data yet: it is loaded once the company is British (demo_company.py).
        init = ["-i", ADDON]
    if init:
        doing = "updating" if init[0] == "-u" else "installing"
        step(f"{doing} {ADDON} on the database {DEMO_DB} (a few minutes the first time)")
        out = subprocess.run(
            base + init + ["--stop-after-init", "--max-cron-threads=0", "--log-level=warn"],
            env=env,
        )
        if out.returncode != 0 or pg.module_state(DEMO_DB, ADDON) != "installed":
            raise DemoFailed(f"installing {ADDON} on {DEMO_DB} failed (see above)")
        digest_file.write_text(addon_digest())
    cmd = base + [
        f"--db-filter=^{DEMO_DB}$",
        "--max-cron-threads=1",
        f"--logfile={demo / 'odoo.log'}",
    ]
    step(f"starting Odoo on {odoo_url} (log: {demo / 'odoo.log'})")
    proc = spawn_detached(cmd, demo / "odoo-stdout.log", demo / "odoo.pid", env)
    if not wait_http(f"{odoo_url}/web/login", 180, proc):
        raise DemoFailed(f"Odoo did not answer on {odoo_url}/web/login; see {demo / 'odoo.log'}")
    return odoo_url


def demo_books(session, company, demo):
    """The company made British, with Odoo's demo data: a line for the banner, or '' when
    the database keeps its books otherwise (made before this, see DemoBooksError)."""
    try:
        prepare_books(session, company)
    except DemoBooksError as err:
        say(f"!!!! {err}")
        return ""
    except (OSError, ValueError, KeyError, RpcError) as err:
        raise DemoFailed(
            f"making the demo company British failed: {err}\n     see {demo / 'odoo.log'}"
        ) from err
    return f"{COUNTRY}, {CURRENCY}, UK VAT"


def demo_connection(session, company, sandbox_url, demo, new_sandbox_state, had_database):
    """The company connected to the sandbox's UK organisation: (connection, whether this run
    connected it)."""
    try:
        connection, connected_now = connect_demo_company(
            session, company, sandbox_url, force=new_sandbox_state
        )
    except (OSError, ValueError, KeyError, RpcError, RuntimeError) as err:
        raise DemoFailed(
            f"connecting the demo company to the sandbox failed: {err}\n"
            f"     see {demo / 'odoo.log'} and {demo / 'sandbox.log'}"
        ) from err
    if new_sandbox_state and had_database:
        say(
            "note: the sandbox started without its saved state: the contacts Odoo sent "
            "before are not in it, and syncing them again fails. "
            "`make demo ARGS=--fresh` starts both over."
        )
    return connection, connected_now


def demo_mappings(session, company, connection, connected_now, demo):
    """The mapping wizard applied, when the company just connected or has none: a line for
    the banner."""
    try:
        if not connected_now and mappings_applied(session, company):
            return "kept"
        step(
            "mapping the demo company's accounts, taxes and bank journal to Xero's "
            "(Settings › Xero)"
        )
        taxes, accounts, banks, warning = apply_mappings(session, connection["id"])
    except (OSError, ValueError, KeyError, RpcError) as err:
        raise DemoFailed(
            f"mapping the demo company's accounts and taxes failed: {err}\n"
            f"     see {demo / 'odoo.log'} and {demo / 'sandbox.log'}"
        ) from err
    if warning:
        say(f"the mapping wizard still warns: {warning}")
    return f"{taxes} taxes, {accounts} accounts and {banks} bank account(s) mapped now"


def print_demo_banner(odoo_url, sandbox_url, demo, tenant_name, how):
    say("\n" + "=" * 78)
    say(f"  Odoo:     {odoo_url}/odoo   (login: admin  password: admin)")
    say(f'  Xero:     the company is connected to "{tenant_name}" in the sandbox ({how})')
    say(f"  Sandbox:  {sandbox_url}/sandbox/ui   (what the organisations hold)")
    say(f"  Settings: {odoo_url}/odoo/settings#xero_connector")
    say(f"  State and logs: {demo}/")
    say("  Money back: send a posted invoice (Sync to Xero); in its Xero tab, Open in Xero")
    say("    shows it in the sandbox's pages: press Approve (it arrives as a draft), then Pay.")
    say("    Settings › Xero › Import changes now (or the hourly import) records the payment")
    say("    in Odoo, in the Bank journal, and the invoice is paid.")
    say("  Stop everything with: make demo-stop")


def stop_demo_servers(demo):
    """Stop the demo's Odoo and sandbox (the processes named in their pid files)."""
    for name in ("odoo", "sandbox"):
        pid = read_pid(demo / f"{name}.pid")
        if pid:
            say(f"stopping {name} (pid {pid})")
            os.killpg(pid, signal.SIGTERM)
            for _ in range(50):
                if not pid_alive(pid):
                    break
                time.sleep(0.2)
        (demo / f"{name}.pid").unlink(missing_ok=True)


def start_demo_over(demo, pg):
    """`demo --fresh`: a new demo database and a sandbox without saved state."""
    step(f"starting over: dropping the database {DEMO_DB} and the sandbox's saved state")
    stop_demo_servers(demo)
    pg.drop_db(DEMO_DB)
    for name in ("sandbox.json", "addon.sha256"):
        (demo / name).unlink(missing_ok=True)


def cmd_demo_stop(args):
    demo = DEV_DIR / "demo"
    stop_demo_servers(demo)
    pg = PgCluster()
    pg.port = pg.running_port()
    if pg.port and pg.others_connected(""):
        say("PostgreSQL left running: another program (a test run?) uses it")
    elif pg.port:
        say("stopping PostgreSQL")
        pg.stop()
    return 0
