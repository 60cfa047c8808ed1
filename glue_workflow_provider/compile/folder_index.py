"""The folder index: every definition file of one folder as last checked (stat signature, key, dag_id).

It lets an Airflow worker find the one file that defines its DAG without reading the others; the plan
cache (``plan_cache.py``) stores it under ``folders/<id>.json``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IndexedFile:
    """What the index knows about one definition file (by its path relative to the folder's parent).

    ``valid`` is None when only the file's dag_id was read (a worker's parse, ``checking.claimed_dag_id``):
    where it owns its id does not depend on its validity, so nothing else needs to be known.
    """

    signature: tuple[int, ...]
    key: str
    valid: bool | None
    dag_id: str | None
    intended_dag_id: str | None

    def to_json(self) -> list[Any]:
        return [list(self.signature), self.key, self.valid, self.dag_id, self.intended_dag_id]

    @classmethod
    def from_json(cls, data: list[Any]) -> IndexedFile:
        signature, key, valid, dag_id, intended = data
        return cls(tuple(int(x) for x in signature), str(key), None if valid is None else bool(valid), dag_id, intended)


@dataclass(frozen=True)
class FolderIndex:
    """Every definition file of one folder as last checked, with when the scan began (``scanned_ns``).

    A stat signature is trusted only for files last modified well before the scan began (as git does for
    its index): a file changed within the same clock tick as the scan is always read and hashed again.
    """

    scanned_ns: int
    files: dict[str, IndexedFile]

    #: Modification times this close to the scan (or later) are not trusted (coarse file system clocks).
    RACY_NS = 2_000_000_000

    def trusted(self, shown: str, signature: tuple[int, ...]) -> IndexedFile | None:
        """The indexed file when its signature is unchanged and old enough to be trusted, else None."""
        known = self.files.get(shown)
        if known is None or known.signature != signature or signature[1] >= self.scanned_ns - self.RACY_NS:
            return None
        return known


def stat_signature(stat: os.stat_result) -> tuple[int, ...]:
    """(size, mtime_ns, ctime_ns, inode): changes whenever the file is written or replaced."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
