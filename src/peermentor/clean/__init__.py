"""The clean stage (workflow/rules/clean.smk): one site's mapped rows through the row rules,
kept or quarantined with a reason; the sites combined into the study tables.

Modules: ``site`` (the row rules of one site, quarantine, reconciliation, the quarantine
limit), ``duplicates`` (copies of an id), ``quality`` (flags on kept rows), ``validate`` (the
data contract after cleaning), ``combine`` (the sites into study tables, shared mentors), and
``prepare``: ingest, clean, combine defined once for the workflow's rules, ``site check``,
``describe`` and the tests.
"""
