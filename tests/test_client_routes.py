import pytest

from xero_client.routes import BILLS, CONTACTS, PURCHASE_ORDERS, Route, drain_order


def test_models_drain_after_what_they_depend_on():
    order = drain_order(
        {
            "account.move": ("res.partner", "product.product"),
            "product.product": (),
            "purchase.order": ("res.partner", "product.product", "account.move"),
            "res.partner": (),
        }
    )
    assert order.index("res.partner") < order.index("account.move")
    assert order.index("product.product") < order.index("account.move")
    assert order.index("account.move") < order.index("purchase.order")


def test_a_dependency_that_is_not_synced_is_ignored():
    assert drain_order({"account.move": ("res.partner",)}) == ["account.move"]


def test_a_cycle_is_refused():
    with pytest.raises(ValueError, match="cycle"):
        drain_order({"a": ("b",), "b": ("a",)})


def test_a_route_names_the_sdk_attribute_of_its_id():
    assert CONTACTS.id_attribute == "contact_id"
    assert BILLS.id_attribute == "invoice_id"
    assert PURCHASE_ORDERS.id_attribute == "purchase_order_id"
    assert Route("CreditNotes", "CreditNoteID").id_attribute == "credit_note_id"
