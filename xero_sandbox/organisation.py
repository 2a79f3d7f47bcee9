"""One Xero organisation (tenant): its settings, its objects with the indexes that find them
by name or number, an undo log for batches, and the lock that keeps its writes apart."""

import copy
import threading
from collections import OrderedDict

from xero_client.mappings.common import normalised

from .encoding import dumps
from .money import cents, dec

COLLECTIONS = (
    "Contacts",
    "Invoices",
    "CreditNotes",
    "PurchaseOrders",
    "Payments",
    "Items",
    "BatchPayments",
    "BankTransactions",
    "Overpayments",
    "Prepayments",
)
RECEIVABLE, PAYABLE = "AccountsReceivable", "AccountsPayable"
SETTINGS = ("Organisation", "Accounts", "TaxRates", "TrackingCategories", "Currencies")


def name_key(name):
    """A contact's name as Xero compares it: trimmed, inner whitespace collapsed, case aside."""
    return normalised(name) or None


# What objects are looked up by, per collection: index name -> the object's key (None: not
# indexed). A batch looks an element up in these instead of scanning the collection.
INDEXED = {
    "Contacts": {
        "name": lambda c: name_key(c.get("Name")),
        "number": lambda c: c.get("ContactNumber") or None,
        "account_number": lambda c: c.get("AccountNumber") or None,
    },
    "Items": {"code": lambda i: i.get("Code") or None},
    "Invoices": {
        "number": lambda i: i.get("InvoiceNumber") or None,
        "contact": lambda i: (i.get("Contact") or {}).get("ContactID"),
    },
    "CreditNotes": {
        "number": lambda c: c.get("CreditNoteNumber") or None,
        "contact": lambda c: (c.get("Contact") or {}).get("ContactID"),
    },
    "PurchaseOrders": {"number": lambda p: p.get("PurchaseOrderNumber") or None},
}


class Indexes:
    """Object IDs by key, in insertion order; kept in step with every put and undo."""

    def __init__(self):
        self._ids = {}  # (collection, index) -> key -> {object id: None}
        self._keys = {}  # (collection, object id) -> [(index, key)] it was filed under

    def add(self, collection, object_id, obj):
        filed = []
        for index, key_of in INDEXED.get(collection, {}).items():
            key = key_of(obj)
            if key is not None:
                self._ids.setdefault((collection, index), {}).setdefault(key, {})[object_id] = None
                filed.append((index, key))
        self._keys[(collection, object_id)] = filed

    def remove(self, collection, object_id):
        for index, key in self._keys.pop((collection, object_id), ()):
            ids = self._ids[(collection, index)][key]
            ids.pop(object_id, None)
            if not ids:
                del self._ids[(collection, index)][key]

    def ids(self, collection, index, key):
        return list(self._ids.get((collection, index), {}).get(key, ()))


