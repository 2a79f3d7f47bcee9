"""Items: product mapping both ways, reads and batch saves against the sandbox."""

import uuid
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from xero_python.accounting import Item, Purchase

from xero_client import XeroClient, XeroEndpoints
from xero_client.client import MAX_BATCH
from xero_client.mappings.common import MappingError
from xero_client.mappings.item import item_from_xero, item_to_xero

DESK = {
    "code": "DESK-01",
    "name": "  Standing   desk ",
    "description_sale": "Oak top\nElectric legs",
    "description_purchase": "From the Leeds workshop",
    "list_price": 450.1234,
    "standard_price": 300.5,
    "sale_ok": True,
    "purchase_ok": True,
    "sales_account_code": "200",
    "purchase_account_code": "300",
    "sales_tax_type": "OUTPUT2",
    "purchase_tax_type": "INPUT2",
    "xero_id": None,
}


@pytest.fixture
def client(sandbox, token, uk):
    return XeroClient(XeroEndpoints.for_host(sandbox.url), token["access_token"], uk.tenant_id)


def product(**values):
    return dict(DESK, **values)


def products(count, prefix="P"):
    return [
        product(code="%s-%03d" % (prefix, n), name="Product %03d" % n, xero_id=None)
        for n in range(count)
    ]


def batches(elements, size=MAX_BATCH):
    return [elements[i : i + size] for i in range(0, len(elements), size)]


# -- product -> Xero --------------------------------------------------------------------------
def test_a_product_maps_to_every_item_field():
    item = item_to_xero(DESK)
    assert (item.code, item.name) == ("DESK-01", "Standing desk")
    assert item.description == "Oak top\nElectric legs"
    assert item.purchase_description == "From the Leeds workshop"
    assert (item.is_sold, item.is_purchased) == (True, True)
    assert item.sales_details == Purchase(
        unit_price=450.1234, account_code="200", tax_type="OUTPUT2"
    )
    assert item.purchase_details == Purchase(
        unit_price=300.5, account_code="300", tax_type="INPUT2"
    )
    assert item.item_id is None


def test_a_linked_product_carries_its_item_id():
    assert item_to_xero(product(xero_id="i-42")).item_id == "i-42"


def test_a_side_the_product_is_not_on_sends_no_details():
    item = item_to_xero(product(sale_ok=False, purchase_ok=True))
    assert (item.is_sold, item.is_purchased) == (False, True)
    assert item.sales_details is None and item.purchase_details.account_code == "300"


def test_empty_descriptions_clear_and_empty_codes_are_left_out():
    item = item_to_xero(
        product(
            description_sale=False,
            description_purchase=None,
            sales_account_code=False,
            sales_tax_type="",
            list_price=None,
        )
    )
    body = item.to_dict()
    assert body["description"] == "" and body["purchase_description"] == ""
    assert item.sales_details == Purchase(unit_price=0.0)


def test_prices_are_floats_with_up_to_four_decimals():
    item = item_to_xero(product(list_price=Decimal("19.99"), standard_price=7.123456))
    assert item.sales_details.unit_price == 19.99 and type(item.sales_details.unit_price) is float
    assert item.purchase_details.unit_price == 7.1235


@pytest.mark.parametrize(
    "values, fragment",
    [
        ({"code": False}, "no Internal Reference"),
        ({"code": "   "}, "no Internal Reference"),
        ({"code": "X" * 31}, "longer than the 30 characters"),
        ({"name": "N" * 51}, "longer than the 50 characters"),
        ({"description_sale": "d" * 4001}, "description"),
    ],
)
def test_what_xero_cannot_take_is_a_mapping_error_naming_the_product(values, fragment):
    with pytest.raises(MappingError) as caught:
        item_to_xero(product(**values))
    message = str(caught.value)
    assert fragment in message
    assert "Standing desk" in message or "N" * 51 in message


