"""Proposals: import or enter matching-grant proposals, check eligibility, review and rank
them, and hand the eligible ones over to a plan that the allocator solves."""

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from model import DATA_DIR
from model.accounts.auth import PermissionDenied, can
from model.formatting import numbers
from model.formatting.numbers import MISSING
from model.screening.rubric import (
    DEFAULT_RUBRIC,
    DISAGREEMENT_POINTS,
    MAX_SCORE,
    MIN_SCORE,
    CriterionScore,
    Review,
    criterion_name,
    score_all,
)
from model.screening.rules import SMALLEST_PAST_SIZE, ScreeningRules, amount_source, screen_all
from model.screening.sensitivity import profiles_from_scores, weight_sensitivity
from model.screening.tables import (
    eligibility_rows,
    ranking_rows,
    rubric_with_weights,
    sensitivity_rows,
)
from model.store import db
from model.store.handover import SUFFIX, send_to_plan
from model.store.importer import ImportRejected
from model.store.proposal_files import (
    fetch_proposals,
    import_proposals,
    parse_proposals,
    proposal_statuses,
)
from model.store.screening import fetch_reviews, save_review
from pages._i18n import _, ngettext, number_format_select, number_locale
from pages._proposal_parts import (
    ELIGIBILITY_HEADINGS,
    RANKING_HEADINGS,
    SENSITIVITY_HEADINGS,
    SolvedWith,
    headings,
    manual_entry,
    show_outcome,
)
from pages._shared import (
    clear_data_caches,
    current_user,
    datasets,
    engine,
    may_write,
    md,
    plain,
    show_flash,
)

EXAMPLE = DATA_DIR / "proposals_example.csv"
DEFAULT_BUDGET = 5_000_000.0  # US$ over the horizon
DEFAULT_HORIZON = 4  # years
st.title(_("Proposals"))  # first: activates the reader's language for the model's text too
st.caption(
    _(
        "Matching-grant proposals for joint private-public initiatives (MIF, 004 section V, "
        "components 2 and 3): check them against the eligibility gates, score them with the "
        "rubric, then send the eligible ones to a plan."
    )
)
loc = number_locale()
# Table figures: English as before; another language in the browser's own convention.
whole, two_places = ("%,.0f", "%.2f") if loc.startswith("en") else ("localized", "localized")
eng = engine()
url = db.database_url()
user = current_user()
writer = may_write(user, "proposal.write", _("import, review or hand over proposals"))
may_review = can(user, "review.write")
show_flash("proposals_flash")

proposals = fetch_proposals(eng)
titles = {p.proposal_id: p.title for p in proposals}
statuses = proposal_statuses(eng)
with st.expander(_("Call settings (set by the screener; no source states these)")):
    st.caption(
        _(
            "Past MIF project sizes: {source}. That is a range of past projects, not a "
            "limit, so by default no request is rejected for its size; set this call's own "
            "limits here (0 = none). A request below {smallest} is flagged, not rejected."
        ).format(source=amount_source(), smallest=numbers.money(SMALLEST_PAST_SIZE, locale=loc))
    )
    k1, k2 = st.columns(2)
    call_min = k1.number_input(
        _("Least request (US$)"),
        0.0,
        None,
        0.0,
        50_000.0,
        format="%.0f",
        key="proposals_call_min",
    )
    call_max = k2.number_input(
        _("Largest request (US$)"),
        0.0,
        None,
        0.0,
        50_000.0,
        format="%.0f",
        key="proposals_call_max",
    )
try:
    rules = ScreeningRules(min_amount=call_min or None, max_amount=call_max or None)
except ValueError as exc:
    # The rule's own words, without pydantic's English preamble.
    why = (
        "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        if isinstance(exc, ValidationError)
        else str(exc)
    )
    st.error(md(_("Call settings not used: {problem}").format(problem=why)))
    rules = ScreeningRules()
screenings = screen_all(proposals, rules)
eligible_ids = [s.proposal_id for s in screenings if s.eligible]

# A keyed, state-tracking tab bar keeps the user's tab across the reruns after a write;
# every tab's content still runs (nothing reads .open), so each stays testable.
tab_in, tab_el, tab_rev, tab_plan = st.tabs(
    [_("Import / enter"), _("Eligibility"), _("Review & rank"), _("Hand-over to a plan")],
    key="proposals_tab",
    on_change="rerun",
)

