"""Rule demo_data (workflow/rules/demo.smk): the synthetic demo study's raw exports."""

from peermentor.demo.build import build_demo
from peermentor.runner import run_step


def demo_data(input, output, params) -> None:
    build_demo(
        params.sites,
        seed=params.seed,
        scale=params.scale,
        data_cutoff=params.data_cutoff,
        truth_file=output.truth,
        shape=params.shape,
        interviews=params.interviews,
    )


run_step(snakemake, demo_data)
