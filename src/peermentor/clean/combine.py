"""Combining the sites' clean tables into the study tables.

Sites that share a mentor roster (one HR file, one slice per site) may both list a mentor who
works for both. Pseudonymized alike, the two rows are one mentor: kept once (under the first
site listing them) when the records agree. When they disagree (another hire date, end date or exit
reason) the run cannot know which is right, so it stops naming both sites, the file and the rows.

The large tables (families, contacts) are streamed one site at a time into the study table, with
the bytes combining them in memory would give (``stream_combine``; see docs/combine.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from peermentor import contract
from peermentor.clean.validate import combine_sites, validate_table
from peermentor.errors import PeermentorError
from peermentor.ingest.read import SOURCE_ROW
from peermentor.io import atomic_path, write_parquet

# The columns two listings of one mentor must agree on.
MENTOR_RECORD = [c for c in contract.columns("mentors") if c not in ("mentor_id", "site_id")]


def combine_tables(
    parts: list[pd.DataFrame], table: str, files: list[str] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """The study table from the sites' tables (in site order); returns it and what was merged.

    ``files`` are the sites' export files of ``table`` (for the error message).
    """
    if table != "mentors":
        return combine_sites(parts, table), []
    deduplicated, merged = merge_shared_mentors(parts, files or [""] * len(parts))
    return combine_sites(deduplicated, table), merged


def merge_shared_mentors(
    parts: list[pd.DataFrame], files: list[str]
) -> tuple[list[pd.DataFrame], list[str]]:
    """Drop a later site's row of a mentor an earlier site lists with the same record."""
    stacked = pd.concat(
        [p.assign(_part=i, _file=f) for i, (p, f) in enumerate(zip(parts, files, strict=True))],
        ignore_index=True,
    )
    repeated = stacked[stacked["mentor_id"].duplicated(keep=False)]
    drop: set[int] = set()
    merged = []
    for mentor, rows in repeated.groupby("mentor_id", sort=True):
        if _differing(rows):
            raise PeermentorError(_disagreement(mentor, rows))
        drop.update(rows.index[1:])
        merged.append(
            f"mentor {mentor} is listed by sites {', '.join(rows['site_id'])} with the same "
            f"record; kept once under {rows['site_id'].iloc[0]}"
        )
    kept = stacked.drop(index=sorted(drop))
    out = [
        kept[kept["_part"] == i].drop(columns=["_part", "_file"]).reset_index(drop=True)
        for i in range(len(parts))
    ]
    return out, merged


def _differing(rows: pd.DataFrame) -> list[str]:
    """The record columns in which the rows differ (a missing date equals a missing date)."""
    text = rows[MENTOR_RECORD].apply(lambda c: c.map(lambda v: "" if pd.isna(v) else str(v)))
    return [c for c in MENTOR_RECORD if text[c].nunique() > 1]


def _disagreement(mentor: str, rows: pd.DataFrame) -> str:
    differs = _differing(rows)
    where = "; ".join(
        f"site {r['site_id']}: {r['_file']} row {r[SOURCE_ROW]} "
        f"({', '.join(f'{c}={r[c]}' for c in differs)})"
        for _, r in rows.iterrows()
    )
    return (
        f"mentor {mentor} is listed by sites {' and '.join(rows['site_id'])} in their shared "
        f"roster with different records ({', '.join(differs)} differ): {where}. Correct the "
        "roster so both rows agree (or list the mentor under one site only) and rerun."
    )


# --- streaming: one site at a time -------------------------------------------------------


def combine_files(
    paths: list[str | Path], table: str, out: str | Path, sites: list[str], files: list[str]
) -> tuple[int, list[str]]:
    """Write the study table ``table`` from the sites' clean files; its rows and what was merged.

    ``mentors`` is combined in memory (a few rows a site, and merging a shared roster needs
    every site at once); the large tables are streamed one site at a time.
    """
    if table == "mentors":
        combined, merged = combine_tables([pd.read_parquet(p) for p in paths], table, files)
        write_parquet(combined, out)
        return len(combined), merged
    return stream_combine(paths, table, out, sites), []


# pyarrow's default row-group length (write_table without row_group_size): the streamed
# file is cut at the same rows as ``write_parquet`` of the whole table, so its bytes match.
ROW_GROUP_ROWS = 1024 * 1024


def stream_combine(
    paths: list[str | Path],
    table: str,
    out: str | Path,
    sites: list[str],
    *,
    row_group_rows: int = ROW_GROUP_ROWS,
) -> int:
    """Write the study table from the sites' clean Parquet files, one site in memory at a time.

    The same bytes as ``write_parquet(combine_tables(parts, table)[0], out)`` for every table
    but ``mentors`` (whose shared-roster merge needs all sites; it is small). Each site's rows
    go from its file to the writer in Arrow, cast to the study's types, without a pandas copy;
    their contract checks are ``clean_site``'s, which validated them just before writing them.
    What only the whole table can break, an id shared by two sites, is checked here by the ids'
    hashes. Rows are written in row groups cut where pyarrow cuts the whole table. Returns the
    number of rows.
    """
    schema = _study_schema(paths, table)
    unique = [c.name for c in contract.TABLES[table] if c.unique]
    hashes: dict[str, list[np.ndarray]] = {c: [] for c in unique}
    with atomic_path(out) as tmp, pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        pending = _RowGroups(writer, row_group_rows)
        for path in paths:
            part = _as_study_types(pq.read_table(path), schema, path, table)
            for c in unique:
                hashes[c].append(_id_hashes(part[c].to_numpy()))
            pending.add(part)
            del part
        pending.close()
        for c in unique:
            _check_unique_across_sites(np.concatenate(hashes[c]), paths, sites, table, c)
        return pending.rows


