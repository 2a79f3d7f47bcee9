# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..xero_client.webhooks import MAX_BODY_BYTES, SIGNATURE_HEADER, DeliveryError, read_delivery

_logger = logging.getLogger(__name__)
WEBHOOK_PATH = "/xero/webhooks"


class XeroWebhookController(http.Controller):
    """Xero's deliveries: a signed JSON body of events. Xero waits 5 seconds for an empty
    answer: 200 for a delivery signed with a company's webhook key (the intent-to-receive
    check is one with no events), 401 for any other, 413 for one too large to read.
    Nothing is asked of Xero here: the events are stored and a scheduled action applies
    them."""

    @http.route(
        WEBHOOK_PATH,
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def xero_webhooks(self, **kwargs):
        body = self._raw_body()
        if body is None:
            return self._answer(413)
        request.update_env(user=SUPERUSER_ID)
        events = request.env["xero.webhook.event"]
        signature = request.httprequest.headers.get(SIGNATURE_HEADER)
        connections = events._connections_signing(body, signature)
        if not connections:
            return self._answer(401)
        # Signed with a company's key, it is Xero's: acknowledged whatever it holds, since
        # Xero disables a webhook whose deliveries keep failing, good events with the bad.
        try:
            delivered, problems = read_delivery(body)
        except DeliveryError as error:
            _logger.warning("A signed Xero webhook delivery held no events: %s", error)
            return self._answer(200)
        for problem in problems:
            _logger.warning("An event of a signed Xero webhook delivery was left out: %s", problem)
        events._receive(connections, delivered)
        return self._answer(200)

    def _raw_body(self):
        """The request's body, or None when it is larger than any delivery of Xero's (or
        will not say how large)."""
        length = request.httprequest.content_length
        if length is None or length > MAX_BODY_BYTES:
            return None  # unread: Xero always says how long its body is
        return request.httprequest.get_data()

    def _answer(self, status):
        return request.make_response(b"", status=status)
