# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Claims of names and codes (``xero.claim``) are each organisation's: given up there only,
and pruned once they can no longer matter."""

from odoo.tests import tagged

from .test_engine import TestTwoCompanies


@tagged("post_install", "-at_install")
class TestClaimsOfTwoOrganisations(TestTwoCompanies):
    def send(self, partner, company, fault=None):
        """Send the partner in the company's organisation; ``fault``: what goes wrong there."""
        if fault:
            tenant = self.au_tenant if company == self.company_au else self.tenant
            self.sandbox.add_fault(
                method="POST", path="/Contacts", tenant=tenant["tenantId"], times=1, **fault
            )
        partner.with_company(company).action_xero_sync()
        return partner.with_company(company)

    def claims(self):
        """{(organisation, partner id)} of the partners' claims."""
        connections = {self.connection: "UK", self.au_connection: "AU"}
        return {
            (connections[claim.connection_id], claim.res_id)
            for claim in self.env["xero.claim"].sudo().search([("res_model", "=", "res.partner")])
        }

    def age_claims(self):
        self.env.cr.execute("UPDATE xero_claim SET claimed_at = claimed_at - interval '2 days'")

    def test_a_send_refused_in_one_organisation_keeps_the_claim_in_the_other(self):
        """Delta Traders' write to the AU organisation got no answer (Xero may hold it); the
        UK organisation refuses it (its name is another partner's there): the AU claim stays,
        and keeps that other partner from being merged into its contact in the AU one."""
        other = self.env["res.partner"].create({"name": "delta traders", "is_company": True})
        self.assertTrue(self.send(other, self.company_uk).xero_id)
        partner = self.env["res.partner"].create({"name": "Delta Traders", "is_company": True})
        au = self.send(partner, self.company_au, {"kind": "drop_after_write"})
        self.assertEqual(au.xero_state, "pending")
        uk = self.send(partner, self.company_uk)
        self.assertEqual(uk.xero_state, "error")
        self.assertEqual(self.claims(), {("AU", partner.id), ("UK", other.id)})
        other_au = self.send(other, self.company_au)
        self.assertEqual(other_au.xero_state, "error")
        self.assertIn("Delta Traders is being sent to Xero with the same name", other_au.xero_error)
        self.assertFalse(other_au.xero_id)
        self.assertEqual(len(self.sandbox.held(self.au_tenant["tenantId"], "Contacts")), 1)

    def test_the_daily_prune_forgets_only_the_claims_that_can_no_longer_matter(self):
        names = ["Alpha", "Bravo", "Charlie", "Deleted", "Echo", "Foxtrot"]
        alpha, bravo, charlie, deleted, echo, foxtrot = self.env["res.partner"].create(
            [{"name": "%s Ltd" % name, "is_company": True} for name in names]
        )
        lost = {"kind": "drop_after_write"}
        self.assertTrue(self.send(alpha, self.company_uk).xero_id)
        self.assertTrue(self.send(bravo, self.company_uk).xero_id)
        self.assertFalse(self.send(bravo, self.company_au, lost).xero_id)
        self.assertFalse(self.send(charlie, self.company_uk, lost).xero_id)
        self.assertFalse(self.send(deleted, self.company_uk, lost).xero_id)
        deleted_id = deleted.id
        deleted.unlink()
        self.age_claims()
        # Claimed a moment ago: a send may still be under way.
        self.assertTrue(self.send(echo, self.company_uk).xero_id)
        self.assertFalse(self.send(foxtrot, self.company_uk, lost).xero_id)
        foxtrot_id = foxtrot.id
        foxtrot.unlink()
        self.env.ref("xero_connector.ir_cron_xero_prune_claims").method_direct_trigger()
        self.assertEqual(
            self.claims(),
            {
                # Bravo's write to the AU organisation may have happened: its claim finds out.
                ("AU", bravo.id),
                ("UK", charlie.id),
                ("UK", echo.id),
                ("UK", foxtrot_id),
            },
            "Alpha and Bravo are linked in the UK organisation, Deleted is gone (id %s)"
            % deleted_id,
        )
