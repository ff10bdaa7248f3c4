"""The Spanish interface: catalog completeness, plural forms, locale choice, the translated
slice (navigation, sidebar, Home) in AppTest, and an AST check that the translated
modules show no English literal that bypasses ``_()``.
"""

from __future__ import annotations

import ast
import gettext
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from model.accounts import auth
from model.accounts.preferences import save_locale, saved_locale
from model.cli import main
from model.formatting import i18n
from model.formatting.i18n import choose_locale, translator
from model.screening.desk import DESK_LABEL
from model.store import db
from pages._i18n import OFFERED

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT_S = 60
BRACES = re.compile(r"\{[a-z_]*\}|%\([a-z_]+\)[sd]")


def extracted() -> dict[str, tuple[str, ...]]:
    """Every message the code marks, as ``pybabel extract -F babel.cfg`` finds it."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)  # type: ignore[no-untyped-call]
    out: dict[str, tuple[str, ...]] = {}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        ids = message if isinstance(message, tuple) else (message,)
        if ids[0]:
            out[ids[0]] = ids
    return out


def spanish(language: str = "es") -> dict[str, tuple[str, ...]]:
    """The translated entries of a catalog (Spanish unless told)."""
    with i18n.po_path(language).open("rb") as fh:
        catalog = read_po(fh)
    out: dict[str, tuple[str, ...]] = {}
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        key = str(m.id[0] if isinstance(m.id, tuple | list) else m.id)
        strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
        out[key] = tuple(str(x or "") for x in strings)
    return out


def test_every_marked_message_has_a_spanish_entry() -> None:
    marked = extracted()
    assert len(marked) >= 30, "extraction found the marked messages"
    es = spanish()
    missing = sorted(m for m in marked if m not in es or not all(es[m]))
    assert not missing, f"no Spanish translation for: {missing}"


@pytest.mark.parametrize("language", ["es", "pt"])
def test_the_catalog_holds_no_translation_the_code_no_longer_uses(language: str) -> None:
    # A stale entry is a translator's wasted work and hides a message the code reworded.
    marked = extracted()
    stale = sorted(m for m in spanish(language) if m not in marked)
    assert not stale, f"{language}: entries no message in the code uses: {stale}"


@pytest.mark.parametrize("language", ["es", "pt"])
def test_make_install_compiles_every_catalog(language: str, tmp_path: Path) -> None:
    # What `make install` runs for each catalog; a percent sign in prose ("25 % of") must
    # not stop it (pybabel compile's python-format check did, on a fresh clone).
    po, mo = i18n.po_path(language), tmp_path / "fomento.mo"
    run = subprocess.run(
        [sys.executable, "-m", "model.formatting.i18n", str(po), str(mo)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    entries = spanish(language)
    assert len(compiled._catalog) >= len(entries)  # type: ignore[attr-defined]
    for msgid, strings in entries.items():
        if len(strings) == 1:
            assert compiled.gettext(msgid) == strings[0], msgid


def test_the_portuguese_catalog_is_complete_too() -> None:
    pt = spanish("pt")
    missing = sorted(m for m in extracted() if m not in pt or not all(pt[m]))
    assert not missing, f"no Portuguese translation for: {missing}"
    assert translator("pt").gettext("Sign out") == "Sair"
    assert translator("pt").number_locale == "pt_BR"


@pytest.mark.parametrize("language", ["es", "pt"])
def test_translations_keep_their_placeholders(language: str) -> None:
    for msgid, strings in spanish(language).items():
        for s in strings:
            assert sorted(BRACES.findall(s)) == sorted(BRACES.findall(msgid)), msgid


def test_plural_forms_follow_the_spanish_rule() -> None:
    es = translator("es")
    one, many = "%(n)d of %(total)d proposal eligible", "%(n)d of %(total)d proposals eligible"
    assert es.ngettext(one, many, 1) % {"n": 1, "total": 1} == "1 de 1 propuesta elegible"
    assert es.ngettext(one, many, 3) % {"n": 2, "total": 3} == "2 de 3 propuestas elegibles"
    en = translator("en")
    assert en.ngettext(one, many, 1) % {"n": 1, "total": 1} == "1 of 1 proposal eligible"
    assert en.ngettext(one, many, 3) % {"n": 2, "total": 3} == "2 of 3 proposals eligible"


def test_unknown_language_is_refused_and_a_missing_message_stays_english() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        translator("fr")
    assert translator("es").gettext("No such message") == "No such message"
    assert translator("es").gettext("Sign out") == "Cerrar sesión"


@pytest.mark.parametrize(
    ("tag", "chosen"),
    [
        ("es-MX", ("es", "es_MX")),
        ("es-CO", ("es", "es_CO")),
        ("es_AR", ("es", "es_AR")),
        ("es-VE", ("es", "es_CO")),
        ("es", ("es", "es_CO")),
        ("en-GB", ("en", "en_GB")),
        ("pt-BR", ("pt", "pt_BR")),
        ("pt-PT", ("pt", "pt_BR")),
        ("fr-FR", ("en", "en_US")),
        ("not a tag", ("en", "en_US")),
        (None, ("en", "en_US")),
    ],
)
def test_browser_language_picks_language_and_number_locale(
    tag: str | None, chosen: tuple[str, str]
) -> None:
    assert choose_locale(tag) == chosen


@pytest.fixture
def scratch_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.catalog.cache_clear()
    po = tmp_path / "es" / "LC_MESSAGES" / "fomento.po"
    po.parent.mkdir(parents=True)
    yield po
    i18n.catalog.cache_clear()


def _write_po(po: Path, text: str) -> None:
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        f'msgid "Sign out"\nmsgstr "{text}"\n',
        encoding="utf-8",
    )


def test_a_fresh_clone_without_mo_files_reads_the_po(scratch_catalog: Path) -> None:
    _write_po(scratch_catalog, "Salir")
    assert not scratch_catalog.with_suffix(".mo").exists()
    assert translator("es").gettext("Sign out") == "Salir"


def test_an_edited_po_wins_over_an_older_mo(scratch_catalog: Path) -> None:
    _write_po(scratch_catalog, "Salir")
    with scratch_catalog.open("rb") as fh:
        old = read_po(fh, locale="es")
    with scratch_catalog.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, old)
    assert translator("es").gettext("Sign out") == "Salir"
    time.sleep(0.01)
    _write_po(scratch_catalog, "Cerrar la sesión")
    i18n.catalog.cache_clear()
    assert translator("es").gettext("Sign out") == "Cerrar la sesión"


# --- the translated slice -----------------------------------------------------------

# Every page module and the app: each user-facing literal goes through _() (or ngettext).
TRANSLATED: dict[str, set[str] | None] = {
    "app.py": None,  # None: the whole module
    **{f"pages/{p.name}": None for p in sorted((ROOT / "pages").glob("*.py"))},
}
# Streamlit calls (and the pages' own wrappers) whose first argument, or label/title
# keyword, a person reads.
SHOWN = {
    "title", "header", "subheader", "markdown", "caption", "write", "metric", "button",
    "selectbox", "text_input", "expander", "page_link", "Page", "error", "warning", "info",
    "success", "form_submit_button", "toast", "radio", "multiselect", "checkbox", "_link",
    "download_button", "number_input", "slider", "select_slider", "text_area",
    "file_uploader", "toggle", "date_input", "popover", "spinner", "status", "tabs",
    "progress", "link_button", "segmented_control", "pills", "md", "table",
    "NumberColumn", "TextColumn", "ProgressColumn", "SelectboxColumn", "CheckboxColumn",
    "DatetimeColumn", "DateColumn", "LinkColumn", "ListColumn", "BarChartColumn",
    "LineChartColumn", "Column",
}  # fmt: skip
TEXT_KEYWORDS = {
    "label", "title", "help", "placeholder", "caption", "x_label", "y_label", "text",
    "body", "value_label",
}  # fmt: skip
# Text that reads the same in every language: the product's name, currency, formats.
NOT_TEXT = {"Fomento", "US$", "NET", "CSV", "Excel", "PDF", "JSON", "ID", "OK", "PNG", "SVG"}


def _literal_text(node: ast.expr) -> str | None:
    """The English a node shows, if it is a literal (or f-string) not wrapped in _()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) or _literal_text(node.right)
    if isinstance(node, ast.List | ast.Tuple):  # st.tabs(["Table", "Chart"])
        return " ".join(t for t in (_literal_text(e) for e in node.elts) if t) or None
    if isinstance(node, ast.IfExp):
        return _literal_text(node.body) or _literal_text(node.orelse)
    return None


