"""Adapter: the run manifest (peermentor.publish.manifest)."""

import os

from peermentor.io import write_json
from peermentor.publish.manifest import build_manifest
from peermentor.runner import run_step


def main():
    manifest = build_manifest(
        inputs=[*snakemake.input.raw, *snakemake.input.site_configs],
        outputs=list(snakemake.input.results),
        config=dict(snakemake.params.config),
        code_dir=snakemake.scriptdir,
        command=os.environ.get("PEERMENTOR_SNAKEMAKE_COMMAND", "unknown"),
    )
    write_json(manifest, snakemake.output[0])


run_step("manifest", snakemake.log[0], main)
