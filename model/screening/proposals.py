"""A territorial project proposal for a matching grant (MIF 004 section V, components 2 and 3).

Units: money in US$ (nominal), duration in months, indicator baselines and
targets in the indicator's own unit (count, share 0-1, US$...).

The text forms below are the proposal CSV/Excel cell formats (see
``model.store.proposal_files``):

- entities: ``Name|type; Name|type`` with a type from ``ENTITY_TYPES``;
- inclusion: ``women;indigenous`` with groups from ``INCLUSION_GROUPS``;
- indicators: ``name|horizon|baseline|target`` items separated by ``;``, horizon
  ``short|medium|long`` (004 Annex II), an empty baseline meaning "not measured
  yet"; an optional fifth part is the unit (``firms|short|0|40|count``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from model.domain.candidates import ID_PATTERN
from model.domain.numbers import MAX_ABS
from model.formatting.i18n import N_, Labels, _, ngettext

EntityType = Literal[
    "business_enterprise",
    "knowledge_institution",
    "public_body",
    "business_association",
    "ngo",
    "financial_institution",
]
ENTITY_TYPES: tuple[EntityType, ...] = (
    "business_enterprise",
    "knowledge_institution",
    "public_body",
    "business_association",
    "ngo",
    "financial_institution",
)
# Labels read in the active language (``.english(key)`` gives the source text).
ENTITY_TYPE_LABELS = Labels(
    {
        "business_enterprise": N_("business enterprise"),
        "knowledge_institution": N_("knowledge institution"),
        "public_body": N_("public body"),
        "business_association": N_("business association"),
        "ngo": N_("NGO"),
        "financial_institution": N_("financial institution"),
    }
)
# The same with its indefinite article ("a business enterprise"), which a language
# such as Spanish chooses by the noun's gender ("una empresa", "un organismo público").
ENTITY_TYPE_WITH_ARTICLE = Labels(
    {
        "business_enterprise": N_("a business enterprise"),
        "knowledge_institution": N_("a knowledge institution"),
        "public_body": N_("a public body"),
        "business_association": N_("a business association"),
        "ngo": N_("a NGO"),
        "financial_institution": N_("a financial institution"),
    }
)
InclusionGroup = Literal["women", "indigenous", "afro_descendant", "informal_firms"]
INCLUSION_GROUPS: tuple[InclusionGroup, ...] = (
    "women",
    "indigenous",
    "afro_descendant",
    "informal_firms",
)
INCLUSION_LABELS = Labels(
    {
        "women": N_("women"),
        "indigenous": N_("indigenous peoples"),
        "afro_descendant": N_("afro-descendants"),
        "informal_firms": N_("informal firms"),
    }
)
Horizon = Literal["short", "medium", "long"]
HORIZONS: tuple[Horizon, ...] = ("short", "medium", "long")
HORIZON_LABELS = Labels(
    {
        "short": N_("short run (during the project)"),
        "medium": N_("medium run (at its end)"),
        "long": N_("long run (three years after)"),
    }
)
# The codes of a proposal file (entity types, groups, horizons) where a sentence lists
# them ("targets 2 group(s): women, informal_firms"): the code itself in English, as
# before, its translation in another language. The file keeps its codes.
CODE_WORDS = Labels(
    {
        "business_enterprise": N_("business_enterprise"),
        "knowledge_institution": N_("knowledge_institution"),
        "public_body": N_("public_body"),
        "business_association": N_("business_association"),
        "ngo": N_("ngo"),
        "financial_institution": N_("financial_institution"),
        "women": N_("women"),
        "indigenous": N_("indigenous"),
        "afro_descendant": N_("afro_descendant"),
        "informal_firms": N_("informal_firms"),
        "short": N_("short"),
        "medium": N_("medium"),
        "long": N_("long"),
    }
)


def code_words(codes: Sequence[str]) -> str:
    """Codes joined by ", ", each in the active language."""
    return ", ".join(CODE_WORDS.get(c, c) for c in codes)


MAX_DURATION_MONTHS = 120  # the planner's horizon is at most 10 years (model.domain.candidates)


class _Frozen(BaseModel):
    # NaN and Infinity are refused where a proposal is read (issue 17: a stored 1e308
    # amount took the Proposals page down with OverflowError).
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Entity(_Frozen):
    """One submitting entity (004 section V, component 2 (i): "at least three entities")."""

    name: str = Field(min_length=1, max_length=200)
    type: EntityType


class ExpectedIndicator(_Frozen):
    """An indicator the proposal commits to, per the IDB horizons (004 Annex II)."""

    name: str = Field(min_length=1, max_length=200)
    horizon: Horizon
    baseline: float | None = Field(default=None, description="None: not measured yet")
    target: float
    unit: str = Field(default="", max_length=40)

    @field_validator("baseline", "target")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError(_("must be a finite number"))
        return v


class Proposal(_Frozen):
    """A proposal as submitted (see the module docstring for units and text forms)."""

    proposal_id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    territory: str = Field(default="", max_length=200)
    region: str = Field(min_length=1, max_length=100, description="Region of the plan")
    sector: str = Field(default="", max_length=200, description="Sector or supply chain")
    entities: tuple[Entity, ...] = ()
    amount_requested: float = Field(gt=0, le=MAX_ABS, description="Grant requested (US$)")
    match_cash: float = Field(
        default=0.0, ge=0, le=MAX_ABS, description="Partner cash committed (US$)"
    )
    match_in_kind: float = Field(default=0.0, ge=0, le=MAX_ABS, description="Partner in-kind (US$)")
    duration_months: int = Field(ge=1, le=MAX_DURATION_MONTHS)
    innovation: str = Field(default="", max_length=4000, description="Innovation claim")
    environmental_compliance: bool = False
    regulatory_compliance: bool = False
    inclusion: tuple[InclusionGroup, ...] = ()
    indicators: tuple[ExpectedIndicator, ...] = ()

    @field_validator("entities")
    @classmethod
    def _distinct_entities(cls, v: tuple[Entity, ...]) -> tuple[Entity, ...]:
        seen: set[str] = set()
        for e in v:
            key = e.name.casefold()
            if key in seen:
                raise ValueError(_("entity '{name}' is listed twice").format(name=e.name))
            seen.add(key)
        return v

    @field_validator("inclusion")
    @classmethod
    def _distinct_groups(cls, v: tuple[InclusionGroup, ...]) -> tuple[InclusionGroup, ...]:
        return tuple(dict.fromkeys(v))

    @property
    def partner_match(self) -> float:
        """Partner money committed, cash plus in kind (US$)."""
        return self.match_cash + self.match_in_kind

    @property
    def full_cost(self) -> float:
        """Grant requested plus partner match (US$)."""
        return self.amount_requested + self.partner_match

    @property
    def cofinancing_share(self) -> float:
        """Partner match as a share (0-1) of the full cost."""
        return self.partner_match / self.full_cost

    def count_type(self, entity_type: EntityType) -> int:
        return sum(1 for e in self.entities if e.type == entity_type)


def parse_entities(text: str) -> list[dict[str, str]]:
    """``Name|type; Name|type`` as entity inputs (types validated by ``Entity``)."""
    out: list[dict[str, str]] = []
    for i, item in enumerate((p.strip() for p in text.split(";")), start=1):
        if not item:
            continue
        name, sep, kind = item.rpartition("|")
        if not sep or not name.strip():
            raise ValueError(
                _("entity {n} '{item}' must be written Name|type, type one of {types}").format(
                    n=i, item=item[:60], types=", ".join(ENTITY_TYPES)
                )
            )
        out.append({"name": name.strip(), "type": _token(kind)})
    return out


def parse_inclusion(text: str) -> list[str]:
    """``women;indigenous`` as inclusion group names (hyphens and spaces become _)."""
    return [_token(p) for p in text.split(";") if p.strip()]


def parse_indicators(text: str) -> list[dict[str, str | None]]:
    """``name|horizon|baseline|target[|unit]`` items separated by ``;``."""
    out: list[dict[str, str | None]] = []
    for i, item in enumerate((p.strip() for p in text.split(";")), start=1):
        if not item:
            continue
        parts = [p.strip() for p in item.split("|")]
        if len(parts) not in (4, 5):
            raise ValueError(
                ngettext(
                    "indicator {n} '{item}' must be written name|horizon|baseline|target "
                    "(optionally |unit), found {parts} part",
                    "indicator {n} '{item}' must be written name|horizon|baseline|target "
                    "(optionally |unit), found {parts} parts",
                    len(parts),
                ).format(n=i, item=item[:60], parts=len(parts))
            )
        out.append(
            {
                "name": parts[0],
                "horizon": parts[1].lower(),
                "baseline": parts[2] or None,
                "target": parts[3],
                "unit": parts[4] if len(parts) == 5 else "",
            }
        )
    return out


def format_entities(entities: tuple[Entity, ...]) -> str:
    return "; ".join(f"{e.name}|{e.type}" for e in entities)


def format_indicators(indicators: tuple[ExpectedIndicator, ...]) -> str:
    def num(v: float | None) -> str:
        if v is None:
            return ""
        return str(int(v)) if v.is_integer() else repr(v)

    items = []
    for ind in indicators:
        parts = [ind.name, ind.horizon, num(ind.baseline), num(ind.target)]
        if ind.unit:
            parts.append(ind.unit)
        items.append("|".join(parts))
    return "; ".join(items)


def _token(text: str) -> str:
    return text.strip().lower().replace("-", "_").replace(" ", "_")
