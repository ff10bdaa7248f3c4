"""The interface's language: gettext catalogs (``model/locale``) through Babel.

Messages are marked in the code with ``_()`` / ``ngettext()`` (English source text as
the message id) and translated in ``model/locale/<lang>/LC_MESSAGES/fomento.po``, a file
a Spanish speaker can correct without reading Python. ``make install`` compiles each
``.po`` to ``.mo`` (``python -m model.formatting.i18n PO MO``, Babel underneath); when a
``.mo`` is missing or older than its ``.po`` (a fresh clone, a just-edited catalog) the
``.po`` is compiled in memory, so the text shown is always the catalog's. Plural forms
follow the catalog's Plural-Forms header ("1 candidato", "3 candidatos").

Which language and which number locale: ``LANGUAGES`` are the interface languages;
``NUMBER_LOCALES`` the locales numbers can be written in for each, because Spanish
speakers do not agree (es_MX writes 1,234.56, es_CO 1.234,56). ``choose_locale`` picks
one from a browser's language tag. Pure: reads the catalogs, nothing else; no Streamlit.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR: Final = Path(__file__).resolve().parent.parent / "locale"
DOMAIN: Final = "fomento"
DEFAULT_LANGUAGE: Final = "en"
#: Interface languages, each named in itself (what a picker shows).
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español", "pt": "Português"}
#: Number locales per language, the first being the default when the browser says
#: only "es". Mexico and Peru write 1,234.56; Colombia, Argentina, Chile, Spain 1.234,56.
NUMBER_LOCALES: dict[str, tuple[str, ...]] = {
    "en": ("en_US", "en_GB"),
    "es": ("es_CO", "es_MX", "es_AR", "es_CL", "es_PE", "es_ES"),
    "pt": ("pt_BR",),  # Brazilian Portuguese (model/locale/pt)
}


@dataclass(frozen=True)
class Translator:
    """gettext for one language, with the number locale figures are written in."""

    language: str
    number_locale: str
    catalog: _gettext.NullTranslations

    def gettext(self, message: str) -> str:
        """``message`` in this language (the English text if the catalog lacks it)."""
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` items, by the language's plural rule (``%(n)s`` unfilled)."""
        return self.catalog.ngettext(singular, plural, n)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalog(language: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``language`` (English: the source text itself)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language '{language}'; choose one of {', '.join(LANGUAGES)}")
    po = po_path(language)
    if not po.is_file():
        return _gettext.NullTranslations()
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    # No compiled catalog (fresh clone) or an edited .po: compile it in memory.
    return _gettext.GNUTranslations(io.BytesIO(compiled(po)))


def compiled(po: Path) -> bytes:
    """The .mo bytes of the catalog ``po`` (Babel reads it and writes the .mo).

    ``make install`` writes them with ``python -m model.formatting.i18n PO MO`` rather than
    ``pybabel compile``, whose python-format check takes a percent sign in prose ("25 % of"
    reads as the format "% o") for a placeholder; the messages here use str.format fields
    ({amount}), which tests/test_i18n.py checks in every translation.
    """
    with po.open("rb") as fh:
        messages = read_po(fh, locale=po.parent.parent.name, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, messages)
    return buf.getvalue()


def translator(language: str = DEFAULT_LANGUAGE, number_locale: str | None = None) -> Translator:
    """The translator for ``language``; numbers in ``number_locale`` or its first locale."""
    locales = NUMBER_LOCALES.get(language)
    if locales is None:
        raise ValueError(f"unknown language '{language}'; choose one of {', '.join(LANGUAGES)}")
    chosen = number_locale if number_locale in locales else locales[0]
    return Translator(language, chosen, catalog(language))


def choose_locale(tag: str | None) -> tuple[str, str]:
    """(language, number locale) for a browser language tag such as ``es-MX``.

    An exact locale we offer wins (``es-MX`` -> es_MX); else its language's default
    (``es-VE`` -> es_CO); an unknown or missing tag gives English.
    """
    if tag:
        try:
            loc = Locale.parse(tag.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            loc = None
        if loc is not None and loc.language in NUMBER_LOCALES:
            offered = NUMBER_LOCALES[loc.language]
            wanted = f"{loc.language}_{loc.territory}" if loc.territory else ""
            return loc.language, wanted if wanted in offered else offered[0]
    return DEFAULT_LANGUAGE, NUMBER_LOCALES[DEFAULT_LANGUAGE][0]


def locale_label(number_locale: str) -> str:
    """A locale named in its own language, e.g. "español (Colombia)" for es_CO."""
    return str(Locale.parse(number_locale).display_name)


# ``N_`` marks text for extraction where it is defined (a module-level label) and is
# translated where it is shown, with the reader's language: ``_(LABELS[key])``.
def N_(message: str) -> str:
    return message


# --- the active language -------------------------------------------------------------
# Text written by model code (allocator sentences, screening reasons, workbook headers,
# import refusals) is in the language *active* where it runs: a page activates the
# reader's translator at the start of each run, ``fomento --lang es`` activates Spanish,
# and anything else (tests, scripts, the JSON a CLI writes by default) reads English.
# A ContextVar, not a global: each Streamlit session runs in its own thread.
_ACTIVE: ContextVar[Translator | None] = ContextVar("fomento_translator", default=None)


def active() -> Translator:
    """The translator text is written with here (English unless one was activated)."""
    t = _ACTIVE.get()
    return t if t is not None else _english()


@cache
def _english() -> Translator:
    # The source text itself: no catalog to reread, so one instance serves every call.
    return translator(DEFAULT_LANGUAGE)


def is_active() -> bool:
    """Whether a language was activated here (else model text falls back to English)."""
    return _ACTIVE.get() is not None


def activate(t: Translator) -> None:
    """Make ``t`` the language of model text in this thread or task from now on."""
    _ACTIVE.set(t)


@contextmanager
def using(language: str, number_locale: str | None = None) -> Iterator[Translator]:
    """Write model text in ``language`` (and figures in its locale) inside the block."""
    t = translator(language, number_locale)
    token = _ACTIVE.set(t)
    try:
        yield t
    finally:
        _ACTIVE.reset(token)


def _(message: str) -> str:
    """``message`` in the active language (model code imports this as ``_``)."""
    return active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The active language's form for ``n`` items (``%(n)s`` left to fill)."""
    return active().ngettext(singular, plural, n)


def active_number_locale() -> str:
    """The locale figures are written in where no locale is passed."""
    t = _ACTIVE.get()
    return t.number_locale if t is not None else "en"


class Labels(Mapping[str, str]):
    """Labels defined once in English (marked ``N_``) and read in the active language.

    ``KIND_LABELS["cluster"]`` gives "Cluster initiative" or "Iniciativa de clúster"
    depending on who reads; ``english(key)`` gives the source text (machine files).
    Build nothing translated at import time: a dict comprehension over a ``Labels``
    at module level would freeze the language of whoever imported it first.
    """

    __slots__ = ("_source",)

    def __init__(self, source: Mapping[str, str]) -> None:
        self._source = dict(source)

    def __getitem__(self, key: str) -> str:
        return _(self._source[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)

    def english(self, key: str) -> str:
        return self._source[key]

    def __repr__(self) -> str:
        return f"Labels({self._source!r})"


if __name__ == "__main__":  # python -m model.formatting.i18n PO MO (make install)
    import sys

    source, target = (Path(a) for a in sys.argv[1:3])
    target.write_bytes(compiled(source))
    print(f"compiled {source} to {target}")
