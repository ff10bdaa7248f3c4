"""The evidence dataset the engine reads.

``EvidenceDataset`` is what every source (the CSV files through
``model.store.evidence_files``, or the database through
``model.store.repository``) hands to the engine, so the engine never sees a
path, a file format or a connection.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.domain.evidence import Deflator, EvidenceRecord, Programme
from model.formatting.i18n import _


@dataclass(frozen=True)
class EvidenceDataset:
    """Programmes, their cited figures, and the price index for constant dollars."""

    programmes: tuple[Programme, ...]
    records: tuple[EvidenceRecord, ...]
    deflators: tuple[Deflator, ...] = ()

    def __post_init__(self) -> None:
        # Canonical order, so results never depend on the source (a file, the database).
        object.__setattr__(
            self, "programmes", tuple(sorted(self.programmes, key=lambda p: p.programme_id))
        )
        object.__setattr__(
            self, "records", tuple(sorted(self.records, key=lambda r: r.evidence_id))
        )
        object.__setattr__(self, "deflators", tuple(sorted(self.deflators, key=lambda d: d.year)))
        ids = [p.programme_id for p in self.programmes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(
                _("programmes: duplicate programme_id {ids}").format(ids=", ".join(dupes))
            )
        ev_ids = [r.evidence_id for r in self.records]
        ev_dupes = sorted({i for i in ev_ids if ev_ids.count(i) > 1})
        if ev_dupes:
            raise ValueError(
                _("evidence: duplicate evidence_id {ids}").format(ids=", ".join(ev_dupes))
            )
        known = set(ids)
        for r in self.records:
            if r.programme_id not in known:
                raise ValueError(
                    _("evidence {id}: programme_id {programme} is not in the programmes").format(
                        id=r.evidence_id, programme=repr(r.programme_id)
                    )
                )
        years = [d.year for d in self.deflators]
        if len(set(years)) != len(years):
            raise ValueError(_("deflators: a year appears twice"))

    def records_for(self, programme_id: str) -> tuple[EvidenceRecord, ...]:
        """The records of one programme, in dataset order."""
        return tuple(r for r in self.records if r.programme_id == programme_id)
