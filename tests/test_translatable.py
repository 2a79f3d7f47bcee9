"""Every sentence the addon shows a person can be translated: in its Python, a sentence is
written inside ``_()``/``env._()`` (or is one Odoo translates itself: a field's label or
help, a selection's labels, a constraint's message); in its XML, no sentence hides in a QWeb
expression, where Odoo's export cannot see it.

The addon's folder holds xero_client (plain Python), whose messages go through its own
``_()`` (``xero_client/i18n.py``): Odoo's export finds them, the addon translates them."""

import ast
import re

from lxml import etree

from .test_devenv import REPO

ADDON = REPO / "xero_connector"
# A sentence: a capital, words, and the stop, colon or question mark that ends one.
SENTENCE = re.compile(r"^[A-Z][^\s]*(\s+\S+){2,}[.:!?]$", re.S)
LOGGING = {"debug", "info", "warning", "error", "exception", "critical"}
TRANSLATING = {"_", "_lt"}
# Calls whose texts Odoo itself translates, or that no person reads.
SELF_TRANSLATED = ("fields.", "models.Constraint", "models.UniqueIndex", "models.Index", "SQL")
QWEB_EXPRESSIONS = ("t-esc", "t-out", "t-raw", "t-value")
QUOTED_SENTENCE = re.compile(r"""(['"])([A-Z][^'"]*\s[^'"]*[.:!?])\1""")
CLIENT = ADDON / "xero_client"


def python_files():
    return sorted(p for p in ADDON.rglob("*.py") if "tests" not in p.parts)


def with_parents(tree):
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node
    return tree


def call_name(call):
    return ast.unparse(call.func)


def left_alone(node):
    """Whether a string constant is translated, Odoo's to translate, or read by nobody."""
    parent = node.parent
    if isinstance(parent, ast.Expr):
        return True  # a docstring, or a bare string
    if isinstance(parent, ast.Tuple) and len(parent.elts) == 2 and parent.elts[1] is node:
        return True  # a selection's label: (value, label)
    while not isinstance(parent, (ast.FunctionDef, ast.ClassDef, ast.Module)):
        if isinstance(parent, ast.Call):
            name = call_name(parent)
            last = name.rsplit(".", 1)[-1]
            if last in TRANSLATING or name.startswith(SELF_TRANSLATED):
                return True
            if last in LOGGING and "log" in name.lower():
                return True
        parent = parent.parent
    return False


def untranslated_sentences(source, filename="<source>"):
    """(line, text) of each sentence of ``source`` (Python) a person may read untranslated."""
    tree = with_parents(ast.parse(source, filename))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and SENTENCE.match(node.value.strip())
        and not left_alone(node)
    ]


def unmarked_raises(source, filename="<source>"):
    """(line, text) of each text a ``raise`` of ``source`` holds outside ``_()``: xero_client's
    messages start in lower case (they follow a record's name), which SENTENCE misses."""
    tree = with_parents(ast.parse(source, filename))
    return [
        (node.lineno, node.value)
        for raised in ast.walk(tree)
        if isinstance(raised, ast.Raise) and raised.exc is not None
        for node in ast.walk(raised.exc)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and " " in node.value
        and not left_alone(node)
    ]


def hidden_sentences(xml):
    """(line, text) of each sentence quoted inside a QWeb expression of ``xml``."""
    root = etree.fromstring(xml)
    found = []
    for element in root.iter(tag=etree.Element):
        for attribute, value in element.attrib.items():
            if attribute in QWEB_EXPRESSIONS or attribute.startswith("t-att"):
                found += [(element.sourceline, m.group(2)) for m in QUOTED_SENTENCE.finditer(value)]
    return found


def test_every_sentence_of_the_addons_python_is_translatable():
    untranslated = [
        "%s:%s: %r" % (path.relative_to(REPO), line, text)
        for path in python_files()
        for line, text in untranslated_sentences(path.read_text(), str(path))
    ]
    assert not untranslated, "wrap in self.env._():\n" + "\n".join(untranslated)


def test_every_message_the_mappings_raise_is_marked():
    """What a mapping refuses, a bookkeeper reads (the record's error)."""
    unmarked = [
        "%s:%s: %r" % (path.relative_to(REPO), line, text)
        for path in python_files()
        if CLIENT / "mappings" in path.parents
        for line, text in unmarked_raises(path.read_text(), str(path))
    ]
    assert not unmarked, "wrap in xero_client.i18n's _():\n" + "\n".join(unmarked)
    assert [text for _line, text in unmarked_raises('raise ValueError("it has no name.")')] == [
        "it has no name."
    ]
    assert not unmarked_raises('raise ValueError(_("it has %(n)s names.", n=2))')


def test_no_sentence_hides_in_a_qweb_expression():
    hidden = [
        "%s:%s: %r" % (path.relative_to(REPO), line, text)
        for path in sorted(ADDON.rglob("*.xml"))
        for line, text in hidden_sentences(path.read_bytes())
    ]
    assert not hidden, "write it as the element's text, which Odoo translates:\n" + "\n".join(
        hidden
    )


def test_an_untranslated_sentence_would_be_caught():
    source = '''
from odoo.exceptions import UserError
_logger = None

def send(self):
    """Send it: a docstring is no message."""
    _logger.info("Sent it to Xero: %s.", self)
    self.note = self.env._("Waiting for Xero to answer.")
    raise UserError("Xero refused the invoice: fix its lines.")
'''
    assert [text for _line, text in untranslated_sentences(source)] == [
        "Xero refused the invoice: fix its lines."
    ]
    xml = b"""<odoo><template id="t"><span t-out="'Nothing was sent to Xero.'"/>
        <span>Sent to Xero.</span></template></odoo>"""
    assert [text for _line, text in hidden_sentences(xml)] == ["Nothing was sent to Xero."]


def pot_msgids(text):
    """The msgids of a .pot, each whole (its quoted lines joined)."""
    ids, current = set(), None
    for line in text.splitlines():
        if line.startswith("msgid "):
            current = [line[len("msgid ") :]]
        elif line.startswith('"') and current is not None:
            current.append(line)
        else:
            if current is not None:
                ids.add("".join(ast.literal_eval(part) for part in current))
            current = None
    return ids


def translated_sources():
    """(file, line, text) of each literal the addon's Python passes to _() or env._()."""
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and call_name(node).rsplit(".", 1)[-1] in TRANSLATING
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                yield path.relative_to(REPO), node.lineno, node.args[0].value


def test_the_pot_holds_every_sentence_the_addon_translates():
    """Regenerate it when one changes: docs/development.md says how."""
    msgids = pot_msgids((ADDON / "i18n" / "xero_connector.pot").read_text())
    missing = ["%s:%s: %r" % found for found in translated_sources() if found[2] not in msgids]
    assert not missing, "the .pot is out of date:\n" + "\n".join(missing)
