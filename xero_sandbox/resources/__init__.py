"""One module per Xero object type; ``RESOURCES`` maps the API's endpoint names to them."""

from .advances import Overpayments, Prepayments
from .bank_transactions import BankTransactions
from .batch_payments import BatchPayments
from .contacts import Contacts
from .credit_notes import CreditNotes
from .invoices import Invoices
from .items import Items
from .payments import Payments
from .purchase_orders import PurchaseOrders

RESOURCES = {
    r.endpoint.lower(): r
    for r in (
        Contacts(),
        Invoices(),
        CreditNotes(),
        PurchaseOrders(),
        Payments(),
        Items(),
        BatchPayments(),
        BankTransactions(),
        Overpayments(),
        Prepayments(),
    )
}
