"""The data contract: the three canonical tables every site export is mapped onto.

This module is the single definition of the contract (docs/design.md section 4). The
pandera schemas, the ingestion mapping, the demo generator and the analyses all
read their column names and allowed values from here.
"""

from __future__ import annotations

from dataclasses import dataclass

ACTIVITY_CODES: tuple[str, ...] = (
    "recovery_coaching",
    "daily_living_coaching",
    "transportation",
    "resource_linkage",
    "advocacy",
    "crisis_support",
    "other",
)
ACTIVITY_COLUMNS: tuple[str, ...] = tuple(f"act_{code}" for code in ACTIVITY_CODES)

MODES: tuple[str, ...] = ("face_to_face", "phone", "text_or_email", "other")
STATUSES: tuple[str, ...] = ("completed", "no_show", "refused")
OUTCOMES: tuple[str, ...] = ("unified", "separated")
EXIT_REASONS: tuple[str, ...] = (
    "still_employed",
    "promoted",
    "left_for_advancement",
    "relapse",
    "boundary_violation",
    "policy_violation",
    "other_exit",
)
# P6: "stability or career advancement" versus exits through challenges.
STABLE_OR_ADVANCED: tuple[str, ...] = ("still_employed", "promoted", "left_for_advancement")
CHALLENGE_EXITS: tuple[str, ...] = ("relapse", "boundary_violation", "policy_violation")
RURALITY: tuple[str, ...] = ("rural", "urban")


@dataclass(frozen=True)
class Column:
    """One canonical column: its kind and the rule a value must satisfy."""

    name: str
    kind: str  # "string", "date", "category", "int", "float", "bool"
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    unique: bool = False


FAMILIES: tuple[Column, ...] = (
    Column("family_id", "string", unique=True),
    Column("site_id", "string"),
    Column("mentor_id", "string"),
    Column("case_open_date", "date"),
    Column("case_close_date", "date", nullable=True),
    Column("outcome_at_closure", "category", nullable=True, allowed=OUTCOMES),
    Column("n_children", "int", minimum=1, maximum=15),
    # Derived at ingestion from the site config (label or RUCC) or a county column.
    Column("rucc", "int", nullable=True, minimum=1, maximum=9),
    Column("rurality", "category", allowed=RURALITY),
)

CONTACTS: tuple[Column, ...] = (
    Column("contact_id", "string", unique=True),
    Column("family_id", "string"),
    Column("mentor_id", "string"),
    Column("contact_date", "date"),
    Column("duration_minutes", "float", minimum=0, maximum=1440),
    Column("mode", "category", allowed=MODES),
    Column("with_parent", "bool"),
    Column("with_children", "bool"),
    Column("collateral", "bool"),
    Column("status", "category", allowed=STATUSES),
    *(Column(col, "bool") for col in ACTIVITY_COLUMNS),
)

MENTORS: tuple[Column, ...] = (
    Column("mentor_id", "string", unique=True),
    Column("site_id", "string"),
    Column("hire_date", "date"),
    Column("end_date", "date", nullable=True),
    Column("exit_reason", "category", allowed=EXIT_REASONS),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "families": FAMILIES,
    "contacts": CONTACTS,
    "mentors": MENTORS,
}
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)


def columns(table: str) -> list[str]:
    """Canonical column names of ``table``, in contract order."""
    return [col.name for col in TABLES[table]]


def column(table: str, name: str) -> Column:
    """The contract entry for one column."""
    for col in TABLES[table]:
        if col.name == name:
            return col
    raise KeyError(f"{table}.{name} is not a contract column")
