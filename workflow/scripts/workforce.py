"""Adapter: mentor workforce per mentor and summary (peermentor.analysis.workforce)."""

import pandas as pd

from peermentor.analysis.workforce import mentor_workforce, summarize_workforce
from peermentor.io import write_csv, write_parquet
from peermentor.publish.disclosure import publish_workforce_summary
from peermentor.runner import run_step


def main():
    p = snakemake.params
    per_mentor = mentor_workforce(
        pd.read_parquet(snakemake.input.mentors),
        pd.read_parquet(snakemake.input.families),
        pd.read_parquet(snakemake.input.contacts),
        data_cutoff=p.data_cutoff,
    )
    summary = summarize_workforce(per_mentor)
    write_parquet(per_mentor, snakemake.output.per_mentor)
    write_csv(
        publish_workforce_summary(summary, min_cell_size=p.min_cell_size, decimals=p.decimals),
        snakemake.output.summary,
    )


run_step("workforce", snakemake.log[0], main)
