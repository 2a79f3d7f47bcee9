#!/usr/bin/env python3
"""Screenshots of the running demo for the docs and the Apps page: ``python3 tools/screenshots.py``.

Start the demo first (``make demo``). The script logs in to Odoo as admin and prepares what
each picture needs over JSON-RPC and the sandbox's own actions, then drives headless Chromium
through the Chrome DevTools Protocol and writes 1400x900 PNGs to ``docs/images/``:

- ``settings-xero.png``: Settings › Xero, the company connected to the sandbox;
- ``settings-xero-mappings.png``: its *Map accounts, taxes and tracking* dialog;
- ``partner-xero-tab.png``: a contact's Xero tab after Sync to Xero;
- ``partner-list.png``: the contact list with its Xero status column;
- ``partner-summary.png``: the Xero tab of the customer of the invoices below, with Xero's
  outstanding, overdue and this year's sales;
- ``invoice-xero-tab.png``: an invoice sent with Sync to Xero, approved and paid in the
  sandbox, its payment brought back by Import changes now: its Xero tab and chatter;
- ``document-preview.png``: Preview for Xero on a draft invoice;
- ``purchase-order.png``: a purchase order sent to Xero, its Xero tab;
- ``payments-from-xero.png``: Payments from Xero, one recorded, one Odoo could not record
  (paid in Xero through an account mapped to no journal) with the reason;
- ``drift-report.png``: the Xero Drift Report, that second invoice listed;
- ``sync-log.png``: the Xero sync log;
- ``sandbox-contact.png``: a contact in the sandbox's HTML view ("Open in Xero").

The pictures that the Apps page (``xero_connector/static/description/index.html``) shows are
copied there. Running it again reuses what an earlier run made (the documents are found by
their reference) and only finishes what is missing.

It needs the ``websocket-client`` package, which Odoo's Python has: without it, the script
runs itself again with the Python of the Odoo install that ``tools/devenv`` finds.
"""

import argparse
import base64
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devenv import common, odoo_install, odoo_rpc  # noqa: E402 - tools/ is not a package

try:
    import websocket
except ImportError:
    websocket = None

OUT_DIR = common.REPO / "docs" / "images"
APPS_DIR = common.REPO / common.ADDON / "static" / "description"
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
# The customer of the invoices below (its Xero tab is the partner summary shot), the vendor
# of the purchase order.
CUSTOMER = "Gemini Furniture"
VENDOR = "Wood Corner"
# The documents the script makes, found again by their reference: (reference, lines as
# (product code, quantity, discount %)). The demo company's products (tools/devenv).
PAID_INVOICE = ("Order 2041", [("CHAIR-01", 6, 0), ("DESK-01", 2, 0)])
# Paid in part in Xero through the sandbox's Payments Clearing account (615), which is mapped
# to no journal: Odoo does not record it and says why. Dated so that it is overdue.
UNRECORDED_INVOICE = ("Order 2042", [("CONSULT", 12, 0)])
UNRECORDED_PAYMENT = (300.0, "615")
UNRECORDED_DAYS_AGO, UNRECORDED_DUE_DAYS = 45, 30
DRAFT_INVOICE = ("Order 2043", [("DESK-01", 3, 0), ("CHAIR-01", 6, 10), ("CONSULT", 4, 0)])
PURCHASE_ORDER = ("Quote 318", [("DESK-01", 4), ("CHAIR-01", 10)])
# The web client is busy while one of these is on the page.
BUSY_SELECTORS = ".o_loading_indicator, .o_blockUI, .o_loading, .o_view_nocontent_spinner"
IMG_SRC = re.compile(r"""<img\b[^>]*\bsrc=["']([^"'/]+\.png)["']""", re.IGNORECASE)


def say(msg):
    print(msg, flush=True)


def apps_page_images(index_html):
    """The PNG files an Apps page (index.html) shows from its own folder, in page order."""
    names = []
    for name in IMG_SRC.findall(index_html):
        if name not in names:
            names.append(name)
    return names


