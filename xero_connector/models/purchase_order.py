# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from xero_python.accounting import Invoice
from xero_python.accounting import PurchaseOrder as XeroPurchaseOrder

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..client_text import client_text
from ..xero_client.mappings.common import MappingError, clean, text
from ..xero_client.mappings.invoice import invoice_to_xero
from ..xero_client.mappings.purchase_order import purchase_order_to_xero
from ..xero_client.routes import BILLS, PURCHASE_ORDERS
from .xero_document_line_mixin import amount, check_document
from .xero_document_mixin import CLAIM_SEPARATOR, xero_file_name
from .xero_sync_mixin import XeroDataError

XERO_ORDER_STATES = [
    ("DRAFT", "Draft"),
    ("SUBMITTED", "Awaiting approval"),
    ("AUTHORISED", "Approved"),
    ("BILLED", "Billed"),
    ("DELETED", "Deleted"),
]
CONFIRMED = ("purchase", "done")
LOOKUP_PAGE = 1000  # a day's purchase orders, looked through for lost writes: one call


class PurchaseOrder(models.Model):
    _name = "purchase.order"
    _inherit = ["purchase.order", "xero.document.mixin"]

    _xero_route = PURCHASE_ORDERS
    _xero_depends_on = ("res.partner", "product.product")
    # A confirmed order whose lines, vendor reference or dates change goes to Xero again.
    _xero_synced_fields = (
        "order_line",
        "partner_ref",
        "date_planned",
        "date_order",
        "partner_id",
        "dest_address_id",
        "currency_id",
    )

    xero_number = fields.Char(string="Xero number", copy=False, readonly=True)
    xero_status = fields.Selection(
        XERO_ORDER_STATES + [("PAID", "Paid"), ("VOIDED", "Voided")],
        string="Status in Xero",
        copy=False,
        readonly=True,
    )
    xero_sent_as = fields.Selection(
        [("purchase_order", "Purchase order"), ("bill", "Bill")],
        string="In Xero as",
        copy=False,
        readonly=True,
        help="What the order became in Xero; it stays that, whatever the setting says later.",
    )
    xero_bill_move_id = fields.Many2one(
        "account.move",
        string="Vendor bill in its place",
        copy=False,
        readonly=True,
        help="The Odoo vendor bill that took over the Xero bill this order was sent as: the "
        "order is not sent as a bill again.",
    )
    xero_attachment_ids = fields.Many2many(
        "ir.attachment",
        "purchase_order_xero_attachment_rel",
        "order_id",
        "attachment_id",
        string="Files in Xero",
        copy=False,
        readonly=True,
    )

    # -- which orders -------------------------------------------------------------------------
    @api.model
    def _xero_sendable_domain(self):
        """Confirmed orders, and those whose Xero document is still to be deleted (cancelled
        ones, and those whose bill a vendor bill of several orders replaced). Requests for
        quotation never go, nor orders whose bill their vendor bill took over."""
        return [
            "|",
            "&",
            ("xero_bill_move_id", "=", False),
            ("state", "in", CONFIRMED),
            "&",
            ("state", "in", (*CONFIRMED, "cancel")),
            ("xero_operation", "=", "remove"),
        ]

    def _xero_get_route(self):
        return BILLS if self._xero_goes_as() == "bill" else PURCHASE_ORDERS

    def _xero_goes_as(self):
        """A Xero purchase order or a bill: what it already is in Xero, else what its
        company's setting says."""
        if self.xero_sent_as:
            return self.xero_sent_as
        connection = self.company_id.sudo().xero_connection_id
        return connection.purchase_order_as if connection else "purchase_order"

    def _xero_dependencies(self, connection):
        if self.xero_operation == "remove":
            return []
        company = connection.company_id
        products = self.order_line.product_id.with_company(company).filtered("default_code")
        return [self.partner_id.commercial_partner_id, products]

    # -- one Xero purchase order per order ----------------------------------------------------
    def _xero_natural_key(self):
        """What the order's write claims before it goes (see ``xero.claim``): contact, date,
        total and number, to tell its Xero purchase order when the answer never came."""
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        return CLAIM_SEPARATOR.join(
            (
                self._xero_goes_as(),
                partner.xero_id or "",
                fields.Date.to_string(self._xero_local_date(self.date_order)),
                str(amount(self.amount_total)),
                self._xero_number_to_send(),
            )
        )

    def _xero_find_written(self, client, route, claims):
        """{order: its Xero purchase order or bill} for those of these orders Xero holds,
        looked for as what each claimed to be (the setting may have changed since): a bill
        by contact and date, a purchase order among those of its day (Xero filters them by
        date only: one call per day, not per order); matched on contact, date, total and
        number."""
        as_bill = {
            order_id: [k for k in keys if k.startswith("bill" + CLAIM_SEPARATOR)]
            for order_id, keys in claims.items()
        }
        found = self.filtered(lambda o: as_bill[o.id])._xero_find_by_contact_and_date(
            client, BILLS, "ACCPAY", as_bill
        )
        wanted = {}
        for order in self - self.browse([o.id for o in found]):
            for key in claims[order.id]:
                parts = tuple(key.split(CLAIM_SEPARATOR, 4))
                if len(parts) == 5 and parts[0] == "purchase_order":
                    wanted.setdefault(parts[1:], order)
        for day in sorted({day for _contact, day, _total, _number in wanted}):
            for document in client.get_purchase_orders_by_date(day, day, page_size=LOOKUP_PAGE):
                match = (
                    str(document.contact.contact_id),
                    fields.Date.to_string(document.date),
                    str(amount(document.total)),
                    document.purchase_order_number,
                )
                if match in wanted:
                    found.setdefault(wanted[match], document)
        return found

    # -- confirming, cancelling ---------------------------------------------------------------
    def button_approve(self, force=False):
        result = super().button_approve(force=force)
        self._xero_send_when_confirmed()
        return result

    def _xero_send_when_confirmed(self):
        """Confirmed (and approved) orders go to Xero at the next run when their company
        sends them automatically, and always when Xero already holds them."""
        confirmed = self.filtered(lambda o: o.state in CONFIRMED)
        # Cancelled and confirmed again: what Xero deleted goes as a new document.
        confirmed._xero_forget_closed()
        automatic = confirmed.filtered(
            lambda o: (
                o.xero_id
                or o.company_id.sudo().xero_connection_id.send_purchase_order == "on_confirm"
            )
        )
        automatic._xero_write({"xero_sent_by_id": self.env.user.id})
        automatic._xero_request_send()

    def button_cancel(self):
        result = super().button_cancel()
        self._xero_write({"xero_sent_by_id": self.env.user.id})
        self._xero_request_removal()
        return result

    # -- Odoo to Xero -------------------------------------------------------------------------
    def _xero_document_lines(self):
        return self.order_line

    def _xero_prepare(self, connection):
        self.ensure_one()
        if self.xero_status in ("DELETED", "BILLED", "VOIDED", "PAID"):
            raise XeroDataError(
                self.env._(
                    "Its Xero document is %(status)s: Xero no longer takes changes to it.",
                    status=dict(self._fields["xero_status"].selection)[self.xero_status].lower(),
                )
            )
        as_bill = self._xero_get_route() == BILLS
        if as_bill and not self.xero_id:
            sent_bills = self.invoice_ids.filtered(
                lambda m: m.move_type == "in_invoice" and m.state == "posted"
            )._xero_maybe_in_xero()
            if sent_bills:
                raise XeroDataError(
                    self.env._(
                        "Its vendor bill %(bill)s is in Xero already: the order is not sent as "
                        "a second bill.",
                        bill=sent_bills[0].display_name,
                    )
                )
        return self._xero_payload(connection)[1]

    def _xero_payload(self, connection):
        values = self._xero_order_values(connection)
        if self._xero_get_route() == BILLS:
            values = self._xero_as_bill(values)
        check_document(self, connection, values)
        try:
            if self._xero_get_route() == BILLS:
                return invoice_to_xero(values)
            return purchase_order_to_xero(values)
        except MappingError as error:
            raise XeroDataError(
                self.env._(
                    "%(order)s: %(error)s",
                    order=self.display_name,
                    error=client_text(self.env, error),
                )
            ) from None

    def _xero_as_bill(self, values):
        """The order's values as a draft bill's: the vendor's reference (else the order's
        number) is its number, Xero's only one on a bill; due on the expected delivery."""
        return dict(
            values,
            kind="in_invoice",
            number=self._xero_number_to_send(),
            reference=None,
            due_date=values["delivery_date"] or values["date"],
            delivery_date=None,
            delivery_address=None,
        )

    def _xero_number_to_send(self):
        if self._xero_get_route() == BILLS:
            return text(self.partner_ref) or self.name
        return self.name

    def _xero_prepare_removal(self, connection):
        if self.xero_status == "PAID":
            raise XeroDataError(
                self.env._(
                    "Xero shows its bill paid: Xero keeps it. Remove the payment in Xero, or "
                    "credit the bill there."
                )
            )
        if self.xero_status == "BILLED":
            raise XeroDataError(
                self.env._(
                    "Xero shows its purchase order billed: Xero keeps it. Cancel or credit the "
                    "bill in Xero instead."
                )
            )
        if self._xero_get_route() == BILLS:
            status = "DELETED" if self.xero_status in ("DRAFT", "SUBMITTED", False) else "VOIDED"
            return Invoice(invoice_id=self.xero_id, status=status)
        return XeroPurchaseOrder(purchase_order_id=self.xero_id, status="DELETED")

    def _xero_order_values(self, connection):
        """The plain values ``xero_client.mappings.document`` turns into Xero's purchase
        order."""
        order = self.with_company(connection.company_id)
        return {
            "kind": "purchase_order",
            "label": order.display_name,
            "xero_id": order.xero_id or None,
            "contact_id": order._xero_contact_id(connection),
            "number": order.name,
            "reference": text(order.partner_ref) or None,
            "date": fields.Date.to_string(order._xero_local_date(order.date_order)),
            "delivery_date": order.date_planned
            and fields.Date.to_string(order._xero_local_date(order.date_planned))
            or None,
            "delivery_address": order._xero_delivery_address(),
            **order._xero_common_values(connection),
        }

    def _xero_contact(self):
        return self.partner_id.commercial_partner_id

    def _xero_document_rate(self):
        return self.currency_rate

    def _xero_local_date(self, moment):
        """The day of a datetime where the company is (an order confirmed on a New Zealand
        morning is not dated the day before)."""
        # Not the user's: the button and the scheduled action must date an order alike.
        tz = self.company_id.partner_id.tz or "UTC"
        return fields.Datetime.context_timestamp(self.with_context(tz=tz), moment).date()

    def _xero_save_params(self):
        # As bills, unit prices keep 4 decimals; Xero's purchase orders take no unitdp.
        return {"unitdp": 4} if self[:1]._xero_get_route() == BILLS else {}

    def _xero_link_found(self, document):
        # What it is in Xero first: its route, and so its ID's name, follow from it.
        self._xero_write(
            {"xero_sent_as": "bill" if isinstance(document, Invoice) else "purchase_order"}
        )
        return super()._xero_link_found(document)

    def _xero_request_removal(self):
        return super(
            PurchaseOrder, self.filtered(lambda o: not o._xero_bill_taken_over())
        )._xero_request_removal()

    def _xero_maybe_in_xero(self):
        return super(
            PurchaseOrder, self.filtered(lambda o: not o._xero_bill_taken_over())
        )._xero_maybe_in_xero()

    def _xero_forget_closed(self):
        closed = super()._xero_forget_closed()
        closed._xero_write({"xero_sent_as": False})  # the company's setting applies again
        return closed

    def _xero_bill_taken_over(self):
        """Whether the order's Xero bill is now its vendor bill's: nothing in Xero is the
        order's own."""
        return bool(self.xero_bill_move_id and self.xero_id == self.xero_bill_move_id.xero_id)

    def action_xero_sync(self):
        taken_over = self.filtered(lambda o: o._xero_bill_taken_over())
        if taken_over and taken_over == self:
            raise UserError(
                "\n".join(
                    self.env._(
                        "%(order)s is in Xero as its vendor bill %(bill)s: send the vendor "
                        "bill instead.",
                        order=o.display_name,
                        bill=o.xero_bill_move_id.display_name,
                    )
                    for o in taken_over
                )
            )
        return super().action_xero_sync()

    def _xero_delivery_address(self):
        """Where the goods go: the dropship address, else the company's."""
        partner = self.dest_address_id or self.company_id.partner_id
        if not partner:
            return None
        lines = [
            partner.name,
            partner.street,
            partner.street2,
            " ".join(filter(None, (partner.zip, partner.city))),
            partner.country_id.name,
        ]
        return ", ".join(clean(line) for line in lines if clean(line)) or None

    def _xero_status_wanted(self, connection):
        return connection.status_purchase_order

    def _xero_line_values(self, connection):
        lines = self.order_line.sorted(lambda line: (line.sequence, line.id))
        amounts = lines.filtered(lambda line: not line.display_type)._xero_amounts_together(
            connection.company_id
        )
        return self._xero_values_of_lines(connection, lines, amounts)

    # -- Xero's answer ------------------------------------------------------------------------
    def _xero_after_sync(self, connection, results):
        """Xero's number and status on each order, its totals checked to the cent, and what
        it is in Xero remembered."""
        bills = {o: d for o, d in results.items() if isinstance(d, Invoice)}
        orders = {o: d for o, d in results.items() if o not in bills}
        self.browse([o.id for o in bills])._xero_store_answers(connection, bills, "invoice_number")
        self.browse([o.id for o in orders])._xero_store_answers(
            connection, orders, "purchase_order_number"
        )
        for kind, group in (("bill", bills), ("purchase_order", orders)):
            self.browse([o.id for o in group if not o.xero_sent_as])._xero_write(
                {"xero_sent_as": kind}
            )
        self._xero_after_documents_sent(connection, results)

    # -- after the write: history, PDF and files ----------------------------------------------
    def _xero_trail_name(self):
        if self._xero_get_route() == BILLS:
            return self.env._("purchase order %(order)s", order=self.name)
        return self.name

    def _xero_pdf(self):
        """(file name, content) of the purchase order's PDF, rendered now."""
        content = self.env["ir.actions.report"]._render_qweb_pdf(
            "purchase.action_report_purchase_order", self.ids
        )[0]
        return self._xero_pdf_name(), content

    def _xero_pdf_name(self):
        return xero_file_name("Purchase Order - %s.pdf" % self.name)

    def _xero_pdf_files(self):
        """The order's PDFs Odoo attached when it emailed them (the request for quotation,
        the order): older versions of the PDF Xero gets, not files of their own."""
        names = [
            self._xero_pdf_name(),
            xero_file_name("Request for Quotation - %s.pdf" % self.name),
        ]
        return self._xero_own_attachments([("name", "in", names)])

    # -- Xero to Odoo -------------------------------------------------------------------------
    @api.model
    def _xero_import_purchase_orders(self, connection):
        """What became of the orders in Xero (approved or billed there)."""
        return self._xero_import_changes(
            connection, "purchase_orders", "PurchaseOrders", self.env._("purchase order statuses")
        )

    @api.model
    def _xero_import_deleted_purchase_orders(self, connection):
        """Orders deleted in Xero: Xero lists them only when asked for that status."""
        return self._xero_import_changes(
            connection,
            "deleted_purchase_orders",
            "PurchaseOrders",
            self.env._("purchase order statuses"),
            status="DELETED",
        )

    @api.model
    def _xero_import_page(self, endpoint, xero_documents):
        """Xero's status on the orders linked to these Xero purchase orders; a billed or
        deleted one says so in its chatter. Returns how many changed."""
        statuses = {str(d.purchase_order_id): d.status for d in xero_documents}
        return self._xero_store_statuses(statuses, notable=("BILLED", "DELETED"))

    @api.model
    def _xero_store_statuses(self, statuses, notable):
        """Xero's statuses ({Xero ID: status}) on the orders linked to those IDs, a chatter
        note on those that became one of ``notable``; returns how many changed."""
        linked = self.search(
            [("xero_id", "in", list(statuses)), ("company_id", "=", self.env.company.id)]
        )
        changed = linked.filtered(lambda o: o.xero_status != statuses[o.xero_id])
        for status, group in changed.grouped(lambda o: statuses[o.xero_id]).items():
            group._xero_write({"xero_status": status})
            if status in notable:
                group._xero_note_closed_in_xero(status)
        return len(changed)
