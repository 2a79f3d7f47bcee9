"""Errors in the shapes Xero answers them."""

import uuid

from werkzeug.wrappers import Response

from .encoding import dumps

JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
# Xero's whole answer to a GET of an unknown ID or path: a 404 with this text, not JSON
# (XeroAPI/Xero-OpenAPI#163; xero-python's NotFoundException carries the same sentence).
NOT_FOUND_TEXT = "The resource you're looking for cannot be found"


class XeroError(Exception):
    """An answer to send instead of the normal one: a JSON body, or text when ``body`` is a str."""

    def __init__(self, status, body, headers=None):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    @property
    def content_type(self):
        return TEXT_TYPE if isinstance(self.body, str) else JSON_TYPE

    @property
    def raw_body(self):
        return self.body.encode() if isinstance(self.body, str) else dumps(self.body).encode()

    def response(self):
        return Response(
            self.raw_body, status=self.status, headers=self.headers, content_type=self.content_type
        )


def json_response(payload, status=200, headers=None):
    return Response(dumps(payload), status=status, headers=headers, content_type=JSON_TYPE)


def problem(status, title, detail, headers=None):
    """Xero's identity/gateway error shape (401, 403, 404, 429, 5xx)."""
    body = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return XeroError(status, body, headers)


def unauthorized(detail="AuthenticationUnsuccessful"):
    return problem(401, "Unauthorized", detail, {"WWW-Authenticate": "Bearer"})


def forbidden(detail="AuthenticationUnsuccessful"):
    return problem(403, "Forbidden", detail)


def not_found():
    return XeroError(404, NOT_FOUND_TEXT)


def validation_exception(elements=None, message="A validation exception occurred"):
    body = {"ErrorNumber": 10, "Type": "ValidationException", "Message": message}
    if elements is not None:
        body["Elements"] = elements
    return XeroError(400, body)


def single_validation_error(message):
    """A 400 about the request as a whole, as Xero words one-message validation errors."""
    return validation_exception([{"ValidationErrors": [{"Message": message}]}])


def query_parse_error(message):
    """A ``where`` filter Xero cannot parse: ErrorNumber 16, as Xero answers it."""
    return XeroError(400, {"ErrorNumber": 16, "Type": "QueryParseException", "Message": message})


def post_data_invalid(message):
    return XeroError(
        400, {"ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": message}
    )


def oauth_error(error, description=None, status=400):
    body = {"error": error}
    if description:
        body["error_description"] = description
    return XeroError(status, body)


class ElementInvalid(Exception):
    """One element of a batch failed validation; ``messages`` say why."""

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = list(messages)
