"""What every mapping shares: its error, text cleaning and Xero's decimals (no I/O)."""

# Plain Python: the addon translates these messages (see ..i18n).
# pylint: disable=prefer-env-translation
from ..i18n import _, message_of

# Xero keeps unit prices to 4 decimals when a call asks for them (``unitdp=4``), else to 2.
UNIT_DECIMALS = 4


class MappingError(ValueError):
    """An Odoo value Xero cannot take (the SDK checks lengths and codes as models are built)."""


def built_for_xero(label, build, *args):
    """``build(*args)``; a ValueError on the way becomes a MappingError that names ``label``
    (e.g. the record's display name) and says what Xero would not accept."""
    try:
        return build(*args)
    except ValueError as exc:
        raise MappingError(
            _(
                "%(record)s cannot be sent to Xero: %(problem)s",
                record=label,
                problem=message_of(exc),
            )
        ) from None


def clean(value):
    """Text on one line: runs of spaces and line breaks become one space, ends trimmed."""
    return " ".join(str(value).split()) if value else ""


def text(value):
    """Text as typed (line breaks kept), outer spaces aside: descriptions, notes."""
    return str(value).strip() if value else ""


def normalised(value):
    """Text as compared when matching records: ``clean`` and case-folded."""
    return clean(value).casefold()


def unit_price(value):
    """A unit price as Xero keeps it with ``unitdp=4``."""
    return round(float(value or 0), UNIT_DECIMALS)


# -- text Xero refuses ----------------------------------------------------------------------
# Xero serves what it keeps as XML too, whose version 1.0 has no place for control characters
# (but tab and line breaks) nor for U+FFFE and U+FFFF; and it does not keep characters beyond
# the Basic Multilingual Plane (emoji and the like: its own screens strip them, and its API
# refuses a name or description holding one).
LINE_BREAKS = "\t\n\r"
NOT_XML = frozenset((0xFFFE, 0xFFFF))
LAST_KEPT = 0xFFFF


def text_problem(value, max_length=None, multiline=False):
    """What Xero would refuse in a text: None, or (kind, detail) with kind "control" (detail:
    the 1-based position of the first control character), "unkept" (detail: (position,
    character)) or "length" (detail: the text's length, over ``max_length``). ``multiline``
    texts (descriptions) may hold tabs and line breaks."""
    if not value:
        return None
    value = str(value)
    for position, char in enumerate(value, 1):
        code = ord(char)
        if (code < 32 and not (multiline and char in LINE_BREAKS)) or code in NOT_XML:
            return "control", position
        if code > LAST_KEPT:
            return "unkept", (position, char)
    if max_length and len(value) > max_length:
        return "length", len(value)
    return None


def describe_text_problem(field, problem, max_length=None):
    """A text problem of ``text_problem`` in a bookkeeper's words, naming ``field``."""
    kind, detail = problem
    if kind == "control":
        return _(
            "its %(field)s holds an invisible control character (character %(position)s, "
            "often pasted from another program), which Xero refuses: retype the %(field)s.",
            field=field,
            position=detail,
        )
    if kind == "unkept":
        return _(
            "its %(field)s holds '%(character)s' (character %(position)s), which Xero does not "
            "keep (emoji and similar symbols): remove it from the %(field)s.",
            field=field,
            character=detail[1],
            position=detail[0],
        )
    return _(
        "its %(field)s is %(length)s characters long, and Xero takes at most %(max)s: shorten it.",
        field=field,
        length=detail,
        max=max_length,
    )


def check_text(field, value, max_length=None, multiline=False):
    """``value``; a ValueError naming ``field`` when Xero would refuse it (see
    ``built_for_xero``, which turns it into a MappingError naming the record)."""
    problem = text_problem(value, max_length, multiline)
    if problem:
        raise ValueError(describe_text_problem(field, problem, max_length))
    return value


SHOWN_NAME = 60  # a longer name is cut where a message names a record


def shown(name, length=SHOWN_NAME):
    """A name as a message shows it: cut when it is longer than ``length``, its control
    characters shown as "?" (invisible, they would hide where the problem is)."""
    name = "".join("?" if ord(c) < 32 else c for c in name)
    return name if len(name) <= length else name[: length - 1] + "…"
