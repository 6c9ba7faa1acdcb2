"""Results of the three allocations: whole kronor per line, with the trace and notes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .trace import Note, TraceStep

REASON_NO_ELIGIBLE_REGION = "no_eligible_region"
REASON_NO_DATA_FOR_KEY = "no_data_for_key"


@dataclass(frozen=True)
class UndistributedLine:
    """Money the rules give to no one, kept as a line so the allocation still sums to its
    appropriation (docs/allocation-rules.md §1). ``reason`` is a code (``REASON_*``)."""

    line: str
    amount: int
    reason: str


@dataclass(frozen=True)
class EducationResult:
    regions: Mapping[str, int]
    total: int
    trace: tuple[TraceStep, ...]


@dataclass(frozen=True)
class Alf2015RegionLines:
    base: int
    panel_1: int
    panel_2: int
    panel_3: int

    @property
    def total(self) -> int:
        return self.base + self.panel_1 + self.panel_2 + self.panel_3


@dataclass(frozen=True)
class Alf2015Result:
    appropriation: int
    regions: Mapping[str, Alf2015RegionLines]
    undistributed: tuple[UndistributedLine, ...]
    notes: tuple[Note, ...]
    trace: tuple[TraceStep, ...]


@dataclass(frozen=True)
class Ds2024RegionLines:
    base: int
    quality: int
    quality_forfeited: int
    increment_hst: int
    increment_citations: int

    @property
    def total(self) -> int:
        # docs/allocation-scenario.md: the forfeited quality amount is counted in GUNS, not here.
        return self.base + self.quality + self.increment_hst + self.increment_citations


@dataclass(frozen=True)
class GunsPot:
    set_aside: int
    forfeited: int

    @property
    def total(self) -> int:
        return self.set_aside + self.forfeited


@dataclass(frozen=True)
class Ds2024Result:
    appropriation: int
    regions: Mapping[str, Ds2024RegionLines]
    guns: GunsPot
    undistributed: tuple[UndistributedLine, ...]
    notes: tuple[Note, ...]
    trace: tuple[TraceStep, ...]
