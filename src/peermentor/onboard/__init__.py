"""Onboarding a site: inspect its exports, draft its site config, check it before a run.

Pure functions on paths and DataFrames behind ``peermentor site inspect|draft|check``.
Reading, mapping and cleaning are never re-implemented here: the exports are read
with ``peermentor.ingest.read`` and a drafted config is checked with the pipeline's
own ingestion and cleaning functions, so a site that passes ``check`` runs.
``describe`` reads every configured site the same way and measures the study with the
pipeline's own functions (``peermentor describe``).
"""
