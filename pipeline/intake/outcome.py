"""What became of each input file of a period (`FileOutcome`) and a period taken in
(`PeriodIntake`): the records the intake hands to scoring, the manifest and feedback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline import model
from pipeline.findings import Finding
from pipeline.intake.parse import LocatedSheet
from pipeline.intake.rules import (
    Registry,
)
from pipeline.intake.validate import (
    ParsedRow,
)
from pipeline.sources import InputFile

ACCEPTED, REJECTED, SUPERSEDED = "Được tiếp nhận", "Bị từ chối", "Bị thay thế"


@dataclass
class FileOutcome:
    """What became of one input file."""

    file: InputFile
    format: str | None
    unit: str = ""
    ngay_lap: dt.date | None = None
    cover: dict = field(default_factory=dict)
    status: str = REJECTED
    # The data sheets located (sheet key -> LocatedSheet) and the later sheets of the same name
    # ((position, name) each); an accepted file's rows parsed (sheet key -> rows), released
    # once they are taken in.
    sheets: dict[str, LocatedSheet] = field(default_factory=dict)
    rows: dict[str, list[ParsedRow]] = field(default_factory=dict)
    cases: dict[str, list[tuple]] = field(default_factory=dict)  # their constraint failures
    duplicates: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # sheet key -> [read, accepted, rejected, superseded, merged (a nomination repeated)]
    counts: dict[str, list[int]] = field(default_factory=dict)
    nominations: bool = False  # a nomination file (pipeline.intake.nominations)

    @property
    def submitted(self) -> dt.date | None:
        if self.file.submitted:
            return self.file.submitted.date()
        return self.ngay_lap


@dataclass
class PeriodIntake:
    intake: model.Intake
    registry: Registry
    outcomes: list[FileOutcome]
    findings: list[Finding]
