"""Parts of the Proposals page: the manual-entry form and the funding result of a plan.

Split from ``pages/proposals.py`` to keep each file short; the logic lives in
``model.screening`` (``forms.build_proposal``, ``plan.solve_plan``).
"""

from dataclasses import dataclass

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from model.accounts.auth import PermissionDenied, User, can
from model.formatting import numbers
from model.formatting.i18n import N_
from model.formatting.numbers import MISSING
from model.screening.forms import FormInvalid, build_proposal
from model.screening.proposals import (
    CODE_WORDS,
    ENTITY_TYPE_LABELS,
    HORIZONS,
    INCLUSION_GROUPS,
    INCLUSION_LABELS,
    Proposal,
)
from model.screening.rules import ScreeningRules, usd
from model.screening.tables import FUNDING_COLOURS, badge, proposal_status_words
from model.store.handover import PlanDataset, PlanOutcome, solve_plan
from model.store.proposal_files import StaleProposal, save_proposals
from model.store.screening import start_monitoring
from pages._handover import open_dataset_in_plan
from pages._i18n import _, ngettext, number_locale
from pages._shared import md

FUNDING_FILLS = {
    "funded": "C6EFCE",
    "partly funded": "FFEB9C",
    "not funded": "EDEDED",
    "ineligible": "FFC7CE",
    "not in plan": "EDEDED",
}
# Column headings of the screening tables: the rows' field names, which the English
# page shows as they are, read in the reader's language (``headings``).
ELIGIBILITY_HEADINGS = {
    "proposal_id": N_("proposal_id"),
    "title": N_("title"),
    "region": N_("region"),
    "requested": N_("requested"),
    "match": N_("match"),
    "verdict": N_("verdict"),
    "failed_gates": N_("failed_gates"),
    "status": N_("status"),
}
RANKING_HEADINGS = {
    "rank": N_("rank"),
    "proposal_id": N_("proposal_id"),
    "title": N_("title"),
    "score": N_("score"),
    "reviewers": N_("reviewers"),
    "disagreement": N_("disagreement"),
}
SENSITIVITY_HEADINGS = {
    "case": N_("case"),
    "ranking": N_("ranking"),
    "rank_changes": N_("rank_changes"),
}

# Empty rows of the two entry tables. Their keys are the machine keys that
# ``forms.entity_rows`` and ``forms.indicator_rows`` read back; the headings a reader
# sees are the tables' ``column_config`` labels, in the reader's language.
BLANK_ENTITIES: dict[str, list[str | None]] = {"name": [""] * 3, "type": [None] * 3}
BLANK_INDICATORS: dict[str, list[str | None]] = {
    "name": [""],
    "horizon": ["short"],
    "baseline": [None],
    "target": [None],
    "unit": [""],
}


@dataclass(frozen=True)
class SolvedWith:
    """The inputs of a hand-over's solve (money US$, horizon years, scores 0-5)."""

    plan: PlanDataset
    proposals: tuple[Proposal, ...]
    budget: float
    horizon: int
    rules: ScreeningRules
    scores: dict[str, float]
    min_score: float | None

    def solve(self) -> PlanOutcome:
        return solve_plan(
            self.plan,
            self.proposals,
            self.budget,
            self.horizon,
            rules=self.rules,
            scores=self.scores,
            min_score=self.min_score,
        )


def headings(names: dict[str, str]) -> dict[str, str]:
    """``column_config`` giving each column its heading in the reader's language."""
    return {key: _(label) for key, label in names.items()}


def funding_fill(status: object) -> str:
    """The fill of a status cell, shown in the reader's language or as its code."""
    fill = FUNDING_FILLS.get(str(status))
    if fill is None:
        fill = next(
            (f for code, f in FUNDING_FILLS.items() if proposal_status_words(code) == str(status)),
            None,
        )
    return f"background-color: #{fill}" if fill else ""


