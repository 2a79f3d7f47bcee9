"""Validate sandbox requests and answers against Xero's official OpenAPI descriptions.

Usage::

    validator = get_validator()
    op = validator.match("accounting", "PUT", "/Contacts")   # None -> 404/405
    validator.validate_request(op, query, headers, body, content_type)  # raises SpecError
    validator.validate_response(op, 200, answer_bytes, "application/json")

Why a small schema compiler instead of openapi-core or jsonschema: the sandbox validates every
request, and jsonschema + ``OAS30Validator`` took 15 ms (10 ms with every ``$ref`` inlined) for a
50-contact batch, three times the budget. Xero's component schemas only use ``type``,
``properties``, ``items``, ``$ref``, ``enum``, ``maxLength``, ``format`` and ``required``, so each
schema is compiled once into closures (lazily, per ``$ref`` target; cycles are fine) that check
in well under a millisecond. A schema node using any other validation keyword (``oneOf``,
``minimum``...) is handed to ``openapi_schema_validator.OAS30Validator``, so a newer spec never
silently loses a constraint.

Leniency, on purpose (what Xero and the official xero-python SDK do):

- dates (``x-is-msdate``, ``x-is-msdate-time``, ``x-is-datetime``, ``format: date/date-time``)
  accept ``/Date(1573755038314+0000)/`` and ISO 8601 (``2024-01-31``, ``2024-01-31T00:00:00``,
  optional fraction and zone); date parameters also accept RFC 1123 (``If-Modified-Since``);
- ``format: uuid`` is checked (canonical 8-4-4-4-12 hex), other formats are not;
- ``type: number`` accepts integers, ``type: integer`` accepts ``2.0``;
- unknown properties are allowed; ``readOnly`` properties are accepted in requests and never
  required there;
- paths and query parameter names match case-insensitively, query booleans too (the SDK sends
  ``True``); unknown query parameters are ignored; ``security`` is not checked here.

The parsed YAML is pickled under ``~/.cache/xero_sandbox`` (or ``$XERO_SANDBOX_CACHE_DIR``, or the
temp dir), keyed by the SHA-256 of the YAML file, so only the first build pays for parsing.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import yaml


def _spec_dir() -> Path:
    """``$XERO_SANDBOX_SPEC_DIR``, else a copy shipped in the package, else the shared copy."""
    configured = os.environ.get("XERO_SANDBOX_SPEC_DIR")
    if configured:
        return Path(configured)
    packaged = Path(__file__).with_name("openapi")
    if (packaged / "xero_accounting.yaml").is_file():
        return packaged
    return Path("/work/shared/xero-openapi")


SPEC_DIR = _spec_dir()
DEFAULT_ACCOUNTING = SPEC_DIR / "xero_accounting.yaml"
DEFAULT_IDENTITY = SPEC_DIR / "xero-identity.yaml"
ACCOUNTING_PREFIX = "/api.xro/2.0"
MAX_REPORTED_ERRORS = 5
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

_CACHE_FORMAT = 1
# What unpickling a missing, truncated or foreign file can raise.
_CACHE_READ_ERRORS = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    ImportError,
    LookupError,
    AttributeError,
    TypeError,
    ValueError,
)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_MS_DATE_RE = re.compile(r"/Date\(-?\d+([+-]\d{4})?\)/")
_ISO_DATE_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
)
_INTEGER_RE = re.compile(r"[+-]?\d+")
_DATE_MARKERS = ("x-is-msdate", "x-is-msdate-time", "x-is-datetime")
# Validation keywords the compiler does not implement: nodes using them go to jsonschema.
_FALLBACK_KEYWORDS = frozenset(
    (
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "discriminator",
    )
)

_SHOWN_CHARS = 60  # longer values are cut in messages
_SHOWN_ENUM_VALUES = 12  # CurrencyCode, CountryCode and TimeZone have 100+ values

Errors = list[tuple[tuple, str]]  # (path in the document, message)
Check = Callable[[Any], "Errors | None"]  # None means valid


class SpecError(Exception):
    """A request or answer that does not conform to the OpenAPI description.

    ``message`` names the problem(s); ``errors`` lists every problem found, one string each.
    """

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or [message]

    @classmethod
    def from_errors(cls, errors: list[str]) -> SpecError:
        shown = "; ".join(errors[:MAX_REPORTED_ERRORS])
        hidden = len(errors) - MAX_REPORTED_ERRORS
        if hidden > 0:
            shown += f" (and {hidden} more)"
        return cls(shown, errors)


@dataclass
class Operation:
    """One matched operation of one API."""

    operation_id: str
    path_template: str
    path_params: dict
    api: str
    method: str = ""


# --- Loading ---------------------------------------------------------------------------------


def load_document(path: str | os.PathLike) -> dict:
    """The parsed YAML at ``path``, from the pickle cache when the file did not change."""
    raw = Path(path).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()[:24]
    cache_dir = _cache_dir()
    cache_file = cache_dir and cache_dir / f"{Path(path).stem}-{digest}-v{_CACHE_FORMAT}.pickle"
    document = _read_cache(cache_file) if cache_file else None
    if document is None:
        document = yaml.load(raw, Loader=_YAML_LOADER)
        if cache_file:
            _write_cache(cache_file, document)
    return document


def _cache_dir() -> Path | None:
    home_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    candidates = [
        os.environ.get("XERO_SANDBOX_CACHE_DIR"),
        home_cache / "xero_sandbox",
        Path(tempfile.gettempdir()) / "xero_sandbox-cache",
    ]
    for candidate in filter(None, candidates):
        directory = Path(candidate)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(directory, os.W_OK):
            return directory
    return None


def _read_cache(cache_file: Path) -> dict | None:
    try:
        with cache_file.open("rb") as handle:
            document = pickle.load(handle)
    except _CACHE_READ_ERRORS:
        return None  # missing, corrupt or foreign cache file: parse the YAML again
    return document if isinstance(document, dict) else None


def _write_cache(cache_file: Path, document: dict) -> None:
    try:
        with tempfile.NamedTemporaryFile(dir=cache_file.parent, delete=False) as handle:
            pickle.dump(document, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, cache_file)
    except OSError:
        pass


def _resolve(document: dict, node: dict) -> dict:
    """Follow local ``$ref`` (``#/components/...``) until a real object."""
    while isinstance(node, dict) and "$ref" in node:
        node = _pointer(document, node["$ref"])
    return node


def _pointer(document: dict, ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref are supported, got {ref!r}")
    target = document
    for part in ref[2:].split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target


# --- Value tests and messages ----------------------------------------------------------------


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


def _show_enum(options: list) -> str:
    shown = ", ".join(repr(option) for option in options[:_SHOWN_ENUM_VALUES])
    if len(options) > _SHOWN_ENUM_VALUES:
        shown += f", ... ({len(options)} values)"
    return f"[{shown}]"


def _format_path(path: tuple) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "body"


def is_uuid(text: str) -> bool:
    return _UUID_RE.fullmatch(text) is not None


def is_xero_date(text: str) -> bool:
    """``/Date(ms[+zone])/`` or ISO 8601 (date, or date and time)."""
    return _MS_DATE_RE.fullmatch(text) is not None or _ISO_DATE_RE.fullmatch(text) is not None


def _is_header_date(text: str) -> bool:
    if is_xero_date(text):
        return True
    try:
        parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return False
    return True


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "integer": _is_integer,
    "number": _is_number,
}


def _is_date_schema(schema: dict) -> bool:
    return schema.get("format") in ("date", "date-time") or any(
        schema.get(marker) for marker in _DATE_MARKERS
    )


# --- Schema compiler -------------------------------------------------------------------------


def _prefixed(errors: Errors | None, key: Any, found: Errors) -> Errors:
    moved = [((key, *path), message) for path, message in found]
    return moved if errors is None else errors + moved


class _SchemaCompiler:
    """Turns OpenAPI 3.0 schemas of one document into fast ``Check`` closures.

    A check returns None when the value is valid, else a list of ``(path, message)``.
    ``for_request`` drops ``readOnly`` properties from ``required``.
    """

    def __init__(self, document: dict, base_uri: str, for_request: bool):
        self._document = document
        self._base_uri = base_uri
        self._for_request = for_request
        self._refs: dict[str, Check] = {}
        self._targets: dict[str, Check] = {}

    def compile(self, schema: dict) -> Check:
        if "$ref" in schema:  # OpenAPI 3.0: siblings of $ref are ignored
            return self._ref(schema["$ref"])
        if _FALLBACK_KEYWORDS.intersection(schema):
            return self._fallback(schema)
        parts = [
            part
            for part in (
                self._string_part(schema),
                self._enum_part(schema),
                self._object_part(schema),
                self._array_part(schema),
            )
            if part is not None
        ]
        return _node(schema.get("type"), bool(schema.get("nullable")), parts)

    def _ref(self, ref: str) -> Check:
        if ref in self._refs:
            return self._refs[ref]
        targets = self._targets

        def check(value: Any) -> Errors | None:
            target = targets.get(ref)
            if target is None:  # compiled on first use: cheap builds, cycles are harmless
                target = targets[ref] = self.compile(_pointer(self._document, ref))
            return target(value)

        self._refs[ref] = check
        return check

    def _string_part(self, schema: dict) -> Check | None:
        max_length = schema.get("maxLength")
        min_length = schema.get("minLength")
        format_test, format_name = _format_test(schema)
        if max_length is None and min_length is None and format_test is None:
            return None

        def check(value: Any) -> Errors | None:
            if not isinstance(value, str):
                return None
            if max_length is not None and len(value) > max_length:
                return [((), f"{_show(value)} is too long (maximum {max_length} characters)")]
            if min_length is not None and len(value) < min_length:
                return [((), f"{_show(value)} is too short (minimum {min_length} characters)")]
            if format_test is not None and not format_test(value):
                return [((), f"{_show(value)} is not a {format_name}")]
            return None

        return check

    def _enum_part(self, schema: dict) -> Check | None:
        options = schema.get("enum")
        if not options:
            return None
        allowed = frozenset(option for option in options if not isinstance(option, (dict, list)))
        message = "is not one of " + _show_enum(options)

        def check(value: Any) -> Errors | None:
            if isinstance(value, (dict, list)) or value not in allowed:
                return [((), f"{_show(value)} {message}")]
            return None

        return check

    def _object_part(self, schema: dict) -> Check | None:
        declared = schema.get("properties") or {}
        properties = {name: self.compile(sub) for name, sub in declared.items()}
        required = [
            name
            for name in schema.get("required") or ()
            if not (self._for_request and declared.get(name, {}).get("readOnly"))
        ]
        additional = schema.get("additionalProperties", True)
        extra = self.compile(additional) if isinstance(additional, dict) else None
        if not properties and not required and additional is not False and extra is None:
            return None

        def check(value: Any) -> Errors | None:
            if not isinstance(value, dict):
                return None
            errors = None
            for name in required:
                if name not in value:
                    errors = (errors or []) + [((), f"{name!r} is a required property")]
            for key, item in value.items():
                sub = properties.get(key, extra)
                if sub is None:
                    if additional is False:
                        errors = (errors or []) + [((), f"unexpected property {key!r}")]
                    continue
                found = sub(item)
                if found:
                    errors = _prefixed(errors, key, found)
            return errors

        return check

    def _array_part(self, schema: dict) -> Check | None:
        items = schema.get("items")
        if not isinstance(items, dict):
            return None
        item_check = self.compile(items)

        def check(value: Any) -> Errors | None:
            if not isinstance(value, list):
                return None
            errors = None
            for index, item in enumerate(value):
                found = item_check(item)
                if found:
                    errors = _prefixed(errors, index, found)
            return errors

        return check

    def _fallback(self, schema: dict) -> Check:
        # Imported here: ~0.5 s to import, and Xero's current YAML never needs it.
        from jsonschema import FormatChecker
        from openapi_schema_validator import OAS30Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        resource = Resource.from_contents(self._document, default_specification=DRAFT4)
        format_checker = FormatChecker(formats=())
        format_checker.checks("uuid")(lambda value: not isinstance(value, str) or is_uuid(value))
        validator = OAS30Validator(
            _absolute_refs(schema, self._base_uri),
            registry=Registry().with_resource(self._base_uri, resource),
            format_checker=format_checker,
        )

        def check(value: Any) -> Errors | None:
            found = [(tuple(error.path), error.message) for error in validator.iter_errors(value)]
            return found or None

        return check


def _node(type_name: str | None, nullable: bool, parts: list[Check]) -> Check:
    type_test = _TYPE_TESTS.get(type_name)

    def check(value: Any) -> Errors | None:
        if value is None and nullable:
            return None
        if type_test is not None and not type_test(value):
            return [((), f"{_show(value)} is not of type {type_name!r}")]
        errors = None
        for part in parts:
            found = part(value)
            if found:
                errors = found if errors is None else errors + found
        return errors

    return check


def _format_test(schema: dict) -> tuple[Callable[[str], bool] | None, str]:
    if schema.get("format") == "uuid":
        return is_uuid, "'uuid'"
    if _is_date_schema(schema):
        return is_xero_date, "date ('/Date(ms+0000)/' or ISO 8601 expected)"
    return None, ""


def _absolute_refs(node: Any, base_uri: str) -> Any:
    if isinstance(node, dict):
        return {
            key: base_uri + value
            if key == "$ref" and isinstance(value, str) and value.startswith("#")
            else _absolute_refs(value, base_uri)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_absolute_refs(item, base_uri) for item in node]
    return node


# --- Parameters ------------------------------------------------------------------------------


@dataclass
class _Param:
    name: str
    location: str  # "path", "query" or "header"
    required: bool
    is_array: bool
    check: Callable[[str], str | None]  # error message for one raw value, or None
    route_test: Callable[[str], bool] | None  # for routing: does a path value fit the type?

    @property
    def label(self) -> str:
        return "header" if self.location == "header" else f"{self.location} parameter"


def _build_param(spec: dict) -> _Param:
    schema = spec.get("schema") or {}
    is_array = schema.get("type") == "array"
    item_schema = (schema.get("items") or {}) if is_array else schema
    return _Param(
        name=spec["name"],
        location=spec["in"],
        required=bool(spec.get("required")),
        is_array=is_array,
        check=_raw_value_check(item_schema),
        route_test=_route_test(item_schema),
    )


def _raw_value_check(schema: dict) -> Callable[[str], str | None]:
    type_name = schema.get("type", "string")
    is_date = _is_date_schema(schema)
    is_uuid_format = schema.get("format") == "uuid"
    options = [str(option) for option in schema.get("enum") or ()]

    def check(raw: str) -> str | None:
        if type_name == "boolean" and raw.lower() not in ("true", "false"):
            return f"{_show(raw)} is not of type 'boolean'"
        if type_name == "integer" and not _INTEGER_RE.fullmatch(raw):
            return f"{_show(raw)} is not of type 'integer'"
        if type_name == "number" and not _is_number_text(raw):
            return f"{_show(raw)} is not of type 'number'"
        if is_uuid_format and not is_uuid(raw):
            return f"{_show(raw)} is not a 'uuid'"
        if is_date and not _is_header_date(raw):
            return f"{_show(raw)} is not a date (ISO 8601, '/Date(ms)/' or RFC 1123 expected)"
        if options and raw not in options:
            return f"{_show(raw)} is not one of {_show_enum(options)}"
        return None

    return check


def _is_number_text(raw: str) -> bool:
    try:
        float(raw)
    except ValueError:
        return False
    return raw.strip().lower() not in ("nan", "inf", "-inf", "+inf", "infinity")


def _route_test(schema: dict) -> Callable[[str], bool] | None:
    if schema.get("format") == "uuid":
        return is_uuid
    if schema.get("type") == "integer":
        return lambda raw: _INTEGER_RE.fullmatch(raw) is not None
    return None


def _param_errors(param: _Param, values: list[str] | None) -> list[str]:
    if not values or (param.location != "query" and values == [""]):
        if param.required:
            return [f"missing required {param.label} {param.name!r}"]
        return []
    raws = [part for value in values for part in value.split(",")] if param.is_array else values
    messages = (param.check(raw) for raw in raws)
    return [f"{param.label} {param.name!r}: {message}" for message in messages if message]


# --- Operations and routing ------------------------------------------------------------------


@dataclass
class _OperationSpec:
    operation_id: str
    method: str
    template: str
    segments: tuple  # per segment: lower-case literal (str) or the path _Param
    params: list[_Param]
    request_body: dict | None
    responses: dict
    body_check: Check | None = None
    response_checks: dict = field(default_factory=dict)

    def score(self, parts: tuple[str, ...]) -> tuple[int, ...] | None:
        """How well a concrete path fits: literal 3, typed parameter 2, string 1, misfit 0."""
        scores = []
        for segment, part in zip(self.segments, parts, strict=True):
            if isinstance(segment, str):
                if segment != part.lower():
                    return None
                scores.append(3)
            elif segment.route_test is None:
                scores.append(1)
            else:
                scores.append(2 if segment.route_test(part) else 0)
        return tuple(scores)


class _ApiSpec:
    """One OpenAPI document: its operations, router and schema compilers."""

    def __init__(self, name: str, document: dict):
        self.name = name
        self.document = document
        base_uri = f"urn:xero-sandbox:{name}"
        self.request_schemas = _SchemaCompiler(document, base_uri, for_request=True)
        self.response_schemas = _SchemaCompiler(document, base_uri, for_request=False)
        self.operations: dict[str, _OperationSpec] = {}
        self.routes: dict[tuple[str, int], list[_OperationSpec]] = {}
        for template, path_item in document.get("paths", {}).items():
            for method in HTTP_METHODS:
                if isinstance(path_item.get(method), dict):
                    self._add(template, method, path_item)

    def _add(self, template: str, method: str, path_item: dict) -> None:
        operation = path_item[method]
        params = self._merged_params(path_item.get("parameters"), operation.get("parameters"))
        by_name = {param.name: param for param in params if param.location == "path"}
        segments = tuple(
            by_name[part[1:-1]] if part.startswith("{") else part.lower()
            for part in template.strip("/").split("/")
        )
        request_body = operation.get("requestBody")
        spec = _OperationSpec(
            operation_id=operation["operationId"],
            method=method,
            template=template,
            segments=segments,
            params=params,
            request_body=_resolve(self.document, request_body) if request_body else None,
            responses={
                str(status): _resolve(self.document, answer)
                for status, answer in (operation.get("responses") or {}).items()
            },
        )
        self.operations[spec.operation_id] = spec
        self.routes.setdefault((method, len(segments)), []).append(spec)

    def _merged_params(self, *groups: list | None) -> list[_Param]:
        """Path-item then operation parameters; the operation wins on (name, in)."""
        merged: dict[tuple[str, str], dict] = {}
        for group in groups:
            for raw in group or ():
                spec = _resolve(self.document, raw)
                merged[(spec["name"].lower(), spec["in"])] = spec
        return [_build_param(spec) for spec in merged.values() if spec["in"] != "cookie"]

    def match(self, method: str, parts: tuple[str, ...]) -> _OperationSpec | None:
        best, best_score = None, None
        for spec in self.routes.get((method.lower(), len(parts)), ()):
            score = spec.score(parts)
            if score is not None and (best_score is None or score > best_score):
                best, best_score = spec, score
        return best


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _is_json(media_type: str | None) -> bool:
    return bool(media_type) and (media_type == "application/json" or media_type.endswith("+json"))


def _lowered_query(query: Mapping) -> dict[str, list[str]]:
    pairs = query.lists() if hasattr(query, "lists") else query.items()
    lowered: dict[str, list[str]] = {}
    for key, values in pairs:
        lowered.setdefault(key.lower(), []).extend([values] if isinstance(values, str) else values)
    return lowered


def _body_json(body: bytes, what: str) -> tuple[Any, list[str]]:
    try:
        return json.loads(body), []
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        return None, [f"{what} is not valid JSON: {error}"]


def _schema_errors(check: Check, value: Any) -> list[str]:
    found = check(value) or ()
    return [f"{_format_path(path)}: {message}" for path, message in found]


# --- Public validator ------------------------------------------------------------------------


class SpecValidator:
    """Matches and validates requests/answers of the accounting and identity APIs."""

    def __init__(self, accounting_yaml=DEFAULT_ACCOUNTING, identity_yaml=DEFAULT_IDENTITY):
        self._apis = {
            "accounting": _ApiSpec("accounting", load_document(accounting_yaml)),
            "identity": _ApiSpec("identity", load_document(identity_yaml)),
        }

    def match(self, api: str, method: str, path: str) -> Operation | None:
        """The operation serving ``method path``, or None (unknown path or method)."""
        parts = self._split(api, path)
        spec = self._apis[api].match(method, parts)
        if spec is None:
            return None
        path_params = {
            segment.name: part
            for segment, part in zip(spec.segments, parts, strict=True)
            if not isinstance(segment, str)
        }
        return Operation(spec.operation_id, spec.template, path_params, api, spec.method.upper())

    def allowed_methods(self, api: str, path: str) -> list[str]:
        """Methods with an operation on ``path`` (empty: 404; else a 405 ``Allow`` list)."""
        parts = self._split(api, path)
        api_spec = self._apis[api]
        return [method.upper() for method in HTTP_METHODS if api_spec.match(method, parts)]

    def validate_request(
        self,
        op: Operation,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes | None,
        content_type: str | None,
    ) -> None:
        spec = self._operation(op)
        errors = self._param_errors(spec, op.path_params, query, headers)
        errors += self._request_body_errors(op.api, spec, body, content_type)
        if errors:
            raise SpecError.from_errors(errors)

    def validate_response(
        self, op: Operation, status: int, body: bytes, content_type: str | None
    ) -> None:
        """Check a JSON answer against the schema declared for ``status`` (or ``default``).

        Undeclared statuses (401, 404, 429, 503...) and non-JSON answers (PDF, attachments,
        XML) are not checked.
        """
        spec = self._operation(op)
        answer = spec.responses.get(str(status)) or spec.responses.get("default")
        content = (answer or {}).get("content")
        if not content or not _is_json(_media_type(content_type)):
            return
        json_type = next((name for name in content if _is_json(name)), None)
        if json_type is None:
            raise SpecError(
                f"response content type {content_type!r} is not declared for status {status} "
                f"(expected {', '.join(content)})"
            )
        schema = content[json_type].get("schema")
        if not schema:
            return
        check = spec.response_checks.get(str(status))
        if check is None:
            check = self._apis[op.api].response_schemas.compile(schema)
            spec.response_checks[str(status)] = check
        value, errors = _body_json(body, "response body")
        errors = errors or _schema_errors(check, value)
        if errors:
            raise SpecError.from_errors(errors)

    def validate_media_type(self, op: Operation, status: int, content_type: str | None) -> None:
        """Check that a non-JSON answer (a file of ``content_type``, or no content when it is
        None) is one the spec declares for ``status`` (or ``default``)."""
        spec = self._operation(op)
        answer = spec.responses.get(str(status)) or spec.responses.get("default")
        if answer is None:
            raise SpecError(
                f"status {status} is not declared (declared: {', '.join(spec.responses)})"
            )
        content = answer.get("content") or {}
        media_type = _media_type(content_type)
        if media_type is None:
            if content:
                raise SpecError(
                    f"status {status} declares content ({', '.join(content)}), the answer has none"
                )
            return
        if media_type not in content:
            raise SpecError(
                f"response content type {content_type!r} is not declared for status {status} "
                f"(declared: {', '.join(content) or 'no content'})"
            )

    def operation_by_id(self, api: str, operation_id: str) -> Operation:
        """The operation named ``operation_id``, with no path parameters filled in."""
        spec = self._operation(Operation(operation_id, "", {}, api))
        return Operation(spec.operation_id, spec.template, {}, api, spec.method.upper())

    def _operation(self, op: Operation) -> _OperationSpec:
        try:
            return self._apis[op.api].operations[op.operation_id]
        except KeyError:
            raise ValueError(f"unknown operation {op.api}:{op.operation_id}") from None

    @staticmethod
    def _split(api: str, path: str) -> tuple[str, ...]:
        path = path.split("?", 1)[0]
        if api == "accounting" and path.lower().startswith(ACCOUNTING_PREFIX):
            path = path[len(ACCOUNTING_PREFIX) :]
        return tuple(part for part in path.split("/") if part)

    @staticmethod
    def _param_errors(spec, path_params, query, headers) -> list[str]:
        lowered_query = _lowered_query(query)
        lowered_headers = {name.lower(): value for name, value in headers.items()}
        errors = []
        for param in spec.params:
            if param.location == "path":
                raw = path_params.get(param.name)
                values = None if raw is None else [raw]
            elif param.location == "query":
                values = lowered_query.get(param.name.lower())
            else:
                raw = lowered_headers.get(param.name.lower())
                values = None if raw is None else [raw]
            errors += _param_errors(param, values)
        return errors

    def _request_body_errors(self, api, spec, body, content_type) -> list[str]:
        declared = spec.request_body
        if declared is None:
            return []
        if not body:
            return ["missing required request body"] if declared.get("required") else []
        content = declared.get("content") or {}
        media_type = _media_type(content_type) or next(iter(content), None)
        json_type = next((name for name in content if _is_json(name)), None)
        if json_type is None or (media_type not in content and not _is_json(media_type)):
            if any(not _is_json(name) for name in content):
                return []  # binary upload: any content type, presence checked above
            return [f"unsupported content type {content_type!r} (expected {', '.join(content)})"]
        if spec.body_check is None:
            schema = content[json_type].get("schema") or {}
            spec.body_check = self._apis[api].request_schemas.compile(schema)
        value, errors = _body_json(body, "request body")
        return errors or _schema_errors(spec.body_check, value)


_shared: dict[str, SpecValidator] = {}
_shared_lock = threading.Lock()


def get_validator() -> SpecValidator:
    """The shared validator for the default spec files, built on first use."""
    validator = _shared.get("default")
    if validator is None:
        with _shared_lock:
            validator = _shared.get("default") or _shared.setdefault("default", SpecValidator())
    return validator


# --- Timings: /work/odoo-venv/bin/python -m xero_sandbox.spec ------------------------------


def _sample_contacts(count: int) -> bytes:
    contacts = [
        {
            "ContactID": f"3b6e9a4c-7f1d-4c55-9d3e-{index:012d}",
            "Name": f"Contact {index}",
            "EmailAddress": f"c{index}@example.com",
            "ContactStatus": "ACTIVE",
            "IsCustomer": True,
            "Addresses": [{"AddressType": "POBOX", "City": "Paris", "PostalCode": "75001"}],
            "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "123456"}],
            "UpdatedDateUTC": "/Date(1573755038314+0000)/",
        }
        for index in range(count)
    ]
    return json.dumps({"Contacts": contacts}).encode()


def _per_call_ms(function: Callable[[], Any], repeat: int = 200) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) * 1000 / repeat


