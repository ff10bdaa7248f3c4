"""Typed records from form input: a proposal from its fields and tables, a NET grid.

The screening pages collect loose values (text boxes, editable tables whose
empty number cells are NaN); these functions turn them into the domain models
and report every problem by field, so a page can show each next to its input.
Money in US$, duration in months, indicator values in the indicator's unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from model.formatting.errors import validation_message
from model.formatting.i18n import _
from model.screening.indicators import ProjectIndicator
from model.screening.net import INDICATORS, STAGES, STATUSES, NetAssessment
from model.screening.proposals import (
    CODE_WORDS,
    ENTITY_TYPE_LABELS,
    HORIZONS,
    Proposal,
    code_words,
)


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field (``entities``, ``indicators row 2 target``...)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class FormInvalid(ValueError):
    """The form cannot be saved; ``problems`` lists every field to fix."""

    def __init__(self, problems: Sequence[FieldProblem]):
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def _number(v: Any) -> Any:
    return None if _blank(v) else v


def entity_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Entity inputs from table rows ``{name, type}``; a type may be its label or its code."""
    out = []
    for row in rows:
        name, kind = row.get("name"), row.get("type")
        if _blank(name) and _blank(kind):
            continue
        text = "" if _blank(kind) else str(kind).strip()
        out.append({"name": "" if _blank(name) else str(name).strip(), "type": _type(text)})
    return out


def _type(text: str) -> str:
    # A label in the reader's language or in English, else the code as typed.
    for code in ENTITY_TYPE_LABELS:
        if text in (ENTITY_TYPE_LABELS[code], ENTITY_TYPE_LABELS.english(code)):
            return code
    return text.lower().replace(" ", "_")


def _horizon(text: str) -> str:
    # A horizon in the reader's words ("corto plazo") or its code ("short").
    for code in HORIZONS:
        if text == CODE_WORDS[code]:
            return code
    return text.lower()


def indicator_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Indicator inputs from table rows ``{name, horizon, baseline, target, unit}``."""
    out = []
    for row in rows:
        if all(_blank(row.get(k)) for k in ("name", "horizon", "baseline", "target", "unit")):
            continue
        out.append(
            {
                "name": "" if _blank(row.get("name")) else str(row["name"]).strip(),
                "horizon": "" if _blank(row.get("horizon")) else _horizon(str(row["horizon"])),
                "baseline": _number(row.get("baseline")),
                "target": _number(row.get("target")),
                "unit": "" if _blank(row.get("unit")) else str(row["unit"]).strip(),
            }
        )
    return out


def _field_name(loc: tuple[int | str, ...]) -> str:
    # Field and column names are the form's own keys ("entities", "target"): kept as is.
    if not loc:
        return _("form")
    head = str(loc[0])
    if len(loc) > 1 and isinstance(loc[1], int):
        if len(loc) > 2:
            return _("{field} row {row} {column}").format(field=head, row=loc[1] + 1, column=loc[2])
        return _("{field} row {row}").format(field=head, row=loc[1] + 1)
    return head


def build_proposal(
    fields: Mapping[str, Any],
    entities: Sequence[Mapping[str, Any]],
    indicators: Sequence[Mapping[str, Any]],
) -> Proposal:
    """A validated ``Proposal`` from form fields plus entity and indicator table rows.

    Raises ``FormInvalid`` listing every problem by field (``title``,
    ``entities row 2 type``, ``indicators row 1 horizon``...).
    """
    data = {k: v for k, v in fields.items() if not (_blank(v) and k not in ("title",))}
    data["entities"] = entity_rows(entities)
    data["indicators"] = indicator_rows(indicators)
    try:
        return Proposal.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = validation_message(err)
            if err["type"] == "literal_error" and "horizon" in err.get("loc", ()):
                msg = _("choose one of {choices}").format(choices=code_words(HORIZONS))
            problems.append(FieldProblem(_field_name(tuple(err.get("loc", ()))), msg))
        raise FormInvalid(problems) from None


def assessment_from_grid(
    network_id: str,
    network_name: str,
    assessed_on: date,
    grid: Sequence[Sequence[Any]],
    *,
    assessor: str = "",
    note: str = "",
) -> NetAssessment:
    """A NET assessment from a 7 x 5 grid of ``achieved`` / ``partly`` / ``not``.

    Rows follow ``net.INDICATORS`` and columns ``net.STAGES``; an empty cell
    counts as ``not`` (nothing recorded means not achieved yet). Raises
    ``FormInvalid`` naming the field or the cell.
    """
    problems = []
    cells = []
    if len(grid) != len(INDICATORS):
        problems.append(
            FieldProblem(
                _("matrix"),
                _("needs {need} indicator rows, has {have}").format(
                    need=len(INDICATORS), have=len(grid)
                ),
            )
        )
    for ind, row in zip(INDICATORS, grid, strict=False):
        out = []
        for stage, v in zip(STAGES, row, strict=False):
            value = "not" if _blank(v) else str(v)
            if value not in STATUSES:
                problems.append(
                    FieldProblem(
                        _("{indicator} at {stage}").format(indicator=ind, stage=stage),
                        _("'{value}' is not one of {choices}").format(
                            value=value, choices=STATUSES
                        ),
                    )
                )
            out.append(value)
        cells.append(tuple(out))
    if problems:
        raise FormInvalid(problems)
    try:
        return NetAssessment.model_validate(
            {
                "network_id": network_id.strip(),
                "network_name": network_name.strip(),
                "assessed_on": assessed_on,
                "cells": tuple(cells),
                "assessor": assessor.strip(),
                "note": note.strip(),
            }
        )
    except ValidationError as exc:
        raise FormInvalid(
            [
                FieldProblem(_field_name(tuple(e.get("loc", ()))), validation_message(e))
                for e in exc.errors()
            ]
        ) from None


def indicators_with_actuals(
    indicators: Sequence[ProjectIndicator], edits: Sequence[Mapping[str, Any]]
) -> list[ProjectIndicator]:
    """``indicators`` with ``actual`` and ``expected_share`` (0-1) taken from ``edits``.

    ``edits`` are rows in the same order (an edited table of the indicators); an
    empty actual means "not measured yet". Raises ``FormInvalid`` naming the
    indicator of each bad value.
    """
    if len(edits) != len(indicators):
        raise FormInvalid(
            [
                FieldProblem(
                    _("table"),
                    _("has {rows} rows for {n} indicators").format(
                        rows=len(edits), n=len(indicators)
                    ),
                )
            ]
        )
    out, problems = [], []
    for ind, row in zip(indicators, edits, strict=True):
        share = row.get("expected_share")
        data = {
            **ind.model_dump(),
            "actual": _number(row.get("actual")),
            "expected_share": ind.expected_share if _blank(share) else share,
        }
        try:
            out.append(ProjectIndicator.model_validate(data))
        except ValidationError as exc:
            for e in exc.errors():
                loc = e.get("loc", ())
                where = f"{ind.name} {loc[0]}" if loc else ind.name
                problems.append(FieldProblem(where, validation_message(e)))
    if problems:
        raise FormInvalid(problems)
    return out
