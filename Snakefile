# The peer-mentoring study (Huebner et al. 2018) as a reproducible pipeline.
# Stages: demo -> ingest -> clean -> profile -> rural_urban -> outcome, workforce -> figures
# -> notebooks -> report (docs/outputs.md); audit and the interview strand beside them.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


wildcard_constraints:
    site="|".join(SITES),
    table="|".join(TABLES),


include: "workflow/rules/demo.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/clean.smk"
include: "workflow/rules/profile.smk"
include: "workflow/rules/workforce.smk"
include: "workflow/rules/rural_urban.smk"
include: "workflow/rules/outcome.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/audit.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/notebooks.smk"


if config["interviews"]["enabled"]:

    include: "workflow/rules/interviews.smk"


rule all:
    default_target: True
    input:
        all_targets(),


# Tables, models and figures without the notebooks, report and manifest
# (`snakemake analysis`: the quickest way to the numbers; what the benchmark's baseline does).
rule analysis:
    input:
        manifest_outputs(),
    localrule: True


# Exit when the last job is done, not up to a second later (peermentor.runner).
onsuccess:
    cancel_rescheduling_timers()