def test_a_name_of_exactly_50_and_a_code_of_30_characters_pass():
    item = item_to_xero(product(code="C" * 30, name="N" * 50))
    assert (len(item.code), len(item.name)) == (30, 50)


# -- Xero -> product --------------------------------------------------------------------------
def test_item_from_xero_reads_every_field():
    item = Item(
        item_id="i-1",
        code=" CHAIR-01 ",
        name="Office chair",
        description="",
        purchase_description="Supplier ref 9",
        is_sold=True,
        is_purchased=False,
        sales_details=Purchase(unit_price=180, account_code="200", tax_type="OUTPUT2"),
    )
    assert item_from_xero(item) == {
        "code": "CHAIR-01",
        "name": "Office chair",
        "description_sale": False,
        "description_purchase": "Supplier ref 9",
        "list_price": 180.0,
        "standard_price": None,
        "sale_ok": True,
        "purchase_ok": False,
        "sales_account_code": "200",
        "purchase_account_code": False,
        "sales_tax_type": "OUTPUT2",
        "purchase_tax_type": False,
        "xero_id": "i-1",
    }


def test_round_trip_through_the_sandbox(client):
    result = client.save_items([item_to_xero(DESK)], "k-desk")[0]
    assert result.ok, result.errors
    fetched = client.get_items()
    assert len(fetched) == 1
    values = item_from_xero(fetched[0])
    assert values == dict(DESK, name="Standing desk", xero_id=result.data.item_id)
    again = client.save_items([item_to_xero(values)], "k-desk-2")[0]
    assert again.ok and again.data.item_id == values["xero_id"]
    assert item_from_xero(client.get_items()[0]) == values


def test_an_update_by_item_id_can_change_the_code(client, uk):
    created = client.save_items([item_to_xero(DESK)], "k-1")[0].data
    renamed = product(code="DESK-02", description_sale="", xero_id=created.item_id)
    assert client.save_items([item_to_xero(renamed)], "k-2")[0].ok
    assert [(i["Code"], i["Description"]) for i in uk.all("Items")] == [("DESK-02", "")]


# -- reads ------------------------------------------------------------------------------------
def test_items_come_in_one_call_without_paging(client, sandbox):
    for batch in batches([item_to_xero(p) for p in products(120)]):
        client.save_items(batch, str(uuid.uuid4()))
    sandbox.clear_request_log()
    assert len(client.get_items()) == 120
    assert sandbox.calls("GET", "Items") == 1


def test_get_items_if_modified_since(client, sandbox):
    client.save_items([item_to_xero(product(code="OLD"))], "k-old")
    sandbox.clock.advance(60)
    threshold = datetime.fromtimestamp(sandbox.clock.time(), tz=timezone.utc)
    sandbox.clock.advance(60)
    client.save_items([item_to_xero(product(code="NEW"))], "k-new")
    assert [i.code for i in client.get_items(if_modified_since=threshold)] == ["NEW"]
    assert [i.code for i in client.get_items(where='Code=="OLD"')] == ["OLD"]


# -- batch saves ------------------------------------------------------------------------------
def test_120_items_go_in_three_calls_and_a_bad_one_fails_alone(client, sandbox, uk):
    values = products(120)
    values[70] = dict(values[70], sales_account_code="999")
    results = []
    for batch in batches([item_to_xero(p) for p in values]):
        results += client.save_items(batch, str(uuid.uuid4()))
    assert sandbox.calls("POST", "Items") == 3
    assert len(results) == 120
    failed = [(n, r) for n, r in enumerate(results) if not r.ok]
    assert [n for n, _ in failed] == [70]
    assert failed[0][1].index == 20
    assert failed[0][1].errors == ["SalesDetails: Account code '999' is not valid."]
    assert len(uk.all("Items")) == 119
    assert "P-070" not in {i["Code"] for i in uk.all("Items")}


def test_save_items_asks_for_four_decimals(client, sandbox):
    client.save_items([item_to_xero(DESK)], "k-dp")
    assert "unitdp=4" in sandbox.state.request_log[-1]["query"]
