"""What every writable Xero object type shares: lookup, create-or-update, presentation."""

import uuid
from decimal import Decimal

from ..dates import to_ms_date
from ..errors import ElementInvalid
from ..money import MAX_AMOUNT, too_large
from ..webhooks import event_data

# The user Xero shows on history records of changes made through the API (its "History and
# Notes" page).
API_USER = "System Generated"
DATE_FIELDS = (
    "Date",
    "DueDate",
    "DeliveryDate",
    "ExpectedArrivalDate",
    "FullyPaidOnDate",
    "ExpectedPaymentDate",
    "PlannedPaymentDate",
)


class Context:
    """One request's view of an organisation: time, options, and the events it causes."""

    def __init__(self, org, clock, unitdp=2, user=API_USER):
        self.org = org
        self.clock = clock
        self.now = clock.now()
        self.today = self.now.date()
        self.unitdp = unitdp
        self.user = user
        self.events = []

    def touch(self, obj):
        obj["_updated"] = self.now.timestamp()

    def event(self, resource, obj, created):
        if resource.webhook_category:
            self.events.append(
                (
                    resource.webhook_category,
                    resource.endpoint,
                    obj[resource.id_field],
                    "CREATE" if created else "UPDATE",
                    event_data(resource.webhook_category, obj),
                    self.now.timestamp(),
                )
            )

    def history(self, resource, obj, changes, details):
        self.org.add_history(
            resource.endpoint,
            obj[resource.id_field],
            {
                "Changes": changes,
                "Details": details[:250],
                "User": self.user,
                "DateUTC": self.now.timestamp(),
            },
        )


class Resource:
    endpoint = None  # "Contacts": the URL segment and the JSON collection key
    id_field = None  # "ContactID"
    label = None  # "Contact", in messages
    webhook_category = None  # "CONTACT"
    error_flag = "HasErrors"

    def new_id(self):
        return str(uuid.uuid4())

    def find(self, ctx, element, method):
        """The existing object an element refers to, None for a new one. PUT only creates."""
        object_id = element.get(self.id_field)
        if object_id:
            existing = ctx.org.get(self.endpoint, object_id)
            if not existing:
                raise ElementInvalid(
                    "An existing %s with the specified %s could not be found"
                    % (self.label, self.id_field)
                )
            if method == "PUT":
                raise ElementInvalid(
                    "The %s with the specified %s already exists. Use POST to update it."
                    % (self.label, self.id_field)
                )
            return existing
        if method == "POST":
            return self.find_by_natural_key(ctx, element)
        return None

    def find_by_natural_key(self, ctx, element):
        return None

    def upsert(self, ctx, element, method):
        if not isinstance(element, dict):
            raise ElementInvalid("Each element must be an object")
        check_amounts(element)
        existing = self.find(ctx, element, method)
        if existing:
            obj = self.update(ctx, existing, element)
        else:
            obj = self.create(ctx, element)
        ctx.touch(obj)
        ctx.org.put(self.endpoint, obj, self.id_field)
        ctx.event(self, obj, existing is None)
        self.after_write(ctx, obj, existing)
        return obj

    def create(self, ctx, element):
        raise NotImplementedError

    def update(self, ctx, existing, element):
        raise NotImplementedError

    def after_write(self, ctx, obj, previous):
        pass

    # -- reads ------------------------------------------------------------------------------
    def present(self, ctx, obj, summary=False):
        out = present_dates({k: v for k, v in obj.items() if not k.startswith("_")})
        out["UpdatedDateUTC"] = to_ms_date(_datetime(obj["_updated"]))
        attachments = ctx.org.attachments_of(self.endpoint, obj[self.id_field])
        if "HasAttachments" in self.presented_flags:
            out["HasAttachments"] = bool(attachments)
        return out

    presented_flags = ("HasAttachments",)
    # Fields a list read shows only when it is paged (a read by ID always has them).
    paged_only_fields = ()
    # Whether its list read takes ``page`` (a parameter its operation declares).
    pageable = True

    def filterable(self, ctx, obj):
        """The form ``where`` filters and ``order`` see: stored values, dates as ISO."""
        return obj

    def default_filter(self, obj, query):
        return True

    def error_element(self, element, messages):
        echoed = dict(element) if isinstance(element, dict) else {}
        echoed["ValidationErrors"] = [{"Message": m} for m in messages]
        echoed[self.error_flag] = True
        echoed["StatusAttributeString"] = "ERROR"
        return echoed


def check_amounts(element):
    """Refuse numbers too large to store, at any depth of an element."""
    errors = []
    pending = [("", element)]
    while pending:
        field, value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.items())
        elif isinstance(value, list):
            pending.extend((field, item) for item in value)
        elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            if abs(Decimal(str(value))) > MAX_AMOUNT:
                errors.append(too_large(field, value))
    if errors:
        raise ElementInvalid(*sorted(set(errors)))


def present_dates(value):
    """Stored ISO dates, at any depth, in Xero's ``/Date(ms)/`` form (plus ``DateString``)."""
    if isinstance(value, list):
        return [present_dates(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in DATE_FIELDS and isinstance(item, str) and not item.startswith("/Date("):
            out[key] = to_ms_date(_date(item))
            out[key + "String"] = item[:10] + "T00:00:00"
        else:
            out[key] = present_dates(item)
    return out


def _date(text):
    from datetime import date

    return date.fromisoformat(text[:10])


def _datetime(timestamp):
    from datetime import datetime, timezone

    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def merged(existing, element, fields):
    """``existing`` updated with those ``fields`` the element carries."""
    obj = dict(existing)
    for field in fields:
        if field in element:
            obj[field] = element[field]
    return obj


def text_field(element, name, max_length, errors, label=None):
    value = element.get(name)
    if value is not None and len(str(value)) > max_length:
        errors.append("%s must not be longer than %d characters" % (label or name, max_length))
    return value


# Xero may leave a credit note's UpdatedDateUTC where it was when it allocates the credit
# note, or deletes one of its allocations: its CreditNotes page shows a PAID credit note last
# updated six years before the allocation that paid it. The invoice's moves (its amount due
# changed). Never kinder: a credit note's does not move, and If-Modified-Since misses it.
KEEP_UPDATED_WHEN_SETTLED = ("CreditNotes",)


def store_settled(ctx, resource, updated, change, details):
    """Keep a document whose payments or allocations changed, with its event and history."""
    if resource.endpoint not in KEEP_UPDATED_WHEN_SETTLED:
        ctx.touch(updated)
    ctx.org.put(resource.endpoint, updated, resource.id_field)
    ctx.event(resource, updated, False)
    ctx.history(resource, updated, change, details)