# --------------------------------------------------------------------------------------------
# Chromium over the DevTools protocol


class Chromium:
    """One headless Chromium with one page, driven over its DevTools websocket."""

    def __init__(self, binary, port=0):
        self.binary = binary
        self.profile = tempfile.mkdtemp(prefix="xero-shots-")
        self.port = port or common.free_port()
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

    def click(self, selector, text=None):
        """Click the first element matching `selector` (whose text is `text`, if given)."""
        found = self.evaluate(
            f"(() => {{ const el = [...document.querySelectorAll({json.dumps(selector)})]"
            f".find(e => {json.dumps(text)} === null || e.innerText.trim() === {json.dumps(text)});"
            " if (!el) return false; el.scrollIntoView({block: 'center'}); el.click();"
            " return true; })()"
        )
        if not found:
            where = self.evaluate("location.href")
            raise RuntimeError(f"nothing to click at {selector!r} ({text!r}) on {where}")

    def type_text(self, selector, text):
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)

    def open_tab(self, label, field):
        """Click the form's notebook tab `label` and wait until `field` shows in it."""
        self.click(".o_form_view .o_notebook .nav-link", label)
        self.wait_for(f".o_notebook .tab-pane.active [name='{field}']")

    def scroll_into_view(self, selector, block="start"):
        self.evaluate(
            f"document.querySelector({json.dumps(selector)})"
            f".scrollIntoView({{block: {json.dumps(block)}}})"
        )
        time.sleep(0.5)

    def check_no_error(self):
        """Refuse to keep a picture of an error dialog or of the login page."""
        problem = self.evaluate(
            "(document.querySelector('.o_error_dialog, .o_dialog_error, .oe_login_form')"
            " || {}).innerText || ''"
        )
        if problem:
            raise RuntimeError(f"the page shows an error: {problem[:300]}")

    def resize(self, height=HEIGHT):
        """The viewport's height (its width stays WIDTH)."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        time.sleep(0.5)

    def fit_list_columns(self, wide=None, wide_px=320):
        """Let the list's columns take the width of their content, as a wide screen would,
        instead of the widths frozen at the first render (which cut them short beside a
        long text column); the column of field `wide` keeps `wide_px` at least."""
        self.evaluate(
            "document.querySelectorAll('.o_list_table').forEach(table => {"
            " table.style.tableLayout = 'auto';"
            " table.querySelectorAll('thead th').forEach(th => {"
            f"  th.style.width = ''; if (th.dataset.name === {json.dumps(wide)})"
            f"  th.style.minWidth = '{wide_px}px'; }});"
            "})"
        )
        self.evaluate("document.activeElement && document.activeElement.blur()")
        time.sleep(0.5)

    def hide_optional_columns(self, *fields):
        """Untick those fields in the list's optional columns menu, as a person would (kept
        in this browser's profile only)."""
        self.click(".o_optional_columns_dropdown_toggle")
        for field in fields:
            checkbox = f".o-dropdown--menu input[name='{field}']"
            self.wait_for(checkbox, settle=0.3)
            if self.evaluate(f"document.querySelector({json.dumps(checkbox)}).checked"):
                self.click(checkbox)
                self.wait_for(".o_list_table", settle=0.3)
        self.click(".o_optional_columns_dropdown_toggle")  # closes the menu

    def content_height(self, selector, margin=48, least=420):
        """Where the page's content ends: the bottom of `selector`, within the viewport."""
        bottom = self.evaluate(
            f"document.querySelector({json.dumps(selector)}).getBoundingClientRect().bottom"
        )
        return int(min(HEIGHT, max(least, bottom + margin)))

    def screenshot(self, path, height=None):
        """The viewport as a PNG, its top `height` pixels only if given."""
        self.check_no_error()
        options = {"format": "png", "captureBeyondViewport": False}
        if height:
            options["clip"] = {"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": 1}
        data = self.send("Page.captureScreenshot", **options)
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


