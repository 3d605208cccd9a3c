"""Benchmark: the analysis stages on a scaled demo study, in one process.

    .venv/bin/python benchmarks/analysis_stages.py --scale 100

Simulates the canonical tables directly (no export/ingest), then times each
analysis function the workflow runs: family profile + early engagement (P1-P3),
summaries with disclosure control, workforce (P6), rural/urban (P4) and the
outcome models (P5). Prints a Markdown table; also reports peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import time

from peermentor import stratify
from peermentor.demo.simulate import simulate_study
from peermentor.engagement import early_engagement, summarize_early_engagement_overall_and_sites
from peermentor.model import fit_models
from peermentor.profile import (
    family_profile,
    summarize_profile_overall_and_sites,
    with_early_engagement,
)
from peermentor.publish import publish_early_summary, publish_profile_summary
from peermentor.workforce import mentor_workforce, summarize_workforce

CUTOFF = "2017-12-31"
PRIMARY = (
    "unified_at_closure ~ face_to_face_with_children + no_shows_or_refusals"
    " + C(rurality) + months_of_service"
)


def timed(label: str, rows: list, fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    rows.append((label, time.perf_counter() - started))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--n-boot", type=int, default=200, help="bootstrap resamples for P4")
    args = parser.parse_args()
    rows: list[tuple[str, float]] = []
    study = timed("simulate study", rows, simulate_study, scale=args.scale)
    fam, con, men = study.families, study.contacts, study.mentors
    print(f"scale {args.scale}: {len(fam):,} families, {len(con):,} contacts, {len(men):,} mentors")

    profile = timed("family_profile", rows, family_profile, fam, con, data_cutoff=CUTOFF)
    early = timed(
        "early_engagement", rows, early_engagement, con, fam, n_contacts=7, data_cutoff=CUTOFF
    )
    profile = with_early_engagement(profile, early)
    summary = timed("summarize_profile", rows, summarize_profile_overall_and_sites, profile)
    early_summary = timed(
        "summarize_early", rows, summarize_early_engagement_overall_and_sites, early, n_contacts=7
    )
    timed("publish summaries", rows, lambda: (
        publish_profile_summary(summary, min_cell_size=11),
        publish_early_summary(early_summary, min_cell_size=11),
    ))  # fmt: skip
    per_mentor = timed("mentor_workforce", rows, mentor_workforce, men, fam, con, data_cutoff=CUTOFF)
    timed("summarize_workforce", rows, summarize_workforce, per_mentor)
    timed("compare_strata (P4)", rows, stratify.compare_strata, profile, n_boot=args.n_boot)
    timed("outcome models (P5)", rows, fit_models, profile, primary=PRIMARY, cluster="mentor_id")

    stage = sum(s for label, s in rows[1:6])
    print("\n| step | seconds |\n|---|---:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} |")
    print(f"| **P1-P3 stage (profile, early, summaries)** | **{stage:.2f}** |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
