"""Adapter: quarantine one site's unusable rows and reconcile (peermentor.jobs.clean)."""

from peermentor.jobs.clean import clean_site
from peermentor.runner import run_step

run_step(
    f"clean {snakemake.wildcards.site}",
    snakemake.log[0],
    clean_site,
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
