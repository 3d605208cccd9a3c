"""peermentor: the Huebner et al. (2018) peer-mentoring study as a reproducible pipeline.

All logic lives here as plain functions on pandas DataFrames; the Snakemake
workflow under ``workflow/`` only wires files to these functions.
"""

__version__ = "0.1.0"
