"""Declarations of the unit workbook (TEMPLATE.md): one per sheet, the single source of truth.

The same declarations drive validation (pipeline.intake.validate), the blank template
(pipeline.outputs.templates) and the column names in every message.
"""

from schemas.sheets import (
    ACTIVITIES,
    COVER,
    COVER_ITEMS,
    DATA_SHEETS,
    GOOD_DEEDS,
    REGISTRATION,
    Column,
    CoverItem,
    Sheet,
    council_sheet,
    score_sheet,
    sheets_for,
)

__all__ = [
    "ACTIVITIES",
    "COVER",
    "COVER_ITEMS",
    "DATA_SHEETS",
    "GOOD_DEEDS",
    "REGISTRATION",
    "Column",
    "CoverItem",
    "Sheet",
    "council_sheet",
    "score_sheet",
    "sheets_for",
]
