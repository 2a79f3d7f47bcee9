"""Contact names compared as Xero compares them: trimmed, inner whitespace collapsed, case
ignored. Names that differ only by spaces are one name."""

ALREADY_ASSIGNED = "already assigned to another contact"


def write(raw, method, *contacts):
    """PUT or POST contacts (names or dicts), each answered on its own."""
    body = {"Contacts": [c if isinstance(c, dict) else {"Name": c} for c in contacts]}
    return raw.call(method, "/Contacts", params={"summarizeErrors": "false"}, json=body)


def messages(answer):
    return " ".join(
        error["Message"]
        for element in answer.json()["Contacts"]
        for error in element.get("ValidationErrors", [])
    )


def test_a_name_that_differs_by_spaces_and_case_is_taken(raw, uk):
    write(raw, "PUT", "Blue Harbour Trading")
    for twin in ("Blue  Harbour trading ", "blue\tharbour\n TRADING"):
        assert ALREADY_ASSIGNED in messages(write(raw, "PUT", twin)), twin
    assert [c["Name"] for c in uk.all("Contacts")] == ["Blue Harbour Trading"]


def test_renaming_a_contact_to_a_name_that_differs_by_spaces_is_refused(raw, uk):
    write(raw, "PUT", "Blue Harbour Trading", "Delta Traders")
    delta = next(c for c in uk.all("Contacts") if c["Name"] == "Delta Traders")
    renamed = write(raw, "POST", {"ContactID": delta["ContactID"], "Name": "blue  harbour trading"})
    assert ALREADY_ASSIGNED in messages(renamed)
    assert sorted(c["Name"] for c in uk.all("Contacts")) == [
        "Blue Harbour Trading",
        "Delta Traders",
    ]


def test_post_with_a_name_that_differs_by_spaces_updates_that_contact(raw, uk):
    write(raw, "PUT", "Blue Harbour Trading")
    write(raw, "POST", {"Name": "Blue  Harbour Trading ", "EmailAddress": "ap@bh.example"})
    assert [c.get("EmailAddress") for c in uk.all("Contacts")] == ["ap@bh.example"]


def test_a_document_for_a_name_that_differs_by_spaces_is_that_contacts(raw, uk):
    write(raw, "PUT", "Blue Harbour Trading")
    [contact] = uk.all("Contacts")
    bill = {
        "Type": "ACCPAY",
        "Contact": {"Name": " blue  harbour   trading"},
        "LineItems": [{"Description": "Rope", "Quantity": 1, "UnitAmount": 10}],
    }
    answer = raw.call("PUT", "/Invoices", json={"Invoices": [bill]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["Invoices"][0]["Contact"]["ContactID"] == contact["ContactID"]
    assert len(uk.all("Contacts")) == 1
