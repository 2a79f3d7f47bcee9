"""GET /PurchaseOrders by date: DateFrom and DateTo (YYYY-MM-DD, both days included) with
Status, paging, order and If-Modified-Since, deleted orders left out unless asked for, and a
malformed date refused. Every answer is also checked against the official description."""

import pytest
from xero_python.exceptions import AccountingBadRequestException

from .test_sandbox_sdk import error_messages

# (date, status) of the orders the tests find; the third one is deleted.
ORDERS = [
    ("2024-04-30", "AUTHORISED"),
    ("2024-05-01", "DRAFT"),
    ("2024-05-15", "AUTHORISED"),
    ("2024-05-31", "DELETED"),
    ("2024-05-31", "SUBMITTED"),
    ("2024-06-01", "AUTHORISED"),
]
MAY = {"DateFrom": "2024-05-01", "DateTo": "2024-05-31"}


@pytest.fixture
def orders(raw):
    """ORDERS' purchase orders as created, by (date, status)."""
    contact = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "PowerDirect"}]})
    contact_id = contact.json()["Contacts"][0]["ContactID"]
    made_orders = {}
    for day, status in ORDERS:
        element = {
            "Contact": {"ContactID": contact_id},
            "Date": day,
            "Status": "AUTHORISED" if status == "DELETED" else status,
            "LineItems": [
                {"Description": "Bolts", "Quantity": 2, "UnitAmount": 5, "AccountCode": "429"}
            ],
        }
        answer = raw.call("PUT", "/PurchaseOrders", json={"PurchaseOrders": [element]})
        assert answer.status_code == 200, answer.text
        made = answer.json()["PurchaseOrders"][0]
        if status == "DELETED":
            deleted = raw.call(
                "POST",
                "/PurchaseOrders/" + made["PurchaseOrderID"],
                json={"PurchaseOrders": [{"Status": "DELETED"}]},
            )
            assert deleted.json()["PurchaseOrders"][0]["Status"] == "DELETED", deleted.text
        made_orders[day, status] = made
    return made_orders


def listed(sandbox, raw, params, headers=None):
    """The answer of GET /PurchaseOrders, checked against what the description declares for
    getPurchaseOrders (a 400 against the Error schema Xero's 400 answers have)."""
    answer = raw.call("GET", "/PurchaseOrders", params=params, headers=headers or {})
    validator = sandbox.api.validator
    operation_id = "getPurchaseOrders" if answer.status_code == 200 else "createPurchaseOrders"
    validator.validate_response(
        validator.operation_by_id("accounting", operation_id),
        answer.status_code,
        answer.content,
        answer.headers["Content-Type"],
    )
    return answer


def found(sandbox, raw, params, headers=None):
    answer = listed(sandbox, raw, params, headers)
    assert answer.status_code == 200, answer.text
    return [(o["DateString"][:10], o["Status"]) for o in answer.json()["PurchaseOrders"]]


def test_both_bounds_are_included(sandbox, raw, orders):
    may = [("2024-05-01", "DRAFT"), ("2024-05-15", "AUTHORISED"), ("2024-05-31", "SUBMITTED")]
    assert found(sandbox, raw, MAY) == may
    assert found(sandbox, raw, {"DateFrom": "2024-05-31"}) == may[2:] + [ORDERS[5]]
    assert found(sandbox, raw, {"DateTo": "2024-05-01"}) == [ORDERS[0], may[0]]
    one_day = {"DateFrom": "2024-05-15", "DateTo": "2024-05-15"}
    assert found(sandbox, raw, one_day) == [may[1]]
    assert found(sandbox, raw, {"DateFrom": "2024-06-02"}) == []
    assert found(sandbox, raw, {"DateFrom": "2024-05-31", "DateTo": "2024-05-01"}) == []
    assert len(found(sandbox, raw, {})) == len(ORDERS) - 1  # no dates: no filter