with tab_in:
    st.markdown(
        _(
            "Upload a **CSV** or **Excel .xlsx** file, one proposal per row. The whole file "
            "is checked first: if any row is wrong nothing is written and every problem is "
            "listed by row and column. New here? Download the example (illustrative, "
            "fictional country) and upload it."
        )
    )
    st.download_button(
        _("Example file ({file})").format(file=EXAMPLE.name),
        EXAMPLE.read_bytes(),
        file_name=EXAMPLE.name,
        mime="text/csv",
        key="proposals_example_dl",
    )
    number_format = number_format_select("proposals_number_format") if writer else "auto"
    # Reading an upload costs the server memory and time: only a role that may import it may.
    upload = (
        st.file_uploader(_("Proposals file"), type=["csv", "xlsx"], key="proposals_upload")
        if writer
        else None
    )
    if upload is not None:
        payload = upload.getvalue()
        try:
            parsed = parse_proposals(payload, upload.name, number_format)
        except ImportRejected as exc:
            st.error(
                md(
                    ngettext(
                        "**{file} was rejected; nothing was written.** {n} problem to fix:",
                        "**{file} was rejected; nothing was written.** {n} problems to fix:",
                        len(exc.problems),
                    ).format(file=upload.name, n=numbers.count(len(exc.problems), locale=loc))
                    + "\n\n"
                    + "\n".join(f"- {p}" for p in exc.problems)
                )
            )
        else:
            st.success(
                ngettext(
                    "{file} is valid: {n} proposal.", "{file} is valid: {n} proposals.", len(parsed)
                ).format(file=upload.name, n=numbers.count(len(parsed), locale=loc))
            )
            st.dataframe(
                pd.DataFrame(eligibility_rows(parsed, screen_all(parsed))),
                hide_index=True,
                width="stretch",
                column_config=headings(ELIGIBILITY_HEADINGS),
                placeholder=MISSING,
            )
            if writer and st.button(
                _("Import these proposals"), type="primary", key="proposals_import_go"
            ):
                try:
                    report = import_proposals(
                        eng, payload, upload.name, user=user, number_format=number_format
                    )
                except (ImportRejected, PermissionDenied) as exc:
                    st.error(md(_("Not imported: {problem}").format(problem=exc)))
                else:
                    st.session_state["proposals_flash"] = _("Imported {file}: {summary}.").format(
                        file=upload.name, summary=report.summary()
                    )
                    st.rerun()
    if writer:
        with st.expander(_("Enter one proposal by hand")):
            manual_entry(eng, user)

with tab_el:
    if not proposals:
        st.info(_("No proposals yet: import the example file in the first tab."))
    else:
        n_ok = len(eligible_ids)
        c1, c2, c3 = st.columns(3)
        c1.metric(_("Proposals"), len(proposals))
        c2.metric(_("Eligible"), n_ok)
        c3.metric(_("Ineligible"), len(proposals) - n_ok)
        st.dataframe(
            pd.DataFrame(eligibility_rows(proposals, screenings, statuses)),
            hide_index=True,
            width="stretch",
            column_config={
                **headings(ELIGIBILITY_HEADINGS),
                "requested": st.column_config.NumberColumn(_("requested (US$)"), format=whole),
                "match": st.column_config.NumberColumn(_("match (US$)"), format=whole),
            },
            key="proposals_eligibility_table",
            placeholder=MISSING,
        )
        for s in screenings:
            if s.eligible:
                continue
            with st.container(border=True):
                st.markdown(
                    _("**✗ {id}: {title}** is not eligible").format(
                        id=plain(s.proposal_id), title=plain(s.title)
                    )
                )
                st.markdown(
                    _("**Why:**")
                    + "\n"
                    + "\n".join(
                        md(
                            _("- {reason} _(source: {source})_").format(
                                reason=g.reason, source=g.source
                            )
                        )
                        for g in s.failures
                    )
                )
                st.markdown(
                    _("**What would make it eligible:**")
                    + "\n"
                    + "\n".join(md(f"- {fix}") for fix in s.fixes)
                )
        for s in screenings:
            if s.warnings:
                st.warning(md(f"{s.proposal_id}: " + "; ".join(s.warnings)), icon=":material/flag:")
        with st.expander(_("Every gate, with its cited source passage")):
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            _("proposal"): s.proposal_id,
                            _("gate"): g.label,
                            _("passed"): "✓" if g.passed else "✗",
                            _("reason"): g.reason,
                            _("source"): g.source,
                        }
                        for s in screenings
                        for g in s.gates
                    ]
                ),
                hide_index=True,
                width="stretch",
                placeholder=MISSING,
            )

