"""Every write action, called through the model as every role, on SQLite and PostgreSQL.

An allowed call succeeds; a refused one raises ``PermissionDenied`` and leaves
every table exactly as it was (the check is in model/, not in hidden buttons).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select

from model import DATA_DIR
from model.accounts.audit import fetch_audit
from model.accounts.auth import VIEWER, PermissionDenied, Role, User, create_user
from model.allocator.scenario import parse_scenario
from model.screening.indicators import ProjectIndicator
from model.screening.rubric import CriterionScore, Review
from model.store.db import Base, transaction
from model.store.handover import send_to_plan
from model.store.importer import import_file
from model.store.net_files import import_net_assessments
from model.store.proposal_files import fetch_proposals, import_proposals
from model.store.scenarios import delete_scenario, list_scenarios, save_scenario
from model.store.screening import save_project_indicators, save_review, start_monitoring

ADMIN = User("root", "admin")
USERS: dict[Role, User] = {
    "viewer": VIEWER,
    "analyst": User("luis", "analyst"),
    "screener": User("mia", "screener"),
    "admin": User("ana", "admin"),
}
HAND = json.loads((DATA_DIR / "scenarios" / "hand.json").read_text())
PROPOSALS = (DATA_DIR / "proposals_example.csv").read_bytes()
NETS = (DATA_DIR / "net_example.csv").read_bytes()
EVIDENCE_ROW = (
    "evidence_id,programme_id,metric,value,unit,source_file,passage\n"
    "RM-01,HND,consultants,8,count,002_190a6727378b83c7.txt,Honduras\n"
)

Action = Callable[[Engine, User], object]


def _first_proposal(engine: Engine) -> str:
    return fetch_proposals(engine)[0].proposal_id


def _review(engine: Engine, user: User) -> None:
    pid = _first_proposal(engine)
    save_review(
        engine,
        Review(
            proposal_id=pid,
            reviewer=user.username or "rm",  # a review is the signed-in account's own
            scores=(CriterionScore(criterion="innovation", score=4),),
        ),
        user=user,
    )


def _indicator(engine: Engine, user: User) -> None:
    save_project_indicators(
        engine,
        [ProjectIndicator(project_id="P-001", name="Firms", horizon="short", target=10)],
        user=user,
    )


def _delete_baseline(engine: Engine, user: User) -> None:
    (baseline,) = [s for s in list_scenarios(engine) if s.name == "Demo baseline"]
    delete_scenario(engine, user, baseline.id, base_version=baseline.version)


# action name -> (call, roles allowed besides admin)
ACTIONS: dict[str, tuple[Action, set[str]]] = {
    "save scenario": (
        lambda e, u: save_scenario(e, u, parse_scenario(HAND), name="RM scenario"),
        {"analyst"},
    ),
    "delete scenario": (_delete_baseline, {"analyst"}),
    "import data": (
        lambda e, u: import_file(e, EVIDENCE_ROW.encode(), "ev.csv", user=u),
        set(),
    ),
    "create user": (
        lambda e, u: create_user(e, "newbie", "a long enough password", "analyst", actor=u),
        set(),
    ),
    "import proposals": (
        lambda e, u: import_proposals(e, PROPOSALS, "p.csv", user=u),
        {"screener"},
    ),
    "score proposal": (_review, {"screener"}),
    "send to plan": (lambda e, u: send_to_plan(e, "demo", user=u), {"screener"}),
    "record NET": (lambda e, u: import_net_assessments(e, NETS, "n.csv", user=u), {"screener"}),
    "record indicators": (_indicator, {"screener"}),
    "start monitoring": (lambda e, u: start_monitoring(e, ["P-001"], user=u), {"screener"}),
    "view audit log": (lambda e, u: fetch_audit(e, u), set()),
}


def _counts(engine: Engine) -> tuple[int, ...]:
    with transaction(engine) as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        )


@pytest.fixture
def world(seeded_engine: Engine) -> Engine:
    """Seeded data plus proposals, so every action has something to act on."""
    import_proposals(seeded_engine, PROPOSALS, "setup.csv", user=ADMIN)
    create_user(seeded_engine, "root", "a long enough password", "admin")
    return seeded_engine


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_write_permissions(world: Engine, action: str, role: Role) -> None:
    call, allowed = ACTIONS[action]
    user = USERS[role]
    if role == "admin" or role in allowed:
        call(world, user)
        return
    before = _counts(world)
    with pytest.raises(PermissionDenied):
        call(world, user)
    assert _counts(world) == before, f"{role} was refused '{action}' but rows changed"
