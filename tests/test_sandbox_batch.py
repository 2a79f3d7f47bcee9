"""Batch writes: summarizeErrors, partial failure, and Idempotency-Key replays."""


def contacts(*names, **extra):
    return {"Contacts": [dict({"Name": name}, **extra) for name in names]}


def test_batch_with_summarize_errors_false_applies_the_valid_elements(raw, uk):
    body = {
        "Contacts": [
            {"Name": "Good One"},
            {"Name": "Bad Email", "EmailAddress": "nope"},
            {"Name": "Good Two"},
        ]
    }
    answer = raw.call("POST", "/Contacts", params={"summarizeErrors": "false"}, json=body)
    assert answer.status_code == 200
    elements = answer.json()["Contacts"]
    assert [e["StatusAttributeString"] for e in elements] == ["OK", "ERROR", "OK"]
    assert elements[1]["HasValidationErrors"] is True
    assert elements[1]["ValidationErrors"] == [{"Message": "Email address must be valid."}]
    assert sorted(c["Name"] for c in uk.all("Contacts")) == ["Good One", "Good Two"]


def test_batch_with_summarized_errors_applies_nothing(raw, uk):
    body = {"Contacts": [{"Name": "Good"}, {"Name": "Bad", "EmailAddress": "x@"}]}
    answer = raw.call("PUT", "/Contacts", json=body)
    assert answer.status_code == 400
    error = answer.json()
    assert error["Type"] == "ValidationException"
    assert error["Elements"][0]["ValidationErrors"] == []
    assert error["Elements"][1]["ValidationErrors"][0]["Message"] == "Email address must be valid."
    assert uk.all("Contacts") == []


def test_contact_names_are_unique(raw, uk):
    raw.call("PUT", "/Contacts", json=contacts("Acme"))
    clash = raw.call(
        "PUT", "/Contacts", params={"summarizeErrors": "false"}, json=contacts("acme ")
    )
    assert (
        "already assigned to another contact"
        in clash.json()["Contacts"][0]["ValidationErrors"][0]["Message"]
    )
    assert len(uk.all("Contacts")) == 1


def test_post_with_an_existing_name_updates_that_contact(raw, uk):
    raw.call("PUT", "/Contacts", json=contacts("Acme"))
    raw.call("POST", "/Contacts", json=contacts("Acme", EmailAddress="ap@acme.example"))
    assert [(c["Name"], c.get("EmailAddress")) for c in uk.all("Contacts")] == [
        ("Acme", "ap@acme.example")
    ]


def test_invoice_batch_keeps_the_good_ones_when_one_line_is_wrong(raw, uk):
    good = {
        "Type": "ACCPAY",
        "Contact": {"Name": "Supplier"},
        "Status": "DRAFT",
        "LineItems": [
            {
                "Description": "Paper",
                "Quantity": 1,
                "UnitAmount": 10,
                "AccountCode": "429",
                "TaxType": "INPUT2",
            }
        ],
    }
    bad = dict(good, LineItems=[dict(good["LineItems"][0], TaxType="NOPE")])
    answer = raw.call(
        "PUT",
        "/Invoices",
        params={"summarizeErrors": "false"},
        json={"Invoices": [good, bad, good]},
    )
    statuses = [i["StatusAttributeString"] for i in answer.json()["Invoices"]]
    assert statuses == ["OK", "ERROR", "OK"]
    assert "TaxType code 'NOPE'" in answer.json()["Invoices"][1]["ValidationErrors"][0]["Message"]
    assert len(uk.all("Invoices")) == 2
    assert len(uk.all("Contacts")) == 1


def test_idempotent_replay_returns_the_first_answer_and_creates_nothing(raw, uk):
    headers = {"Idempotency-Key": "partner-42-rev-1"}
    first = raw.call("PUT", "/Contacts", json=contacts("Once Only"), headers=headers)
    second = raw.call("PUT", "/Contacts", json=contacts("Once Only"), headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(uk.all("Contacts")) == 1


def test_idempotency_key_reused_for_another_request_is_refused(raw, uk):
    headers = {"Idempotency-Key": "k-1"}
    raw.call("PUT", "/Contacts", json=contacts("First"), headers=headers)
    other = raw.call("PUT", "/Contacts", json=contacts("Second"), headers=headers)
    assert other.status_code == 400
    assert [c["Name"] for c in uk.all("Contacts")] == ["First"]


def test_idempotency_key_longer_than_128_characters_is_refused(raw, uk):
    answer = raw.call(
        "PUT", "/Contacts", json=contacts("X"), headers={"Idempotency-Key": "k" * 129}
    )
    assert answer.status_code == 400
    assert uk.all("Contacts") == []


def test_paging_and_if_modified_since(raw, sandbox):
    raw.call("PUT", "/Contacts", json=contacts(*["C%03d" % i for i in range(150)]))
    first = raw.call("GET", "/Contacts", params={"page": 1}).json()
    second = raw.call("GET", "/Contacts", params={"page": 2}).json()
    assert len(first["Contacts"]) == 100 and len(second["Contacts"]) == 50
    assert first["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 2, "itemCount": 150}
    sandbox.clock.advance(5)
    since = sandbox.clock.now().strftime("%Y-%m-%dT%H:%M:%S")
    sandbox.clock.advance(5)
    c001 = next(c for c in first["Contacts"] if c["Name"] == "C001")
    raw.call(
        "POST",
        "/Contacts/" + c001["ContactID"],
        json={"Contacts": [{"EmailAddress": "c1@example.com"}]},
    )
    changed = raw.call("GET", "/Contacts", headers={"If-Modified-Since": since}).json()
    assert [c["Name"] for c in changed["Contacts"]] == ["C001"]


def test_where_filters_and_id_lists(raw):
    created = raw.call(
        "PUT",
        "/Contacts",
        json={
            "Contacts": [
                {"Name": "Alpha", "EmailAddress": "a@x.example", "TaxNumber": "GB123"},
                {"Name": "Beta", "EmailAddress": "b@x.example"},
            ]
        },
    ).json()["Contacts"]
    by_email = raw.call("GET", "/Contacts", params={"where": 'EmailAddress=="A@X.EXAMPLE"'})
    assert [c["Name"] for c in by_email.json()["Contacts"]] == ["Alpha"]
    by_tax = raw.call(
        "GET", "/Contacts", params={"where": 'TaxNumber!=null AND Name.StartsWith("Al")'}
    )
    assert [c["Name"] for c in by_tax.json()["Contacts"]] == ["Alpha"]
    by_id = raw.call("GET", "/Contacts", params={"IDs": created[1]["ContactID"]})
    assert [c["Name"] for c in by_id.json()["Contacts"]] == ["Beta"]
