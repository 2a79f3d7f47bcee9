"""xero_client's messages: English for the plain tier, translatable by the addon (xero_client
imports no Odoo), and the addon's folder holds xero_client."""

import ast

import pytest

from xero_client.errors import OAuthError, error_from_answer
from xero_client.i18n import Message, _, message_of, translated
from xero_client.mappings.common import MappingError
from xero_client.mappings.contact import contact_to_xero

from .test_devenv import REPO

ADDON = REPO / "xero_connector"
CLIENT = ADDON / "xero_client"
FRENCH = {
    "%(record)s cannot be sent to Xero: %(problem)s": "%(record)s ne peut aller dans Xero : "
    "%(problem)s",
    "email": "courriel",
    "Xero rejected the request: %(errors)s": "Xero a refusé la demande : %(errors)s",
    "%(message)s Xero said: %(description)s": "%(message)s Xero a dit : %(description)s",
    "Xero refused the requested permissions (scopes).": "Xero a refusé les permissions.",
}


def french(source, **params):
    return FRENCH.get(source, source) % params


def test_a_message_is_its_english_text_and_keeps_its_source():
    message = _("its %(field)s is %(length)s characters long.", field="name", length=3)
    assert isinstance(message, str)
    assert message == "its name is 3 characters long."
    assert message.source == "its %(field)s is %(length)s characters long."
    assert message.params == {"field": "name", "length": 3}
    assert _("No parameters: 100%.") == "No parameters: 100%."


def test_a_mapping_error_reads_in_english_and_translates_with_its_parts():
    with pytest.raises(MappingError) as caught:
        contact_to_xero({"id": 7, "name": "Dupont SARL", "email": "pas-un-email"}, None)
    error = caught.value
    assert str(error).startswith("Dupont SARL cannot be sent to Xero: Email address must be")
    assert "its email 'pas-un-email' is not one Xero takes" in str(error)
    text = translated(error, french)
    assert text.startswith("Dupont SARL ne peut aller dans Xero : Email address must be")
    assert "its courriel 'pas-un-email'" in text, "a message among the parameters too"


def test_plain_text_and_other_errors_pass_through():
    assert translated("as it is", french) == "as it is"
    assert translated(ValueError("SDK words"), french) == "SDK words"
    assert translated(KeyError("a", "b"), french) == str(KeyError("a", "b"))
    assert message_of(ValueError(_("email"))) == "email"
    assert isinstance(message_of(ValueError(_("email"))), Message)


def imports_of(path):
    """(level, module) of each import of a Python file."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.level, node.module or ""


def test_xeros_refusal_translates_our_sentence_and_keeps_xeros_words():
    error = error_from_answer(400, {}, b'{"Message": "Contact name is required"}')
    assert error.message == "Xero rejected the request: Contact name is required"
    assert translated(error, french) == "Xero a refusé la demande : Contact name is required"


def test_a_masked_error_stays_translatable_and_its_secret_stays_hidden():
    error = OAuthError("invalid_scope", "refresh_token=s3cr3t-value was refused")
    assert "s3cr3t" not in error.message and "s3cr3t" not in str(error)
    assert isinstance(error.message, Message)
    french_text = translated(error, french)
    assert french_text.startswith("Xero a refusé les permissions. Xero a dit : ")
    assert "s3cr3t" not in french_text


def test_the_addon_imports_its_own_xero_client_and_xero_client_no_odoo():
    """The addon's folder alone installs (its wheel): its code reaches xero_client inside it
    (``..xero_client``, ``odoo.addons.xero_connector.xero_client``), never the top-level
    ``xero_client`` of this repository's plain tier."""
    assert (REPO / "xero_client").resolve() == CLIENT
    top_level, odoo_in_client = [], []
    for path in sorted(ADDON.rglob("*.py")):
        in_client = CLIENT in path.parents
        for level, module in imports_of(path):
            root = module.split(".")[0]
            if not level and root == "xero_client" and not in_client:
                top_level.append(str(path.relative_to(REPO)))
            if in_client and not level and root == "odoo":
                odoo_in_client.append(str(path.relative_to(REPO)))
    assert not top_level, "import it as ..xero_client or odoo.addons.xero_connector.xero_client"
    assert not odoo_in_client, "xero_client stays plain Python"