def _build_seconds(cache_dir: str) -> float:
    previous = os.environ.get("XERO_SANDBOX_CACHE_DIR")
    os.environ["XERO_SANDBOX_CACHE_DIR"] = cache_dir
    try:
        start = time.perf_counter()
        SpecValidator()
        return time.perf_counter() - start
    finally:
        if previous is None:
            del os.environ["XERO_SANDBOX_CACHE_DIR"]
        else:
            os.environ["XERO_SANDBOX_CACHE_DIR"] = previous


def _benchmark() -> None:
    with tempfile.TemporaryDirectory() as cache_dir:
        print(f"build, empty cache (YAML parse + pickle): {_build_seconds(cache_dir):.3f} s")
        print(f"build, cached pickle:                     {_build_seconds(cache_dir):.3f} s")
    validator = SpecValidator()
    body = _sample_contacts(50)
    headers = {"xero-tenant-id": "tenant", "Content-Type": "application/json"}
    query = {"summarizeErrors": ["true"]}
    op = validator.match("accounting", "POST", "/Contacts")

    def request() -> None:
        validator.validate_request(op, query, headers, body, "application/json")

    def response() -> None:
        validator.validate_response(op, 200, body, "application/json")

    start = time.perf_counter()
    request()
    first_ms = (time.perf_counter() - start) * 1000
    match_ms = _per_call_ms(lambda: validator.match("accounting", "POST", "/Contacts"))
    print(f"match POST /Contacts:                     {match_ms:.4f} ms")
    print(f"validate_request, 50 contacts, 1st call:  {first_ms:.2f} ms (lazy schema compile)")
    print(f"validate_request, 50 contacts:            {_per_call_ms(request):.2f} ms")
    print(f"validate_response, 50 contacts:           {_per_call_ms(response):.2f} ms")


if __name__ == "__main__":
    _benchmark()