class Demo:
    """The demo's Odoo over JSON-RPC, as admin, and its sandbox's own actions."""

    def __init__(self, session):
        self.session = session
        connections = session.call(
            "xero.connection",
            "search_read",
            [("state", "=", "connected")],
            ["company_id", "server_url", "tenant_id", "tenant_name"],
            limit=1,
        )
        if not connections:
            raise SystemExit("no company of the demo is connected to Xero: run `make demo`")
        self.connection = connections[0]
        self.company_id = self.connection["company_id"][0]
        self.sandbox_url = (self.connection["server_url"] or "").rstrip("/")
        if not self.sandbox_url:
            raise SystemExit("the demo company is connected to Xero itself, not to the sandbox")
        self.tenant = f"{self.sandbox_url}/sandbox/tenants/{self.connection['tenant_id']}"

    def call(self, model, method, *args, **kwargs):
        return self.session.call(model, method, *args, **kwargs)

    def read_one(self, model, record_id, fields):
        return self.call(model, "read", [record_id], fields)[0]

    def sandbox(self, path, body=None):
        """GET (or POST `body` to) a sandbox action of the demo's organisation."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.tenant}{path}", data=data, headers={"Content-Type": "application/json"}
        )
        with common.LOCAL.open(request, timeout=60) as answer:
            return json.loads(answer.read())

    def sandbox_invoice(self, xero_id):
        for invoice in self.sandbox("/data/Invoices"):
            if invoice.get("InvoiceID") == xero_id:
                return invoice
        raise RuntimeError(f"the sandbox holds no invoice {xero_id}")

    def partner(self, name):
        found = self.call(
            "res.partner", "search", [("name", "=", name), ("is_company", "=", True)], limit=1
        )
        if not found:
            raise SystemExit(f"{name} is not in the demo database")
        return found[0]

    def product(self, code):
        found = self.call("product.product", "search", [("default_code", "=", code)], limit=1)
        if not found:
            raise SystemExit(f"the demo has no product {code}: run `make demo`")
        return found[0]

    def import_changes(self):
        """Settings › Xero › Import changes now."""
        self.call("xero.connection", "action_import_changes", [self.connection["id"]], timeout=600)

    # -- what each picture needs ------------------------------------------------------------

    def synced_partners(self):
        """Send the demo companies to the sandbox now; returns the first one."""
        ids = []
        for name in DEMO_PARTNERS:
            ids += self.call("res.partner", "search", [("name", "=", name)], limit=1)
        if not ids:
            raise SystemExit(f"none of {', '.join(DEMO_PARTNERS)} is in the demo database")
        self.call("res.partner", "action_xero_sync", ids)
        partner = self.read_one("res.partner", ids[0], ["name", "xero_state", "xero_url"])
        if partner["xero_state"] != "synced" or not partner["xero_url"]:
            raise SystemExit(f"{partner['name']} did not sync: {partner}")
        return partner

    def invoice(self, reference, lines, post=True, days_ago=0, due_days=None):
        """The customer invoice of that reference, made (and posted) if missing."""
        customer = self.partner(CUSTOMER)
        domain = [
            ("move_type", "=", "out_invoice"),
            ("partner_id", "=", customer),
            ("ref", "=", reference),
            ("state", "!=", "cancel"),
        ]
        found = self.call("account.move", "search", domain, order="id desc", limit=1)
        if found:
            move_id = found[0]
        else:
            day = datetime.date.today() - datetime.timedelta(days=days_ago)
            values = {
                "move_type": "out_invoice",
                "partner_id": customer,
                "company_id": self.company_id,
                "ref": reference,
                "invoice_date": day.isoformat(),
                "invoice_line_ids": [
                    (0, 0, {"product_id": self.product(code), "quantity": qty, "discount": disc})
                    for code, qty, disc in lines
                ],
            }
            if due_days is not None:
                values["invoice_payment_term_id"] = False
                values["invoice_date_due"] = (day + datetime.timedelta(days=due_days)).isoformat()
            move_id = self.call("account.move", "create", [values])[0]
            say(f"  made the invoice {reference}")
        state = self.read_one("account.move", move_id, ["state"])["state"]
        if post and state == "draft":
            self.call("account.move", "action_post", [move_id])
        return move_id

    def sent(self, model, record_id):
        """Sync to Xero unless the record is in Xero as it stands; its Xero fields."""
        fields = ["display_name", "xero_state", "xero_id", "xero_error"]
        record = self.read_one(model, record_id, fields)
        if record["xero_state"] != "synced" or not record["xero_id"]:
            self.call(model, "action_xero_sync", [record_id])
            record = self.read_one(model, record_id, fields)
            say(f"  sent {record['display_name']} to Xero")
        if record["xero_state"] != "synced" or not record["xero_id"]:
            raise RuntimeError(f"{record['display_name']} did not go to Xero: {record}")
        return record

    def paid_in_sandbox(self, xero_id, amount=None, account_code=None):
        """Approve the invoice in the sandbox and pay it (`amount`, else what is due) unless
        it has payments already, as a Xero user would. True when it did something."""
        invoice = self.sandbox_invoice(xero_id)
        done = False
        if invoice["Status"] in ("DRAFT", "SUBMITTED"):
            self.sandbox(f"/Invoices/{xero_id}", {"Status": "AUTHORISED"})
            done = True
        if not invoice.get("Payments") and not invoice.get("AmountPaid"):
            body = {"amount": amount} if amount is not None else {}
            if account_code:
                body["account_code"] = account_code
            self.sandbox(f"/Invoices/{xero_id}/pay", body)
            done = True
        return done

    def prepare_documents(self):
        """The invoices, the purchase order and their payments the shots show, finished where
        an earlier run stopped; returns their ids."""
        paid = self.invoice(*PAID_INVOICE)
        unrecorded = self.invoice(
            *UNRECORDED_INVOICE, days_ago=UNRECORDED_DAYS_AGO, due_days=UNRECORDED_DUE_DAYS
        )
        draft = self.invoice(*DRAFT_INVOICE, post=False)
        paid_xero = self.sent("account.move", paid)["xero_id"]
        unrecorded_xero = self.sent("account.move", unrecorded)["xero_id"]
        if self.paid_in_sandbox(paid_xero):
            say("  approved and paid it in the sandbox")
        amount, account = UNRECORDED_PAYMENT
        if self.paid_in_sandbox(unrecorded_xero, amount, account):
            say(f"  approved it and paid {amount} through account {account} in the sandbox")
        order = self.purchase_order(*PURCHASE_ORDER)
        self.sent("purchase.order", order)
        say("  Import changes now")
        self.import_changes()
        self.check_money_back(paid, unrecorded)
        return {"paid": paid, "unrecorded": unrecorded, "draft": draft, "order": order}

    def purchase_order(self, reference, lines):
        """The confirmed purchase order of that vendor reference, made if missing."""
        vendor = self.partner(VENDOR)
        domain = [("partner_id", "=", vendor), ("partner_ref", "=", reference)]
        found = self.call("purchase.order", "search", domain + [("state", "!=", "cancel")], limit=1)
        if found:
            order_id = found[0]
        else:
            values = {
                "partner_id": vendor,
                "company_id": self.company_id,
                "partner_ref": reference,
                "order_line": [
                    (0, 0, {"product_id": self.product(code), "product_qty": qty})
                    for code, qty in lines
                ],
            }
            order_id = self.call("purchase.order", "create", [values])[0]
            say(f"  made the purchase order {reference}")
        if self.read_one("purchase.order", order_id, ["state"])["state"] in ("draft", "sent"):
            self.call("purchase.order", "button_confirm", [order_id])
        return order_id

    def check_money_back(self, paid, unrecorded):
        fields = ["name", "payment_state", "xero_status"]
        move = self.read_one("account.move", paid, fields)
        if move["payment_state"] not in ("paid", "in_payment") or move["xero_status"] != "PAID":
            raise RuntimeError(f"Xero's payment of {move['name']} was not recorded: {move}")
        found = self.call(
            "xero.payment",
            "search_read",
            [("move_id", "=", unrecorded), ("state", "=", "not_recorded")],
            ["note"],
        )
        if not found:
            raise RuntimeError("the payment through an unmapped account was recorded after all")
        if not self.call("xero.drift", "search_count", [("move_id", "=", unrecorded)]):
            raise RuntimeError("the drift report does not list the invoice paid in part")


# --------------------------------------------------------------------------------------------
# the shots


def shoot_settings(browser, odoo_url, out):
    browser.navigate(f"{odoo_url}/odoo/settings#xero_connector")
    browser.wait_for("[data-key='xero_connector'] .o_field_badge")
    browser.scroll_into_view("[data-key='xero_connector']")
    state = browser.evaluate(
        "document.querySelector(\"[data-key='xero_connector'] .o_field_badge\").innerText"
    )
    if "Connected" not in state:
        raise RuntimeError(f"Settings › Xero shows {state!r}, not Connected")
    browser.screenshot(out / "settings-xero.png")


def shoot_settings_mappings(browser, odoo_url, out):
    browser.navigate(f"{odoo_url}/odoo/settings#xero_connector")
    browser.wait_for("button[name='action_xero_open_mapping']")
    browser.click("button[name='action_xero_open_mapping']")
    browser.wait_for(".modal .o_form_view .o_notebook [name='account_line_ids'] .o_data_row")
    browser.click(".modal .o_notebook .nav-link", "Taxes")
    browser.wait_for(".modal [name='tax_line_ids'] .o_data_row")
    browser.screenshot(out / "settings-xero-mappings.png")
    browser.click(".modal .modal-footer button", "Discard")


def shoot_partner_form(browser, odoo_url, partner_id, out, name):
    browser.navigate(f"{odoo_url}/odoo/action-account.res_partner_action_customer/{partner_id}")
    browser.wait_for(".o_form_view .o_notebook")
    browser.open_tab("Xero", "xero_state")
    browser.screenshot(out / name)


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


def shoot_invoice(browser, odoo_url, move_id, out):
    browser.navigate(f"{odoo_url}/odoo/action-account.action_move_out_invoice_type/{move_id}")
    browser.wait_for(".o_form_view .o_notebook")
    browser.open_tab("Xero", "xero_status")
    browser.wait_for(".o-mail-Chatter .o-mail-Message")
    browser.screenshot(out / "invoice-xero-tab.png")


def shoot_preview(browser, odoo_url, move_id, out):
    browser.navigate(f"{odoo_url}/odoo/action-account.action_move_out_invoice_type/{move_id}")
    browser.wait_for(".o_form_view button[name='action_xero_preview']")
    browser.click(".o_form_view button[name='action_xero_preview']")
    browser.wait_for(".modal .o_form_view [name='preview'] table")
    # A viewport as tall as the dialog's content, down to Xero's and Odoo's totals.
    hidden = browser.evaluate(
        "(body => body.scrollHeight - body.clientHeight)(document.querySelector('.modal-body'))"
    )
    browser.resize(HEIGHT + max(0, min(hidden + 8, 400)))
    browser.screenshot(out / "document-preview.png")
    browser.resize()
    browser.click(".modal .modal-footer button", "Close")


def shoot_purchase_order(browser, odoo_url, order_id, out):
    browser.navigate(f"{odoo_url}/odoo/action-purchase.purchase_form_action/{order_id}")
    browser.wait_for(".o_form_view .o_notebook")
    browser.open_tab("Xero", "xero_status")
    browser.screenshot(out / "purchase-order.png")


def shoot_payments(browser, odoo_url, out):
    """Payments from Xero of the customer, recorded or not (the menu opens on those not)."""
    browser.navigate(f"{odoo_url}/odoo/action-xero_connector.action_xero_payment")
    browser.wait_for(".o_searchview_input")
    browser.click(".o_searchview_facet .o_facet_remove")
    browser.wait_for(".o_list_view .o_data_row")
    browser.type_text(".o_searchview_input", CUSTOMER)
    browser.wait_for(".o_searchview_autocomplete .o-dropdown-item", settle=0.3)
    browser.click(".o_searchview_autocomplete .o-dropdown-item", f"Search Partner for: {CUSTOMER}")
    browser.wait_for(".o_searchview_facet")
    browser.wait_for(".o_list_view .o_data_row")
    browser.fit_list_columns()
    browser.screenshot(out / "payments-from-xero.png", browser.content_height(".o_list_table"))


def shoot_drift(browser, odoo_url, out):
    """The drift report grouped by partner, the customer's group open."""
    browser.navigate(f"{odoo_url}/odoo/action-xero_connector.action_xero_drift")
    browser.wait_for(".o_list_view .o_group_header")
    browser.evaluate(
        "[...document.querySelectorAll('.o_list_view .o_group_header')]"
        f".find(row => row.innerText.includes({json.dumps(CUSTOMER)})).click()"
    )
    browser.wait_for(".o_list_view .o_data_row")
    browser.hide_optional_columns("odoo_total", "xero_total")
    browser.fit_list_columns(wide="detail")
    browser.screenshot(out / "drift-report.png", browser.content_height(".o_list_table"))


