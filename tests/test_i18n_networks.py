"""The networks / indicators / admin slice in Spanish (issue 15): the model's labels,
reasons and refusals under ``using("es", "es_CO")``, and the Networks, Indicators and Admin
pages in AppTest for a Colombian browser. English is covered by the slice's own tests."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from model import DATA_DIR
from model.accounts import auth
from model.accounts.audit import action_words
from model.accounts.auth import LOCAL_USER, VIEWER, AuthError, PermissionDenied, User
from model.accounts.preferences import save_locale
from model.cli import main
from model.formatting.changes import change_summary, field_changes
from model.formatting.i18n import using
from model.screening.indicators import ProjectIndicator, indicator_status, indicators_xlsx_bytes
from model.screening.net import (
    INDICATORS,
    STAGE_LABELS,
    NetAssessment,
    matrix_cells,
    parse_row_codes,
)
from model.store import db
from model.store.importer import ImportRejected
from model.store.net_files import (
    NetImportReport,
    fetch_net_assessments,
    import_net_assessments,
    parse_net_assessments,
)
from model.store.proposal_files import import_proposals
from model.store.screening import (
    fetch_project_indicators,
    save_project_indicators,
    start_monitoring,
)
from tests.test_pages import APP, TIMEOUT_S, open_page

NET_EXAMPLE = DATA_DIR / "net_example.csv"
PROPOSALS_EXAMPLE = DATA_DIR / "proposals_example.csv"
PASSWORD = "a long enough password"


def jobs(actual: float | None = 33.0) -> ProjectIndicator:
    return ProjectIndicator(
        project_id="P-1", name="jobs", horizon="long", unit="jobs", baseline=0, target=35,
        actual=actual,
    )  # fmt: skip


# --- model text -----------------------------------------------------------------------


def test_net_labels_and_refusals_read_in_spanish() -> None:
    with using("es", "es_CO"):
        assert STAGE_LABELS["self_management"] == "Autogestión"
        cells = matrix_cells(fetch_or_parse_example()[0])
        assert (cells[0].indicator_label, cells[0].stage_label) == (
            "Cohesión del grupo",
            "Promoción y motivación",
        )
        assert cells[0].indicator == "group_cohesion", "codes stay codes"
        with pytest.raises(ValueError, match=r"'AAX' debe tener 5 códigos, uno por etapa"):
            parse_row_codes("AAX")
        assert NetImportReport(2, 1).summary() == "evaluaciones NET: nuevas 2, actualizadas 1"
        with pytest.raises(ImportRejected) as info:
            parse_net_assessments(b"network_id,assessed_on,foo\nN-1,2025-01-01,x\n", "x.csv")
        messages = {(p.column, p.message) for p in info.value.problems}
        assert ("foo", "columna desconocida (revise cómo está escrita)") in messages
        assert ("group_cohesion", "falta una columna obligatoria") in messages
        codes = ",".join(["AAAAA"] * 7)
        bad_row = f"network_id,assessed_on,{','.join(INDICATORS)}\nN-1,2025-13-45,{codes}\n"
        with pytest.raises(ImportRejected) as info:
            parse_net_assessments(bad_row.encode(), "x.csv")
        assert [str(p.message) for p in info.value.problems] == [
            "Debe ser una fecha válida (AAAA-MM-DD) (se encontró '2025-13-45')"
        ]
    # The labels are read when shown: English again outside the block.
    assert STAGE_LABELS["self_management"] == "Self-management"
    assert STAGE_LABELS.english("self_management") == "Self-management"


def fetch_or_parse_example() -> list[NetAssessment]:
    return parse_net_assessments(NET_EXAMPLE.read_bytes(), NET_EXAMPLE.name)


def test_indicator_reasons_and_workbook_in_spanish_with_colombian_numbers() -> None:
    with using("es", "es_CO"):
        status, reason = indicator_status(jobs())
        assert status == "on track", "the status stays a code"
        assert reason == "94% del cambio previsto logrado, 100% previsto a la fecha"
        assert indicator_status(jobs(None))[1] == "aún no se registró un valor medido"
        with pytest.raises(ValueError, match=r"la meta es igual a la línea de base \(1.500\)"):
            ProjectIndicator(
                project_id="P-1", name="x", horizon="short", unit="count", baseline=1500,
                target=1500,
            )  # fmt: skip
        wb = load_workbook(io.BytesIO(indicators_xlsx_bytes([jobs()])))
    ws = wb["indicators"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, next(ws.iter_rows(2, values_only=True)), strict=True))
    assert header[:3] == ["project_id", "horizon", "name"], "column keys stay keys"
    assert row["status"] == "en curso"
    assert row["reason"].startswith("94% del cambio previsto logrado")
    summary = next(wb["summary"].iter_rows(values_only=True))
    assert summary == (
        "project_id",
        "horizon",
        "en curso",
        "en riesgo",
        "desviado",
        "aún sin medir",
    )


def test_audit_changes_read_in_spanish_with_colombian_numbers() -> None:
    with using("es", "es_CO"):
        changes = field_changes({"total": 5_000_000, "ok": False}, {"total": 4_000_000.5, "ok": 1})
        assert [c.sentence() for c in changes] == ["total: 5.000.000 → 4.000.000,5", "ok: no → 1"]
        summary = change_summary(None, {"a": True, "b": None, "c": 0.125, "d": "t"}, limit=2)
        assert summary == "a: – → sí; c: – → 0,125; 1 campo más"
        assert change_summary({"a": 1}, {"a": 1}) == "ningún campo cambió"
        assert action_words("hand_over") == "traspasar a un plan"
        assert action_words("something_new") == "something_new"


def test_permission_and_sign_in_messages_in_spanish(engine: Engine) -> None:
    auth.create_user(engine, "ana", PASSWORD, "admin")
    auth.create_user(engine, "luis", PASSWORD, "analyst", actor=User("ana", "admin"))
    with using("es", "es_CO"):
        with pytest.raises(PermissionDenied) as denied:
            auth.require(VIEWER, "net.write")
        assert str(denied.value) == (
            "un lector (sin sesión iniciada) no puede registrar evaluaciones NET; "
            "requiere el rol administrador, evaluador"
        )
        with pytest.raises(PermissionDenied, match=r"^luis no puede ver el registro de auditoría"):
            auth.require(User("luis", "analyst"), "audit.view")
        with pytest.raises(ValueError, match="contraseña: use al menos 12 caracteres"):
            auth.create_user(engine, "eva", "short", "analyst", actor=User("ana", "admin"))
        now = datetime(2026, 1, 1, tzinfo=UTC)
        for _i in range(auth.MAX_FAILED_LOGINS):
            with pytest.raises(AuthError, match=r"^nombre de usuario desconocido o contraseña"):
                auth.authenticate(engine, "luis", "wrong password!", now=now)
        with pytest.raises(AuthError, match=r"intente de nuevo en 16 minutos$"):
            auth.authenticate(engine, "luis", PASSWORD, now=now)
        done = auth.manage_account(engine, User("ana", "admin"), "luis", unlock=True)
        assert done == "luis: desbloqueada"
        done = auth.manage_account(engine, User("ana", "admin"), "luis", role="screener")
        assert done == "luis: rol evaluador"
    assert auth.manage_account(engine, None, "luis", active=False) == "luis: disabled"


def test_fomento_users_list_prints_spanish(app_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    eng = db.make_engine(app_db)
    auth.create_user(eng, "ana", PASSWORD, "admin")
    eng.dispose()
    assert main(["users", "list", "--lang", "es"]) == 0
    assert capsys.readouterr().out == "ana\tadmin\tactiva\n", "name and role code stay as stored"
    assert main(["users", "--lang", "es", "list"]) == 0
    assert capsys.readouterr().out == "ana\tadmin\tactiva\n"
    assert main(["users", "list"]) == 0
    assert capsys.readouterr().out == "ana\tadmin\tactive\n"


# --- pages ----------------------------------------------------------------------------


def spanish_page(page: str, **state: object) -> AppTest:
    return open_page(page, locale="es-CO", **state)


def test_networks_page_reads_in_spanish(app_db: str) -> None:
    at = spanish_page("pages/networks.py")
    assert at.title[0].value == "Redes (NET)"
    assert any("Aún no hay evaluaciones NET" in i.value for i in at.info)
    at.button(key="networks_load_example").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = re.sub(r"\\(.)", r"\1", at.success[0].value)
    assert "Se importó net_example.csv: evaluaciones NET: nuevas 8, actualizadas 0." in shown
    at.selectbox(key="networks_pick").set_value("N-HAMMOCK").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Etapa actual"] == "Autogestión"
    assert metrics["Puntaje NET"] == "96%"
    assert metrics["Proporción de cobro esperada"] == "60%"
    subheaders = [s.value for s in at.subheader]
    assert subheaders[:2] == [
        "Comparación entre redes",
        "Proporción de cobro para el articulador de la red",
    ]
    assert "Registrar una evaluación" in subheaders
    fees = next(d.value for d in at.dataframe if "proporción de cobro" in d.value.index)
    assert list(fees.loc["proporción de cobro"]) == ["60%"] * 4
    bench = next(d.value for d in at.dataframe if "puntaje" in d.value.columns)
    assert {"puesto", "red", "etapa", "frente a la mediana"} <= set(bench.columns)
    assert "Autogestión" in set(bench["etapa"])
    assert any(c.value.startswith("Proporción de cobro por etapa: ") for c in at.caption)
    assert "Guardar evaluación" in {b.label for b in at.button}


def test_indicators_page_reads_in_spanish(app_db: str) -> None:
    eng = db.make_engine(app_db)
    import_proposals(eng, PROPOSALS_EXAMPLE.read_bytes(), PROPOSALS_EXAMPLE.name, user=LOCAL_USER)
    start_monitoring(eng, ["P-006"], user=LOCAL_USER)
    measured = next(i for i in fetch_project_indicators(eng, "P-006") if i.unit == "jobs")
    save_project_indicators(eng, [measured.model_copy(update={"actual": 33.0})], user=LOCAL_USER)
    eng.dispose()
    at = spanish_page("pages/indicators.py")
    assert at.title[0].value == "Indicadores"
    assert [s.value for s in at.subheader] == ["De un vistazo", "Registrar valores medidos"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[":green-badge[en curso]"] == "1"
    assert metrics[":gray-badge[aún sin medir]"] == "3"
    glance = at.dataframe[0].value
    assert {"proyecto", "horizonte", "en curso", "en riesgo"} <= set(glance.columns)
    table = next(
        d.value
        for d in at.dataframe
        if "motivo" in d.value.columns and "empleos" in set(d.value["unidad"])
    )
    row = table.set_index("unidad").loc["empleos"]
    assert row["estado"] == "en curso"
    assert row["motivo"] == "94% del cambio previsto logrado, 100% previsto a la fecha"
    labels = {getattr(b, "label", "") for b in at.get("download_button")}
    assert "Descargar todos los indicadores (.xlsx)" in labels


def test_admin_page_reads_in_spanish(app_db: str) -> None:
    at = spanish_page("pages/admin.py")
    assert at.title[0].value == "Administración"
    assert [t.label for t in at.tabs] == ["Registro de auditoría", "Cuentas"]
    table = at.dataframe[0].value
    assert {"autor", "acción", "entidad", "qué cambió"} <= set(table.columns)
    assert "importar" in set(table["acción"]), "the seed's import, worded"
    assert "system" in set(table["autor"])
    assert list(at.table[0].value.columns) == ["Campo", "Antes", "Después"]
    assert at.selectbox(key="admin_new_role").options == ["analista", "evaluador", "administrador"]
    at.text_input(key="admin_new_username").input("luis")
    at.selectbox(key="admin_new_role").set_value("analyst")
    at.text_input(key="admin_new_password").input(PASSWORD)
    at.button[0].click().run()
    assert at.error[0].value == "No se creó: rol: la primera cuenta debe ser de administrador"


def test_viewer_is_told_in_spanish_how_to_get_the_right(app_db: str) -> None:
    eng = db.make_engine(app_db)
    auth.create_user(eng, "ana", PASSWORD, "admin")
    import_net_assessments(eng, NET_EXAMPLE.read_bytes(), NET_EXAMPLE.name, user=LOCAL_USER)
    assert fetch_net_assessments(eng)
    save_locale(eng, "ana", "es_CO")
    eng.dispose()
    at = spanish_page("pages/networks.py")
    assert any(
        i.value == "Usted está en modo de solo lectura: inicie sesión como evaluador (barra "
        "lateral) para registrar evaluaciones."
        for i in at.info
    )
    at = spanish_page("pages/admin.py")
    assert "para administradores" in at.info[0].value


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("pages/networks.py", "Redes (NET)"),
        ("pages/indicators.py", "Indicadores"),
        ("pages/admin.py", "Administração"),
    ],
)
def test_pages_run_in_brazilian_portuguese(app_db: str, page: str, title: str) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.context = {"locale": "pt-BR"}
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
