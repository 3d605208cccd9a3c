"""The workflow's jobs: what each rule does with its inputs, outputs and params.

One module per rules file (workflow/rules/<stage>.smk), one function per rule, named like it.
A job takes ``(input, output, params)``: Snakemake's ``snakemake.input``, ``.output`` and
``.params`` in the adapters (workflow/scripts/<rule>.py), or any objects with the rule's names as
attributes (the single-process baseline, benchmarks/baseline.py, binds ``SimpleNamespace``s).
A job reads its inputs, calls the package in order, writes its outputs and logs; a rule that
needs a wildcard gets it as a param (the manifest also takes Snakemake's scripts dir, whose git
state it records). The demo's own job stays in its adapter: only ``demo`` imports ``demo``.
"""