def copy_apps_page_images(out, apps_dir):
    """Copy the pictures the Apps page shows, those this script makes, beside it."""
    index = apps_dir / "index.html"
    if not index.is_file():
        return
    for name in apps_page_images(index.read_text(encoding="utf-8")):
        if (out / name).is_file():
            shutil.copyfile(out / name, apps_dir / name)
            say(f"  {apps_dir.name}/{name}")


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
    parser.add_argument("--devtools-port", type=int, default=0, help="Chromium's (default: any)")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument(
        "--apps-dir",
        type=Path,
        default=APPS_DIR,
        help="where the Apps page's copies go (its index.html names them)",
    )
    args = parser.parse_args(argv)
    if websocket is None:
        rerun_with_odoo_python()
    session, _info = odoo_rpc.odoo_admin_session(args.odoo_url, args.db)
    if session is None:
        raise SystemExit(f"admin/admin does not log in on {args.odoo_url}: run `make demo` first")
    demo = Demo(session)
    say("preparing the demo's records:")
    partner = demo.synced_partners()
    documents = demo.prepare_documents()
    customer = demo.partner(CUSTOMER)
    args.out.mkdir(parents=True, exist_ok=True)
    say(f"screenshots of {args.odoo_url} into {args.out}:")
    url = args.odoo_url.rstrip("/")
    with Chromium(find_chromium(args.chromium), args.devtools_port) as browser:
        browser.set_cookie(url, "session_id", session.session_id)
        shoot_settings(browser, url, args.out)
        shoot_settings_mappings(browser, url, args.out)
        shoot_partner_form(browser, url, partner["id"], args.out, "partner-xero-tab.png")
        shoot_partner_list(browser, url, args.out)
        shoot_partner_form(browser, url, customer, args.out, "partner-summary.png")
        shoot_invoice(browser, url, documents["paid"], args.out)
        shoot_preview(browser, url, documents["draft"], args.out)
        shoot_purchase_order(browser, url, documents["order"], args.out)
        shoot_payments(browser, url, args.out)
        shoot_drift(browser, url, args.out)
        shoot_sync_log(browser, url, args.out)
        shoot_sandbox_contact(browser, partner, args.out)
    copy_apps_page_images(args.out, args.apps_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
