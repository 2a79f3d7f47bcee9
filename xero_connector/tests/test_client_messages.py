# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""xero_client's messages (plain Python, English) reach a person in their language: its
mappings' refusals, and what Xero answered (an error, a refusal)."""

import re
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools.translate import code_translations

from .common import XeroCase

FRENCH = {
    "%(record)s cannot be sent to Xero: %(problem)s": "%(record)s ne peut aller dans Xero : "
    "%(problem)s",
    "Email address must be valid, and its %(field)s '%(email)s' is not one Xero takes: write "
    "one address such as name@example.com, without spaces or accented letters.": "son "
    "%(field)s « %(email)s » n'est pas une adresse que Xero accepte.",
    "email": "courriel",
    "%(service)s is unavailable right now (HTTP %(status)s): try again later.": "%(service)s "
    "est indisponible pour l'instant (HTTP %(status)s) : réessayez plus tard.",
}
DROPPED = (
    "The connection to Xero dropped before its answer arrived: try again later (retrying with "
    "the same idempotency key is safe)."
)
DROPPED_FR = (
    "La connexion à Xero a été coupée avant sa réponse : réessayez plus tard (le renvoyer avec "
    "la même clé d'idempotence est sans risque)."
)
FRENCH[DROPPED] = DROPPED_FR


@tagged("post_install", "-at_install")
class TestClientMessages(XeroCase):
    def french_terms(self):
        """fr_FR's terms, as its .po would give them (Odoo reads a module's code translations
        into ``code_translations``)."""
        return patch.dict(
            code_translations.python_translations, {("xero_connector", "fr_FR"): FRENCH}
        )

    def test_a_refused_contact_is_told_in_the_users_language(self):
        """As fr_FR's .po would give them (Odoo reads a module's code translations into
        ``code_translations``): the mapping's error, and the field it names, in French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        connection = self.env["xero.connection"]._for_company(self.env.company)
        partners = self.env["res.partner"].create(
            [{"name": name, "email": "pas-un-email"} for name in ("Dupont SARL", "Smith Ltd")]
        )
        french, english = partners
        with self.french_terms():
            french.with_context(lang="fr_FR")._xero_prepare_all(connection)
            english.with_context(lang="en_US")._xero_prepare_all(connection)
        self.assertEqual(
            french.xero_error,
            "Dupont SARL ne peut aller dans Xero : son courriel « pas-un-email » n'est pas une "
            "adresse que Xero accepte.",
        )
        self.assertEqual(
            english.xero_error,
            "Smith Ltd cannot be sent to Xero: Email address must be valid, and its email "
            "'pas-un-email' is not one Xero takes: write one address such as name@example.com, "
            "without spaces or accented letters.",
        )

    def send_failing(self, **fault):
        """Two partners sent, each meeting ``fault`` once: by a French user, by an English one."""
        self.env["res.lang"]._activate_lang("fr_FR")
        french, english = self.partners(2)
        for partner, lang in ((french, "fr_FR"), (english, "en_US")):
            self.sandbox.add_fault(method="POST", path="/Contacts", times=1, **fault)
            with self.french_terms():
                partner.with_context(lang=lang).action_xero_sync()
        return french, english

    def test_xeros_error_is_told_in_the_users_language(self):
        """Xero fails a send (HTTP 500): the record waits with xero_client's message, in
        French for a French user, in English otherwise."""
        french, english = self.send_failing(kind="error", status=500)
        self.assertEqual(
            french.xero_error,
            "Xero est indisponible pour l'instant (HTTP 500) : réessayez plus tard.",
        )
        self.assertEqual(
            english.xero_error, "Xero is unavailable right now (HTTP 500): try again later."
        )

    def test_a_dropped_connection_is_told_in_the_users_language(self):
        """The connection drops before Xero answers: xero_client's sentence in French, the
        failure's name (after it, in brackets) as it is."""
        french, english = self.send_failing(kind="drop_before_write")
        self.assertRegex(french.xero_error, r"^%s \[\w+\]$" % re.escape(DROPPED_FR))
        self.assertRegex(english.xero_error, r"^%s \[\w+\]$" % re.escape(DROPPED))
