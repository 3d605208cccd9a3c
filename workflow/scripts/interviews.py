"""Adapter: the interview strand's jobs (peermentor.jobs.interviews).

One script serves every rule of workflow/rules/interviews.smk; ``snakemake.rule`` picks the job.
"""

import matplotlib

matplotlib.use("Agg")  # no display; the same renderer on every machine (the figure rule)

from peermentor.jobs import interviews
from peermentor.runner import run_step

run_step(
    snakemake.rule,
    snakemake.log[0],
    getattr(interviews, snakemake.rule),
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
