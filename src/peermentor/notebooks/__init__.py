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

The names below are loaded from their module on first use (PEP 562): a notebook job's own
process imports ``notebooks.render`` or ``notebooks.sites`` to execute notebooks and needs
none of the reader's helpers, which load pandas (0.4 s in each such job); a notebook's kernel,
which calls them, loads them as before (``from peermentor import notebooks as narrative``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Never run; read by type checkers and by runner.code_files, which finds a step's code by
    # its imports: a change to any of these modules still reruns every step that imports the
    # package, as when they were imported here.
    from peermentor.notebooks import executed, labels, site, study, values  # noqa: F401

# Each public name, by the module of this package that defines it.
_MODULE_OF = {
    **dict.fromkeys(("column_label", "labelled", "measure_label"), "labels"),
    "strip_volatile": "executed",
    **dict.fromkeys(
        (
            "QUARANTINE_TABLES",
            "enough_to_plot",
            "quarantine_summary",
            "site_outcomes",
            "site_profile",
            "site_reconciliation",
            "site_rows",
        ),
        "site",
    ),
    **dict.fromkeys(
        (
            "computed_note",
            "inference_answer",
            "outcome_answer",
            "overall_rows",
            "primary_coefficients",
            "replication_answer",
            "replication_rows",
            "rural_urban_answer",
            "site_sensitivity_sentence",
        ),
        "study",
    ),
    **dict.fromkeys(
        (
            "STUDY_FIGURES",
            "STUDY_TABLES",
            "as_number",
            "format_table",
            "format_value",
            "is_true",
            "read_published",
            "read_study_tables",
            "shown",
        ),
        "values",
    ),
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULE_OF})
