"""The addon's README.rst: Odoo renders it as the module's description (docutils prints any
problem while installing), and OCA generates it from the readme/*.md fragments."""

import io
import re

from docutils.core import publish_string

from .test_devenv import REPO

ADDON = REPO / "xero_connector"
# The settings Odoo renders a module's description with (base's ir_module.py), made strict.
ODOO_SETTINGS = {
    "embed_stylesheet": False,
    "doctitle_xform": False,
    "output_encoding": "unicode",
    "xml_declaration": False,
    "file_insertion_enabled": False,
}
# oca-gen-addon-readme: fragment -> section title (DESCRIPTION has none: it opens the file).
SECTIONS = {
    "DESCRIPTION.md": None,
    "INSTALL.md": "Installation",
    "CONFIGURE.md": "Configuration",
    "USAGE.md": "Usage",
    "CONTRIBUTORS.md": "Contributors",
}


def render(source):
    """(html, docutils' messages): every message, down to INFO, is reported."""
    messages = io.StringIO()
    html = publish_string(
        source=source,
        writer_name="html4css1",
        settings_overrides=dict(
            ODOO_SETTINGS, report_level=1, halt_level=5, warning_stream=messages
        ),
    )
    return html, messages.getvalue()


def test_the_readme_renders_without_a_docutils_message():
    html, messages = render((ADDON / "README.rst").read_text())
    assert messages == ""
    assert "system-message" not in html
    assert "Xero Connector" in html


def test_a_broken_readme_would_be_caught():
    _html, messages = render("Title\n=====\n\n- item\n  continued\n    Unexpected indent\n")
    assert "Unexpected indentation" in messages


def plain(text):
    """The words of a Markdown or reStructuredText text, without markup or line breaks."""
    text = re.sub(r"`([^`<]*?)\s*<([^>]+)>`_", r"\1 \2", text)  # rst link -> text url
    lines = [
        re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", line)
        for line in text.splitlines()
        if not re.match(r"^\s*(```|\.\. code::)", line)  # a code block's fences
    ]
    text = re.sub(r"[*`<>]", "", " ".join(lines))
    return " ".join(text.split())


def test_the_readme_carries_every_fragment():
    readme = (ADDON / "README.rst").read_text()
    assert set(SECTIONS) <= {path.name for path in (ADDON / "readme").glob("*.md")}
    flat = plain(readme)
    for name, title in SECTIONS.items():
        fragment = plain((ADDON / "readme" / name).read_text())
        assert fragment in flat, f"README.rst lacks readme/{name}: regenerate it"
        if title:
            assert re.search(rf"^{title}\n[=-]+$", readme, re.M), title