def _as_study_types(part: pa.Table, schema: pa.Schema, path, table: str) -> pa.Table:
    """A site's rows in the study's column types: what ``pd.concat`` and validation make them."""
    try:
        return part.cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
        raise PeermentorError(
            f"{path}: its columns cannot take the study's types ({err}); rerun the site's "
            "clean_site step"
        ) from None


def _id_hashes(values: np.ndarray) -> np.ndarray:
    """64-bit hashes of ids (not factorized first: the ids are meant to be unique)."""
    return pd.util.hash_array(np.asarray(values, dtype=object), categorize=False)


def _study_schema(paths: list[str | Path], table: str) -> pa.Schema:
    """The Arrow schema, with its pandas metadata, ``write_parquet`` gives the whole table.

    pandas concatenates the sites' zero-row frames to the same dtypes as the whole frames (an
    empty site's float ``source_row`` makes it float, as in ``combine_tables``). A site whose text
    column is empty or all missing stores it as type null; pandas infers text for the whole
    column once any site has a value, so there the first typed field wins. ``from_pandas``
    builds the pandas metadata from these dtypes and types.
    """
    schemas = [pq.read_schema(p) for p in paths]
    canonical = contract.columns(table)
    for path, names in zip(paths, (s.names for s in schemas), strict=True):
        if names not in (canonical, [*canonical, SOURCE_ROW]) or names != schemas[0].names:
            raise PeermentorError(
                f"{path}: columns {names} are not those of the clean {table} table "
                f"(expected {[*canonical, SOURCE_ROW]}); rerun the site's clean_site step"
            )
    empty = validate_table(
        pd.concat([s.empty_table().to_pandas() for s in schemas], ignore_index=True), table
    )
    fields = []
    for field in pa.Schema.from_pandas(empty, preserve_index=False):
        typed = [s.field(field.name) for s in schemas]
        typed = [f for f in typed if not pa.types.is_null(f.type)]
        fields.append(typed[0] if pa.types.is_null(field.type) and typed else field)
    return pa.Table.from_pandas(empty, schema=pa.schema(fields), preserve_index=False).schema


class _RowGroups:
    """Buffer Arrow tables and write them as row groups of exactly ``rows`` rows.

    Each row group is made contiguous first: the writer splits pages by value batches within
    each chunk, so a row group of several chunks could differ in bytes from one of one chunk.
    """

    def __init__(self, writer: pq.ParquetWriter, rows: int):
        self.writer, self.size = writer, rows
        self.buffer: list[pa.Table] = []
        self.buffered = 0
        self.rows = 0

    def add(self, arrow: pa.Table) -> None:
        self.buffer.append(arrow)
        self.buffered += arrow.num_rows
        while self.buffered >= self.size:
            self._write(self.size)

    def close(self) -> None:
        # An empty study table is one empty row group, as write_table writes it.
        if self.buffered or not self.rows:
            self._write(self.buffered)

    def _write(self, n: int) -> None:
        whole = pa.concat_tables(self.buffer)
        self.writer.write_table(whole.slice(0, n).combine_chunks(), row_group_size=max(n, 1))
        rest = whole.slice(n)
        self.buffer, self.buffered = [rest] if rest.num_rows else [], rest.num_rows
        self.rows += n


def _check_unique_across_sites(
    hashes: np.ndarray, paths: list[str | Path], sites: list[str], table: str, column: str
) -> None:
    """Stop naming the value and its sites when two sites' rows share an id.

    Hashes (8 bytes a row) stand for the values; an equal pair of hashes is checked on the
    values themselves, read again from the sites' files, so a collision cannot stop a run.
    """
    ordered = np.sort(hashes)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return
    found = []
    for path, site in zip(paths, sites, strict=True):
        values = pd.read_parquet(path, columns=[column])[column]
        hit = np.isin(_id_hashes(values.to_numpy(dtype=object)), repeated)
        found += [(v, site) for v in values[hit]]
    shared = pd.DataFrame(found, columns=["value", "site"]).groupby("value", sort=True)["site"]
    clashes = [f"{v} (sites {', '.join(s)})" for v, s in shared if len(s) > 1]
    if clashes:
        raise PeermentorError(
            f"table {table}: {column} must be unique across sites, but "
            f"{len(clashes)} value(s) appear in more than one site: {'; '.join(clashes[:10])}. "
            "Ids are pseudonymized in each site's own namespace, so this should not happen "
            "(a bug, please report)."
        )
