"""Read numbers written by people, in a declared number format, and refuse guesses.

A spreadsheet from Bogotá writes two hundred and fifty thousand dollars as
``250.000``; one from Washington writes ``250,000``. Read with the wrong convention,
``250.000`` becomes US$250 without any error. So every importer takes a declared
number format (``NUMBER_FORMATS``), and with no declaration (``"auto"``) a value
that the formats in play (``READING_FORMATS``) read as different numbers is refused
with ``NumberAmbiguous``, which names every reading. A value that reads one way
only (``1.234,56``, ``0.35``, ``1500``) is accepted under ``"auto"``.

The grouping rules are Babel's (``babel.numbers.parse_decimal`` in strict mode, so
``1,5`` is not a "1,234.56" number and ``12.34.5`` is not a "1.234,56" one);
each format also admits only its own separators, because Babel on its own lets the
machine decimal point through in every locale. Pure: no I/O, no database.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Literal, get_args

from babel.numbers import NumberFormatError, parse_decimal

from model.formatting.i18n import N_, _

NumberFormat = Literal["auto", "en", "es", "space", "plain"]
ReadingFormat = Literal["en", "es", "space", "plain"]

#: What a person picks from, with the example they recognise. "auto" declares nothing.
NUMBER_FORMATS: dict[NumberFormat, str] = {
    "auto": N_("not declared (refuse numbers that read two ways)"),
    "en": "1,234.56",
    "es": "1.234,56",
    "space": "1 234,56",
    "plain": N_("1234.56 (no thousands separator)"),
}
#: How messages name each format: by its example, which reads the same in any language.
FORMAT_EXAMPLES: dict[str, str] = {
    "en": "1,234.56",
    "es": "1.234,56",
    "space": "1 234,56",
    "plain": "1234.56",
}
#: The conventions a value is read under when no format is declared.
READING_FORMATS: tuple[ReadingFormat, ...] = ("en", "es", "space", "plain")

# The Babel locale whose separators each format uses. es_CO, not es_MX: Mexico
# writes 1,234.56 like the United States, Colombia (and Argentina, Chile, Spain) 1.234,56.
_LOCALES: dict[str, str] = {"en": "en_US", "es": "es_CO", "space": "fr_FR"}
_SPACES = "\u0020\u00a0\u202f"  # space, no-break space, narrow no-break space (fr_FR's group)
_SHAPES: dict[ReadingFormat, re.Pattern[str]] = {
    "en": re.compile(r"[+-]?[0-9,]*(\.[0-9]*)?"),
    "es": re.compile(r"[+-]?[0-9.]*(,[0-9]*)?"),
    "space": re.compile(rf"[+-]?[0-9{_SPACES}]*(,[0-9]*)?"),
    "plain": re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"),
}
_DIGIT = re.compile(r"[0-9]")


class NumberNotRead(ValueError):
    """The text is not a number in the declared format (or in any format in play)."""


class NumberAmbiguous(NumberNotRead):
    """The text reads as different numbers in different formats and none was declared.

    ``readings`` maps each distinct value to the formats that read the text so.
    """

    def __init__(self, text: str, readings: dict[Decimal, tuple[ReadingFormat, ...]]):
        self.text = text
        self.readings = readings
        ways = _or().join(
            _("{value} (read as {formats})").format(
                value=plain_number(value), formats=_examples(formats)
            )
            for value, formats in readings.items()
        )
        super().__init__(
            _(
                "'{text}' reads two ways: {ways}; declare the file's number format to import it"
            ).format(text=text, ways=ways)
        )


def _or() -> str:
    """The word that joins alternatives, with its spaces (" or ", " o ")."""
    return " " + _("or") + " "


def _examples(formats: tuple[ReadingFormat, ...]) -> str:
    return _or().join(FORMAT_EXAMPLES[f] for f in formats)


def plain_number(value: Decimal) -> str:
    """A number with no thousands separator and a decimal point, for messages."""
    return format(value.normalize(), "f")


def read_as(text: str, fmt: ReadingFormat) -> Decimal | None:
    """``text`` read in one format, or None if that format does not write it so."""
    s = text.strip()
    if not _DIGIT.search(s) or not _SHAPES[fmt].fullmatch(s):
        return None
    if fmt == "plain":
        try:
            value = Decimal(s)
        except InvalidOperation:
            return None
        return value if value.is_finite() else None
    if fmt == "space":
        # People type an ordinary space; fr_FR groups with a narrow no-break space.
        s = re.sub(f"[{_SPACES}]", "\u202f", s)
    # Babel's strict check compares with its own formatting, which never writes "+".
    negative = s.startswith("-")
    s = s.lstrip("+-")
    try:
        value = parse_decimal(s, locale=_LOCALES[fmt], strict=True)
    except NumberFormatError:
        return None
    if not value.is_finite():
        return None
    return -value if negative else value


def readings(text: str) -> dict[Decimal, tuple[ReadingFormat, ...]]:
    """Each distinct number ``text`` reads as, with the formats that read it so."""
    out: dict[Decimal, list[ReadingFormat]] = {}
    for fmt in READING_FORMATS:
        value = read_as(text, fmt)
        if value is None:
            continue
        for known, formats in out.items():
            if known == value:  # 250.000 and 250 are the same number
                formats.append(fmt)
                break
        else:
            out[value] = [fmt]
    return {v: tuple(f) for v, f in out.items()}


def parse_number(text: str, number_format: NumberFormat = "auto") -> Decimal:
    """The number ``text`` writes in ``number_format`` (``"auto"``: the one reading).

    Raises ``NumberAmbiguous`` when no format is declared and the formats in play
    disagree, and ``NumberNotRead`` when the text is not a number as declared; the
    message says how the other formats would read it, so a wrong declaration shows.
    """
    if number_format not in NUMBER_FORMATS:
        raise ValueError(
            _("unknown number format '{name}'; choose one of {names}").format(
                name=number_format, names=", ".join(NUMBER_FORMATS)
            )
        )
    found = readings(text)
    if number_format == "auto":
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            raise NumberAmbiguous(text, found)
        raise NumberNotRead(_("'{text}' is not a number").format(text=text[:60]))
    value = read_as(text, number_format)
    if value is not None:
        return value
    others = "; ".join(
        _("read as {formats} it is {value}").format(
            formats=_examples(formats), value=plain_number(v)
        )
        for v, formats in found.items()
    )
    message = _("'{text}' is not a number in the declared format {format}").format(
        text=text[:60], format=FORMAT_EXAMPLES[number_format]
    )
    if others:
        message += " " + _("({readings}: check the declared number format)").format(readings=others)
    raise NumberNotRead(message)


def number_cell(value_text: str) -> Decimal:
    """A number a spreadsheet stored as a number (rendered by Python): no guessing."""
    try:
        value = Decimal(value_text)
    except InvalidOperation:
        raise NumberNotRead(_("'{text}' is not a number").format(text=value_text[:60])) from None
    if not value.is_finite():
        raise NumberNotRead(_("'{text}' is not a finite number").format(text=value_text[:60]))
    return value


def as_input(value: Decimal) -> int | float:
    """A parsed number as a model input: whole numbers as ``int`` so integer fields
    accept them, anything else as ``float`` (the models hold floats)."""
    if value == value.to_integral_value() and abs(value) < 2**53:
        return int(value)
    return float(value)


def is_number_format(name: str) -> bool:
    """Whether ``name`` is one of the declared formats (for command-line checks)."""
    return name in get_args(NumberFormat)


def formats_help() -> str:
    """The formats and their examples in one line, for command-line help."""
    return "; ".join(f"{name}: {_(label)}" for name, label in NUMBER_FORMATS.items())