def manual_entry(eng: Engine, user: User) -> None:
    """One proposal by form; problems are listed by field and nothing is saved."""
    with st.form("proposals_form"):
        c1, c2 = st.columns(2)
        fields = {
            "proposal_id": c1.text_input(_("Proposal id"), key="proposals_f_id"),
            "title": c2.text_input(_("Title"), key="proposals_f_title"),
            "territory": c1.text_input(_("Territory"), key="proposals_f_territory"),
            "region": c2.text_input(_("Region (of the plan)"), key="proposals_f_region"),
            "sector": c1.text_input(_("Sector or supply chain"), key="proposals_f_sector"),
            "duration_months": c2.number_input(
                _("Duration (months)"), 1, 120, 24, key="proposals_f_duration"
            ),
            "amount_requested": c1.number_input(
                _("Grant requested (US$)"), 0.0, None, 0.0, 10_000.0, key="proposals_f_amount"
            ),
            "match_cash": c2.number_input(
                _("Partner match, cash (US$)"),
                0.0,
                None,
                0.0,
                10_000.0,
                key="proposals_f_cash",
            ),
            "match_in_kind": c1.number_input(
                _("Partner match, in kind (US$)"),
                0.0,
                None,
                0.0,
                10_000.0,
                key="proposals_f_kind",
            ),
            "inclusion": c2.multiselect(
                _("Social-inclusion targeting"),
                INCLUSION_GROUPS,
                format_func=lambda g: INCLUSION_LABELS[g],
                key="proposals_f_inclusion",
                placeholder=_("Choose options"),
            ),
            "innovation": st.text_area(_("Innovation claim"), key="proposals_f_innovation"),
            "environmental_compliance": st.checkbox(
                _("Environmentally sustainable (declared)"), key="proposals_f_env"
            ),
            "regulatory_compliance": st.checkbox(
                _("Complies with domestic standards and regulations"), key="proposals_f_reg"
            ),
        }
        st.markdown(_("**Submitting entities** (name and type; add rows as needed)"))
        entities = st.data_editor(
            pd.DataFrame(BLANK_ENTITIES),
            num_rows="dynamic",
            column_config={
                "name": st.column_config.TextColumn(_("name")),
                "type": st.column_config.SelectboxColumn(
                    _("type"), options=list(ENTITY_TYPE_LABELS.values())
                ),
            },
            hide_index=True,
            key="proposals_f_entities",
        )
        st.markdown(_("**Expected indicators** with baselines (004 Annex II horizons)"))
        indicators = st.data_editor(
            pd.DataFrame(dict(BLANK_INDICATORS, horizon=[CODE_WORDS["short"]])).astype(
                {"baseline": "float", "target": "float"}
            ),
            num_rows="dynamic",
            column_config={
                "name": st.column_config.TextColumn(_("name")),
                "horizon": st.column_config.SelectboxColumn(
                    _("horizon"), options=[CODE_WORDS[h] for h in HORIZONS]
                ),
                "baseline": st.column_config.NumberColumn(_("baseline")),
                "target": st.column_config.NumberColumn(_("target")),
                "unit": st.column_config.TextColumn(_("unit")),
            },
            hide_index=True,
            key="proposals_f_indicators",
        )
        submitted = st.form_submit_button(_("Save proposal"), type="primary")
    if submitted:
        try:
            proposal = build_proposal(
                fields, entities.to_dict("records"), indicators.to_dict("records")
            )
            # A form makes a new proposal: an existing id is refused, never overwritten.
            save_proposals(
                eng, [proposal], user=user, expected_versions={proposal.proposal_id: None}
            )
        except FormInvalid as exc:
            st.error(
                _("Not saved; fix these fields:")
                + "\n\n"
                + "\n".join(md(f"- **{p.field}**: {p.message}") for p in exc.problems)
            )
        except (PermissionDenied, StaleProposal) as exc:
            st.error(_("Not saved: {problem}").format(problem=exc))
        else:
            st.session_state["proposals_flash"] = _("Saved proposal {id}.").format(
                id=proposal.proposal_id
            )
            st.rerun()


def show_outcome(eng: Engine, user: User, dataset: str, outcome: PlanOutcome) -> None:
    """The solved plan: its summary and, per proposal, funded or not and why."""
    res = outcome.result
    loc = number_locale()
    st.subheader(_("Funding result: {dataset}").format(dataset=dataset))
    if not res.optimal:
        st.error(
            md(
                _("The plan was not solved ({status}): {why}").format(
                    status=res.status, why=res.message
                )
            )
        )
    else:
        c1, c2, c3 = st.columns(3)
        c1.metric(_("Expected benefit"), numbers.money(res.objective, locale=loc))
        c2.metric(_("Public money used"), numbers.money(res.total_public, locale=loc))
        # "US$1.35 per US$" holds two "$": a metric's value is markdown, where a pair of
        # "$" is LaTeX ("US1.35perUS" in italics), so each is escaped.
        c3.metric(
            _("Return per public dollar"),
            md(numbers.rate(res.return_per_public_dollar, locale=loc)),
        )
        st.caption(md(res.unallocated_sentence))
    status = _("status")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    _("proposal"): x.proposal_id,
                    _("title"): x.title,
                    status: proposal_status_words(x.status),
                    _("requested (US$)"): usd(x.requested),
                    _("funded (US$)"): usd(x.funded),
                    _("why"): x.reason,
                }
                for x in outcome.lines
            ]
        ).style.map(funding_fill, subset=[status]),
        hide_index=True,
        width="stretch",
        key="proposals_funding_table",
        placeholder=MISSING,
    )
    for x in outcome.lines:
        if x.status != "ineligible":
            mark = badge(x.status, FUNDING_COLOURS, proposal_status_words)
            st.markdown(md(f"{mark} **{x.proposal_id}**: {x.reason}"))
    if outcome.scores_note:
        st.info(md(outcome.scores_note), icon=":material/rate_review:")
    st.caption(
        _(
            "Open the planning dataset `{dataset}` on the Data page to see every candidate "
            "of this plan."
        ).format(dataset=dataset)
    )
    if st.button(_("Open this plan on the Plan page"), key="proposals_open_plan"):
        open_dataset_in_plan(dataset)
    funded = outcome.funded_ids
    if (
        funded
        and can(user, "indicator.write")
        and st.button(
            ngettext(
                "Start monitoring the {n} funded proposal",
                "Start monitoring the {n} funded proposals",
                len(funded),
            ).format(n=numbers.count(len(funded), locale=loc)),
            key="proposals_monitor",
        )
    ):
        try:
            n = start_monitoring(eng, funded, user=user)
        except (ValueError, PermissionDenied) as exc:
            st.error(md(_("Monitoring not started: {problem}").format(problem=exc)))
        else:
            st.session_state["proposals_flash"] = " ".join(
                (
                    ngettext(
                        "Monitoring {n} project:", "Monitoring {n} projects:", len(funded)
                    ).format(n=numbers.count(len(funded), locale=loc)),
                    ngettext(
                        "{n} indicator added; see the Indicators page.",
                        "{n} indicators added; see the Indicators page.",
                        n,
                    ).format(n=numbers.count(n, locale=loc)),
                )
            )
            st.rerun()
