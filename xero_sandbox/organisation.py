"""One Xero organisation (tenant): its settings, its objects, and an undo log for batches."""

import copy

from .money import dec

COLLECTIONS = ("Contacts", "Invoices", "CreditNotes", "PurchaseOrders", "Payments", "Items")
SETTINGS = ("Organisation", "Accounts", "TaxRates", "TrackingCategories", "Currencies")


class Organisation:
    def __init__(self, settings, data=None, attachments=None, history=None, counters=None):
        self.settings = settings
        self.data = {name: dict((data or {}).get(name, {})) for name in COLLECTIONS}
        self.attachments = attachments or {}
        self.history = history or {}
        self.counters = counters or {}
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

    def item_by_code(self, code):
        return next((i for i in self.data["Items"].values() if i["Code"] == code), None)

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
        wanted = (name or "").strip().lower()
        for contact in self.data["Contacts"].values():
            if contact["ContactID"] == exclude_id or contact.get("ContactStatus") == "ARCHIVED":
                continue
            if contact.get("Name", "").strip().lower() == wanted:
                return contact
        return None

    def contact_by_number(self, number):
        return next(
            (
                c
                for c in self.data["Contacts"].values()
                if number and c.get("ContactNumber") == number
            ),
            None,
        )

    def invoice_by_number(self, number, doc_type=None):
        for invoice in self.data["Invoices"].values():
            if (
                invoice.get("InvoiceNumber") == number
                and invoice["Status"] != "DELETED"
                and doc_type in (None, invoice["Type"])
            ):
                return invoice
        return None

    # -- writes (recorded for rollback) ----------------------------------------------------
    def put(self, collection, obj, id_field):
        key = obj[id_field]
        self._record(("put", collection, key, self.data[collection].get(key)))
        self.data[collection][key] = obj

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
            if previous is None:
                self.data[collection].pop(key, None)
            else:
                self.data[collection][key] = previous
        elif kind == "counter":
            self.counters[entry[1]] = entry[2]
        elif kind == "history":
            del self.history[entry[1]][entry[2] :]
        elif kind == "attachments":
            self.attachments[entry[1]] = entry[2]

    # -- balances ---------------------------------------------------------------------------
    def contact_balances(self, contact_id):
        receivable = {"Outstanding": dec("0.00"), "Overdue": dec("0.00")}
        payable = {"Outstanding": dec("0.00"), "Overdue": dec("0.00")}
        for invoice in self.data["Invoices"].values():
            if invoice["Contact"]["ContactID"] != contact_id or invoice["Status"] != "AUTHORISED":
                continue
            side = receivable if invoice["Type"] == "ACCREC" else payable
            side["Outstanding"] += dec(invoice["AmountDue"])
        return {"AccountsReceivable": receivable, "AccountsPayable": payable}

    # -- persistence ------------------------------------------------------------------------
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