def _is_text(text: str | None) -> bool:
    """Whether ``text`` has words: two letters or more outside format fields, icons,
    markup and the names in ``NOT_TEXT``."""
    if not text or text.strip() in NOT_TEXT:
        return False
    bare = re.sub(r"\{[^}]*\}|:[a-z_]+(\[[^\]]*\])?:?|\*\*|US\$|%\([a-z_]+\)[sd]", " ", text)
    return re.search(r"[A-Za-z]{2}", bare) is not None


def _shown_args(node: ast.Call, name: str) -> list[ast.expr]:
    shown: list[ast.expr] = list(node.args[:1])
    shown += [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
    if name in ("page_link", "Page"):  # the first argument is a path
        shown = [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
    if name == "_link":  # Home's link helper: (page, label, description, icon)
        shown = list(node.args[1:3])
    return shown


def _table_headings(node: ast.Call, name: str) -> list[ast.expr]:
    """Column headings a reader sees: ``pd.DataFrame({"Heading": ...})`` keys and
    ``.rename(columns={"key": "Heading"})`` values."""
    if name == "DataFrame" and node.args and isinstance(node.args[0], ast.Dict):
        return [k for k in node.args[0].keys if k is not None]
    if name == "rename":
        for k in node.keywords:
            if k.arg == "columns" and isinstance(k.value, ast.Dict):
                return list(k.value.values)
    return []


def untranslated(path: Path, functions: set[str] | None) -> list[str]:
    tree = ast.parse(path.read_text())
    scopes: list[ast.AST] = [tree]
    if functions is not None:
        scopes = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name in functions
        ]
    found = []
    for scope in scopes:
        for node in ast.walk(scope):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "multiselect" and not any(k.arg == "placeholder" for k in node.keywords):
                found.append(f"{path.name}:{node.lineno}: Streamlit's own 'Choose options'")
            shown = _table_headings(node, name)
            if name in SHOWN:
                shown += _shown_args(node, name)
            for arg in shown:
                text = _literal_text(arg)
                if _is_text(text):
                    assert text is not None
                    found.append(f"{path.name}:{node.lineno}: {text[:50]!r}")
    return found


def test_translated_modules_show_no_literal_that_bypasses_the_translation() -> None:
    found = [
        line
        for rel, functions in TRANSLATED.items()
        for line in untranslated(ROOT / rel, functions)
    ]
    assert not found, "\n".join(found)


def test_the_scan_catches_an_untranslated_literal(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        'import streamlit as st\nst.title(_("Inicio"))\nst.caption("Who it is for")\n'
        'st.button(label=f"Save {n}")\nst.markdown("---")\n'
    )
    assert [line.split(": ", 1)[1] for line in untranslated(page, None)] == [
        "'Who it is for'",
        "'Save '",
    ]


def spanish_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.context = {"locale": "es-CO"}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_sidebar_and_navigation_follow_the_browser_language(app_db: str) -> None:
    at = spanish_app()
    picker = at.sidebar.selectbox(key="i18n_locale")
    assert picker.value == "es_CO" and picker.label == "Idioma y números"
    at_en = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at_en.context = {"locale": "en-US"}
    at_en.run()
    assert at_en.sidebar.selectbox(key="i18n_locale").label == "Language and numbers"


def test_home_reads_in_spanish_for_a_spanish_browser(app_db: str) -> None:
    at = spanish_app()
    assert at.title[0].value == "Fomento"
    text = " ".join(m.value for m in at.markdown)
    assert "Funcionarios de ministerios" in text and "Donantes" in text
    assert "Personal del FOMIN" in text and "Ministry officials" not in text
    assert [s.value for s in at.subheader] == ["Para quién es", "Adónde ir"]
    labels = {m.label: m.value for m in at.metric}
    assert set(labels) == {
        "Programas documentados",
        "Cifras de evidencia citadas",
        "Candidatos de planificación",
        "Regiones",
    }
    assert int(labels["Candidatos de planificación"]) >= 30
    captions = " ".join(c.value for c in at.caption)
    assert "Rendimiento por dólar" in captions and "Base de datos: sqlite" in captions


def test_picking_english_in_the_sidebar_switches_home_back(app_db: str) -> None:
    # AppTest reruns only the page after app.py's first run (so the sidebar is not
    # redrawn): one switch is what it can show.
    at = spanish_app()
    assert [s.value for s in at.subheader] == ["Para quién es", "Adónde ir"]
    at.sidebar.selectbox(key="i18n_locale").set_value("en_US").run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Who it is for", "Where to go"]
    assert "Ministry officials" in " ".join(m.value for m in at.markdown)


def test_number_locale_follows_the_choice() -> None:
    assert {"es_MX", "es_CO"} <= set(OFFERED)
    es_co, es_mx = translator("es", "es_CO"), translator("es", "es_MX")
    assert format_decimal(250000, locale=es_co.number_locale) == "250.000"
    assert format_decimal(250000, locale=es_mx.number_locale) == "250,000"


def test_fomento_screen_prints_spanish_with_colombian_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = str(ROOT / "data" / "proposals_example.csv")
    assert main(["screen", example, "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Puntaje de gabinete (solo a partir del archivo")
    assert "elegible: sí; solicita US$400.000, contrapartida US$450.000" in out
    assert "puntaje de gabinete 4,60" in out
    assert out.rstrip().endswith("5 de 8 propuestas elegibles")
    assert main(["screen", example]) == 0
    english = capsys.readouterr().out
    assert english.startswith(f"{DESK_LABEL}: 0-5")
    assert "eligible: yes; request US$400,000, match US$450,000; desk score 4.60" in english
    assert english.rstrip().endswith("5 of 8 proposals eligible")


# --- remembered for a signed-in account ----------------------------------------------

PASSWORD = "correct horse battery"


def test_an_account_keeps_its_locale(engine: Engine) -> None:
    auth.create_user(engine, "ana", PASSWORD, "admin")
    assert saved_locale(engine, "ana") is None, "never chose: the browser decides"
    assert save_locale(engine, "ana", "es_MX") is True
    assert saved_locale(engine, "ana") == "es_MX"
    assert save_locale(engine, "nobody@sso.example", "es_CO") is False
    assert saved_locale(engine, "nobody@sso.example") is None
    with pytest.raises(ValueError, match="unknown locale 'xx_YY'"):
        save_locale(engine, "ana", "xx_YY")
    assert saved_locale(engine, "ana") == "es_MX"


def _sidebar_script() -> None:
    from pages._shared import account_sidebar

    account_sidebar()


def test_the_sidebar_applies_and_saves_a_signed_in_accounts_choice(app_db: str) -> None:
    eng = db.make_engine(app_db)
    auth.create_user(eng, "ana", PASSWORD, "admin")
    save_locale(eng, "ana", "es_MX")
    at = AppTest.from_function(_sidebar_script, default_timeout=TIMEOUT_S)
    at.context = {"locale": "en-US"}
    at.run()
    assert at.sidebar.selectbox(key="i18n_locale").value == "en_US"
    at.sidebar.text_input(key="auth_username").input("ana")
    at.sidebar.text_input(key="auth_password").input(PASSWORD)
    at.sidebar.button[0].click().run()
    at.run()  # the first run after signing in applies the account's choice
    assert not at.exception
    picker = at.sidebar.selectbox(key="i18n_locale")
    assert picker.value == "es_MX" and picker.label == "Idioma y números"
    assert any("Sesión iniciada como **ana**" in c.value for c in at.sidebar.caption)
    picker.set_value("es_CO").run()
    assert saved_locale(eng, "ana") == "es_CO"
    eng.dispose()


SPANISH_TITLES = {
    "pages/evidence.py": "Evidencia",
    "pages/data.py": "Datos",
    "pages/plan.py": "Plan",
    "pages/scenarios.py": "Escenarios",
    "pages/uncertainty.py": "Incertidumbre",
    "pages/proposals.py": "Propuestas",
    "pages/networks.py": "Redes (NET)",
    "pages/indicators.py": "Indicadores",
    "pages/methodology.py": "Metodología",
    "pages/admin.py": "Administración",
}
# What AppTest exposes of a page: texts (``value``) and widget labels (``label``).
VALUE_ELEMENTS = (
    "title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success",
)  # fmt: skip
LABEL_ELEMENTS = (
    "button", "expander", "tabs", "metric", "selectbox", "multiselect", "radio", "text_input",
    "text_area", "number_input", "slider", "toggle", "checkbox",
)  # fmt: skip


def shown_texts(at: AppTest) -> list[str]:
    """Every heading, text and widget label a page shows (main area and sidebar)."""
    out: list[str] = []
    for name in VALUE_ELEMENTS:
        out += [str(e.value) for e in getattr(at, name)]
    for name in LABEL_ELEMENTS:
        out += [str(e.label) for e in getattr(at, name)]
    return out


@pytest.mark.parametrize("page", sorted(SPANISH_TITLES))
def test_every_page_reads_in_spanish_for_a_spanish_reader(app_db: str, page: str) -> None:
    at = spanish_app()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == SPANISH_TITLES[page]
    # No heading, text or label is a catalog message left in English: each text that is
    # exactly an English message id with a different Spanish entry is a miss.
    es = {m: s[0] for m, s in spanish().items() if s and s[0] and s[0] != m}
    shown = shown_texts(at)
    assert len(shown) >= 3, f"{page} shows almost nothing: {shown}"
    english = sorted({t for t in shown if t in es})
    assert not english, f"{page} shows English to a Spanish reader: {english}"
    # And its main content is Spanish: most texts differ from any English message id, and
    # Spanish words appear.
    words = " ".join(shown).lower()
    assert sum(w in words for w in (" de ", " el ", " la ", " los ", " las ", " y ")) >= 3, shown
