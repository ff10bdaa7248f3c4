"""Numbers as people read them: money, shares, percentage points, counts, rates and units.

The one formatting module of the app: every page, export, brief and CLI line shows a
number through these functions, so a figure reads the same everywhere. Separators come
from Babel's CLDR data for ``locale`` (default English), so a Spanish interface later
gets "5.000.000" (es_CO) or "5,000,000" (es_MX) by passing a locale, with no new code.

Conventions (stated once, here):
- money is public US$; whole dollars unless ``cents`` is asked for ("US$5,000,000");
- a share is 0-1 and shows as a percentage ("45%"); a change of shares is in
  percentage points ("+7 percentage points"), never "%";
- counts (enterprises, jobs, candidates) are whole;
- a rate is US$ per US$ with cents ("US$1.35 per US$");
- a value too small to matter (solver round-off such as 1.86e-09) shows as 0, never
  in scientific notation, and never as "-0";
- a missing value (None or NaN) shows as ``MISSING``, a dash.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Final

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    parse_decimal,
)

from model.formatting.i18n import N_, Labels, _, active_number_locale

DEFAULT_LOCALE: Final = "en"
_ENGLISH: Final = frozenset({"en", "en_US"})  # the same separators: the fast path below
MISSING: Final = "–"  # an en dash: a blank cell that is not zero and not a minus sign
CURRENCY: Final = "US$"
# Below these a value is solver round-off: shown as 0 (US$; count; share 0-1).
TINY_USD: Final = 0.005
TINY_COUNT: Final = 1e-6
TINY_SHARE: Final = 1e-9

# Units as the evidence, the candidates and the allocator name them, in words.
UNIT_WORDS: Labels = Labels(
    {
        "USD": "US$",
        "US$": "US$",
        "USD_per_USD": N_("US$ per US$"),
        "count": N_("count"),
        "share": N_("share (0-100%)"),
        "share_per_year": N_("share per year (0-100%)"),
        "unit": N_("units"),
        "years": N_("years"),
        "year": N_("year"),
        "enterprises": N_("enterprises"),
        "jobs": N_("jobs"),
        "benefit": N_("US$ of benefit"),
        "weighted": N_("weighted units"),
        "min_cost": N_("US$ of public cost"),
        "firms": N_("firms"),
        "index": N_("index"),
        "yes/no": N_("yes/no"),  # an indicator measured as 1 = yes, 0 = no
    }
)


@dataclass(frozen=True)
class ObjectiveWords:
    """How one objective kind is said: the one definition every page, export and CLI uses."""

    name: str  # what the plan optimises, e.g. "Most benefit (US$)"
    after_amount: str  # follows a figure in a sentence: "US$5 of benefit", "3 jobs"
    axis: str  # a chart axis or column heading, e.g. "Benefit (US$)"
    money: bool  # whether the objective is measured in US$


class _Objectives(Mapping[str, ObjectiveWords]):
    """The objective words, read in the active language (English source below)."""

    def __init__(self, source: dict[str, ObjectiveWords]) -> None:
        self._source = source

    def __getitem__(self, key: str) -> ObjectiveWords:
        w = self._source[key]
        return ObjectiveWords(_(w.name), _(w.after_amount), _(w.axis), w.money)

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)


OBJECTIVES: Mapping[str, ObjectiveWords] = _Objectives(
    {
        "benefit": ObjectiveWords(
            N_("Most benefit (US$)"), N_("of benefit"), N_("Benefit (US$)"), True
        ),
        "enterprises": ObjectiveWords(
            N_("Most enterprises reached"),
            N_("enterprises reached"),
            N_("Enterprises reached"),
            False,
        ),
        "jobs": ObjectiveWords(N_("Most jobs"), N_("jobs"), N_("Jobs"), False),
        "weighted": ObjectiveWords(
            N_("Weighted mix of benefit, enterprises and jobs"),
            N_("of weighted objective"),
            N_("Weighted objective"),
            False,
        ),
        "min_cost": ObjectiveWords(
            N_("Least public cost that meets the targets"),
            N_("of public cost"),
            N_("Public cost (US$)"),
            True,
        ),
    }
)


def objective_amount(kind: str, value: float | int | None, *, locale: str | None = None) -> str:
    """A value in the objective's units, in words: "US$1,234,567 of benefit", "1,234 jobs"."""
    words = OBJECTIVES[kind]
    figure = money(value, locale=locale) if words.money else count(value, locale=locale)
    return f"{figure} {words.after_amount}"


