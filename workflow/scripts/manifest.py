"""Rule manifest (workflow/rules/report.smk): checksums of every input and output, with the
config, package versions and git state."""

import functools
import os

from peermentor.io import write_json
from peermentor.publish.manifest import build_manifest
from peermentor.runner import run_step


def manifest(input, output, params, code_dir: str) -> None:
    """Checksums of every input and output, with the config, package versions and git state.

    ``code_dir``: where the code's git state (commit, dirty) is read, the workflow's scripts dir
    (Snakemake's ``scriptdir``; not a param, whose absolute path would change with the checkout).
    """
    result = build_manifest(
        inputs=[*input.raw, *input.site_configs],
        outputs=list(input.results),
        config=dict(params.config),
        code_dir=code_dir,
        # By environment, not a param: how the run was started is recorded, but a dry run or
        # another flag must not count as a change that reruns this job (common.smk).
        command=os.environ.get("PEERMENTOR_SNAKEMAKE_COMMAND", "unknown"),
    )
    write_json(result, output.manifest)


# The git state is read where the workflow's scripts are (not a param: its absolute path would
# change with the checkout and rerun the job).
run_step(snakemake, functools.partial(manifest, code_dir=snakemake.scriptdir))