def test_deleted_orders_come_only_when_status_asks_for_them(sandbox, raw, orders):
    assert ("2024-05-31", "DELETED") not in found(sandbox, raw, MAY)
    deleted = found(sandbox, raw, dict(MAY, Status="DELETED"))
    assert deleted == [("2024-05-31", "DELETED")]
    assert found(sandbox, raw, dict(MAY, Status="AUTHORISED")) == [("2024-05-15", "AUTHORISED")]
    assert found(sandbox, raw, dict(MAY, Status="BILLED")) == []
    june = {"DateFrom": "2024-06-01", "Status": "DELETED"}
    assert found(sandbox, raw, june) == []


def test_pages_count_the_orders_of_the_range(sandbox, raw, orders):
    pages = []
    for page in (1, 2, 3):
        answer = listed(sandbox, raw, dict(MAY, page=page, pageSize=2, order="Date DESC"))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["pagination"] == {"page": page, "pageSize": 2, "pageCount": 2, "itemCount": 3}
        pages.append([o["PurchaseOrderNumber"] for o in body["PurchaseOrders"]])
    newest_first = [
        orders["2024-05-31", "SUBMITTED"]["PurchaseOrderNumber"],
        orders["2024-05-15", "AUTHORISED"]["PurchaseOrderNumber"],
        orders["2024-05-01", "DRAFT"]["PurchaseOrderNumber"],
    ]
    assert pages == [newest_first[:2], newest_first[2:], []]


def test_dates_with_if_modified_since(sandbox, raw, orders):
    sandbox.clock.advance(60)
    since = sandbox.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    sandbox.clock.advance(60)
    for key in (("2024-05-15", "AUTHORISED"), ("2024-06-01", "AUTHORISED")):
        touched = raw.call(
            "POST",
            "/PurchaseOrders/" + orders[key]["PurchaseOrderID"],
            json={"PurchaseOrders": [{"Reference": "changed"}]},
        )
        assert touched.status_code == 200, touched.text
    changed = found(sandbox, raw, MAY, headers={"If-Modified-Since": since})
    assert changed == [("2024-05-15", "AUTHORISED")]


@pytest.mark.parametrize("name", ["DateFrom", "DateTo"])
@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "2024-13-01",
        "2024-02-30",
        "20240501",
        "2024-5-1",
        "2024-05-01T00:00:00",
        "01/05/2024",
        "/Date(1714521600000+0000)/",
        "DateTime(2024,5,1)",
    ],
)
def test_a_malformed_date_is_a_400_validation_exception(sandbox, raw, orders, name, value):
    answer = listed(sandbox, raw, dict(MAY, **{name: value}))
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert (body["ErrorNumber"], body["Type"]) == (10, "ValidationException")
    [message] = [e["Message"] for el in body["Elements"] for e in el["ValidationErrors"]]
    assert message == "%s could not be parsed as a date: use YYYY-MM-DD" % name


def test_the_sdk_sends_and_reads_the_date_filter(api, uk, orders):
    answer = api.get_purchase_orders(
        uk.tenant_id, date_from="2024-05-01", date_to="2024-05-31", page=1, page_size=2
    )
    assert [o.purchase_order_number for o in answer.purchase_orders] == [
        orders["2024-05-01", "DRAFT"]["PurchaseOrderNumber"],
        orders["2024-05-15", "AUTHORISED"]["PurchaseOrderNumber"],
    ]
    assert answer.pagination.item_count == 3
    with pytest.raises(AccountingBadRequestException) as caught:
        api.get_purchase_orders(uk.tenant_id, date_from="31/05/2024")
    assert error_messages(caught.value) == [
        "DateFrom could not be parsed as a date: use YYYY-MM-DD"
    ]


def test_other_lists_ignore_date_from_and_date_to_as_xero_does(sandbox, raw, orders):
    """Only getPurchaseOrders (and Quotes) declare them: Xero ignores unknown parameters."""
    contacts = raw.call("GET", "/Contacts", params={"DateFrom": "2999-01-01", "DateTo": "x"})
    assert contacts.status_code == 200
    assert [c["Name"] for c in contacts.json()["Contacts"]] == ["PowerDirect"]
