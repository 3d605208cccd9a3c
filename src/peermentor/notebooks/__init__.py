"""Reader-facing wording and published values: helpers of the notebooks and the figures.

The notebooks only read result files and call these functions (and ``figures``), so
every sentence they print is computed here and tested. They read the PUBLISHED tables
(CSV, disclosure control applied) and never undo a suppression: a marker such as "<11"
or "[c]" is shown as it is, and a sentence built on a suppressed value says so.
The one row-level input, the family profile, is only plotted (the site notebook), never
tabulated.

``strip_volatile`` removes what makes two executions of the same notebook differ
(papermill's and nbclient's timestamps and durations); ``peermentor.notebooks.render`` applies it
to every executed notebook before writing it.

Modules: ``values`` (reading, formatting), ``study`` and ``site`` (the notebooks' answers),
``executed`` (``strip_volatile``); the reader's labels are ``peermentor.notebooks.labels``.
"""

from peermentor.notebooks.labels import column_label, labelled, measure_label
from peermentor.notebooks.executed import strip_volatile
from peermentor.notebooks.site import (
    QUARANTINE_TABLES,
    enough_to_plot,
    quarantine_summary,
    site_outcomes,
    site_profile,
    site_reconciliation,
    site_rows,
)
from peermentor.notebooks.study import (
    computed_note,
    inference_answer,
    outcome_answer,
    overall_rows,
    primary_coefficients,
    replication_answer,
    replication_rows,
    rural_urban_answer,
    site_sensitivity_sentence,
)
from peermentor.notebooks.values import (
    STUDY_FIGURES,
    STUDY_TABLES,
    as_number,
    format_table,
    format_value,
    is_true,
    read_published,
    read_study_tables,
    shown,
)

__all__ = [
    "QUARANTINE_TABLES",
    "STUDY_FIGURES",
    "STUDY_TABLES",
    "as_number",
    "column_label",
    "computed_note",
    "enough_to_plot",
    "format_table",
    "format_value",
    "inference_answer",
    "is_true",
    "labelled",
    "measure_label",
    "outcome_answer",
    "overall_rows",
    "primary_coefficients",
    "quarantine_summary",
    "read_published",
    "read_study_tables",
    "replication_answer",
    "replication_rows",
    "rural_urban_answer",
    "shown",
    "site_outcomes",
    "site_profile",
    "site_reconciliation",
    "site_rows",
    "site_sensitivity_sentence",
    "strip_volatile",
]
