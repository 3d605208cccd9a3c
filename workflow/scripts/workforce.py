"""Rule workforce (workflow/rules/workforce.smk): the mentor workforce per mentor and its
published summary (P6)."""

import pandas as pd

from peermentor.analysis.workforce import (
    WORKFORCE_CONTACT_COLUMNS,
    mentor_workforce,
    summarize_workforce,
)
from peermentor.io import write_csv, write_parquet
from peermentor.publish.disclosure import (
    format_published,
    publish_workforce_summary,
)
from peermentor.runner import run_step


def workforce(input, output, params) -> None:
    """Mentor workforce per mentor, and its published summary."""
    p = params
    per_mentor = mentor_workforce(
        pd.read_parquet(input.mentors),
        pd.read_parquet(input.families),
        pd.read_parquet(input.contacts, columns=WORKFORCE_CONTACT_COLUMNS),
        data_cutoff=p.data_cutoff,
    )
    summary = summarize_workforce(per_mentor)
    write_parquet(per_mentor, output.per_mentor)
    published = publish_workforce_summary(
        summary, min_cell_size=p.min_cell_size, decimals=p.decimals
    )
    write_csv(format_published(published, p.decimals), output.summary)


run_step(snakemake, workforce)