class Organisation:
    def __init__(self, settings, data=None, attachments=None, history=None, counters=None):
        self.settings = settings
        self.data = {name: {} for name in COLLECTIONS}
        self.indexes = Indexes()
        for name in COLLECTIONS:
            for key, obj in (data or {}).get(name, {}).items():
                self._store(name, key, obj)
        self.attachments = attachments or {}
        self.history = history or {}
        self.counters = counters or {}
        self.lock = threading.RLock()  # one tenant's requests wait for each other, not others'
        self.idempotency = OrderedDict()  # key -> remembered answer, oldest first
        self.saved_json = None  # this organisation as last written to the state file
        self._undo = None

    # -- identity ---------------------------------------------------------------------------
    @property
    def tenant_id(self):
        return self.settings["Organisation"]["OrganisationID"]

    @property
    def name(self):
        return self.settings["Organisation"]["Name"]

    @property
    def short_code(self):
        return self.settings["Organisation"]["ShortCode"]

    @property
    def base_currency(self):
        return self.settings["Organisation"]["BaseCurrency"]

    # -- reads ------------------------------------------------------------------------------
    def get(self, collection, object_id):
        return self.data[collection].get(str(object_id).lower()) if object_id else None

    def all(self, collection):
        return list(self.data[collection].values())

    def find(self, collection, index, key, accept=lambda obj: True):
        """Objects filed under ``key`` in an index that ``accept`` takes, oldest first."""
        found = (self.data[collection].get(i) for i in self.indexes.ids(collection, index, key))
        return [obj for obj in found if obj is not None and accept(obj)]

    def first(self, collection, index, key, accept=lambda obj: True):
        return next(iter(self.find(collection, index, key, accept)), None)

    def item_by_code(self, code):
        return self.first("Items", "code", code, lambda i: i["Code"] == code) if code else None

    def account_by_code(self, code):
        return next((a for a in self.settings["Accounts"] if a["Code"] == code), None)

    def account_by_id(self, account_id):
        wanted = str(account_id).lower()
        return next((a for a in self.settings["Accounts"] if a["AccountID"] == wanted), None)

    def tax_rate(self, tax_type):
        return next((t for t in self.settings["TaxRates"] if t["TaxType"] == tax_type), None)

    def tracking_category(self, category_id=None, name=None):
        for category in self.settings["TrackingCategories"]:
            if category_id and category["TrackingCategoryID"] == str(category_id).lower():
                return category
            if name and not category_id and category["Name"].lower() == str(name).lower():
                return category
        return None

    def currency_enabled(self, code):
        return any(c["Code"] == code for c in self.settings["Currencies"])

    def contact_by_name(self, name, exclude_id=None):
        wanted = name_key(name)
        return self.first(
            "Contacts",
            "name",
            wanted,
            lambda c: (
                c["ContactID"] != exclude_id
                and c.get("ContactStatus") != "ARCHIVED"
                and name_key(c.get("Name")) == wanted
            ),
        )

    def contact_by_number(self, number):
        if not number:
            return None
        return self.first("Contacts", "number", number, lambda c: c.get("ContactNumber") == number)

    def contacts_with_account_number(self, number):
        return self.find(
            "Contacts", "account_number", number, lambda c: c.get("AccountNumber") == number
        )

    def invoice_by_number(self, number, doc_type=None):
        return self.first(
            "Invoices",
            "number",
            number,
            lambda i: (
                i.get("InvoiceNumber") == number
                and i["Status"] != "DELETED"
                and doc_type in (None, i["Type"])
            ),
        )

    def number_holder(self, collection, number_field, number, doc_type, id_field, exclude_id):
        """Another document of ``collection`` of Type ``doc_type`` (None for purchase orders,
        which have none) numbered ``number``, or None. Deleted ones do not count."""
        return self.first(
            collection,
            "number",
            number,
            lambda d: (
                d.get(number_field) == number
                and d.get("Status") != "DELETED"
                and d.get("Type") == doc_type
                and d[id_field] != exclude_id
            ),
        )

    def invoices_of_contact(self, contact_id):
        return self.find("Invoices", "contact", contact_id)

    def credit_notes_of_contact(self, contact_id):
        return self.find("CreditNotes", "contact", contact_id)

    # -- writes (recorded for rollback) ----------------------------------------------------
    def put(self, collection, obj, id_field):
        key = obj[id_field]
        self._record(("put", collection, key, self.data[collection].get(key)))
        self._store(collection, key, obj)

    def remove(self, collection, key):
        """Delete an object for good (DELETE /Items/{ItemID}); undone like a put."""
        self._record(("put", collection, key, self.data[collection].get(key)))
        self._store(collection, key, None)

    def _store(self, collection, key, obj):
        """Put ``obj`` (None: remove) under ``key``, keeping the indexes in step."""
        self.indexes.remove(collection, key)
        if obj is None:
            self.data[collection].pop(key, None)
            return
        self.data[collection][key] = obj
        self.indexes.add(collection, key, obj)

    def next_number(self, prefix):
        self._record(("counter", prefix, self.counters.get(prefix, 0)))
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return "%s-%04d" % (prefix, self.counters[prefix])

    def add_history(self, endpoint, object_id, record):
        key = "%s/%s" % (endpoint, object_id)
        self._record(("history", key, len(self.history.get(key, []))))
        self.history.setdefault(key, []).append(record)

    def add_attachment(self, endpoint, object_id, attachment):
        key = "%s/%s" % (endpoint, object_id)
        previous = copy.copy(self.attachments.get(key, []))
        self._record(("attachments", key, previous))
        kept = [a for a in previous if a["FileName"] != attachment["FileName"]]
        self.attachments[key] = kept + [attachment]

    def attachments_of(self, endpoint, object_id):
        return self.attachments.get("%s/%s" % (endpoint, object_id), [])

    def history_of(self, endpoint, object_id):
        return self.history.get("%s/%s" % (endpoint, object_id), [])

    # -- undo log ---------------------------------------------------------------------------
    def begin(self):
        self._undo = []

    def savepoint(self):
        return len(self._undo) if self._undo is not None else 0

    def rollback_to(self, savepoint):
        while self._undo is not None and len(self._undo) > savepoint:
            self._apply_undo(self._undo.pop())

    def end(self):
        self._undo = None

    def _record(self, entry):
        if self._undo is not None:
            self._undo.append(entry)

    def _apply_undo(self, entry):
        kind = entry[0]
        if kind == "put":
            _kind, collection, key, previous = entry
            self._store(collection, key, previous)
        elif kind == "counter":
            self.counters[entry[1]] = entry[2]
        elif kind == "history":
            del self.history[entry[1]][entry[2] :]
        elif kind == "attachments":
            self.attachments[entry[1]] = entry[2]

    # -- balances ---------------------------------------------------------------------------
    def contact_balances(self, contact_id, today):
        """What a contact owes and is owed, as Xero's ``Balances`` show it on ``today``.

        Outstanding is what is left to pay on approved (AUTHORISED) invoices less what is
        left of approved credit notes; Overdue is what is left to pay on those invoices whose
        DueDate is before ``today`` (credit notes fall due for no one). Sales documents make
        AccountsReceivable, purchase ones AccountsPayable. Each amount is converted to the
        base currency at its document's CurrencyRate (units of the document's currency per
        unit of the base currency), then summed.

        The description has no formula: this follows its examples, where Overdue can exceed
        Outstanding and Outstanding can be negative (Y:3714-3720, Y:4332-4337), which only
        unapplied credit lowering Outstanding alone explains. Its schema says the figures are
        "not converted to base currency" (Y:21445), the Contacts page that they are
        "converted to base currency": the sandbox converts, so that one contact's figures in
        several currencies add up. Drafts, documents awaiting approval, paid, voided and
        deleted ones count for nothing."""
        zero = dec("0.00")
        sides = {side: {"Outstanding": zero, "Overdue": zero} for side in (RECEIVABLE, PAYABLE)}
        for invoice in self.invoices_of_contact(contact_id):
            if invoice["Status"] != "AUTHORISED":
                continue
            side = sides[RECEIVABLE if invoice["Type"] == "ACCREC" else PAYABLE]
            due = in_base_currency(invoice["AmountDue"], invoice)
            side["Outstanding"] += due
            if invoice.get("DueDate") and invoice["DueDate"] < today.isoformat():
                side["Overdue"] += due
        for note in self.credit_notes_of_contact(contact_id):
            if note["Status"] != "AUTHORISED":
                continue
            side = sides[RECEIVABLE if note["Type"] == "ACCRECCREDIT" else PAYABLE]
            side["Outstanding"] -= in_base_currency(note["RemainingCredit"], note)
        return sides

    # -- idempotency keys -------------------------------------------------------------------
    def remembered(self, key, now):
        """The answer remembered for an Idempotency-Key, unless it expired (then forgotten)."""
        self.forget_expired(now)
        answer = self.idempotency.get(key)
        if answer and answer["expires_at"] <= now:
            del self.idempotency[key]
            return None
        return answer

    def remember(self, key, answer, expires_at, now):
        self.forget_expired(now)
        self.idempotency.pop(key, None)
        self.idempotency[key] = dict(answer, expires_at=expires_at)

    def forget_expired(self, now):
        """Drop expired keys from the oldest on (a shorter expiry set later may leave a few
        behind: ``remembered`` checks each one it finds)."""
        while self.idempotency:
            oldest = next(iter(self.idempotency.values()))
            if oldest["expires_at"] > now:
                break
            self.idempotency.popitem(last=False)

    # -- persistence ------------------------------------------------------------------------
    def save_json(self):
        """Serialise for the state file; the caller holds ``lock``."""
        self.saved_json = dumps(self.to_json())
        return self.saved_json

    def to_json(self):
        return {
            "settings": self.settings,
            "data": self.data,
            "attachments": self.attachments,
            "history": self.history,
            "counters": self.counters,
        }

    @classmethod
    def from_json(cls, raw):
        return cls(
            raw["settings"], raw["data"], raw["attachments"], raw["history"], raw["counters"]
        )


def in_base_currency(value, document):
    """An amount of ``document`` in the organisation's base currency, to the cent."""
    return cents(dec(value) / dec(document.get("CurrencyRate"), dec(1)))
