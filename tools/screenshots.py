#!/usr/bin/env python3
"""Screenshots of the running demo for the README: ``python3 tools/screenshots.py``.

Start the demo first (``make demo``). The script logs in to Odoo as admin, sends a few demo
contacts to the sandbox (``action_xero_sync``), then drives headless Chromium through the
Chrome DevTools Protocol and writes 1400x900 PNGs to ``docs/images/``:

- ``settings-xero.png``: Settings › Xero, the company connected to the sandbox;
- ``partner-xero-tab.png``: a contact's Xero tab after Sync to Xero;
- ``partner-list.png``: the contact list with its Xero status column;
- ``sync-log.png``: the Xero sync log;
- ``sandbox-contact.png``: that contact in the sandbox's HTML view ("Open in Xero").

It needs the ``websocket-client`` package, which Odoo's Python has: without it, the script
runs itself again with the Python of the Odoo install that ``tools/devenv`` finds.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devenv import common, odoo_install, odoo_rpc  # noqa: E402 - tools/ is not a package

try:
    import websocket
except ImportError:
    websocket = None

OUT_DIR = common.REPO / "docs" / "images"
WIDTH, HEIGHT = 1400, 900
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    f"--window-size={WIDTH},{HEIGHT}",
]
# Demo companies sent to the sandbox; the first one is the contact of the form shot.
DEMO_PARTNERS = ("Azure Interior", "Gemini Furniture", "Lumber Inc", "OpenWood", "Ready Mat")
# The web client is busy while one of these is on the page.
BUSY_SELECTORS = ".o_loading_indicator, .o_blockUI, .o_loading, .o_view_nocontent_spinner"


def say(msg):
    print(msg, flush=True)


# --------------------------------------------------------------------------------------------
# Chromium over the DevTools protocol


class Chromium:
    """One headless Chromium with one page, driven over its DevTools websocket."""

    def __init__(self, binary):
        self.binary = binary
        self.profile = tempfile.mkdtemp(prefix="xero-shots-")
        self.port = common.free_port()
        self.proc = None
        self.ws = None
        self.next_id = 0

    def __enter__(self):
        cmd = [
            self.binary,
            *CHROMIUM_FLAGS,
            f"--remote-debugging-port={self.port}",
            f"--user-data-dir={self.profile}",
            "about:blank",
        ]
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self.ws = websocket.create_connection(
            self._page_websocket_url(), timeout=60, suppress_origin=True
        )
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        return self

    def __exit__(self, *exc):
        if self.ws is not None:
            self.ws.close()
        common.stop_process(self.proc, timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _page_websocket_url(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with common.LOCAL.open(f"http://127.0.0.1:{self.port}/json/list") as answer:
                    pages = [t for t in json.loads(answer.read()) if t["type"] == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.binary} exited with status {self.proc.returncode}")
            time.sleep(0.2)
        raise RuntimeError(f"{self.binary} opened no DevTools port in {timeout} s")

    def send(self, method, **params):
        """Call a DevTools method and return its result (events in between are skipped)."""
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if result.get("exceptionDetails"):
            raise RuntimeError(f"{expression!r} failed: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def set_cookie(self, url, name, value):
        self.send("Network.setCookie", url=url, name=name, value=value, path="/")

    def navigate(self, url):
        self.send("Page.navigate", url=url)
        time.sleep(0.5)  # let the old document go before polling the new one

    def wait_for(self, selector, timeout=60, settle=1.0):
        """Wait until the page is loaded, `selector` is on it and the web client is idle."""
        check = (
            "document.readyState === 'complete' && "
            f"!!document.querySelector({json.dumps(selector)}) && "
            f"!document.querySelector({json.dumps(BUSY_SELECTORS)})"
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(check):
                time.sleep(settle)  # animations, late renders
                if self.evaluate(check):
                    return
            time.sleep(0.25)
        raise RuntimeError(f"{selector!r} did not appear on {self.evaluate('location.href')}")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=False)
        path.write_bytes(base64.b64decode(data["data"]))
        optimise_png(path)
        say(f"  {path.name}  ({path.stat().st_size // 1024} KiB)")


def optimise_png(path):
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", str(path)], check=False)


def find_chromium(explicit):
    for candidate in (explicit, "/usr/bin/chromium", "chromium", "google-chrome", "chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    raise SystemExit(
        "Chromium not found: install it (Debian: apt-get install chromium) or pass --chromium PATH"
    )


# --------------------------------------------------------------------------------------------
# the demo's data


def sync_demo_partners(session):
    """Send the demo companies to the sandbox now; returns the first one's id."""
    ids = []
    for name in DEMO_PARTNERS:
        found = session.call("res.partner", "search", [("name", "=", name)], limit=1)
        ids += found
    if not ids:
        raise SystemExit(f"none of {', '.join(DEMO_PARTNERS)} is in the demo database")
    session.call("res.partner", "action_xero_sync", ids)
    partner = session.call("res.partner", "read", ids[:1], ["name", "xero_state", "xero_url"])[0]
    if partner["xero_state"] != "synced" or not partner["xero_url"]:
        raise SystemExit(f"{partner['name']} did not sync: {partner}")
    return partner


