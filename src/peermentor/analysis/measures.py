"""Names and meanings of the per-family service measures (the family profile).

``results/tables/family_profile.parquet`` has one row per family with exactly
these columns (plus one ``act_<code>`` count per activity code). The
stratification and outcome-model stages read their measure names from here.
"""

from __future__ import annotations

from peermentor.contract import ACTIVITY_COLUMNS, MODES

# Identity and case columns carried from the canonical families table.
IDENTITY: dict[str, str] = {
    "family_id": "pseudonymous family id",
    "site_id": "site",
    "mentor_id": "pseudonymous primary mentor id",
    "rurality": "rural or urban, as coded at ingestion",
    "rucc": "USDA Rural-Urban Continuum Code when known",
    "n_children": "children in the family",
    "case_open_date": "case opening date",
    "case_close_date": "case closure date (empty while open)",
    "case_closed": "True when the case closed on or before the data cut-off",
    "outcome_at_closure": "unified / separated; empty while open",
    "unified_at_closure": "1.0 unified, 0.0 separated, NaN while open",
}

# Counts and amounts of service per family (P1, P2).
SERVICE: dict[str, str] = {
    "contacts": "contacts with a counted status (config profile.count_statuses)",
    "attempted_contacts": "all logged contacts, whatever their status",
    "no_shows": "contacts with status no_show",
    "refusals": "contacts with status refused",
    "no_shows_or_refusals": "no_shows + refusals",
    "hours": "hours of counted contacts (collateral per profile.hours_include_collateral)",
    "months_of_service": "months from case opening to closure or the data cut-off",
    "contacts_per_month": "contacts / months_of_service",
    "hours_per_month": "hours / months_of_service",
    **{f"mode_{mode}": f"counted contacts in mode {mode}" for mode in MODES},
    "with_parent": "counted contacts with a parent present",
    "with_children": "counted contacts with the children present",
    "collateral": "counted contacts on behalf of the family",
    "face_to_face_with_children": "counted face-to-face contacts with the children present",
    "face_to_face_with_children_per_month": "face_to_face_with_children / months_of_service",
    "no_shows_or_refusals_per_month": "no_shows_or_refusals / months_of_service",
    **{col: f"counted contacts carrying activity code {col[4:]}" for col in ACTIVITY_COLUMNS},
}

# Early engagement (P3), first N contacts (config early_engagement.n_contacts).
EARLY: dict[str, str] = {
    "early_reached_n": "True when the family had at least N counted contacts",
    "early_days_to_nth": "days from the anchor to the Nth counted contact (NaN if fewer)",
    "early_hours": "hours within the first N counted contacts (or all, if fewer)",
}

FAMILY_PROFILE: dict[str, str] = {**IDENTITY, **SERVICE, **EARLY}

# Measures compared between rural and urban families (P4).
COMPARED_MEASURES: tuple[str, ...] = (
    "contacts",
    "hours",
    "contacts_per_month",
    "hours_per_month",
    "months_of_service",
    "no_shows_or_refusals",
    "face_to_face_with_children",
    *(f"mode_{mode}" for mode in MODES),
    "with_parent",
    "with_children",
    "collateral",
    *ACTIVITY_COLUMNS,
    "early_days_to_nth",
    "early_hours",
)
