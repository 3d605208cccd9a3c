"""Loading and validating the study config and the site configs: the one validation path.

The workflow (``workflow/rules/common.smk``), ``peermentor site check`` and the other
CLI commands all load configs through this package, so a mistake gets the same message
wherever it is found: the file, the YAML line, the key path and what would fix it
(did-you-mean for an unknown key, the allowed values), never a traceback or a schema dump.

Defaults from the JSON schemas are filled in while validating, exactly where
``snakemake.utils.validate`` filled them before (every ``properties`` the validator
visits, nested and through ``$ref``): the rules read them.

Modules: ``read`` (YAML and key lines), ``messages`` (the wording), ``schema`` (validation
with defaults), ``site`` (site configs against the contract), ``interviews`` (the interview
mapping file), ``load`` (what callers load).
"""

from peermentor.config.interviews import load_interview_mapping
from peermentor.config.load import load_interviews, load_sites, load_study, load_workflow_configs
from peermentor.config.read import load_yaml, yaml_lines
from peermentor.config.schema import SCHEMA_DIR, validate
from peermentor.config.site import check_exports, load_site

__all__ = [
    "SCHEMA_DIR",
    "check_exports",
    "load_interview_mapping",
    "load_interviews",
    "load_site",
    "load_sites",
    "load_study",
    "load_workflow_configs",
    "load_yaml",
    "validate",
    "yaml_lines",
]
