"""Proposal screening for matching grants, NET network maturity and IDB indicators.

The domain core behind the screening, network and monitoring pages (none of it
imports Streamlit):

- ``proposals``: the proposal schema (entities, inclusion, expected indicators);
- ``proposal_io``: CSV/Excel parsing and the all-or-nothing import into ``proposals``;
- ``rules``: the eligibility gates of MIF 004 section V, with the fix for each failure;
- ``rubric`` and ``sensitivity``: weighted reviewer scoring, disagreement, and how
  the ranking moves when one weight moves by +/-20 %;
- ``desk``: the desk score, the rubric applied to what a proposal file alone shows;
- ``handover``: eligible proposals as ``model.domain.candidates.Candidate`` matching grants,
  and the funded / not funded explanation of a plan;
- ``net`` and ``net_io``: the UNIDO Network Evaluation Tool (7 indicators x 5 stages),
  score, stage, benchmark, the stage's expected fee share; its file format and table;
- ``indicators``: IDB Annex II monitoring indicators with status and Excel export;
- ``store``: persistence of reviews, hand-over status and project indicators;
- ``plan``: the hand-over as a ``<base>+proposals`` planning dataset, solved and explained;
- ``forms`` and ``tables``: typed records from page input, and display rows for the pages;
- ``cli``: ``fomento screen FILE [--format table|json]``.
"""
