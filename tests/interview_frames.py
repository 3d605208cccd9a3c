"""Tiny canonical interview tables (the contract's columns), with hand-computed answers in the
tests that use them.

Themes (display order): common_vision (process) > child_safety_first; working_relationships
(process) > building_trust; supervision. Interviews: d2 (family mentor, order 1), d1
(caseworker, order 2), d3 (supervisor, order 3), d4 (caseworker, order 4, no coding); d1 and
d2 double-coded by coder_a and coder_b.

Codings (d1 units [0,10) [10,20) [20,30); d2 units [0,15) [15,30)):
  d1 coder_a  child_safety_first [2,8)    building_trust [12,25)
  d1 coder_b  common_vision [0,10)        building_trust [20,22)   unmapped [0,5)
  d2 coder_a  supervision [5,5) (point)   working_relationships [16,20)
  d2 coder_b  working_relationships [15,30)
  d3 coder_a  supervision [0,30)          child_safety_first [10,20)
"""

from __future__ import annotations

import pandas as pd

THEMES = pd.DataFrame(
    {
        "theme": [
            "common_vision",
            "child_safety_first",
            "working_relationships",
            "building_trust",
            "supervision",
        ],
        "process": [
            "common_vision",
            "common_vision",
            "working_relationships",
            "working_relationships",
            "supervision",
        ],
        "label": [
            "Sharing a common vision",
            "Child safety first",
            "Developing working relationships",
            "Building trust",
            "Supervision",
        ],
        "kind": ["process", "subtheme", "process", "subtheme", "supervision"],
        "order": [1, 2, 3, 4, 5],
    }
)

DOCUMENTS = pd.DataFrame(
    {
        "document_id": ["d1", "d2", "d3", "d4"],
        "participant_id": ["p1", "p2", "p3", "p4"],
        "role": pd.Categorical(["caseworker", "family_mentor", "supervisor", "caseworker"]),
        "order": [2, 1, 3, 4],
        "n_units": [3, 2, 1, 1],
        "double_coded": [True, True, False, False],
    }
)

UNITS = pd.DataFrame(
    {
        "document_id": ["d1", "d1", "d1", "d2", "d2", "d3", "d4"],
        "unit": [1, 2, 3, 1, 2, 1, 1],
        "start": [0, 10, 20, 0, 15, 0, 0],
        "end": [10, 20, 30, 15, 30, 30, 30],
        "text": ["x" * 10] * 3 + ["y" * 15] * 2 + ["z" * 30] * 2,
    }
)

_ROWS = [
    # coding_id, document, coder, theme, start, end
    ("c1", "d1", "coder_a", "child_safety_first", 2, 8),
    ("c2", "d1", "coder_a", "building_trust", 12, 25),
    ("c3", "d1", "coder_b", "common_vision", 0, 10),
    ("c4", "d1", "coder_b", "building_trust", 20, 22),
    ("c5", "d1", "coder_b", None, 0, 5),
    ("c6", "d2", "coder_a", "supervision", 5, 5),
    ("c7", "d2", "coder_a", "working_relationships", 16, 20),
    ("c8", "d2", "coder_b", "working_relationships", 15, 30),
    ("c9", "d3", "coder_a", "supervision", 0, 30),
    ("c10", "d3", "coder_a", "child_safety_first", 10, 20),
]

CODINGS = pd.DataFrame(
    {
        "coding_id": [r[0] for r in _ROWS],
        "document_id": [r[1] for r in _ROWS],
        "coder": [r[2] for r in _ROWS],
        "tool_code": [f"Code::{r[3]}" for r in _ROWS],
        "theme": pd.array([r[3] for r in _ROWS], dtype="string"),
        "start": [r[4] for r in _ROWS],
        "end": [r[5] for r in _ROWS],
        "unit": [1, 2, 1, 3, 1, 1, 2, 2, 1, 1],
        "text": [f"text of {r[0]}" for r in _ROWS],
    }
)
