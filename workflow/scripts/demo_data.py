"""Adapter: generate the demo study's raw exports (peermentor.demo.build)."""

from peermentor.demo.build import build_demo
from peermentor.runner import run_step


def main():
    build_demo(
        snakemake.params.sites,
        seed=snakemake.params.seed,
        scale=snakemake.params.scale,
        data_cutoff=snakemake.params.data_cutoff,
        truth_file=snakemake.output.truth,
        shape=snakemake.params.shape,
        interviews=snakemake.params.interviews,
    )


run_step("demo_data", snakemake.log[0], main)