with tab_rev:
    with st.expander(_("Rubric weights (relative; move one to see the ranking change)")):
        weights = {
            c.id: st.slider(
                _(c.label),
                0.0,
                0.5,
                float(c.weight),
                0.05,
                # "0.15" reads as fifteen hundredths only with a decimal point: a reader
                # writing 0,15 sees a percentage instead (Streamlit's format is printf or
                # a named one, never the sidebar's locale); English keeps "0.15".
                format=None if number_locale().startswith("en") else "percent",
                key=f"proposals_w_{c.id}",
                help=_("{description} Source: {source}").format(
                    description=_(c.description), source=_(c.source)
                ),
            )
            for c in DEFAULT_RUBRIC.criteria
        }
    try:
        rubric = rubric_with_weights(DEFAULT_RUBRIC, weights)
    except ValueError as exc:
        st.error(_("Weights: {problem}. Using the default weights.").format(problem=exc))
        rubric = DEFAULT_RUBRIC
    if not eligible_ids:
        st.info(_("No eligible proposal to review yet."))
    elif may_review:
        c1, c2 = st.columns(2)
        pid = c1.selectbox(
            _("Proposal"),
            eligible_ids,
            format_func=lambda p: f"{p}: {titles[p]}",
            key="proposals_review_pick",
        )
        # A review belongs to the signed-in account; only an admin may act for another.
        reviewer = c2.text_input(
            _("Reviewer"),
            value=user.username,
            key="proposals_reviewer",
            disabled=user.role != "admin",
            help=_("Your own review. An admin may enter another reviewer's name to act for them."),
        ).strip()
        earlier = {
            sc.criterion: sc
            for r in fetch_reviews(eng, pid)
            if r.reviewer == reviewer
            for sc in r.scores
        }
        with st.form("proposals_review_form"):
            marks = {}
            for c in rubric.criteria:
                st.markdown(
                    _("**{criterion}** (weight {weight})").format(
                        criterion=_(c.label),
                        weight=numbers.share(rubric.weights()[c.id], locale=loc),
                    )
                )
                st.caption(
                    md(
                        _("{description}. Source: {source}").format(
                            description=_(c.description), source=_(c.source)
                        )
                    )
                )
                a, b = st.columns([1, 2])
                old = earlier.get(c.id)
                marks[c.id] = (
                    a.slider(
                        _("Score 0-5"),
                        MIN_SCORE,
                        MAX_SCORE,
                        old.score if old else 0,
                        key=f"proposals_score_{pid}_{reviewer}_{c.id}",
                    ),
                    b.text_input(
                        _("Comment"),
                        old.comment if old else "",
                        key=f"proposals_comment_{pid}_{reviewer}_{c.id}",
                    ),
                )
            save = st.form_submit_button(_("Save review"), type="primary")
        if save:
            try:
                review = Review(
                    proposal_id=pid,
                    reviewer=reviewer,
                    scores=tuple(
                        CriterionScore(criterion=cid, score=s, comment=t)
                        for cid, (s, t) in marks.items()
                    ),
                )
                save_review(eng, review, user=user)
            except (ValueError, PermissionDenied) as exc:
                st.error(md(_("Review not saved: {problem}").format(problem=exc)))
            else:
                st.session_state["proposals_flash"] = _(
                    "Saved {reviewer}'s review of {pid}: weighted score {score} of 5."
                ).format(
                    reviewer=reviewer,
                    pid=pid,
                    score=numbers.number(rubric.weighted(review.by_criterion()), 2, locale=loc),
                )
                st.rerun()
    st.subheader(_("Ranking"))
    try:
        scores = score_all(rubric, fetch_reviews(eng))
    except ValueError as exc:
        st.error(md(_("Cannot score the reviews: {problem}").format(problem=exc)))
        scores = []
    if not scores:
        st.info(_("No reviews yet: score a proposal above."))
    else:
        st.caption(
            _(
                "Score 0-5: mean over reviewers of their weighted average. Reviewers "
                "{points} or more points apart on a criterion are flagged."
            ).format(points=DISAGREEMENT_POINTS)
        )
        st.dataframe(
            pd.DataFrame(ranking_rows(scores, titles)),
            hide_index=True,
            width="stretch",
            column_config={
                **headings(RANKING_HEADINGS),
                "score": st.column_config.NumberColumn(_("score"), format=two_places),
            },
            key="proposals_ranking_table",
            placeholder=MISSING,
        )
        flagged = [s for s in scores if s.flagged]
        if flagged:
            st.warning(
                _("Reviewers disagree on: {items}").format(
                    items="; ".join(
                        "{pid} ({names})".format(
                            pid=s.proposal_id,
                            names=", ".join(criterion_name(d.criterion) for d in s.flagged),
                        )
                        for s in flagged
                    )
                )
            )
        if len(scores) >= 2:
            sens = weight_sensitivity(rubric, profiles_from_scores(scores))
            st.markdown(
                _(
                    "**Weight sensitivity**: each weight moved by -20 % and +20 % (then all "
                    "renormalised). {changed} of {n} moves change the ranking."
                ).format(changed=len(sens.changed), n=len(sens.cases))
            )
            st.dataframe(
                pd.DataFrame(sensitivity_rows(sens)),
                hide_index=True,
                width="stretch",
                column_config=headings(SENSITIVITY_HEADINGS),
                key="proposals_sensitivity_table",
                placeholder=MISSING,
            )
        else:
            st.caption(_("Review a second proposal to see how the ranking moves with the weights."))

