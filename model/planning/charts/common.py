"""What every chart shares: the colour scheme, sizes, the page finish and the converters.

``finish`` is applied to every chart a page shows (``pages._charts.show``): its own size
kept ("pad") and drawn as SVG. ``svg`` and ``png`` are the only converters (vl_convert,
nothing downloaded). Money axes read "US$1.2M".
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import altair as alt
import vl_convert
from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

from model.domain.candidates import KIND_LABELS, KINDS
from model.formatting.i18n import N_, _, active_number_locale

# One colour per instrument, everywhere (pages, brief, PDF, workbook): tableau10's first three.
INSTRUMENT_COLOURS: Final[dict[str, str]] = {
    "cluster_initiative": "#4e79a7",
    "broker_programme": "#f28e2b",
    "matching_grant": "#59a14f",
}
SCHEME: Final = "tableau10"  # scenarios side by side: a categorical palette of distinct hues
# The data's status codes ("funded", "not funded": ``readout.candidate_points``) keep
# their colours; the legend shows them in words (``funded_legend``).
FUNDED_COLOURS = alt.Scale(domain=["funded", "not funded"], range=["#4e79a7", "#bbbbbb"])
FUNDED_WORDS: Final = {"funded": N_("funded"), "not funded": N_("not funded")}
BAR_COLOUR: Final = "#4e79a7"
# Marks that are not instruments, the same on every chart: percentile and low-end lines,
# the central value and high ends, two plans side by side, reference rules.
LOW_COLOUR: Final = "#d62728"
HIGH_COLOUR: Final = "#2ca02c"
FIRST_COLOUR: Final = "#1f77b4"
SECOND_COLOUR: Final = "#ff7f0e"
RULE_COLOUR: Final = "#333333"
MOVED_TOP = 20  # bars beyond this many candidates stop being readable
CHART_WIDTH_PX = 560
HEIGHT_PX = 260
BAR_STEP_PX = 22
BRIEF_WIDTH_PX = 190
BRIEF_HEIGHT_PX = 120
LABEL_LIMIT_PX = 260
PNG_SCALE = 2
# Under Streamlit's theme a single chart is autosized to "fit": a legend or long labels
# then squash the plot to a sliver (seen in Chromium). "pad" keeps the set width and height.
PAD = alt.AutoSizeParams(type="pad")
# Axis labels in US$ with SI prefixes ("US$1.2M"), and a plain "US$0" at zero (not "US$0M").
MONEY_LABEL: Final = "datum.value == 0 ? 'US$0' : 'US$' + datum.label"
# SVG in the browser: crisp text, and the browser tests can count the marks drawn.
SVG_EMBED: Final = {"embedOptions": {"renderer": "svg"}}


def kind_label(kind: str) -> str:
    """An instrument in words in the active language (the label the charts show)."""
    label = KIND_LABELS.get(kind)
    return kind if label is None else _(label)


def shown_kind(value: object) -> object:
    """A row's instrument as the charts show it: a kind code or its English label becomes
    the label in the active language (already translated text is left as it is), so the
    colour scale's domain (``instrument_scale``) always matches the data."""
    if not isinstance(value, str):
        return value
    if value in KIND_LABELS:
        return kind_label(value)
    return _(value) if value in KIND_LABELS.values() else value


def with_shown_kinds(
    rows: Sequence[Mapping[str, Any]], field: str = "kind"
) -> list[dict[str, Any]]:
    """``rows`` with their ``field`` in words of the active language (``shown_kind``)."""
    return [{**r, field: shown_kind(r[field])} if field in r else dict(r) for r in rows]


def instrument_scale() -> alt.Scale:
    """The instrument colours keyed by the labels the charts show (active language)."""
    return alt.Scale(
        domain=[kind_label(k) for k in KINDS], range=[INSTRUMENT_COLOURS[k] for k in KINDS]
    )


def kind_colour(field: str = "kind") -> alt.Color:
    return alt.Color(
        f"{field}:N",
        title=_("Instrument"),
        scale=instrument_scale(),
        legend=alt.Legend(orient="bottom", labelLimit=0),
    )


def label_expr(words: Mapping[str, str]) -> str:
    """A Vega expression that shows a legend's or axis's codes in words (``words``: code
    -> English text, translated here); a code not listed shows as it is."""
    expr = "datum.label"
    for code, text in reversed(list(words.items())):
        expr = f"datum.label === {json.dumps(code)} ? {json.dumps(_(text))} : ({expr})"
    return expr


def funded_legend() -> alt.Legend:
    """The funded/not funded legend, in words of the active language."""
    return alt.Legend(labelExpr=label_expr(FUNDED_WORDS))


def legend() -> alt.Legend:
    return alt.Legend(orient="bottom", direction="vertical", labelLimit=0, title=None)


