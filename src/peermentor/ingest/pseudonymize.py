"""Keyed pseudonymization of identifiers at ingestion.

Identifiers are replaced by a keyed BLAKE2b hash (a MAC: without the salt the
mapping cannot be rebuilt by hashing guessed ids). The salt is a secret that is
never committed: a real run reads it from an environment variable or from an
uncommitted file; the demo uses ``DEMO_SALT``, which is public on purpose.
Rotating the salt changes every pseudonymous id, so rerun the whole study after
rotating.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd

from peermentor.errors import SaltError

DEMO_SALT = "peermentor-demo-salt-public-not-secret"
PREFIX = {
    "family_id": "F",
    "mentor_id": "M",
    "contact_id": "C",
    "document_id": "D",  # an interview transcript (docs/interviews.md)
    "participant_id": "P",  # the person interviewed
}


def resolve_salt(*, salt_env: str, salt_file: str | Path, use_demo_salt: bool) -> bytes:
    """The salt for this run, or a clear error saying where to put one."""
    if use_demo_salt:
        return DEMO_SALT.encode()
    from_env = os.environ.get(salt_env, "").strip()
    if from_env:
        return from_env.encode()
    path = Path(salt_file)
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip().encode()
    raise SaltError(
        "no pseudonymization salt: this is a real (non-demo) run, so identifiers must be "
        f"hashed with a secret salt. Set the environment variable {salt_env}, or write the "
        f"salt to {path} (never commit it), or set pseudonymization.use_demo_salt: true "
        "for demo data only."
    )


def pseudonymize(values: pd.Series, *, salt: bytes, kind: str, namespace: str = "") -> pd.Series:
    """Replace raw ids by keyed hashes; equal raw ids in one namespace stay equal.

    ``namespace`` separates sites whose raw family ids could collide; mentors use an
    organisation-wide namespace so a shared HR roster links across sites.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    hashed = [f"{PREFIX[kind]}-{_digest(salt, f'{kind}:{namespace}:{raw}')}" for raw in uniques]
    lookup = np.array([*hashed, None], dtype=object)
    return pd.Series(lookup[codes], index=values.index, dtype=object)


def _digest(salt: bytes, text: str) -> str:
    return hashlib.blake2b(text.encode(), key=salt[:64], digest_size=8).hexdigest()