# --------------------------------------------------------------------------------------------
# the shots


def shoot_settings(browser, odoo_url, out):
    browser.navigate(f"{odoo_url}/odoo/settings#xero_connector")
    browser.wait_for("[data-key='xero_connector'] .o_field_badge")
    browser.evaluate(
        "document.querySelector(\"[data-key='xero_connector']\").scrollIntoView({block: 'start'})"
    )
    time.sleep(0.5)
    state = browser.evaluate(
        "document.querySelector(\"[data-key='xero_connector'] .o_field_badge\").innerText"
    )
    if "Connected" not in state:
        raise RuntimeError(f"Settings › Xero shows {state!r}, not Connected")
    browser.screenshot(out / "settings-xero.png")


def shoot_partner_form(browser, odoo_url, partner, out):
    browser.navigate(f"{odoo_url}/odoo/action-account.res_partner_action_customer/{partner['id']}")
    browser.wait_for(".o_form_view .o_notebook")
    browser.evaluate(
        "[...document.querySelectorAll('.o_notebook .nav-link')]"
        ".find(tab => tab.innerText.trim() === 'Xero').click()"
    )
    browser.wait_for(".o_notebook .tab-pane.active [name='xero_state']")
    browser.screenshot(out / "partner-xero-tab.png")


def shoot_partner_list(browser, odoo_url, out):
    browser.navigate(f"{odoo_url}/odoo/action-base.action_partner_form?view_type=list")
    browser.wait_for(".o_list_view th[data-name='xero_state']")
    browser.screenshot(out / "partner-list.png")


def shoot_sync_log(browser, odoo_url, out):
    browser.navigate(f"{odoo_url}/odoo/action-xero_connector.action_xero_sync_log")
    browser.wait_for(".o_list_view .o_data_row")
    browser.screenshot(out / "sync-log.png")


def shoot_sandbox_contact(browser, partner, out):
    browser.navigate(partner["xero_url"])  # the deep link: the sandbox redirects to its page
    browser.wait_for("h2")
    title = browser.evaluate("document.querySelector('h2').innerText")
    if title != partner["name"]:
        raise RuntimeError(f"the sandbox page shows {title!r}, not {partner['name']!r}")
    browser.screenshot(out / "sandbox-contact.png")


# --------------------------------------------------------------------------------------------


def rerun_with_odoo_python():
    """websocket-client is missing here: run again with Odoo's Python, which has it."""
    if os.environ.get("XERO_SHOTS_REEXEC"):
        raise SystemExit("the websocket-client package is missing: pip install websocket-client")
    python = odoo_install.find_odoo().python
    os.environ["XERO_SHOTS_REEXEC"] = "1"
    os.execv(python, [python, __file__, *sys.argv[1:]])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--odoo-url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default=common.DEMO_DB)
    parser.add_argument("--chromium", default=None, help="Chromium binary (/usr/bin/chromium)")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    if websocket is None:
        rerun_with_odoo_python()
    session, _info = odoo_rpc.odoo_admin_session(args.odoo_url, args.db)
    if session is None:
        raise SystemExit(f"admin/admin does not log in on {args.odoo_url}: run `make demo` first")
    partner = sync_demo_partners(session)
    args.out.mkdir(parents=True, exist_ok=True)
    say(f"screenshots of {args.odoo_url} into {args.out}:")
    with Chromium(find_chromium(args.chromium)) as browser:
        browser.set_cookie(args.odoo_url, "session_id", session.session_id)
        shoot_settings(browser, args.odoo_url, args.out)
        shoot_partner_form(browser, args.odoo_url, partner, args.out)
        shoot_partner_list(browser, args.odoo_url, args.out)
        shoot_sync_log(browser, args.odoo_url, args.out)
        shoot_sandbox_contact(browser, partner, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