def is_missing(value: float | int | None) -> bool:
    """True for None and NaN (a missing figure, not a zero)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _clean(value: float, tiny: float) -> float:
    # Round-off to zero, and never a negative zero (format_decimal(-0.0) gives "-0").
    return 0.0 if abs(value) < tiny else value


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


@cache
def _digit_table(locale: str) -> dict[int, str]:
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    return str.maketrans({",": group, ".": decimal, "-": get_minus_sign_symbol(locale)})


def local_digits(text: str, locale: str | None = None) -> str:
    """A number Python or the English path wrote ("1,234.5": "," groups, "." decimals) with
    ``locale``'s separators (the active locale's by default: "1.234,5" in es_CO); English
    unchanged. Babel takes ~0.1 ms a figure: where thousands are written (a table, the
    allocator's sentences) the English text with swapped symbols is the same text, fast
    (tests/test_i18n_tables.py and tests/test_i18n_allocator.py compare them with Babel)."""
    loc = _loc(locale)
    if loc in _ENGLISH or loc.startswith("en_"):
        return text
    return text.translate(_digit_table(loc))


def _loc(locale: str | None) -> str:
    """The locale asked for, else the active one (``i18n.active_number_locale``)."""
    return locale or active_number_locale()


def _grouped(value: float, decimals: int, locale: str | None) -> str:
    """``format_decimal(value, _pattern(decimals), locale)``, fast for English.

    Babel parses the locale and the pattern on every call (~0.1 ms); the allocator writes
    a money figure per unfunded candidate (16,000 at 10,000 candidates). For "en" the same
    text comes from Babel's own steps done directly: ``Decimal(str(value))``, quantized
    half-even to ``decimals`` places, groups of three joined by "," and "." before the
    decimals (tests/test_allocator_scale.py compares the two on random values).
    """
    locale = _loc(locale)
    if locale in _ENGLISH and math.isfinite(value):
        try:
            q = _QUANTUM[decimals] if decimals < len(_QUANTUM) else Decimal(1).scaleb(-decimals)
            return f"{Decimal(str(value)).quantize(q):,f}"
        except InvalidOperation:  # more digits than Decimal's context holds: Babel decides
            pass
    return format_decimal(value, format=_pattern(decimals), locale=locale)


# Decimal(1).scaleb(-d), made once (the same Decimal each call).
_QUANTUM: Final = tuple(Decimal(1).scaleb(-d) for d in range(8))


def number(
    value: float | int | None,
    decimals: int = 0,
    *,
    signed: bool = False,
    locale: str | None = None,
) -> str:
    """A plain number with separators and ``decimals`` places ("1,830"); ``signed`` puts +
    before increases."""
    if is_missing(value):
        return MISSING
    assert value is not None
    v = _clean(float(value), 0.5 * 10**-decimals)
    text = _grouped(v, decimals, locale)
    return f"+{text}" if signed and v > 0 else text


def money(
    value: float | int | None,
    *,
    cents: bool | None = False,
    signed: bool = False,
    locale: str | None = None,
) -> str:
    """Public money in US$ ("US$5,000,000", "-US$1,250").

    ``cents``: False whole dollars (default); True two decimals; None cents only below
    US$100, where they matter (a shadow price of US$0.35).
    """
    if is_missing(value):
        return MISSING
    assert value is not None
    v = _clean(float(value), TINY_USD)
    if cents is None:
        cents = 0 < abs(v) < 100
    text = _grouped(abs(v), 2 if cents else 0, locale)
    if text.strip("0.,") == "":  # rounds to zero: no sign
        return f"{CURRENCY}{text}"
    sign = "-" if v < 0 else ("+" if signed and v > 0 else "")
    return f"{sign}{CURRENCY}{text}"


def millions(value: float | int | None, *, locale: str | None = None) -> str:
    """US$ in millions with one decimal from US$1 M up ("US$5.0 M"), whole US$ below."""
    if is_missing(value):
        return MISSING
    assert value is not None
    if abs(float(value)) < 1e6:
        return money(value, locale=locale)
    return f"{CURRENCY}{format_decimal(value / 1e6, format='#,##0.0', locale=_loc(locale))} M"


def share(
    value: float | int | None,
    decimals: int = 0,
    *,
    locale: str | None = None,
) -> str:
    """A share 0-1 as a percentage ("45%", "45.7%")."""
    if is_missing(value):
        return MISSING
    assert value is not None
    v = _clean(float(value), max(TINY_SHARE, 0.5 * 10 ** -(decimals + 2)))
    return format_percent(v, format=_pattern(decimals) + "%", locale=_loc(locale))


def points(
    value: float | int | None,
    decimals: int = 0,
    *,
    signed: bool = True,
    locale: str | None = None,
) -> str:
    """A change of a share (0-1 minus 0-1) in percentage points ("+7 percentage points")."""
    if is_missing(value):
        return MISSING
    assert value is not None
    text = number(100 * float(value), decimals, signed=signed, locale=locale)
    one = text.lstrip("+-") in ("1", "1.0", "1,0")
    return (_("{figure} percentage point") if one else _("{figure} percentage points")).format(
        figure=text
    )


def count(
    value: float | int | None,
    *,
    signed: bool = False,
    locale: str | None = None,
) -> str:
    """A whole count: enterprises, jobs, candidates ("1,830")."""
    if is_missing(value):
        return MISSING
    assert value is not None
    return number(_clean(float(value), TINY_COUNT), 0, signed=signed, locale=locale)


def rate(value: float | int | None, *, locale: str | None = None) -> str:
    """US$ per US$ with cents ("US$1.35 per US$"): a return per public dollar."""
    if is_missing(value):
        return MISSING
    return _("{money} per US$").format(money=money(value, cents=True, locale=locale))


def unit_words(key: str | None) -> str:
    """A unit key in words ("USD_per_USD" -> "US$ per US$"); unknown keys lose their
    underscores; None or "" is a dash."""
    if not isinstance(key, str) or not key:  # None, "" or a table's NaN
        return MISSING
    return UNIT_WORDS[key] if key in UNIT_WORDS else key.replace("_", " ")


def value_in(
    value: float | int | None,
    unit: str | None,
    *,
    locale: str | None = None,
) -> str:
    """A value in its own unit as the evidence and candidates state it: money for US$,
    a percentage for shares, a rate for US$ per US$, whole counts, up to three decimals
    otherwise ("560,000", "US$680,000", "45%")."""
    if is_missing(value):
        return MISSING
    assert value is not None
    if unit in ("USD", "US$", "benefit", "min_cost"):
        return money(value, locale=locale)
    if unit == "USD_per_USD":
        return rate(value, locale=locale)
    if unit in ("share", "share_per_year"):
        return share(value, 1 if abs(float(value) * 100 % 1) > 1e-9 else 0, locale=locale)
    if unit in ("count", "enterprises", "jobs"):
        v = float(value)
        return count(v, locale=locale) if v == round(v) or abs(v) >= 100 else number(v, 1)
    v = _clean(float(value), 0.0005)
    return format_decimal(v, format="#,##0.###", locale=_loc(locale))


def parse_amount(text: str, field: str, *, locale: str = DEFAULT_LOCALE) -> float:
    """Read a typed amount ("5,000,000", "US$ 5,000,000", "2.5") under ``locale``'s
    separators. Grouping must be where the locale puts it, so "5.000.000" is refused in
    English rather than read as 5; ``ValueError`` names the field."""
    raw = text.strip().replace(CURRENCY, "").replace("$", "").replace("\u00a0", "").strip()
    if not raw:
        raise ValueError(f"{field}: enter an amount")
    try:
        value: Decimal = parse_decimal(raw, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation) as exc:
        raise ValueError(
            f"{field}: '{text}' is not an amount (write it like "
            f"{format_decimal(5000000, format='#,##0', locale=locale)})"
        ) from exc
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{field}: '{text}' is not a finite amount")
    return out


def compact(value: float | int | None, *, locale: str | None = None) -> str:
    """A figure of any size without scientific notation: whole from 100 up, then 2, 3 or
    4 decimals as it gets smaller; below 0.0001 it is round-off and shows as 0
    ("-353,000", "6.25", "0.035")."""
    if is_missing(value):
        return MISSING
    assert value is not None
    v = float(value)
    a = abs(v)
    if a < 0.00005:
        return number(0, locale=locale)
    decimals = 0 if a >= 100 else 2 if a >= 1 else 3 if a >= 0.01 else 4
    return number(v, decimals, locale=locale)
