"""The subset of Xero's ``where`` filter language the connector and demos use.

Name=="Bayside Club" AND Status!="ARCHIVED"
Contact.ContactID==guid("...") OR (Type=="ACCPAY" && AmountDue>=10.5)
Date>=DateTime(2024,01,31) AND EmailAddress!=null AND Name.ToLower().Contains("club")
"""

import re
from datetime import date, datetime

from .dates import parse_date
from .money import dec

TOKEN_RE = re.compile(
    r"""
    \s*(?:
      (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op>==|!=|>=|<=|>|<|&&|\|\||\(|\)|,|\.)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)

METHODS = {"ToLower", "ToUpper", "Contains", "StartsWith", "EndsWith", "Trim"}
MAX_LENGTH = 4000  # characters; the connector's filters stay near 2,000
MAX_NESTING = 32  # parentheses and NOTs inside each other


class WhereError(ValueError):
    pass


def tokenize(text):
    if len(text) > MAX_LENGTH:
        raise WhereError("The where filter is longer than %d characters" % MAX_LENGTH)
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN_RE.match(text, position)
        if not match or match.end() == position:
            raise WhereError(
                "cannot parse the where filter near %r" % text[position : position + 20]
            )
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class Parser:
    """Recursive descent, with the nesting bounded: a hostile filter gets a WhereError, never
    a RecursionError. AND and OR chains are flat lists, so evaluating them does not recurse
    once per term."""

    def __init__(self, text):
        self.tokens = tokenize(text)
        self.position = 0
        self.depth = 0

    def parse(self):
        node = self.or_expr()
        if self.peek() is not None:
            raise WhereError("unexpected %r in the where filter" % (self.peek()[1],))
        return node

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, value=None):
        token = self.peek()
        if token is None or (value is not None and token[1].upper() != value.upper()):
            raise WhereError("expected %r in the where filter" % (value or "a value"))
        self.position += 1
        return token

    def accept(self, *values):
        token = self.peek()
        if token and token[1].upper() in values:
            self.position += 1
            return token[1].upper()
        return None

    def or_expr(self):
        terms = [self.and_expr()]
        while self.accept("OR", "||"):
            terms.append(self.and_expr())
        return ("or", terms) if len(terms) > 1 else terms[0]

    def and_expr(self):
        terms = [self.unary()]
        while self.accept("AND", "&&"):
            terms.append(self.unary())
        return ("and", terms) if len(terms) > 1 else terms[0]

    def unary(self):
        if self.accept("NOT"):
            return ("not", self.nested(self.unary))
        if self.accept("("):
            node = self.nested(self.or_expr)
            self.take(")")
            return node
        left = self.operand()
        token = self.peek()
        if token and token[0] == "op" and token[1] in ("==", "!=", ">=", "<=", ">", "<"):
            self.position += 1
            return ("cmp", token[1], left, self.operand())
        return ("truthy", left)

    def nested(self, parse):
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise WhereError("The where filter nests deeper than %d levels" % MAX_NESTING)
        node = parse()
        self.depth -= 1
        return node

    def operand(self):
        kind, value = self.take()
        if kind == "string":
            return ("lit", unescape(value))
        if kind == "number":
            return ("lit", dec(value))
        if kind != "name":
            raise WhereError("unexpected %r in the where filter" % value)
        lowered = value.lower()
        if lowered in ("true", "false"):
            return ("lit", lowered == "true")
        if lowered == "null":
            return ("lit", None)
        if lowered == "guid":
            return ("lit", self.guid_literal())
        if lowered in ("datetime", "datetimeoffset"):
            return ("lit", self.datetime_literal())
        return self.path(value)

    def call_args(self):
        self.take("(")
        args = []
        while not self.accept(")"):
            kind, value = self.take()
            args.append(unescape(value) if kind == "string" else value)
            self.accept(",")
        return args

    def guid_literal(self):
        args = self.call_args()
        if len(args) != 1 or not isinstance(args[0], str):
            raise WhereError('guid() takes one quoted value, e.g. guid("...")')
        return args[0].lower()

    def datetime_literal(self):
        try:
            parts = [int(p) for p in self.call_args()]
            if len(parts) < 3:
                raise WhereError("DateTime needs at least a year, a month and a day")
            return date(*parts[:3]) if len(parts) == 3 else datetime(*parts[:6])
        except (TypeError, ValueError) as exc:
            raise WhereError("DateTime(%s) is not a valid date" % exc) from None

    def path(self, first):
        node = ("field", [first])
        while self.accept("."):
            _kind, name = self.take()
            if name in METHODS:
                args = self.call_args() if self.peek() and self.peek()[1] == "(" else []
                node = ("call", name, node, args)
            elif node[0] == "field":
                node = ("field", node[1] + [name])
            else:
                raise WhereError("cannot read %s of a method's result" % name)
        return node


def unescape(literal):
    return literal[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def compile_where(text):
    """A predicate over a presented Xero object, or WhereError."""
    tree = Parser(text).parse()
    return lambda obj: bool(evaluate(tree, obj))


def evaluate(node, obj):
    kind = node[0]
    if kind == "or":
        return any(evaluate(term, obj) for term in node[1])
    if kind == "and":
        return all(evaluate(term, obj) for term in node[1])
    if kind == "not":
        return not evaluate(node[1], obj)
    if kind == "truthy":
        return bool(value_of(node[1], obj))
    return compare(node[1], value_of(node[2], obj), value_of(node[3], obj))


def value_of(node, obj):
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "field":
        value = obj
        for name in node[1]:
            value = value.get(name) if isinstance(value, dict) else None
        return value
    name, target, args = node[1], value_of(node[2], obj), node[3]
    text = "" if target is None else str(target)
    if name == "ToLower":
        return text.lower()
    if name == "ToUpper":
        return text.upper()
    if name == "Trim":
        return text.strip()
    needle = str(args[0]) if args else ""
    return {
        "Contains": needle in text,
        "StartsWith": text.startswith(needle),
        "EndsWith": text.endswith(needle),
    }[name]


def compare(op, left, right):
    if left is None or right is None:
        if op == "==":
            return left is None and right is None
        if op == "!=":
            return not (left is None and right is None)
        return False
    left, right = coerce_pair(left, right)
    return {
        "==": left == right,
        "!=": left != right,
        ">": left > right,
        "<": left < right,
        ">=": left >= right,
        "<=": left <= right,
    }[op]


def coerce_pair(left, right):
    if isinstance(right, datetime) or isinstance(left, datetime):
        return as_datetime(left), as_datetime(right)
    if isinstance(right, date) or isinstance(left, date):
        return as_date(left), as_date(right)
    if isinstance(right, bool) or isinstance(left, bool):
        return bool(left), bool(right)
    if isinstance(right, (int, float)) or isinstance(left, (int, float)) or is_decimal(left, right):
        return dec(left), dec(right)
    return str(left).lower(), str(right).lower()


def is_decimal(*values):
    from decimal import Decimal

    return any(isinstance(v, Decimal) for v in values)


def as_date(value):
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else parse_date(str(value))


def as_datetime(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return as_datetime(parse_date(str(value)))
