# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""xero_client's messages (plain Python, English) reach a person in their language."""

from unittest.mock import patch

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import code_translations

FRENCH = {
    "%(record)s cannot be sent to Xero: %(problem)s": "%(record)s ne peut aller dans Xero : "
    "%(problem)s",
    "Email address must be valid, and its %(field)s '%(email)s' is not one Xero takes: write "
    "one address such as name@example.com, without spaces or accented letters.": "son "
    "%(field)s « %(email)s » n'est pas une adresse que Xero accepte.",
    "email": "courriel",
}


@tagged("post_install", "-at_install")
class TestClientMessages(TransactionCase):
    def test_a_refused_contact_is_told_in_the_users_language(self):
        """As fr_FR's .po would give them (Odoo reads a module's code translations into
        ``code_translations``): the mapping's error, and the field it names, in French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        connection = self.env["xero.connection"]._for_company(self.env.company)
        partners = self.env["res.partner"].create(
            [{"name": name, "email": "pas-un-email"} for name in ("Dupont SARL", "Smith Ltd")]
        )
        french, english = partners
        with patch.dict(
            code_translations.python_translations, {("xero_connector", "fr_FR"): FRENCH}
        ):
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
