"""Short human titles for the five source documents, so a donor can find the passage cited."""

from __future__ import annotations

from model.costbenefit.results import Source

DOCUMENT_TITLES: dict[str, str] = {
    "000_adb6a09b45243a80.txt": "000 UNCTAD Expert Meeting report (TD/B/COM.3/14, 1998)",
    "001_f1154fb892477c6d.txt": "001 UNCTAD policy issues (TD/B/COM.3/19, 1998)",
    "002_190a6727378b83c7.txt": "002 Ceglie & Dini (UNIDO)",
    "003_0fb384067797923c.txt": "003 UNIDO clusters and networks brochure",
    "004_4fc2925a8217210d.txt": "004 Romis (IDB/MIF, 2008)",
}


def document_title(file: str) -> str:
    """The short title of a seed file; an unknown (imported) file keeps its own name."""
    return DOCUMENT_TITLES.get(file, file)


def cite(source: Source) -> str:
    """``002 Ceglie & Dini (UNIDO), From Theory to Practice, HONDURAS, para 1``."""
    return f"{document_title(source.file)}, {source.passage}"