# Babel's date pattern letters -> d3-time-format directives (longest first).
_D3_TIME: Final = (
    ("EEEE", "%A"),
    ("EEE", "%a"),
    ("MMMM", "%B"),
    ("MMM", "%b"),
    ("MM", "%m"),
    ("M", "%-m"),
    ("dd", "%d"),
    ("d", "%-d"),
    ("yyyy", "%Y"),
    ("yy", "%y"),
    ("y", "%Y"),
    ("HH", "%H"),
    ("H", "%-H"),
    ("hh", "%I"),
    ("h", "%-I"),
    ("mm", "%M"),
    ("ss", "%S"),
    ("a", "%p"),
)
_D3_TOKEN: Final = re.compile("'([^']*)'|" + "|".join(k for k, _v in _D3_TIME))


def _d3_time(pattern: str) -> str:
    """A Babel (CLDR) date/time pattern as a d3-time-format specifier ("d/MM/y" ->
    "%-d/%m/%Y"); quoted literals kept ("d 'de' MMM" -> "%-d de %b")."""
    words = dict(_D3_TIME)

    def one(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1).replace("%", "%%")
        return words[m.group(0)]

    return _D3_TOKEN.sub(one, pattern)


@functools.cache
def _vega_locale(number_locale: str) -> tuple[tuple[str, Any], ...] | None:
    loc = Locale.parse(number_locale)
    months = loc.months["format"]
    days = loc.days["format"]  # CLDR: 0 is Monday; d3: Sunday first
    periods = loc.day_periods["format"]["abbreviated"]
    date = loc.date_formats["short"].pattern
    time = loc.time_formats["medium"].pattern
    both = str(loc.datetime_formats["medium"])
    number = {
        "decimal": get_decimal_symbol(loc),
        "thousands": get_group_symbol(loc),
        "grouping": [3],
        "currency": ["US$", ""],
    }
    shown = {
        "locale": {
            "number": number,
            "time": {
                "dateTime": both.replace("{1}", _d3_time(date)).replace("{0}", _d3_time(time)),
                "date": _d3_time(date),
                "time": _d3_time(time),
                "periods": [periods.get("am", "AM"), periods.get("pm", "PM")],
                "days": [days["wide"][(i + 6) % 7] for i in range(7)],
                "shortDays": [days["abbreviated"][(i + 6) % 7] for i in range(7)],
                "months": [months["wide"][i] for i in range(1, 13)],
                "shortMonths": [months["abbreviated"][i] for i in range(1, 13)],
            },
        },
        "timeFormat": _d3_time(loc.date_formats["medium"].pattern),
    }
    # Vega's own defaults are US English ("1,000.5", "July"): nothing to add there, so an
    # English chart's spec stays as it was.
    if number["decimal"] == "." and number["thousands"] == "," and months["wide"][7] == "July":
        return None
    return tuple(shown.items())


def vega_config(number_locale: str | None = None) -> dict[str, Any]:
    """The Vega-Lite ``config`` entries that write a chart's figures and dates like the
    reader's number locale (default: the active one, ``i18n.active_number_locale``):
    ``locale`` (separators "1.000.000", "0,5", "0,4M"; month and day names "julio") and
    ``timeFormat`` (dates in tooltips). Empty for US English (Vega's own defaults)."""
    found = _vega_locale(number_locale or active_number_locale())
    return {} if found is None else json.loads(json.dumps(dict(found)))


def with_locale(spec: dict[str, Any], number_locale: str | None = None) -> dict[str, Any]:
    """``spec`` (a Vega-Lite dict) with ``vega_config`` added to its top-level config; a
    locale the spec already has (``finish``) is kept."""
    extra = vega_config(number_locale)
    config = spec.get("config", {})
    if not extra or "locale" in config:
        return spec
    return {**spec, "config": {**extra, **config}}


def finish(chart: Any) -> Any:
    """A chart ready for the page: its own size kept ("pad"), drawn as SVG, its figures
    and dates written in the reader's number locale (``vega_config``)."""
    out = chart.properties(autosize=PAD, usermeta=SVG_EMBED)
    extra = vega_config()
    if extra:
        config = alt.Config() if out.config is alt.Undefined else out.config.copy()
        for key, value in extra.items():
            config[key] = value
        out.config = config
    return out


def svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """The chart drawn as an SVG document (text, no browser needed), in the reader's
    number locale (``with_locale``)."""
    spec = with_locale(chart if isinstance(chart, dict) else chart.to_dict())
    out: str = vl_convert.vegalite_to_svg(spec)
    return out


def png(chart: alt.TopLevelMixin | dict[str, Any], scale: float = PNG_SCALE) -> bytes:
    """The chart drawn as a PNG image (``scale`` times its pixel size), in the reader's
    number locale (``with_locale``)."""
    spec = with_locale(chart if isinstance(chart, dict) else chart.to_dict())
    out: bytes = vl_convert.vegalite_to_png(spec, scale=scale)
    return out


def money_axis() -> alt.Axis:
    return alt.Axis(format="~s", labelExpr=MONEY_LABEL)