with tab_plan:
    bases = [d for d in datasets(url) if not d.endswith(SUFFIX)]
    st.markdown(
        ngettext(
            "Hand over the **{n} eligible** proposal as a matching-grant candidate of a "
            "plan: it joins a copy of the base planning dataset, named `<base>{suffix}`, "
            "which the allocator then solves. Ineligible ones are marked so.",
            "Hand over the **{n} eligible** proposals as matching-grant candidates of a "
            "plan: they join a copy of the base planning dataset, named `<base>{suffix}`, "
            "which the allocator then solves. Ineligible ones are marked so.",
            len(eligible_ids),
        ).format(n=numbers.count(len(eligible_ids), locale=number_locale()), suffix=SUFFIX)
    )
    if not bases:
        st.info(_("No planning dataset yet: run `fomento db seed` or import one on the Data page."))
    else:
        c1, c2, c3 = st.columns(3)
        base = c1.selectbox(_("Base planning dataset"), bases, key="proposals_plan_base")
        budget = c2.number_input(
            _("Budget over the horizon (US$)"),
            0.0,
            None,
            DEFAULT_BUDGET,
            250_000.0,
            format="%.0f",
            key="proposals_plan_budget",
        )
        # The amount with separators (inputs cannot).
        c2.caption(numbers.money(budget, locale=loc))
        horizon = c3.number_input(
            _("Horizon (years)"), 1, 10, DEFAULT_HORIZON, key="proposals_plan_horizon"
        )
        threshold = st.number_input(
            _("Reviewer score threshold (0-5; 0 = scores do not enter the plan)"),
            0.0,
            5.0,
            0.0,
            0.25,
            key="proposals_plan_threshold",
            help=_(
                "Proposals scoring below it are not offered to the allocator; the result "
                "says what that changed. Without it, scores are only quoted."
            ),
        )
        if writer and st.button(
            _("Send eligible proposals to a plan and solve"),
            type="primary",
            key="proposals_plan_go",
            disabled=not proposals,
        ):
            try:
                plan = send_to_plan(eng, base, user=user, rules=rules)
                # What the plan was solved with, to write its reasons again in another
                # language if the reader switches (the solve is the same; the words differ).
                solved_with = SolvedWith(
                    plan,
                    tuple(proposals),
                    budget,
                    int(horizon),
                    rules,
                    {s.proposal_id: s.score for s in scores},
                    threshold or None,
                )
                outcome = solved_with.solve()
            except (ValueError, PermissionDenied) as exc:
                st.error(md(_("Not handed over: {problem}").format(problem=exc)))
            else:
                clear_data_caches()
                st.session_state["proposals_outcome"] = (outcome, loc, solved_with)
                st.rerun()
    saved = st.session_state.get("proposals_outcome")
    if saved is not None:
        outcome, written_in, solved_with = saved
        if written_in != loc:  # the reader switched language: its reasons again, in theirs
            outcome = solved_with.solve()
            st.session_state["proposals_outcome"] = (outcome, loc, solved_with)
        show_outcome(eng, user, solved_with.plan.dataset, outcome)
