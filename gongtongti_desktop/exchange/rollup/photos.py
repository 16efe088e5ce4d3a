"""Photo checks in the 汇总: each kindergarten's flags counted, and photos that are the same
as one in another kindergarten's package.

Why only counting: the flags were computed when each package was written (with the facts of
the original photos, which a package's reduced copies have lost) and travel in its manifest,
so the 汇总 never decodes a photo — issue 13 holds it to a few times the cost of reading the
packages. The search across kindergartens compares 64-bit hashes by band: with 200 packages of
6 000 photos (1.2 million hashes) an all-pairs comparison is out of reach, and so are narrow
bands (thousands of unrelated hashes would share each); the hash is cut into ``BANDS`` wide
bands and only hashes agreeing on one are compared (``near_pairs_many``). Every pair within
``BANDS - 1`` bits is found for certain and most pairs up to ``CROSS_BITS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gongtongti_desktop.core.checks.photo_flags import detailed, near_pairs_many
from gongtongti_desktop.exchange.package import photo_checks

if TYPE_CHECKING:
    from gongtongti_desktop.exchange.rollup.figures import KindergartenRow

BANDS = 3
# Across kindergartens only near-identical copies (resized, recompressed: 0–3 bits in
# tests/core/test_photo_checks.py) count. The data file's NEAR_BITS (10) would be too loose for a
# million photos: among 1.2 million random 64-bit hashes some 5 800 pairs lie within 10 bits
# by chance, and about 0.03 within 4.
CROSS_BITS = 4


def photo_counts(row: KindergartenRow, manifest: dict[str, Any]) -> None:
    """Fill a row's photo figures from its package's manifest (zeros for older packages)."""
    row.photo_flags, row.photo_answered, row.photo_notes = photo_checks.counts(manifest)
    row.photo_hashes = photo_checks.hashes(manifest)


def mark_shared(rows: list[KindergartenRow]) -> None:
    """Set each row's ``photo_shared``: its photos at most CROSS_BITS apart from a photo in
    another kindergarten's package (another UUID: one kindergarten's own months are the
    packages' own flags)."""
    values: list[int] = []
    owners: list[int] = []
    for n, row in enumerate(rows):
        kept = [h for h in row.photo_hashes if detailed(h)]
        values.extend(kept)
        owners.extend([n] * len(kept))
    shared: list[set[int]] = [set() for _ in rows]
    for i, j in near_pairs_many(values, CROSS_BITS, bands=BANDS):
        a, b = owners[i], owners[j]
        if rows[a].uuid != rows[b].uuid:
            shared[a].add(i)
            shared[b].add(j)
    for row, found in zip(rows, shared, strict=True):
        row.photo_shared = len(found)
