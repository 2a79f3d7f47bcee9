"""tools/screenshots.py: the pure parts (the demo and Chromium are not needed)."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "screenshots.py"


def load_script():
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_apps_page_images_are_the_local_pngs_in_page_order():
    html = (
        '<img src="banner.png"/><p>x</p><img alt="a" src="settings-xero.png" style="w"/>'
        "<img src='drift-report.png'/><img src=\"settings-xero.png\"/>"
        '<img src="https://example.com/remote.png"/><img src="icon.svg"/>'
    )
    assert load_script().apps_page_images(html) == [
        "banner.png",
        "settings-xero.png",
        "drift-report.png",
    ]


def test_the_apps_page_shows_pictures_the_docs_have():
    """Each screenshot of the Apps page is one of docs/images/, which the script copies."""
    script = load_script()
    index = script.APPS_DIR / "index.html"
    shown = set(script.apps_page_images(index.read_text(encoding="utf-8"))) - {"banner.png"}
    assert {"invoice-xero-tab.png", "drift-report.png", "payments-from-xero.png"} <= shown
    assert sorted(name for name in shown if not (script.OUT_DIR / name).is_file()) == []
